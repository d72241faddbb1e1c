//! `InteractiveAuthenticationRequest`: what an interactive sign-in, token request or sign-out should do.
//!
//! The app hands it to the login route in `history.state` (never in the query string: a history entry
//! cannot be forged by a link, needs no encoding, and is gone once replaced). Its serde form is versioned
//! so that a page loaded after an upgrade rejects an old entry clearly instead of misreading it.

use std::collections::BTreeMap;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

use super::{ProtocolError, Scopes};

/// The serde form's version; bump it on any incompatible change.
pub const REQUEST_VERSION: u32 = 1;
/// The largest serialised request accepted from history state.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Sign in.
    Login,
    /// Get a token that needs the user (consent, a new sign-in, a claims challenge).
    GetToken,
    /// Sign out.
    Logout,
}

/// The OpenID Connect `prompt` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// Ask for credentials even when the provider has a session.
    Login,
    /// Let the user pick another account.
    SelectAccount,
    /// Ask for consent again.
    Consent,
    /// No user interaction: fail with `login_required` and friends instead (silent renewal).
    None,
}

impl Prompt {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::SelectAccount => "select_account",
            Self::Consent => "consent",
            Self::None => "none",
        }
    }
}

/// Further authorize parameters, by name, with JSON values: strings are sent as they are, other values as
/// their JSON text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExtraParameters(BTreeMap<String, Value>);

impl ExtraParameters {
    pub fn set<T: Serialize>(&mut self, name: &str, value: T) -> Result<(), ProtocolError> {
        let value = serde_json::to_value(value).map_err(|e| ProtocolError::InvalidRequest(e.to_string()))?;
        self.0.insert(name.to_owned(), value);
        Ok(())
    }

    /// The value of `name` as a `T`; `None` when absent, an error when it is not a `T`.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ProtocolError> {
        self.0
            .get(name)
            .map(|v| serde_json::from_value(v.clone()))
            .transpose()
            .map_err(|e| ProtocolError::InvalidRequest(format!("parameter `{name}`: {e}")))
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn query_pairs(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.0.iter().map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractiveAuthenticationRequest {
    pub kind: RequestKind,
    /// Where the app goes afterwards: a path of this app (anything else falls back to the app root).
    pub return_url: String,
    /// The scopes a token is needed for (for a sign-in: API scopes besides `openid profile offline_access`).
    #[serde(default)]
    pub scopes: Scopes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    /// Seconds since the user last authenticated, beyond which the provider must ask again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// An OpenID Connect `claims` request, or a claims challenge from an API's `WWW-Authenticate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Value>,
    #[serde(default, skip_serializing_if = "ExtraParameters::is_empty")]
    pub extra: ExtraParameters,
}

/// The versioned wire form.
#[derive(Serialize, Deserialize)]
struct Versioned<T> {
    version: u32,
    #[serde(flatten)]
    request: T,
}

impl InteractiveAuthenticationRequest {
    fn new(kind: RequestKind, return_url: impl Into<String>) -> Self {
        Self {
            kind,
            return_url: return_url.into(),
            scopes: Scopes::new(),
            login_hint: None,
            domain_hint: None,
            prompt: None,
            max_age: None,
            claims: None,
            extra: ExtraParameters::default(),
        }
    }

    pub fn login(return_url: impl Into<String>) -> Self {
        Self::new(RequestKind::Login, return_url)
    }

    /// A token request must name at least one scope.
    pub fn get_token(scopes: Scopes, return_url: impl Into<String>) -> Result<Self, ProtocolError> {
        if scopes.is_empty() {
            return Err(ProtocolError::NoScopes);
        }
        Ok(Self { scopes, ..Self::new(RequestKind::GetToken, return_url) })
    }

    pub fn logout(return_url: impl Into<String>) -> Self {
        Self::new(RequestKind::Logout, return_url)
    }

    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    pub fn with_login_hint(mut self, login_hint: impl Into<String>) -> Self {
        self.login_hint = Some(login_hint.into());
        self
    }

    pub fn with_domain_hint(mut self, domain_hint: impl Into<String>) -> Self {
        self.domain_hint = Some(domain_hint.into());
        self
    }

    pub fn with_prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    pub fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    pub fn with_claims(mut self, claims: Value) -> Self {
        self.claims = Some(claims);
        self
    }

    /// The authorize parameters this request adds to the protocol's own, in a stable order.
    pub fn authorize_parameters(&self) -> Vec<(String, String)> {
        let mut params = Vec::new();
        let mut push = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                params.push((name.to_owned(), value));
            }
        };
        push("login_hint", self.login_hint.clone());
        push("domain_hint", self.domain_hint.clone());
        push("prompt", self.prompt.map(|p| p.as_str().to_owned()));
        push("max_age", self.max_age.map(|s| s.to_string()));
        push("claims", self.claims.as_ref().map(Value::to_string));
        params.extend(self.extra.query_pairs());
        params
    }

    /// The versioned JSON form, as kept in history state.
    pub fn to_json(&self) -> Result<String, ProtocolError> {
        serde_json::to_string(&Versioned { version: REQUEST_VERSION, request: self })
            .map_err(|e| ProtocolError::InvalidRequest(e.to_string()))
    }

    /// Reads the versioned JSON form; rejects oversized, malformed and other-version input.
    pub fn from_json(json: &str) -> Result<Self, ProtocolError> {
        if json.len() > MAX_REQUEST_BYTES {
            return Err(ProtocolError::InvalidRequest(format!(
                "the request is {} bytes, more than the {MAX_REQUEST_BYTES} accepted",
                json.len()
            )));
        }
        #[derive(Deserialize)]
        struct VersionOnly {
            version: u32,
        }
        let VersionOnly { version } =
            serde_json::from_str(json).map_err(|e| ProtocolError::InvalidRequest(e.to_string()))?;
        if version != REQUEST_VERSION {
            return Err(ProtocolError::InvalidRequest(format!(
                "version {version} is not the supported version {REQUEST_VERSION}; start the sign-in again"
            )));
        }
        let versioned: Versioned<Self> =
            serde_json::from_str(json).map_err(|e| ProtocolError::InvalidRequest(e.to_string()))?;
        Ok(versioned.request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn full() -> InteractiveAuthenticationRequest {
        let mut request = InteractiveAuthenticationRequest::login("/orders")
            .with_scopes(Scopes::parse("api:read").unwrap())
            .with_login_hint("bob")
            .with_domain_hint("example.com")
            .with_prompt(Prompt::Login)
            .with_max_age(0)
            .with_claims(json!({"access_token": {"acrs": {"essential": true, "value": "c1"}}}));
        request.extra.set("ui_locales", "fr").unwrap();
        request.extra.set("acr_values", vec!["a", "b"]).unwrap();
        request
    }

    #[test]
    fn round_trips_through_the_versioned_form() {
        let request = full();
        let json = request.to_json().unwrap();
        assert!(json.contains("\"version\":1"));
        assert_eq!(InteractiveAuthenticationRequest::from_json(&json).unwrap(), request);
    }

    #[test]
    fn authorize_parameters_in_order() {
        let params = full().authorize_parameters();
        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["login_hint", "domain_hint", "prompt", "max_age", "claims", "acr_values", "ui_locales"]);
        assert_eq!(params[2].1, "login");
        assert_eq!(params[3].1, "0");
        assert_eq!(params[4].1, r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#);
        assert_eq!(params[5].1, r#"["a","b"]"#);
        assert_eq!(params[6].1, "fr");
    }

    #[test]
    fn typed_get_and_set_of_extra_parameters() {
        let mut extra = ExtraParameters::default();
        extra.set("max_results", 5u32).unwrap();
        assert_eq!(extra.get::<u32>("max_results").unwrap(), Some(5));
        assert_eq!(extra.get::<u32>("absent").unwrap(), None);
        assert!(matches!(extra.get::<String>("max_results"), Err(ProtocolError::InvalidRequest(_))));
        assert_eq!(extra.remove("max_results"), Some(json!(5)));
    }

    #[test]
    fn a_token_request_needs_a_scope() {
        assert_eq!(
            InteractiveAuthenticationRequest::get_token(Scopes::new(), "/").unwrap_err(),
            ProtocolError::NoScopes
        );
        assert!(InteractiveAuthenticationRequest::get_token(Scopes::parse("api:read").unwrap(), "/").is_ok());
    }

    #[test]
    fn rejects_malformed_oversized_and_other_versions() {
        let reject = |json: &str| InteractiveAuthenticationRequest::from_json(json).unwrap_err();
        assert!(matches!(reject("{"), ProtocolError::InvalidRequest(_)));
        assert!(
            matches!(reject(r#"{"version":2,"kind":"login","return_url":"/"}"#), ProtocolError::InvalidRequest(m) if m.contains("version 2"))
        );
        assert!(matches!(reject(r#"{"kind":"login","return_url":"/"}"#), ProtocolError::InvalidRequest(_)));
        assert!(matches!(reject(r#"{"version":1,"kind":"dance","return_url":"/"}"#), ProtocolError::InvalidRequest(_)));
        assert!(matches!(
            reject(r#"{"version":1,"kind":"login","return_url":"/","prompt":"maybe"}"#),
            ProtocolError::InvalidRequest(_)
        ));
        let huge = format!(r#"{{"version":1,"kind":"login","return_url":"/{}"}}"#, "a".repeat(MAX_REQUEST_BYTES));
        assert!(matches!(reject(&huge), ProtocolError::InvalidRequest(m) if m.contains("bytes")));
    }
}
