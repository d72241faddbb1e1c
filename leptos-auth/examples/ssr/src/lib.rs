//! The app: the same components on the server (feature `ssr`, in `main.rs`) and in the browser (feature
//! `hydrate`, [`hydrate`]). The server renders every page as "authorizing" (it has no session: the
//! tokens live in the browser); the browser hydrates that markup, then finds who is signed in.

use auth_wasm::protocol::{ClientConfig, Scopes};
use leptos::prelude::*;
use leptos_auth::{use_auth, AuthProvider, AuthState, Authentication, AuthorizeView, RedirectToLogin, TokenResult};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// The `<meta>` names the server writes the provider and client id into, for the browser to read.
pub const AUTHORITY_META: &str = "auth-authority";
/// See [`AUTHORITY_META`].
pub const CLIENT_ID_META: &str = "auth-client-id";
/// See [`AUTHORITY_META`]: the API scopes to sign in for, space-separated.
pub const SCOPES_META: &str = "auth-scopes";

/// The configuration from what the server was given (`main.rs`) or wrote into the page.
pub fn client_config(authority: String, client_id: String, scopes: &str) -> ClientConfig {
    ClientConfig::new(authority, client_id).with_scopes(Scopes::parse(scopes).unwrap_or_default())
}

/// The app, signing in with `config`.
#[component]
pub fn App(config: ClientConfig) -> impl IntoView {
    view! {
        <AuthProvider config>
            <Router>
                <nav>
                    <A href="/">"Home"</A>
                    " | "
                    <A href="/protected">"Protected"</A>
                </nav>
                <main>
                    <Routes fallback=|| "Not found">
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/protected") view=Protected />
                        <Route path=path!("/authentication/:action") view=|| view! { <Authentication /> } />
                    </Routes>
                </main>
            </Router>
        </AuthProvider>
    }
}

#[component]
fn Home() -> impl IntoView {
    let auth = use_auth();
    move || match auth.state() {
        AuthState::Authenticated(user) => view! {
            <p data-testid="user">"Hello, " {user.display_name}</p>
            <button on:click=move |_| auth.sign_out()>"Sign out"</button>
        }
        .into_any(),
        AuthState::Anonymous => view! { <button on:click=move |_| auth.sign_in()>"Sign in"</button> }.into_any(),
        AuthState::Authorizing => view! { <p data-testid="status">"Authorizing…"</p> }.into_any(),
    }
}

/// A page for signed-in users: sends anybody else to sign in, and makes a token call.
#[component]
fn Protected() -> impl IntoView {
    view! {
        <AuthorizeView
            authorized=|user| view! {
                <p data-testid="user">"Protected page of " {user.display_name}</p>
                <TokenCall />
            }
            not_authorized=|| view! { <RedirectToLogin /> }
            authorizing=|| view! { <p data-testid="status">"Authorizing…"</p> }
        />
    }
}

/// Asks for an access token and says whether it got one (never showing the token).
#[component]
fn TokenCall() -> impl IntoView {
    let auth = use_auth();
    let outcome = RwSignal::new(String::new());
    let call = move |_| {
        let scopes = auth.client().config().scopes.clone();
        leptos::task::spawn_local(async move {
            let text = match auth.get_token(&scopes).await {
                Ok(TokenResult::Success(token)) => ["a token for ", &token.scopes.to_scope_string()].concat(),
                Ok(TokenResult::RequiresInteraction(_)) => "the user must sign in again".to_owned(),
                Ok(_) => "no token".to_owned(),
                Err(error) => error.to_string(),
            };
            outcome.set(text);
        });
    };
    view! {
        <button on:click=call>"Get a token"</button>
        <p data-testid="token">{outcome}</p>
    }
}

/// The browser's entry: hydrates the server's markup with the configuration the server wrote in `<meta>`.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let meta = |name: &str| {
        document()
            .query_selector(&["meta[name=\"", name, "\"]"].concat())
            .ok()
            .flatten()
            .and_then(|element| element.get_attribute("content"))
            .unwrap_or_default()
    };
    let config = client_config(meta(AUTHORITY_META), meta(CLIENT_ID_META), &meta(SCOPES_META));
    leptos::mount::hydrate_body(move || view! { <App config=config.clone() /> });
}
