//! Silent tokens: cache → refresh token → hidden iframe (`prompt=none`) → "interaction required".
//!
//! A cached token is a lookup in the in-memory session. A renewal holds two locks: this tab's (one
//! renewal at a time, whatever the scopes) and the Web Lock of the account (one tab at a time). Holding
//! them, it first looks whether someone else renewed meanwhile, and only then presents the refresh token
//! it reads there and then: a rotating refresh token is presented once, by one tab.

use std::rc::Rc;

use super::client::AuthClient;
use super::{history, locks, now_secs, random_bytes, silent, AuthError};
use crate::protocol::flow::Grant;
use crate::protocol::storage_keys::renewal_lock_name;
use crate::protocol::{
    authorize_url, parse_authorization_response, AccessToken, CachedAccessToken, HomeAccountId,
    InteractiveAuthenticationRequest, LoginTransaction, ProtocolError, RefreshToken, Scopes, Session, TokenSet,
};

/// How long a renewal waits, holding the locks, for the newest session from the open tabs when its own
/// copy is behind the published revision.
const CATCH_UP_WAIT_MS: u32 = 1_000;

/// How long a renewal that had to wait for another tab's lock waits for that tab's news.
const WAITED_CATCH_UP_MS: u32 = 150;

/// How long the answer of a renewal that needed the user is given to the calls that waited behind it.
const FAILURE_MEMORY_SECS: i64 = 30;

/// How long a hidden-iframe renewal may take before it counts as needing the user.
const SILENT_TIMEOUT_MS: u32 = 10_000;

/// The answer to [`AuthClient::get_token`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenResult {
    /// A token for the scopes.
    Success(AccessTokenResult),
    /// No token without the user; [`InteractionRequired::redirect`] starts the request that gets one.
    RequiresInteraction(InteractionRequired),
}

/// An access token and what it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessTokenResult {
    /// The token, for the `Authorization: Bearer` header.
    pub access_token: AccessToken,
    /// The resource scopes it was granted.
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
    /// The request that gets the token: the scopes, the current page as return URL.
    pub request: InteractiveAuthenticationRequest,
    /// Why silent renewal could not get a token (`None`: nobody is signed in). Shared with the calls
    /// that waited behind the same renewal, which get its answer.
    pub reason: Option<Rc<AuthError>>,
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
    fn requires_interaction(&self, scopes: &Scopes, reason: Option<Rc<AuthError>>) -> Result<TokenResult, AuthError> {
        Ok(TokenResult::RequiresInteraction(InteractionRequired {
            request: self.interactive_request_for(scopes)?,
            reason,
            login_path: self.config().login_path.clone(),
        }))
    }

    /// The cached access token for `scopes` that is not due for renewal: a lookup in memory.
    pub fn cached_token(&self, scopes: &Scopes) -> Option<AccessTokenResult> {
        let session = self.session()?;
        session.access_token(scopes, now_secs()).map(AccessTokenResult::from)
    }

    /// Forgets the signed-in account's cached access tokens that serve `scopes` (an API refused one), in
    /// every tab.
    pub fn forget_access_tokens(&self, scopes: &Scopes) -> Result<(), AuthError> {
        self.reload_shared_session();
        match self.session().and_then(|session| session.without_access_tokens_for(scopes)) {
            Some(next) => self.commit(Some(next), false),
            None => Ok(()),
        }
    }

    /// Forgets one access token (an API refused it), in every tab; a newer token for the same scopes
    /// stays.
    pub fn forget_access_token(&self, refused: &AccessToken) -> Result<(), AuthError> {
        self.reload_shared_session();
        match self.session().and_then(|session| session.without_access_token(refused)) {
            Some(next) => self.commit(Some(next), false),
            None => Ok(()),
        }
    }

    /// An access token for `scopes` without the user: from the cache, else renewed with the refresh
    /// token, else through a hidden iframe; otherwise the interactive request that gets one. Concurrent
    /// calls, for any scopes and in any tab of the app, renew one at a time, so the refresh token is
    /// presented once.
    pub async fn get_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        self.token_boxed(scopes, false).await
    }

    /// Like [`Self::get_token`], but renews even when a cached token is still fresh (the API says it
    /// is not, say), through the same locks: a renewal another call or tab made meanwhile counts.
    pub async fn renew_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        self.token_boxed(scopes, true).await
    }

    /// [`Self::token`], boxed in this crate (see `client::Boxed`).
    #[inline(never)]
    fn token_boxed<'a>(&'a self, scopes: &'a Scopes, force: bool) -> super::client::Boxed<'a, TokenResult> {
        Box::pin(self.token(scopes, force))
    }

    pub(crate) async fn token(&self, scopes: &Scopes, force: bool) -> Result<TokenResult, AuthError> {
        if scopes.is_empty() {
            return Err(ProtocolError::NoScopes.into());
        }
        let Some(session) = self.session() else {
            return self.requires_interaction(scopes, None);
        };
        let seen = session.access_token(scopes, now_secs()).cloned();
        if let (Some(token), false) = (&seen, force) {
            return Ok(TokenResult::Success(token.into()));
        }
        let stale = seen.map(|t| t.access_token);
        let _turn = self.inner.renewal.lock().await;
        // The account may change while a call waits (a switch in any tab): the Web Lock is the account's
        // that is signed in when the call gets its turn, and checked again once held.
        for _ in 0..3 {
            let Some(session) = self.session() else {
                return self.requires_interaction(scopes, None);
            };
            let account = session.account.home_account_id.clone();
            let config = self.config();
            let lock = renewal_lock_name(&config.client_id, &config.authority, &account);
            let (client, owned) = (self.clone(), scopes.clone());
            let stale = stale.clone();
            let seen = self.session_revision();
            let renewed = locks::exclusive(&lock, move |waited| async move {
                // Another tab held the lock: it has likely just renewed, and its news may still be on
                // the way (storage and messages reach this tab apart from the lock's grant).
                if waited {
                    client.catch_up(seen.saturating_add(1), WAITED_CATCH_UP_MS).await;
                }
                client.renew_holding_locks(owned, stale, account).await
            })
            .await?;
            if let Some(result) = renewed {
                return result;
            }
        }
        Err(ProtocolError::LoginRequired(Some("the signed-in account kept changing".into())).into())
    }

    /// The renewal itself, holding both locks for `locked_for`; `None` when another account is signed in
    /// by now (the caller takes that account's lock). `stale`: a token the caller will not take again (a
    /// forced renewal's).
    async fn renew_holding_locks(
        self,
        scopes: Scopes,
        stale: Option<AccessToken>,
        locked_for: HomeAccountId,
    ) -> Option<Result<TokenResult, AuthError>> {
        // Another tab may have renewed while we waited: its session is in shared storage, or on its way
        // over the channel; the published revision says whether ours is the newest.
        let newest = self.sync_with_open_tabs(CATCH_UP_WAIT_MS).await;
        let Some(session) = self.session() else {
            return Some(self.requires_interaction(&scopes, None));
        };
        if session.account.home_account_id != locked_for {
            return None;
        }
        if let Some(token) = session.access_token(&scopes, now_secs()) {
            if stale.as_ref() != Some(&token.access_token) {
                return Some(Ok(TokenResult::Success(token.into())));
            }
        }
        let revision = self.session_revision();
        if let Some(error) = self.recent_failure(revision, &scopes) {
            return Some(self.requires_interaction(&scopes, Some(error)));
        }
        let started_at = self.newest_revision();
        // A copy that is behind the published revision holds a refresh token that may have rotated
        // since: it is not presented (the provider would revoke the grant); the iframe is tried instead.
        let result = if newest {
            self.renew(session, &scopes, started_at).await
        } else {
            self.drop_stale_refresh_token();
            self.silent_sign_in(&session, &scopes, started_at).await
        };
        Some(match result {
            Ok(token) => Ok(TokenResult::Success(token)),
            Err(error) => {
                // Told with the error in the event, then taken back out of it: no copy of the error.
                let event = super::AuthEvent::RenewFailed { scopes: scopes.clone(), error };
                self.emit(&event);
                let super::AuthEvent::RenewFailed { error, .. } = event else { unreachable!() };
                if error.requires_interaction() {
                    let error = Rc::new(error);
                    *self.inner.last_failure.borrow_mut() = Some((revision, scopes.clone(), now_secs(), error.clone()));
                    self.requires_interaction(&scopes, Some(error))
                } else {
                    Err(error)
                }
            }
        })
    }

    /// Why the last renewal for `scopes` at `revision` needed the user, if it did a moment ago.
    fn recent_failure(&self, revision: u64, scopes: &Scopes) -> Option<Rc<AuthError>> {
        let failure = self.inner.last_failure.borrow();
        let (at_revision, failed, at, error) = failure.as_ref()?;
        (*at_revision == revision && failed == scopes && now_secs() - at <= FAILURE_MEMORY_SECS).then(|| error.clone())
    }

    async fn renew(
        &self,
        session: Rc<Session>,
        scopes: &Scopes,
        started_at: u64,
    ) -> Result<AccessTokenResult, AuthError> {
        let Some(refresh_token) = session.refresh_token().cloned() else {
            return self.silent_sign_in(&session, scopes, started_at).await;
        };
        let error = match self.refresh(&session, &refresh_token, scopes, started_at).await {
            Ok(token) => return Ok(token),
            Err(error) if error.requires_interaction() => error,
            Err(error) => return Err(error),
        };
        // The refresh token was refused. If it changed meanwhile (a tab without Web Locks rotated it),
        // the new one is worth one more try before the provider's session.
        let invalid_grant = matches!(error, AuthError::Protocol(ProtocolError::InvalidGrant(_)));
        self.reload_shared_session();
        let current = self.session().filter(|s| s.account.home_account_id == session.account.home_account_id);
        if let (Some(current), true) = (current, invalid_grant) {
            match current.refresh_token() {
                Some(newer) if *newer != refresh_token => {
                    let newer = newer.clone();
                    let started_at = started_at.max(self.session_revision());
                    match self.refresh(&current, &newer, scopes, started_at).await {
                        Ok(token) => return Ok(token),
                        Err(error) if error.requires_interaction() => {}
                        Err(error) => return Err(error),
                    }
                }
                // Dead: forget it, so that no tab presents it again. (Not for invalid_scope: the grant
                // is fine, it just does not hold these scopes.)
                Some(_) => self.commit_renewal(current.without_refresh_token(), started_at)?,
                None => {}
            }
        }
        let session = self.session().ok_or(error)?;
        let started_at = started_at.max(self.session_revision());
        self.silent_sign_in(&session, scopes, started_at).await
    }

    async fn refresh(
        &self,
        session: &Session,
        refresh_token: &RefreshToken,
        scopes: &Scopes,
        started_at: u64,
    ) -> Result<AccessTokenResult, AuthError> {
        let set = self.tokens(Grant::Refresh { session, refresh_token, scopes }).await?;
        let token = AccessTokenResult::from(&set.access_token);
        self.keep_renewal(set, &session.account.home_account_id, started_at)?;
        Ok(token)
    }

    /// Keeps a renewal's tokens, if `renewed_for` is still the signed-in account, the response names no
    /// other (see `Session::renewed`), and no sign-in or sign-out happened since `started_at`.
    fn keep_renewal(&self, set: TokenSet, renewed_for: &HomeAccountId, started_at: u64) -> Result<(), AuthError> {
        let current =
            self.session().ok_or_else(|| ProtocolError::LoginRequired(Some("signed out meanwhile".into())))?;
        self.commit_renewal(current.renewed(set, renewed_for)?, started_at)
    }

    /// A `prompt=none` authorization in a hidden iframe, on the provider's session cookie.
    async fn silent_sign_in(
        &self,
        session: &Session,
        scopes: &Scopes,
        started_at: u64,
    ) -> Result<AccessTokenResult, AuthError> {
        let metadata = self.metadata().await?;
        let config = self.config();
        let redirect_uri = self.app_url(&config.silent_redirect_uri);
        let transaction = LoginTransaction::begin(
            &redirect_uri,
            config.scopes.union(scopes).for_sign_in(),
            "/",
            now_secs(),
            random_bytes()?,
        );
        // A login_hint, not an id_token_hint: no token goes into a URL, and providers with several
        // sessions (Entra) still pick the right one.
        let mut params = vec![("prompt".to_owned(), "none".to_owned())];
        if let Some(username) = &session.account.username {
            params.push(("login_hint".to_owned(), username.clone()));
        }
        let url = authorize_url(&metadata, &config.client_id, &transaction, &self.extra_parameters(params))?;
        let callback = silent::navigate_hidden_iframe(&url, &redirect_uri, SILENT_TIMEOUT_MS).await?;
        let response = parse_authorization_response(&callback)?;
        let set = self.tokens(Grant::Code { response: Some(response), transaction: &transaction }).await?;
        // Kept only if the provider's session is still this account's.
        self.keep_renewal(set, &session.account.home_account_id, started_at)?;
        self.cached_token(scopes).ok_or_else(|| {
            ProtocolError::InvalidTokenResponse("the provider granted no token for the requested scopes".into()).into()
        })
    }
}
