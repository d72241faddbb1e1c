//! `AuthClient`: runs the protocol core's sign-in and sign-out through the browser.

use std::cell::RefCell;
use std::rc::Rc;

use super::{http, navigation, now_secs, open_store, AuthError, CacheLocation, KeyValueStore};
use crate::protocol::{
    authorization_code_request_body, authorize_url, discovery_url, end_session_url, parse_authorization_response,
    parse_token_response, query_of, resolve_app_url, AuthorizationResponse, ClientConfig, LoginTransaction,
    LogoutTransaction, ProtocolError, ProviderMetadata, Session, State, User,
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
}

/// What [`AuthClient::sign_out`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOutOutcome {
    /// The browser is on its way to the provider's end-session endpoint.
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
    /// Where tokens are kept (the configured cache location).
    tokens: Rc<dyn KeyValueStore>,
    /// Where sign-in and sign-out transactions are kept: always sessionStorage, which survives the
    /// redirect to the provider and is private to the tab.
    transactions: Rc<dyn KeyValueStore>,
    metadata: RefCell<Option<Rc<ProviderMetadata>>>,
}

impl AuthClient {
    /// A client keeping tokens in sessionStorage.
    pub fn new(config: ClientConfig) -> Result<Self, AuthError> {
        Self::with_cache_location(config, CacheLocation::default())
    }

    pub fn with_cache_location(config: ClientConfig, location: CacheLocation) -> Result<Self, AuthError> {
        Self::with_stores(config, open_store(location), open_store(CacheLocation::SessionStorage))
    }

    /// A client over given stores (tests, or an app with its own storage).
    pub fn with_stores(
        config: ClientConfig,
        tokens: Rc<dyn KeyValueStore>,
        transactions: Rc<dyn KeyValueStore>,
    ) -> Result<Self, AuthError> {
        config.validate()?;
        Ok(Self { inner: Rc::new(Inner { config, tokens, transactions, metadata: RefCell::new(None) }) })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The provider's metadata, fetched once per page.
    pub async fn metadata(&self) -> Result<Rc<ProviderMetadata>, AuthError> {
        if let Some(metadata) = self.inner.metadata.borrow().as_ref() {
            return Ok(metadata.clone());
        }
        let authority = &self.inner.config.authority;
        let url = discovery_url(authority);
        let response = http::get(&url).await?;
        if response.status != 200 {
            return Err(ProtocolError::UnexpectedStatus { status: response.status }.into());
        }
        let metadata = Rc::new(ProviderMetadata::from_json(&response.body, authority)?);
        *self.inner.metadata.borrow_mut() = Some(metadata.clone());
        Ok(metadata)
    }

    /// The signed-in session, if there is one.
    pub fn session(&self) -> Result<Option<Session>, AuthError> {
        self.inner.tokens.load(Session::STORAGE_KEY)
    }

    /// The signed-in user, if there is one.
    pub fn user(&self) -> Result<Option<User>, AuthError> {
        Ok(self.session()?.map(|s| s.user()))
    }

    fn app_url(&self, value: &str) -> Result<String, AuthError> {
        Ok(resolve_app_url(&navigation::origin()?, value))
    }

    /// Starts a sign-in: remembers a new transaction and sends the browser to the provider. After the
    /// sign-in the app returns to `return_url` (a path of this app; the current page when `None`).
    pub async fn sign_in(&self, return_url: Option<&str>) -> Result<(), AuthError> {
        let metadata = self.metadata().await?;
        let config = &self.inner.config;
        let return_url = match return_url {
            Some(url) => url.to_owned(),
            None => current_path()?,
        };
        let transaction = LoginTransaction::begin(
            &self.app_url(&config.redirect_uri)?,
            config.scopes.for_sign_in(),
            &return_url,
            now_secs(),
        )?;
        let url = authorize_url(&metadata, &config.client_id, &transaction, &[])?;
        self.inner.transactions.save(&LoginTransaction::storage_key(&transaction.state), &transaction)?;
        navigation::assign(&url)
    }

    /// Completes a sign-in or sign-out when the current page is its callback; call it once at start-up.
    ///
    /// Whatever the outcome, the callback's parameters are removed from the address bar, so that a reload
    /// or a step back in history does not run the exchange again.
    pub async fn handle_redirect(&self) -> Result<CallbackOutcome, AuthError> {
        let url = navigation::current_url()?;
        let config = &self.inner.config;
        if query_of(&url).is_empty() {
            return Ok(CallbackOutcome::NotACallback);
        }
        if same_page(&url, &self.app_url(&config.redirect_uri)?) {
            let (return_url, result) = self.complete_sign_in(&url).await;
            navigation::replace_url(&return_url)?;
            return result.map(CallbackOutcome::SignedIn);
        }
        if same_page(&url, &self.app_url(&config.post_logout_redirect_uri)?) {
            let return_url = self.complete_sign_out(&url)?;
            navigation::replace_url(&return_url)?;
            return Ok(CallbackOutcome::SignedOut);
        }
        Ok(CallbackOutcome::NotACallback)
    }

    /// Returns where to go next (the transaction's return URL, or the app root when there is no
    /// transaction) together with the result.
    async fn complete_sign_in(&self, url: &str) -> (String, Result<User, AuthError>) {
        let response = match parse_authorization_response(url) {
            Ok(response) => response,
            Err(error) => return ("/".to_owned(), Err(error.into())),
        };
        let transaction = match self.take_login_transaction(&response) {
            Ok(transaction) => transaction,
            Err(error) => return ("/".to_owned(), Err(error)),
        };
        let return_url = transaction.return_url.clone();
        (return_url, self.exchange_code(response, transaction).await)
    }

    /// The transaction the response's state names, removed from storage so that it is used once.
    fn take_login_transaction(&self, response: &AuthorizationResponse) -> Result<LoginTransaction, AuthError> {
        let Some(state) = response.state() else {
            return Err(match response {
                AuthorizationResponse::Error { error, description, .. } => {
                    ProtocolError::Provider { error: error.clone(), description: description.clone() }
                }
                AuthorizationResponse::Code { .. } => ProtocolError::MissingParameter("state"),
            }
            .into());
        };
        self.inner
            .transactions
            .take(&LoginTransaction::storage_key(state))?
            .ok_or_else(|| ProtocolError::StateMismatch.into())
    }

    async fn exchange_code(&self, response: AuthorizationResponse, transaction: LoginTransaction) -> Result<User, AuthError> {
        let metadata = self.metadata().await?;
        let client_id = &self.inner.config.client_id;
        let code = transaction.accept(response, &metadata)?;
        let body = authorization_code_request_body(client_id, &transaction, &code);
        let http = http::post_form(&metadata.token_endpoint, body).await?;
        let tokens = parse_token_response(http.status, &http.body)?;
        let session = Session::from_code_exchange(tokens, &transaction, &metadata, client_id, now_secs())?;
        self.inner.tokens.save(Session::STORAGE_KEY, &session)?;
        Ok(session.user())
    }

    fn complete_sign_out(&self, url: &str) -> Result<String, AuthError> {
        let state = form_urlencoded::parse(query_of(url).as_bytes()).find(|(name, _)| name == "state");
        let transaction: Option<LogoutTransaction> = match state {
            Some((_, state)) => self.inner.transactions.take(&LogoutTransaction::storage_key(&State::new(state)))?,
            None => None,
        };
        // Whatever the provider says, this app is signed out.
        self.inner.tokens.remove(Session::STORAGE_KEY)?;
        Ok(transaction.map(|t| t.return_url).unwrap_or_else(|| "/".to_owned()))
    }

    /// Signs out: forgets the local session at once, then sends the browser to the provider's
    /// end-session endpoint, which returns it to the post-logout redirect URI.
    pub async fn sign_out(&self) -> Result<SignOutOutcome, AuthError> {
        let session = self.session()?;
        self.inner.tokens.remove(Session::STORAGE_KEY)?;
        let metadata = self.metadata().await?;
        let config = &self.inner.config;
        let transaction = LogoutTransaction::begin("/", now_secs())?;
        let post_logout_redirect_uri = self.app_url(&config.post_logout_redirect_uri)?;
        let id_token_hint = session.as_ref().map(|s| &s.id_token);
        match end_session_url(&metadata, &config.client_id, id_token_hint, &post_logout_redirect_uri, &transaction) {
            Some(url) => {
                self.inner.transactions.save(&LogoutTransaction::storage_key(&transaction.state), &transaction)?;
                navigation::assign(&url)?;
                Ok(SignOutOutcome::RedirectingToProvider)
            }
            None => Ok(SignOutOutcome::SignedOutLocally),
        }
    }
}

/// The current page as a path with query and fragment: where a sign-in started from.
fn current_path() -> Result<String, AuthError> {
    let url = navigation::current_url()?;
    let origin = navigation::origin()?;
    Ok(url.strip_prefix(&origin).filter(|p| p.starts_with('/')).unwrap_or("/").to_owned())
}

/// Whether `url` is the page `page` (same origin and path; query and fragment ignored).
fn same_page(url: &str, page: &str) -> bool {
    let base = |u: &str| u.split(['?', '#']).next().unwrap_or_default().to_owned();
    base(url) == base(page)
}
