//! The interactive request in `history.state`: pushed by the app, read by the login route.
//!
//! A request bound to one history entry cannot be forged by a link, needs no URL encoding, and is gone
//! once the entry is replaced. Routers that listen to `popstate` (leptos_router does) render the login
//! route after [`navigate_to_login`].

use wasm_bindgen::prelude::*;

use super::navigation::set_url;
use super::AuthError;
use crate::protocol::{InteractiveAuthenticationRequest, ProtocolError, RequestKind};

#[wasm_bindgen(module = "/src/browser/navigation.js")]
extern "C" {
    #[wasm_bindgen(js_name = stateText, catch)]
    fn state_text(state: &JsValue) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(js_name = currentStateText, catch)]
    fn current_state_text() -> Result<Option<String>, JsValue>;
}

/// The request's history-state form: a plain JS object (its JSON form, parsed).
pub fn request_to_state(request: &InteractiveAuthenticationRequest) -> Result<JsValue, AuthError> {
    js_sys::JSON::parse(&request.to_json()).map_err(AuthError::browser)
}

/// Reads a request from a history-state value; `None` when the entry carries none.
pub fn request_from_state(state: &JsValue) -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    request_from_text(state_text(state))
}

/// Reads a request from a history state's JSON text (`None`: not an object).
fn request_from_text(
    text: Result<Option<String>, JsValue>,
) -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    let text = text.map_err(|e| ProtocolError::InvalidRequest(super::error::js_message(&e)))?;
    match text {
        Some(text) => Ok(InteractiveAuthenticationRequest::from_history_state(&text)?),
        None => Ok(None),
    }
}

/// The request in the current history entry, if any.
pub fn current_request() -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    request_from_text(current_state_text())
}

/// Pushes `path` with `request` as its history state, and tells routers (a `popstate` event).
pub fn navigate_with_request(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    set_url(path, Some(&request.to_json()), true, true)
}

/// Replaces the current history entry with `path` carrying `request` (e.g. a failure page that keeps
/// the request to retry), and tells routers.
pub fn replace_with_request(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    set_url(path, Some(&request.to_json()), false, true)
}

/// Goes to the login route at `path` with a sign-in or token request.
pub fn navigate_to_login(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    if request.kind == RequestKind::Logout {
        return Err(ProtocolError::InvalidRequest("a logout request goes to navigate_to_logout".into()).into());
    }
    navigate_with_request(path, request)
}

/// Goes to the logout route at `path` with a logout request.
pub fn navigate_to_logout(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    if request.kind != RequestKind::Logout {
        return Err(ProtocolError::InvalidRequest("navigate_to_logout takes a logout request".into()).into());
    }
    navigate_with_request(path, request)
}
