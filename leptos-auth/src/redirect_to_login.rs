//! `<RedirectToLogin>`: put on a page that needs a signed-in user.

use auth_wasm::browser::current_path;
use auth_wasm::protocol::InteractiveAuthenticationRequest;
use leptos::prelude::*;

use crate::authentication::Progress;
use crate::use_auth;

/// Goes to the login route with a sign-in request that returns to the current page.
#[component]
pub fn RedirectToLogin() -> impl IntoView {
    let auth = use_auth();
    // In an effect, after the view is mounted: navigating while the router renders would re-enter it.
    // Untracked, so that it runs once.
    Effect::new(move || untrack(|| auth.login(InteractiveAuthenticationRequest::login(current_path()))));
    view! { <Progress text="Redirecting to sign in…" /> }
}
