//! Flows as state machines: a sign-in callback or a token renewal says what it needs next as plain data
//! ([`Step`]: get this provider document, send this form, check this signature) and takes the answer
//! ([`Input`]); one driver loop in the browser layer performs the steps, as quinn-proto's and rustls'
//! connections are pumped by their drivers. The time comes in with every answer, as a value.
//!
//! A flow is written as one straight program that [`Flow::next`] runs from the top each time: each line
//! either has what it needs or returns the step that gets it. The order of the checks is therefore the
//! program's, and the types keep it: a [`VerifiedIdToken`] comes only out of the signature step, and a
//! [`TokenSet`] only from one.

use std::rc::Rc;
use std::sync::Arc;

use super::jws::PendingSignature;
use super::{
    authorization_code_request_body, discovery_url, parse_token_response, refresh_request_body, AcceptedSignIn,
    AuthorizationResponse, ClientConfig, IdTokenError, JsonObject, JwkSet, LoginTransaction, ProtocolError,
    ProviderMetadata, RefreshToken, Scopes, Session, SignatureCheck, SignatureVerdict, TokenContext, TokenResponse,
    TokenSet, VerifiedIdToken,
};

/// What a flow needs next; the driver performs it and answers with the [`Input`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum Step<'a> {
    /// The provider's document: from the cache (unless `refetch`), answered with [`Input::Cached`];
    /// else fetched with `GET url`, answered with [`Input::Response`].
    Get {
        /// Which document.
        document: Document,
        /// Where it is published.
        url: String,
        /// Fetch it whatever the cache holds (an unknown signing key: the provider may have rotated).
        refetch: bool,
    },
    /// Keep a document just fetched and checked (memory, and storage with its fetch time); answered
    /// with [`Input::Kept`].
    Keep(Fetched),
    /// `POST url` with this `application/x-www-form-urlencoded` body; answered with [`Input::Response`].
    PostForm {
        /// The endpoint.
        url: String,
        /// The form.
        body: String,
        /// The `DPoP` header: the proof that goes with the request.
        #[cfg(feature = "dpop")]
        dpop: Option<String>,
    },
    /// Check this signature (WebCrypto); answered with [`Input::Signature`].
    VerifySignature(SignatureCheck<'a>),
    /// A DPoP proof for this request, signed with the key it names (see
    /// [`super::dpop::proof_signing_input`]); answered with [`Input::DpopProof`].
    #[cfg(feature = "dpop")]
    SignDpopProof(super::dpop::ProofRequest),
    /// The flow is complete: its result is ready.
    Done,
}

/// The answer to the last [`Step`] (or [`Input::Start`] for the first).
#[derive(Debug)]
#[non_exhaustive]
pub enum Input {
    /// No step yet.
    Start,
    /// The cache's copy of the document asked for.
    Cached(Cached),
    /// The provider's answer to a request.
    Response(HttpResponse),
    /// The document is kept.
    Kept,
    /// What the crypto said of the signature.
    Signature(SignatureVerdict),
    /// The signed proof asked for.
    #[cfg(feature = "dpop")]
    DpopProof(String),
}

/// The provider's documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// The discovery document (OpenID Connect Discovery 1.0).
    Metadata,
    /// The signing keys (RFC 7517).
    Jwks,
}

/// A document as the cache has it (checked again when it was read from storage).
#[derive(Debug)]
pub enum Cached {
    /// The provider's metadata.
    Metadata(Arc<ProviderMetadata>),
    /// The provider's keys.
    Jwks(Rc<JwkSet>),
}

/// A document just fetched and checked, to keep, with its text as published: the cache stores the text
/// and reads it back through the same checks.
#[derive(Debug)]
pub enum Fetched {
    /// The metadata, and the discovery document's text.
    Metadata(Arc<ProviderMetadata>, String),
    /// The keys, and the JWKS document's text.
    Jwks(Rc<JwkSet>, String),
}

/// An HTTP response's status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body, as text.
    pub body: String,
    /// The `DPoP-Nonce` header: the nonce the server wants in the next proof (RFC 9449 §8).
    #[cfg(feature = "dpop")]
    pub dpop_nonce: Option<String>,
}

impl HttpResponse {
    /// A response with `status` and `body`, and no other header.
    pub fn new(status: u16, body: String) -> Self {
        Self {
            status,
            body,
            #[cfg(feature = "dpop")]
            dpop_nonce: None,
        }
    }
}

/// A flow: [`Self::next`] takes the answer to the last step and the time, and says the next step.
pub trait Flow {
    /// The next step, after `input` (the answer to the last one) at `now` (seconds since the Unix epoch).
    fn next(&mut self, input: Input, now: i64) -> Result<Step<'_>, ProtocolError>;
}

/// The answer a flow waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Waiting {
    #[default]
    Nothing,
    Document(Document),
    Token,
    Signature,
    #[cfg(feature = "dpop")]
    Proof,
}

/// The provider's documents as a flow has them so far.
#[derive(Debug)]
struct Documents<'a> {
    authority: &'a str,
    /// The fields the configuration sets over the provider's discovery document.
    overrides: &'a JsonObject,
    metadata: Option<Arc<ProviderMetadata>>,
    /// The keys, and whether they came from the cache (so that an unknown key is worth a fetch).
    jwks: Option<(Rc<JwkSet>, bool)>,
    /// A document fetched and checked, not yet kept.
    keep: Option<Fetched>,
}

impl<'a> Documents<'a> {
    /// The documents of the client `config`'s provider: its metadata from the configuration where it
    /// supplies them (then no discovery request is made), else from the cache or discovery.
    fn new(config: &'a ClientConfig) -> Self {
        let (authority, overrides) = (&config.authority, &config.metadata_overrides);
        Self { authority, overrides, metadata: config.metadata.clone(), jwks: None, keep: None }
    }

    /// Takes the answer for `document`: the cache's copy, or the provider's (checked, then to keep).
    fn take(&mut self, document: Document, input: Input) -> Result<(), ProtocolError> {
        if document == Document::Jwks {
            // The keys asked for again (a token signed with a key they lack) are replaced by the answer.
            self.jwks = None;
        }
        match input {
            Input::Cached(Cached::Metadata(metadata)) => self.metadata = Some(metadata),
            Input::Cached(Cached::Jwks(jwks)) => self.jwks = Some((jwks, true)),
            Input::Response(HttpResponse { status, body, .. }) => {
                if status != 200 {
                    return Err(ProtocolError::from_status(status));
                }
                self.keep = Some(match document {
                    Document::Metadata => {
                        let metadata = Arc::new(ProviderMetadata::from_json(&body, self.overrides, self.authority)?);
                        self.metadata = Some(metadata.clone());
                        Fetched::Metadata(metadata, body)
                    }
                    Document::Jwks => {
                        let jwks = Rc::new(JwkSet::from_json(&body)?);
                        self.jwks = Some((jwks.clone(), false));
                        Fetched::Jwks(jwks, body)
                    }
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// The step that gets the metadata.
    fn get_metadata(&self, waiting: &mut Waiting) -> Step<'static> {
        *waiting = Waiting::Document(Document::Metadata);
        Step::Get { document: Document::Metadata, url: discovery_url(self.authority), refetch: false }
    }
}

/// The provider's metadata alone: from the cache, else discovery.
#[derive(Debug)]
pub struct MetadataFlow<'a> {
    documents: Documents<'a>,
    waiting: Waiting,
}

impl<'a> MetadataFlow<'a> {
    /// Gets the metadata of the provider of the client `config`.
    pub fn new(config: &'a ClientConfig) -> Self {
        Self { documents: Documents::new(config), waiting: Waiting::Nothing }
    }

    /// The metadata, once the flow is done.
    pub fn into_metadata(self) -> Option<Arc<ProviderMetadata>> {
        self.documents.metadata
    }
}

impl Flow for MetadataFlow<'_> {
    fn next(&mut self, input: Input, _now: i64) -> Result<Step<'_>, ProtocolError> {
        if let Waiting::Document(document) = std::mem::take(&mut self.waiting) {
            self.documents.take(document, input)?;
        }
        if let Some(fetched) = self.documents.keep.take() {
            return Ok(Step::Keep(fetched));
        }
        if self.documents.metadata.is_none() {
            return Ok(self.documents.get_metadata(&mut self.waiting));
        }
        Ok(Step::Done)
    }
}

/// What a token request trades for tokens.
#[derive(Debug)]
#[non_exhaustive]
pub enum Grant<'a> {
    /// The code of an authorization response (a sign-in callback, or a hidden iframe's), for the
    /// transaction it answers: the transaction accepts the response (and is used up), then the code is
    /// exchanged.
    Code {
        /// The callback's response.
        response: AuthorizationResponse,
        /// The transaction whose `state` the response must carry.
        transaction: LoginTransaction,
    },
    /// A refresh token of `session`, for `scopes`.
    Refresh {
        /// The session renewed.
        session: &'a Session,
        /// The refresh token presented.
        refresh_token: &'a RefreshToken,
        /// The scopes asked for.
        scopes: &'a Scopes,
    },
}

/// A token request and the checks of its answer: metadata → (the callback accepted) → token request →
/// the ID token's signature (the keys fetched again once for an unknown key) → its claims → a
/// [`TokenSet`]. Nothing is stored: the caller keeps the set.
#[derive(Debug)]
pub struct TokenFlow<'a> {
    config: &'a ClientConfig,
    trade: Trade<'a>,
    documents: Documents<'a>,
    waiting: Waiting,
    response: Option<TokenResponse>,
    /// The signature check handed over, while its answer is awaited.
    pending: Option<PendingSignature>,
    verified: Option<VerifiedIdToken>,
    result: Option<TokenSet>,
    /// The request's DPoP binding: a proof goes with it where the grant is bound.
    #[cfg(feature = "dpop")]
    dpop: Binding,
}

/// A token request's DPoP binding, as far as it got.
#[cfg(feature = "dpop")]
#[derive(Debug, Default)]
struct Binding {
    /// Each server's last nonce, as the driver knew them, updated by every answer.
    nonces: super::dpop::DpopNonces,
    /// The token request's form, kept for a retry with the provider's nonce.
    body: Option<String>,
    /// The thumbprint of the key the grant is bound to (the sign-in's `dpop_jkt`, or the session's):
    /// `None`, a bearer grant, which no proof goes with.
    jkt: Option<String>,
    /// The signed proof, until it is sent.
    proof: Option<String>,
    /// Whether the request was sent again with a nonce: once only.
    retried: bool,
}

impl<'a> TokenFlow<'a> {
    /// The flow of `grant` for the client `config`.
    pub fn new(config: &'a ClientConfig, grant: Grant<'a>) -> Self {
        let trade = match grant {
            Grant::Code { response, transaction } => Trade::Code(Some((response, transaction))),
            Grant::Refresh { session, refresh_token, scopes } => Trade::Refresh { session, refresh_token, scopes },
        };
        Self {
            config,
            trade,
            documents: Documents::new(config),
            waiting: Waiting::Nothing,
            response: None,
            pending: None,
            verified: None,
            result: None,
            #[cfg(feature = "dpop")]
            dpop: Binding::default(),
        }
    }

    /// The servers' nonces as the driver knows them, `nonces`. A request is proved with DPoP where the
    /// grant is bound (a code whose authorize request named a key, a bound session's refresh token):
    /// only then is a proof asked for, by the key the grant is bound to ([`Step::SignDpopProof`]), so a
    /// bearer grant does not read the key.
    #[cfg(feature = "dpop")]
    pub fn with_dpop(mut self, nonces: super::dpop::DpopNonces) -> Self {
        self.dpop.nonces = nonces;
        self
    }

    /// The servers' nonces as the flow left them (the driver keeps them for the next requests).
    #[cfg(feature = "dpop")]
    pub fn dpop_nonces(&self) -> &super::dpop::DpopNonces {
        &self.dpop.nonces
    }

    /// The checked tokens, once the flow is done.
    pub fn into_token_set(self) -> Option<TokenSet> {
        self.result
    }
}

/// What the token flow trades, as far as it got: a code whose response is still to be accepted, then
/// the accepted sign-in; or a refresh token.
#[derive(Debug)]
enum Trade<'a> {
    Code(Option<(AuthorizationResponse, LoginTransaction)>),
    Accepted(AcceptedSignIn),
    Refresh { session: &'a Session, refresh_token: &'a RefreshToken, scopes: &'a Scopes },
}

impl Trade<'_> {
    /// The token request's form; a code's response is accepted first. A method of the trade, not of
    /// the flow, so that the flow lends its metadata meanwhile.
    fn request_body(
        &mut self,
        config: &ClientConfig,
        metadata: &ProviderMetadata,
        now: i64,
    ) -> Result<String, ProtocolError> {
        Ok(match self {
            Trade::Code(pending) => {
                let (response, transaction) = pending.take().ok_or(ProtocolError::MissingParameter("code"))?;
                let sign_in = transaction.accept(response, metadata, now)?;
                let body = authorization_code_request_body(config, &sign_in);
                *self = Trade::Accepted(sign_in);
                body
            }
            Trade::Accepted(_) => return Err(ProtocolError::MissingParameter("code")),
            Trade::Refresh { session, refresh_token, scopes } => {
                refresh_request_body(config, refresh_token, &session.refresh_scopes(scopes))
            }
        })
    }
}

#[cfg(feature = "dpop")]
impl Trade<'_> {
    /// The thumbprint of the key the grant is bound to, once its form is made.
    fn dpop_jkt(&self) -> Option<&str> {
        match self {
            Trade::Accepted(sign_in) => sign_in.dpop_jkt.as_deref(),
            Trade::Refresh { session, .. } => session.dpop_jkt(),
            Trade::Code(_) => None,
        }
    }
}

/// The check of the response's ID token with the keys at hand. A function of these two fields only, so
/// that the flow sets its others while the check it returns borrows them.
fn signature_check<'s>(
    response: &'s Option<TokenResponse>,
    jwks: &'s Option<(Rc<JwkSet>, bool)>,
) -> Result<SignatureCheck<'s>, ProtocolError> {
    match (response, jwks) {
        (Some(TokenResponse { id_token: Some(id_token), .. }), Some((jwks, _))) => {
            Ok(SignatureCheck::new(id_token, jwks)?)
        }
        _ => Err(ProtocolError::MissingParameter("id_token")),
    }
}

impl Flow for TokenFlow<'_> {
    fn next(&mut self, input: Input, now: i64) -> Result<Step<'_>, ProtocolError> {
        match (std::mem::take(&mut self.waiting), input) {
            (Waiting::Document(document), input) => self.documents.take(document, input)?,
            #[cfg(feature = "dpop")]
            (Waiting::Proof, Input::DpopProof(proof)) => self.dpop.proof = Some(proof),
            #[cfg(feature = "dpop")]
            (Waiting::Token, Input::Response(http)) => {
                let endpoint = self.documents.metadata.as_ref().map_or("", |m| m.token_endpoint.as_str());
                let binding = &mut self.dpop;
                let new_nonce = binding.nonces.take(endpoint, http.dpop_nonce.as_deref());
                // One more request with the nonce the provider asked for (RFC 9449 §8); never a loop.
                let retry = binding.jkt.is_some()
                    && !binding.retried
                    && new_nonce
                    && super::dpop::token_endpoint_wants_nonce(http.status, &http.body);
                if retry {
                    binding.retried = true;
                } else if binding.jkt.is_some() {
                    self.response = Some(super::token::parse_bound_token_response(http.status, &http.body)?);
                } else {
                    self.response = Some(parse_token_response(http.status, &http.body)?);
                }
            }
            #[cfg(not(feature = "dpop"))]
            (Waiting::Token, Input::Response(http)) => {
                self.response = Some(parse_token_response(http.status, &http.body)?);
            }
            (Waiting::Signature, Input::Signature(verdict)) => {
                let pending = self.pending.take().ok_or(ProtocolError::MissingParameter("id_token"))?;
                self.verified = Some(pending.conclude(verdict)?);
            }
            _ => {}
        }
        if self.result.is_some() {
            return Ok(Step::Done);
        }
        if let Some(fetched) = self.documents.keep.take() {
            return Ok(Step::Keep(fetched));
        }
        // 1. The provider's metadata.
        let Some(metadata) = self.documents.metadata.as_deref() else {
            return Ok(self.documents.get_metadata(&mut self.waiting));
        };
        // 2. The token request (for a code, once the callback is accepted).
        let Some(response) = &self.response else {
            // The form is kept for a retry with the provider's nonce.
            #[cfg(feature = "dpop")]
            let body = {
                let binding = &mut self.dpop;
                if binding.body.is_none() {
                    binding.body = Some(self.trade.request_body(self.config, metadata, now)?);
                    binding.jkt = self.trade.dpop_jkt().map(str::to_owned);
                }
                if let (Some(jkt), None) = (&binding.jkt, &binding.proof) {
                    // Bound grants are proved with their own key, or not sent (see proof_signing_input).
                    self.waiting = Waiting::Proof;
                    let url = &metadata.token_endpoint;
                    let mut request = super::dpop::ProofRequest::new("POST", url, binding.nonces.for_url(url), None);
                    request.jkt = Some(jkt.clone());
                    return Ok(Step::SignDpopProof(request));
                }
                binding.body.clone().unwrap_or_default()
            };
            #[cfg(not(feature = "dpop"))]
            let body = self.trade.request_body(self.config, metadata, now)?;
            self.waiting = Waiting::Token;
            return Ok(Step::PostForm {
                url: metadata.token_endpoint.clone(),
                body,
                #[cfg(feature = "dpop")]
                dpop: self.dpop.proof.take(),
            });
        };
        // 3. The ID token's signature, with the provider's keys.
        if response.id_token.is_some() && self.verified.is_none() {
            let get_keys = |refetch| Step::Get { document: Document::Jwks, url: metadata.jwks_uri.clone(), refetch };
            let Some((_, cached)) = self.documents.jwks else {
                self.waiting = Waiting::Document(Document::Jwks);
                return Ok(get_keys(false));
            };
            // Smaller code: one check, whose keys are replaced when the answer to a refetch comes.
            return match signature_check(&self.response, &self.documents.jwks) {
                Ok(check) => {
                    self.waiting = Waiting::Signature;
                    self.pending = Some(check.pending());
                    Ok(Step::VerifySignature(check))
                }
                // A key we do not know: the provider may have rotated its keys since we cached them.
                Err(ProtocolError::IdToken(IdTokenError::UnknownKey(_))) if cached => {
                    self.waiting = Waiting::Document(Document::Jwks);
                    Ok(get_keys(true))
                }
                Err(error) => Err(error),
            };
        }
        // 4. The claims, against the grant.
        let Some(response) = self.response.take() else { return Ok(Step::Done) };
        let verified = self.verified.take();
        // Bound tokens are those of a bound request that the provider says are DPoP tokens.
        #[cfg(feature = "dpop")]
        let dpop_jkt = self.dpop.jkt.take().filter(|_| response.token_type.eq_ignore_ascii_case("dpop"));
        let context = TokenContext { metadata, client_id: &self.config.client_id, now };
        self.result = Some(match &self.trade {
            Trade::Accepted(sign_in) => context.code_exchange(response, verified, sign_in)?,
            Trade::Refresh { session, scopes, .. } => context.refresh(response, verified, session, scopes)?,
            Trade::Code(_) => return Err(ProtocolError::MissingParameter("code")),
        });
        #[cfg(feature = "dpop")]
        if let Some(result) = &mut self.result {
            result.dpop_jkt = dpop_jkt;
        }
        Ok(Step::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::{document, metadata};
    use crate::protocol::id_token::tests::{claims_json, jwt, NOW};
    use crate::protocol::values::TEST_RANDOM;
    use crate::protocol::{after_sign_in, AuthorizationCode, Nonce, State};
    use serde_json::json;

    fn config() -> ClientConfig {
        ClientConfig::new("https://op.example", "spa")
    }

    fn transaction() -> LoginTransaction {
        let scopes = Scopes::parse("api:read").unwrap().for_sign_in();
        let mut transaction = LoginTransaction::begin("https://app/cb", scopes, "/", NOW, TEST_RANDOM);
        transaction.nonce = Nonce::new("n-1");
        transaction
    }

    fn callback(state: &State) -> AuthorizationResponse {
        let iss = Some("https://op.example".to_owned());
        AuthorizationResponse::Code { code: AuthorizationCode::new("c-1"), state: state.clone(), iss }
    }

    fn ok(body: serde_json::Value) -> Input {
        Input::Response(HttpResponse::new(200, body.to_string()))
    }

    fn keys(kid: &str) -> serde_json::Value {
        json!({"keys": [{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"}]})
    }

    fn tokens(kid: &str) -> Input {
        let id_token = jwt(json!({"alg": "RS256", "kid": kid}), claims_json());
        ok(json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60, "refresh_token": "rt",
                  "id_token": id_token.secret()}))
    }

    /// What a step is, for comparing sequences.
    fn name(step: &Step<'_>) -> String {
        match step {
            Step::Get { document, url, refetch } => format!("get {document:?} {url} refetch={refetch}"),
            Step::Keep(Fetched::Metadata(..)) => "keep metadata".into(),
            Step::Keep(Fetched::Jwks(..)) => "keep jwks".into(),
            #[cfg(feature = "dpop")]
            Step::PostForm { url, body, dpop: Some(proof) } => {
                format!("post {url} {} with proof {proof}", body.split('&').next().unwrap())
            }
            Step::PostForm { url, body, .. } => format!("post {url} {}", body.split('&').next().unwrap()),
            Step::VerifySignature(check) => format!("verify with {}", check.key.string("kid").unwrap()),
            #[cfg(feature = "dpop")]
            Step::SignDpopProof(request) => {
                let nonce = request.nonce.as_deref().unwrap_or("-");
                let key = if request.jkt.is_some() { " by the bound key" } else { "" };
                format!("sign proof {} {} nonce={nonce}{key}", request.htm, request.htu)
            }
            Step::Done => "done".into(),
        }
    }

    /// Runs `flow` with `answers` (one per step after the first), returning the steps' names and the
    /// error, if one ended it.
    fn run(flow: &mut dyn Flow, answers: Vec<Input>) -> (Vec<String>, Option<ProtocolError>) {
        let mut steps = vec![];
        let mut input = Input::Start;
        let mut answers = answers.into_iter();
        loop {
            match flow.next(input, NOW) {
                Ok(step) => {
                    steps.push(name(&step));
                    if matches!(step, Step::Done) {
                        return (steps, None);
                    }
                }
                Err(error) => return (steps, Some(error)),
            }
            input = answers.next().expect("an answer for every step");
        }
    }

    /// Runs the flow of a sign-in callback for the transaction this browser started, with `answers`:
    /// the steps' names, the error that ended it, and the checked tokens.
    fn sign_in_callback(answers: Vec<Input>) -> (Vec<String>, Option<ProtocolError>, Option<TokenSet>) {
        let (config, transaction) = (config(), transaction());
        let grant = Grant::Code { response: callback(&transaction.state), transaction };
        let mut flow = TokenFlow::new(&config, grant);
        let (steps, error) = run(&mut flow, answers);
        (steps, error, flow.into_token_set())
    }

    #[test]
    fn a_sign_in_callback_fetches_what_is_missing_then_exchanges_checks_and_verifies() {
        let answers = vec![
            ok(document()),
            Input::Kept,
            tokens("r1"),
            ok(keys("r1")),
            Input::Kept,
            Input::Signature(SignatureVerdict::new(true)),
        ];
        let (steps, error, set) = sign_in_callback(answers);
        assert_eq!(error, None);
        assert_eq!(
            steps,
            [
                "get Metadata https://op.example/.well-known/openid-configuration refetch=false",
                "keep metadata",
                "post https://op.example/token grant_type=authorization_code",
                "get Jwks https://op.example/jwks refetch=false",
                "keep jwks",
                "verify with r1",
                "done",
            ]
        );
        assert_eq!(set.unwrap().identity.unwrap().0.subject, "alice");
    }

    #[test]
    fn cached_documents_are_not_kept_again() {
        let jwks = Rc::new(JwkSet::from_json(&keys("r1").to_string()).unwrap());
        let answers = vec![
            Input::Cached(Cached::Metadata(Arc::new(metadata()))),
            tokens("r1"),
            Input::Cached(Cached::Jwks(jwks)),
            Input::Signature(SignatureVerdict::new(true)),
        ];
        let (steps, error, _) = sign_in_callback(answers);
        assert_eq!((steps.len(), error), (5, None), "{steps:?}");
    }

    #[test]
    fn an_unknown_key_in_cached_keys_fetches_them_once_more() {
        let old = Rc::new(JwkSet::from_json(&keys("old").to_string()).unwrap());
        let answers = vec![
            Input::Cached(Cached::Metadata(Arc::new(metadata()))),
            tokens("new"),
            Input::Cached(Cached::Jwks(old)),
            ok(keys("new")),
            Input::Kept,
            Input::Signature(SignatureVerdict::new(true)),
        ];
        let (steps, error, _) = sign_in_callback(answers);
        assert_eq!(error, None);
        assert_eq!(steps[3], "get Jwks https://op.example/jwks refetch=true");
        assert_eq!(steps[5], "verify with new");
    }

    #[test]
    fn an_unknown_key_in_fresh_keys_is_refused() {
        let answers =
            vec![Input::Cached(Cached::Metadata(Arc::new(metadata()))), tokens("new"), ok(keys("old")), Input::Kept];
        let (_, error, _) = sign_in_callback(answers);
        assert_eq!(error, Some(IdTokenError::UnknownKey("new".into()).into()));
    }

    #[test]
    fn nothing_comes_of_a_signature_that_does_not_verify() {
        let metadata = Input::Cached(Cached::Metadata(Arc::new(metadata())));
        let answers =
            vec![metadata, tokens("r1"), ok(keys("r1")), Input::Kept, Input::Signature(SignatureVerdict::new(false))];
        let (_, error, set) = sign_in_callback(answers);
        assert_eq!(error, Some(IdTokenError::InvalidSignature.into()));
        assert_eq!(set, None);
    }

    #[test]
    fn a_callback_for_another_sign_in_sends_no_token_request() {
        let (config, transaction) = (config(), transaction());
        let other = State::from_random([9; 32]);
        let grant = Grant::Code { response: callback(&other), transaction };
        let mut flow = TokenFlow::new(&config, grant);
        let (steps, error) = run(&mut flow, vec![Input::Cached(Cached::Metadata(Arc::new(metadata())))]);
        assert_eq!(error, Some(ProtocolError::StateMismatch));
        assert_eq!(steps.len(), 1, "only the metadata was asked for: {steps:?}");
    }

    /// A configuration with `file`'s fields (the provider's metadata it supplies or overrides).
    fn configured(file: serde_json::Value) -> ClientConfig {
        let mut file = file;
        file["authority"] = "https://op.example".into();
        file["client_id"] = "spa".into();
        ClientConfig::from_json(&file.to_string()).unwrap()
    }

    #[test]
    fn metadata_supplied_by_the_configuration_means_no_discovery_request() {
        let config = configured(json!({"metadata": document()}));
        let mut flow = MetadataFlow::new(&config);
        assert_eq!(run(&mut flow, vec![]), (vec!["done".to_owned()], None));
        assert_eq!(flow.into_metadata().as_deref(), Some(&metadata()));

        let grant = Grant::Code { response: callback(&transaction().state), transaction: transaction() };
        let mut flow = TokenFlow::new(&config, grant);
        let first = name(&flow.next(Input::Start, NOW).unwrap());
        assert_eq!(first, "post https://op.example/token grant_type=authorization_code");
    }

    #[test]
    fn overrides_are_set_over_the_fetched_document_before_its_checks_and_the_text_is_kept_as_published() {
        let config = configured(json!({"metadata_overrides": {"token_endpoint": "https://op.example/other-token"}}));
        let grant = || Grant::Code { response: callback(&transaction().state), transaction: transaction() };
        let mut flow = TokenFlow::new(&config, grant());
        let mut input = Input::Start;
        let mut kept = None;
        for answer in [ok(document()), Input::Kept] {
            if let Step::Keep(Fetched::Metadata(metadata, text)) =
                flow.next(std::mem::replace(&mut input, answer), NOW).unwrap()
            {
                kept = Some((metadata.token_endpoint.clone(), text));
            }
        }
        let (token_endpoint, text) = kept.unwrap();
        assert_eq!(token_endpoint, "https://op.example/other-token");
        assert_eq!(text, document().to_string(), "the cache stores the provider's text, read again with the overrides");
        assert_eq!(
            name(&flow.next(input, NOW).unwrap()),
            "post https://op.example/other-token grant_type=authorization_code"
        );

        let insecure = configured(json!({"metadata_overrides": {"end_session_endpoint": "http://op.example/bye"}}));
        let mut flow = MetadataFlow::new(&insecure);
        let (_, error) = run(&mut flow, vec![ok(document())]);
        assert_eq!(error, Some(ProtocolError::InsecureEndpoint("http://op.example/bye".into())));
    }

    #[test]
    fn a_provider_document_that_is_not_there_is_an_http_error() {
        let config = config();
        let mut flow = MetadataFlow::new(&config);
        let (_, error) = run(&mut flow, vec![Input::Response(HttpResponse::new(404, String::new()))]);
        assert_eq!(error, Some(ProtocolError::HttpClientError { status: 404 }));
    }

    #[test]
    fn a_refresh_presents_the_refresh_token_and_checks_the_same_user() {
        let answers = vec![
            ok(document()),
            Input::Kept,
            tokens("r1"),
            ok(keys("r1")),
            Input::Kept,
            Input::Signature(SignatureVerdict::new(true)),
        ];
        let session = after_sign_in(None, sign_in_callback(answers).2.unwrap()).unwrap();
        let config = config();
        let (refresh_token, scopes) = (session.refresh_token().unwrap(), Scopes::parse("api:read").unwrap());
        let grant = Grant::Refresh { session: &session, refresh_token, scopes: &scopes };
        let mut flow = TokenFlow::new(&config, grant);
        let jwks = Rc::new(JwkSet::from_json(&keys("r1").to_string()).unwrap());
        let answers = vec![
            Input::Cached(Cached::Metadata(Arc::new(metadata()))),
            tokens("r1"),
            Input::Cached(Cached::Jwks(jwks)),
            Input::Signature(SignatureVerdict::new(true)),
        ];
        let (steps, error) = run(&mut flow, answers);
        assert_eq!(error, None);
        assert_eq!(steps[1], "post https://op.example/token grant_type=refresh_token");
        assert_eq!(flow.into_token_set().unwrap().access_token.access_token.secret(), "at");
    }

    #[cfg(feature = "dpop")]
    mod dpop {
        use super::*;
        use crate::protocol::dpop::tests::key;
        use crate::protocol::dpop::DpopNonces;

        fn dpop_metadata() -> Input {
            let mut document = document();
            document["dpop_signing_alg_values_supported"] = json!(["ES256"]);
            Input::Cached(Cached::Metadata(Arc::new(
                ProviderMetadata::from_json(&document.to_string(), &JsonObject::new(), "https://op.example").unwrap(),
            )))
        }

        fn with_nonce(status: u16, body: serde_json::Value, nonce: Option<&str>) -> Input {
            let mut response = HttpResponse::new(status, body.to_string());
            response.dpop_nonce = nonce.map(str::to_owned);
            Input::Response(response)
        }

        fn use_nonce(nonce: &str) -> Input {
            with_nonce(400, json!({"error": "use_dpop_nonce", "error_description": "nonce required"}), Some(nonce))
        }

        fn dpop_tokens() -> Input {
            let id_token = jwt(json!({"alg": "RS256", "kid": "r1"}), claims_json());
            with_nonce(
                200,
                json!({"access_token": "at", "token_type": "DPoP", "expires_in": 60, "refresh_token": "rt",
                       "id_token": id_token.secret()}),
                Some("n-2"),
            )
        }

        /// The answers after the token response: the keys, kept, and the signature verified.
        fn checked() -> [Input; 3] {
            [ok(keys("r1")), Input::Kept, Input::Signature(SignatureVerdict::new(true))]
        }

        /// What a bound flow came to: its steps, the error that ended it, the nonces it left, and the
        /// thumbprint its tokens are bound to (`None`: bearer tokens, or no tokens).
        type Outcome = (Vec<String>, Option<ProtocolError>, Option<DpopNonces>, Option<String>);

        fn outcome(mut flow: TokenFlow<'_>, answers: Vec<Input>) -> Outcome {
            let (steps, error) = run(&mut flow, answers);
            let nonces = Some(flow.dpop_nonces().clone());
            (steps, error, nonces, flow.into_token_set().and_then(|set| set.dpop_jkt))
        }

        /// A sign-in callback whose authorize request named the key of thumbprint `jkt` (if any), with
        /// `nonces` known.
        fn bound_callback(jkt: Option<String>, nonces: DpopNonces, answers: Vec<Input>) -> Outcome {
            let config = config();
            let mut transaction = transaction();
            transaction.dpop_jkt = jkt;
            let grant = Grant::Code { response: callback(&transaction.state), transaction };
            outcome(TokenFlow::new(&config, grant).with_dpop(nonces), answers)
        }

        fn bound() -> Option<String> {
            Some(key().thumbprint())
        }

        fn proof(text: &str) -> Input {
            Input::DpopProof(text.into())
        }

        #[test]
        fn a_bound_code_exchange_carries_a_proof_and_keeps_the_dpop_token() {
            let mut answers = vec![dpop_metadata(), proof("proof-1"), dpop_tokens()];
            answers.extend(checked());
            let (steps, error, nonces, jkt) = bound_callback(bound(), DpopNonces::default(), answers);
            assert_eq!(error, None);
            assert_eq!(
                steps[1..3],
                [
                    "sign proof POST https://op.example/token nonce=- by the bound key",
                    "post https://op.example/token grant_type=authorization_code with proof proof-1",
                ]
            );
            assert_eq!(steps.last().unwrap(), "done");
            assert_eq!(nonces.unwrap().for_url("https://op.example/token"), Some("n-2"), "the answer's nonce is kept");
            assert_eq!(jkt, bound(), "the session will say its tokens are bound, and to which key");
        }

        #[test]
        fn the_providers_nonce_costs_one_retry_with_the_same_form_and_a_new_proof() {
            let mut answers =
                vec![dpop_metadata(), proof("proof-1"), use_nonce("n-1"), proof("proof-2"), dpop_tokens()];
            answers.extend(checked());
            let (steps, error, _, _) = bound_callback(bound(), DpopNonces::default(), answers);
            assert_eq!(error, None);
            assert_eq!(
                steps[1..5],
                [
                    "sign proof POST https://op.example/token nonce=- by the bound key",
                    "post https://op.example/token grant_type=authorization_code with proof proof-1",
                    "sign proof POST https://op.example/token nonce=n-1 by the bound key",
                    "post https://op.example/token grant_type=authorization_code with proof proof-2",
                ]
            );
        }

        #[test]
        fn a_second_nonce_demand_ends_the_flow_instead_of_a_loop() {
            let answers = vec![dpop_metadata(), proof("p-1"), use_nonce("n-1"), proof("p-2"), use_nonce("n-2")];
            let (steps, error, nonces, _) = bound_callback(bound(), DpopNonces::default(), answers);
            assert_eq!(steps.len(), 5, "two requests, no third: {steps:?}");
            assert_eq!(error.unwrap().code(), "unknown_provider_error");
            assert_eq!(nonces.unwrap().for_url("https://op.example/token"), Some("n-2"), "the last nonce is kept");
        }

        #[test]
        fn a_remembered_nonce_goes_in_the_first_proof() {
            let mut nonces = DpopNonces::default();
            nonces.take("https://op.example/anything", Some("n-0"));
            let mut answers = vec![dpop_metadata(), proof("p-1"), dpop_tokens()];
            answers.extend(checked());
            let (steps, _, _, _) = bound_callback(bound(), nonces, answers);
            assert_eq!(steps[1], "sign proof POST https://op.example/token nonce=n-0 by the bound key");
        }

        #[test]
        fn a_bound_grant_is_proved_by_its_own_key_or_not_sent() {
            // The code is bound to another key than the store's (replaced by another tab's sign-in): the
            // proof the flow asks for cannot be made, so no token request goes out.
            let config = config();
            let mut transaction = transaction();
            transaction.dpop_jkt = Some("another-thumbprint".into());
            let grant = Grant::Code { response: callback(&transaction.state), transaction };
            let mut flow = TokenFlow::new(&config, grant).with_dpop(DpopNonces::default());
            flow.next(Input::Start, NOW).unwrap();
            let Ok(Step::SignDpopProof(request)) = flow.next(dpop_metadata(), NOW) else { panic!("a proof first") };
            assert_eq!(request.jkt.as_deref(), Some("another-thumbprint"));
            let error = crate::protocol::dpop::proof_signing_input(&key(), &request, NOW, &[1; 32]).unwrap_err();
            assert_eq!((error.code(), error.requires_interaction()), ("dpop_key_gone", true));
        }

        #[test]
        fn an_unbound_code_is_exchanged_without_a_proof_for_bearer_tokens() {
            let mut answers = vec![dpop_metadata(), tokens("r1")];
            answers.extend(checked());
            let (steps, error, _, jkt) = bound_callback(None, DpopNonces::default(), answers);
            assert_eq!(error, None);
            assert_eq!(steps[1], "post https://op.example/token grant_type=authorization_code", "no proof");
            assert_eq!(jkt, None, "a bearer session");
        }

        #[test]
        fn a_dpop_token_is_taken_only_from_a_bound_request() {
            let answers = vec![dpop_metadata(), dpop_tokens()];
            let (_, error, _, _) = bound_callback(None, DpopNonces::default(), answers);
            assert_eq!(error.unwrap().code(), ProtocolError::UnsupportedTokenType(String::new()).code());
        }

        /// A refresh of alice's session, signed in with tokens bound to `jkt` (`None`: bearer tokens).
        fn refresh(jkt: Option<String>, answers: Vec<Input>) -> Outcome {
            let mut signed_in = vec![dpop_metadata(), tokens("r1")];
            signed_in.extend(checked());
            let mut set = sign_in_callback(signed_in).2.unwrap();
            set.dpop_jkt = jkt;
            let session = after_sign_in(None, set).unwrap();
            let config = config();
            let (refresh_token, scopes) = (session.refresh_token().unwrap(), Scopes::parse("api:read").unwrap());
            let grant = Grant::Refresh { session: &session, refresh_token, scopes: &scopes };
            outcome(TokenFlow::new(&config, grant).with_dpop(DpopNonces::default()), answers)
        }

        #[test]
        fn a_bound_session_refreshes_with_a_proof_and_a_bearer_session_without() {
            let mut answers = vec![dpop_metadata(), proof("p-1"), dpop_tokens()];
            answers.extend(checked());
            let (steps, error, _, jkt) = refresh(bound(), answers);
            assert_eq!(error, None);
            assert_eq!(steps[2], "post https://op.example/token grant_type=refresh_token with proof p-1");
            assert_eq!(jkt, bound(), "still bound");
            // DPoP turned on after this session signed in: its bearer refresh token goes as it is.
            let mut answers = vec![dpop_metadata(), tokens("r1")];
            answers.extend(checked());
            let (steps, error, _, jkt) = refresh(None, answers);
            assert_eq!(error, None);
            assert_eq!(steps[1], "post https://op.example/token grant_type=refresh_token", "no proof");
            assert_eq!(jkt, None);
        }
    }
}
