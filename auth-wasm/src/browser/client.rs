//! `AuthClient`: runs the protocol core's sign-in, sign-out and token renewal through the browser.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::{LocalBoxFuture, Shared};

use super::events::{AuthEvent, Events, Subscription};
use super::{http, navigation, now_secs, open_store, signature, AuthError, CacheLocation, KeyValueStore, TokenResult};
use crate::protocol::{
    account_record_key, authorize_url, classify_callback, discovery_url, end_session_url, last_account_key,
    parse_authorization_response, query_of, renewal_applies, replaced_account, resolve_app_url,
    revocation_request_body, safe_return_url, AccountRecord, AuthorizationResponse, CacheScope, CallbackKind,
    ClientConfig, CompletedTransaction, HomeAccountId, IdToken, IdTokenError, InteractiveAuthenticationRequest, JwkSet,
    LoginTransaction, LogoutTransaction, ProtocolError, ProviderMetadata, RefreshToken, RequestKind, Scopes, State,
    TokenSet, User,
};

/// What [`AuthClient::handle_redirect`] found on the current page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// The page is not a sign-in or sign-out callback.
    NotACallback,
    /// A sign-in completed; the address bar now shows the page the sign-in started from.
    SignedIn(User),
    /// The provider sent the browser back after sign-out.
    SignedOut,
    /// The callback of a sign-in that already completed (a reload, or history): nothing was exchanged
    /// again, and the address bar shows where that sign-in went.
    AlreadyCompleted,
}

/// What [`AuthClient::sign_out`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOutOutcome {
    /// The browser is on its way to the provider's end-session endpoint.
    RedirectingToProvider,
    /// The provider has no end-session endpoint: the local session is gone, the provider's stays.
    SignedOutLocally,
}

/// Why tokens are being kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenPurpose {
    /// The user signed in.
    SignIn,
    /// A silent renewal for this account.
    Renewal(HomeAccountId),
}

pub(crate) type SharedRenewal = Shared<LocalBoxFuture<'static, Result<TokenResult, AuthError>>>;

/// A sign-in client for one provider and one client id. Cheap to clone: clones share state.
#[derive(Clone)]
pub struct AuthClient {
    pub(crate) inner: Rc<Inner>,
}

pub(crate) struct Inner {
    pub config: ClientConfig,
    /// Where tokens are kept (the configured cache location).
    pub tokens: Rc<dyn KeyValueStore>,
    /// Where sign-in and sign-out transactions are kept: sessionStorage, which survives the redirect to
    /// the provider and is private to the tab.
    pub transactions: Rc<dyn KeyValueStore>,
    metadata: RefCell<Option<Rc<ProviderMetadata>>>,
    jwks: RefCell<Option<Rc<JwkSet>>>,
    pub events: Events,
    /// Renewals under way, by cache key: concurrent requests for one key share one token request.
    pub in_flight: RefCell<Vec<(String, SharedRenewal)>>,
}

impl AuthClient {
    /// A client keeping tokens where `config.cache_location` says.
    pub fn new(config: ClientConfig) -> Result<Self, AuthError> {
        let tokens = open_store(config.cache_location);
        Self::with_stores(config, tokens, open_store(CacheLocation::SessionStorage))
    }

    /// A client over given stores (tests, or an app with its own storage).
    pub fn with_stores(
        config: ClientConfig,
        tokens: Rc<dyn KeyValueStore>,
        transactions: Rc<dyn KeyValueStore>,
    ) -> Result<Self, AuthError> {
        config.validate()?;
        Ok(Self {
            inner: Rc::new(Inner {
                config,
                tokens,
                transactions,
                metadata: RefCell::new(None),
                jwks: RefCell::new(None),
                events: Events::default(),
                in_flight: RefCell::new(Vec::new()),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls `listener` on every [`AuthEvent`] from now on.
    pub fn subscribe(&self, listener: impl Fn(&AuthEvent) + 'static) -> Subscription {
        self.inner.events.subscribe(listener)
    }

    pub fn unsubscribe(&self, subscription: Subscription) {
        self.inner.events.unsubscribe(subscription)
    }

    pub(crate) fn emit(&self, event: AuthEvent) {
        self.inner.events.emit(event)
    }

    /// The provider's metadata: fetched once, then kept in sessionStorage so that the callback page
    /// after the redirect needs no second fetch.
    pub async fn metadata(&self) -> Result<Rc<ProviderMetadata>, AuthError> {
        if let Some(metadata) = self.inner.metadata.borrow().as_ref() {
            return Ok(metadata.clone());
        }
        let authority = &self.inner.config.authority;
        let url = discovery_url(authority);
        let key = format!("auth-wasm.discovery|{authority}");
        let metadata = match self.inner.transactions.load::<ProviderMetadata>(&key)? {
            Some(metadata) => metadata,
            None => {
                let response = http::get(&url).await?;
                if response.status != 200 {
                    return Err(ProtocolError::from_status(response.status).into());
                }
                let metadata = ProviderMetadata::from_json(&response.body, authority)?;
                self.inner.transactions.save(&key, &metadata)?;
                metadata
            }
        };
        let metadata = Rc::new(metadata);
        *self.inner.metadata.borrow_mut() = Some(metadata.clone());
        Ok(metadata)
    }

    async fn fetch_jwks(&self, metadata: &ProviderMetadata) -> Result<Rc<JwkSet>, AuthError> {
        let response = http::get(&metadata.jwks_uri).await?;
        if response.status != 200 {
            return Err(ProtocolError::from_status(response.status).into());
        }
        let jwks = Rc::new(JwkSet::from_json(&response.body)?);
        *self.inner.jwks.borrow_mut() = Some(jwks.clone());
        Ok(jwks)
    }

    /// Verifies an ID token's signature against the provider's keys; a token naming a key we do not
    /// know makes us fetch the keys once more (the provider may have rotated them).
    pub(crate) async fn verify_id_token_signature(
        &self,
        metadata: &ProviderMetadata,
        id_token: &IdToken,
    ) -> Result<(), AuthError> {
        let cached = self.inner.jwks.borrow().clone();
        let was_cached = cached.is_some();
        let jwks = match cached {
            Some(jwks) => jwks,
            None => self.fetch_jwks(metadata).await?,
        };
        match signature::verify_signature(id_token, &jwks).await {
            // An unknown key: the provider may have rotated its keys since we fetched them.
            Err(AuthError::Protocol(ProtocolError::IdToken(IdTokenError::UnknownKey(_)))) if was_cached => {
                let jwks = self.fetch_jwks(metadata).await?;
                signature::verify_signature(id_token, &jwks).await
            }
            other => other,
        }
    }

    fn account_key(&self) -> String {
        account_record_key(&self.inner.config.client_id, &self.inner.config.authority)
    }

    /// The signed-in account with its ID token, if any.
    pub fn account(&self) -> Result<Option<AccountRecord>, AuthError> {
        self.inner.tokens.load(&self.account_key())
    }

    /// The signed-in user, if any.
    pub fn user(&self) -> Result<Option<User>, AuthError> {
        Ok(self.account()?.map(|record| record.user()))
    }

    pub(crate) fn cache_scope<'a>(&'a self, record: &'a AccountRecord) -> CacheScope<'a> {
        CacheScope { client_id: &self.inner.config.client_id, issuer: &record.account.issuer }
    }

    pub(crate) fn refresh_token(&self, record: &AccountRecord) -> Result<Option<RefreshToken>, AuthError> {
        let key = self.cache_scope(record).refresh_token_key(&record.account.home_account_id);
        Ok(self.inner.tokens.get(&key)?.map(RefreshToken::new))
    }

    /// Keeps what a checked token response holds. After an interactive sign-in it replaces another
    /// account's tokens (and says so); a silent renewal is kept only if [`renewal_applies`].
    pub(crate) fn store_token_set(&self, set: &TokenSet, purpose: TokenPurpose) -> Result<(), AuthError> {
        let previous = self.account()?;
        let current = previous.as_ref().map(|p| &p.account.home_account_id);
        if let TokenPurpose::Renewal(renewed_for) = &purpose {
            let returned = set.account.as_ref().map(|a| &a.account.home_account_id);
            if !renewal_applies(current, renewed_for, returned) {
                let why = "the signed-in account changed while its token was being renewed";
                return Err(ProtocolError::LoginRequired(Some(why.into())).into());
            }
        }
        let record = match (&set.account, &previous) {
            (Some(record), _) => record.clone(),
            (None, Some(previous)) => previous.clone(),
            (None, None) => return Err(AuthError::Storage("no signed-in account to keep tokens for".into())),
        };
        let home = &record.account.home_account_id;
        let last_key = last_account_key(&self.inner.config.client_id, &self.inner.config.authority);
        let last = self.inner.tokens.get(&last_key)?.map(HomeAccountId::from_stored);
        let replaced = replaced_account(current, last.as_ref(), home);
        if let Some(previous) = previous.as_ref().filter(|p| Some(&p.account.home_account_id) == replaced.as_ref()) {
            self.remove_account_tokens(previous)?;
        }
        let cache = self.cache_scope(&record);
        self.inner.tokens.save(&self.account_key(), &record)?;
        self.inner.tokens.set(&last_key, home.as_str())?;
        if let Some(refresh_token) = &set.refresh_token {
            self.inner.tokens.set(&cache.refresh_token_key(home), refresh_token.secret())?;
        }
        self.inner.tokens.save(&cache.access_token_key(home, &set.access_token.scopes), &set.access_token)?;
        if let Some(previous) = replaced {
            self.emit(AuthEvent::AccountChanged { previous, current: record.user() });
        }
        if purpose == TokenPurpose::SignIn {
            self.emit(AuthEvent::SignedIn(record.user()));
        }
        Ok(())
    }

    /// Removes every token of `record`'s account, and the account record if it is the signed-in one.
    fn remove_account_tokens(&self, record: &AccountRecord) -> Result<(), AuthError> {
        let prefix = self.cache_scope(record).account_tokens_prefix(&record.account.home_account_id);
        for key in self.inner.tokens.keys()?.into_iter().filter(|k| k.starts_with(&prefix)) {
            self.inner.tokens.remove(&key)?;
        }
        if self.account()?.is_some_and(|current| current.account.home_account_id == record.account.home_account_id) {
            self.inner.tokens.remove(&self.account_key())?;
        }
        Ok(())
    }

    fn app_url(&self, value: &str) -> Result<String, AuthError> {
        Ok(resolve_app_url(&navigation::origin()?, value))
    }

    /// Removes abandoned transactions (older than 15 minutes) of every kind.
    fn remove_stale_transactions(&self, now: i64) -> Result<(), AuthError> {
        let store = &self.inner.transactions;
        for key in store.keys()? {
            let stale = if key.starts_with(LoginTransaction::STORAGE_PREFIX) {
                store.load::<LoginTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else if key.starts_with(LogoutTransaction::STORAGE_PREFIX) {
                store.load::<LogoutTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else if key.starts_with(CompletedTransaction::STORAGE_PREFIX) {
                store.load::<CompletedTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else {
                false
            };
            if stale {
                store.remove(&key)?;
            }
        }
        Ok(())
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
        self.start_sign_in(request, Leave::KeepThisPage).await
    }

    async fn start_sign_in(&self, request: &InteractiveAuthenticationRequest, leave: Leave) -> Result<(), AuthError> {
        if request.kind == RequestKind::Logout {
            return Err(ProtocolError::InvalidRequest("a logout request goes to sign_out".into()).into());
        }
        let now = now_secs();
        self.remove_stale_transactions(now)?;
        let metadata = self.metadata().await?;
        let config = &self.inner.config;
        let return_url = safe_return_url(&request.return_url, &navigation::origin()?);
        let scopes = config.scopes.union(&request.scopes).for_sign_in();
        let transaction = LoginTransaction::begin(&self.app_url(&config.redirect_uri)?, scopes, &return_url, now)?
            .with_max_age(request.max_age);
        let params = self.extra_parameters(request.authorize_parameters()?);
        let url = authorize_url(&metadata, &config.client_id, &transaction, &params)?;
        self.inner.transactions.save(&LoginTransaction::storage_key(&transaction.state), &transaction)?;
        leave.go(&url)
    }

    /// Runs the request the current history entry carries (see [`super::navigate_to_login`]): what a
    /// login or logout route calls. Without one, a login route signs in returning to the app root, but a
    /// logout route refuses (a plain link must not sign anyone out). The route's history entry is
    /// replaced by the provider's page, so that going back does not start the request again.
    pub async fn run_request_from_history(&self, default_kind: RequestKind) -> Result<(), AuthError> {
        let request = match (super::history::current_request()?, default_kind) {
            (Some(request), _) => request,
            (None, RequestKind::Logout) => {
                let why = "sign-out was not started by this app (no request in history state)";
                return Err(ProtocolError::InvalidRequest(why.into()).into());
            }
            (None, _) => InteractiveAuthenticationRequest::login("/"),
        };
        match request.kind {
            RequestKind::Logout => self.finish_sign_out(&request, Leave::ReplaceThisPage).await.map(|_| ()),
            _ => self.start_sign_in(&request, Leave::ReplaceThisPage).await,
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
        let url = navigation::current_url()?;
        let config = &self.inner.config;
        let redirect_uri = self.app_url(&config.redirect_uri)?;
        let post_logout_redirect_uri = self.app_url(&config.post_logout_redirect_uri)?;
        match classify_callback(&url, &redirect_uri, &post_logout_redirect_uri) {
            CallbackKind::SignIn => {
                let (return_url, result) = self.complete_sign_in(&url).await;
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
            CallbackKind::None => Ok(CallbackOutcome::NotACallback),
        }
    }

    /// Returns where to go next (the transaction's return URL, or the app root when there is no
    /// transaction) together with the result.
    async fn complete_sign_in(&self, url: &str) -> (String, Result<CallbackOutcome, AuthError>) {
        let response = match parse_authorization_response(url) {
            Ok(response) => response,
            Err(error) => return ("/".to_owned(), Err(error.into())),
        };
        if let Some(state) = response.state() {
            let completed =
                self.inner.transactions.load::<CompletedTransaction>(&CompletedTransaction::storage_key(state));
            if let Ok(Some(completed)) = completed {
                return (completed.return_url, Ok(CallbackOutcome::AlreadyCompleted));
            }
        }
        let transaction = match self.take_login_transaction(&response) {
            Ok(transaction) => transaction,
            Err(error) => return ("/".to_owned(), Err(error)),
        };
        let return_url = transaction.return_url.clone();
        let state = transaction.state.clone();
        let result = self.exchange_code(response, &transaction, TokenPurpose::SignIn).await;
        if result.is_ok() {
            let completed = CompletedTransaction { return_url: return_url.clone(), created_at: now_secs() };
            // Best effort: without it a reload of the callback shows a state error, nothing worse.
            let _ = self.inner.transactions.save(&CompletedTransaction::storage_key(&state), &completed);
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
        self.inner
            .transactions
            .take(&LoginTransaction::storage_key(state))?
            .ok_or_else(|| ProtocolError::StateMismatch.into())
    }

    /// Exchanges the code of `response` and keeps the tokens; nothing is kept unless every check passes.
    pub(crate) async fn exchange_code(
        &self,
        response: AuthorizationResponse,
        transaction: &LoginTransaction,
        purpose: TokenPurpose,
    ) -> Result<User, AuthError> {
        let metadata = self.metadata().await?;
        let code = transaction.accept(response, &metadata, now_secs())?;
        let body = crate::protocol::authorization_code_request_body(&self.inner.config, transaction, &code);
        let tokens = self.token_request(&metadata, body).await?;
        if let Some(id_token) = &tokens.id_token {
            self.verify_id_token_signature(&metadata, id_token).await?;
        }
        let set = self.token_context(&metadata).code_exchange(tokens, transaction)?;
        self.store_token_set(&set, purpose)?;
        set.account.map(|account| account.user()).ok_or_else(|| {
            ProtocolError::InvalidTokenResponse("the response to a sign-in names no account".into()).into()
        })
    }

    pub(crate) fn token_context<'a>(&'a self, metadata: &'a ProviderMetadata) -> crate::protocol::TokenContext<'a> {
        crate::protocol::TokenContext { metadata, client_id: &self.inner.config.client_id, now: now_secs() }
    }

    pub(crate) async fn token_request(
        &self,
        metadata: &ProviderMetadata,
        body: String,
    ) -> Result<crate::protocol::TokenResponse, AuthError> {
        let http = http::post_form(&metadata.token_endpoint, body).await?;
        Ok(crate::protocol::parse_token_response(http.status, &http.body)?)
    }

    /// The return URL of the sign-out the callback's `state` names, once its tokens are gone; `None`
    /// when the state names no sign-out of this browser, or one older than 15 minutes.
    fn complete_sign_out(&self, url: &str) -> Result<Option<String>, AuthError> {
        let state = form_urlencoded::parse(query_of(url).as_bytes()).find(|(name, _)| name == "state");
        let transaction: Option<LogoutTransaction> = match state {
            Some((_, state)) => self.inner.transactions.take(&LogoutTransaction::storage_key(&State::new(state)))?,
            None => None,
        };
        let Some(Ok(return_url)) = transaction.map(|t| t.accept(now_secs())) else { return Ok(None) };
        // Signed out before leaving; again here, in case another tab signed in meanwhile.
        if let Some(record) = self.account()? {
            self.remove_account_tokens(&record)?;
        }
        self.emit(AuthEvent::SignedOut);
        Ok(Some(return_url))
    }

    /// Signs out: revokes the refresh token where the provider can, forgets the account's tokens at once,
    /// then sends the browser to the provider's end-session endpoint, which returns it to the post-logout
    /// redirect URI and from there to the request's return URL.
    pub async fn sign_out(&self, request: &InteractiveAuthenticationRequest) -> Result<SignOutOutcome, AuthError> {
        self.finish_sign_out(request, Leave::KeepThisPage).await
    }

    async fn finish_sign_out(
        &self,
        request: &InteractiveAuthenticationRequest,
        leave: Leave,
    ) -> Result<SignOutOutcome, AuthError> {
        let record = self.account()?;
        let metadata = self.metadata().await;
        if let (Some(record), Ok(metadata)) = (&record, &metadata) {
            if let (Some(endpoint), Some(refresh_token)) = (&metadata.revocation_endpoint, self.refresh_token(record)?)
            {
                let body = revocation_request_body(&self.inner.config.client_id, &refresh_token);
                // Revocation is a courtesy: the sign-out goes on if the provider does not answer.
                if let Err(error) = http::post_form(endpoint, body).await {
                    web_sys::console::warn_1(&format!("auth-wasm: could not revoke the refresh token: {error}").into());
                }
            }
        }
        if let Some(record) = &record {
            self.remove_account_tokens(record)?;
        }
        self.emit(AuthEvent::SignedOut);
        let metadata = metadata?;
        let config = &self.inner.config;
        let return_url = safe_return_url(&request.return_url, &navigation::origin()?);
        let transaction = LogoutTransaction::begin(&return_url, now_secs())?;
        let post_logout_redirect_uri = self.app_url(&config.post_logout_redirect_uri)?;
        let id_token_hint = record.as_ref().map(|r| &r.id_token);
        match end_session_url(&metadata, &config.client_id, id_token_hint, &post_logout_redirect_uri, &transaction) {
            Some(url) => {
                self.inner.transactions.save(&LogoutTransaction::storage_key(&transaction.state), &transaction)?;
                leave.go(&url)?;
                Ok(SignOutOutcome::RedirectingToProvider)
            }
            None => {
                navigation::replace_url(&return_url)?;
                Ok(SignOutOutcome::SignedOutLocally)
            }
        }
    }

    /// The interactive request that gets a token for `scopes`, returning to the current page.
    pub(crate) fn interactive_request_for(
        &self,
        scopes: &Scopes,
    ) -> Result<InteractiveAuthenticationRequest, AuthError> {
        Ok(InteractiveAuthenticationRequest::get_token(scopes.clone(), navigation::current_path()?)?)
    }
}

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
