//! The TypeScript types of the JS API, and the conversions between them and the library's Rust types.

use wasm_bindgen::prelude::*;

use crate::browser::{AuthEvent, CallbackOutcome};
use crate::protocol::{
    json, Account, InteractiveAuthenticationRequest, JsonError, JsonObject, JsonRecord, Prompt, ProtocolError, Scope,
    Scopes,
};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
export interface AuthClientOptions {
  /** The provider's issuer URL; discovery is read from `{authority}/.well-known/openid-configuration`. */
  authority: string;
  clientId: string;
  /** Where the provider returns after sign-in: a path of this app or an absolute URL. */
  redirectUri?: string;
  /** Where the provider returns after sign-out (may be the same page as `redirectUri`). */
  postLogoutRedirectUri?: string;
  /** A blank page of this app, registered as a redirect URI, for silent renewal in a hidden iframe. */
  silentRedirectUri?: string;
  /** API scopes asked for at sign-in, besides `openid profile offline_access`. */
  scopes?: string[] | string;
  cacheLocation?: "sessionStorage" | "localStorage" | "memory";
  /** Ask for Entra's `client_info`; by default only for Microsoft Entra authorities. */
  clientInfo?: boolean;
  /** The app's route that starts an interactive request from history state (default `/authentication/login`). */
  loginPath?: string;
  /** The app's route that starts a sign-out from history state (default `/authentication/logout`). */
  logoutPath?: string;
}

export interface LoginRequest {
  /** A path of this app to return to (default: the current page). Other origins fall back to `/`. */
  returnUrl?: string;
  scopes?: string[] | string;
  loginHint?: string;
  domainHint?: string;
  prompt?: "login" | "select_account" | "consent" | "none";
  maxAge?: number;
  /** An OpenID Connect claims request, e.g. from an API's claims challenge. */
  claims?: Record<string, unknown>;
  extraParameters?: Record<string, string | number | boolean>;
}

export interface LogoutRequest {
  /** A path of this app to land on after sign-out (default: `/`). */
  returnUrl?: string;
}

export interface TokenRequest {
  /** At least one scope. */
  scopes: string[] | string;
  /** Renew even if a cached token is fresh (through the same one-renewal-at-a-time lock). */
  forceRefresh?: boolean;
}

export interface Account {
  /** Entra's `uid.utid`, or subject and issuer elsewhere: the cache key of the account. */
  homeAccountId: string;
  issuer: string;
  subject: string;
  username?: string;
  name: string;
  /** The ID token's claims (its signature was verified). */
  claims: Record<string, unknown>;
}

export type RedirectResult =
  | { type: "none" }
  | { type: "signedIn"; account: Account }
  | { type: "signedOut" }
  | { type: "alreadyCompleted" };

export type AuthEvent =
  | { type: "signedIn"; account: Account }
  | { type: "signedOut" }
  | { type: "tokenRenewed"; scopes: string[] }
  | { type: "renewFailed"; scopes: string[]; error: { code: string; message: string } }
  | { type: "accountChanged"; previousHomeAccountId: string; account: Account };
"#;

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
    #[wasm_bindgen(typescript_type = "(event: AuthEvent) => void")]
    pub type AuthEventListener;
    #[wasm_bindgen(typescript_type = "() => void")]
    pub type Unsubscribe;
}

/// A plain JS object of a JSON object.
pub fn to_js(object: JsonObject) -> JsValue {
    js_sys::JSON::parse(&object.to_json_string()).unwrap_or(JsValue::NULL)
}

/// A JS options object as JSON; `None` for `undefined` and `null`. Names outside `known` are refused, so
/// that a misspelt option is an error rather than silently ignored.
pub fn from_js(value: JsValue, what: &str, known: &[&str]) -> Result<Option<JsonObject>, ProtocolError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let invalid = |why: &str| ProtocolError::InvalidRequest(format!("{what}: {why}"));
    let text = js_sys::JSON::stringify(&value).ok().and_then(|text| text.as_string());
    let object = text.and_then(|text| JsonObject::parse(&text).ok()).ok_or_else(|| invalid("must be an object"))?;
    if let Some((unknown, _)) = object.iter().find(|(name, _)| !known.contains(name)) {
        return Err(invalid(&format!("unknown option `{unknown}`")));
    }
    Ok(Some(object))
}

fn field_error(what: &str) -> impl Fn(JsonError) -> ProtocolError + '_ {
    move |e| ProtocolError::InvalidRequest(format!("{what}: {e}"))
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

const LOGIN_REQUEST: [&str; 8] =
    ["returnUrl", "scopes", "loginHint", "domainHint", "prompt", "maxAge", "claims", "extraParameters"];

/// A JS `LoginRequest` (or nothing) as a sign-in request returning to `default_return_url`.
pub fn login_request(
    value: JsValue,
    default_return_url: String,
) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let what = "LoginRequest";
    let Some(js) = from_js(value, what, &LOGIN_REQUEST)? else {
        return Ok(InteractiveAuthenticationRequest::login(default_return_url));
    };
    let read = || -> Result<InteractiveAuthenticationRequest, JsonError> {
        let mut request =
            InteractiveAuthenticationRequest::login(js.opt_string("returnUrl")?.unwrap_or(default_return_url));
        request.scopes = Scopes::read_json(&js, "scopes")?;
        request.login_hint = js.opt_string("loginHint")?;
        request.domain_hint = js.opt_string("domainHint")?;
        request.prompt = js.opt_choice("prompt", Prompt::parse, Prompt::EXPECTED)?;
        request.max_age = js.opt_unsigned("maxAge")?;
        request.claims = js.opt_object("claims")?;
        for (name, value) in js.opt_object("extraParameters")?.iter().flat_map(JsonObject::iter) {
            request.extra.set(name, json::value_text(value));
        }
        Ok(request)
    };
    read().map_err(field_error(what))
}

pub fn logout_request(value: JsValue) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let what = "LogoutRequest";
    let js = from_js(value, what, &["returnUrl"])?;
    let return_url = js.map(|js| js.opt_string("returnUrl")).transpose().map_err(field_error(what))?.flatten();
    Ok(InteractiveAuthenticationRequest::logout(return_url.unwrap_or_else(|| "/".to_owned())))
}

/// A JS `TokenRequest`: its scopes, and whether to renew whatever is cached. Read straight from the
/// object (no JSON round trip): this is on the path of every cached-token call.
pub fn token_request(value: &JsValue) -> Result<(Scopes, bool), ProtocolError> {
    let invalid = |why: &str| ProtocolError::InvalidRequest(format!("TokenRequest: {why}"));
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
        let field = js_sys::Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
        match key.as_string().as_deref() {
            Some("scopes" | "forceRefresh") if field.is_undefined() => {}
            Some("scopes") => {
                scopes = Some(
                    scopes_of(&field).ok_or_else(|| invalid("`scopes` must be a string or a list of strings"))??,
                )
            }
            Some("forceRefresh") => {
                force = field.as_bool().ok_or_else(|| invalid("`forceRefresh` must be true or false"))?;
            }
            Some(other) => return Err(invalid(&format!("unknown option `{other}`"))),
            None => {}
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
    let items: Option<Vec<String>> = value.dyn_ref::<js_sys::Array>()?.iter().map(|item| item.as_string()).collect();
    Some(items?.iter().map(|item| Scope::parse(item)).collect())
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
