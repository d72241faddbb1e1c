//! `AuthClient`: the face of the library. Its public methods are here; the flows they start are the
//! core's, run by the driver (`driver.rs`).

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use super::events::Subscription;
use super::provider_cache::ProviderCache;
use super::storage::open_store_at;
use super::tab_sync::TabSync;
use super::token_result::{InteractionRequired, TokenResult};
use super::transactions::TransactionStore;
use super::{navigation, now_secs, AuthError, CacheLocation, KeyValueStore, WebStorageStore};
use crate::protocol::renewal::{RenewalFailure, Renewed};
use crate::protocol::{
    resolve_app_url, AccessToken, Account, AuthEvent, CachedAccessToken, CallbackOutcome, ClientConfig,
    InteractiveAuthenticationRequest, PopupOptions, ProviderMetadata, RequestKind, RequestOutcome, Scopes, Session,
};

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
    /// The DPoP proof key (shared by the tabs, or in memory with a memory-only session), and each
    /// server's last nonce, as this tab's requests learnt them.
    #[cfg(feature = "dpop")]
    dpop: (super::DpopKeyStore, RefCell<crate::protocol::dpop::DpopNonces>),
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
            provider: ProviderCache::new(provider_store, &config.authority, &config.metadata_overrides),
            transactions: TransactionStore::new(transactions),
            renewal_turn: futures_util::lock::Mutex::new(()),
            last_failure: RefCell::new(None),
            #[cfg(feature = "dpop")]
            dpop: (
                match config.cache_location {
                    CacheLocation::Memory => super::DpopKeyStore::in_memory(),
                    _ => super::DpopKeyStore::new(&config.client_id, &config.authority),
                },
                RefCell::default(),
            ),
            config,
        });
        Ok(Self { inner })
    }

    /// The provider's metadata: from memory, storage (fresh for a day) or discovery.
    pub async fn metadata(&self) -> Result<Arc<ProviderMetadata>, AuthError> {
        self.provider_metadata().await
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

    /// Whether the signed-in session's tokens are bound to this browser's DPoP key (then they go out as
    /// `Authorization: DPoP <token>` with a proof, as the authorized fetch sends them) or are bearer
    /// tokens (DPoP off, a provider without it in `if_supported` mode, or a session from before DPoP was
    /// turned on); `None` when nobody is signed in.
    #[cfg(feature = "dpop")]
    pub fn tokens_bound(&self) -> Option<bool> {
        self.inner.sync.current().map(|session| session.dpop_jkt().is_some())
    }

    /// The session of this client in step with the other tabs (for the driver).
    pub(crate) fn sync(&self) -> &TabSync {
        &self.inner.sync
    }

    /// `value` (a path of this app, or an absolute URL) as an absolute URL on this page's origin.
    pub(crate) fn app_url(&self, value: &str) -> String {
        resolve_app_url(&navigation::origin(), value)
    }

    /// Starts an interactive sign-in (or token request) for `request`: remembers a new transaction and
    /// sends the browser to the provider (see [`crate::protocol::sign_in`]). The return URL must be a
    /// path of this app; anything else returns to the app root.
    pub async fn sign_in(&self, request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
        self.run_sign_in(request, Leave::KeepThisPage).await
    }

    /// Signs in in a popup window for `request` (its scopes, `prompt`, `login_hint`, … as
    /// [`Self::sign_in`] sends them); the page stays as it is. The window opens when this is called, not
    /// when the future is first polled: call it in a click handler, before anything is awaited, or the
    /// browser blocks it ([`AuthError::PopupBlocked`]: the app can sign in by redirect instead). The popup
    /// lands on `options.redirect_uri`, a static page that hands the provider's answer back to this page;
    /// the code is exchanged and checked here, as a redirect callback's, and the session is every tab's.
    ///
    /// Resolves to the account signed in, or fails with the provider's error, `popup_closed` (the user
    /// closed the window), or `popup_timeout` (no answer within `options.timeout_secs`; under
    /// `Cross-Origin-Opener-Policy: same-origin`, also how a closed popup ends, as the page cannot see the
    /// close there). A second call while a popup is open brings it to the front and resolves with its
    /// outcome (see [`crate::protocol::popup`]).
    pub fn sign_in_popup(
        &self,
        request: &InteractiveAuthenticationRequest,
        options: &PopupOptions,
    ) -> impl Future<Output = Result<Account, AuthError>> + 'static {
        self.start_popup(request, options)
    }

    /// Signs out: revokes the refresh token where the provider can, forgets the session in every tab of
    /// the app at once, then sends the browser to the provider's end-session endpoint, which returns it
    /// to the post-logout redirect URI and from there to the request's return URL (see
    /// [`crate::protocol::sign_out`]).
    pub async fn sign_out(&self, request: &InteractiveAuthenticationRequest) -> Result<RequestOutcome, AuthError> {
        self.run_sign_out(request, Leave::KeepThisPage).await
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
        let request = InteractiveAuthenticationRequest::for_route(super::history::current_request()?, default_kind)?;
        if request.kind == RequestKind::Logout {
            self.run_sign_out(&request, Leave::ReplaceThisPage).await
        } else {
            self.run_sign_in(&request, Leave::ReplaceThisPage).await.map(|()| RequestOutcome::RedirectingToProvider)
        }
    }

    /// Completes a sign-in or sign-out when the current page is its callback; call it once at start-up
    /// (see [`crate::protocol::redirect_callback`]). A page that is no callback takes the session of the
    /// app's open tabs, if this tab's copy is behind.
    ///
    /// Whatever the outcome, the callback's parameters are removed from the address bar, so that a reload
    /// or a step back in history does not run the exchange again.
    pub async fn handle_redirect(&self) -> Result<CallbackOutcome, AuthError> {
        self.run_callback().await
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
            self.clone(),
        )))
    }

    /// This tab's turn to renew (one renewal at a time in a tab), for the driver.
    pub(crate) fn renewal_turn(&self) -> &futures_util::lock::Mutex<()> {
        &self.inner.renewal_turn
    }

    /// The DPoP proof key's store (for the driver).
    #[cfg(feature = "dpop")]
    pub(crate) fn dpop_keys(&self) -> &super::DpopKeyStore {
        &self.inner.dpop.0
    }

    /// Each server's last DPoP nonce (for the driver and the authorized fetch).
    #[cfg(feature = "dpop")]
    pub(crate) fn dpop_nonces(&self) -> &RefCell<crate::protocol::dpop::DpopNonces> {
        &self.inner.dpop.1
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

/// How the browser leaves for the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Leave {
    /// `location.assign`: back returns to this page.
    KeepThisPage,
    /// `location.replace`: this page (a login or logout route) leaves history, so going back does not
    /// start its request again.
    ReplaceThisPage,
}

impl Leave {
    pub(crate) fn go(self, url: &str) -> Result<(), AuthError> {
        match self {
            Self::KeepThisPage => navigation::assign(url),
            Self::ReplaceThisPage => navigation::replace_location(url),
        }
    }
}
