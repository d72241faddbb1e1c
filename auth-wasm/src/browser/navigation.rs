//! The address bar: reading it, leaving the app for the provider, and rewriting it without a reload.
//! The browser calls are in `navigation.js`.

use wasm_bindgen::prelude::*;

use super::AuthError;

#[wasm_bindgen(module = "/src/browser/navigation.js")]
extern "C" {
    /// The address bar (`location.href`).
    #[wasm_bindgen(js_name = href)]
    pub(crate) fn current_url() -> String;
    /// This page's origin (`location.origin`).
    pub(crate) fn origin() -> String;
    #[wasm_bindgen(catch)]
    fn leave(url: &str, replace: bool) -> Result<(), JsValue>;
    /// Whether this page runs in a frame (same-origin or not).
    #[wasm_bindgen(js_name = inFrame)]
    pub(crate) fn in_frame() -> bool;
    #[wasm_bindgen(js_name = setUrl, catch)]
    fn set_url_js(url: &str, state: Option<&str>, push: bool, notify: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = notifyLocationChanged, catch)]
    fn notify_location_changed_js() -> Result<(), JsValue>;
}

/// Navigates away (to the provider), keeping this page in history.
pub(crate) fn assign(url: &str) -> Result<(), AuthError> {
    leave(url, false).map_err(AuthError::browser)
}

/// Navigates away, replacing this page in history.
pub(crate) fn replace_location(url: &str) -> Result<(), AuthError> {
    leave(url, true).map_err(AuthError::browser)
}

/// Puts `url` in the address bar without loading anything, with `state` (JSON text) as its history
/// state: a new entry (`push`) or in place of the current one; routers are told when `notify`.
pub(crate) fn set_url(url: &str, state: Option<&str>, push: bool, notify: bool) -> Result<(), AuthError> {
    set_url_js(url, state, push, notify).map_err(AuthError::browser)
}

/// Replaces the current history entry's URL without loading anything, so that a code or state in the
/// address bar is gone for good (not in history, not in a reload).
pub(crate) fn replace_url(url: &str) -> Result<(), AuthError> {
    set_url(url, None, false, false)
}

/// Tells routers that the address changed without a navigation of theirs (a `popstate` event, which
/// routers answer by reading `location`), e.g. after [`super::AuthClient::handle_redirect`] replaced it.
pub fn notify_location_changed() -> Result<(), AuthError> {
    notify_location_changed_js().map_err(AuthError::browser)
}

/// The current page as a path with query and fragment: where an interactive request returns to.
pub fn current_path() -> String {
    let (url, origin) = (current_url(), origin());
    url.strip_prefix(&origin).filter(|p| p.starts_with('/')).unwrap_or("/").to_owned()
}
