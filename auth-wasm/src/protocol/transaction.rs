//! The login transaction: what this browser must remember between the redirect to the provider and the
//! callback (state, nonce, PKCE verifier), kept under a key derived from the state.

use super::entra::issuer_matches;
use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord};
use super::{
    AuthorizationCode, AuthorizationResponse, Nonce, PkceVerifier, ProtocolError, ProviderMetadata, Scopes, State,
};

/// What this browser remembers between the redirect to the provider and the callback (sessionStorage).
#[derive(Debug, PartialEq, Eq)]
pub struct LoginTransaction {
    /// The `state` sent; the callback must carry it back.
    pub state: State,
    /// The `nonce` sent; the ID token must carry it back.
    pub nonce: Nonce,
    /// The PKCE verifier whose challenge was sent; the token request proves with it that this browser asked.
    pub verifier: PkceVerifier,
    /// The redirect URI sent in the authorize request; the token request must repeat it exactly.
    pub redirect_uri: String,
    /// The scopes asked for, which the first access token is cached under.
    pub scopes: Scopes,
    /// Where the app goes once the sign-in is complete.
    pub return_url: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    /// The `max_age` the authorize request sent: the ID token's `auth_time` must then be that recent.
    pub max_age: Option<u64>,
    /// The thumbprint of the DPoP key the authorize request named (`dpop_jkt`): the code is bound to it,
    /// and its exchange must be proved with that key.
    #[cfg(feature = "dpop")]
    pub dpop_jkt: Option<String>,
}

/// A sign-in whose authorization response its transaction accepted: the code, and what the code
/// exchange sends and checks. Only [`LoginTransaction::accept`] makes one, using the transaction up.
#[derive(Debug, PartialEq, Eq)]
pub struct AcceptedSignIn {
    /// The one-time code, sent once to the token endpoint.
    pub(crate) code: AuthorizationCode,
    /// The `nonce` the ID token must carry.
    pub(crate) nonce: Nonce,
    /// The PKCE verifier the token request proves with.
    pub(crate) verifier: PkceVerifier,
    /// The redirect URI the token request repeats.
    pub(crate) redirect_uri: String,
    /// The scopes asked for, which the first access token is cached under.
    pub(crate) scopes: Scopes,
    /// The `max_age` sent, which the ID token's `auth_time` must meet.
    pub(crate) max_age: Option<u64>,
    /// The thumbprint of the DPoP key the code is bound to, if it is.
    #[cfg(feature = "dpop")]
    pub(crate) dpop_jkt: Option<String>,
}

/// Transactions older than this are abandoned sign-ins: removed when a new one starts.
pub const TRANSACTION_LIFETIME_SECS: i64 = 15 * 60;

impl LoginTransaction {
    /// The storage key prefix of sign-in transactions (sessionStorage), for sweeping stale ones.
    pub const STORAGE_PREFIX: &'static str = super::storage_keys::LOGIN_TRANSACTION_PREFIX;

    /// A new transaction whose state, nonce and verifier are made of `random`: three sets of 32 bytes
    /// from a secure random source, drawn by the caller (as `now` is read by the caller).
    pub fn begin(redirect_uri: &str, scopes: Scopes, return_url: &str, now: i64, random: [[u8; 32]; 3]) -> Self {
        let [state, nonce, verifier] = random;
        Self {
            state: State::from_random(state),
            nonce: Nonce::from_random(nonce),
            verifier: PkceVerifier::from_random(verifier),
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            return_url: return_url.to_owned(),
            created_at: now,
            max_age: None,
            #[cfg(feature = "dpop")]
            dpop_jkt: None,
        }
    }

    /// The same, for an authorize request that sends `max_age` (OpenID Connect Core §3.1.2.1).
    pub fn with_max_age(mut self, max_age: Option<u64>) -> Self {
        self.max_age = max_age;
        self
    }

    /// The storage key of the transaction for `state`: one per state, so sign-ins in two tabs don't clash.
    pub fn storage_key(state: &State) -> String {
        super::storage_keys::login_transaction_key(state)
    }

    /// Whether the sign-in started longer than [`TRANSACTION_LIFETIME_SECS`] before `now`.
    pub fn is_stale(&self, now: i64) -> bool {
        now.saturating_sub(self.created_at) > TRANSACTION_LIFETIME_SECS
    }

    /// Checks an authorization response against this transaction (at `now`): the code, with what its
    /// exchange and checks need. The transaction is used up: it answers one response.
    pub fn accept(
        self,
        response: AuthorizationResponse,
        metadata: &ProviderMetadata,
        now: i64,
    ) -> Result<AcceptedSignIn, ProtocolError> {
        if self.is_stale(now) {
            return Err(ProtocolError::TransactionExpired);
        }
        // RFC 9207: where the provider names itself in its responses, one that does not (or names another)
        // may be another provider's answer to this request (a mix-up).
        let from_our_provider = |iss: Option<&str>| match iss {
            Some(iss) => issuer_matches(&metadata.issuer, iss),
            None => !metadata.authorization_response_iss_parameter_supported,
        };
        let (code, state, iss) = match response {
            // An error for another request is not this sign-in's answer, and its text is not shown.
            AuthorizationResponse::Error { state: Some(state), .. } if state != self.state => {
                return Err(ProtocolError::StateMismatch)
            }
            // Neither is the text of one from another provider.
            AuthorizationResponse::Error { iss, .. } if !from_our_provider(iss.as_deref()) => {
                return Err(ProtocolError::UntrustedErrorResponse)
            }
            AuthorizationResponse::Error { error, description, .. } => {
                return Err(ProtocolError::from_provider(&error, description))
            }
            AuthorizationResponse::Code { code, state, iss } => (code, state, iss),
        };
        if state != self.state {
            return Err(ProtocolError::StateMismatch);
        }
        if !from_our_provider(iss.as_deref()) {
            return Err(match iss {
                Some(found) => {
                    ProtocolError::ResponseIssuerMismatch { expected: metadata.issuer.as_str().to_owned(), found }
                }
                None => ProtocolError::MissingParameter("iss"),
            });
        }
        Ok(AcceptedSignIn {
            code,
            nonce: self.nonce,
            verifier: self.verifier,
            redirect_uri: self.redirect_uri,
            scopes: self.scopes,
            max_age: self.max_age,
            #[cfg(feature = "dpop")]
            dpop_jkt: self.dpop_jkt,
        })
    }
}

/// The memory of a completed sign-in, kept for [`TRANSACTION_LIFETIME_SECS`], so that its callback URL
/// (reloaded, or reached again through history) leads back to where the sign-in went instead of to a
/// state-mismatch error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletedTransaction {
    /// Where the sign-in went.
    pub return_url: String,
    /// When the sign-in completed (seconds since the Unix epoch).
    pub created_at: i64,
}

impl CompletedTransaction {
    /// The storage key prefix of completed sign-ins (sessionStorage), for sweeping stale ones.
    pub const STORAGE_PREFIX: &'static str = super::storage_keys::COMPLETED_TRANSACTION_PREFIX;

    /// The storage key of the completed sign-in of `state`.
    pub fn storage_key(state: &State) -> String {
        super::storage_keys::completed_transaction_key(state)
    }

    /// Whether the sign-in completed longer than [`TRANSACTION_LIFETIME_SECS`] before `now`.
    pub fn is_stale(&self, now: i64) -> bool {
        now.saturating_sub(self.created_at) > TRANSACTION_LIFETIME_SECS
    }
}

impl JsonRecord for LoginTransaction {
    fn to_json(&self) -> JsonObject {
        let object = JsonObject::new()
            .with("state", json::string(self.state.as_str()))
            .with("nonce", json::string(self.nonce.as_str()))
            .with("verifier", json::string(self.verifier.secret()))
            .with("redirect_uri", json::string(&self.redirect_uri))
            .with("scopes", self.scopes.to_json())
            .with("return_url", json::string(&self.return_url))
            .with("created_at", json::integer(self.created_at))
            .with("max_age", self.max_age.map(|seconds| json::integer(seconds.min(i64::MAX as u64) as i64)));
        #[cfg(feature = "dpop")]
        let object = object.with("dpop_jkt", json::opt_string(self.dpop_jkt.as_deref()));
        object
    }

    /// Transactions stored before `max_age` was kept have none.
    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let mut read = FieldErrors::default();
        let transaction = Self {
            state: State::new(read.take(object.string("state"))),
            nonce: Nonce::new(read.take(object.string("nonce"))),
            verifier: PkceVerifier::new(read.take(object.string("verifier"))),
            redirect_uri: read.take(object.string("redirect_uri")),
            scopes: read.take(Scopes::read_json(object, "scopes")),
            return_url: read.take(object.string("return_url")),
            created_at: read.take(object.integer("created_at")),
            max_age: read.take(object.opt_unsigned("max_age")),
            #[cfg(feature = "dpop")]
            dpop_jkt: read.take(object.opt_string("dpop_jkt")),
        };
        read.done(transaction)
    }
}

impl JsonRecord for CompletedTransaction {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("return_url", json::string(&self.return_url))
            .with("created_at", json::integer(self.created_at))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Ok(Self { return_url: object.string("return_url")?, created_at: object.integer("created_at")? })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::discovery::tests::{metadata, ISSUER};
    use crate::protocol::values::TEST_RANDOM;

    fn transaction() -> LoginTransaction {
        LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/orders", 1_000, TEST_RANDOM)
    }

    /// `transaction`, having accepted a response with the code `c1` at its creation time.
    pub(crate) fn accepted(transaction: LoginTransaction) -> AcceptedSignIn {
        let (response, now) = (code_response(&transaction.state, Some(ISSUER)), transaction.created_at);
        transaction.accept(response, &metadata(), now).expect("a response for the transaction")
    }

    pub(crate) fn code_response(state: &State, iss: Option<&str>) -> AuthorizationResponse {
        AuthorizationResponse::Code {
            code: AuthorizationCode::new("c1"),
            state: state.clone(),
            iss: iss.map(str::to_owned),
        }
    }

    #[test]
    fn accepts_matching_response() {
        let tx = transaction();
        let sign_in = transaction().accept(code_response(&tx.state, Some(ISSUER)), &metadata(), 1_000).unwrap();
        assert_eq!(sign_in.code.secret(), "c1");
        assert_eq!((sign_in.nonce, sign_in.verifier), (tx.nonce, tx.verifier), "what the exchange needs, moved");
    }

    #[test]
    fn rejects_other_state() {
        let other = State::new("tampered");
        assert_eq!(
            transaction().accept(code_response(&other, Some(ISSUER)), &metadata(), 1_000),
            Err(ProtocolError::StateMismatch)
        );
    }

    #[test]
    fn rejects_other_or_missing_issuer() {
        let tx = transaction();
        assert!(matches!(
            transaction().accept(code_response(&tx.state, Some("https://evil.example")), &metadata(), 1_000),
            Err(ProtocolError::ResponseIssuerMismatch { .. })
        ));
        assert_eq!(
            transaction().accept(code_response(&tx.state, None), &metadata(), 1_000),
            Err(ProtocolError::MissingParameter("iss"))
        );
        let mut without_iss_support = metadata();
        without_iss_support.authorization_response_iss_parameter_supported = false;
        assert!(transaction().accept(code_response(&tx.state, None), &without_iss_support, 1_000).is_ok());
    }

    #[test]
    fn provider_error_becomes_typed_error() {
        let tx = transaction();
        let response = |iss: Option<&str>| AuthorizationResponse::Error {
            error: "access_denied".into(),
            description: Some("End-User aborted interaction".into()),
            state: Some(tx.state.clone()),
            iss: iss.map(str::to_owned),
        };
        let err = transaction().accept(response(Some(ISSUER)), &metadata(), 1_000).unwrap_err();
        assert_eq!(err, ProtocolError::AccessDenied(Some("End-User aborted interaction".into())));
    }

    #[test]
    fn an_error_response_another_provider_may_have_sent_keeps_nothing_of_its_text() {
        let tx = transaction();
        let response = |iss: Option<&str>| AuthorizationResponse::Error {
            error: "access_denied".into(),
            description: Some("Your account is locked, call +1-555-0100".into()),
            state: Some(tx.state.clone()),
            iss: iss.map(str::to_owned),
        };
        let untrusted = Err(ProtocolError::UntrustedErrorResponse);
        assert_eq!(transaction().accept(response(Some("https://evil.example")), &metadata(), 1_000), untrusted);
        assert_eq!(transaction().accept(response(None), &metadata(), 1_000), untrusted, "iss is promised");
        let mut without_iss_support = metadata();
        without_iss_support.authorization_response_iss_parameter_supported = false;
        let answer = transaction().accept(response(None), &without_iss_support, 1_000);
        assert!(matches!(answer, Err(ProtocolError::AccessDenied(Some(_)))), "no iss is promised: {answer:?}");
    }

    #[test]
    fn an_error_for_another_request_is_a_state_mismatch() {
        let response = AuthorizationResponse::Error {
            error: "access_denied".into(),
            description: Some("Your account is locked, call +1-555-0100".into()),
            state: Some(State::new("someone-else")),
            iss: Some(ISSUER.to_owned()),
        };
        assert_eq!(transaction().accept(response, &metadata(), 1_000), Err(ProtocolError::StateMismatch));
        let unbound = |iss: Option<&str>| AuthorizationResponse::Error {
            error: "login_required".into(),
            description: None,
            state: None,
            iss: iss.map(str::to_owned),
        };
        let answer = transaction().accept(unbound(Some(ISSUER)), &metadata(), 1_000);
        assert_eq!(answer, Err(ProtocolError::LoginRequired(None)));
        let answer = transaction().accept(unbound(None), &metadata(), 1_000);
        assert_eq!(answer, Err(ProtocolError::UntrustedErrorResponse), "no state, and no iss where one is promised");
    }

    #[test]
    fn stale_after_fifteen_minutes() {
        let tx = transaction();
        assert!(!tx.is_stale(1_000 + 900));
        assert!(tx.is_stale(1_000 + 901));
        let response = code_response(&tx.state, Some(ISSUER));
        assert_eq!(transaction().accept(response, &metadata(), 1_000 + 901), Err(ProtocolError::TransactionExpired));
    }

    #[test]
    fn round_trips_through_json_and_keys_by_state() {
        let tx = transaction();
        assert_eq!(LoginTransaction::from_json_str(&tx.to_json_string()).as_ref(), Ok(&tx));
        let done = CompletedTransaction { return_url: "/x".into(), created_at: 7 };
        assert_eq!(CompletedTransaction::from_json_str(&done.to_json_string()), Ok(done));
        assert_eq!(LoginTransaction::storage_key(&tx.state), format!("auth-wasm.tx.{}", tx.state));
    }

    #[test]
    fn keeps_max_age_and_loads_transactions_stored_without_it() {
        let tx = transaction().with_max_age(Some(600));
        let stored = tx.to_json_string();
        assert!(stored.contains(r#""max_age":600"#));
        assert_eq!(LoginTransaction::from_json_str(&stored).as_ref(), Ok(&tx));
        let mut old = tx.to_json();
        old.set("max_age", None);
        assert_eq!(LoginTransaction::from_json(&old), Ok(tx.with_max_age(None)), "stored before max_age was kept");
    }
}
