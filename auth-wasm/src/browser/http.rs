//! HTTP to the provider through the browser's `fetch`. Requests are "simple" in the CORS sense (GET, or
//! a form POST with no custom header), so the browser sends no preflight to the provider.
//!
//! This calls web-sys directly rather than gloo-net: gloo-net's error type brings serde_json and the
//! `http` crate into the npm package, several times the size of these few calls.

use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::error::js_message;
use super::AuthError;

/// How long a request to the provider may take. A renewal holds the account's Web Lock while it waits,
/// so a request that hangs must not hold every tab with it.
const REQUEST_TIMEOUT_MS: u32 = 30_000;

pub(crate) use crate::protocol::flow::HttpResponse;

async fn fetch(url: &str, init: &web_sys::RequestInit) -> Result<HttpResponse, AuthError> {
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(REQUEST_TIMEOUT_MS)));
    let network_error = |error: JsValue| AuthError::Network { url: url.to_owned(), message: js_message(&error) };
    let window = web_sys::window().ok_or_else(|| AuthError::Browser("no window".into()))?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(url, init)).await.map_err(network_error)?.unchecked_into();
    let body = JsFuture::from(response.text().map_err(network_error)?).await.map_err(network_error)?;
    Ok(HttpResponse { status: response.status(), body: body.as_string().unwrap_or_default() })
}

pub(crate) async fn get(url: &str) -> Result<HttpResponse, AuthError> {
    fetch(url, &web_sys::RequestInit::new()).await
}

pub(crate) async fn post_form(url: &str, body: String) -> Result<HttpResponse, AuthError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(AuthError::browser)?;
    headers.append("Content-Type", "application/x-www-form-urlencoded").map_err(AuthError::browser)?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    fetch(url, &init).await
}
