//! A sign-in (or token request) in a popup window, as a state machine: a popup already open is joined
//! → a blank window, opened at once (in the caller's click handler, before anything is awaited, so that
//! popup blockers allow it) → the provider's metadata → the authorization request pushed to the
//! provider, where it takes pushed requests (with the `dpop` feature; see `par.rs`) → the window sent
//! to the authorize URL → the provider's answer, handed over by the popup's landing page on a channel
//! named by the sign-in's `state` → the same code exchange and checks as a redirect callback's → the
//! session, committed in every tab.
//!
//! The call always ends, and says why:
//! - a window the browser refused is `popup_blocked`, and nothing else happens;
//! - the provider's error is the call's error, from the same checks as a redirect callback's;
//! - nothing back within the options' timeout is `popup_timeout`;
//! - a window that reads as closed after it was seen on the provider's page is `popup_closed` (after a
//!   short grace, for an answer the landing page sent as it closed). Under `Cross-Origin-Opener-Policy:
//!   same-origin` the app loses its handle on the window once it reaches the provider: the handle then
//!   reads as closed although the window is open, and is never seen on the provider's page. A close is
//!   unknown there, and the call ends on the answer or on the timeout.
//!
//! The popup never holds tokens: its landing page hands over the URL it landed on (a code and a state);
//! the page that opened it keeps the transaction in memory, checks the state and exchanges the code.

use std::sync::Arc;

use super::flow::Grant;
use super::popup_options::{PopupOptions, PopupWindow};
use super::sign_in::{authorize_request, Authorize};
use super::{
    after_sign_in, parse_authorization_response, resolve_app_url, Account, AuthError, AuthorizationResponse,
    ClientConfig, InteractiveAuthenticationRequest, LoginTransaction, ProtocolError, ProviderMetadata, RequestKind,
    Session, State, TabView, TokenSet,
};

/// How long an answer may take to arrive after the window closed: the landing page sends it, then
/// closes, and the close may be seen first.
pub const CLOSE_GRACE_MS: u32 = 500;

/// What a popup sign-in needs next; the driver performs it and answers with the [`PopupInput`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum PopupStep<'a> {
    /// Whether a popup of this page is open now; answered with [`PopupInput::Found`].
    FindOpen,
    /// Focus the open popup (where its handle still works) and wait for its outcome; answered with
    /// [`PopupInput::Joined`].
    JoinOpen,
    /// Open a blank window with this size and position, synchronously (in the caller's event handler,
    /// before any await); answered with [`PopupInput::Opened`].
    OpenWindow(PopupWindow),
    /// The provider's metadata; answered with [`PopupInput::Metadata`].
    GetMetadata,
    /// The DPoP key the authorization request names, loaded or made as asked; answered with
    /// [`PopupInput::DpopKey`].
    #[cfg(feature = "dpop")]
    DpopKey(super::dpop::KeyRequest),
    /// Push the authorization request: `POST endpoint` with `form`; answered with
    /// [`PopupInput::Pushed`].
    #[cfg(feature = "dpop")]
    PushAuthorizationRequest {
        /// The provider's pushed authorization request endpoint.
        endpoint: String,
        /// The request's parameters.
        form: String,
    },
    /// Send the window to `url`; answered with [`PopupInput::Done`].
    Navigate {
        /// The authorize URL.
        url: String,
    },
    /// Wait for the URL the popup lands on, sent on the channel of `state`, for at most `timeout_ms`;
    /// with `watch_closed`, also for the window to read as closed. Answered with [`PopupInput::Watched`].
    AwaitAnswer {
        /// The sign-in's state: the channel's name.
        state: &'a State,
        /// The longest wait.
        timeout_ms: u32,
        /// Whether a close ends the wait.
        watch_closed: bool,
    },
    /// Close the window, where the handle still can; answered with [`PopupInput::Done`].
    CloseWindow,
    /// Trade `grant` for checked tokens; answered with [`PopupInput::Tokens`].
    Exchange(Grant<'a>),
    /// Make `session` the session of every tab, as an interactive sign-in's; answered with
    /// [`PopupInput::Done`].
    Commit(Session),
    /// The popup sign-in is over: the account signed in, or why not.
    Finished(Result<Account, AuthError>),
}

/// The answer to the last [`PopupStep`].
#[derive(Debug)]
#[non_exhaustive]
pub enum PopupInput {
    /// No step yet.
    Start,
    /// Whether a popup is open.
    Found(bool),
    /// The outcome of the popup that was open.
    Joined(Result<Account, AuthError>),
    /// Whether the browser gave a window.
    Opened(bool),
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
    /// What ended the wait.
    Watched(Watched),
    /// The checked tokens.
    Tokens(Result<TokenSet, AuthError>),
}

/// What ended a wait for the popup's answer.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Watched {
    /// The URL the popup landed on.
    Answer(String),
    /// The window reads as closed. `seen_on_provider`: it was seen open on another origin first (the
    /// provider's), so the handle outlived the navigation and the close is the user's.
    Closed {
        /// Whether the window was seen open on the provider's page before.
        seen_on_provider: bool,
    },
    /// Nothing came in time.
    TimedOut,
}

#[derive(Debug)]
enum Phase {
    Start,
    Finding,
    Joining,
    Opening,
    GettingMetadata,
    #[cfg(feature = "dpop")]
    Pushing(Arc<ProviderMetadata>),
    #[cfg(feature = "dpop")]
    Keying(Arc<ProviderMetadata>, super::dpop::KeyRequest),
    Navigating,
    /// Waiting for the answer until `deadline` (seconds since the Unix epoch).
    Awaiting {
        deadline: i64,
    },
    /// The window was closed; waiting a moment for an answer sent as it closed.
    AfterClose,
    /// Closing the window, then exchanging the code of this response.
    ClosingThenExchange(AuthorizationResponse),
    /// Closing the window, then failing.
    ClosingThenFail(AuthError),
    Exchanging,
    Committing(Account),
    Finished,
}

/// A sign-in in a popup for a request; see the module's documentation. It owns its request, so that its
/// first steps run in the caller's event handler and the rest later; the client's configuration is given
/// with each step.
#[derive(Debug)]
pub struct PopupSignIn {
    request: InteractiveAuthenticationRequest,
    options: PopupOptions,
    /// The app's origin: the popup redirect URI is resolved against it.
    origin: String,
    random: [[u8; 32]; 3],
    phase: Phase,
    transaction: Option<LoginTransaction>,
}

impl PopupSignIn {
    /// A popup sign-in for `request` in the app at `origin`, made as `options` say; `random` makes its
    /// transaction.
    pub fn new(
        request: InteractiveAuthenticationRequest,
        options: PopupOptions,
        origin: String,
        random: [[u8; 32]; 3],
    ) -> Self {
        Self { request, options, origin, random, phase: Phase::Start, transaction: None }
    }

    /// The next step of the client `config`'s sign-in, after `input` (the answer to the last one), with
    /// what the tab knows now (`view`) at `now` (seconds since the Unix epoch).
    pub fn next(&mut self, config: &ClientConfig, input: PopupInput, view: &TabView, now: i64) -> PopupStep<'_> {
        match (std::mem::replace(&mut self.phase, Phase::Finished), input) {
            (Phase::Start, _) if self.request.kind == RequestKind::Logout => PopupStep::Finished(Err(
                ProtocolError::InvalidRequest("a logout request goes to sign_out".into()).into(),
            )),
            (Phase::Start, _) => {
                self.phase = Phase::Finding;
                PopupStep::FindOpen
            }
            // A second call while a popup is open: that popup's outcome is this call's too, rather than an
            // "in progress" failure.
            (Phase::Finding, PopupInput::Found(true)) => {
                self.phase = Phase::Joining;
                PopupStep::JoinOpen
            }
            (Phase::Joining, PopupInput::Joined(outcome)) => PopupStep::Finished(outcome),
            (Phase::Finding, PopupInput::Found(false)) => {
                self.phase = Phase::Opening;
                PopupStep::OpenWindow(self.options.window)
            }
            (Phase::Opening, PopupInput::Opened(true)) => {
                self.phase = Phase::GettingMetadata;
                PopupStep::GetMetadata
            }
            (Phase::Opening, PopupInput::Opened(false)) => PopupStep::Finished(Err(AuthError::PopupBlocked)),
            #[cfg(feature = "dpop")]
            (Phase::GettingMetadata, PopupInput::Metadata(Ok(metadata))) => {
                match config.dpop.binds(metadata.dpop_signing_alg_values_supported.as_deref()) {
                    Ok(true) => {
                        let switching = self.request.prompt == Some(super::Prompt::SelectAccount);
                        let session_jkt = view.session.as_deref().and_then(Session::dpop_jkt);
                        let asked = super::dpop::KeyRequest::first(session_jkt, switching);
                        self.phase = Phase::Keying(metadata, asked);
                        PopupStep::DpopKey(asked)
                    }
                    Ok(false) => self.authorize(config, metadata, None, now),
                    Err(error) => self.close_then_fail(error.into()),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::Keying(metadata, asked), PopupInput::DpopKey(Ok(key))) => {
                let session_jkt = view.session.as_deref().and_then(Session::dpop_jkt);
                match asked.named(session_jkt, key.as_ref()) {
                    Ok(Some(jkt)) => self.authorize(config, metadata, Some(jkt), now),
                    Ok(None) => {
                        let create = super::dpop::KeyRequest::Create;
                        self.phase = Phase::Keying(metadata, create);
                        PopupStep::DpopKey(create)
                    }
                    Err(error) => self.close_then_fail(error.into()),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::Keying(..), PopupInput::DpopKey(Err(error))) => self.close_then_fail(error),
            #[cfg(not(feature = "dpop"))]
            (Phase::GettingMetadata, PopupInput::Metadata(Ok(metadata))) => self.authorize(config, metadata, None, now),
            #[cfg(feature = "dpop")]
            (Phase::Pushing(metadata), PopupInput::Pushed(Ok(response))) => {
                match super::par::authorize_url_after_push(&metadata, &config.client_id, &response) {
                    Ok(url) => {
                        self.phase = Phase::Navigating;
                        PopupStep::Navigate { url }
                    }
                    Err(error) => self.close_then_fail(error.into()),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::Pushing(_), PopupInput::Pushed(Err(error))) => self.close_then_fail(error),
            (Phase::Navigating, PopupInput::Done(Ok(()))) => {
                let deadline = now.saturating_add(i64::from(self.options.timeout_secs));
                self.wait(deadline, true, now)
            }
            (Phase::Awaiting { .. } | Phase::AfterClose, PopupInput::Watched(Watched::Answer(url))) => {
                self.answered(&url)
            }
            // The user closed the window: the handle outlived the navigation to the provider.
            (Phase::Awaiting { .. }, PopupInput::Watched(Watched::Closed { seen_on_provider: true })) => {
                self.phase = Phase::AfterClose;
                PopupStep::AwaitAnswer { state: self.state(), timeout_ms: CLOSE_GRACE_MS, watch_closed: false }
            }
            // Closed, or only cut off from this page (COOP): unknown. The answer or the timeout ends it.
            (Phase::Awaiting { deadline, .. }, PopupInput::Watched(Watched::Closed { seen_on_provider: false })) => {
                self.wait(deadline, false, now)
            }
            (Phase::Awaiting { .. }, PopupInput::Watched(Watched::TimedOut)) => {
                self.close_then_fail(AuthError::PopupTimeout { seconds: self.options.timeout_secs })
            }
            (Phase::AfterClose, PopupInput::Watched(_)) => PopupStep::Finished(Err(AuthError::PopupClosed)),
            (Phase::ClosingThenExchange(response), PopupInput::Done(_)) => {
                let transaction = self.transaction.take().expect("a popup that was answered had its transaction");
                self.phase = Phase::Exchanging;
                PopupStep::Exchange(Grant::Code { response, transaction })
            }
            (Phase::ClosingThenFail(error), PopupInput::Done(_)) => PopupStep::Finished(Err(error)),
            (Phase::Exchanging, PopupInput::Tokens(Ok(set))) => match after_sign_in(view.session.as_deref(), set) {
                Ok(next) => {
                    self.phase = Phase::Committing(next.account.clone());
                    PopupStep::Commit(next)
                }
                Err(error) => PopupStep::Finished(Err(error.into())),
            },
            (Phase::Committing(account), PopupInput::Done(Ok(()))) => PopupStep::Finished(Ok(account)),
            (
                Phase::Exchanging | Phase::Committing(_),
                PopupInput::Tokens(Err(error)) | PopupInput::Done(Err(error)),
            ) => PopupStep::Finished(Err(error)),
            (
                Phase::GettingMetadata | Phase::Navigating,
                PopupInput::Metadata(Err(error)) | PopupInput::Done(Err(error)),
            ) => self.close_then_fail(error),
            // A driver that answers another step than the one asked: a bug of the driver, not a panic.
            _ => PopupStep::Finished(Err(AuthError::Browser("a popup step got the answer to another step".into()))),
        }
    }

    /// The transaction of this sign-in (its code bound to the key of thumbprint `dpop_jkt`, if any), kept
    /// in memory (the popup never holds it); then its request pushed, or the popup sent to the provider.
    fn authorize(
        &mut self,
        config: &ClientConfig,
        metadata: Arc<ProviderMetadata>,
        dpop_jkt: Option<String>,
        now: i64,
    ) -> PopupStep<'_> {
        let redirect_uri = resolve_app_url(&self.origin, &self.options.redirect_uri);
        let request = &self.request;
        match authorize_request(config, request, &self.origin, &redirect_uri, &metadata, now, self.random, dpop_jkt) {
            Ok((transaction, authorize)) => {
                self.transaction = Some(transaction);
                match authorize {
                    Authorize::Url(url) => {
                        self.phase = Phase::Navigating;
                        PopupStep::Navigate { url }
                    }
                    #[cfg(feature = "dpop")]
                    Authorize::Push(pushed) => {
                        self.phase = Phase::Pushing(metadata);
                        PopupStep::PushAuthorizationRequest { endpoint: pushed.endpoint, form: pushed.form }
                    }
                }
            }
            Err(error) => self.close_then_fail(error),
        }
    }

    fn state(&self) -> &State {
        &self.transaction.as_ref().expect("a popup that is awaited has its transaction").state
    }

    /// Waits for the answer until `deadline`; `watch_closed`: a close ends the wait too.
    fn wait(&mut self, deadline: i64, watch_closed: bool, now: i64) -> PopupStep<'_> {
        let left_ms = deadline.saturating_sub(now).clamp(0, i64::from(u32::MAX / 1000)) as u32 * 1000;
        self.phase = Phase::Awaiting { deadline };
        PopupStep::AwaitAnswer { state: self.state(), timeout_ms: left_ms, watch_closed }
    }

    /// The popup's answer: this sign-in's, by its state (checked again by the exchange), or refused.
    fn answered(&mut self, url: &str) -> PopupStep<'_> {
        let response = match parse_authorization_response(url) {
            Ok(response) => response,
            Err(error) => return self.close_then_fail(error.into()),
        };
        if response.state() != Some(self.state()) {
            return self.close_then_fail(ProtocolError::StateMismatch.into());
        }
        self.phase = Phase::ClosingThenExchange(response);
        PopupStep::CloseWindow
    }

    fn close_then_fail(&mut self, error: AuthError) -> PopupStep<'_> {
        self.phase = Phase::ClosingThenFail(error);
        PopupStep::CloseWindow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::session::tests::{alice, set, token};
    use crate::protocol::Scopes;
    use std::rc::Rc;

    const NOW: i64 = 1_000;
    const APP: &str = "https://app.example";

    /// One line per step; `Finished` ends the run.
    fn name(step: &PopupStep<'_>) -> String {
        match step {
            PopupStep::FindOpen => "is a popup open?".into(),
            PopupStep::JoinOpen => "focus it and wait for its outcome".into(),
            PopupStep::OpenWindow(window) => format!("open a blank {}x{} window", window.width, window.height),
            PopupStep::GetMetadata => "get metadata".into(),
            #[cfg(feature = "dpop")]
            PopupStep::DpopKey(asked) => format!("{asked:?} the DPoP key"),
            #[cfg(feature = "dpop")]
            PopupStep::PushAuthorizationRequest { endpoint, .. } => format!("push the request to {endpoint}"),
            PopupStep::Navigate { url } => format!("send it to {}", url.split('?').next().unwrap()),
            PopupStep::AwaitAnswer { timeout_ms, watch_closed: true, .. } => {
                format!("await the answer or the close, {timeout_ms} ms")
            }
            PopupStep::AwaitAnswer { timeout_ms, watch_closed: false, .. } => {
                format!("await the answer, {timeout_ms} ms")
            }
            PopupStep::CloseWindow => "close the window".into(),
            PopupStep::Exchange(_) => "exchange the code".into(),
            PopupStep::Commit(session) => format!("commit {}'s session", session.account.display_name),
            PopupStep::Finished(Ok(account)) => format!("signed in as {}", account.display_name),
            PopupStep::Finished(Err(error)) => format!("error: {}", error.code()),
        }
    }

    /// What the test driver answers a step with: the state of the sign-in is known once its window is
    /// sent to the provider, so an answer is made from it.
    type Answer = Box<dyn FnOnce(&State) -> PopupInput>;

    fn given(input: PopupInput) -> Answer {
        let mut input = Some(input);
        Box::new(move |_| input.take().unwrap())
    }

    /// The popup landed on the redirect URI with `query` and the sign-in's state.
    fn landed(query: &'static str) -> Answer {
        Box::new(move |state| {
            PopupInput::Watched(Watched::Answer(format!(
                "{APP}/popup-callback.html?{query}&state={}&iss=https%3A%2F%2Fop.example",
                state.as_str()
            )))
        })
    }

    fn watched(watched: Watched) -> Answer {
        given(PopupInput::Watched(watched))
    }

    fn done() -> Answer {
        given(PopupInput::Done(Ok(())))
    }

    /// The answers up to the window sent to the provider.
    fn to_the_provider() -> Vec<Answer> {
        vec![
            given(PopupInput::Found(false)),
            given(PopupInput::Opened(true)),
            given(PopupInput::Metadata(Ok(Arc::new(metadata())))),
            done(),
        ]
    }

    /// Runs a popup sign-in for `request` in a tab where `view` says who is signed in, answering each step
    /// with the next of `answers` (at `NOW`, or at the time `times` gives for that step). An exchange is
    /// answered as the driver's would be, through the transaction's own check of the response
    /// ([`LoginTransaction::accept`]), with `tokens` when it passes. Returns the steps' names and the
    /// session committed, if one was.
    fn run_with(
        request: &InteractiveAuthenticationRequest,
        view: &TabView,
        answers: Vec<Answer>,
        times: &[i64],
        tokens: Option<TokenSet>,
    ) -> (Vec<String>, Option<Session>) {
        let config = ClientConfig::new("https://op.example", "spa");
        let options = PopupOptions { timeout_secs: 60, ..PopupOptions::default() };
        let mut flow = PopupSignIn::new(request.clone(), options, APP.into(), [[7; 32]; 3]);
        let (mut steps, mut committed) = (Vec::new(), None);
        let mut answers = answers.into_iter();
        let mut tokens = tokens;
        let mut input = PopupInput::Start;
        for i in 0.. {
            let now = times.get(i).copied().unwrap_or(NOW);
            let step = flow.next(&config, input, view, now);
            steps.push(name(&step));
            input = match step {
                PopupStep::Finished(_) => return (steps, committed),
                PopupStep::Exchange(Grant::Code { response, transaction }) => {
                    match transaction.accept(response, &metadata(), NOW) {
                        Ok(_) => PopupInput::Tokens(Ok(tokens.take().expect("tokens for the exchange"))),
                        Err(error) => PopupInput::Tokens(Err(error.into())),
                    }
                }
                PopupStep::Commit(session) => {
                    committed = Some(session);
                    PopupInput::Done(Ok(()))
                }
                PopupStep::CloseWindow => PopupInput::Done(Ok(())),
                _ => {
                    let state = flow.transaction.as_ref().map_or(State::new("none"), |t| t.state.clone());
                    answers.next().expect("an answer for every step")(&state)
                }
            };
        }
        unreachable!()
    }

    fn run(answers: Vec<Answer>, times: &[i64]) -> Vec<String> {
        let request = InteractiveAuthenticationRequest::login("/");
        run_with(
            &request,
            &TabView::default(),
            answers,
            times,
            Some(set("bob", token("api:read", "at-b", NOW + 3600), Some("rt-b"))),
        )
        .0
    }

    fn then(mut first: Vec<Answer>, more: Vec<Answer>) -> Vec<Answer> {
        first.extend(more);
        first
    }

    const TO_THE_PROVIDER: [&str; 5] = [
        "is a popup open?",
        "open a blank 483x600 window",
        "get metadata",
        "send it to https://op.example/auth",
        "await the answer or the close, 60000 ms",
    ];

    fn after_the_provider(more: &[&str]) -> Vec<String> {
        TO_THE_PROVIDER.iter().chain(more).map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_window_opens_first_then_goes_to_the_provider_and_its_answer_is_exchanged_and_committed() {
        let steps = run(then(to_the_provider(), vec![landed("code=c-1")]), &[]);
        assert_eq!(
            steps,
            after_the_provider(&["close the window", "exchange the code", "commit bob's session", "signed in as bob"])
        );
    }

    #[test]
    fn a_second_call_while_a_popup_is_open_joins_it_and_shares_its_outcome() {
        let joined = given(PopupInput::Joined(Err(AuthError::PopupClosed)));
        assert_eq!(
            run(vec![given(PopupInput::Found(true)), joined], &[]),
            ["is a popup open?", "focus it and wait for its outcome", "error: popup_closed"]
        );
        let bob = Session::signed_in(set("bob", token("api:read", "at-b", NOW + 3600), None)).unwrap().account;
        let joined = given(PopupInput::Joined(Ok(bob)));
        assert_eq!(
            run(vec![given(PopupInput::Found(true)), joined], &[]),
            ["is a popup open?", "focus it and wait for its outcome", "signed in as bob"]
        );
    }

    #[test]
    fn a_window_the_browser_refuses_is_popup_blocked_and_nothing_else_happens() {
        assert_eq!(
            run(vec![given(PopupInput::Found(false)), given(PopupInput::Opened(false))], &[]),
            ["is a popup open?", "open a blank 483x600 window", "error: popup_blocked"]
        );
    }

    #[test]
    fn without_coop_a_close_seen_after_the_providers_page_ends_the_call_with_popup_closed() {
        let closed = watched(Watched::Closed { seen_on_provider: true });
        let steps = run(then(to_the_provider(), vec![closed, watched(Watched::TimedOut)]), &[]);
        assert_eq!(steps, after_the_provider(&["await the answer, 500 ms", "error: popup_closed"]));
    }

    #[test]
    fn an_answer_sent_as_the_landing_page_closed_is_taken_after_the_close() {
        let closed = watched(Watched::Closed { seen_on_provider: true });
        let steps = run(then(to_the_provider(), vec![closed, landed("code=c-1")]), &[]);
        assert_eq!(
            steps[5..],
            [
                "await the answer, 500 ms",
                "close the window",
                "exchange the code",
                "commit bob's session",
                "signed in as bob"
            ]
        );
    }

    #[test]
    fn under_coop_a_close_is_unknown_and_the_answer_still_signs_in() {
        // The handle reads as closed as soon as the window reaches the provider, 2 s in.
        let cut_off = watched(Watched::Closed { seen_on_provider: false });
        let times = [NOW, NOW, NOW, NOW, NOW, NOW + 2];
        let steps = run(then(to_the_provider(), vec![cut_off, landed("code=c-1")]), &times);
        assert_eq!(
            steps[5..],
            [
                "await the answer, 58000 ms",
                "close the window",
                "exchange the code",
                "commit bob's session",
                "signed in as bob"
            ]
        );
    }

    #[test]
    fn under_coop_a_popup_the_user_closed_ends_at_the_timeout() {
        let cut_off = watched(Watched::Closed { seen_on_provider: false });
        let times = [NOW, NOW, NOW, NOW, NOW, NOW + 2, NOW + 60];
        let steps = run(then(to_the_provider(), vec![cut_off, watched(Watched::TimedOut)]), &times);
        assert_eq!(steps[5..], ["await the answer, 58000 ms", "close the window", "error: popup_timeout"]);
    }

    #[test]
    fn nothing_back_in_time_is_popup_timeout_and_the_window_is_closed() {
        let steps = run(then(to_the_provider(), vec![watched(Watched::TimedOut)]), &[]);
        assert_eq!(steps, after_the_provider(&["close the window", "error: popup_timeout"]));
    }

    #[test]
    fn the_providers_error_is_the_calls_error_through_the_callbacks_checks() {
        let steps = run(then(to_the_provider(), vec![landed("error=access_denied&error_description=no")]), &[]);
        assert_eq!(steps, after_the_provider(&["close the window", "exchange the code", "error: access_denied"]));
    }

    #[test]
    fn an_answer_for_another_sign_in_is_refused_by_its_state_and_nothing_is_exchanged() {
        let other = given(PopupInput::Watched(Watched::Answer(format!(
            "{APP}/popup-callback.html?code=c-1&state={}",
            State::from_random([9; 32]).as_str()
        ))));
        let steps = run(then(to_the_provider(), vec![other]), &[]);
        assert_eq!(steps, after_the_provider(&["close the window", "error: state_mismatch"]));
        let no_state = given(PopupInput::Watched(Watched::Answer(format!("{APP}/popup-callback.html?code=c-1"))));
        let steps = run(then(to_the_provider(), vec![no_state]), &[]);
        assert_eq!(steps, after_the_provider(&["close the window", "error: invalid_callback"]));
    }

    #[test]
    fn an_account_switch_in_the_popup_replaces_the_previous_accounts_tokens() {
        let mut request = InteractiveAuthenticationRequest::login("/");
        request.prompt = Some(crate::protocol::Prompt::SelectAccount);
        let view = TabView { session: Some(Rc::new(alice())), revision: 1, ..TabView::default() };
        let bob = set("bob", token("api:write", "at-b", NOW + 3600), Some("rt-b"));
        let answers = then(to_the_provider(), vec![landed("code=c-1")]);
        let (steps, committed) = run_with(&request, &view, answers, &[], Some(bob));
        assert_eq!(steps.last().unwrap(), "signed in as bob");
        let committed = committed.unwrap();
        assert!(committed.access_token(&Scopes::parse("api:read").unwrap(), NOW).is_none(), "alice's token stayed");
        assert_eq!(committed.refresh_token().unwrap().secret(), "rt-b");
    }

    #[test]
    fn a_failure_before_the_provider_closes_the_window() {
        let refused = given(PopupInput::Metadata(Err(AuthError::Network { url: "u".into(), message: "m".into() })));
        let steps = run(vec![given(PopupInput::Found(false)), given(PopupInput::Opened(true)), refused], &[]);
        assert_eq!(
            steps,
            [
                "is a popup open?",
                "open a blank 483x600 window",
                "get metadata",
                "close the window",
                "error: network_error"
            ]
        );
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_popup_sign_in_pushes_its_request_and_the_window_carries_only_the_request_uri() {
        use crate::protocol::flow::HttpResponse;
        let pushed = |status, body: &str| PopupInput::Pushed(Ok(HttpResponse::new(status, body.into())));
        let with_par = || PopupInput::Metadata(Ok(Arc::new(crate::protocol::par::tests::with_par(true))));
        let config = ClientConfig::new("https://op.example", "spa");
        let view = TabView::default();
        let request = InteractiveAuthenticationRequest::login("/");
        let mut flow = PopupSignIn::new(request.clone(), PopupOptions::default(), APP.into(), [[7; 32]; 3]);
        flow.next(&config, PopupInput::Start, &view, NOW);
        flow.next(&config, PopupInput::Found(false), &view, NOW);
        assert_eq!(name(&flow.next(&config, PopupInput::Opened(true), &view, NOW)), "get metadata");
        let step = flow.next(&config, with_par(), &view, NOW);
        assert_eq!(name(&step), "push the request to https://op.example/par");
        let PopupStep::PushAuthorizationRequest { form, .. } = step else { unreachable!() };
        let fields: Vec<String> = crate::protocol::form::parse(&form).into_iter().map(|(name, _)| name).collect();
        for field in ["client_id", "redirect_uri", "state", "nonce", "code_challenge"] {
            assert!(fields.iter().any(|f| f == field), "{field} is pushed");
        }
        let step = flow.next(&config, pushed(201, r#"{"request_uri":"urn:x:p1","expires_in":60}"#), &view, NOW);
        let PopupStep::Navigate { url } = step else { panic!("the window is sent to the provider") };
        assert_eq!(url, "https://op.example/auth?client_id=spa&request_uri=urn%3Ax%3Ap1");

        // A refused push closes the window and is the provider's error.
        let mut flow = PopupSignIn::new(request, PopupOptions::default(), APP.into(), [[7; 32]; 3]);
        flow.next(&config, PopupInput::Start, &view, NOW);
        flow.next(&config, PopupInput::Found(false), &view, NOW);
        flow.next(&config, PopupInput::Opened(true), &view, NOW);
        flow.next(&config, with_par(), &view, NOW);
        let refused = pushed(400, r#"{"error":"access_denied","error_description":"no"}"#);
        assert_eq!(name(&flow.next(&config, refused, &view, NOW)), "close the window");
        assert_eq!(name(&flow.next(&config, PopupInput::Done(Ok(())), &view, NOW)), "error: access_denied");
    }

    #[test]
    fn a_logout_request_opens_no_window() {
        let request = InteractiveAuthenticationRequest::logout("/");
        let (steps, _) = run_with(&request, &TabView::default(), vec![], &[], None);
        assert_eq!(steps, ["error: invalid_request"]);
    }

    #[test]
    fn a_popup_answered_out_of_order_ends_with_an_error_not_a_panic() {
        assert_eq!(
            run(vec![given(PopupInput::Found(false)), given(PopupInput::Tokens(Err(AuthError::PopupClosed)))], &[]),
            ["is a popup open?", "open a blank 483x600 window", "error: browser_error"]
        );
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_bound_popup_sign_in_names_the_sessions_key_or_a_new_one_for_another_account() {
        use crate::protocol::dpop::{tests::key, DpopMode};
        let mut config = ClientConfig::new("https://op.example", "spa");
        config.dpop = DpopMode::Required;
        let jkt = key().thumbprint();
        let mut bound = set("alice", token("api:read", "at-1", NOW + 3600), None);
        bound.dpop_jkt = Some(jkt.clone());
        let view = TabView { session: Some(Rc::new(Session::signed_in(bound).unwrap())), ..TabView::default() };
        let mut metadata = metadata();
        metadata.dpop_signing_alg_values_supported = Some(vec!["ES256".into()]);
        let metadata = Arc::new(metadata);
        // The steps from the start up to the window sent to the provider, for `request`.
        let steps = |request: InteractiveAuthenticationRequest| {
            let mut flow = PopupSignIn::new(request, PopupOptions::default(), APP.into(), [[7; 32]; 3]);
            let answers = [
                PopupInput::Start,
                PopupInput::Found(false),
                PopupInput::Opened(true),
                PopupInput::Metadata(Ok(metadata.clone())),
                PopupInput::DpopKey(Ok(Some(key()))),
            ];
            let mut steps = Vec::new();
            for input in answers {
                let step = flow.next(&config, input, &view, NOW);
                steps.push(match &step {
                    PopupStep::Navigate { url } => {
                        let query = crate::protocol::form::parse(crate::protocol::query_of(url));
                        let named = query.into_iter().find(|(name, _)| name == "dpop_jkt").map(|(_, jkt)| jkt);
                        format!("send it to the provider naming {}", named.unwrap_or_default())
                    }
                    step => name(step),
                });
            }
            steps
        };
        let same_user = steps(InteractiveAuthenticationRequest::login("/"));
        assert_eq!(same_user[3..], ["Load the DPoP key".to_owned(), format!("send it to the provider naming {jkt}")]);
        let mut switch = InteractiveAuthenticationRequest::login("/");
        switch.prompt = Some(crate::protocol::Prompt::SelectAccount);
        assert_eq!(steps(switch)[3], "Create the DPoP key", "picking an account: never the session's key");
    }
}
