//! Signing out, as a state machine, in this order: revoke the refresh token (where the provider can) →
//! forget the session in every tab → end the provider's session (or stay, where it has no end-session
//! endpoint). Revoking first uses the token while it is still ours to send; forgetting before leaving
//! means that no tab holds a token once the browser is at the provider, whatever happens there.

use std::rc::Rc;
use std::sync::Arc;

use super::{
    end_session_url, resolve_app_url, revocation_request_body, safe_return_url, AuthError, ClientConfig,
    InteractiveAuthenticationRequest, LogoutTransaction, ProviderMetadata, Session,
};

/// Where an interactive request (a sign-in, or a sign-out) left the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestOutcome {
    /// The browser is on its way to the provider (its sign-in page, or its end-session endpoint).
    RedirectingToProvider,
    /// The provider has no end-session endpoint: the local session is gone, the provider's stays, and
    /// the app is on the request's return URL.
    SignedOutLocally,
}

/// What a sign-out needs next; the driver performs it and answers with the [`SignOutInput`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum SignOutStep<'a> {
    /// The provider's metadata; answered with [`SignOutInput::Metadata`].
    GetMetadata,
    /// `POST url` with the revocation form `body` (RFC 7009); answered with [`SignOutInput::Done`]. A
    /// courtesy: the sign-out goes on whatever the answer.
    Revoke {
        /// The revocation endpoint.
        url: String,
        /// The form, with the refresh token.
        body: String,
    },
    /// Delete the DPoP key, for every tab (before the session is forgotten, so that no tab signs with
    /// it after hearing of the sign-out); answered with [`SignOutInput::Done`].
    #[cfg(feature = "dpop")]
    DeleteDpopKey,
    /// Forget the session in every tab; answered with [`SignOutInput::Done`].
    Forget,
    /// Remember `transaction` until the provider sends the browser back; answered with
    /// [`SignOutInput::Done`].
    SaveTransaction(&'a LogoutTransaction),
    /// Send the browser to `url`; answered with [`SignOutInput::Done`].
    Leave {
        /// The end-session URL.
        url: String,
    },
    /// Show `url` of the app in the address bar; answered with [`SignOutInput::Done`].
    StayAt {
        /// The request's return URL.
        url: String,
    },
    /// The sign-out is over.
    Finished(Result<RequestOutcome, AuthError>),
}

/// The answer to the last [`SignOutStep`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SignOutInput {
    /// No step yet.
    Start,
    /// The step is done, or why not.
    Done(Result<(), AuthError>),
    /// The provider's metadata.
    Metadata(Result<Arc<ProviderMetadata>, AuthError>),
}

#[derive(Debug)]
enum Phase {
    Start,
    GettingMetadata,
    Revoking,
    #[cfg(feature = "dpop")]
    DeletingKey,
    Forgetting,
    Saving(String),
    Leaving(RequestOutcome),
    Finished,
}

/// A sign-out; see the module's documentation.
#[derive(Debug)]
pub struct SignOut<'a> {
    config: &'a ClientConfig,
    /// The session signed out (its refresh token is revoked, its ID token is the end-session hint).
    session: Option<Rc<Session>>,
    /// The request's return URL, on the app's origin.
    return_url: String,
    post_logout_redirect_uri: String,
    random: [u8; 32],
    phase: Phase,
    metadata: Option<Result<Arc<ProviderMetadata>, AuthError>>,
    transaction: Option<LogoutTransaction>,
}

impl<'a> SignOut<'a> {
    /// A sign-out of `session` for `request` by the client `config` of the app at `origin`; `random`
    /// makes its transaction.
    pub fn new(
        config: &'a ClientConfig,
        session: Option<Rc<Session>>,
        request: &InteractiveAuthenticationRequest,
        origin: &str,
        random: [u8; 32],
    ) -> Self {
        Self {
            config,
            session,
            return_url: safe_return_url(&request.return_url, origin),
            post_logout_redirect_uri: resolve_app_url(origin, &config.post_logout_redirect_uri),
            random,
            phase: Phase::Start,
            metadata: None,
            transaction: None,
        }
    }

    /// The next step, after `input` (the answer to the last one) at `now`.
    pub fn next(&mut self, input: SignOutInput, now: i64) -> SignOutStep<'_> {
        match (std::mem::replace(&mut self.phase, Phase::Finished), input) {
            (Phase::Start, _) => {
                self.phase = Phase::GettingMetadata;
                SignOutStep::GetMetadata
            }
            (Phase::GettingMetadata, SignOutInput::Metadata(metadata)) => {
                let revocation = self.revocation(metadata.as_deref().ok());
                self.metadata = Some(metadata);
                match revocation {
                    Some((url, body)) => {
                        self.phase = Phase::Revoking;
                        SignOutStep::Revoke { url, body }
                    }
                    None => self.forget(),
                }
            }
            // Whatever the provider answered: the tokens go anyway.
            (Phase::Revoking, SignOutInput::Done(_)) => self.forget(),
            // A key that could not be deleted binds no token once the session is forgotten.
            #[cfg(feature = "dpop")]
            (Phase::DeletingKey, SignOutInput::Done(_)) => {
                self.phase = Phase::Forgetting;
                SignOutStep::Forget
            }
            (Phase::Forgetting, SignOutInput::Done(Ok(()))) => self.end_provider_session(now),
            (Phase::Saving(url), SignOutInput::Done(Ok(()))) => {
                self.phase = Phase::Leaving(RequestOutcome::RedirectingToProvider);
                SignOutStep::Leave { url }
            }
            (Phase::Leaving(outcome), SignOutInput::Done(Ok(()))) => SignOutStep::Finished(Ok(outcome)),
            (_, SignOutInput::Done(Err(error)) | SignOutInput::Metadata(Err(error))) => {
                SignOutStep::Finished(Err(error))
            }
            // A driver that answers another step than the one asked: a bug of the driver, not a panic.
            _ => {
                SignOutStep::Finished(Err(AuthError::Browser("a sign-out step got the answer to another step".into())))
            }
        }
    }

    /// The revocation request (endpoint, form): where the provider has a revocation endpoint and the
    /// session a refresh token.
    fn revocation(&self, metadata: Option<&ProviderMetadata>) -> Option<(String, String)> {
        let endpoint = metadata?.revocation_endpoint.as_ref()?;
        let body = revocation_request_body(&self.config.client_id, self.session.as_ref()?.refresh_token()?);
        Some((endpoint.clone(), body))
    }

    fn forget(&mut self) -> SignOutStep<'_> {
        // The key goes first where DPoP is on, or the session's tokens are bound to it.
        #[cfg(feature = "dpop")]
        if self.config.dpop != super::DpopMode::Off || self.session.as_deref().and_then(Session::dpop_jkt).is_some() {
            self.phase = Phase::DeletingKey;
            return SignOutStep::DeleteDpopKey;
        }
        self.phase = Phase::Forgetting;
        SignOutStep::Forget
    }

    /// Once the tokens are gone: the provider's end-session endpoint, or the return URL where it has none.
    fn end_provider_session(&mut self, now: i64) -> SignOutStep<'_> {
        let metadata = match self.metadata.take() {
            Some(Ok(metadata)) => metadata,
            Some(Err(error)) => return SignOutStep::Finished(Err(error)),
            None => return SignOutStep::Finished(Err(AuthError::Browser("no metadata".into()))),
        };
        let transaction = LogoutTransaction::begin(&self.return_url, now, self.random);
        let id_token_hint = self.session.as_ref().map(|s| &s.id_token);
        let ends = end_session_url(
            &metadata,
            &self.config.client_id,
            id_token_hint,
            &self.post_logout_redirect_uri,
            &transaction,
        );
        match ends {
            Some(url) => {
                self.phase = Phase::Saving(url);
                SignOutStep::SaveTransaction(self.transaction.insert(transaction))
            }
            None => {
                self.phase = Phase::Leaving(RequestOutcome::SignedOutLocally);
                SignOutStep::StayAt { url: self.return_url.clone() }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::{document, metadata};
    use crate::protocol::session::tests::alice;

    fn steps(metadata: Result<ProviderMetadata, AuthError>, answers: Vec<SignOutInput>) -> Vec<String> {
        steps_of(&ClientConfig::new("https://op.example", "spa"), metadata, answers)
    }

    fn steps_of(
        config: &ClientConfig,
        metadata: Result<ProviderMetadata, AuthError>,
        answers: Vec<SignOutInput>,
    ) -> Vec<String> {
        let config = config.clone();
        let request = InteractiveAuthenticationRequest::logout("/bye");
        let mut flow = SignOut::new(&config, Some(Rc::new(alice())), &request, "https://app.example", [2; 32]);
        let mut answers = answers.into_iter();
        let mut input = SignOutInput::Start;
        let mut steps = Vec::new();
        let mut metadata = Some(metadata.map(Arc::new));
        loop {
            let step = flow.next(input, 1_000);
            steps.push(match &step {
                SignOutStep::GetMetadata => "get metadata".to_owned(),
                SignOutStep::Revoke { url, body } => {
                    format!("revoke at {url}{}", if body.contains("rt-1") { " with the refresh token" } else { "" })
                }
                SignOutStep::Forget => "forget the session in every tab".to_owned(),
                #[cfg(feature = "dpop")]
                SignOutStep::DeleteDpopKey => "delete the DPoP key".to_owned(),
                SignOutStep::SaveTransaction(t) => format!("save transaction returning to {}", t.return_url),
                SignOutStep::Leave { url } => format!("leave for {}", url.split('?').next().unwrap()),
                SignOutStep::StayAt { url } => format!("stay at {url}"),
                SignOutStep::Finished(outcome) => format!("finished: {outcome:?}"),
            });
            input = match step {
                SignOutStep::Finished(_) => return steps,
                SignOutStep::GetMetadata => SignOutInput::Metadata(metadata.take().unwrap()),
                _ => answers.next().unwrap_or(SignOutInput::Done(Ok(()))),
            };
        }
    }

    fn with(changes: serde_json::Value) -> ProviderMetadata {
        let mut document = document();
        for (name, value) in changes.as_object().unwrap() {
            document[name] = value.clone();
        }
        ProviderMetadata::from_json(&document.to_string(), &crate::protocol::JsonObject::new(), "https://op.example")
            .unwrap()
    }

    #[test]
    fn revoke_then_forget_then_end_the_providers_session() {
        let metadata = with(serde_json::json!({"revocation_endpoint": "https://op.example/revoke"}));
        assert_eq!(
            steps(Ok(metadata), vec![]),
            [
                "get metadata",
                "revoke at https://op.example/revoke with the refresh token",
                "forget the session in every tab",
                "save transaction returning to /bye",
                "leave for https://op.example/session/end",
                "finished: Ok(RedirectingToProvider)",
            ]
        );
    }

    #[test]
    fn the_configured_logout_url_and_parameter_names_are_used_where_discovery_has_none() {
        let config = ClientConfig::from_json(
            r#"{"authority":"https://op.example","client_id":"spa","metadata_overrides":{
                "end_session_endpoint":"https://op.example/v2/logout",
                "post_logout_redirect_uri_parameter":"returnTo","id_token_hint_parameter":""}}"#,
        )
        .unwrap();
        // The metadata as the driver has it: discovery's document (without an end-session endpoint), read
        // with the configuration's fields set over it.
        let mut published = document();
        published.as_object_mut().unwrap().remove("end_session_endpoint");
        let metadata =
            ProviderMetadata::from_json(&published.to_string(), &config.metadata_overrides, "https://op.example")
                .unwrap();
        let steps = steps_of(&config, Ok(metadata.clone()), vec![]);
        assert_eq!(steps[2..4], ["save transaction returning to /bye", "leave for https://op.example/v2/logout"]);

        let request = InteractiveAuthenticationRequest::logout("/bye");
        let mut flow = SignOut::new(&config, Some(Rc::new(alice())), &request, "https://app.example", [2; 32]);
        let mut input = SignOutInput::Start;
        let url = loop {
            input = match flow.next(input, 1_000) {
                SignOutStep::GetMetadata => SignOutInput::Metadata(Ok(Arc::new(metadata.clone()))),
                SignOutStep::Leave { url } => break url,
                SignOutStep::Finished(outcome) => panic!("finished without leaving: {outcome:?}"),
                _ => SignOutInput::Done(Ok(())),
            };
        };
        let names: Vec<String> =
            crate::protocol::form::parse(crate::protocol::query_of(&url)).into_iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["client_id", "returnTo", "state"], "no id_token_hint: {url}");
    }

    #[test]
    fn a_revocation_that_fails_does_not_keep_the_tokens() {
        let metadata = with(serde_json::json!({"revocation_endpoint": "https://op.example/revoke"}));
        let offline = AuthError::Network { url: "https://op.example/revoke".into(), message: "offline".into() };
        let steps = steps(Ok(metadata), vec![SignOutInput::Done(Err(offline))]);
        assert_eq!(steps[2], "forget the session in every tab");
    }

    #[test]
    fn no_end_session_endpoint_means_a_local_sign_out_on_the_return_url() {
        let metadata = with(serde_json::json!({"end_session_endpoint": null}));
        assert_eq!(
            steps(Ok(metadata), vec![]),
            ["get metadata", "forget the session in every tab", "stay at /bye", "finished: Ok(SignedOutLocally)"]
        );
    }

    #[test]
    fn without_the_providers_metadata_the_tokens_are_forgotten_all_the_same() {
        let offline = AuthError::Network { url: "https://op.example/.well-known".into(), message: "offline".into() };
        let steps = steps(Err(offline), vec![]);
        assert_eq!(steps[..2], ["get metadata", "forget the session in every tab"]);
        assert!(steps[2].starts_with("finished: Err(Network"), "{steps:?}");
    }

    #[test]
    fn a_session_that_cannot_be_forgotten_does_not_leave_for_the_provider() {
        let refused = SignOutInput::Done(Err(AuthError::Storage("blocked".into())));
        let steps = steps(Ok(metadata()), vec![refused]);
        assert!(steps.last().unwrap().starts_with("finished: Err(Storage"), "{steps:?}");
        assert!(!steps.iter().any(|s| s.starts_with("leave")));
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn with_dpop_on_the_key_is_deleted_before_any_tab_hears_of_the_sign_out() {
        let mut config = ClientConfig::new("https://op.example", "spa");
        config.dpop = crate::protocol::DpopMode::IfSupported;
        let failed = SignOutInput::Done(Err(AuthError::Browser("IndexedDB refused".into())));
        for answers in [vec![], vec![failed]] {
            let steps = steps_of(&config, Ok(metadata()), answers);
            assert_eq!(
                steps[..3],
                ["get metadata", "delete the DPoP key", "forget the session in every tab"],
                "a key that could not be deleted does not keep the tokens"
            );
        }
    }
}
