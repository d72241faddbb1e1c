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
//!   stays there for [`LOADED_ELSEWHERE_GRACE_MS`] will not come back.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast as _;

use super::AuthError;

const POLL_MS: u32 = 50;
/// How long a frame that loaded on a page we cannot read may take to move on (a page that redirects
/// by script) before the renewal is given up.
const LOADED_ELSEWHERE_GRACE_MS: u32 = 2_000;

/// Why a hidden iframe cannot reach the provider from this page, if it cannot.
fn frame_cannot_work(window: &web_sys::Window) -> Option<String> {
    let isolated = js_sys::Reflect::get(window, &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool());
    isolated.unwrap_or(false).then(|| {
        "the page is cross-origin isolated (COOP and COEP require-corp), so the provider's page cannot load in \
         a hidden iframe"
            .to_owned()
    })
}

/// Loads `url` in a hidden iframe and returns the URL it lands on under `redirect_uri`.
pub(crate) async fn navigate_hidden_iframe(
    url: &str,
    redirect_uri: &str,
    timeout_ms: u32,
) -> Result<String, AuthError> {
    let window = web_sys::window().ok_or_else(|| AuthError::Browser("no window".into()))?;
    if let Some(reason) = frame_cannot_work(&window) {
        return Err(AuthError::SilentUnavailable { reason });
    }
    let document = window.document().ok_or_else(|| AuthError::Browser("no document".into()))?;
    let iframe: web_sys::HtmlIFrameElement =
        document.create_element("iframe").map_err(AuthError::browser)?.unchecked_into();
    iframe.set_attribute("style", "display:none;width:0;height:0;border:0").map_err(AuthError::browser)?;
    iframe.set_attribute("aria-hidden", "true").map_err(AuthError::browser)?;
    iframe.set_attribute("title", "silent sign-in").map_err(AuthError::browser)?;
    let loads = Rc::new(Cell::new(0u32));
    let on_load = {
        let loads = loads.clone();
        Closure::<dyn FnMut()>::new(move || loads.set(loads.get() + 1))
    };
    iframe.add_event_listener_with_callback("load", on_load.as_ref().unchecked_ref()).map_err(AuthError::browser)?;
    iframe.set_src(url);
    let body = document.body().ok_or_else(|| AuthError::Browser("no body".into()))?;
    body.append_child(&iframe).map_err(AuthError::browser)?;

    let redirect_base = redirect_uri.split(['?', '#']).next().unwrap_or_default().to_owned();
    let mut waited = 0;
    // Since when (in ms waited) the frame has shown a loaded page we cannot read, and after which load.
    let mut elsewhere_since: Option<(u32, u32)> = None;
    let result = loop {
        TimeoutFuture::new(POLL_MS).await;
        waited += POLL_MS;
        let href = iframe.content_window().map(|w| w.location().href());
        match href {
            Some(Ok(href)) if href.starts_with(&redirect_base) => break Ok(href),
            Some(Err(_)) if loads.get() > 0 => {
                let (since, load) = *elsewhere_since.get_or_insert((waited, loads.get()));
                if load != loads.get() {
                    // Another page loaded since: it gets its own grace.
                    elsewhere_since = Some((waited, loads.get()));
                } else if waited - since >= LOADED_ELSEWHERE_GRACE_MS {
                    let reason = "the provider's page loaded in the hidden iframe but did not return to the app \
                                  (it needs the user, or refuses to be framed)";
                    break Err(AuthError::SilentUnavailable { reason: reason.into() });
                }
            }
            _ => elsewhere_since = None,
        }
        if waited >= timeout_ms {
            break Err(AuthError::SilentTimeout { seconds: timeout_ms / 1000 });
        }
    };
    let _ = iframe.remove_event_listener_with_callback("load", on_load.as_ref().unchecked_ref());
    iframe.remove();
    result
}
