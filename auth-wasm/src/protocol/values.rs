//! Newtypes for protocol values, so that the compiler keeps a verifier from being sent as a state.
//!
//! Secrets (PKCE verifier, authorization code, tokens) print as `[redacted]` in `Debug`, so that logging a
//! struct that holds one never leaks it.

/// Defines a string newtype whose `Debug` shows its value.
macro_rules! public_value {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps `value` as it is; nothing is checked.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value, as sent or received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// Defines a string newtype whose `Debug` never shows its value. Its value is read with `secret()`, a
/// name that makes every read of a secret visible in review. A secret is not `Clone` unless declared
/// `shared` (as oauth2-rs keeps its PKCE verifier from being copied): one used once (a verifier, a
/// code) or that rotates (a refresh token) is moved or lent, never duplicated.
macro_rules! secret_value {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(PartialEq, Eq)]
        pub struct $name(String);
        secret_value!(@impl $name);
    };
    (shared $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);
        secret_value!(@impl $name);
    };
    (@impl $name:ident) => {
        impl $name {
            /// Wraps `value` as it is; nothing is checked.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret value, for the one place that sends or stores it; never for a log.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

public_value!(
    /// The OAuth client identifier registered at the provider.
    ClientId
);
#[cfg(feature = "dpop")]
public_value!(
    /// The reference a pushed authorization request answers with (RFC 9126): the browser carries it to
    /// the authorize endpoint in place of the request's parameters.
    RequestUri
);
public_value!(
    /// An issuer identifier. Compared as an exact string, as OpenID Connect requires.
    Issuer
);
public_value!(
    /// The `state` value that binds an authorization response to the request this browser made.
    State
);
public_value!(
    /// The `nonce` value that binds an ID token to the request this browser made.
    Nonce
);
secret_value!(
    /// The PKCE code verifier (RFC 7636): kept in this browser, sent only to the token endpoint.
    PkceVerifier
);
secret_value!(
    /// The one-time authorization code from the callback.
    AuthorizationCode
);
secret_value!(
    shared
    /// An OAuth access token (handed to the app, which sends it to its APIs).
    AccessToken
);
secret_value!(
    /// An OAuth refresh token.
    RefreshToken
);
secret_value!(
    shared
    /// An OpenID Connect ID token (a JWT).
    IdToken
);

/// 32 random bytes as base64url: 256 bits, more than RFC 7636 asks of a verifier.
pub(crate) fn random_token(random: [u8; 32]) -> String {
    super::base64::encode_url(random)
}

/// Random bytes for tests of the core: distinct for state, nonce and verifier, fixed across runs.
#[cfg(test)]
pub(crate) const TEST_RANDOM: [[u8; 32]; 3] = [[1; 32], [2; 32], [3; 32]];

impl State {
    /// A state made of 32 random bytes the caller drew (the core draws none itself).
    pub fn from_random(random: [u8; 32]) -> Self {
        Self(random_token(random))
    }
}

impl Nonce {
    /// A nonce made of 32 random bytes the caller drew (the core draws none itself).
    pub fn from_random(random: [u8; 32]) -> Self {
        Self(random_token(random))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let token = AccessToken::new("eyJhbGciOi.secret.value");
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
        let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert!(!format!("{verifier:?}").contains("dBjf"));
    }

    #[test]
    fn public_values_show_in_debug() {
        assert_eq!(format!("{:?}", ClientId::new("spa")), "ClientId(\"spa\")");
    }

    #[test]
    fn random_values_are_distinct_and_url_safe() {
        let a = State::from_random(TEST_RANDOM[0]);
        let b = State::from_random(TEST_RANDOM[1]);
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }
}
