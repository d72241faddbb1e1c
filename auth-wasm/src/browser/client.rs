//! `AuthClient`: runs the protocol core's sign-in, sign-out and token renewal through the browser.

use std::cell::RefCell;
use std::rc::Rc;

use super::events::Subscription;
use super::provider_cache::ProviderCache;
use super::storage::open_store_at;
use super::tab_sync::{TabSync, HANDOVER_WAIT_MS};
use super::token_result::{InteractionRequired, TokenResult};
use super::transactions::TransactionStore;
use super::{http, navigation, now_secs, random_bytes, AuthError, CacheLocation, KeyValueStore, WebStorageStore};
use crate::protocol::flow::Grant;
use crate::protocol::renewal::{RenewalFailure, Renewed};
use crate::protocol::{
    after_sign_in, authorize_url, classify_callback, end_session_url, parse_authorization_response, resolve_app_url,
    revocation_request_body, safe_return_url, sign_out_state, AccessToken, Account, AuthEvent, AuthorizationResponse,
    CachedAccessToken, CallbackKind, ClientConfig, CompletedTransaction, InteractiveAuthenticationRequest,
    LoginTransaction, LogoutTransaction, ProtocolError, ProviderMetadata, RequestKind, Scopes, Session, TokenSet,
};

/// What [`AuthClient::handle_redirect`] found on the current page.
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

/// Where an interactive request ([`AuthClient::sign_out`], [`AuthClient::run_request_from_history`])
/// left the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestOutcome {
    /// The browser is on its way to the provider (its sign-in page, or its end-session endpoint).
    RedirectingToProvider,
    /// The provider has no end-session endpoint: the local session is gone, the provider's stays.
    SignedOutLocally,
}

/// A sign-in client for one provider and one client id. Cheap to clone: clones share state.
#[derive(Clone)]
pub struct AuthClient {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    /// The signed-in account and its tokens, in step with the other tabs of the app.
    sync: Rc<TabSync>,
    /// Discovery and JWKS.
    provider: ProviderCache,
    /// Sign-in and sign-out transactions (sessionStorage).
    transactions: TransactionStore,
    /// One renewal at a time in this tab; the Web Lock orders the tabs.
    renewal_turn: futures_util::lock::Mutex<()>,
    /// The last silent renewal that needed the user. Calls that waited behind it get its answer instead
    /// of running the same iframe again.
    last_failure: RefCell<Option<RenewalFailure>>,
}

impl AuthClient {
    /// A client keeping tokens where `config.cache_location` says.
    pub fn new(config: ClientConfig) -> Result<Self, AuthError> {
        let (tokens, location) = open_store_at(config.cache_location);
        let transactions = WebStorageStore::session().map(|s| Rc::new(s) as Rc<dyn KeyValueStore>);
        let local = WebStorageStore::local().ok().map(|s| Rc::new(s) as Rc<dyn KeyValueStore>);
        Self::build(config, tokens, location == CacheLocation::LocalStorage, transactions, local)
    }

    /// A client over given stores (tests, or an app with its own storage). The token store counts as
    /// shared by every tab when the configuration says localStorage.
    pub fn with_stores(
        config: ClientConfig,
        tokens: Rc<dyn KeyValueStore>,
        transactions: Rc<dyn KeyValueStore>,
    ) -> Result<Self, AuthError> {
        let shared = config.cache_location == CacheLocation::LocalStorage;
        Self::build(config, tokens, shared, Ok(transactions), None)
    }

    fn build(
        config: ClientConfig,
        tokens: Rc<dyn KeyValueStore>,
        shared: bool,
        transactions: Result<Rc<dyn KeyValueStore>, AuthError>,
        local: Option<Rc<dyn KeyValueStore>>,
    ) -> Result<Self, AuthError> {
        config.validate()?;
        // Provider documents live with shared tokens, else beside the transactions (which the callback
        // page reads), else in memory.
        let provider_store = match (&transactions, shared) {
            (_, true) => tokens.clone(),
            (Ok(store), false) => store.clone(),
            (Err(_), false) => Rc::new(super::MemoryStore::default()),
        };
        let inner = Rc::new(Inner {
            sync: TabSync::open(tokens, shared, local, &config.client_id, &config.authority),
            provider: ProviderCache::new(provider_store, &config.authority),
            transactions: TransactionStore::new(transactions),
            renewal_turn: futures_util::lock::Mutex::new(()),
            last_failure: RefCell::new(None),
            config,
        });
        Ok(Self { inner })
    }

    /// The client's configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls `listener` on every [`AuthEvent`] from now on: those of this tab, and those of the other
    /// tabs of the app (each tab's client emits the same events).
    pub fn subscribe(&self, listener: impl Fn(&AuthEvent) + 'static) -> Subscription {
        self.inner.sync.subscribe(listener)
    }

    /// Stops a listener.
    pub fn unsubscribe(&self, subscription: Subscription) {
        self.inner.sync.unsubscribe(subscription)
    }

    /// The transaction store (also for `AuthorizedFetch`'s challenge markers).
    pub(crate) fn transactions(&self) -> &TransactionStore {
        &self.inner.transactions
    }

    /// Discovery and JWKS, for the driver.
    pub(crate) fn provider(&self) -> &ProviderCache {
        &self.inner.provider
    }

    /// The signed-in account, if any (from memory).
    pub fn account(&self) -> Option<Account> {
        self.inner.sync.current().map(|session| session.account.clone())
    }

    /// The session of this client in step with the other tabs (for the driver).
    pub(crate) fn sync(&self) -> &TabSync {
        &self.inner.sync
    }

    /// Keeps a sign-in's checked tokens. Another account's session is replaced (and `AccountChanged`
    /// told); the same account keeps its other tokens.
    pub(crate) fn store_sign_in(&self, set: TokenSet) -> Result<Account, AuthError> {
        let next = after_sign_in(self.inner.sync.current().as_deref(), set)?;
        let account = next.account.clone();
        self.inner.sync.commit(Some(next), true, false)?;
        Ok(account)
    }

    /// `value` (a path of this app, or an absolute URL) as an absolute URL on this page's origin.
    pub(crate) fn app_url(&self, value: &str) -> String {
        resolve_app_url(&navigation::origin(), value)
    }

    /// Starts an interactive sign-in (or token request) for `request`: remembers a new transaction and
    /// sends the browser to the provider. The return URL must be a path of this app; anything else
    /// returns to the app root.
    pub async fn sign_in(&self, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
        if request.kind == RequestKind::Logout {
            return Err(ProtocolError::InvalidRequest("a logout request goes to sign_out".into()).into());
        }
        self.interactive(request, Leave::KeepThisPage, false).await.map(|_| ())
    }

    /// Runs the request the current history entry carries (see [`super::navigate_to_login`]): what a
    /// login or logout route calls. Without one, a login route signs in returning to the app root, but a
    /// logout route refuses (a plain link must not sign anyone out). The route's history entry is
    /// replaced by the provider's page, so that going back does not start the request again.
    ///
    /// Returns whether the browser is on its way to the provider (always, for a sign-in) or a sign-out
    /// stayed local because the provider has no end-session endpoint (then the app is still here, on the
    /// request's return URL).
    pub async fn run_request_from_history(&self, default_kind: RequestKind) -> Result<RequestOutcome, AuthError> {
        let request = match (super::history::current_request()?, default_kind) {
            (Some(request), _) => request,
            (None, RequestKind::Logout) => {
                let why = "sign-out was not started by this app (no request in history state)";
                return Err(ProtocolError::InvalidRequest(why.into()).into());
            }
            (None, _) => InteractiveAuthenticationRequest::login("/"),
        };
        self.interactive(&request, Leave::ReplaceThisPage, request.kind == RequestKind::Logout).await
    }

    /// The one flow behind [`Self::sign_in`], [`Self::sign_out`] and [`Self::run_request_from_history`]:
    /// a sign-in (`sign_out` false) or a sign-out for `request`.
    async fn interactive(
        &self,
        request: &InteractiveAuthenticationRequest,
        leave: Leave,
        sign_out: bool,
    ) -> Result<RequestOutcome, AuthError> {
        let session = self.inner.sync.current();
        if !sign_out {
            // Refused up front where the browser refuses sessionStorage: a transaction kept in
            // memory would be lost at the redirect, and the user would come back to a state mismatch.
            self.inner.transactions.remove_stale(now_secs())?;
        }
        let metadata = self.metadata().await;
        let revocation = sign_out.then(|| self.revocation(session.as_deref(), metadata.as_deref().ok()));
        if let Some((endpoint, body)) = revocation.flatten() {
            // Revocation is a courtesy: the sign-out goes on if the provider does not answer.
            if let Err(error) = http::post_form(&endpoint, body).await {
                super::error::warn("could not revoke the refresh token", &error);
            }
        }
        self.leave_for_provider(request, leave, sign_out, session, metadata)
    }

    /// The revocation request a sign-out sends first (endpoint, body): where the provider has a
    /// revocation endpoint and the session a refresh token.
    fn revocation(&self, session: Option<&Session>, metadata: Option<&ProviderMetadata>) -> Option<(String, String)> {
        let endpoint = metadata?.revocation_endpoint.as_ref()?;
        let body = revocation_request_body(&self.inner.config.client_id, session?.refresh_token()?);
        Some((endpoint.clone(), body))
    }

    /// The rest of [`Self::interactive`], once the metadata is known: a sign-in remembers a new
    /// transaction and leaves for the authorize endpoint; a sign-out forgets the session in every tab,
    /// then leaves for the end-session endpoint, or stays on the return URL when there is none.
    fn leave_for_provider(
        &self,
        request: &InteractiveAuthenticationRequest,
        leave: Leave,
        sign_out: bool,
        session: Option<Rc<Session>>,
        metadata: Result<Rc<ProviderMetadata>, AuthError>,
    ) -> Result<RequestOutcome, AuthError> {
        let config = &self.inner.config;
        let return_url = safe_return_url(&request.return_url, &navigation::origin());
        let now = now_secs();
        if !sign_out {
            let metadata = metadata?;
            let scopes = config.scopes.union(&request.scopes).for_sign_in();
            let transaction =
                LoginTransaction::begin(&self.app_url(&config.redirect_uri), scopes, &return_url, now, random_bytes()?)
                    .with_max_age(request.max_age);
            let params = config.with_configured_parameters(request.authorize_parameters()?);
            let url = authorize_url(&metadata, &config.client_id, &transaction, &params)?;
            self.inner.transactions.save_login(&transaction)?;
            leave.go(&url)?;
            return Ok(RequestOutcome::RedirectingToProvider);
        }
        self.sign_out_here()?;
        let metadata = metadata?;
        let transaction = LogoutTransaction::begin(&return_url, now, random_bytes()?[0]);
        let post_logout_redirect_uri = self.app_url(&config.post_logout_redirect_uri);
        let id_token_hint = session.as_ref().map(|s| &s.id_token);
        match end_session_url(&metadata, &config.client_id, id_token_hint, &post_logout_redirect_uri, &transaction) {
            Some(url) => {
                self.inner.transactions.save_logout(&transaction)?;
                leave.go(&url)?;
                Ok(RequestOutcome::RedirectingToProvider)
            }
            None => {
                navigation::replace_url(&return_url)?;
                Ok(RequestOutcome::SignedOutLocally)
            }
        }
    }

    /// Completes a sign-in or sign-out when the current page is its callback; call it once at start-up.
    ///
    /// Whatever the outcome, the callback's parameters are removed from the address bar, so that a reload
    /// or a step back in history does not run the exchange again.
    pub async fn handle_redirect(&self) -> Result<CallbackOutcome, AuthError> {
        // In a frame (our own silent renewal, or a page framing the app) a callback is not ours to use.
        if navigation::in_frame() {
            return Ok(CallbackOutcome::NotACallback);
        }
        let url = navigation::current_url();
        let config = &self.inner.config;
        let redirect_uri = self.app_url(&config.redirect_uri);
        let post_logout_redirect_uri = self.app_url(&config.post_logout_redirect_uri);
        match classify_callback(&url, &redirect_uri, &post_logout_redirect_uri) {
            CallbackKind::SignIn => {
                let (return_url, result) = match self.begin_code_exchange(&url) {
                    Ok((transaction, response)) => {
                        let grant = Grant::Code { response: Some(response), transaction: &transaction };
                        let tokens = self.tokens(grant).await;
                        self.finish_code_exchange(transaction, tokens)
                    }
                    Err(done) => done,
                };
                navigation::replace_url(&return_url)?;
                result
            }
            CallbackKind::SignOut => match self.complete_sign_out(&url)? {
                Some(return_url) => {
                    navigation::replace_url(&return_url)?;
                    Ok(CallbackOutcome::SignedOut)
                }
                // A `state` this browser did not issue: not our sign-out, so nothing happens.
                None => Ok(CallbackOutcome::NotACallback),
            },
            CallbackKind::None => {
                // A new tab (or one restored after missing messages) takes the open tabs' session.
                self.inner.sync.catch_up(HANDOVER_WAIT_MS).await;
                Ok(CallbackOutcome::NotACallback)
            }
        }
    }

    /// The sign-in callback at `url`, up to the token request: its transaction (taken from storage, so
    /// that it is used once) and the provider's response. Or the callback is done already: where to go
    /// next (the completed transaction's return URL, or the app root) and the outcome.
    fn begin_code_exchange(&self, url: &str) -> Result<(LoginTransaction, AuthorizationResponse), CallbackEnd> {
        let response = parse_authorization_response(url).map_err(|error| ("/".to_owned(), Err(error.into())))?;
        if let Some(completed) = response.state().and_then(|state| self.inner.transactions.completed(state)) {
            return Err((completed.return_url, Ok(CallbackOutcome::AlreadyCompleted)));
        }
        match self.take_login_transaction(&response) {
            Ok(transaction) => Ok((transaction, response)),
            Err(error) => Err(("/".to_owned(), Err(error))),
        }
    }

    /// Keeps the tokens the callback's exchange got (and marks its transaction completed, so that a
    /// reload of the callback goes where it went); returns where to go next and the outcome.
    fn finish_code_exchange(&self, transaction: LoginTransaction, tokens: Result<TokenSet, AuthError>) -> CallbackEnd {
        let LoginTransaction { return_url, state, .. } = transaction;
        let result = tokens.and_then(|set| self.store_sign_in(set));
        if result.is_ok() {
            let completed = CompletedTransaction { return_url: return_url.clone(), created_at: now_secs() };
            self.inner.transactions.save_completed(&state, &completed);
        }
        (return_url, result.map(CallbackOutcome::SignedIn))
    }

    /// The transaction the response's state names, removed from storage so that it is used once.
    fn take_login_transaction(&self, response: &AuthorizationResponse) -> Result<LoginTransaction, AuthError> {
        let Some(state) = response.state() else {
            return Err(match response {
                // Bound to no request of ours: its description is anyone's text, so it is not shown.
                AuthorizationResponse::Error { error, .. } => ProtocolError::from_provider(error, None),
                AuthorizationResponse::Code { .. } => ProtocolError::MissingParameter("state"),
            }
            .into());
        };
        self.inner.transactions.take_login(state)?.ok_or_else(|| ProtocolError::StateMismatch.into())
    }

    /// The return URL of the sign-out the callback's `state` names, once its tokens are gone; `None`
    /// when the state names no sign-out of this browser, or one older than 15 minutes.
    fn complete_sign_out(&self, url: &str) -> Result<Option<String>, AuthError> {
        let transaction = match sign_out_state(url) {
            Some(state) => self.inner.transactions.take_logout(&state)?,
            None => None,
        };
        let Some(Ok(return_url)) = transaction.map(|t| t.accept(now_secs())) else { return Ok(None) };
        // Signed out before leaving; again here, in case another tab signed in meanwhile.
        self.sign_out_here()?;
        Ok(Some(return_url))
    }

    /// Forgets the session in every tab of the app.
    fn sign_out_here(&self) -> Result<(), AuthError> {
        self.inner.sync.commit(None, false, false)
    }

    /// Signs out: revokes the refresh token where the provider can, forgets the session in every tab of
    /// the app at once, then sends the browser to the provider's end-session endpoint, which returns it
    /// to the post-logout redirect URI and from there to the request's return URL.
    pub async fn sign_out(&self, request: &InteractiveAuthenticationRequest) -> Result<RequestOutcome, AuthError> {
        self.interactive(request, Leave::KeepThisPage, true).await
    }

    /// The interactive request that gets a token for `scopes`, returning to the current page.
    pub(crate) fn interactive_request_for(
        &self,
        scopes: &Scopes,
    ) -> Result<InteractiveAuthenticationRequest, AuthError> {
        Ok(InteractiveAuthenticationRequest::get_token(scopes.clone(), navigation::current_path())?)
    }

    /// The cached access token for `scopes` that is not due for renewal: a lookup in memory.
    pub fn cached_token(&self, scopes: &Scopes) -> Option<CachedAccessToken> {
        self.inner.sync.current()?.access_token(scopes, now_secs()).cloned()
    }

    /// An access token for `scopes` without the user: from the cache, else renewed with the refresh
    /// token, else through a hidden iframe; otherwise the interactive request that gets one. Concurrent
    /// calls, for any scopes and in any tab of the app, renew one at a time, so the refresh token is
    /// presented once (see [`crate::protocol::renewal`]).
    pub async fn get_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        // A cached token is a lookup in memory; only a renewal runs the flow.
        if let Some(token) = self.cached_token(scopes) {
            return Ok(TokenResult::Success(token));
        }
        self.renew(scopes, None).await
    }

    /// Like [`Self::get_token`], but renews even when a cached token is still fresh (the API says it
    /// is not, say), through the same locks: a renewal another call or tab made meanwhile counts.
    pub async fn renew_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        let stale = self.cached_token(scopes).map(|token| token.access_token);
        self.renew(scopes, stale).await
    }

    /// Runs a renewal (see [`super::driver`]) and answers as the token calls do.
    async fn renew(&self, scopes: &Scopes, stale: Option<AccessToken>) -> Result<TokenResult, AuthError> {
        match self.run_renewal(scopes, stale).await? {
            Renewed::Token(token) => Ok(TokenResult::Success(token)),
            Renewed::InteractionRequired(reason) => self.requires_interaction(scopes, reason),
        }
    }

    fn requires_interaction(&self, scopes: &Scopes, reason: Option<Rc<AuthError>>) -> Result<TokenResult, AuthError> {
        Ok(TokenResult::RequiresInteraction(InteractionRequired::new(
            self.interactive_request_for(scopes)?,
            reason,
            self.config().login_path.clone(),
        )))
    }

    /// This tab's turn to renew (one renewal at a time in a tab), for the driver.
    pub(crate) fn renewal_turn(&self) -> &futures_util::lock::Mutex<()> {
        &self.inner.renewal_turn
    }

    /// The last renewal that needed the user, as this tab remembers it (for the driver).
    pub(crate) fn last_failure(&self) -> &RefCell<Option<RenewalFailure>> {
        &self.inner.last_failure
    }

    /// Forgets the signed-in account's cached access tokens that serve `scopes` (an API refused one), in
    /// every tab.
    pub fn forget_access_tokens(&self, scopes: &Scopes) -> Result<(), AuthError> {
        self.forget_where(|session| session.without_access_tokens_for(scopes))
    }

    /// Forgets one access token (an API refused it), in every tab; a newer token for the same scopes
    /// stays.
    pub fn forget_access_token(&self, refused: &AccessToken) -> Result<(), AuthError> {
        self.forget_where(|session| session.without_access_token(refused))
    }

    /// Commits the session `without` makes of the newest one, if it makes one.
    fn forget_where(&self, without: impl FnOnce(&Session) -> Option<Session>) -> Result<(), AuthError> {
        match self.inner.sync.view().session.and_then(|session| without(&session)) {
            Some(next) => self.inner.sync.commit(Some(next), false, false),
            None => Ok(()),
        }
    }
}

/// How a sign-in callback ends: where the app goes next, and the outcome.
type CallbackEnd = (String, Result<CallbackOutcome, AuthError>);

/// How the browser leaves for the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leave {
    /// `location.assign`: back returns to this page.
    KeepThisPage,
    /// `location.replace`: this page (a login or logout route) leaves history, so going back does not
    /// start its request again.
    ReplaceThisPage,
}

impl Leave {
    fn go(self, url: &str) -> Result<(), AuthError> {
        match self {
            Self::KeepThisPage => navigation::assign(url),
            Self::ReplaceThisPage => navigation::replace_location(url),
        }
    }
}
