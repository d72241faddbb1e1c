//! The auth context: one client per app, its state as a signal, and the actions that change it.

use auth_wasm::browser::{AuthClient, AuthError, CallbackOutcome, SignOutOutcome};
use auth_wasm::protocol::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the app stands with sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthState {
    /// Finishing a sign-in callback, or on the way to the provider.
    Authorizing,
    Authenticated(User),
    Anonymous,
    /// The last sign-in or sign-out failed; the app is signed out and can start again.
    Failed(AuthError),
}

/// The handle components use: cheap to copy, valid while the providing owner lives.
#[derive(Clone, Copy)]
pub struct Auth {
    client: StoredValue<AuthClient, LocalStorage>,
    state: RwSignal<AuthState, LocalStorage>,
}

impl Auth {
    /// The current state (tracked: reading it in a view re-renders on change).
    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    pub fn user(&self) -> Option<User> {
        match self.state.get() {
            AuthState::Authenticated(user) => Some(user),
            _ => None,
        }
    }

    pub fn client(&self) -> AuthClient {
        self.client.get_value()
    }

    /// Sends the browser to the provider; the app comes back to the current page.
    pub fn sign_in(&self) {
        let (client, state) = (self.client(), self.state);
        state.set(AuthState::Authorizing);
        spawn_local(async move {
            if let Err(error) = client.sign_in(None).await {
                state.set(AuthState::Failed(error));
            }
        });
    }

    pub fn sign_out(&self) {
        let (client, state) = (self.client(), self.state);
        spawn_local(async move {
            match client.sign_out().await {
                Ok(SignOutOutcome::RedirectingToProvider) => state.set(AuthState::Authorizing),
                Ok(SignOutOutcome::SignedOutLocally) => state.set(AuthState::Anonymous),
                Err(error) => state.set(AuthState::Failed(error)),
            }
        });
    }
}

/// Puts `client` in context and completes a sign-in or sign-out callback if the page is one.
pub fn provide_auth(client: AuthClient) -> Auth {
    let state = RwSignal::new_local(AuthState::Authorizing);
    let auth = Auth { client: StoredValue::new_local(client.clone()), state };
    provide_context(auth);
    spawn_local(async move {
        let next = match client.handle_redirect().await {
            Ok(CallbackOutcome::SignedIn(user)) => AuthState::Authenticated(user),
            Ok(CallbackOutcome::SignedOut) => AuthState::Anonymous,
            Ok(CallbackOutcome::NotACallback) => match client.user() {
                Ok(Some(user)) => AuthState::Authenticated(user),
                Ok(None) => AuthState::Anonymous,
                Err(error) => AuthState::Failed(error),
            },
            Err(error) => AuthState::Failed(error),
        };
        state.set(next);
    });
    auth
}

/// The auth handle from context.
///
/// # Panics
/// When no ancestor called [`provide_auth`].
pub fn use_auth() -> Auth {
    use_context::<Auth>().expect("use_auth() needs provide_auth(client) in an ancestor component")
}
