//! `AuthClient`: runs the protocol core's sign-in, sign-out and token renewal through the browser.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::events::{AuthEvent, Events, Subscription};
use super::provider_cache::ProviderCache;
use super::session_store::SessionStore;
use super::storage::open_store_at;
use super::tabs::{SessionMessage, TabMessage, Tabs};
use super::transactions::TransactionStore;
use super::{http, navigation, now_secs, random_bytes, AuthError, CacheLocation, KeyValueStore, WebStorageStore};
use crate::protocol::flow::Grant;
use crate::protocol::storage_keys::channel_name;
use crate::protocol::{
    after_sign_in, authorize_url, classify_callback, end_session_url, parse_authorization_response, resolve_app_url,
    revocation_request_body, safe_return_url, session_events, sign_out_state, Account, AuthorizationResponse,
    CallbackKind, ClientConfig, CompletedTransaction, HomeAccountId, InteractiveAuthenticationRequest,
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

/// What [`AuthClient::sign_out`] (or [`AuthClient::run_request_from_history`]) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignOutOutcome {
    /// The browser is on its way to the provider (its end-session endpoint, or its sign-in page).
    RedirectingToProvider,
    /// The provider has no end-session endpoint: the local session is gone, the provider's stays.
    SignedOutLocally,
}

/// How long a new tab waits for an open tab of the app to hand over the session.
const HANDOVER_WAIT_MS: u32 = 300;

/// A sign-in client for one provider and one client id. Cheap to clone: clones share state.
#[derive(Clone)]
pub struct AuthClient {
    pub(crate) inner: Rc<Inner>,
}

pub(crate) struct Inner {
    config: ClientConfig,
    /// The signed-in account and its tokens, in the configured cache location.
    session: SessionStore,
    /// Discovery and JWKS.
    provider: ProviderCache,
    /// Sign-in and sign-out transactions (sessionStorage).
    transactions: TransactionStore,
    events: Events,
    /// One renewal at a time in this tab; the Web Lock orders the tabs.
    pub(crate) renewal: futures_util::lock::Mutex<()>,
    /// The other tabs of the app.
    tabs: RefCell<Option<Tabs>>,
    /// The last silent renewal that needed the user. Calls that waited behind it get its answer instead
    /// of running the same iframe again.
    pub(crate) last_failure: RefCell<Option<RenewalFailure>>,
}

/// A silent renewal that needed the user: (session revision, scopes, when, why).
pub(crate) type RenewalFailure = (u64, Scopes, i64, Rc<AuthError>);

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
            session: SessionStore::open(tokens, shared, local, &config.client_id, &config.authority),
            provider: ProviderCache::new(provider_store, &config.authority),
            transactions: TransactionStore::new(transactions),
            events: Events::default(),
            renewal: futures_util::lock::Mutex::new(()),
            tabs: RefCell::new(None),
            last_failure: RefCell::new(None),
            config,
        });
        let client = Self { inner };
        client.connect_tabs();
        Ok(client)
    }

    /// Follows the other tabs of the app (see [`Tabs`]).
    fn connect_tabs(&self) {
        let weak = Rc::downgrade(&self.inner);
        let client = move || weak.upgrade().map(|inner| AuthClient { inner });
        let on_message = {
            let client = client.clone();
            move |message| {
                if let Some(client) = client() {
                    client.on_tab_message(message);
                }
            }
        };
        let on_storage: Option<Box<dyn Fn(Option<String>)>> = self.inner.session.is_shared().then(|| {
            let client = client.clone();
            Box::new(move |key: Option<String>| {
                let Some(client) = client() else { return };
                // `None`: the app cleared the whole storage.
                if key.as_deref().is_none_or(|key| key == client.inner.session.key()) {
                    client.reload_shared_session();
                }
            }) as Box<dyn Fn(Option<String>)>
        });
        let on_restore = move || {
            if let Some(client) = client() {
                wasm_bindgen_futures::spawn_local(async move {
                    client.sync_with_open_tabs(HANDOVER_WAIT_MS).await;
                });
            }
        };
        let name = channel_name(&self.inner.config.client_id, &self.inner.config.authority);
        *self.inner.tabs.borrow_mut() = Some(Tabs::connect(&name, on_message, on_storage, on_restore));
    }

    /// Tells the other tabs the session at `revision` (see [`SessionMessage`]).
    fn post_session(&self, session: Option<&Session>, revision: u64, last: Option<&HomeAccountId>, signed_in: bool) {
        if let Some(tabs) = self.inner.tabs.borrow().as_ref() {
            tabs.post_session(session, revision, last, signed_in);
        }
    }

    /// Another tab's message: take its session if it is newer than ours (and tell the listeners what
    /// changed, as the acting tab told its own), or answer a tab that asks with ours.
    fn on_tab_message(&self, message: TabMessage) {
        match message {
            TabMessage::Hello => {
                let session = self.inner.session.current();
                if session.is_some() {
                    self.post_session(session.as_deref(), self.inner.session.revision(), None, false);
                }
            }
            TabMessage::Session(message) => {
                let SessionMessage { session, revision, last, signed_in } = *message;
                if let Some(previous) = self.inner.session.adopt(session, revision) {
                    self.emit_change(previous, last, signed_in);
                }
            }
        }
    }

    /// Reads a session in localStorage again (another tab wrote it) and tells the listeners.
    pub(crate) fn reload_shared_session(&self) {
        let last = self.inner.session.last_account();
        if let Some(previous) = self.inner.session.reload() {
            self.emit_change(previous, last, false);
        }
    }

    /// Tells the listeners what changed from `previous` to the current session (see
    /// [`session_events`]: `last` is who was signed in last before it, `signed_in` whether an
    /// interactive sign-in made it).
    fn emit_change(&self, previous: Option<Rc<Session>>, last: Option<HomeAccountId>, signed_in: bool) {
        let current = self.inner.session.current();
        for event in session_events(previous.as_deref(), current.as_deref(), last.as_ref(), signed_in) {
            self.emit(&event);
        }
    }

    /// Makes `next` the session at a new revision: written through to storage, published, told to the
    /// other tabs, then to this tab's listeners. On a storage error nothing changed.
    pub(crate) fn commit(&self, next: Option<Session>, signed_in: bool) -> Result<(), AuthError> {
        let last = self.inner.session.last_account();
        let revision = self.inner.session.next_revision();
        let previous = self.inner.session.write(next, revision)?;
        self.announce(previous, last, signed_in);
        Ok(())
    }

    /// Commits a renewal's session if nothing changed the session since the renewal started at
    /// `started_at` (a sign-out or a sign-in in any tab; they take no renewal lock): otherwise its tokens
    /// are dropped. A rotated refresh token that storage refuses is kept in memory all the same: the
    /// one stored before is dead.
    pub(crate) fn commit_renewal(&self, next: Session, started_at: u64) -> Result<(), AuthError> {
        if self.newest_revision() > started_at {
            let why = "the session changed (a sign-out or sign-in) while its token was being renewed";
            return Err(ProtocolError::LoginRequired(Some(why.into())).into());
        }
        let last = self.inner.session.last_account();
        let revision = self.inner.session.next_revision();
        let rotated = next.refresh_token() != self.session().as_deref().and_then(Session::refresh_token);
        let previous = match self.inner.session.write(Some(next.clone()), revision) {
            Ok(previous) => previous,
            Err(error) if rotated => {
                super::error::warn("could not store the renewed session; keeping it in memory", &error);
                self.inner.session.write_memory_only(next, revision)
            }
            Err(error) => return Err(error),
        };
        self.announce(previous, last, false);
        Ok(())
    }

    /// Forgets, in this tab's memory only, a refresh token that may have rotated since (see
    /// [`SessionStore::drop_stale_refresh_token`]).
    pub(crate) fn drop_stale_refresh_token(&self) {
        self.inner.session.drop_stale_refresh_token();
    }

    /// The revision this tab's session is at.
    pub(crate) fn session_revision(&self) -> u64 {
        self.inner.session.revision()
    }

    /// The newest revision this tab knows of: its own, or a newer one some tab published.
    pub(crate) fn newest_revision(&self) -> u64 {
        self.inner.session.revision().max(self.inner.session.published().map_or(0, |p| p.revision))
    }

    /// Tells the other tabs and this tab's listeners of the change from `previous` to the current state.
    fn announce(&self, previous: Option<Rc<Session>>, last: Option<HomeAccountId>, signed_in: bool) {
        let current = self.inner.session.current();
        self.post_session(current.as_deref(), self.inner.session.revision(), last.as_ref(), signed_in);
        self.emit_change(previous, last, signed_in);
    }

    /// Asks the open tabs for the session and waits up to `wait_ms` for one at `revision` or newer (or
    /// for a sign-out); returns whether it came.
    pub(crate) async fn catch_up(&self, revision: u64, wait_ms: u32) -> bool {
        if let Some(tabs) = self.inner.tabs.borrow().as_ref() {
            tabs.post_hello();
        }
        let mut waited = 0;
        loop {
            self.reload_shared_session();
            if self.inner.session.revision() >= revision {
                return true;
            }
            if waited >= wait_ms {
                return false;
            }
            // A timer does not fail.
            let _ = super::sleep(10).await;
            waited += 10;
        }
    }

    /// Brings this tab's session up to the published revision when it is behind (a new tab with
    /// sessionStorage or memory, a tab restored after missing messages): asks the open tabs, and takes a
    /// sign-out it missed. Returns whether this tab's session is now the newest one (it may then
    /// present its refresh token).
    pub(crate) async fn sync_with_open_tabs(&self, wait_ms: u32) -> bool {
        self.reload_shared_session();
        let Some(published) = self.inner.session.published() else { return true };
        let ours = self.inner.session.revision();
        if published.revision <= ours {
            return true;
        }
        if !published.signed_in {
            // A sign-out this tab missed: it signs out too.
            let last = self.inner.session.last_account();
            if let Some(previous) = self.inner.session.adopt(None, published.revision) {
                self.emit_change(previous, last, false);
            }
            return true;
        }
        self.catch_up(published.revision, wait_ms).await
    }

    /// The client's configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls `listener` on every [`AuthEvent`] from now on: those of this tab, and those of the other
    /// tabs of the app (each tab's client emits the same events).
    pub fn subscribe(&self, listener: impl Fn(&AuthEvent) + 'static) -> Subscription {
        self.inner.events.subscribe(listener)
    }

    /// Stops a listener.
    pub fn unsubscribe(&self, subscription: Subscription) {
        self.inner.events.unsubscribe(subscription)
    }

    /// Tells the listeners `event` (which the caller keeps: it may take back what it carries).
    pub(crate) fn emit(&self, event: &AuthEvent) {
        self.inner.events.emit(event)
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
        self.inner.session.current().map(|session| session.account.clone())
    }

    /// The signed-in session (from memory).
    pub(crate) fn session(&self) -> Option<Rc<Session>> {
        self.inner.session.current()
    }

    /// Keeps a sign-in's checked tokens. Another account's session is replaced (and `AccountChanged`
    /// told); the same account keeps its other tokens.
    pub(crate) fn store_sign_in(&self, set: TokenSet) -> Result<Account, AuthError> {
        let next = after_sign_in(self.inner.session.current().as_deref(), set)?;
        let account = next.account.clone();
        self.commit(Some(next), true)?;
        Ok(account)
    }

    /// `value` (a path of this app, or an absolute URL) as an absolute URL on this page's origin.
    pub(crate) fn app_url(&self, value: &str) -> String {
        resolve_app_url(&navigation::origin(), value)
    }

    /// Authorize parameters of `request`, plus those of the configuration.
    pub(crate) fn extra_parameters(&self, request_parameters: Vec<(String, String)>) -> Vec<(String, String)> {
        let mut params = request_parameters;
        if self.inner.config.sends_client_info() {
            params.push(("client_info".into(), "1".into()));
        }
        params
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
    pub async fn run_request_from_history(&self, default_kind: RequestKind) -> Result<SignOutOutcome, AuthError> {
        self.run_request_from_history_boxed(default_kind).await
    }

    /// The flow of [`Self::run_request_from_history`], boxed in this crate (see [`Boxed`]).
    #[inline(never)]
    fn run_request_from_history_boxed(&self, default_kind: RequestKind) -> Boxed<'_, SignOutOutcome> {
        Box::pin(async move {
            let request = match (super::history::current_request()?, default_kind) {
                (Some(request), _) => request,
                (None, RequestKind::Logout) => {
                    let why = "sign-out was not started by this app (no request in history state)";
                    return Err(ProtocolError::InvalidRequest(why.into()).into());
                }
                (None, _) => InteractiveAuthenticationRequest::login("/"),
            };
            self.interactive(&request, Leave::ReplaceThisPage, request.kind == RequestKind::Logout).await
        })
    }

    /// The one flow behind [`Self::sign_in`], [`Self::sign_out`] and [`Self::run_request_from_history`]:
    /// a sign-in (`sign_out` false) or a sign-out for `request`. Only the provider's metadata and the
    /// revocation are awaited, and what follows is plain code ([`Self::leave_for_provider`]): one boxed
    /// flow (see [`Boxed`]), so that the npm package's `login` and `redirect()` share it.
    fn interactive<'a>(
        &'a self,
        request: &'a InteractiveAuthenticationRequest,
        leave: Leave,
        sign_out: bool,
    ) -> Boxed<'a, SignOutOutcome> {
        Box::pin(async move {
            let session = self.inner.session.current();
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
        })
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
    ) -> Result<SignOutOutcome, AuthError> {
        let config = &self.inner.config;
        let return_url = safe_return_url(&request.return_url, &navigation::origin());
        let now = now_secs();
        if !sign_out {
            let metadata = metadata?;
            let scopes = config.scopes.union(&request.scopes).for_sign_in();
            let transaction =
                LoginTransaction::begin(&self.app_url(&config.redirect_uri), scopes, &return_url, now, random_bytes()?)
                    .with_max_age(request.max_age);
            let params = self.extra_parameters(request.authorize_parameters()?);
            let url = authorize_url(&metadata, &config.client_id, &transaction, &params)?;
            self.inner.transactions.save_login(&transaction)?;
            leave.go(&url)?;
            return Ok(SignOutOutcome::RedirectingToProvider);
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
                Ok(SignOutOutcome::RedirectingToProvider)
            }
            None => {
                navigation::replace_url(&return_url)?;
                Ok(SignOutOutcome::SignedOutLocally)
            }
        }
    }

    /// Completes a sign-in or sign-out when the current page is its callback; call it once at start-up.
    ///
    /// Whatever the outcome, the callback's parameters are removed from the address bar, so that a reload
    /// or a step back in history does not run the exchange again.
    pub async fn handle_redirect(&self) -> Result<CallbackOutcome, AuthError> {
        self.handle_redirect_boxed().await
    }

    /// The flow of [`Self::handle_redirect`], boxed in this crate (see [`Boxed`]).
    #[inline(never)]
    pub(crate) fn handle_redirect_boxed(&self) -> Boxed<'_, CallbackOutcome> {
        Box::pin(self.handle_redirect_flow())
    }

    async fn handle_redirect_flow(&self) -> Result<CallbackOutcome, AuthError> {
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
                self.sync_with_open_tabs(HANDOVER_WAIT_MS).await;
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
        self.commit(None, false)
    }

    /// Signs out: revokes the refresh token where the provider can, forgets the session in every tab of
    /// the app at once, then sends the browser to the provider's end-session endpoint, which returns it
    /// to the post-logout redirect URI and from there to the request's return URL.
    pub async fn sign_out(&self, request: &InteractiveAuthenticationRequest) -> Result<SignOutOutcome, AuthError> {
        self.interactive(request, Leave::KeepThisPage, true).await
    }

    /// The interactive request that gets a token for `scopes`, returning to the current page.
    pub(crate) fn interactive_request_for(
        &self,
        scopes: &Scopes,
    ) -> Result<InteractiveAuthenticationRequest, AuthError> {
        Ok(InteractiveAuthenticationRequest::get_token(scopes.clone(), navigation::current_path())?)
    }
}

/// A flow of the client's as a future boxed by a (non-generic) method of this crate. Stable Rust compiles
/// an async body, and the generic code inside it (`JsFuture`, closures' glue, …), in the crate that
/// awaits it: an app awaiting the client's flows compiled them in its own crate, a second copy of those
/// generics beside this crate's. Boxed here, they are compiled once, in this crate: the Leptos quick
/// start 804 B gzip smaller (the npm package, whose JS API awaits the same boxed flow, 328 B larger:
/// the flow is no longer inlined into its promise; measured 2026-12-06).
pub(crate) type Boxed<'a, T> = Pin<Box<dyn Future<Output = Result<T, AuthError>> + 'a>>;

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
