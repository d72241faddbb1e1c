//! The TypeScript types of the JS API, and the conversions between them and the library's Rust types.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::browser::{AuthEvent, CallbackOutcome};
use crate::protocol::{AccountRecord, InteractiveAuthenticationRequest, Prompt, ProtocolError, Scopes};

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

/// Plain JSON-shaped JS values (objects, not Maps).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<Option<T>, ProtocolError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value).map(Some).map_err(|e| ProtocolError::InvalidRequest(format!("{what}: {e}")))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsAccount {
    home_account_id: String,
    issuer: String,
    subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    name: String,
    claims: Value,
}

impl From<&AccountRecord> for JsAccount {
    fn from(record: &AccountRecord) -> Self {
        Self {
            home_account_id: record.account.home_account_id.as_str().to_owned(),
            issuer: record.account.issuer.to_string(),
            subject: record.account.subject.clone(),
            username: record.account.username.clone(),
            name: record.account.name.clone(),
            claims: serde_json::to_value(&record.claims).unwrap_or(Value::Null),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ScopesArg {
    List(Vec<String>),
    Text(String),
}

impl ScopesArg {
    fn parse(self) -> Result<Scopes, ProtocolError> {
        match self {
            Self::List(list) => Scopes::parse(&list.join(" ")),
            Self::Text(text) => Scopes::parse(&text),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsLoginRequest {
    return_url: Option<String>,
    scopes: Option<ScopesArg>,
    login_hint: Option<String>,
    domain_hint: Option<String>,
    prompt: Option<Prompt>,
    max_age: Option<u64>,
    claims: Option<Value>,
    extra_parameters: Option<Map<String, Value>>,
}

/// A JS `LoginRequest` (or nothing) as a sign-in request returning to `default_return_url`.
pub fn login_request(
    value: JsValue,
    default_return_url: String,
) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let js: Option<JsLoginRequest> = from_js(value, "LoginRequest")?;
    let Some(js) = js else { return Ok(InteractiveAuthenticationRequest::login(default_return_url)) };
    let mut request = InteractiveAuthenticationRequest::login(js.return_url.unwrap_or(default_return_url));
    request.scopes = js.scopes.map(ScopesArg::parse).transpose()?.unwrap_or_default();
    request.login_hint = js.login_hint;
    request.domain_hint = js.domain_hint;
    request.prompt = js.prompt;
    request.max_age = js.max_age;
    request.claims = js.claims;
    for (name, value) in js.extra_parameters.unwrap_or_default() {
        request.extra.set(&name, value)?;
    }
    Ok(request)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsLogoutRequest {
    return_url: Option<String>,
}

pub fn logout_request(value: JsValue) -> Result<InteractiveAuthenticationRequest, ProtocolError> {
    let js: Option<JsLogoutRequest> = from_js(value, "LogoutRequest")?;
    Ok(InteractiveAuthenticationRequest::logout(js.and_then(|r| r.return_url).unwrap_or_else(|| "/".to_owned())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsTokenRequest {
    scopes: ScopesArg,
}

pub fn token_scopes(value: JsValue) -> Result<Scopes, ProtocolError> {
    let js: Option<JsTokenRequest> = from_js(value, "TokenRequest")?;
    js.ok_or(ProtocolError::NoScopes)?.scopes.parse()
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum JsRedirectResult {
    None,
    SignedIn { account: JsAccount },
    SignedOut,
    AlreadyCompleted,
}

pub fn redirect_result(outcome: CallbackOutcome, account: Option<&AccountRecord>) -> JsValue {
    to_js(&match (outcome, account) {
        (CallbackOutcome::SignedIn(_), Some(account)) => JsRedirectResult::SignedIn { account: account.into() },
        (CallbackOutcome::SignedOut, _) => JsRedirectResult::SignedOut,
        (CallbackOutcome::AlreadyCompleted, _) => JsRedirectResult::AlreadyCompleted,
        _ => JsRedirectResult::None,
    })
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum JsEvent {
    SignedIn {
        account: JsAccount,
    },
    SignedOut,
    TokenRenewed {
        scopes: Vec<String>,
    },
    RenewFailed {
        scopes: Vec<String>,
        error: JsErrorInfo,
    },
    #[serde(rename_all = "camelCase")]
    AccountChanged {
        previous_home_account_id: String,
        account: JsAccount,
    },
}

#[derive(Serialize)]
struct JsErrorInfo {
    code: &'static str,
    message: String,
}

fn scope_list(scopes: &Scopes) -> Vec<String> {
    scopes.iter().map(|s| s.as_str().to_owned()).collect()
}

/// The JS form of `event`; `account` is the signed-in account's record, for the events that name it.
pub fn event_to_js(event: &AuthEvent, account: Option<&AccountRecord>) -> JsValue {
    let js = match (event, account) {
        (AuthEvent::SignedIn(_), Some(account)) => JsEvent::SignedIn { account: account.into() },
        (AuthEvent::SignedOut, _) => JsEvent::SignedOut,
        (AuthEvent::TokenRenewed { scopes }, _) => JsEvent::TokenRenewed { scopes: scope_list(scopes) },
        (AuthEvent::RenewFailed { scopes, error }, _) => JsEvent::RenewFailed {
            scopes: scope_list(scopes),
            error: JsErrorInfo { code: error.code(), message: error.to_string() },
        },
        (AuthEvent::AccountChanged { previous, .. }, Some(account)) => {
            JsEvent::AccountChanged { previous_home_account_id: previous.as_str().to_owned(), account: account.into() }
        }
        // The account record is written before these events fire, so it is there.
        (AuthEvent::SignedIn(_) | AuthEvent::AccountChanged { .. }, None) => JsEvent::SignedOut,
    };
    to_js(&js)
}
