//! The address bar: reading it, leaving the app for the provider, and rewriting it without a reload.

use super::AuthError;

fn window() -> Result<web_sys::Window, AuthError> {
    web_sys::window().ok_or_else(|| AuthError::Browser("no window: auth-wasm runs on a web page".into()))
}

pub(crate) fn current_url() -> Result<String, AuthError> {
    window()?.location().href().map_err(AuthError::browser)
}

pub(crate) fn origin() -> Result<String, AuthError> {
    window()?.location().origin().map_err(AuthError::browser)
}

/// Navigates away (to the provider), keeping this page in history.
pub(crate) fn assign(url: &str) -> Result<(), AuthError> {
    window()?.location().assign(url).map_err(AuthError::browser)
}

/// Navigates away, replacing this page in history.
pub(crate) fn replace_location(url: &str) -> Result<(), AuthError> {
    window()?.location().replace(url).map_err(AuthError::browser)
}

/// Whether this page runs in a frame (same-origin or not).
pub(crate) fn in_frame() -> bool {
    let Ok(window) = window() else { return false };
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &window),
        // A top we may not even read is someone else's.
        _ => true,
    }
}

/// Replaces the current history entry's URL without loading anything, so that a code or state in the
/// address bar is gone for good (not in history, not in a reload).
pub(crate) fn replace_url(url: &str) -> Result<(), AuthError> {
    window()?
        .history()
        .map_err(AuthError::browser)?
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .map_err(AuthError::browser)
}

/// The current page as a path with query and fragment: where an interactive request returns to.
pub fn current_path() -> Result<String, AuthError> {
    let url = current_url()?;
    let origin = origin()?;
    Ok(url.strip_prefix(&origin).filter(|p| p.starts_with('/')).unwrap_or("/").to_owned())
}
