//! Silent renewal in a hidden iframe (`prompt=none`), for providers or clients without refresh tokens.
//!
//! The iframe goes to the provider, which answers at once with a redirect to the silent redirect URI (a
//! blank page of this app). We watch the iframe's location until it is back on our origin; reading it
//! throws while it is on the provider's, which we ignore.

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast as _;

use super::AuthError;

const POLL_MS: u32 = 50;

/// Loads `url` in a hidden iframe and returns the URL it lands on under `redirect_uri`.
pub(crate) async fn navigate_hidden_iframe(
    url: &str,
    redirect_uri: &str,
    timeout_ms: u32,
) -> Result<String, AuthError> {
    let document =
        web_sys::window().and_then(|w| w.document()).ok_or_else(|| AuthError::Browser("no document".into()))?;
    let iframe: web_sys::HtmlIFrameElement =
        document.create_element("iframe").map_err(AuthError::browser)?.unchecked_into();
    iframe.set_attribute("style", "display:none;width:0;height:0;border:0").map_err(AuthError::browser)?;
    iframe.set_attribute("aria-hidden", "true").map_err(AuthError::browser)?;
    iframe.set_attribute("title", "silent sign-in").map_err(AuthError::browser)?;
    iframe.set_src(url);
    let body = document.body().ok_or_else(|| AuthError::Browser("no body".into()))?;
    body.append_child(&iframe).map_err(AuthError::browser)?;

    let redirect_base = redirect_uri.split(['?', '#']).next().unwrap_or_default().to_owned();
    let mut waited = 0;
    let result = loop {
        TimeoutFuture::new(POLL_MS).await;
        waited += POLL_MS;
        let href = iframe.content_window().and_then(|w| w.location().href().ok());
        if let Some(href) = href.filter(|h| h.starts_with(&redirect_base)) {
            break Ok(href);
        }
        if waited >= timeout_ms {
            break Err(AuthError::SilentTimeout { seconds: timeout_ms / 1000 });
        }
    };
    iframe.remove();
    result
}
