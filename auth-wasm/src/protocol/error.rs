//! Errors of the protocol core. Each message says what went wrong and, where there is one, what to do.

/// Why an ID token was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the ID token is not a well-formed JWT: {0}")]
    Malformed(String),
    #[error("the ID token uses the algorithm `{0}`, which is not accepted (only asymmetric signatures such as RS256 and ES256 are)")]
    UnsupportedAlgorithm(String),
    #[error("the ID token was issued by `{found}`, not by the configured provider `{expected}`")]
    Issuer { expected: String, found: String },
    #[error("the ID token is not meant for this client (`{client_id}` is not among its audiences)")]
    Audience { client_id: String },
    #[error("the ID token has several audiences but its `azp` is not this client `{client_id}`")]
    AuthorizedParty { client_id: String },
    #[error("the ID token expired (check that this device's clock is right)")]
    Expired,
    #[error("the ID token is not valid yet (check that this device's clock is right)")]
    NotYetValid,
    #[error("the ID token was issued in the future (check that this device's clock is right)")]
    IssuedInFuture,
    #[error("the ID token's nonce does not match the sign-in this browser started")]
    Nonce,
    #[error("the ID token is signed with a key the provider does not publish (kid `{0}`)")]
    UnknownKey(String),
    #[error("the ID token names no key and the provider publishes several that fit")]
    AmbiguousKey,
    #[error("the ID token's signature is not valid: it was not issued by the provider, or was altered")]
    InvalidSignature,
}

/// An error of the protocol core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
    #[error("the platform's secure random source failed: {0}")]
    Random(String),
    #[error("a PKCE verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")]
    InvalidPkceVerifier,
    #[error("invalid scope `{0}`: a scope is one or more printable ASCII characters without space, `\"` or `\\`")]
    InvalidScope(String),
    #[error("invalid authentication request: {0}")]
    InvalidRequest(String),
    #[error("a token request must name at least one scope")]
    NoScopes,
    #[error("the provider's discovery document is invalid: {0}")]
    InvalidDiscovery(String),
    #[error("the discovery document names the issuer `{found}`, but the configured authority is `{expected}`; set the authority to the provider's issuer")]
    DiscoveryIssuerMismatch { expected: String, found: String },
    #[error("the provider endpoint `{0}` is not HTTPS; only loopback addresses may use plain HTTP")]
    InsecureEndpoint(String),
    #[error("the provider does not support PKCE with S256, which this library requires")]
    PkceNotSupported,
    #[error("the sign-in response has no `{0}` parameter")]
    MissingParameter(&'static str),
    #[error("the sign-in response repeats the parameter `{0}`")]
    DuplicateParameter(String),
    #[error("the sign-in response does not belong to a sign-in started in this browser (state mismatch); start the sign-in again")]
    StateMismatch,
    #[error("the sign-in took longer than 15 minutes and expired; start it again")]
    TransactionExpired,
    #[error("the sign-in response comes from `{found}`, not from the configured provider `{expected}` (mix-up defence, RFC 9207)")]
    ResponseIssuerMismatch { expected: String, found: String },
    #[error("access was denied (access_denied){}: the user cancelled or the provider refused; try again", detail(.0))]
    AccessDenied(Option<String>),
    #[error("the user must sign in (login_required){}", detail(.0))]
    LoginRequired(Option<String>),
    #[error("the provider needs the user (interaction_required){}", detail(.0))]
    InteractionRequired(Option<String>),
    #[error("the user must consent (consent_required){}", detail(.0))]
    ConsentRequired(Option<String>),
    #[error("the grant is no longer valid (invalid_grant){}: it expired, was revoked or was used already", detail(.0))]
    InvalidGrant(Option<String>),
    #[error("the provider answered `{error}`{}", detail(.description))]
    Provider { error: String, description: Option<String> },
    #[error("the provider answered HTTP {status}: the request was refused")]
    HttpClientError { status: u16 },
    #[error("the provider answered HTTP {status}: it failed or is unavailable; try again later")]
    HttpServerError { status: u16 },
    #[error("the token response is invalid: {0}")]
    InvalidTokenResponse(String),
    #[error("the token response has token_type `{0}`; only Bearer is supported")]
    UnsupportedTokenType(String),
    #[error("the ID token was rejected: {0}")]
    IdToken(#[from] IdTokenError),
}

fn detail(description: &Option<String>) -> String {
    description.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
}

impl ProtocolError {
    /// The variant for an OAuth `error` code from the provider (in a callback or a token response).
    pub fn from_provider(error: &str, description: Option<String>) -> Self {
        match error {
            "access_denied" => Self::AccessDenied(description),
            "login_required" => Self::LoginRequired(description),
            "interaction_required" => Self::InteractionRequired(description),
            "consent_required" => Self::ConsentRequired(description),
            "invalid_grant" => Self::InvalidGrant(description),
            other => Self::Provider { error: other.to_owned(), description },
        }
    }

    /// The variant for an HTTP status that carried no OAuth error.
    pub fn from_status(status: u16) -> Self {
        if status >= 500 {
            Self::HttpServerError { status }
        } else {
            Self::HttpClientError { status }
        }
    }

    /// A stable, machine-readable name of the error (for JavaScript's `error.code`, logs, metrics).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidConfig(_) => "invalid_config",
            Self::Random(_) => "crypto_unavailable",
            Self::InvalidPkceVerifier | Self::InvalidRequest(_) => "invalid_request",
            Self::NoScopes => "no_scopes",
            Self::InvalidScope(_) => "invalid_scope",
            Self::InvalidDiscovery(_) => "invalid_discovery",
            Self::DiscoveryIssuerMismatch { .. } | Self::ResponseIssuerMismatch { .. } => "issuer_mismatch",
            Self::InsecureEndpoint(_) => "insecure_endpoint",
            Self::PkceNotSupported => "pkce_not_supported",
            Self::MissingParameter(_) | Self::DuplicateParameter(_) => "invalid_callback",
            Self::StateMismatch => "state_mismatch",
            Self::TransactionExpired => "transaction_expired",
            Self::AccessDenied(_) => "access_denied",
            Self::LoginRequired(_) => "login_required",
            Self::InteractionRequired(_) => "interaction_required",
            Self::ConsentRequired(_) => "consent_required",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::Provider { .. } => "provider_error",
            Self::HttpClientError { .. } => "http_client_error",
            Self::HttpServerError { .. } => "http_server_error",
            Self::InvalidTokenResponse(_) | Self::UnsupportedTokenType(_) => "invalid_token_response",
            Self::IdToken(_) => "invalid_id_token",
        }
    }

    /// Whether the user can fix this by an interactive sign-in (so a silent request should turn into a
    /// `RequiresInteraction` result rather than fail).
    pub fn requires_interaction(&self) -> bool {
        match self {
            Self::LoginRequired(_) | Self::InteractionRequired(_) | Self::ConsentRequired(_) | Self::InvalidGrant(_) => {
                true
            }
            // A refresh asking for a scope the grant does not hold (RFC 6749 §6): incremental consent.
            Self::Provider { error, .. } => error == "invalid_scope",
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_map_to_variants() {
        let d = || Some("why".to_owned());
        assert_eq!(ProtocolError::from_provider("access_denied", d()), ProtocolError::AccessDenied(d()));
        assert_eq!(ProtocolError::from_provider("login_required", None), ProtocolError::LoginRequired(None));
        assert_eq!(ProtocolError::from_provider("interaction_required", d()), ProtocolError::InteractionRequired(d()));
        assert_eq!(ProtocolError::from_provider("consent_required", d()), ProtocolError::ConsentRequired(d()));
        assert_eq!(ProtocolError::from_provider("invalid_grant", d()), ProtocolError::InvalidGrant(d()));
        assert_eq!(
            ProtocolError::from_provider("temporarily_unavailable", None),
            ProtocolError::Provider { error: "temporarily_unavailable".into(), description: None }
        );
        assert_eq!(ProtocolError::from_status(404), ProtocolError::HttpClientError { status: 404 });
        assert_eq!(ProtocolError::from_status(503), ProtocolError::HttpServerError { status: 503 });
    }

    #[test]
    fn codes_are_stable_names() {
        assert_eq!(ProtocolError::StateMismatch.code(), "state_mismatch");
        assert_eq!(ProtocolError::from_provider("access_denied", None).code(), "access_denied");
        assert_eq!(ProtocolError::IdToken(IdTokenError::InvalidSignature).code(), "invalid_id_token");
        assert_eq!(ProtocolError::from_status(503).code(), "http_server_error");
    }

    #[test]
    fn which_errors_an_interactive_sign_in_fixes() {
        assert!(ProtocolError::LoginRequired(None).requires_interaction());
        assert!(ProtocolError::InvalidGrant(None).requires_interaction());
        assert!(!ProtocolError::AccessDenied(None).requires_interaction());
        assert!(!ProtocolError::HttpServerError { status: 500 }.requires_interaction());
    }

    #[test]
    fn messages_include_the_description() {
        assert_eq!(
            ProtocolError::AccessDenied(Some("End-User aborted interaction".into())).to_string(),
            "access was denied (access_denied): End-User aborted interaction: the user cancelled or the provider refused; try again"
        );
    }
}
