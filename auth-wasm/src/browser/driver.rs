//! The one driver: performs the steps of the protocol core's flows (see [`crate::protocol::flow`] and
//! [`crate::protocol::renewal`]) with the browser's fetch, WebCrypto, locks, frames and the other tabs,
//! and feeds the answers back with the time. The order of every step, and every decision, is the
//! flow's; here each step is only performed.

use std::rc::Rc;

use super::{http, locks, now_secs, random_bytes, signature, silent, timing, AuthClient, AuthError};
use crate::protocol::flow::{Flow, Grant, Input, MetadataFlow, Step, TokenFlow};
use crate::protocol::renewal::{Renewal, RenewalInput, RenewalStep, Renewed};
use crate::protocol::{AccessToken, ProviderMetadata, Scopes, TokenSet};

impl AuthClient {
    /// Trades `grant` for checked tokens (see [`TokenFlow`]). Nothing is stored here.
    pub(crate) async fn tokens(&self, grant: Grant<'_>) -> Result<TokenSet, AuthError> {
        let mut flow = TokenFlow::new(self.config(), grant);
        self.drive(&mut flow).await?;
        Ok(flow.into_token_set().expect("a flow is done when the driver returns"))
    }

    /// The provider's metadata: from memory, storage (fresh for a day) or discovery.
    pub async fn metadata(&self) -> Result<Rc<ProviderMetadata>, AuthError> {
        let mut flow = MetadataFlow::new(&self.config().authority);
        self.drive(&mut flow).await?;
        Ok(flow.into_metadata().expect("a flow is done when the driver returns"))
    }

    /// Runs `flow` until it is done; its result is then in the flow. The first error stops it.
    async fn drive(&self, flow: &mut dyn Flow) -> Result<(), AuthError> {
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
                Step::PostForm { url, body } => Input::Response(http::post_form(&url, body).await?),
                Step::VerifySignature(check) => {
                    Input::Signature(signature::verify_with_jwk(&check.jwt, check.key).await?)
                }
                Step::Done => return Ok(()),
            };
        }
    }

    /// Runs a [`Renewal`] for `scopes` (`stale`: a token the caller will not take again). The locks it
    /// takes are held here, and let go when it is over.
    pub(crate) async fn run_renewal(&self, scopes: &Scopes, stale: Option<AccessToken>) -> Result<Renewed, AuthError> {
        let config = self.config();
        let silent_redirect_uri = self.app_url(&config.silent_redirect_uri);
        let mut renewal = Renewal::new(config, scopes.clone(), stale, silent_redirect_uri, random_bytes()?);
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
                RenewalStep::GetMetadata => RenewalInput::Metadata(self.metadata().await),
                RenewalStep::Exchange(grant) => {
                    let started = timing::now();
                    let tokens = self.tokens(grant).await;
                    timing::measure("auth-wasm renewal: request", started);
                    RenewalInput::Tokens(tokens)
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
    }
}
