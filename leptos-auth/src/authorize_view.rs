//! `<AuthorizeView>`: one of three views, by whether the user is signed in (and has the roles asked for).

use auth_wasm::protocol::Account;
use leptos::prelude::*;

use crate::{use_auth, AuthState};

/// Shows `authorized` (given the user) to a signed-in user with one of `roles` (any user when `roles`
/// is empty), `not_authorized` to a user who is not signed in, `forbidden` to a signed-in user without
/// the roles (so that a `<RedirectToLogin/>` in `not_authorized` cannot loop), and `authorizing` while
/// sign-in is being completed.
#[component]
pub fn AuthorizeView<F, V>(
    /// What a signed-in user with the roles sees, given the account.
    authorized: F,
    /// What a user who is not signed in sees (often `<RedirectToLogin/>`). Default: nothing.
    #[prop(optional, into)]
    not_authorized: ViewFn,
    /// While sign-in is being completed. Default: nothing.
    #[prop(optional, into)]
    authorizing: ViewFn,
    /// Default: a short "no access" message.
    #[prop(optional, into)]
    forbidden: Option<ViewFn>,
    /// The roles that may see `authorized` (any one of them suffices).
    #[prop(optional, into)]
    roles: Vec<String>,
    /// The claim that holds the user's roles: `roles` unless given (e.g. `groups`).
    #[prop(optional, into)]
    role_claim: Option<String>,
) -> impl IntoView
where
    F: Fn(Account) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let auth = use_auth();
    let role_claim = role_claim.unwrap_or_else(|| "roles".to_owned());
    move || match auth.state() {
        AuthState::Authorizing => authorizing.run(),
        AuthState::Authenticated(user)
            if roles.is_empty() || roles.iter().any(|role| auth.has_role(&role_claim, role)) =>
        {
            authorized(user).into_any()
        }
        AuthState::Authenticated(_) => match &forbidden {
            Some(view) => view.run(),
            None => view! { <p class="auth-forbidden">"You do not have access to this page."</p> }.into_any(),
        },
        AuthState::Anonymous => not_authorized.run(),
    }
}
