//! `InteractiveAuthenticationRequest`: what an interactive sign-in, token request or sign-out should do.
//!
//! The app hands it to the login route in `history.state` (never in the query string: a history entry
//! cannot be forged by a link, needs no encoding, and is gone once replaced). Its JSON form is versioned
//! so that a page loaded after an upgrade rejects an old entry clearly instead of misreading it.

use super::authorize::RESERVED_AUTHORIZE_PARAMETERS;
use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord};
use super::{decimal, ProtocolError, Scopes};

/// The JSON form's version; bump it on any incompatible change.
pub const REQUEST_VERSION: u32 = 1;
/// The largest serialised request accepted from history state.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// What an interactive request is for; the login route does the matching step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// Sign in.
    Login,
    /// Get a token that needs the user (consent, a new sign-in, a claims challenge).
    GetToken,
    /// Sign out.
    Logout,
}

/// The OpenID Connect `prompt` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

impl RequestKind {
    const ALL: [Self; 3] = [Self::Login, Self::GetToken, Self::Logout];

    /// The name in the request's JSON form: `login`, `get_token` or `logout`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::GetToken => "get_token",
            Self::Logout => "logout",
        }
    }

    /// The kind named by `text`, exactly; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

impl Prompt {
    /// Every prompt.
    pub(crate) const ALL: [Self; 4] = [Self::Login, Self::SelectAccount, Self::Consent, Self::None];

    /// The value of the `prompt` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::SelectAccount => "select_account",
            Self::Consent => "consent",
            Self::None => "none",
        }
    }

    /// The value of a `prompt` parameter.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|prompt| prompt.as_str() == text)
    }

    pub(crate) const EXPECTED: &'static str = "must be login, select_account, consent or none";
}

/// The authorize parameters a request has a field for: given as extra parameters they would be sent
/// twice, or (`max_age`) sent without being checked.
const TYPED_PARAMETERS: [&str; 5] = ["login_hint", "domain_hint", "prompt", "max_age", "claims"];

/// Further authorize parameters (`ui_locales`, `acr_values`, …) by name, sent as they are, in name order.
/// Names the library sets or has a field for are refused by [`ExtraParameters::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtraParameters(Vec<(String, String)>);

impl ExtraParameters {
    /// Refuses the names of [`RESERVED_AUTHORIZE_PARAMETERS`] and those a request has a field for.
    pub fn check(&self) -> Result<(), ProtocolError> {
        for (name, _) in self.iter() {
            if RESERVED_AUTHORIZE_PARAMETERS.contains(&name) {
                return Err(ProtocolError::InvalidRequest(
                    [
                        "the authorize parameter `",
                        name,
                        "` is set by the library or not supported; remove it from the extra parameters",
                    ]
                    .concat(),
                ));
            }
            if TYPED_PARAMETERS.contains(&name) {
                return Err(ProtocolError::InvalidRequest(
                    ["`", name, "` is a field of the request; give it there, not as an extra parameter"].concat(),
                ));
            }
        }
        Ok(())
    }

    /// Sets the parameter `name` to `value`, replacing an earlier value. Checked when the request is sent.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        match self.0.binary_search_by(|(n, _)| n.cmp(&name)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (name, value)),
        }
    }

    /// The value of the parameter `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, value)| value)
    }

    /// Removes the parameter `name`, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.remove(at).1)
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every parameter as (name, value), in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value.as_str()))
    }

    fn to_json(&self) -> JsonObject {
        let mut object = JsonObject::new();
        for (name, value) in &self.0 {
            object = object.with(name, json::string(value));
        }
        object
    }

    /// Strings are kept as they are; other JSON values as their JSON text.
    fn from_json(object: &JsonObject) -> Self {
        // The object's fields come in name order.
        let mut parameters = Vec::new();
        for (name, value) in object.iter() {
            parameters.push((name.to_owned(), json::value_text(value)));
        }
        Self(parameters)
    }
}

/// What an interactive sign-in, token request or sign-out should do, handed to the login (or logout)
/// route in history state. Made with [`login`](Self::login), [`get_token`](Self::get_token) or
/// [`logout`](Self::logout) and the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InteractiveAuthenticationRequest {
    /// Sign in, get a token, or sign out.
    pub kind: RequestKind,
    /// Where the app goes afterwards: a path of this app (anything else falls back to the app root).
    pub return_url: String,
    /// The scopes a token is needed for (for a sign-in: API scopes besides `openid profile offline_access`).
    pub scopes: Scopes,
    /// `login_hint`: the user's name or email, to skip the provider's account picker.
    pub login_hint: Option<String>,
    /// `domain_hint` (Entra and others): the user's organisation, to skip home-realm discovery.
    pub domain_hint: Option<String>,
    /// `prompt`: whether the provider must ask for credentials, an account choice or consent, or must not
    /// interact at all.
    pub prompt: Option<Prompt>,
    /// Seconds since the user last authenticated, beyond which the provider must ask again.
    pub max_age: Option<u64>,
    /// An OpenID Connect `claims` request, or a claims challenge from an API's `WWW-Authenticate`.
    pub claims: Option<JsonObject>,
    /// Further authorize parameters, sent as they are.
    pub extra: ExtraParameters,
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

    /// The request a login or logout route runs: the one its history entry carries (`in_history`), else,
    /// for a login route, a sign-in returning to the app root. A logout route refuses to run without one:
    /// a plain link to it must not sign anyone out.
    pub fn for_route(in_history: Option<Self>, route: RequestKind) -> Result<Self, ProtocolError> {
        match (in_history, route) {
            (Some(request), _) => Ok(request),
            (None, RequestKind::Logout) => Err(ProtocolError::InvalidRequest(
                "sign-out was not started by this app (no request in history state)".into(),
            )),
            (None, _) => Ok(Self::login("/")),
        }
    }

    /// A sign-in that returns to `return_url`.
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

    /// A sign-out that returns to `return_url`.
    pub fn logout(return_url: impl Into<String>) -> Self {
        Self::new(RequestKind::Logout, return_url)
    }

    /// This request with `scopes`.
    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// This request with a `login_hint`.
    pub fn with_login_hint(mut self, login_hint: impl Into<String>) -> Self {
        self.login_hint = Some(login_hint.into());
        self
    }

    /// This request with a `domain_hint`.
    pub fn with_domain_hint(mut self, domain_hint: impl Into<String>) -> Self {
        self.domain_hint = Some(domain_hint.into());
        self
    }

    /// This request with a `prompt`.
    pub fn with_prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    /// This request with a `max_age`: the ID token must then show an authentication at most `seconds` old.
    pub fn with_max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// This request with a `claims` request (or an API's claims challenge).
    pub fn with_claims(mut self, claims: JsonObject) -> Self {
        self.claims = Some(claims);
        self
    }

    /// The authorize parameters this request adds to the protocol's own, in a stable order. Extra
    /// parameters that the library sets, or that the request has a field for, are refused.
    pub fn authorize_parameters(&self) -> Result<Vec<(String, String)>, ProtocolError> {
        self.extra.check()?;
        let mut params = Vec::new();
        let mut push = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                params.push((name.to_owned(), value));
            }
        };
        push("login_hint", self.login_hint.clone());
        push("domain_hint", self.domain_hint.clone());
        push("prompt", self.prompt.map(|p| p.as_str().to_owned()));
        push("max_age", self.max_age.map(decimal));
        push("claims", self.claims.as_ref().map(JsonObject::to_json_string));
        for (name, value) in self.extra.iter() {
            params.push((name.to_owned(), value.to_owned()));
        }
        Ok(params)
    }

    /// The versioned JSON form, as kept in history state.
    pub fn to_json(&self) -> String {
        JsonRecord::to_json(self).with("version", json::integer(REQUEST_VERSION.into())).to_json_string()
    }

    /// Reads the versioned JSON form; rejects oversized, malformed and other-version input.
    pub fn from_json(json: &str) -> Result<Self, ProtocolError> {
        // The size first: an oversized text is not parsed at all.
        check_size(json)?;
        let object = JsonObject::parse(json).map_err(|e| ProtocolError::InvalidRequest(e.into()))?;
        Self::from_parsed(&object)
    }

    /// Reads a history entry's state (JSON text): `None` when it is not a request (the router's state, or
    /// the app's, has no `kind`), else the request as [`Self::from_json`] reads it. Parsed once.
    pub fn from_history_state(json: &str) -> Result<Option<Self>, ProtocolError> {
        let object = JsonObject::parse(json).map_err(|e| ProtocolError::InvalidRequest(e.into()))?;
        if object.get("kind").is_none() {
            return Ok(None);
        }
        check_size(json)?;
        Self::from_parsed(&object).map(Some)
    }

    /// The request of a parsed, not oversized JSON form.
    fn from_parsed(object: &JsonObject) -> Result<Self, ProtocolError> {
        let invalid = |e: JsonError| ProtocolError::InvalidRequest(e.into());
        let version = object.integer("version").map_err(invalid)?;
        if version != i64::from(REQUEST_VERSION) {
            return Err(ProtocolError::InvalidRequest(
                [
                    "version ",
                    if version < 0 { "-" } else { "" },
                    &decimal(version.unsigned_abs()),
                    " is not the supported version ",
                    &decimal(REQUEST_VERSION.into()),
                    "; start the sign-in again",
                ]
                .concat(),
            ));
        }
        let request = <Self as JsonRecord>::from_json(object).map_err(invalid)?;
        request.extra.check()?;
        Ok(request)
    }
}

/// Refuses a request's JSON form longer than [`MAX_REQUEST_BYTES`].
fn check_size(json: &str) -> Result<(), ProtocolError> {
    if json.len() <= MAX_REQUEST_BYTES {
        return Ok(());
    }
    Err(ProtocolError::InvalidRequest(
        [
            "the request is ",
            &decimal(json.len() as u64),
            " bytes, more than the ",
            &decimal(MAX_REQUEST_BYTES as u64),
            " accepted",
        ]
        .concat(),
    ))
}

impl JsonRecord for InteractiveAuthenticationRequest {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("kind", json::string(self.kind.as_str()))
            .with("return_url", json::string(&self.return_url))
            .with("scopes", self.scopes.to_json())
            .with("login_hint", json::opt_string(self.login_hint.as_deref()))
            .with("domain_hint", json::opt_string(self.domain_hint.as_deref()))
            .with("prompt", self.prompt.map(|prompt| json::string(prompt.as_str())))
            .with("max_age", self.max_age.map(|seconds| json::integer(seconds.min(i64::MAX as u64) as i64)))
            .with("claims", self.claims.clone().map(JsonObject::into_value))
            .with("extra", (!self.extra.is_empty()).then(|| self.extra.to_json().into_value()))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let kind = object.opt_choice("kind", RequestKind::parse, "must be login, get_token or logout")?;
        let kind = kind.ok_or_else(|| JsonError::field("kind", "is missing"))?;
        let mut read = FieldErrors::default();
        let request = Self {
            kind,
            return_url: read.take(object.string("return_url")),
            scopes: read.take(Scopes::read_json(object, "scopes")),
            login_hint: read.take(object.opt_string("login_hint")),
            domain_hint: read.take(object.opt_string("domain_hint")),
            prompt: read.take(object.opt_choice("prompt", Prompt::parse, Prompt::EXPECTED)),
            max_age: read.take(object.opt_unsigned("max_age")),
            claims: read.take(object.opt_object("claims").map(|claims| claims.cloned())),
            extra: read.take(object.opt_object("extra")).map(ExtraParameters::from_json).unwrap_or_default(),
        };
        read.done(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logout_route_without_a_request_in_history_signs_nobody_out() {
        let refused = InteractiveAuthenticationRequest::for_route(None, RequestKind::Logout);
        assert!(matches!(refused, Err(ProtocolError::InvalidRequest(_))));
        let login = InteractiveAuthenticationRequest::for_route(None, RequestKind::Login).unwrap();
        assert_eq!((login.kind, login.return_url.as_str()), (RequestKind::Login, "/"));
        let logout = InteractiveAuthenticationRequest::logout("/bye");
        let found = InteractiveAuthenticationRequest::for_route(Some(logout), RequestKind::Login).unwrap();
        assert_eq!(found.kind, RequestKind::Logout, "the request in history decides");
    }
    use serde_json::json;

    fn object(value: serde_json::Value) -> JsonObject {
        JsonObject::parse(&value.to_string()).unwrap()
    }

    fn full() -> InteractiveAuthenticationRequest {
        let mut request = InteractiveAuthenticationRequest::login("/orders")
            .with_scopes(Scopes::parse("api:read").unwrap())
            .with_login_hint("bob")
            .with_domain_hint("example.com")
            .with_prompt(Prompt::Login)
            .with_max_age(0)
            .with_claims(object(json!({"access_token": {"acrs": {"essential": true, "value": "c1"}}})));
        request.extra.set("ui_locales", "fr");
        request.extra.set("acr_values", "a b");
        request
    }

    #[test]
    fn round_trips_through_the_versioned_form() {
        let request = full();
        let json = request.to_json();
        assert!(json.contains("\"version\":1"));
        assert_eq!(InteractiveAuthenticationRequest::from_json(&json).unwrap(), request);
    }

    #[test]
    fn authorize_parameters_in_order() {
        let params = full().authorize_parameters().unwrap();
        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["login_hint", "domain_hint", "prompt", "max_age", "claims", "acr_values", "ui_locales"]);
        assert_eq!(params[2].1, "login");
        assert_eq!(params[3].1, "0");
        assert_eq!(params[4].1, r#"{"access_token":{"acrs":{"essential":true,"value":"c1"}}}"#);
        assert_eq!(params[5].1, "a b");
        assert_eq!(params[6].1, "fr");
    }

    #[test]
    fn extra_parameters_keep_strings_and_read_other_values_as_json_text() {
        let mut extra = ExtraParameters::default();
        extra.set("max_results", "5");
        assert_eq!(extra.get("max_results"), Some("5"));
        assert_eq!(extra.get("absent"), None);
        assert_eq!(extra.remove("max_results"), Some("5".to_owned()));
        let read = ExtraParameters::from_json(&object(json!({"n": 5, "s": "x", "l": ["a"]})));
        assert_eq!(read.iter().collect::<Vec<_>>(), [("l", r#"["a"]"#), ("n", "5"), ("s", "x")]);
    }

    #[test]
    fn extra_parameters_cannot_be_reserved_or_typed_ones() {
        for name in ["response_mode", "request", "request_uri", "state", "nonce", "redirect_uri", "scope"] {
            let mut request = full();
            request.extra.set(name, "x");
            let err = request.authorize_parameters().unwrap_err();
            assert!(matches!(&err, ProtocolError::InvalidRequest(m) if m.contains(name)), "{name}: {err}");
        }
        for name in ["prompt", "claims", "login_hint", "domain_hint", "max_age"] {
            let mut request = InteractiveAuthenticationRequest::login("/");
            request.extra.set(name, "x");
            let err = request.authorize_parameters().unwrap_err();
            assert!(matches!(&err, ProtocolError::InvalidRequest(m) if m.contains("field")), "{name}: {err}");
        }
    }

    #[test]
    fn history_state_cannot_carry_reserved_or_repeated_parameters() {
        for extra in [
            json!({"response_mode": "form_post"}),
            json!({"request_uri": "https://evil.example/r"}),
            json!({"prompt": "none"}),
        ] {
            let text = json!({"version": 1, "kind": "login", "return_url": "/", "prompt": "login", "extra": extra});
            let err = InteractiveAuthenticationRequest::from_json(&text.to_string()).unwrap_err();
            assert!(matches!(err, ProtocolError::InvalidRequest(_)), "{extra}");
        }
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

    #[test]
    fn a_history_state_is_a_request_only_with_a_kind_and_then_read_as_strictly() {
        let read = InteractiveAuthenticationRequest::from_history_state;
        assert_eq!(read(r#"{"idx":3,"key":"router"}"#).unwrap(), None, "the router's state");
        let request = InteractiveAuthenticationRequest::login("/orders");
        assert_eq!(read(&request.to_json()).unwrap(), Some(request));
        assert!(matches!(read(r#"{"kind":"login","return_url":"/"}"#), Err(ProtocolError::InvalidRequest(_))));
        let huge = format!(r#"{{"version":1,"kind":"login","return_url":"/{}"}}"#, "a".repeat(MAX_REQUEST_BYTES));
        assert!(matches!(read(&huge), Err(ProtocolError::InvalidRequest(m)) if m.contains("bytes")));
        let big_router_state = format!(r#"{{"key":"{}"}}"#, "a".repeat(MAX_REQUEST_BYTES));
        assert_eq!(read(&big_router_state).unwrap(), None, "another's state may be large");
    }

    #[test]
    fn rejects_deeply_nested_claims_from_history_state() {
        let deep = |depth: usize| {
            let claims = format!("{}{}", r#"{"a":"#.repeat(depth), "1".to_owned() + &"}".repeat(depth));
            format!(r#"{{"version":1,"kind":"login","return_url":"/","claims":{claims}}}"#)
        };
        assert!(InteractiveAuthenticationRequest::from_json(&deep(json::MAX_JSON_DEPTH - 1)).is_ok());
        let err = InteractiveAuthenticationRequest::from_json(&deep(json::MAX_JSON_DEPTH)).unwrap_err();
        assert!(matches!(err, ProtocolError::InvalidRequest(m) if m.contains("64 levels")));
        let brackets =
            format!(r#"{{"version":1,"kind":"login","return_url":"/","claims":{{"a":{}}}}}"#, "[".repeat(8000));
        assert!(matches!(
            InteractiveAuthenticationRequest::from_json(&brackets),
            Err(ProtocolError::InvalidRequest(_))
        ));
    }
}
