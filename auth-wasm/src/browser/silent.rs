//! Silent renewal in a hidden iframe (`prompt=none`), for providers or clients without refresh tokens.
//!
//! The iframe goes to the provider, which answers at once with a redirect to the silent redirect URI (a
//! blank page of this app). We watch the iframe's location until it is back on our origin; reading it
//! throws while it is on the provider's, which we ignore.
//!
//! Where that cannot work we say so at once instead of waiting out the timeout, with an error that
//! [`AuthError::requires_interaction`] is true for (so `get_token` answers `RequiresInteraction`):
//! - a cross-origin-isolated page (COOP + COEP `require-corp`) cannot frame the provider's page at all,
//!   so no iframe is made;
//! - a frame that finished loading on a page we cannot read (the provider showed a page instead of
//!   redirecting, or the browser put an error page there because the provider refuses to be framed) and
//!   stays there for two seconds will not come back.
//!
//! The frame itself is made and watched in `silent.js` (`hiddenIframe`).

use wasm_bindgen::prelude::*;

use super::AuthError;

#[wasm_bindgen(module = "/src/browser/silent.js")]
extern "C" {
    #[wasm_bindgen(js_name = hiddenIframe, catch)]
    async fn hidden_iframe(url: &str, redirect_base: &str, timeout_ms: u32) -> Result<JsValue, JsValue>;
}

/// Loads `url` in a hidden iframe and returns the URL it lands on under `redirect_uri`.
pub(crate) async fn navigate_hidden_iframe(
    url: &str,
    redirect_uri: &str,
    timeout_ms: u32,
) -> Result<String, AuthError> {
    let redirect_base = crate::protocol::before_any(redirect_uri, b"?#");
    match hidden_iframe(url, redirect_base, timeout_ms).await {
        Ok(landed) => landed.as_string().ok_or(AuthError::SilentTimeout { seconds: timeout_ms / 1000 }),
        // A reason (a string): the iframe cannot work here. Anything else the browser threw is its error.
        Err(why) => Err(match why.as_string() {
            Some(reason) => AuthError::SilentUnavailable { reason },
            None => AuthError::browser(why),
        }),
    }
}
