//! HTTP to the provider through the browser's `fetch`. Requests are "simple" in the CORS sense (GET, or
//! a form POST with no custom header), so the browser sends no preflight to the provider; only a DPoP
//! proof (a `DPoP` header) makes a token request preflighted, which a provider offering DPoP allows.
//!
//! The request is made by `request` in `io.js`, not gloo-net: gloo-net's error type brings serde_json
//! and the `http` crate into the npm package, several times the size of these few calls, and binding
//! `fetch` through web-sys is larger than these few lines of JavaScript.

use wasm_bindgen::prelude::*;

use super::error::js_message;
use super::AuthError;

/// How long a request to the provider may take. A renewal holds the account's Web Lock while it waits,
/// so a request that hangs must not hold every tab with it.
pub(crate) const REQUEST_TIMEOUT_MS: u32 = 30_000;

pub(crate) use crate::protocol::flow::HttpResponse;

#[wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn request(url: &str, body: Option<String>, timeout_ms: u32, proof: Option<&str>)
        -> Result<JsValue, JsValue>;
}

async fn fetch(url: &str, body: Option<String>, proof: Option<&str>) -> Result<HttpResponse, AuthError> {
    let network_error = |error: JsValue| AuthError::Network { url: url.to_owned(), message: js_message(&error) };
    let answer: js_sys::Array =
        request(url, body, REQUEST_TIMEOUT_MS, proof).await.map_err(network_error)?.unchecked_into();
    let status = answer.get(0).as_f64().unwrap_or_default() as u16;
    let response = HttpResponse::new(status, answer.get(1).as_string().unwrap_or_default());
    #[cfg(feature = "dpop")]
    let response = HttpResponse { dpop_nonce: answer.get(2).as_string(), ..response };
    Ok(response)
}

pub(crate) async fn get(url: &str) -> Result<HttpResponse, AuthError> {
    fetch(url, None, None).await
}

pub(crate) async fn post_form(url: &str, body: String) -> Result<HttpResponse, AuthError> {
    fetch(url, Some(body), None).await
}

/// `POST url` with the form `body` and the DPoP `proof`, if any (a bearer grant's request has none); the
/// answer with its `DPoP-Nonce`.
#[cfg(feature = "dpop")]
pub(crate) async fn post_form_with_proof(
    url: &str,
    body: String,
    proof: Option<&str>,
) -> Result<HttpResponse, AuthError> {
    fetch(url, Some(body), proof).await
}
