//! Silent tokens: cache → refresh token → hidden iframe (`prompt=none`) → "interaction required".

use futures_util::FutureExt as _;

use super::client::{AuthClient, TokenPurpose};
use super::events::AuthEvent;
use super::{history, navigation, now_secs, silent, AuthError};
use crate::protocol::{
    authorize_url, parse_authorization_response, refresh_request_body, select_access_token, AccessToken, AccountRecord,
    CachedAccessToken, InteractiveAuthenticationRequest, LoginTransaction, ProtocolError, Scopes,
};

/// How long a hidden-iframe renewal may take before it counts as needing the user.
const SILENT_TIMEOUT_MS: u32 = 10_000;

/// The answer to [`AuthClient::get_token`].
#[derive(Clone, Debug)]
pub enum TokenResult {
    Success(AccessTokenResult),
    /// No token without the user; [`InteractionRequired::redirect`] starts the request that gets one.
    RequiresInteraction(InteractionRequired),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenResult {
    pub access_token: AccessToken,
    pub scopes: Scopes,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
}

impl From<&CachedAccessToken> for AccessTokenResult {
    fn from(token: &CachedAccessToken) -> Self {
        Self { access_token: token.access_token.clone(), scopes: token.scopes.clone(), expires_at: token.expires_at }
    }
}

/// A token request that needs the user, with the request that will get the token: the scopes asked
/// for, and the current page as the return URL.
#[derive(Clone)]
pub struct InteractionRequired {
    pub request: InteractiveAuthenticationRequest,
    /// Why silent renewal could not get a token (`None`: nobody is signed in).
    pub reason: Option<AuthError>,
    login_path: String,
}

impl std::fmt::Debug for InteractionRequired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractionRequired").field("request", &self.request).field("reason", &self.reason).finish()
    }
}

impl InteractionRequired {
    /// Goes to the login route with the request in history state.
    pub fn redirect(&self) -> Result<(), AuthError> {
        self.redirect_with(|_| {})
    }

    /// Like [`Self::redirect`], after `adjust` has changed the request (e.g. a `login_hint`).
    pub fn redirect_with(&self, adjust: impl FnOnce(&mut InteractiveAuthenticationRequest)) -> Result<(), AuthError> {
        let mut request = self.request.clone();
        adjust(&mut request);
        history::navigate_to_login(&self.login_path, &request)
    }
}

impl AuthClient {
    fn requires_interaction(&self, scopes: &Scopes, reason: Option<AuthError>) -> Result<TokenResult, AuthError> {
        Ok(TokenResult::RequiresInteraction(InteractionRequired {
            request: self.interactive_request_for(scopes)?,
            reason,
            login_path: self.inner.config.login_path.clone(),
        }))
    }

    /// The cached access token for `scopes` that is not due for renewal.
    fn cached_access_token(
        &self,
        record: &AccountRecord,
        scopes: &Scopes,
    ) -> Result<Option<CachedAccessToken>, AuthError> {
        let cache = self.cache_scope(record);
        let home = &record.account.home_account_id;
        let mut tokens = Vec::new();
        for key in self.inner.tokens.keys()?.into_iter().filter(|k| cache.is_access_token_key(home, k)) {
            tokens.extend(self.inner.tokens.load::<CachedAccessToken>(&key)?);
        }
        Ok(select_access_token(&tokens, scopes, now_secs()).cloned())
    }

    /// Forgets the signed-in account's cached access tokens that serve `scopes` (an API refused one).
    pub fn forget_access_tokens(&self, scopes: &Scopes) -> Result<(), AuthError> {
        let Some(record) = self.account()? else { return Ok(()) };
        let cache = self.cache_scope(&record);
        let home = &record.account.home_account_id;
        for key in self.inner.tokens.keys()?.into_iter().filter(|k| cache.is_access_token_key(home, k)) {
            let token: Option<CachedAccessToken> = self.inner.tokens.load(&key)?;
            if token.is_some_and(|t| t.covers(scopes)) {
                self.inner.tokens.remove(&key)?;
            }
        }
        Ok(())
    }

    /// An access token for `scopes` without the user: from the cache, else renewed with the refresh
    /// token, else through a hidden iframe; otherwise the interactive request that gets one. Concurrent
    /// calls for the same scopes share one renewal.
    pub async fn get_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        if scopes.is_empty() {
            return Err(ProtocolError::NoScopes.into());
        }
        let Some(record) = self.account()? else {
            return self.requires_interaction(scopes, None);
        };
        if let Some(token) = self.cached_access_token(&record, scopes)? {
            return Ok(TokenResult::Success((&token).into()));
        }
        let key = self.cache_scope(&record).access_token_key(&record.account.home_account_id, scopes);
        let renewal = {
            let mut in_flight = self.inner.in_flight.borrow_mut();
            match in_flight.iter().find(|(k, _)| *k == key) {
                Some((_, renewal)) => renewal.clone(),
                None => {
                    let (client, scopes, own_key) = (self.clone(), scopes.clone(), key.clone());
                    let renewal = async move {
                        let result = client.clone().renew(record, scopes).await;
                        // The renewal removes itself when done, so that a waiter resuming late cannot
                        // remove a newer renewal under the same key.
                        client.inner.in_flight.borrow_mut().retain(|(k, _)| *k != own_key);
                        result
                    }
                    .boxed_local()
                    .shared();
                    in_flight.push((key, renewal.clone()));
                    renewal
                }
            }
        };
        renewal.await
    }

    async fn renew(self, record: AccountRecord, scopes: Scopes) -> Result<TokenResult, AuthError> {
        let renewed = match self.refresh_token(&record)? {
            Some(refresh_token) => match self.refresh(&record, &refresh_token, &scopes).await {
                Err(error) if error.requires_interaction() => {
                    // The refresh token is dead: forget it (unless a renewal for other scopes has
                    // rotated it meanwhile), and try the provider's session instead.
                    if self.refresh_token(&record)?.as_ref() == Some(&refresh_token) {
                        let key = self.cache_scope(&record).refresh_token_key(&record.account.home_account_id);
                        self.inner.tokens.remove(&key)?;
                    }
                    self.silent_sign_in(&record, &scopes).await
                }
                other => other,
            },
            None => self.silent_sign_in(&record, &scopes).await,
        };
        match renewed {
            Ok(token) => {
                self.emit(AuthEvent::TokenRenewed { scopes: scopes.clone() });
                Ok(TokenResult::Success(token))
            }
            Err(error) => {
                self.emit(AuthEvent::RenewFailed { scopes: scopes.clone(), error: error.clone() });
                if error.requires_interaction() {
                    self.requires_interaction(&scopes, Some(error))
                } else {
                    Err(error)
                }
            }
        }
    }

    async fn refresh(
        &self,
        record: &AccountRecord,
        refresh_token: &crate::protocol::RefreshToken,
        scopes: &Scopes,
    ) -> Result<AccessTokenResult, AuthError> {
        let metadata = self.metadata().await?;
        let body = refresh_request_body(&self.inner.config, refresh_token, &record.refresh_scopes(scopes));
        let response = self.token_request(&metadata, body).await?;
        if let Some(id_token) = &response.id_token {
            self.verify_id_token_signature(&metadata, id_token).await?;
        }
        let set = self.token_context(&metadata).refresh(response, record, scopes)?;
        self.store_token_set(&set, TokenPurpose::Renewal(record.account.home_account_id.clone()))?;
        Ok((&set.access_token).into())
    }

    /// A `prompt=none` authorization in a hidden iframe, on the provider's session cookie.
    async fn silent_sign_in(&self, record: &AccountRecord, scopes: &Scopes) -> Result<AccessTokenResult, AuthError> {
        let metadata = self.metadata().await?;
        let config = &self.inner.config;
        let redirect_uri = crate::protocol::resolve_app_url(&navigation::origin()?, &config.silent_redirect_uri);
        let transaction =
            LoginTransaction::begin(&redirect_uri, config.scopes.union(scopes).for_sign_in(), "/", now_secs())?;
        // A login_hint, not an id_token_hint: no token goes into a URL, and providers with several
        // sessions (Entra) still pick the right one.
        let mut params = vec![("prompt".to_owned(), "none".to_owned())];
        if let Some(username) = &record.account.username {
            params.push(("login_hint".to_owned(), username.clone()));
        }
        let url = authorize_url(&metadata, &config.client_id, &transaction, &self.extra_parameters(params))?;
        let callback = silent::navigate_hidden_iframe(&url, &redirect_uri, SILENT_TIMEOUT_MS).await?;
        let response = parse_authorization_response(&callback)?;
        // Kept only if the provider's session is still this account's (see `renewal_applies`).
        let purpose = TokenPurpose::Renewal(record.account.home_account_id.clone());
        self.exchange_code(response, &transaction, purpose).await?;
        let account = self.account()?.ok_or_else(|| AuthError::Storage("the account vanished".into()))?;
        self.cached_access_token(&account, scopes)?.map(|token| (&token).into()).ok_or_else(|| {
            ProtocolError::InvalidTokenResponse("the provider granted no token for the requested scopes".into()).into()
        })
    }
}
