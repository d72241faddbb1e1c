//! `<RedirectToLogin>`: put on a page that needs a signed-in user.

use auth_wasm::protocol::InteractiveAuthenticationRequest;
use leptos::prelude::*;

use crate::authentication::Progress;
use crate::browser_api::current_path;
use crate::use_auth;

/// Goes to the login route with a sign-in request that returns to the current page. Renders nothing on
/// the server (nothing redirects there), nor while the browser hydrates the server's markup.
#[component]
pub fn RedirectToLogin() -> impl IntoView {
    let auth = use_auth();
    // In an effect, after the view is mounted: navigating while the router renders would re-enter it.
    // Untracked, so that it runs once. (Effects do not run on the server.)
    Effect::new(move || untrack(|| auth.login(InteractiveAuthenticationRequest::login(current_path()))));
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    return view! { <Progress text="Redirecting to sign in…" /> };
    #[cfg(any(feature = "ssr", feature = "hydrate"))]
    return (!renders_server_markup()).then(|| view! { <Progress text="Redirecting to sign in…" /> });
}

/// Whether this render is, or hydrates, the server's: on the server, or in the browser while hydrating.
#[cfg(any(feature = "ssr", feature = "hydrate"))]
fn renders_server_markup() -> bool {
    cfg!(not(target_arch = "wasm32"))
        || Owner::current_shared_context().is_some_and(|context| context.during_hydration())
}
