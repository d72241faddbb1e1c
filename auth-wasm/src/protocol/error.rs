//! Errors of the protocol core. Each message says what went wrong and, where there is one, what to do.
//!
//! A provider's `error` code is read against the codes the specifications define: a callback link can
//! carry any text, and an error page must not show a stranger's words as the provider's answer.
//!
//! The English text of each error is in `messages.txt` (the `dpop` feature's in `messages-dpop.txt`),
//! reached through [`Message`].

use super::message::Message;

/// Why an ID token was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdTokenError {
    /// The token is not three base64url parts holding a JSON header and claims (a JWE has five); says
    /// which part failed.
    Malformed(String),
    /// The header names an algorithm outside the accepted asymmetric ones (`none` and HMAC included).
    UnsupportedAlgorithm(String),
    /// The `iss` claim is not the configured issuer (Core §3.1.3.7, rule 2).
    Issuer {
        /// The configured issuer.
        expected: String,
        /// The token's `iss`.
        found: String,
    },
    /// This client is not among the `aud` claim's values (rule 3).
    Audience {
        /// This client's id.
        client_id: String,
    },
    /// `azp` names another client, or there are several audiences and no `azp` (rules 4 and 5).
    AuthorizedParty {
        /// This client's id.
        client_id: String,
    },
    /// The time is past `exp`, beyond the allowed clock skew (rule 9).
    Expired,
    /// The time is before `nbf`, beyond the allowed clock skew.
    NotYetValid,
    /// `iat` lies in the future, beyond the allowed clock skew (rule 10).
    IssuedInFuture,
    /// The `nonce` claim is not the one this browser sent with the request (rule 11).
    Nonce,
    /// The request asked for `max_age`, and the token has no `auth_time` (rule 13).
    MissingAuthTime,
    /// `auth_time` is older than `max_age` allows (rule 13).
    AuthTimeTooOld,
    /// No key of the provider's JWKS fits the header's `kid` and algorithm (the `kid` is empty when the
    /// header names none). A JWKS from the cache is fetched again once before this is final: keys rotate.
    UnknownKey(String),
    /// The header has no `kid`, and more than one published key fits its algorithm.
    AmbiguousKey,
    /// The signature does not verify with the provider's key (rule 6).
    InvalidSignature,
}

/// The error codes a provider may answer: RFC 6749 §4.1.2.1 (authorization) and §5.2 (token endpoint),
/// OpenID Connect Core §3.1.2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`: a parameter is missing, repeated or malformed.
    InvalidRequest,
    /// `unauthorized_client`: the client may not use this grant or response type.
    UnauthorizedClient,
    /// `access_denied`: the user or the provider refused.
    AccessDenied,
    /// `unsupported_response_type`: the provider does not issue codes this way.
    UnsupportedResponseType,
    /// `invalid_scope`: a scope is unknown or, in a refresh, not covered by the grant (RFC 6749 §6).
    InvalidScope,
    /// `server_error`: the provider failed.
    ServerError,
    /// `temporarily_unavailable`: the provider is overloaded or down for maintenance.
    TemporarilyUnavailable,
    /// `interaction_required`: `prompt=none` was asked, and the provider needs the user.
    InteractionRequired,
    /// `login_required`: `prompt=none` was asked, and nobody is signed in at the provider.
    LoginRequired,
    /// `account_selection_required`: `prompt=none` was asked, and the user must pick an account.
    AccountSelectionRequired,
    /// `consent_required`: `prompt=none` was asked, and the user must consent first.
    ConsentRequired,
    /// `invalid_request_uri`: the `request_uri` cannot be used.
    InvalidRequestUri,
    /// `invalid_request_object`: the `request` object is invalid.
    InvalidRequestObject,
    /// `request_not_supported`: the provider does not take a `request` object.
    RequestNotSupported,
    /// `request_uri_not_supported`: the provider does not take a `request_uri`.
    RequestUriNotSupported,
    /// `registration_not_supported`: the provider does not take a `registration` parameter.
    RegistrationNotSupported,
    /// `invalid_grant`: the code or refresh token expired, was revoked or was used already.
    InvalidGrant,
    /// `invalid_client`: the provider does not know the client, or it failed to authenticate.
    InvalidClient,
    /// `unsupported_grant_type`: the provider does not take this grant type.
    UnsupportedGrantType,
}

impl OAuthErrorCode {
    const ALL: [Self; 19] = [
        Self::InvalidRequest,
        Self::UnauthorizedClient,
        Self::AccessDenied,
        Self::UnsupportedResponseType,
        Self::InvalidScope,
        Self::ServerError,
        Self::TemporarilyUnavailable,
        Self::InteractionRequired,
        Self::LoginRequired,
        Self::AccountSelectionRequired,
        Self::ConsentRequired,
        Self::InvalidRequestUri,
        Self::InvalidRequestObject,
        Self::RequestNotSupported,
        Self::RequestUriNotSupported,
        Self::RegistrationNotSupported,
        Self::InvalidGrant,
        Self::InvalidClient,
        Self::UnsupportedGrantType,
    ];

    /// The code as the provider sends it (`invalid_grant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InteractionRequired => "interaction_required",
            Self::LoginRequired => "login_required",
            Self::AccountSelectionRequired => "account_selection_required",
            Self::ConsentRequired => "consent_required",
            Self::InvalidRequestUri => "invalid_request_uri",
            Self::InvalidRequestObject => "invalid_request_object",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::RegistrationNotSupported => "registration_not_supported",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// The code named by `text`, exactly; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == text)
    }
}

impl std::fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the protocol core.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The client configuration is unusable; says which setting and why.
    InvalidConfig(String),
    /// The platform gave no random bytes (no `crypto.getRandomValues`), so no state, nonce or verifier can be made.
    Random(String),
    /// A PKCE verifier is not 43 to 128 characters of the RFC 7636 alphabet.
    InvalidPkceVerifier,
    /// A scope has characters RFC 6749 §3.3 does not allow.
    InvalidScope(String),
    /// An interactive request is malformed or misdirected (a reserved extra parameter, an unreadable
    /// history-state entry, a sign-out handed to sign-in).
    InvalidRequest(String),
    /// A token request named no scope.
    NoScopes,
    /// The discovery document (or the JWKS) is not JSON, or lacks or mistypes a member.
    InvalidDiscovery(String),
    /// The discovery document's `issuer` is not the configured authority (OpenID Connect Discovery §4.3).
    DiscoveryIssuerMismatch {
        /// The configured authority.
        expected: String,
        /// The document's `issuer`.
        found: String,
    },
    /// A provider endpoint is plain HTTP on a host other than loopback.
    InsecureEndpoint(String),
    /// The provider's `code_challenge_methods_supported` lacks `S256`.
    PkceNotSupported,
    /// The callback lacks a parameter it must carry: `code`, `state`, or `iss` where the provider promises it.
    MissingParameter(&'static str),
    /// The callback carries a parameter twice, which RFC 6749 §3.1 forbids.
    DuplicateParameter(&'static str),
    /// The callback's `state` names no sign-in or sign-out this browser started (a forged or replayed link).
    StateMismatch,
    /// The sign-in or sign-out was started more than 15 minutes ago.
    TransactionExpired,
    /// The callback's `iss` is not the configured provider (RFC 9207).
    ResponseIssuerMismatch {
        /// The provider's issuer.
        expected: String,
        /// The response's `iss`.
        found: String,
    },
    /// The provider answered `access_denied`, with its description.
    AccessDenied(Option<String>),
    /// The provider answered `login_required` (or a renewal no longer applies); an interactive sign-in fixes it.
    LoginRequired(Option<String>),
    /// The provider answered `interaction_required`; an interactive sign-in fixes it.
    InteractionRequired(Option<String>),
    /// The provider answered `consent_required`; an interactive sign-in fixes it.
    ConsentRequired(Option<String>),
    /// The provider answered `invalid_grant`; an interactive sign-in fixes it.
    InvalidGrant(Option<String>),
    /// The provider granted a token without these requested scopes (space-separated): the user unticked
    /// them on the consent page, or may not consent to them. An interactive sign-in asks again.
    ScopesNotGranted(String),
    /// The provider answered another code the specifications define.
    Provider {
        /// The code.
        error: OAuthErrorCode,
        /// The provider's `error_description`, if any.
        description: Option<String>,
    },
    /// The provider answered a code the specifications do not define; neither it nor its description is kept.
    UnknownProviderError,
    /// An error response carrying this browser's `state` but no `iss`, or another issuer's, where the
    /// provider names itself in its responses (RFC 9207): it may come from another provider (a mix-up), so
    /// neither its code nor its text is kept.
    UntrustedErrorResponse,
    /// The provider answered an unexpected status below 500 (a 4xx, say) with no OAuth error in the body.
    HttpClientError {
        /// The HTTP status.
        status: u16,
    },
    /// The provider answered a 5xx status with no OAuth error in the body.
    HttpServerError {
        /// The HTTP status.
        status: u16,
    },
    /// The token response is not JSON, lacks or mistypes a field, or does not fit the request (no ID token
    /// for a sign-in, another user's ID token for a refresh).
    InvalidTokenResponse(String),
    /// The token response's `token_type` is not `Bearer`.
    UnsupportedTokenType(String),
    /// The ID token failed a check.
    IdToken(IdTokenError),
    /// The DPoP key the session's tokens are bound to is gone or unreadable (site data cleared, storage
    /// refused): no request with those tokens can succeed, so an interactive sign-in is needed.
    #[cfg(feature = "dpop")]
    DpopKeyGone,
}

impl IdTokenError {
    /// The error's text as a key of `messages.txt` and its values (see [`Message`]).
    pub fn message(&self) -> Message<'_> {
        match self {
            Self::Malformed(why) => Message::new("id_token_malformed").text(why),
            Self::UnsupportedAlgorithm(alg) => Message::new("id_token_algorithm").text(alg),
            Self::Issuer { expected, found } => Message::new("id_token_issuer").text(expected).text(found),
            Self::Audience { client_id } => Message::new("id_token_audience").text(client_id),
            Self::AuthorizedParty { client_id } => Message::new("id_token_azp").text(client_id),
            Self::Expired => Message::new("id_token_expired"),
            Self::NotYetValid => Message::new("id_token_not_yet_valid"),
            Self::IssuedInFuture => Message::new("id_token_issued_in_future"),
            Self::Nonce => Message::new("id_token_nonce"),
            Self::MissingAuthTime => Message::new("id_token_no_auth_time"),
            Self::AuthTimeTooOld => Message::new("id_token_auth_time"),
            Self::UnknownKey(kid) => Message::new("id_token_unknown_key").text(kid),
            Self::AmbiguousKey => Message::new("id_token_ambiguous_key"),
            Self::InvalidSignature => Message::new("id_token_signature"),
        }
    }
}

impl std::fmt::Display for IdTokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for IdTokenError {}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for ProtocolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::IdToken(error) => Some(error),
            _ => None,
        }
    }
}

impl From<IdTokenError> for ProtocolError {
    fn from(error: IdTokenError) -> Self {
        Self::IdToken(error)
    }
}

impl ProtocolError {
    /// The variant for an OAuth `error` code from the provider (in a callback or a token response). A code
    /// the specifications do not define is not kept, and neither is its description: both may be anyone's
    /// text.
    pub fn from_provider(error: &str, description: Option<String>) -> Self {
        match OAuthErrorCode::parse(error) {
            Some(OAuthErrorCode::AccessDenied) => Self::AccessDenied(description),
            Some(OAuthErrorCode::LoginRequired) => Self::LoginRequired(description),
            Some(OAuthErrorCode::InteractionRequired) => Self::InteractionRequired(description),
            Some(OAuthErrorCode::ConsentRequired) => Self::ConsentRequired(description),
            Some(OAuthErrorCode::InvalidGrant) => Self::InvalidGrant(description),
            Some(error) => Self::Provider { error, description },
            None => Self::UnknownProviderError,
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

    /// The error's text as a key of `messages.txt` and its values (see [`Message`]). An ID token's
    /// rejection is its [`IdTokenError`]'s text, which says so.
    pub fn message(&self) -> Message<'_> {
        match self {
            Self::InvalidConfig(why) => Message::new("invalid_config").text(why),
            Self::Random(why) => Message::new("random").text(why),
            Self::InvalidPkceVerifier => Message::new("pkce_verifier"),
            Self::InvalidScope(scope) => Message::new("invalid_scope").text(scope),
            Self::InvalidRequest(why) => Message::new("invalid_request").text(why),
            Self::NoScopes => Message::new("no_scopes"),
            Self::InvalidDiscovery(why) => Message::new("invalid_discovery").text(why),
            Self::DiscoveryIssuerMismatch { expected, found } => {
                Message::new("discovery_issuer").text(expected).text(found)
            }
            Self::InsecureEndpoint(url) => Message::new("insecure_endpoint").text(url),
            Self::PkceNotSupported => Message::new("pkce_not_supported"),
            Self::MissingParameter(name) => Message::new("missing_parameter").text(name),
            Self::DuplicateParameter(name) => Message::new("duplicate_parameter").text(name),
            Self::StateMismatch => Message::new("state_mismatch"),
            Self::TransactionExpired => Message::new("transaction_expired"),
            Self::ResponseIssuerMismatch { expected, found } => {
                Message::new("response_issuer").text(expected).text(found)
            }
            Self::AccessDenied(description) => Message::new("access_denied").detail(description),
            Self::LoginRequired(description) => Message::new("login_required").detail(description),
            Self::InteractionRequired(description) => Message::new("interaction_required").detail(description),
            Self::ConsentRequired(description) => Message::new("consent_required").detail(description),
            Self::InvalidGrant(description) => Message::new("invalid_grant").detail(description),
            Self::ScopesNotGranted(scopes) => Message::new("scopes_not_granted").text(scopes),
            Self::Provider { error, description } => {
                Message::new("provider_error").text(error.as_str()).detail(description)
            }
            Self::UnknownProviderError => Message::new("unknown_provider_error"),
            Self::UntrustedErrorResponse => Message::new("untrusted_error_response"),
            Self::HttpClientError { status } => Message::new("http_client_error").number((*status).into()),
            Self::HttpServerError { status } => Message::new("http_server_error").number((*status).into()),
            Self::InvalidTokenResponse(why) => Message::new("invalid_token_response").text(why),
            Self::UnsupportedTokenType(kind) => Message::new("token_type").text(kind),
            Self::IdToken(error) => error.message(),
            #[cfg(feature = "dpop")]
            Self::DpopKeyGone => Message::new("dpop_key_gone"),
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
            Self::ScopesNotGranted(_) => "scopes_not_granted",
            Self::Provider { .. } => "provider_error",
            Self::UnknownProviderError => "unknown_provider_error",
            Self::UntrustedErrorResponse => "untrusted_error_response",
            Self::HttpClientError { .. } => "http_client_error",
            Self::HttpServerError { .. } => "http_server_error",
            Self::InvalidTokenResponse(_) | Self::UnsupportedTokenType(_) => "invalid_token_response",
            Self::IdToken(_) => "invalid_id_token",
            #[cfg(feature = "dpop")]
            Self::DpopKeyGone => "dpop_key_gone",
        }
    }

    /// Whether the user can fix this by an interactive sign-in (so a silent request should turn into a
    /// `RequiresInteraction` result rather than fail). `invalid_scope` from a refresh means the refresh
    /// token does not cover the scopes (RFC 6749 §6): an interactive request asks for them (incremental
    /// consent). `account_selection_required` answers `prompt=none` when the user must pick an account.
    pub fn requires_interaction(&self) -> bool {
        #[cfg(feature = "dpop")]
        if matches!(self, Self::DpopKeyGone) {
            return true;
        }
        matches!(
            self,
            Self::LoginRequired(_)
                | Self::InteractionRequired(_)
                | Self::ConsentRequired(_)
                | Self::InvalidGrant(_)
                | Self::ScopesNotGranted(_)
                | Self::Provider { error: OAuthErrorCode::InvalidScope | OAuthErrorCode::AccountSelectionRequired, .. }
        )
    }
}

/// One error of every variant of `ProtocolError`.
#[cfg(test)]
pub(crate) fn one_protocol_error_of_each_variant() -> Vec<ProtocolError> {
    let text = String::new;
    let errors = vec![
        ProtocolError::InvalidConfig(text()),
        ProtocolError::Random(text()),
        ProtocolError::InvalidPkceVerifier,
        ProtocolError::InvalidScope(text()),
        ProtocolError::InvalidRequest(text()),
        ProtocolError::NoScopes,
        ProtocolError::InvalidDiscovery(text()),
        ProtocolError::DiscoveryIssuerMismatch { expected: text(), found: text() },
        ProtocolError::InsecureEndpoint(text()),
        ProtocolError::PkceNotSupported,
        ProtocolError::MissingParameter("code"),
        ProtocolError::DuplicateParameter("state"),
        ProtocolError::StateMismatch,
        ProtocolError::TransactionExpired,
        ProtocolError::ResponseIssuerMismatch { expected: text(), found: text() },
        ProtocolError::AccessDenied(None),
        ProtocolError::LoginRequired(None),
        ProtocolError::InteractionRequired(None),
        ProtocolError::ConsentRequired(None),
        ProtocolError::InvalidGrant(None),
        ProtocolError::ScopesNotGranted(text()),
        ProtocolError::Provider { error: OAuthErrorCode::ServerError, description: None },
        ProtocolError::UnknownProviderError,
        ProtocolError::UntrustedErrorResponse,
        ProtocolError::HttpClientError { status: 400 },
        ProtocolError::HttpServerError { status: 503 },
        ProtocolError::InvalidTokenResponse(text()),
        ProtocolError::UnsupportedTokenType(text()),
        ProtocolError::IdToken(IdTokenError::InvalidSignature),
        #[cfg(feature = "dpop")]
        ProtocolError::DpopKeyGone,
    ];
    let variants: std::collections::BTreeSet<_> = errors
        .iter()
        .map(|error| {
            // No `_`: a new variant does not compile until it is listed above and here.
            match error {
                ProtocolError::InvalidConfig(_) => "InvalidConfig",
                ProtocolError::Random(_) => "Random",
                ProtocolError::InvalidPkceVerifier => "InvalidPkceVerifier",
                ProtocolError::InvalidScope(_) => "InvalidScope",
                ProtocolError::InvalidRequest(_) => "InvalidRequest",
                ProtocolError::NoScopes => "NoScopes",
                ProtocolError::InvalidDiscovery(_) => "InvalidDiscovery",
                ProtocolError::DiscoveryIssuerMismatch { .. } => "DiscoveryIssuerMismatch",
                ProtocolError::InsecureEndpoint(_) => "InsecureEndpoint",
                ProtocolError::PkceNotSupported => "PkceNotSupported",
                ProtocolError::MissingParameter(_) => "MissingParameter",
                ProtocolError::DuplicateParameter(_) => "DuplicateParameter",
                ProtocolError::StateMismatch => "StateMismatch",
                ProtocolError::TransactionExpired => "TransactionExpired",
                ProtocolError::ResponseIssuerMismatch { .. } => "ResponseIssuerMismatch",
                ProtocolError::AccessDenied(_) => "AccessDenied",
                ProtocolError::LoginRequired(_) => "LoginRequired",
                ProtocolError::InteractionRequired(_) => "InteractionRequired",
                ProtocolError::ConsentRequired(_) => "ConsentRequired",
                ProtocolError::InvalidGrant(_) => "InvalidGrant",
                ProtocolError::ScopesNotGranted(_) => "ScopesNotGranted",
                ProtocolError::Provider { .. } => "Provider",
                ProtocolError::UnknownProviderError => "UnknownProviderError",
                ProtocolError::UntrustedErrorResponse => "UntrustedErrorResponse",
                ProtocolError::HttpClientError { .. } => "HttpClientError",
                ProtocolError::HttpServerError { .. } => "HttpServerError",
                ProtocolError::InvalidTokenResponse(_) => "InvalidTokenResponse",
                ProtocolError::UnsupportedTokenType(_) => "UnsupportedTokenType",
                ProtocolError::IdToken(_) => "IdToken",
                #[cfg(feature = "dpop")]
                ProtocolError::DpopKeyGone => "DpopKeyGone",
            }
        })
        .collect();
    assert_eq!(variants.len(), errors.len(), "one error of each variant");
    errors
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
            ProtocolError::Provider { error: OAuthErrorCode::TemporarilyUnavailable, description: None }
        );
        assert_eq!(ProtocolError::from_status(404), ProtocolError::HttpClientError { status: 404 });
        assert_eq!(ProtocolError::from_status(503), ProtocolError::HttpServerError { status: 503 });
    }

    #[test]
    fn every_defined_code_is_known() {
        let defined = [
            "invalid_request",
            "unauthorized_client",
            "access_denied",
            "unsupported_response_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
            "interaction_required",
            "login_required",
            "account_selection_required",
            "consent_required",
            "invalid_request_uri",
            "invalid_request_object",
            "request_not_supported",
            "request_uri_not_supported",
            "registration_not_supported",
            "invalid_grant",
            "invalid_client",
            "unsupported_grant_type",
        ];
        for code in defined {
            assert_eq!(OAuthErrorCode::parse(code).map(OAuthErrorCode::as_str), Some(code));
            assert_ne!(ProtocolError::from_provider(code, None), ProtocolError::UnknownProviderError, "{code}");
        }
    }

    #[test]
    fn an_unknown_code_is_not_echoed() {
        let spoof = "Your account is locked, call +1-555-0100";
        for code in [spoof, "ACCESS_DENIED", "access_denied ", ""] {
            let error = ProtocolError::from_provider(code, Some(spoof.to_owned()));
            assert_eq!(error, ProtocolError::UnknownProviderError);
            assert_eq!(error.code(), "unknown_provider_error");
            assert!(!error.to_string().contains("locked"), "{error}");
        }
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
        assert!(ProtocolError::ScopesNotGranted("api:write".into()).requires_interaction(), "consent, asked again");
        let refreshed = |code: &str| ProtocolError::from_provider(code, None).requires_interaction();
        assert!(refreshed("invalid_scope"), "incremental consent: the refresh token does not cover the scopes");
        assert!(refreshed("account_selection_required"));
        assert!(!refreshed("server_error"));
        assert!(!ProtocolError::UnknownProviderError.requires_interaction());
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

    #[test]
    fn every_message_has_a_template_with_a_place_for_each_value() {
        let text = || "x".to_owned();
        let id_token = [
            IdTokenError::Malformed(text()),
            IdTokenError::UnsupportedAlgorithm(text()),
            IdTokenError::Issuer { expected: text(), found: text() },
            IdTokenError::Audience { client_id: text() },
            IdTokenError::AuthorizedParty { client_id: text() },
            IdTokenError::Expired,
            IdTokenError::NotYetValid,
            IdTokenError::IssuedInFuture,
            IdTokenError::Nonce,
            IdTokenError::MissingAuthTime,
            IdTokenError::AuthTimeTooOld,
            IdTokenError::UnknownKey(text()),
            IdTokenError::AmbiguousKey,
            IdTokenError::InvalidSignature,
        ];
        let protocol = one_protocol_error_of_each_variant();
        let errors = protocol.into_iter().chain(id_token.into_iter().map(ProtocolError::IdToken));
        for error in errors {
            let message = error.message();
            let template = Message::template(message.key).unwrap_or_else(|| panic!("no template for {}", message.key));
            let values = message.args.iter().flatten().count();
            for index in 0..2 {
                assert_eq!(template.contains(&["{", &index.to_string(), "}"].concat()), index < values, "{template}");
            }
            assert!(!error.to_string().contains('{'), "{error}");
        }
    }
}
