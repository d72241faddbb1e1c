//! The one driver: performs the steps of the protocol core's flows (see [`crate::protocol::flow`] and
//! [`crate::protocol::renewal`]) with the browser's fetch, WebCrypto, locks, frames and the other tabs,
//! and feeds the answers back with the time. The order of every step, and every decision, is the
//! flow's; here each step is only performed.
//!
//! Each flow's run is one boxed future ([`FlowRun`]): the token exchange is awaited by the callback and
//! the renewal, the metadata by every flow, and the public calls by the app's own futures; boxed, a
//! run's state machine is compiled once and held behind a pointer, not copied into each caller's.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::client::Leave;
use super::popup;
use super::{http, locks, navigation, now_secs, random_bytes, signature, silent, timing, AuthClient, AuthError};
use crate::protocol::flow::{Flow, Grant, Input, MetadataFlow, Step, TokenFlow};
use crate::protocol::popup::{PopupInput, PopupSignIn, PopupStep};
use crate::protocol::redirect_callback::{CallbackInput, CallbackStep, RedirectCallback};
use crate::protocol::renewal::{Renewal, RenewalInput, RenewalStep, Renewed};
use crate::protocol::sign_in::{SignIn, SignInInput, SignInStep};
use crate::protocol::sign_out::{SignOut, SignOutInput, SignOutStep};
use crate::protocol::storage_keys::popup_channel_name;
use crate::protocol::{
    AccessToken, Account, CallbackOutcome, InteractiveAuthenticationRequest, PopupOptions, ProviderMetadata,
    RequestOutcome, Scopes, TokenSet,
};

/// The run of a flow: a boxed future (see the module's documentation).
pub(crate) type FlowRun<'a, T> = Pin<Box<dyn Future<Output = Result<T, AuthError>> + 'a>>;

impl AuthClient {
    /// Trades `grant` for checked tokens (see [`TokenFlow`]). Nothing is stored here.
    pub(crate) fn tokens<'a>(&'a self, grant: Grant<'a>) -> FlowRun<'a, TokenSet> {
        Box::pin(async move {
            let flow = TokenFlow::new(self.config(), grant);
            // The nonces this tab knows; the flow asks for a proof where the grant is bound.
            #[cfg(feature = "dpop")]
            let flow = flow.with_dpop(self.dpop_nonces().borrow().clone());
            let mut flow = flow;
            let driven = self.drive(&mut flow).await;
            #[cfg(feature = "dpop")]
            self.dpop_nonces().replace(flow.dpop_nonces().clone());
            driven?;
            Ok(flow.into_token_set().expect("a flow is done when the driver returns"))
        })
    }

    /// The provider's metadata: from memory, storage (fresh for a day) or discovery.
    pub(crate) fn provider_metadata(&self) -> FlowRun<'_, Arc<ProviderMetadata>> {
        Box::pin(async move {
            let mut flow = MetadataFlow::new(self.config());
            self.drive(&mut flow).await?;
            Ok(flow.into_metadata().expect("a flow is done when the driver returns"))
        })
    }

    /// A proof for `request`, signed with this client's key (made at sign-in). A flow asks for one only
    /// when it binds tokens, so a missing (or unreadable) key is a session that lost its key: it must
    /// sign in again.
    #[cfg(feature = "dpop")]
    pub(crate) async fn sign_dpop_proof(
        &self,
        request: &crate::protocol::dpop::ProofRequest,
    ) -> Result<String, AuthError> {
        match self.dpop_keys().load().await.ok().flatten() {
            Some(key) => key.sign_proof(request).await,
            None => Err(crate::protocol::ProtocolError::DpopKeyGone.into()),
        }
    }

    /// The public half of the key a sign-in asked for: the stored one (unreadable: none), or a new one.
    #[cfg(feature = "dpop")]
    async fn dpop_key(
        &self,
        asked: crate::protocol::dpop::KeyRequest,
    ) -> Result<Option<crate::protocol::dpop::DpopPublicKey>, AuthError> {
        let create = asked == crate::protocol::dpop::KeyRequest::Create;
        let action = if create { super::dpop::KeyAction::Create } else { super::dpop::KeyAction::Load };
        // An unreadable store reads as no key (a new one is asked for next); a key not made is an error.
        let key = match self.dpop_keys().key(action).await {
            Err(_) if !create => None,
            key => key?,
        };
        Ok(key.map(|key| key.public_key().clone()))
    }

    /// Runs `flow` until it is done; its result is then in the flow. The first error stops it.
    fn drive<'a>(&'a self, flow: &'a mut dyn Flow) -> FlowRun<'a, ()> {
        Box::pin(async move {
            let mut input = Input::Start;
            loop {
                input = match flow.next(input, now_secs())? {
                    Step::Get { document, url, refetch } => {
                        match if refetch { None } else { self.provider().cached(document) } {
                            Some(cached) => Input::Cached(cached),
                            None => Input::Response(http::get(&url).await?),
                        }
                    }
                    Step::Keep(fetched) => {
                        self.provider().keep(fetched);
                        Input::Kept
                    }
                    // With DPoP, every token request goes through the one that may carry a proof, and
                    // reads the nonce any answer may bring.
                    #[cfg(feature = "dpop")]
                    Step::PostForm { url, body, dpop } => {
                        Input::Response(http::post_form_with_proof(&url, body, dpop.as_deref()).await?)
                    }
                    #[cfg(not(feature = "dpop"))]
                    Step::PostForm { url, body } => Input::Response(http::post_form(&url, body).await?),
                    Step::VerifySignature(check) => Input::Signature(signature::check_signature(&check).await?),
                    #[cfg(feature = "dpop")]
                    Step::SignDpopProof(request) => Input::DpopProof(self.sign_dpop_proof(&request).await?),
                    Step::Done => return Ok(()),
                };
            }
        })
    }

    /// Runs a [`Renewal`] for `scopes` (`stale`: a token the caller will not take again). The locks it
    /// takes are held here, and let go when it is over.
    pub(crate) fn run_renewal<'a>(&'a self, scopes: &'a Scopes, stale: Option<AccessToken>) -> FlowRun<'a, Renewed> {
        Box::pin(async move {
            let config = self.config();
            let silent_redirect_uri = self.app_url(&config.silent_redirect_uri);
            // Counted before this call waits for its turn: a failure after that is one it waited behind.
            let failures_seen = self.last_failure().borrow().as_ref().map_or(0, |failure| failure.number);
            let random = random_bytes()?;
            let mut renewal = Renewal::new(config, scopes.clone(), stale, failures_seen, silent_redirect_uri, random);
            let sync = self.sync();
            let mut _turn = None;
            let mut _lock = None;
            let mut input = RenewalInput::Start;
            loop {
                let view = sync.view();
                input = match renewal.next(input, &view, now_secs()) {
                    RenewalStep::TakeTurn => {
                        _turn = Some(self.renewal_turn().lock().await);
                        RenewalInput::Turn(self.last_failure().borrow().clone())
                    }
                    RenewalStep::Lock { name } => {
                        _lock = None;
                        let started = timing::now();
                        let (lock, waited) = locks::exclusive(&name).await?;
                        timing::measure("auth-wasm renewal: lock", started);
                        _lock = Some(lock);
                        RenewalInput::Locked { waited }
                    }
                    RenewalStep::AwaitSession { revision, ask_tabs, timeout_ms } => {
                        let started = timing::now();
                        sync.await_session(revision, ask_tabs, timeout_ms).await;
                        timing::measure("auth-wasm renewal: news", started);
                        RenewalInput::Waited
                    }
                    RenewalStep::TakeSignOut { revision } => {
                        sync.take_sign_out(revision);
                        RenewalInput::Done
                    }
                    RenewalStep::ForgetStaleRefreshToken => {
                        sync.forget_stale_refresh_token();
                        RenewalInput::Done
                    }
                    RenewalStep::RecordPresented(record) => {
                        sync.record_presented(&record);
                        RenewalInput::Done
                    }
                    RenewalStep::GetMetadata => RenewalInput::Metadata(self.provider_metadata().await),
                    RenewalStep::Exchange(grant) => {
                        let started = timing::now();
                        let tokens = self.tokens(grant).await;
                        timing::measure("auth-wasm renewal: request", started);
                        RenewalInput::Tokens(tokens)
                    }
                    #[cfg(feature = "dpop")]
                    RenewalStep::PushAuthorizationRequest { endpoint, form } => {
                        RenewalInput::Pushed(http::post_form(&endpoint, form).await)
                    }
                    RenewalStep::LoadHiddenFrame { url, redirect_uri, timeout_ms } => {
                        let started = timing::now();
                        let landed = silent::navigate_hidden_iframe(&url, &redirect_uri, timeout_ms).await;
                        timing::measure("auth-wasm renewal: request", started);
                        RenewalInput::Landed(landed)
                    }
                    RenewalStep::Commit { session, keep_if_refused } => {
                        RenewalInput::Committed(sync.commit(Some(session), false, keep_if_refused))
                    }
                    RenewalStep::Tell(event) => {
                        sync.emit(&event);
                        RenewalInput::Done
                    }
                    RenewalStep::Remember(failure) => {
                        *self.last_failure().borrow_mut() = Some(failure);
                        RenewalInput::Done
                    }
                    RenewalStep::Finished(outcome) => return outcome,
                };
            }
        })
    }

    /// Runs a [`SignIn`] for `request`, leaving this page as `leave` says.
    pub(crate) fn run_sign_in<'a>(
        &'a self,
        request: &'a InteractiveAuthenticationRequest,
        leave: Leave,
    ) -> FlowRun<'a, ()> {
        Box::pin(async move {
            let origin = navigation::origin();
            let flow = SignIn::new(self.config(), request, &origin, random_bytes()?);
            #[cfg(feature = "dpop")]
            let flow = flow.with_session_key(self.sync().view().session.as_deref().and_then(|s| s.dpop_jkt()));
            let mut flow = flow;
            let mut input = SignInInput::Start;
            loop {
                input = match flow.next(input, now_secs()) {
                    SignInStep::PruneTransactions => SignInInput::Done(self.transactions().remove_stale(now_secs())),
                    SignInStep::GetMetadata => SignInInput::Metadata(self.provider_metadata().await),
                    SignInStep::SaveTransaction(transaction) => {
                        SignInInput::Done(self.transactions().save_login(transaction))
                    }
                    #[cfg(feature = "dpop")]
                    SignInStep::PushAuthorizationRequest { endpoint, form } => {
                        SignInInput::Pushed(http::post_form(&endpoint, form).await)
                    }
                    #[cfg(feature = "dpop")]
                    SignInStep::DpopKey(asked) => SignInInput::DpopKey(self.dpop_key(asked).await),
                    SignInStep::Leave { url } => SignInInput::Done(leave.go(&url)),
                    SignInStep::Finished(outcome) => return outcome,
                };
            }
        })
    }

    /// Runs a [`SignOut`] of the signed-in session for `request`, leaving this page as `leave` says.
    pub(crate) fn run_sign_out<'a>(
        &'a self,
        request: &'a InteractiveAuthenticationRequest,
        leave: Leave,
    ) -> FlowRun<'a, RequestOutcome> {
        Box::pin(async move {
            let origin = navigation::origin();
            let session = self.sync().view().session;
            let mut flow = SignOut::new(self.config(), session, request, &origin, random_bytes()?[0]);
            let mut input = SignOutInput::Start;
            loop {
                input = match flow.next(input, now_secs()) {
                    SignOutStep::GetMetadata => SignOutInput::Metadata(self.provider_metadata().await),
                    SignOutStep::Revoke { url, body } => {
                        let revoked = http::post_form(&url, body).await.map(|_| ());
                        if let Err(error) = &revoked {
                            super::error::warn("could not revoke the refresh token", error);
                        }
                        SignOutInput::Done(revoked)
                    }
                    #[cfg(feature = "dpop")]
                    SignOutStep::DeleteDpopKey => {
                        SignOutInput::Done(self.dpop_keys().key(super::dpop::KeyAction::Delete).await.map(drop))
                    }
                    SignOutStep::Forget => SignOutInput::Done(self.sync().commit(None, false, false)),
                    SignOutStep::SaveTransaction(transaction) => {
                        SignOutInput::Done(self.transactions().save_logout(transaction))
                    }
                    SignOutStep::Leave { url } => SignOutInput::Done(leave.go(&url)),
                    SignOutStep::StayAt { url } => SignOutInput::Done(navigation::replace_url(&url)),
                    SignOutStep::Finished(outcome) => return outcome,
                };
            }
        })
    }

    /// Runs the [`RedirectCallback`] of the current page.
    pub(crate) fn run_callback(&self) -> FlowRun<'_, CallbackOutcome> {
        Box::pin(async move {
            let origin = navigation::origin();
            let mut flow =
                RedirectCallback::new(self.config(), navigation::current_url(), &origin, navigation::in_frame());
            let sync = self.sync();
            let mut input = CallbackInput::Start;
            loop {
                let view = sync.view();
                input = match flow.next(input, &view, now_secs()) {
                    CallbackStep::CatchUp { timeout_ms } => {
                        sync.catch_up(timeout_ms).await;
                        CallbackInput::Done(Ok(()))
                    }
                    CallbackStep::FindCompleted(state) => {
                        CallbackInput::Completed(self.transactions().completed(state))
                    }
                    CallbackStep::TakeSignIn(state) => CallbackInput::SignIn(self.transactions().take_login(state)),
                    CallbackStep::Exchange(grant) => CallbackInput::Tokens(self.tokens(grant).await),
                    CallbackStep::Commit(session) => CallbackInput::Done(sync.commit(Some(session), true, false)),
                    CallbackStep::SaveCompleted { state, completed } => {
                        self.transactions().save_completed(state, &completed);
                        CallbackInput::Done(Ok(()))
                    }
                    CallbackStep::TakeSignOut(state) => CallbackInput::SignOut(self.transactions().take_logout(&state)),
                    CallbackStep::Forget => CallbackInput::Done(sync.commit(None, false, false)),
                    CallbackStep::ReplaceUrl(url) => CallbackInput::Done(navigation::replace_url(&url)),
                    CallbackStep::Finished(outcome) => return outcome,
                };
            }
        })
    }

    /// Starts a [`PopupSignIn`] for `request`: its first steps here, at once, so that the window opens in
    /// the caller's event handler before anything is awaited; the rest in the run returned, whose outcome
    /// the calls that join this popup get too. The page's record of the open popup goes when the run ends.
    pub(crate) fn start_popup(
        &self,
        request: &InteractiveAuthenticationRequest,
        options: &PopupOptions,
    ) -> FlowRun<'static, Account> {
        let ended = |outcome| -> FlowRun<'static, Account> { Box::pin(std::future::ready(outcome)) };
        let random = match random_bytes() {
            Ok(random) => random,
            Err(error) => return ended(Err(error)),
        };
        let origin = navigation::origin();
        let mut flow = PopupSignIn::new(request.clone(), options.clone(), origin, random);
        let mut open = None;
        let mut input = PopupInput::Start;
        let window = loop {
            input = match flow.next(self.config(), input, &self.sync().view(), now_secs()) {
                PopupStep::FindOpen => {
                    open = popup::find_open();
                    PopupInput::Found(open.is_some())
                }
                PopupStep::JoinOpen => match open.take() {
                    Some((window, outcome)) => {
                        popup::focus(&window);
                        return Box::pin(popup::joined(outcome));
                    }
                    None => PopupInput::Joined(Err(AuthError::PopupClosed)),
                },
                PopupStep::OpenWindow(placement) => match popup::open(&placement) {
                    Some(window) => break window,
                    None => PopupInput::Opened(false),
                },
                PopupStep::Finished(outcome) => return ended(outcome),
                // The steps after the window are the run's.
                _ => PopupInput::Start,
            };
        };
        let opened = popup::remember(window.clone());
        let client = self.clone();
        Box::pin(async move {
            let outcome = client.run_popup(&mut flow, &window).await;
            opened.end(&outcome);
            outcome
        })
    }

    /// Runs `flow` on from its open window `window` until it is over.
    fn run_popup<'a>(&'a self, flow: &'a mut PopupSignIn, window: &'a wasm_bindgen::JsValue) -> FlowRun<'a, Account> {
        Box::pin(async move {
            let sync = self.sync();
            let mut input = PopupInput::Opened(true);
            loop {
                let view = sync.view();
                input = match flow.next(self.config(), input, &view, now_secs()) {
                    PopupStep::GetMetadata => PopupInput::Metadata(self.provider_metadata().await),
                    #[cfg(feature = "dpop")]
                    PopupStep::PushAuthorizationRequest { endpoint, form } => {
                        PopupInput::Pushed(http::post_form(&endpoint, form).await)
                    }
                    #[cfg(feature = "dpop")]
                    PopupStep::DpopKey(asked) => PopupInput::DpopKey(self.dpop_key(asked).await),
                    PopupStep::Navigate { url } => PopupInput::Done(popup::navigate(window, &url)),
                    PopupStep::AwaitAnswer { state, timeout_ms, watch_closed } => {
                        let channel = popup_channel_name(state);
                        PopupInput::Watched(popup::await_answer(window, &channel, timeout_ms, watch_closed).await)
                    }
                    PopupStep::CloseWindow => {
                        popup::close(window);
                        PopupInput::Done(Ok(()))
                    }
                    PopupStep::Exchange(grant) => PopupInput::Tokens(self.tokens(grant).await),
                    PopupStep::Commit(session) => PopupInput::Done(sync.commit(Some(session), true, false)),
                    PopupStep::Finished(outcome) => return outcome,
                    // The steps before the window were start_popup's: the flow ends on this answer.
                    _ => PopupInput::Start,
                };
            }
        })
    }
}
