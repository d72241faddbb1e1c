//! `<RedirectToLogin>`: put on a page that needs a signed-in user.

use auth_wasm::browser::current_path;
use auth_wasm::protocol::InteractiveAuthenticationRequest;
use leptos::prelude::*;

use crate::use_auth;

/// Goes to the login route with a sign-in request that returns to the current page.
#[component]
pub fn RedirectToLogin() -> impl IntoView {
    let auth = use_auth();
    // Once, after the view is mounted: navigating while the router renders would re-enter it.
    crate::effect(move |first| {
        if first {
            auth.login(InteractiveAuthenticationRequest::login(current_path()));
        }
    });
    crate::authentication::progress("Redirecting to sign in…")
}
