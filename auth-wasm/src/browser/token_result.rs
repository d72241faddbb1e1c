//! The answer to a token call: a token, or the interactive request that gets one.

use std::future::Future;
use std::rc::Rc;

use super::{history, AuthClient, AuthError};
use crate::protocol::{CachedAccessToken, InteractiveAuthenticationRequest, PopupOptions, ProtocolError};

/// The answer to [`super::AuthClient::get_token`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TokenResult {
    /// A token for the scopes (`access_token` for the `Authorization: Bearer` header, the `scopes` it
    /// was granted, and when it expires).
    Success(CachedAccessToken),
    /// No token without the user; [`InteractionRequired::redirect`] sends the browser to the provider
    /// for one, [`InteractionRequired::go_to_login_route`] to the app's login route, which does.
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
    /// The client that asked (a handle: it shares its state).
    client: AuthClient,
}

impl std::fmt::Debug for InteractionRequired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InteractionRequired").field("request", &self.request).field("reason", &self.reason).finish()
    }
}

impl InteractionRequired {
    /// `request`, needed because of `reason`, for `client`.
    pub(crate) fn new(
        request: InteractiveAuthenticationRequest,
        reason: Option<Rc<AuthError>>,
        client: AuthClient,
    ) -> Self {
        Self { request, reason, client }
    }

    /// Sends the browser to the provider for [`request`](Self::request): a sign-in for its scopes that
    /// returns to the page it was made on ([`AuthClient::sign_in`]). Resolves once the browser is on its
    /// way. The npm package's `InteractionRequiredError.redirect()` is this.
    pub async fn redirect(&self) -> Result<(), AuthError> {
        self.client.sign_in(&self.request).await
    }

    /// Like [`Self::redirect`], after `adjust` has changed the request (e.g. a `login_hint`).
    pub async fn redirect_with(
        &self,
        adjust: impl FnOnce(&mut InteractiveAuthenticationRequest),
    ) -> Result<(), AuthError> {
        let mut request = self.request.clone();
        adjust(&mut request);
        self.client.sign_in(&request).await
    }

    /// Goes to the app's login route (the configuration's `login_path`) with the request in history
    /// state; the route then signs in (see [`AuthClient::run_request_from_history`]). This is how a
    /// Leptos app asks (leptos-auth's `<Authentication/>` is that route), and what [`super::AuthorizedFetch`]
    /// does.
    pub fn go_to_login_route(&self) -> Result<(), AuthError> {
        history::navigate_to_login(&self.client.config().login_path, &self.request)
    }

    /// Gets the token in a popup window: a sign-in for [`request`](Self::request) there
    /// ([`AuthClient::sign_in_popup`]), then the token as [`AuthClient::get_token`] gets it (the sign-in's
    /// own token, or one renewed with the refresh token the sign-in granted for these scopes); the page
    /// stays as it is. The window opens when this is called. A token call is usually awaited first, and
    /// the click's activation may be gone by then (`popup_blocked`): call this in a later click handler
    /// (a "Continue" button, say), or redirect. The npm package's `InteractionRequiredError.popup()` is
    /// this.
    pub fn popup(
        &self,
        options: &PopupOptions,
    ) -> impl Future<Output = Result<CachedAccessToken, AuthError>> + 'static {
        let run = self.client.start_popup(&self.request, options);
        let (client, scopes) = (self.client.clone(), self.request.scopes.clone());
        async move {
            run.await?;
            match client.get_token(&scopes).await? {
                TokenResult::Success(token) => Ok(token),
                // Signed in, and still no token: why the renewal says, else that none was granted.
                TokenResult::RequiresInteraction(still) => Err(still.reason.map_or_else(
                    || {
                        ProtocolError::InvalidTokenResponse(
                            "the provider granted no token for the requested scopes".into(),
                        )
                        .into()
                    },
                    |why| AuthError::clone(&why),
                )),
            }
        }
    }
}
