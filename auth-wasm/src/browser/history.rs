//! The interactive request in `history.state`: pushed by the app, read by the login route.
//!
//! A request bound to one history entry cannot be forged by a link, needs no URL encoding, and is gone
//! once the entry is replaced. Routers that listen to `popstate` (leptos_router does) render the login
//! route after [`navigate_to_login`].

use wasm_bindgen::{JsCast as _, JsValue};

use super::error::js_message;
use super::AuthError;
use crate::protocol::{InteractiveAuthenticationRequest, JsonObject, ProtocolError, RequestKind};

fn history() -> Result<web_sys::History, AuthError> {
    web_sys::window().ok_or_else(|| AuthError::Browser("no window".into()))?.history().map_err(AuthError::browser)
}

/// The request's history-state form: a plain JS object (its JSON form, parsed).
pub fn request_to_state(request: &InteractiveAuthenticationRequest) -> Result<JsValue, AuthError> {
    js_sys::JSON::parse(&request.to_json()).map_err(AuthError::browser)
}

/// Reads a request from a history-state value; `None` when the entry carries none.
pub fn request_from_state(state: &JsValue) -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    if !state.is_object() {
        return Ok(None);
    }
    let invalid = |why: String| AuthError::from(ProtocolError::InvalidRequest(why));
    let text: String = js_sys::JSON::stringify(state).map_err(|e| invalid(js_message(&e)))?.into();
    if JsonObject::parse(&text).map_err(|e| invalid(e.into()))?.get("kind").is_none() {
        // State of the router or the app, not ours.
        return Ok(None);
    }
    Ok(Some(InteractiveAuthenticationRequest::from_json(&text)?))
}

/// The request in the current history entry, if any.
pub fn current_request() -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    request_from_state(&history()?.state().map_err(AuthError::browser)?)
}

/// Pushes `path` with `request` as its history state, and tells routers (a `popstate` event).
pub fn navigate_with_request(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    let state = request_to_state(request)?;
    history()?.push_state_with_url(&state, "", Some(path)).map_err(AuthError::browser)?;
    notify_location_changed()
}

/// Replaces the current history entry with `path` carrying `request` (e.g. a failure page that keeps
/// the request to retry), and tells routers.
pub fn replace_with_request(path: &str, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    let state = request_to_state(request)?;
    history()?.replace_state_with_url(&state, "", Some(path)).map_err(AuthError::browser)?;
    notify_location_changed()
}

/// Tells routers that the address changed without a navigation of theirs (a `popstate` event, which
/// routers answer by reading `location`), e.g. after [`super::AuthClient::handle_redirect`] replaced it.
pub fn notify_location_changed() -> Result<(), AuthError> {
    let init = web_sys::PopStateEventInit::new();
    init.set_state(&history()?.state().map_err(AuthError::browser)?);
    let event = web_sys::PopStateEvent::new_with_event_init_dict("popstate", &init).map_err(AuthError::browser)?;
    let window = web_sys::window().ok_or_else(|| AuthError::Browser("no window".into()))?;
    window.dispatch_event(event.unchecked_ref()).map_err(AuthError::browser)?;
    Ok(())
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
