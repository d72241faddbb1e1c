//! The TypeScript types of the JS API, and the conversions between JS values and the library's types.
//!
//! The options and requests are declared in [`super::declaration`]; `build.rs` writes their interfaces,
//! `AuthErrorCode` and the output types from it, and [`TYPES`] puts them in the package's `.d.ts`.

use wasm_bindgen::prelude::*;

use super::declaration::Kind;
use super::options::{checked, declared, Accepted, TOKEN_REQUEST};
use crate::browser::{AuthEvent, CallbackOutcome};
use crate::protocol::{json, Account, JsonObject, JsonRecord, ProtocolError, Scopes};

/// The TypeScript that `build.rs` wrote from the declaration.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/js-api.d.ts"));

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "AuthClientOptions")]
    pub type AuthClientOptions;
    #[wasm_bindgen(typescript_type = "LoginRequest")]
    pub type LoginRequestArg;
    #[wasm_bindgen(typescript_type = "LogoutRequest")]
    pub type LogoutRequestArg;
    #[wasm_bindgen(typescript_type = "TokenRequest")]
    pub type TokenRequestArg;
    #[wasm_bindgen(typescript_type = "Account | null")]
    pub type AccountOrNull;
    #[wasm_bindgen(typescript_type = "Promise<RedirectResult>")]
    pub type RedirectResultPromise;
    #[wasm_bindgen(typescript_type = "Promise<string>")]
    pub type StringPromise;
    #[wasm_bindgen(typescript_type = "Promise<void>")]
    pub type VoidPromise;
    #[wasm_bindgen(typescript_type = "Promise<Account>")]
    pub type AccountPromise;
}

/// A plain JS object of a JSON object.
pub fn to_js(object: JsonObject) -> JsValue {
    js_sys::JSON::parse(&object.to_json_string()).unwrap_or(JsValue::NULL)
}

/// A JS options or request object as JSON, with only the fields `interface` declares and every one it
/// requires (see [`checked`]); `None` for `undefined` and `null`.
pub fn from_js(value: JsValue, interface: &Accepted) -> Result<Option<JsonObject>, ProtocolError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = js_sys::JSON::stringify(&value).ok().and_then(|text| text.as_string());
    let object = text
        .and_then(|text| JsonObject::parse(&text).ok())
        .ok_or_else(|| ProtocolError::InvalidRequest([interface.name, ": must be an object"].concat()))?;
    checked(object, interface).map(Some)
}

/// The JS `Account` of a signed-in account.
pub fn account_to_json(account: &Account) -> JsonObject {
    JsonObject::new()
        .with("homeAccountId", json::string(account.home_account_id.as_str()))
        .with("issuer", json::string(account.issuer.as_str()))
        .with("subject", json::string(&account.subject))
        .with("username", json::opt_string(account.username.as_deref()))
        .with("name", json::string(&account.display_name))
        .with("claims", account.claims.to_json().into_value())
}

/// A JS `TokenRequest`: its scopes, and whether to renew whatever is cached. Read straight from the
/// object (no JSON round trip): this is on the path of every cached-token call.
pub fn token_request(value: &JsValue) -> Result<(Scopes, bool), ProtocolError> {
    let invalid = |why: &str| ProtocolError::InvalidRequest(["TokenRequest: ", why].concat());
    if value.is_undefined() || value.is_null() {
        return Err(ProtocolError::NoScopes);
    }
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
        return Err(invalid("must be an object such as { scopes: [\"api:read\"] }"));
    }
    let object: &js_sys::Object = value.unchecked_ref();
    let mut force = false;
    let mut scopes = None;
    for key in js_sys::Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        let value = js_sys::Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
        match declared(&TOKEN_REQUEST, &name).map(|field| field.kind) {
            None => return Err(invalid(&["unknown option `", &name, "`"].concat())),
            Some(_) if value.is_undefined() => {}
            Some(Kind::Scopes) => {
                scopes = Some(
                    scopes_of(&value).ok_or_else(|| invalid("`scopes` must be a string or a list of strings"))??,
                )
            }
            Some(_) => force = value.as_bool().ok_or_else(|| invalid("`forceRefresh` must be true or false"))?,
        }
    }
    let scopes = scopes.unwrap_or_default();
    if scopes.is_empty() {
        return Err(ProtocolError::NoScopes);
    }
    Ok((scopes, force))
}

/// A JS string (space-separated) or array of strings as scopes; `None` when it is neither.
fn scopes_of(value: &JsValue) -> Option<Result<Scopes, ProtocolError>> {
    if let Some(text) = value.as_string() {
        return Some(Scopes::parse(&text));
    }
    let mut items = Vec::new();
    for item in value.dyn_ref::<js_sys::Array>()?.iter() {
        items.push(item.as_string()?);
    }
    Some(Scopes::from_list(&items))
}

fn typed(kind: &str) -> JsonObject {
    JsonObject::new().with("type", json::string(kind))
}

pub fn redirect_result(outcome: CallbackOutcome) -> JsValue {
    to_js(match outcome {
        CallbackOutcome::SignedIn(account) => typed("signedIn").with("account", account_to_json(&account).into_value()),
        CallbackOutcome::SignedOut => typed("signedOut"),
        CallbackOutcome::AlreadyCompleted => typed("alreadyCompleted"),
        _ => typed("none"),
    })
}

/// The JS form of `event` (each event carries its account).
pub fn event_to_js(event: &AuthEvent) -> JsValue {
    to_js(match event {
        AuthEvent::SignedIn(account) => typed("signedIn").with("account", account_to_json(account).into_value()),
        AuthEvent::SignedOut => typed("signedOut"),
        AuthEvent::TokenRenewed { scopes } => typed("tokenRenewed").with("scopes", scopes.to_json()),
        AuthEvent::RenewFailed { scopes, error } => {
            let event = to_js(typed("renewFailed").with("scopes", scopes.to_json()));
            // The error is an `AuthError` (its text is assembled in errors.js).
            let _ = js_sys::Reflect::set(&event, &"error".into(), &super::errors::auth_error(error));
            return event;
        }
        AuthEvent::AccountChanged { previous, current } => typed("accountChanged")
            .with("previousHomeAccountId", json::string(previous.as_str()))
            .with("account", account_to_json(current).into_value()),
    })
}
