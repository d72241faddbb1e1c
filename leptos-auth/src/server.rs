//! The server's stand-in for the part of auth-wasm's browser layer that leptos-auth calls (feature `ssr`,
//! host target). There is no session on the server, since the tokens live in the browser: nobody is signed
//! in, and every operation fails with [`AuthError::NotAvailableOnServer`] before it changes anything.
//!
//! A server render reads only the client's configuration; the rest is here for the code that a server
//! build compiles and never runs (effects and event handlers do not run on the server), and for an app's
//! token calls, which get the typed error rather than a panic.

use std::rc::Rc;
use std::sync::Arc;

use std::future::Future;

use auth_wasm::protocol::{
    Account, AuthError, CachedAccessToken, ClientConfig, InteractiveAuthenticationRequest, PopupOptions, RequestKind,
    Scopes,
};

pub use auth_wasm::protocol::RequestOutcome;

/// The client on the server: its configuration, checked as the browser's client checks it, and no
/// session. Cheap to clone; `Send`, as a server render may move between threads.
#[derive(Clone, Debug)]
pub struct AuthClient {
    config: Arc<ClientConfig>,
}

impl AuthClient {
    /// A client for `config`, once it passes the checks the browser's client makes (so that a wrong
    /// configuration shows the same error on both sides).
    pub fn new(config: ClientConfig) -> Result<Self, AuthError> {
        config.validate()?;
        Ok(Self { config: Arc::new(config) })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Nobody: the session is in the browser.
    pub fn account(&self) -> Option<Account> {
        None
    }

    /// No token: the session is in the browser.
    pub fn cached_token(&self, _scopes: &Scopes) -> Option<CachedAccessToken> {
        None
    }

    /// Fails with [`AuthError::NotAvailableOnServer`]: a token is the browser's to get.
    pub async fn get_token(&self, _scopes: &Scopes) -> Result<TokenResult, AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }

    /// Fails with [`AuthError::NotAvailableOnServer`], as [`Self::get_token`].
    pub async fn renew_token(&self, _scopes: &Scopes) -> Result<TokenResult, AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }

    /// Fails with [`AuthError::NotAvailableOnServer`]: only a browser goes to the provider.
    pub async fn sign_in(&self, _request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }

    /// Fails with [`AuthError::NotAvailableOnServer`], as [`Self::sign_in`]: only a browser opens a popup.
    pub fn sign_in_popup(
        &self,
        _request: &InteractiveAuthenticationRequest,
        _options: &PopupOptions,
    ) -> impl Future<Output = Result<Account, AuthError>> + 'static {
        std::future::ready(Err(AuthError::NotAvailableOnServer))
    }

    /// Fails with [`AuthError::NotAvailableOnServer`], as [`Self::sign_in`].
    pub async fn sign_out(&self, _request: &InteractiveAuthenticationRequest) -> Result<RequestOutcome, AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }

    /// Fails with [`AuthError::NotAvailableOnServer`]: history state is the browser's.
    pub async fn run_request_from_history(&self, _default_kind: RequestKind) -> Result<RequestOutcome, AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }
}

/// The answer to a token call, as in the browser; the server never has one to give.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenResult {
    /// A token for the scopes.
    Success(CachedAccessToken),
    /// No token without the user.
    RequiresInteraction(InteractionRequired),
}

/// A token request that needs the user, as in the browser; on the server its actions fail with
/// [`AuthError::NotAvailableOnServer`].
#[derive(Clone, Debug)]
pub struct InteractionRequired {
    /// The request that gets the token.
    pub request: InteractiveAuthenticationRequest,
    /// Why silent renewal could not get a token (`None`: nobody is signed in).
    pub reason: Option<Rc<AuthError>>,
}

impl InteractionRequired {
    /// Fails with [`AuthError::NotAvailableOnServer`]: only a browser goes to the provider.
    pub async fn redirect(&self) -> Result<(), AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }

    /// Fails with [`AuthError::NotAvailableOnServer`], as [`Self::redirect`].
    pub fn popup(
        &self,
        _options: &PopupOptions,
    ) -> impl Future<Output = Result<CachedAccessToken, AuthError>> + 'static {
        std::future::ready(Err(AuthError::NotAvailableOnServer))
    }

    /// Fails with [`AuthError::NotAvailableOnServer`], as [`Self::redirect`].
    pub fn go_to_login_route(&self) -> Result<(), AuthError> {
        Err(AuthError::NotAvailableOnServer)
    }
}

/// The browser's API-calling helper, as a type a server build can name; it sends nothing from the
/// server (its requests are the browser's: build them in an effect or an event handler).
#[derive(Clone, Debug)]
pub struct AuthorizedFetch {
    _client: AuthClient,
}

impl AuthorizedFetch {
    /// The helper for `client`; on the server it holds nothing else.
    pub fn new(
        client: AuthClient,
        _scopes: Scopes,
        _allowed_origins: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        Self { _client: client }
    }
}

/// No page to return to: the router on the server knows the request's path, not this layer.
pub fn current_path() -> String {
    "/".to_owned()
}

/// No history state on the server.
pub fn current_request() -> Result<Option<InteractiveAuthenticationRequest>, AuthError> {
    Ok(None)
}

/// Fails with [`AuthError::NotAvailableOnServer`]: navigation is the browser's.
pub fn navigate_to_login(_path: &str, _request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    Err(AuthError::NotAvailableOnServer)
}

/// Fails with [`AuthError::NotAvailableOnServer`], as [`navigate_to_login`].
pub fn navigate_to_logout(_path: &str, _request: &InteractiveAuthenticationRequest) -> Result<(), AuthError> {
    Err(AuthError::NotAvailableOnServer)
}

/// Fails with [`AuthError::NotAvailableOnServer`], as [`navigate_to_login`].
pub fn notify_location_changed() -> Result<(), AuthError> {
    Err(AuthError::NotAvailableOnServer)
}
