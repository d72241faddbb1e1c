// The quick start (quickstart.rs) with an API call's token: the API's scope asked for at sign-in, and a
// token call for it on the orders page. (Not in the size probes: quickstart.rs is what they measure.)

use leptos::prelude::*;
use leptos_auth::{
    use_auth, Auth, AuthError, AuthProvider, AuthState, Authentication, AuthorizeView, ClientConfig, RedirectToLogin,
    Scopes, TokenResult,
};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The scope of the API the app calls (the local provider's: `bash tests/run-provider.sh <your origin>`).
const API_SCOPE: &str = "api:read";

fn main() {
    // Register a single-page app (public client) at your provider with the redirect URIs
    // {origin}/authentication/login-callback, {origin}/silent-callback.html and
    // {origin}/popup-callback.html (blank pages), and {origin}/authentication/logout-callback for sign-out.
    match config() {
        Ok(config) => leptos::mount::mount_to_body(move || view! { <App config=config.clone() /> }),
        Err(error) => leptos::mount::mount_to_body(move || error.to_string()),
    }
}

/// The provider, the app's client id there, and the API scopes to ask for at sign-in (so that the first
/// token call for them needs no second trip to the provider).
fn config() -> Result<ClientConfig, AuthError> {
    Ok(ClientConfig::new("https://login.example.com/tenant", "your-client-id").with_scopes(Scopes::parse(API_SCOPE)?))
}

#[component]
fn App(config: ClientConfig) -> impl IntoView {
    view! {
        <AuthProvider config>
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/orders") view=Orders />
                    <Route path=path!("/authentication/:action") view=|| view! { <Authentication /> } />
                </Routes>
            </Router>
        </AuthProvider>
    }
}

#[component]
fn Home() -> impl IntoView {
    let auth = use_auth();
    move || match auth.state() {
        AuthState::Authenticated(user) => view! {
            <p>"Hello, " {user.display_name}</p>
            <button on:click=move |_| auth.sign_out()>"Sign out"</button>
        }
        .into_any(),
        _ => view! { <button on:click=move |_| auth.sign_in()>"Sign in"</button> }.into_any(),
    }
}

#[component]
fn Orders() -> impl IntoView {
    view! {
        <AuthorizeView
            authorized=|user| view! { <p>"Orders of " {user.subject}</p> <ApiToken /> }
            not_authorized=|| view! { <RedirectToLogin /> }
            authorizing=|| "Checking…"
        />
    }
}

/// The token call an app makes before each request to its API.
#[component]
fn ApiToken() -> impl IntoView {
    let auth = use_auth();
    let answer = LocalResource::new(move || async move { token_for_api(auth).await.unwrap_or_else(|e| e.to_string()) });
    move || answer.get()
}

/// A token for the API's scope: the cached one while it is fresh, else one renewed without the user; when
/// only the user can get one, the browser goes to the provider and comes back here. (`auth.authorized_fetch`
/// calls the API with it, and with a DPoP proof when the tokens are bound.)
async fn token_for_api(auth: Auth) -> Result<String, AuthError> {
    match auth.get_token(&Scopes::parse(API_SCOPE)?).await? {
        // Send `token.access_token.secret()` as `Authorization: Bearer …`; never show or log it.
        TokenResult::Success(token) => Ok(format!("A token for {API_SCOPE}, good until {}", token.expires_at)),
        TokenResult::RequiresInteraction(needed) => needed.redirect().await.map(|()| "Signing in…".into()),
        // `TokenResult` is `#[non_exhaustive]`: answers a later version may add.
        _ => Ok(String::new()),
    }
}
