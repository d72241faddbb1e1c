//! The TypeScript types of the JS API, and the conversions between them and the library's Rust types.
//!
//! The options and requests the API reads are declared once, below ([`CLIENT_OPTIONS`], [`LOGIN_REQUEST`],
//! [`LOGOUT_REQUEST`], [`TOKEN_REQUEST`]): each field's name, kind and whether it is required. The names
//! are what the API accepts; `tests/unit/js-api.test.mjs` reads the declarations from this source (the
//! package ships no copy of them) and compares them with the interfaces of the shipped `.d.ts`, and
//! `tests/e2e/npm-package.test.mjs` with what the API accepts and refuses, field by field.

use wasm_bindgen::prelude::*;

use crate::browser::{AuthEvent, CallbackOutcome};
use crate::protocol::{
    json, Account, InteractiveAuthenticationRequest, JsonError, JsonObject, JsonRecord, Prompt, ProtocolError, Scopes,
};

/// What a field of an options or request object holds, as the `.d.ts` types it.
#[derive(Clone, Copy)]
pub enum Kind {
    /// `string`
    Text,
    /// `boolean`
    Flag,
    /// `number`: a whole number, not negative
    Count,
    /// `string[] | string`: a list of scopes, or one space-separated string
    Scopes,
    /// The name of a [`CacheLocation`](crate::protocol::CacheLocation) (`CacheLocation::as_str`)
    CacheLocation,
    /// The name of a [`Prompt`] (`Prompt::as_str`)
    Prompt,
    /// `Record<string, unknown>`: any object
    Object,
    /// `Record<string, string | number | boolean>`
    Parameters,
}

/// A field of an options or request object: its name, what it holds, and whether it must be given.
/// The names are what the API accepts (any other is refused) and a required field must be given (by its
/// JS name, in the error); the readers (`ClientConfig::read`, [`login_request`], [`logout_request`],
/// [`token_request`]) check the kinds, and `tests/unit/js-api.test.mjs` and `e2e/npm-package.test.mjs`
/// check that they, the `.d.ts` and this declaration agree.
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn given(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: true }
}

const fn optional(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: false }
}

/// `AuthClientOptions` (read by `ClientConfig::from_json_object`, which takes these camelCase names).
pub const CLIENT_OPTIONS: [Field; 10] = [
    given("authority", Kind::Text),
    given("clientId", Kind::Text),
    optional("redirectUri", Kind::Text),
    optional("postLogoutRedirectUri", Kind::Text),
    optional("silentRedirectUri", Kind::Text),
    optional("scopes", Kind::Scopes),
    optional("cacheLocation", Kind::CacheLocation),
    optional("clientInfo", Kind::Flag),
    optional("loginPath", Kind::Text),
    optional("logoutPath", Kind::Text),
];

/// `LoginRequest`.
pub const LOGIN_REQUEST: [Field; 8] = [
    optional("returnUrl", Kind::Text),
    optional("scopes", Kind::Scopes),
    optional("loginHint", Kind::Text),
    optional("domainHint", Kind::Text),
    optional("prompt", Kind::Prompt),
    optional("maxAge", Kind::Count),
    optional("claims", Kind::Object),
    optional("extraParameters", Kind::Parameters),
];

/// `LogoutRequest`.
pub const LOGOUT_REQUEST: [Field; 1] = [optional("returnUrl", Kind::Text)];

/// `TokenRequest` (read straight from the JS object by [`token_request`]: one `Scopes` and one `Flag`).
pub const TOKEN_REQUEST: [Field; 2] = [given("scopes", Kind::Scopes), optional("forceRefresh", Kind::Flag)];

fn declared<'a>(fields: &'a [Field], name: &str) -> Option<&'a Field> {
    fields.iter().find(|field| field.name == name)
}

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
}

/// A plain JS object of a JSON object.
pub fn to_js(object: JsonObject) -> JsValue {
    js_sys::JSON::parse(&object.to_json_string()).unwrap_or(JsValue::NULL)
}

/// A JS options object as JSON, checked against its declared `fields`; `None` for `undefined` and
/// `null`. Undeclared names are refused, so that a misspelt option is an error rather than silently
/// ignored, and so is a missing required field.
pub fn from_js(value: JsValue, what: &str, fields: &[Field]) -> Result<Option<JsonObject>, ProtocolError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let invalid = |why: &str| ProtocolError::InvalidRequest([what, ": ", why].concat());
    let text = js_sys::JSON::stringify(&value).ok().and_then(|text| text.as_string());
    let object = text.and_then(|text| JsonObject::parse(&text).ok()).ok_or_else(|| invalid("must be an object"))?;
    if let Some((unknown, _)) = object.iter().find(|(name, _)| declared(fields, name).is_none()) {
        return Err(invalid(&["unknown option `", unknown, "`"].concat()));
    }
    if let Some(missing) = fields.iter().find(|field| field.required && !object.contains(field.name)) {
        return Err(invalid(&JsonError::field(missing.name, "is missing").text()));
    }
    Ok(Some(object))
}

fn field_error(what: &str) -> impl Fn(JsonError) -> ProtocolError + '_ {
    move |e| ProtocolError::InvalidRequest([what, ": ", &e.text()].concat())
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
        request.claims = js.opt_object("claims")?.cloned();
        if let Some(extra) = js.opt_object("extraParameters")? {
            for (name, value) in extra.iter() {
                request.extra.set(name, json::value_text(value));
            }
        }
        Ok(request)
    };
    read().map_err(field_error(what))
}

pub fn logout_request(value: JsValue) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let what = "LogoutRequest";
    let js = from_js(value, what, &LOGOUT_REQUEST)?;
    let return_url = js.map(|js| js.opt_string("returnUrl")).transpose().map_err(field_error(what))?.flatten();
    Ok(InteractiveAuthenticationRequest::logout(return_url.unwrap_or_else(|| "/".to_owned())))
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
