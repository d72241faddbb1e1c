//! Scopes: single scope tokens and a normalised set of them.

use super::entra::grants_under_another_name;
use super::json::{self, JsonError, JsonObject, Value};
use super::ProtocolError;

/// One scope token (RFC 6749 §3.3: `%x21 / %x23-5B / %x5D-7E`, at least one).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

impl Scope {
    /// Asks for an ID token: what makes a request OpenID Connect.
    pub const OPENID: &'static str = "openid";
    /// Asks for the user's profile claims (`name`, `preferred_username`, …).
    pub const PROFILE: &'static str = "profile";
    /// Asks for a refresh token, for renewal without the hidden iframe.
    pub const OFFLINE_ACCESS: &'static str = "offline_access";

    /// One scope; refuses an empty one, and characters RFC 6749 §3.3 does not allow (space, `"`, `\`,
    /// controls, non-ASCII).
    pub fn parse(value: &str) -> Result<Self, ProtocolError> {
        let allowed = |c: u8| c == 0x21 || (0x23..=0x5B).contains(&c) || (0x5D..=0x7E).contains(&c);
        if value.is_empty() || !value.bytes().all(allowed) {
            return Err(ProtocolError::InvalidScope(value.to_owned()));
        }
        Ok(Self(value.to_owned()))
    }

    /// The scope as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A set of scopes: duplicates removed, order normalised, so that equal sets compare and print equal.
/// (A sorted `Vec` rather than a `BTreeSet`: sets of a few scopes, and a smaller wasm.)
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// No scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a space-separated scope string, as in a `scope` parameter or a token response.
    pub fn parse(value: &str) -> Result<Self, ProtocolError> {
        // Loops rather than `collect::<Result<_, _>>()` here and below: each such collect is its own
        // iterator adapter in the wasm.
        let mut scopes = Vec::new();
        for scope in super::split_byte(value, b' ').filter(|s| !s.is_empty()) {
            scopes.push(Scope::parse(scope)?);
        }
        Ok(Self::from_vec(scopes))
    }

    /// Scopes from a list of scope strings (a JSON or JavaScript list).
    pub fn from_list(items: &[String]) -> Result<Self, ProtocolError> {
        let mut scopes = Vec::with_capacity(items.len());
        for item in items {
            scopes.push(Scope::parse(item)?);
        }
        Ok(Self::from_vec(scopes))
    }

    /// Sorted once rather than inserted one by one: a scope string from outside may hold many scopes,
    /// and ordered insertion into a `Vec` is quadratic. (A heap sort through `BinaryHeap`: its code is
    /// 1.4 KB less of the npm package than `slice::sort_unstable`'s.)
    pub(crate) fn from_vec(scopes: Vec<Scope>) -> Self {
        let mut scopes = std::collections::BinaryHeap::from(scopes).into_sorted_vec();
        scopes.dedup();
        Self(scopes)
    }

    /// Adds `scope`, unless it is there already.
    pub fn insert(&mut self, scope: Scope) {
        if let Err(at) = self.0.binary_search(&scope) {
            self.0.insert(at, scope);
        }
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s.as_str() == scope)
    }

    /// Whether the set has no scope.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// Whether every scope of `other` is in this set.
    pub fn is_superset(&self, other: &Scopes) -> bool {
        other.0.iter().all(|scope| self.0.binary_search(scope).is_ok())
    }

    /// How many scopes the set has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The scopes that name an API permission, without the OpenID Connect ones (`openid`, `profile`,
    /// `email`, `address`, `phone`, `offline_access`): what an access token is for, and so its cache key.
    pub fn resource_scopes(&self) -> Scopes {
        const OIDC: [&str; 6] = ["openid", "profile", "email", "address", "phone", "offline_access"];
        let mut resources = Vec::new();
        for scope in &self.0 {
            if !OIDC.contains(&scope.as_str()) {
                resources.push(scope.clone());
            }
        }
        Scopes(resources)
    }

    /// The scopes of both sets.
    pub fn union(&self, other: &Scopes) -> Scopes {
        let mut both = self.0.clone();
        both.extend_from_slice(&other.0);
        Self::from_vec(both)
    }

    /// The scopes of an authorize request: these plus `openid profile offline_access`, which every
    /// sign-in needs (an ID token, the user's name, a refresh token for silent renewal).
    pub fn for_sign_in(&self) -> Scopes {
        let mut scopes = self.clone();
        for required in [Scope::OPENID, Scope::PROFILE, Scope::OFFLINE_ACCESS] {
            scopes.insert(Scope(required.to_owned()));
        }
        scopes
    }

    /// The space-separated form sent to the provider.
    pub fn to_scope_string(&self) -> String {
        let mut text = String::new();
        for scope in &self.0 {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(scope.as_str());
        }
        text
    }
}

/// The resource scopes of `requested` that `granted` lacks. Granted scopes are the truth: a token
/// response's `scope` says what its token was granted when that differs from the request (RFC 6749
/// §5.1), and a user may untick a scope on the consent page. Only resource scopes count (providers drop
/// `offline_access` and other OpenID Connect scopes for their own reasons), and a scope granted under
/// another name counts (Entra's names: `entra.rs`' `grants_under_another_name`).
pub fn scopes_not_granted(granted: &Scopes, requested: &Scopes) -> Scopes {
    let mut missing = Vec::new();
    for wanted in requested.resource_scopes().0 {
        let answered = granted.0.binary_search(&wanted).is_ok()
            || granted.iter().any(|scope| grants_under_another_name(scope.as_str(), wanted.as_str()));
        if !answered {
            missing.push(wanted);
        }
    }
    // A part of a sorted set is sorted.
    Scopes(missing)
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}

impl Scopes {
    /// Reads field `key` of a JSON object: a list (`["openid", "api"]`) or a space-separated string
    /// (`"openid api"`), as both appear in configuration files. Absent reads as empty.
    pub fn read_json(object: &JsonObject, key: &str) -> Result<Self, JsonError> {
        let invalid = |_| JsonError::field(key, "holds an invalid scope");
        match object.get(key) {
            Some(Value::String(text)) => Scopes::parse(text).map_err(invalid),
            _ => Scopes::from_list(&object.opt_strings(key)?.unwrap_or_default()).map_err(invalid),
        }
    }

    /// The JSON form: a list of scope strings.
    pub fn to_json(&self) -> Value {
        json::strings(self.0.iter().map(Scope::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_order_and_duplicates() {
        let a = Scopes::parse("api:read openid  api:read").unwrap();
        let b = Scopes::parse("openid api:read").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_scope_string(), "api:read openid");
    }

    #[test]
    fn sign_in_adds_the_oidc_scopes() {
        let scopes = Scopes::parse("api:read").unwrap().for_sign_in();
        assert_eq!(scopes.to_scope_string(), "api:read offline_access openid profile");
        assert_eq!(Scopes::new().for_sign_in().to_scope_string(), "offline_access openid profile");
    }

    #[test]
    fn resource_scopes_drop_the_oidc_ones() {
        let scopes = Scopes::parse("openid profile email offline_access api:read api:write").unwrap();
        assert_eq!(scopes.resource_scopes().to_scope_string(), "api:read api:write");
        assert!(scopes.is_superset(&Scopes::parse("api:read").unwrap()));
        assert!(!Scopes::parse("api:read").unwrap().is_superset(&scopes));
    }

    #[test]
    fn granted_scopes_are_the_truth_for_resource_scopes_only() {
        let not_granted = |granted: &str, requested: &str| {
            scopes_not_granted(&Scopes::parse(granted).unwrap(), &Scopes::parse(requested).unwrap()).to_scope_string()
        };
        assert_eq!(not_granted("api:read", "openid offline_access api:read api:write"), "api:write");
        assert_eq!(not_granted("api:read api:write", "api:read"), "");
        assert_eq!(not_granted("api:read", "openid profile email offline_access api:read"), "", "OpenID scopes");
        assert_eq!(not_granted("", "api:read api:write"), "api:read api:write");
        assert_eq!(not_granted("https://graph.microsoft.com/User.Read", "User.Read"), "", "renamed");
        assert_eq!(not_granted("api://x/read api://x/write", "api://x/.default"), "");
        assert_eq!(not_granted("api://y/read", "api://x/.default Mail.Read"), "Mail.Read api://x/.default");
    }

    #[test]
    fn rejects_invalid_scope_tokens() {
        assert!(Scope::parse("").is_err());
        assert!(Scope::parse("a\"b").is_err());
        assert!(Scope::parse("a\\b").is_err());
        assert!(Scope::parse("é").is_err());
        assert!(Scope::parse("https://graph.microsoft.com/User.Read").is_ok());
    }

    #[test]
    fn deserializes_list_or_string() {
        let read = |text: &str| Scopes::read_json(&JsonObject::parse(text).unwrap(), "scopes");
        let list = read(r#"{"scopes": ["b", "a"]}"#).unwrap();
        assert_eq!(list, read(r#"{"scopes": "a b"}"#).unwrap());
        assert_eq!(read("{}").unwrap(), Scopes::new());
        assert!(read(r#"{"scopes": ["a b"]}"#).is_err());
        assert!(read(r#"{"scopes": 1}"#).is_err());
        assert_eq!(json::value_text(&list.to_json()), r#"["a","b"]"#);
    }
}
