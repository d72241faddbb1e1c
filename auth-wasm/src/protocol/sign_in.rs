//! Starting an interactive sign-in (or token request), as a state machine: the transaction store must
//! work → the provider's metadata → a new transaction (its request pushed to the provider, where it
//! takes pushed requests, with the `dpop` feature: see `par.rs`), remembered → the browser leaves for
//! the authorize endpoint.

use std::sync::Arc;

use super::{
    authorize_url, resolve_app_url, safe_return_url, AuthError, ClientConfig, InteractiveAuthenticationRequest,
    LoginTransaction, ProtocolError, ProviderMetadata, RequestKind,
};

/// What a sign-in needs next; the driver performs it and answers with the [`SignInInput`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInStep<'a> {
    /// Remove transactions older than their lifetime; fails where the browser refuses sessionStorage (a
    /// transaction kept in memory would be lost at the redirect). Answered with [`SignInInput::Done`].
    PruneTransactions,
    /// The provider's metadata; answered with [`SignInInput::Metadata`].
    GetMetadata,
    /// Push the authorization request: `POST endpoint` with `form`; answered with
    /// [`SignInInput::Pushed`].
    #[cfg(feature = "dpop")]
    PushAuthorizationRequest {
        /// The provider's pushed authorization request endpoint.
        endpoint: String,
        /// The request's parameters.
        form: String,
    },
    /// The DPoP key the authorization request names, loaded or made as asked; answered with
    /// [`SignInInput::DpopKey`].
    #[cfg(feature = "dpop")]
    DpopKey(super::dpop::KeyRequest),
    /// Remember `transaction` until the callback; answered with [`SignInInput::Done`].
    SaveTransaction(&'a LoginTransaction),
    /// Send the browser to `url`; answered with [`SignInInput::Done`].
    Leave {
        /// The authorize URL.
        url: String,
    },
    /// The sign-in is over (the browser is on its way, or it failed).
    Finished(Result<(), AuthError>),
}

/// The answer to the last [`SignInStep`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SignInInput {
    /// No step yet.
    Start,
    /// The step is done, or why not.
    Done(Result<(), AuthError>),
    /// The provider's metadata.
    Metadata(Result<Arc<ProviderMetadata>, AuthError>),
    /// The provider's answer to the pushed authorization request.
    #[cfg(feature = "dpop")]
    Pushed(Result<super::flow::HttpResponse, AuthError>),
    /// The key's public half (`None`: the store has none, or cannot be read).
    #[cfg(feature = "dpop")]
    DpopKey(Result<Option<super::dpop::DpopPublicKey>, AuthError>),
}

#[derive(Debug)]
enum Phase {
    Start,
    Pruning,
    GettingMetadata,
    #[cfg(feature = "dpop")]
    Pushing(Arc<ProviderMetadata>),
    #[cfg(feature = "dpop")]
    Keying(Arc<ProviderMetadata>, super::dpop::KeyRequest),
    Saving(String),
    Leaving,
    Finished,
}

/// An interactive sign-in for a request; see the module's documentation.
#[derive(Debug)]
pub struct SignIn<'a> {
    config: &'a ClientConfig,
    request: &'a InteractiveAuthenticationRequest,
    /// The app's origin: the redirect URI is resolved against it, and the return URL must be on it.
    origin: &'a str,
    random: [[u8; 32]; 3],
    phase: Phase,
    transaction: Option<LoginTransaction>,
    /// The thumbprint of the key the signed-in session's tokens are bound to.
    #[cfg(feature = "dpop")]
    session_jkt: Option<String>,
}

impl<'a> SignIn<'a> {
    /// A sign-in for `request` by the client `config` of the app at `origin`; `random` makes its
    /// transaction.
    pub fn new(
        config: &'a ClientConfig,
        request: &'a InteractiveAuthenticationRequest,
        origin: &'a str,
        random: [[u8; 32]; 3],
    ) -> Self {
        Self {
            config,
            request,
            origin,
            random,
            phase: Phase::Start,
            transaction: None,
            #[cfg(feature = "dpop")]
            session_jkt: None,
        }
    }

    /// The same, while a session whose tokens are bound to the key of thumbprint `jkt` is signed in: a
    /// sign-in of the same user keeps that key.
    #[cfg(feature = "dpop")]
    pub fn with_session_key(mut self, jkt: Option<&str>) -> Self {
        self.session_jkt = jkt.map(str::to_owned);
        self
    }

    /// The next step, after `input` (the answer to the last one) at `now`.
    pub fn next(&mut self, input: SignInInput, now: i64) -> SignInStep<'_> {
        match (std::mem::replace(&mut self.phase, Phase::Finished), input) {
            (Phase::Start, _) if self.request.kind == RequestKind::Logout => SignInStep::Finished(Err(
                ProtocolError::InvalidRequest("a logout request goes to sign_out".into()).into(),
            )),
            (Phase::Start, _) => {
                self.phase = Phase::Pruning;
                SignInStep::PruneTransactions
            }
            (Phase::Pruning, SignInInput::Done(Ok(()))) => {
                self.phase = Phase::GettingMetadata;
                SignInStep::GetMetadata
            }
            #[cfg(feature = "dpop")]
            (Phase::GettingMetadata, SignInInput::Metadata(Ok(metadata))) => {
                match self.config.dpop.binds(metadata.dpop_signing_alg_values_supported.as_deref()) {
                    Ok(true) => {
                        let switching = self.request.prompt == Some(super::Prompt::SelectAccount);
                        let asked = super::dpop::KeyRequest::first(self.session_jkt.as_deref(), switching);
                        self.phase = Phase::Keying(metadata, asked);
                        SignInStep::DpopKey(asked)
                    }
                    Ok(false) => self.authorize(metadata, None, now),
                    Err(error) => SignInStep::Finished(Err(error.into())),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::Keying(metadata, asked), SignInInput::DpopKey(Ok(key))) => {
                match asked.named(self.session_jkt.as_deref(), key.as_ref()) {
                    Ok(Some(jkt)) => self.authorize(metadata, Some(jkt), now),
                    Ok(None) => {
                        let create = super::dpop::KeyRequest::Create;
                        self.phase = Phase::Keying(metadata, create);
                        SignInStep::DpopKey(create)
                    }
                    Err(error) => SignInStep::Finished(Err(error.into())),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::Keying(..), SignInInput::DpopKey(Err(error))) => SignInStep::Finished(Err(error)),
            #[cfg(not(feature = "dpop"))]
            (Phase::GettingMetadata, SignInInput::Metadata(Ok(metadata))) => self.authorize(metadata, None, now),
            #[cfg(feature = "dpop")]
            (Phase::Pushing(metadata), SignInInput::Pushed(Ok(response))) => {
                match super::par::authorize_url_after_push(&metadata, &self.config.client_id, &response) {
                    Ok(url) => {
                        self.phase = Phase::Saving(url);
                        match &self.transaction {
                            Some(transaction) => SignInStep::SaveTransaction(transaction),
                            None => SignInStep::Finished(Err(ProtocolError::MissingParameter("state").into())),
                        }
                    }
                    Err(error) => SignInStep::Finished(Err(error.into())),
                }
            }
            #[cfg(feature = "dpop")]
            (_, SignInInput::Pushed(Err(error))) => SignInStep::Finished(Err(error)),
            (Phase::Saving(url), SignInInput::Done(Ok(()))) => {
                self.phase = Phase::Leaving;
                SignInStep::Leave { url }
            }
            (Phase::Leaving, SignInInput::Done(Ok(()))) => SignInStep::Finished(Ok(())),
            (_, SignInInput::Done(Err(error)) | SignInInput::Metadata(Err(error))) => SignInStep::Finished(Err(error)),
            // A driver that answers another step than the one asked: a bug of the driver, not a panic.
            _ => SignInStep::Finished(Err(AuthError::Browser("a sign-in step got the answer to another step".into()))),
        }
    }

    /// The transaction of this sign-in (its code bound to the key of thumbprint `dpop_jkt`, if any),
    /// remembered, or its request pushed first.
    fn authorize(&mut self, metadata: Arc<ProviderMetadata>, dpop_jkt: Option<String>, now: i64) -> SignInStep<'_> {
        let redirect_uri = resolve_app_url(self.origin, &self.config.redirect_uri);
        let request = self.request;
        match authorize_request(self.config, request, self.origin, &redirect_uri, &metadata, now, self.random, dpop_jkt)
        {
            Ok((transaction, Authorize::Url(url))) => {
                self.phase = Phase::Saving(url);
                SignInStep::SaveTransaction(self.transaction.insert(transaction))
            }
            #[cfg(feature = "dpop")]
            Ok((transaction, Authorize::Push(pushed))) => {
                self.transaction = Some(transaction);
                self.phase = Phase::Pushing(metadata);
                SignInStep::PushAuthorizationRequest { endpoint: pushed.endpoint, form: pushed.form }
            }
            Err(error) => SignInStep::Finished(Err(error)),
        }
    }
}

/// How the authorization request reaches the provider.
pub(crate) enum Authorize {
    /// In the authorize URL.
    Url(String),
    /// Pushed first (RFC 9126).
    #[cfg(feature = "dpop")]
    Push(super::par::PushedRequest),
}

/// The transaction of an interactive sign-in for `request` that returns to `redirect_uri`, and how its
/// authorization request reaches the provider (a redirect's, or a popup's). The return URL must be a path
/// of this app; anything else returns to the app root. `dpop_jkt`: the thumbprint of the DPoP key the
/// code is to be bound to (always `None` without the `dpop` feature).
#[allow(clippy::too_many_arguments)]
pub(crate) fn authorize_request(
    config: &ClientConfig,
    request: &InteractiveAuthenticationRequest,
    origin: &str,
    redirect_uri: &str,
    metadata: &ProviderMetadata,
    now: i64,
    random: [[u8; 32]; 3],
    dpop_jkt: Option<String>,
) -> Result<(LoginTransaction, Authorize), AuthError> {
    let return_url = safe_return_url(&request.return_url, origin);
    let scopes = config.scopes.union(&request.scopes).for_sign_in();
    #[cfg_attr(not(feature = "dpop"), allow(unused_mut))]
    let mut transaction =
        LoginTransaction::begin(redirect_uri, scopes, &return_url, now, random).with_max_age(request.max_age);
    #[cfg(feature = "dpop")]
    {
        transaction.dpop_jkt = dpop_jkt;
    }
    #[cfg(not(feature = "dpop"))]
    let _ = dpop_jkt;
    let params = config.with_configured_parameters(request.authorize_parameters()?);
    #[cfg(feature = "dpop")]
    if let Some(pushed) = super::par::pushed_request(config, metadata, &transaction, &params)? {
        return Ok((transaction, Authorize::Push(pushed)));
    }
    let url = authorize_url(metadata, &config.client_id, &transaction, &params)?;
    Ok((transaction, Authorize::Url(url)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;

    fn steps(request: &InteractiveAuthenticationRequest, answers: Vec<SignInInput>) -> Vec<String> {
        steps_of(&ClientConfig::new("https://op.example", "spa"), request, answers)
    }

    fn steps_of(
        config: &ClientConfig,
        request: &InteractiveAuthenticationRequest,
        answers: Vec<SignInInput>,
    ) -> Vec<String> {
        run_steps(SignIn::new(config, request, "https://app.example", [[1; 32]; 3]), answers)
    }

    /// The steps `flow` says with `answers`, one line each, up to the one that finishes it.
    fn run_steps(mut flow: SignIn<'_>, answers: Vec<SignInInput>) -> Vec<String> {
        let mut steps = Vec::new();
        for answer in answers {
            let step = flow.next(answer, 1_000);
            let name = match &step {
                SignInStep::PruneTransactions => "prune transactions".to_owned(),
                SignInStep::GetMetadata => "get metadata".to_owned(),
                #[cfg(feature = "dpop")]
                SignInStep::SaveTransaction(t) if t.dpop_jkt.is_some() => {
                    format!("save transaction returning to {} bound to {}", t.return_url, t.dpop_jkt.as_ref().unwrap())
                }
                SignInStep::SaveTransaction(t) => format!("save transaction returning to {}", t.return_url),
                #[cfg(feature = "dpop")]
                SignInStep::DpopKey(asked) => format!("{asked:?} the DPoP key"),
                SignInStep::Leave { url } => {
                    let names: Vec<String> = crate::protocol::form::parse(crate::protocol::query_of(url))
                        .into_iter()
                        .map(|(name, _)| name)
                        .collect();
                    format!("leave for {} with {}", url.split('?').next().unwrap(), names.join(" "))
                }
                #[cfg(feature = "dpop")]
                SignInStep::PushAuthorizationRequest { endpoint, form } => {
                    format!("push {} to {endpoint}", if form.contains("code_challenge=") { "the request" } else { "?" })
                }
                SignInStep::Finished(Ok(())) => "finished".to_owned(),
                SignInStep::Finished(Err(error)) => format!("error: {}", error.code()),
            };
            steps.push(name);
            if matches!(step, SignInStep::Finished(_)) {
                break;
            }
        }
        steps
    }

    fn ok() -> SignInInput {
        SignInInput::Done(Ok(()))
    }

    #[test]
    fn the_transaction_is_saved_before_the_browser_leaves() {
        let request = InteractiveAuthenticationRequest::login("/orders");
        let answers = vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(Arc::new(metadata()))), ok(), ok()];
        assert_eq!(
            steps(&request, answers),
            [
                "prune transactions",
                "get metadata",
                "save transaction returning to /orders",
                "leave for https://op.example/auth with response_type client_id redirect_uri scope state nonce \
                 code_challenge code_challenge_method",
                "finished"
            ]
        );
    }

    #[test]
    fn refused_storage_ends_the_sign_in_before_the_provider_is_asked() {
        let request = InteractiveAuthenticationRequest::login("/");
        let refused = SignInInput::Done(Err(AuthError::Storage("blocked".into())));
        assert_eq!(steps(&request, vec![SignInInput::Start, refused]), ["prune transactions", "error: storage_error"]);
    }

    #[test]
    fn a_transaction_that_cannot_be_saved_does_not_leave() {
        let request = InteractiveAuthenticationRequest::login("/");
        let refused = SignInInput::Done(Err(AuthError::Storage("quota".into())));
        let answers = vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(Arc::new(metadata()))), refused];
        let steps = steps(&request, answers);
        assert_eq!(steps.last().unwrap(), "error: storage_error");
        assert!(!steps.iter().any(|s| s.starts_with("leave")));
    }

    #[test]
    fn a_return_url_on_another_origin_returns_to_the_app_root() {
        let request = InteractiveAuthenticationRequest::login("https://evil.example/steal");
        let answers = vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(Arc::new(metadata())))];
        assert_eq!(steps(&request, answers)[2], "save transaction returning to /");
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_pushed_request_leaves_with_the_client_id_and_request_uri_only() {
        let request = InteractiveAuthenticationRequest::login("/orders");
        let metadata = Arc::new(crate::protocol::par::tests::with_par(true));
        let pushed = SignInInput::Pushed(Ok(crate::protocol::flow::HttpResponse::new(
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#.into(),
        )));
        let answers = vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(metadata)), pushed, ok(), ok()];
        assert_eq!(
            steps(&request, answers),
            [
                "prune transactions",
                "get metadata",
                "push the request to https://op.example/par",
                "save transaction returning to /orders",
                "leave for https://op.example/auth with client_id request_uri",
                "finished"
            ]
        );
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_refused_push_ends_the_sign_in_with_the_providers_error_and_saves_nothing() {
        let request = InteractiveAuthenticationRequest::login("/");
        let metadata = Arc::new(crate::protocol::par::tests::with_par(false));
        let refused = SignInInput::Pushed(Ok(crate::protocol::flow::HttpResponse::new(
            400,
            r#"{"error":"invalid_request","error_description":"unknown parameter"}"#.into(),
        )));
        let answers = vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(metadata)), refused];
        assert_eq!(
            steps(&request, answers),
            [
                "prune transactions",
                "get metadata",
                "push the request to https://op.example/par",
                "error: provider_error"
            ]
        );
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn pushing_turned_off_sends_the_request_in_the_url_unless_the_provider_requires_pushing() {
        let request = InteractiveAuthenticationRequest::login("/");
        let mut config = ClientConfig::new("https://op.example", "spa");
        config.pushed_authorization_requests = false;
        let with = |required| {
            let metadata = Arc::new(crate::protocol::par::tests::with_par(required));
            steps_of(&config, &request, vec![SignInInput::Start, ok(), SignInInput::Metadata(Ok(metadata))])[2].clone()
        };
        assert_eq!(with(false), "save transaction returning to /");
        assert_eq!(with(true), "push the request to https://op.example/par");
    }

    #[test]
    fn a_logout_request_is_not_a_sign_in() {
        let request = InteractiveAuthenticationRequest::logout("/");
        assert_eq!(steps(&request, vec![SignInInput::Start]), ["error: invalid_request"]);
    }

    #[cfg(feature = "dpop")]
    mod dpop {
        use super::*;
        use crate::protocol::dpop::tests::key;
        use crate::protocol::dpop::DpopMode;
        use crate::protocol::Prompt;

        fn config(mode: DpopMode) -> ClientConfig {
            let mut config = ClientConfig::new("https://op.example", "spa");
            config.dpop = mode;
            config
        }

        fn metadata_with_dpop(supported: bool) -> SignInInput {
            let mut metadata = metadata();
            if supported {
                metadata.dpop_signing_alg_values_supported = Some(vec!["ES256".into()]);
            }
            SignInInput::Metadata(Ok(Arc::new(metadata)))
        }

        fn stored(key: Option<crate::protocol::dpop::DpopPublicKey>) -> SignInInput {
            SignInInput::DpopKey(Ok(key))
        }

        /// A sign-in for `request` while a session bound to `session_jkt` (if any) is signed in.
        fn sign_in(
            config: &ClientConfig,
            request: &InteractiveAuthenticationRequest,
            session_jkt: Option<&str>,
            answers: Vec<SignInInput>,
        ) -> Vec<String> {
            let flow = SignIn::new(config, request, "https://app.example", [[1; 32]; 3]).with_session_key(session_jkt);
            let mut all = vec![SignInInput::Start, ok()];
            all.extend(answers);
            run_steps(flow, all)
        }

        #[test]
        fn a_bound_sign_in_makes_a_key_and_names_it_in_the_authorize_request() {
            let (config, request) = (config(DpopMode::IfSupported), InteractiveAuthenticationRequest::login("/"));
            let steps =
                sign_in(&config, &request, None, vec![metadata_with_dpop(true), stored(Some(key())), ok(), ok()]);
            let jkt = key().thumbprint();
            assert_eq!(
                steps[2..],
                [
                    "Create the DPoP key".to_owned(),
                    format!("save transaction returning to / bound to {jkt}"),
                    "leave for https://op.example/auth with response_type client_id redirect_uri scope state nonce \
                     code_challenge code_challenge_method dpop_jkt"
                        .to_owned(),
                    "finished".to_owned(),
                ]
            );
        }

        #[test]
        fn the_same_users_sign_in_keeps_the_sessions_key_and_another_account_gets_a_new_one() {
            let (config, login) = (config(DpopMode::Required), InteractiveAuthenticationRequest::login("/"));
            let jkt = key().thumbprint();
            let kept = sign_in(&config, &login, Some(&jkt), vec![metadata_with_dpop(true), stored(Some(key())), ok()]);
            assert_eq!(
                kept[2..4],
                ["Load the DPoP key".to_owned(), format!("save transaction returning to / bound to {jkt}")]
            );
            // The store lost the session's key (or holds another): a new one.
            for lost in [None, Some(key())] {
                let session_jkt = if lost.is_some() { "another-key" } else { jkt.as_str() };
                let answers = vec![metadata_with_dpop(true), stored(lost), stored(Some(key())), ok()];
                let steps = sign_in(&config, &login, Some(session_jkt), answers);
                assert_eq!(steps[2..4], ["Load the DPoP key", "Create the DPoP key"]);
            }
            // Picking an account may switch to another: never the session's key.
            let mut switch = InteractiveAuthenticationRequest::login("/");
            switch.prompt = Some(Prompt::SelectAccount);
            let steps =
                sign_in(&config, &switch, Some(&jkt), vec![metadata_with_dpop(true), stored(Some(key())), ok()]);
            assert_eq!(steps[2], "Create the DPoP key");
        }

        #[test]
        fn a_provider_without_dpop_is_a_clear_error_when_required_and_bearer_tokens_if_supported() {
            let request = InteractiveAuthenticationRequest::login("/");
            let steps = sign_in(&config(DpopMode::Required), &request, None, vec![metadata_with_dpop(false)]);
            assert_eq!(steps[2..], ["error: invalid_config"], "no key, and the browser does not leave");
            let steps = sign_in(&config(DpopMode::IfSupported), &request, None, vec![metadata_with_dpop(false), ok()]);
            assert_eq!(steps[2], "save transaction returning to /", "bound to no key");
            let steps = sign_in(&config(DpopMode::Off), &request, None, vec![metadata_with_dpop(true), ok()]);
            assert_eq!(steps[2], "save transaction returning to /", "DPoP off");
        }

        #[test]
        fn an_apps_extra_parameter_cannot_name_the_key_the_code_is_bound_to() {
            let mut request = InteractiveAuthenticationRequest::login("/");
            request.extra.set("dpop_jkt", "another-key");
            let answers = vec![metadata_with_dpop(true), stored(Some(key())), ok(), ok()];
            let steps = sign_in(&config(DpopMode::Required), &request, None, answers);
            assert_eq!(steps.last().unwrap(), "error: invalid_request");
            assert!(!steps.iter().any(|step| step.starts_with("save") || step.starts_with("leave")), "{steps:?}");
        }

        #[test]
        fn a_key_that_cannot_be_made_ends_the_sign_in() {
            let request = InteractiveAuthenticationRequest::login("/");
            let refused = SignInInput::DpopKey(Err(AuthError::Browser("IndexedDB refused".into())));
            let steps = sign_in(&config(DpopMode::Required), &request, None, vec![metadata_with_dpop(true), refused]);
            assert_eq!(steps[2..], ["Create the DPoP key", "error: browser_error"]);
        }
    }
}
