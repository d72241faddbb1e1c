//! The answer to a token call: a token, or the interactive request that gets one.

use std::rc::Rc;

use super::{history, AuthError};
use crate::protocol::{CachedAccessToken, InteractiveAuthenticationRequest};

/// The answer to [`super::AuthClient::get_token`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenResult {
    /// A token for the scopes (`access_token` for the `Authorization: Bearer` header, the `scopes` it
    /// was granted, and when it expires).
    Success(CachedAccessToken),
    /// No token without the user; [`InteractionRequired::redirect`] starts the request that gets one.
    RequiresInteraction(InteractionRequired),
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
    /// `request`, needed because of `reason`, to run on the app's login route at `login_path`.
    pub(crate) fn new(
        request: InteractiveAuthenticationRequest,
        reason: Option<Rc<AuthError>>,
        login_path: String,
    ) -> Self {
        Self { request, reason, login_path }
    }

    /// Goes to the login route with the request in history state; the route runs it (see
    /// [`super::AuthClient::run_request_from_history`]).
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
