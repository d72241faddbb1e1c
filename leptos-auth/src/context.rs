//! The auth context: one client per app, its state as signals, and the actions that change them.

use crate::browser_api::{
    current_path, navigate_to_login, navigate_to_logout, notify_location_changed, AuthClient, AuthorizedFetch,
    TokenResult,
};
#[cfg(target_arch = "wasm32")]
use auth_wasm::browser::{replace_with_request, AuthEvent, CallbackOutcome};
use auth_wasm::protocol::{Account, AuthError, ClientConfig, InteractiveAuthenticationRequest, PopupOptions, Scopes};

use std::rc::Rc;

use crate::AuthenticationPaths;
use leptos::prelude::*;
#[cfg(target_arch = "wasm32")]
use leptos::task::spawn_local;

/// Who is signed in, as far as the app knows.
///
/// A failed sign-in or sign-out is not a state of its own: a failure changes nobody's sign-in (a
/// crafted callback link such as `…/login-callback?error=server_error` leaves a signed-in user signed
/// in), so it is kept in one place apart from the state, [`Auth::last_failure`], where the route's
/// login-failed page and the app read why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthState {
    /// Finishing a sign-in callback, or on the way to the provider.
    Authorizing,
    /// Somebody is signed in: this account.
    Authenticated(Account),
    /// Nobody is signed in (perhaps after a failure: see [`Auth::last_failure`]).
    Anonymous,
}

/// The handle components use: cheap to copy, valid while the providing owner lives.
///
/// The client and what the app knows are one stored value, and two triggers tell who reads them of a
/// change: one for who is signed in, one for what the last operation left to tell. Two, so that a view
/// re-renders only for what it shows: `<AuthorizeView>` follows the state only, and a failure or the
/// provider-session flag must not re-render it (a `<RedirectToLogin/>` in it would start another
/// sign-in).
#[derive(Clone, Copy)]
pub struct Auth {
    inner: Stored,
    /// Notified when `Inner::state` changes.
    state_changed: Trigger,
    /// Notified when `Inner::last` changes.
    last_changed: Trigger,
}

/// In the browser, the client and what the app knows. The client shares `Rc`s, so the value is kept for
/// this thread only.
#[cfg(target_arch = "wasm32")]
type Stored = StoredValue<Inner, LocalStorage>;
/// On the server, the client only (its configuration): nobody is signed in there and nothing happens
/// (effects do not run), so the state is always `Authorizing` and no operation has failed. A server
/// render may move between threads, so the value is `Send`.
#[cfg(not(target_arch = "wasm32"))]
type Stored = StoredValue<AuthClient>;

struct Inner {
    client: AuthClient,
    state: AuthState,
    /// What the last operation left to tell, apart from who is signed in.
    last: LastOperation,
}

/// What the last operation left to tell.
#[derive(Default)]
struct LastOperation {
    /// Why the last operation failed, until the next one starts: the only place a failure is kept.
    failure: Option<Rc<AuthError>>,
    /// The last sign-out removed this app's tokens but could not end the provider's session.
    provider_session_remains: bool,
}

impl Auth {
    /// The current state (tracked: reading it in a view re-renders on change).
    pub fn state(&self) -> AuthState {
        self.state_changed.track();
        self.now(|inner| inner.state.clone())
    }

    /// The signed-in account, if any (tracked).
    pub fn user(&self) -> Option<Account> {
        match self.state() {
            AuthState::Authenticated(user) => Some(user),
            _ => None,
        }
    }

    /// Why the last sign-in or sign-out failed, until another starts (tracked): what the route's
    /// login-failed page shows. A failure does not sign anybody out: a crafted callback link such as
    /// `…/login-callback?error=server_error` shows here while the state stays `Authenticated` for a
    /// signed-in user (and `Anonymous` for nobody).
    pub fn last_failure(&self) -> Option<Rc<AuthError>> {
        self.last_changed.track();
        self.now(|inner| inner.last.failure.clone())
    }

    /// Whether the last sign-out ended only this app's session: the provider has no end-session
    /// endpoint, so the user is still signed in there (tracked).
    pub fn provider_session_remains(&self) -> bool {
        self.last_changed.track();
        self.now(|inner| inner.last.provider_session_remains)
    }

    /// The auth-wasm client, for what the handle does not offer.
    pub fn client(&self) -> AuthClient {
        self.now(|inner| inner.client.clone())
    }

    /// Goes to the login route with `request` in history state; the route sends the browser on to the
    /// provider. (The router follows through the `popstate` event auth-wasm sends.)
    pub fn login(&self, request: InteractiveAuthenticationRequest) {
        self.clear_failure();
        let path = self.now(|inner| inner.client.config().login_path.clone());
        if let Err(error) = navigate_to_login(&path, &request) {
            self.fail(error);
        }
    }

    /// Goes to the logout route with `request` in history state.
    pub fn logout(&self, request: InteractiveAuthenticationRequest) {
        self.clear_failure();
        let path = self.now(|inner| inner.client.config().logout_path.clone());
        if let Err(error) = navigate_to_logout(&path, &request) {
            self.fail(error);
        }
    }

    /// Signs in, returning to the current page (or to the app root from a page of the authentication
    /// route, such as logged-out).
    pub fn sign_in(&self) {
        let current = current_path();
        let return_url = if self.paths().contains(&current) { "/".to_owned() } else { current };
        self.login(InteractiveAuthenticationRequest::login(return_url));
    }

    /// Signs in in a popup window for `request` ([`AuthClient::sign_in_popup`]); the page stays as it is
    /// (a half-filled form, say), and the state follows once the provider answered. Call it in a click
    /// handler, before anything is awaited: the window opens at once, or the browser blocks it. A failure
    /// is kept in [`Auth::last_failure`]: `popup_blocked` (answer it with [`Auth::login`], a redirect),
    /// `popup_closed`, `popup_timeout`, or the provider's error. A call while a popup is open brings it
    /// to the front and shares its outcome.
    pub fn login_popup(&self, request: InteractiveAuthenticationRequest, options: &PopupOptions) {
        self.clear_failure();
        let run = self.client().sign_in_popup(&request, options);
        #[cfg(target_arch = "wasm32")]
        {
            let auth = *self;
            spawn_local(async move {
                if let Err(error) = run.await {
                    auth.fail(error);
                }
            });
        }
        // A server render opens no window (the session is the browser's).
        #[cfg(not(target_arch = "wasm32"))]
        {
            drop(run);
            self.fail(AuthError::NotAvailableOnServer);
        }
    }

    /// Signs in in a popup window with the default [`PopupOptions`] (see [`Auth::login_popup`]).
    pub fn sign_in_popup(&self) {
        self.login_popup(InteractiveAuthenticationRequest::login(current_path()), &PopupOptions::default());
    }

    /// Signs out, ending on the logged-out page.
    pub fn sign_out(&self) {
        self.logout(InteractiveAuthenticationRequest::logout(self.paths().logged_out));
    }

    /// The authentication route's paths.
    pub fn paths(&self) -> AuthenticationPaths {
        self.now(|inner| AuthenticationPaths::from_config(inner.client.config()))
    }

    /// Has the user's claims include `role` in `claim` (a string or a list of strings).
    pub fn has_role(&self, claim: &str, role: &str) -> bool {
        self.user().is_some_and(|user| user.claims.text_claims(claim).iter().any(|value| value == role))
    }

    /// A fetch helper that adds this user's token for `scopes`, only to `allowed_origins`.
    pub fn authorized_fetch(&self, scopes: Scopes, allowed_origins: &[&str]) -> AuthorizedFetch {
        AuthorizedFetch::new(self.client(), scopes, allowed_origins)
    }

    /// An access token for `scopes`, or the interactive request that gets one.
    pub async fn get_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        self.client().get_token(scopes).await
    }

    /// Like [`Auth::get_token`], but renews even a token that is still fresh (an API said it is not),
    /// through the same one-renewal-at-a-time locks as every other renewal of the account.
    pub async fn renew_token(&self, scopes: &Scopes) -> Result<TokenResult, AuthError> {
        self.client().renew_token(scopes).await
    }

    /// Records a failed operation. Who is signed in is read again from the client, not assumed gone:
    /// a failure that touched no tokens (a callback link with no transaction of ours, a logout route
    /// reached by a plain link) leaves a signed-in user signed in.
    pub(crate) fn fail(&self, error: AuthError) {
        let who = self.now(|inner| inner.client.account());
        self.change_last(|last| last.failure = Some(Rc::new(error)));
        self.set_state(who.map_or(AuthState::Anonymous, AuthState::Authenticated));
    }

    /// Makes `next` the state and, if that changes it, tells who reads it: a failure that leaves the
    /// same user signed in (or nobody) re-renders no view that follows the state.
    fn set_state(&self, next: AuthState) {
        if self.now(|inner| inner.state != next) {
            self.update(|inner| inner.state = next);
            self.state_changed.notify();
        }
    }

    /// Changes what the last operation left to tell, and tells who reads it. (Never while the stored
    /// value is borrowed: `change` runs inside its lock.)
    fn change_last(&self, change: impl FnOnce(&mut LastOperation)) {
        self.update(|inner| change(&mut inner.last));
        self.last_changed.notify();
    }

    /// An operation starts: the last failure is no longer the news.
    pub(crate) fn clear_failure(&self) {
        self.change_last(|last| last.failure = None);
    }

    /// The route runs its request again: the last failure is no longer the news, and the app is on its
    /// way to the provider.
    pub(crate) fn set_authorizing(&self) {
        self.clear_failure();
        self.set_state(AuthState::Authorizing);
    }

    /// The sign-out ended this app's session only; the router is told, as the client replaced the URL.
    pub(crate) fn signed_out_locally(&self) {
        self.change_last(|last| last.provider_session_remains = true);
        if let Err(error) = notify_location_changed() {
            self.fail(error);
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl Auth {
    /// Reads the client and what the app knows.
    fn now<T>(&self, read: impl FnOnce(&Inner) -> T) -> T {
        self.inner.with_value(read)
    }

    /// Changes what the app knows (never while it is read: `change` runs inside the stored value's lock).
    fn update(&self, change: impl FnOnce(&mut Inner)) {
        self.inner.update_value(change);
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Auth {
    /// Reads the client, with what a server render knows: nobody is signed in yet, nothing failed.
    fn now<T>(&self, read: impl FnOnce(&Inner) -> T) -> T {
        let client = self.inner.with_value(AuthClient::clone);
        read(&Inner { client, state: AuthState::Authorizing, last: LastOperation::default() })
    }

    /// Nothing changes in a server render: its operations fail before they change anything.
    fn update(&self, _change: impl FnOnce(&mut Inner)) {}
}

/// Creates the client for `config` and puts it in context ([`provide_auth_with_client`]).
pub fn provide_auth(config: ClientConfig) -> Result<Auth, AuthError> {
    AuthClient::new(config).map(provide_auth_with_client)
}

/// Puts `client` in context, follows its events, and completes a sign-in or sign-out callback if the
/// page is one. Call it once, near the root (inside or outside `<Router>`).
///
/// Every render starts as [`AuthState::Authorizing`]: on the server, which has no session, that is all it
/// renders; in the browser the first render matches the server's markup (so hydration finds what it
/// expects), and the state follows the client once the callback is handled, after the render.
pub fn provide_auth_with_client(client: AuthClient) -> Auth {
    #[cfg(target_arch = "wasm32")]
    let inner = StoredValue::new_local(Inner {
        client: client.clone(),
        state: AuthState::Authorizing,
        last: LastOperation::default(),
    });
    #[cfg(not(target_arch = "wasm32"))]
    let inner = StoredValue::new(client.clone());
    let auth = Auth { inner, state_changed: Trigger::new(), last_changed: Trigger::new() };
    provide_context(auth);
    #[cfg(target_arch = "wasm32")]
    follow_client(auth, client);
    auth
}

/// Follows `client`'s events, and completes a sign-in or sign-out callback if the page is one (after
/// the render that called it: `spawn_local`).
#[cfg(target_arch = "wasm32")]
fn follow_client(auth: Auth, client: AuthClient) {
    let subscription = client.subscribe(move |event| match event {
        AuthEvent::SignedIn(user) | AuthEvent::AccountChanged { current: user, .. } => {
            auth.change_last(|last| last.provider_session_remains = false);
            auth.set_state(AuthState::Authenticated(user.clone()))
        }
        AuthEvent::SignedOut => auth.set_state(AuthState::Anonymous),
        _ => {}
    });
    on_cleanup(move || {
        auth.inner.try_with_value(|inner| inner.client.unsubscribe(subscription));
    });

    let paths = auth.paths();
    spawn_local(async move {
        let shown = match client.handle_redirect().await {
            // Whoever the client holds now: the account a sign-in callback just stored, nobody after a
            // sign-out callback, else (not a callback, one already completed, an outcome this version
            // does not know) whoever the session is.
            Ok(outcome) => {
                auth.set_state(client.account().map_or(AuthState::Anonymous, AuthState::Authenticated));
                match outcome {
                    CallbackOutcome::NotACallback => Ok(()),
                    // handle_redirect replaced the URL; let the router render the page it now shows.
                    _ => notify_location_changed(),
                }
            }
            // Whoever was signed in still is: a failed callback (or a crafted link to the callback
            // route) is a failed operation, not a sign-out. The failure page keeps a request to retry
            // that returns where the sign-in was going.
            Err(error) => {
                auth.fail(error);
                replace_with_request(&paths.login_failed, &InteractiveAuthenticationRequest::login(current_path()))
            }
        };
        if let Err(error) = shown {
            auth.fail(error);
        }
    });
}

/// [`provide_auth`] as a component: its children, or the configuration's error.
#[component]
pub fn AuthProvider(
    /// The provider and client to sign in with.
    config: ClientConfig,
    /// The app, which reads the handle with [`use_auth`].
    children: Children,
) -> impl IntoView {
    match provide_auth(config) {
        Ok(_) => children().into_any(),
        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
    }
}

/// The auth handle from context.
///
/// # Panics
/// When no ancestor called [`provide_auth`].
pub fn use_auth() -> Auth {
    use_context::<Auth>().expect("use_auth() needs provide_auth(config) or <AuthProvider> in an ancestor component")
}
