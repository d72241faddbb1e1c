//! The page the provider sends the browser back to, as a state machine. A sign-in callback: the
//! response → the transaction its `state` names, taken so that it is used once → the code exchange and
//! its checks → the session, committed in every tab → the address bar on the sign-in's return URL. A
//! sign-out callback: the sign-out its `state` names, not older than 15 minutes → the session forgotten
//! (again: another tab may have signed in meanwhile) → its return URL. Any other page: catch up with the
//! open tabs. Whatever the outcome, the callback's parameters leave the address bar, so that a reload or
//! a step back in history does not run the exchange again.

use super::flow::Grant;
use super::tab_sync::HANDOVER_WAIT_MS;
use super::{
    after_sign_in, classify_callback, parse_authorization_response, resolve_app_url, sign_out_state, Account,
    AuthError, AuthorizationResponse, CallbackKind, ClientConfig, CompletedTransaction, LoginTransaction,
    LogoutTransaction, ProtocolError, Session, State, TabView, TokenSet,
};

/// What [`RedirectCallback`] found on the current page.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackOutcome {
    /// The page is not a sign-in or sign-out callback.
    NotACallback,
    /// A sign-in completed; the address bar now shows the page the sign-in started from.
    SignedIn(Account),
    /// The provider sent the browser back after sign-out.
    SignedOut,
    /// The callback of a sign-in that already completed (a reload, or history): nothing was exchanged
    /// again, and the address bar shows where that sign-in went.
    AlreadyCompleted,
}

/// What a callback needs next; the driver performs it and answers with the [`CallbackInput`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackStep<'a> {
    /// Bring this tab up to the session the open tabs have (a new tab); answered with
    /// [`CallbackInput::Done`].
    CatchUp {
        /// The longest wait for an open tab's answer.
        timeout_ms: u32,
    },
    /// The completed sign-in of `state`, if this browser completed one; answered with
    /// [`CallbackInput::Completed`].
    FindCompleted(&'a State),
    /// The sign-in transaction of `state`, removed from storage so that it is used once; answered with
    /// [`CallbackInput::SignIn`].
    TakeSignIn(&'a State),
    /// Trade `grant` for checked tokens; answered with [`CallbackInput::Tokens`].
    Exchange(Grant<'a>),
    /// Make `session` the session of every tab, as an interactive sign-in's; answered with
    /// [`CallbackInput::Done`].
    Commit(Session),
    /// Remember that the sign-in of `state` completed, going to `completed`'s return URL; answered with
    /// [`CallbackInput::Done`].
    SaveCompleted {
        /// The sign-in's state.
        state: &'a State,
        /// Where it went.
        completed: CompletedTransaction,
    },
    /// The sign-out transaction of `state`, removed from storage; answered with [`CallbackInput::SignOut`].
    TakeSignOut(State),
    /// Forget the session in every tab; answered with [`CallbackInput::Done`].
    Forget,
    /// Replace the address bar's URL with `url` of the app (the callback's parameters gone); answered
    /// with [`CallbackInput::Done`].
    ReplaceUrl(String),
    /// The callback is handled.
    Finished(Result<CallbackOutcome, AuthError>),
}

/// The answer to the last [`CallbackStep`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackInput {
    /// No step yet.
    Start,
    /// The step is done, or why not.
    Done(Result<(), AuthError>),
    /// The completed sign-in, if there is one.
    Completed(Option<CompletedTransaction>),
    /// The sign-in transaction, if storage has it.
    SignIn(Result<Option<LoginTransaction>, AuthError>),
    /// The checked tokens.
    Tokens(Result<TokenSet, AuthError>),
    /// The sign-out transaction, if storage has it.
    SignOut(Result<Option<LogoutTransaction>, AuthError>),
}

#[derive(Debug)]
enum Phase {
    Start,
    CatchingUp,
    FindingCompleted,
    TakingSignIn,
    Exchanging,
    Committing(Account),
    SavingCompleted(Account),
    TakingSignOut,
    Forgetting(String),
    /// The address bar is being cleaned; then this is the outcome.
    Cleaning(Result<CallbackOutcome, AuthError>),
    Finished,
}

/// The handling of the current page as a possible callback; see the module's documentation.
#[derive(Debug)]
pub struct RedirectCallback {
    /// The page's URL.
    url: String,
    redirect_uri: String,
    post_logout_redirect_uri: String,
    /// Whether the page is in a frame: a callback there (our own silent renewal's, or a page framing the
    /// app) is not ours to use.
    in_frame: bool,
    phase: Phase,
    response: Option<AuthorizationResponse>,
    /// The sign-in's state and return URL, kept when its transaction goes to the code exchange.
    sign_in: Option<(State, String)>,
}

impl RedirectCallback {
    /// The handling of the page at `url` of the app at `origin` (`in_frame`: the page is framed) for the
    /// client `config`.
    pub fn new(config: &ClientConfig, url: String, origin: &str, in_frame: bool) -> Self {
        Self {
            url,
            redirect_uri: resolve_app_url(origin, &config.redirect_uri),
            post_logout_redirect_uri: resolve_app_url(origin, &config.post_logout_redirect_uri),
            in_frame,
            phase: Phase::Start,
            response: None,
            sign_in: None,
        }
    }

    /// The next step, after `input` (the answer to the last one), with what the tab knows now (`view`) at
    /// `now`.
    pub fn next(&mut self, input: CallbackInput, view: &TabView, now: i64) -> CallbackStep<'_> {
        match (std::mem::replace(&mut self.phase, Phase::Finished), input) {
            (Phase::Start, _) if self.in_frame => CallbackStep::Finished(Ok(CallbackOutcome::NotACallback)),
            (Phase::Start, _) => match classify_callback(&self.url, &self.redirect_uri, &self.post_logout_redirect_uri)
            {
                CallbackKind::SignIn => self.sign_in_callback(),
                CallbackKind::SignOut => match sign_out_state(&self.url) {
                    Some(state) => {
                        self.phase = Phase::TakingSignOut;
                        CallbackStep::TakeSignOut(state)
                    }
                    None => CallbackStep::Finished(Ok(CallbackOutcome::NotACallback)),
                },
                _ => {
                    self.phase = Phase::CatchingUp;
                    CallbackStep::CatchUp { timeout_ms: HANDOVER_WAIT_MS }
                }
            },
            (Phase::CatchingUp, _) => CallbackStep::Finished(Ok(CallbackOutcome::NotACallback)),
            (Phase::FindingCompleted, CallbackInput::Completed(Some(completed))) => {
                self.clean(completed.return_url, Ok(CallbackOutcome::AlreadyCompleted))
            }
            (Phase::FindingCompleted, CallbackInput::Completed(None)) => self.take_sign_in(),
            (Phase::TakingSignIn, CallbackInput::SignIn(Ok(Some(transaction)))) => match self.response.take() {
                Some(response) => {
                    self.phase = Phase::Exchanging;
                    self.sign_in = Some((transaction.state.clone(), transaction.return_url.clone()));
                    CallbackStep::Exchange(Grant::Code { response, transaction })
                }
                None => self.clean("/".into(), Err(ProtocolError::MissingParameter("code").into())),
            },
            (Phase::TakingSignIn, CallbackInput::SignIn(Ok(None))) => {
                self.clean("/".into(), Err(ProtocolError::StateMismatch.into()))
            }
            (Phase::TakingSignIn, CallbackInput::SignIn(Err(error))) => self.clean("/".into(), Err(error)),
            (Phase::Exchanging, CallbackInput::Tokens(Ok(set))) => match after_sign_in(view.session.as_deref(), set) {
                Ok(next) => {
                    self.phase = Phase::Committing(next.account.clone());
                    CallbackStep::Commit(next)
                }
                Err(error) => self.clean(self.sign_in_return_url(), Err(error.into())),
            },
            (Phase::Exchanging, CallbackInput::Tokens(Err(error))) => self.clean(self.sign_in_return_url(), Err(error)),
            (Phase::Committing(account), CallbackInput::Done(Ok(()))) => {
                self.phase = Phase::SavingCompleted(account);
                let (state, return_url) = self.sign_in.as_ref().expect("a committed sign-in had its transaction");
                let completed = CompletedTransaction { return_url: return_url.clone(), created_at: now };
                CallbackStep::SaveCompleted { state, completed }
            }
            (Phase::Committing(_), CallbackInput::Done(Err(error))) => {
                self.clean(self.sign_in_return_url(), Err(error))
            }
            // A sign-in that completed is not undone because its marker could not be stored.
            (Phase::SavingCompleted(account), CallbackInput::Done(_)) => {
                self.clean(self.sign_in_return_url(), Ok(CallbackOutcome::SignedIn(account)))
            }
            (Phase::TakingSignOut, CallbackInput::SignOut(Ok(Some(transaction)))) => match transaction.accept(now) {
                Ok(return_url) => {
                    // Signed out before leaving; again here, in case another tab signed in meanwhile.
                    self.phase = Phase::Forgetting(return_url);
                    CallbackStep::Forget
                }
                // A sign-out older than 15 minutes is not completed by a link.
                Err(_) => CallbackStep::Finished(Ok(CallbackOutcome::NotACallback)),
            },
            // A `state` this browser did not issue: not our sign-out, so nothing happens.
            (Phase::TakingSignOut, CallbackInput::SignOut(Ok(None))) => {
                CallbackStep::Finished(Ok(CallbackOutcome::NotACallback))
            }
            (Phase::TakingSignOut, CallbackInput::SignOut(Err(error))) => CallbackStep::Finished(Err(error)),
            (Phase::Forgetting(return_url), CallbackInput::Done(Ok(()))) => {
                self.clean(return_url, Ok(CallbackOutcome::SignedOut))
            }
            (Phase::Forgetting(_), CallbackInput::Done(Err(error))) => CallbackStep::Finished(Err(error)),
            (Phase::Cleaning(outcome), CallbackInput::Done(Ok(()))) => CallbackStep::Finished(outcome),
            (Phase::Cleaning(_), CallbackInput::Done(Err(error))) => CallbackStep::Finished(Err(error)),
            // A driver that answers another step than the one asked: a bug of the driver, not a panic.
            _ => {
                CallbackStep::Finished(Err(AuthError::Browser("a callback step got the answer to another step".into())))
            }
        }
    }

    /// A sign-in callback: its response, then the completed sign-in its state may name.
    fn sign_in_callback(&mut self) -> CallbackStep<'_> {
        let response = match parse_authorization_response(&self.url) {
            Ok(response) => response,
            Err(error) => return self.clean("/".into(), Err(error.into())),
        };
        if response.state().is_none() {
            let error = match response {
                // Bound to no request of ours: its description is anyone's text, so it is not shown.
                AuthorizationResponse::Error { error, .. } => ProtocolError::from_provider(&error, None),
                AuthorizationResponse::Code { .. } => ProtocolError::MissingParameter("state"),
            };
            return self.clean("/".into(), Err(error.into()));
        }
        self.phase = Phase::FindingCompleted;
        let state = self.response.insert(response).state().expect("a state was found");
        CallbackStep::FindCompleted(state)
    }

    fn take_sign_in(&mut self) -> CallbackStep<'_> {
        self.phase = Phase::TakingSignIn;
        let state = self.response.as_ref().and_then(AuthorizationResponse::state).expect("a state was found");
        CallbackStep::TakeSignIn(state)
    }

    /// Where a sign-in callback goes once it is handled: the sign-in's return URL.
    fn sign_in_return_url(&self) -> String {
        self.sign_in.as_ref().map_or_else(|| "/".into(), |(_, return_url)| return_url.clone())
    }

    /// The address bar to `url`, then `outcome`.
    fn clean(&mut self, url: String, outcome: Result<CallbackOutcome, AuthError>) -> CallbackStep<'_> {
        self.phase = Phase::Cleaning(outcome);
        CallbackStep::ReplaceUrl(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::session::tests::{alice, set, token};
    use crate::protocol::{Scopes, TabView};
    use std::rc::Rc;

    const NOW: i64 = 1_000;
    const APP: &str = "https://app.example";

    fn config() -> ClientConfig {
        ClientConfig::new("https://op.example", "spa")
    }

    fn transaction(return_url: &str) -> LoginTransaction {
        let scopes = Scopes::new().for_sign_in();
        LoginTransaction::begin(&format!("{APP}/authentication/login-callback"), scopes, return_url, NOW, [[3; 32]; 3])
    }

    fn name(step: &CallbackStep<'_>) -> String {
        match step {
            CallbackStep::CatchUp { .. } => "catch up with the open tabs".into(),
            CallbackStep::FindCompleted(_) => "find completed sign-in".into(),
            CallbackStep::TakeSignIn(_) => "take the sign-in transaction".into(),
            CallbackStep::Exchange(_) => "exchange the code".into(),
            CallbackStep::Commit(session) => format!("commit {}'s session", session.account.display_name),
            CallbackStep::SaveCompleted { completed, .. } => format!("save completed ({})", completed.return_url),
            CallbackStep::TakeSignOut(_) => "take the sign-out transaction".into(),
            CallbackStep::Forget => "forget the session in every tab".into(),
            CallbackStep::ReplaceUrl(url) => format!("address bar to {url}"),
            CallbackStep::Finished(Ok(outcome)) => format!("finished: {outcome:?}"),
            CallbackStep::Finished(Err(error)) => format!("error: {}", error.code()),
        }
    }

    /// Handles `url` with `answers` (after the first step): the steps' names.
    fn run(url: &str, in_frame: bool, answers: Vec<CallbackInput>) -> Vec<String> {
        let config = config();
        let mut flow = RedirectCallback::new(&config, url.into(), APP, in_frame);
        let view = TabView { session: Some(Rc::new(alice())), revision: 1, ..TabView::default() };
        let mut steps = Vec::new();
        let mut input = CallbackInput::Start;
        let mut answers = answers.into_iter();
        loop {
            let step = flow.next(input, &view, NOW);
            steps.push(name(&step));
            if matches!(step, CallbackStep::Finished(_)) {
                return steps;
            }
            input = answers.next().unwrap_or(CallbackInput::Done(Ok(())));
        }
    }

    fn sign_in_callback(state: &State) -> String {
        format!("{APP}/authentication/login-callback?code=c-1&state={}&iss=https%3A%2F%2Fop.example", state.as_str())
    }

    #[test]
    fn a_sign_in_callback_exchanges_commits_marks_and_returns() {
        let transaction = transaction("/orders");
        let url = sign_in_callback(&transaction.state);
        let bob = set("bob", token("api:read", "at-b", NOW + 3600), Some("rt-b"));
        let answers = vec![
            CallbackInput::Completed(None),
            CallbackInput::SignIn(Ok(Some(transaction))),
            CallbackInput::Tokens(Ok(bob)),
        ];
        assert_eq!(
            run(&url, false, answers),
            [
                "find completed sign-in",
                "take the sign-in transaction",
                "exchange the code",
                "commit bob's session",
                "save completed (/orders)",
                "address bar to /orders",
                &format!("finished: SignedIn({:?})", alice_to_bob()),
            ]
        );
    }

    fn alice_to_bob() -> Account {
        Session::signed_in(set("bob", token("api:read", "at-b", NOW + 3600), Some("rt-b"))).unwrap().account
    }

    #[test]
    fn a_reloaded_callback_exchanges_nothing_again() {
        let transaction = transaction("/orders");
        let url = sign_in_callback(&transaction.state);
        let completed = CompletedTransaction { return_url: "/orders".into(), created_at: NOW };
        assert_eq!(
            run(&url, false, vec![CallbackInput::Completed(Some(completed))]),
            ["find completed sign-in", "address bar to /orders", "finished: AlreadyCompleted"]
        );
    }

    #[test]
    fn a_callback_for_no_sign_in_of_this_browser_is_refused_and_cleaned() {
        let url = sign_in_callback(&State::from_random([9; 32]));
        let steps = run(&url, false, vec![CallbackInput::Completed(None), CallbackInput::SignIn(Ok(None))]);
        assert_eq!(
            steps,
            ["find completed sign-in", "take the sign-in transaction", "address bar to /", "error: state_mismatch"]
        );
    }

    #[test]
    fn a_failed_exchange_keeps_the_session_and_cleans_the_address_bar() {
        let transaction = transaction("/orders");
        let url = sign_in_callback(&transaction.state);
        let answers = vec![
            CallbackInput::Completed(None),
            CallbackInput::SignIn(Ok(Some(transaction))),
            CallbackInput::Tokens(Err(ProtocolError::InvalidGrant(None).into())),
        ];
        let steps = run(&url, false, answers);
        assert_eq!(steps[3..], ["address bar to /orders", "error: invalid_grant"]);
        assert!(!steps.iter().any(|s| s.starts_with("commit")));
    }

    #[test]
    fn an_error_with_no_state_is_refused_without_its_text() {
        let url = format!("{APP}/authentication/login-callback?error=access_denied&error_description=call+us");
        assert_eq!(run(&url, false, vec![]), ["address bar to /", "error: access_denied"]);
    }

    #[test]
    fn a_callback_in_a_frame_is_not_ours() {
        let url = sign_in_callback(&transaction("/").state);
        assert_eq!(run(&url, true, vec![]), ["finished: NotACallback"]);
    }

    #[test]
    fn a_sign_out_callback_forgets_the_session_again_and_returns() {
        let logout = LogoutTransaction::begin("/bye", NOW, [4; 32]);
        let url = format!("{APP}/authentication/logout-callback?state={}", logout.state.as_str());
        assert_eq!(
            run(&url, false, vec![CallbackInput::SignOut(Ok(Some(logout)))]),
            [
                "take the sign-out transaction",
                "forget the session in every tab",
                "address bar to /bye",
                "finished: SignedOut"
            ]
        );
    }

    #[test]
    fn an_old_or_unknown_sign_out_link_signs_nobody_out() {
        let old = LogoutTransaction::begin("/bye", NOW - 16 * 60, [4; 32]);
        let url = format!("{APP}/authentication/logout-callback?state={}", old.state.as_str());
        assert_eq!(
            run(&url, false, vec![CallbackInput::SignOut(Ok(Some(old)))]),
            ["take the sign-out transaction", "finished: NotACallback"]
        );
        assert_eq!(
            run(&url, false, vec![CallbackInput::SignOut(Ok(None))]),
            ["take the sign-out transaction", "finished: NotACallback"]
        );
    }

    #[test]
    fn any_other_page_catches_up_with_the_open_tabs() {
        assert_eq!(
            run(&format!("{APP}/orders"), false, vec![]),
            ["catch up with the open tabs", "finished: NotACallback"]
        );
    }
}
