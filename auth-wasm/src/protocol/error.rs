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
    #[error("the sign-in response comes from `{found}`, not from the configured provider `{expected}` (mix-up defence, RFC 9207)")]
    ResponseIssuerMismatch { expected: String, found: String },
    #[error("the provider refused the request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Provider { error: String, description: Option<String> },
    #[error("the token endpoint answered HTTP {status}: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenEndpoint { status: u16, error: String, description: Option<String> },
    #[error("the provider answered HTTP {status} where a successful response was expected")]
    UnexpectedStatus { status: u16 },
    #[error("the token response is invalid: {0}")]
    InvalidTokenResponse(String),
    #[error("the token response has token_type `{0}`; only Bearer is supported")]
    UnsupportedTokenType(String),
    #[error("the ID token was rejected: {0}")]
    IdToken(#[from] IdTokenError),
}
