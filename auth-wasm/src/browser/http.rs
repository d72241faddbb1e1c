//! HTTP through gloo-net. Requests are "simple" in the CORS sense (GET, or a form POST with no custom
//! header), so the browser sends no preflight to the provider.

use gloo_net::http::Request;

use super::AuthError;

/// A response's status and body.
pub(crate) struct HttpResponse {
    pub status: u16,
    pub body: String,
}

fn network_error(url: &str, error: gloo_net::Error) -> AuthError {
    AuthError::Network { url: url.to_owned(), message: error.to_string() }
}

async fn read(url: &str, response: gloo_net::http::Response) -> Result<HttpResponse, AuthError> {
    let status = response.status();
    let body = response.text().await.map_err(|e| network_error(url, e))?;
    Ok(HttpResponse { status, body })
}

pub(crate) async fn get(url: &str) -> Result<HttpResponse, AuthError> {
    let response = Request::get(url).send().await.map_err(|e| network_error(url, e))?;
    read(url, response).await
}

pub(crate) async fn post_form(url: &str, body: String) -> Result<HttpResponse, AuthError> {
    let request = Request::post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| network_error(url, e))?;
    let response = request.send().await.map_err(|e| network_error(url, e))?;
    read(url, response).await
}
