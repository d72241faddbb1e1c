//! The auth-wasm demo: a Leptos single-page app that signs in with any OpenID provider.
//!
//! Provider settings come from `auth-config.json` beside `index.html`, read at start-up, so the same
//! build can be pointed at another tenant by editing one file.

mod events;
mod home;
mod tokens;

use auth_wasm::{AuthClient, ClientConfig};
use leptos::prelude::*;
use leptos_auth::{use_auth, AuthProvider, AuthState, Authentication};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

const CONFIG_URL: &str = "/auth-config.json";

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Root);
}

/// Loads the configuration, then runs the app with a client made from it.
#[component]
fn Root() -> impl IntoView {
    let client = LocalResource::new(load_client);
    move || match client.get() {
        None => view! { <p class="page">"Loading…"</p> }.into_any(),
        Some(Ok(client)) => view! { <App client /> }.into_any(),
        Some(Err(message)) => view! { <ConfigProblem message /> }.into_any(),
    }
}

async fn load_client() -> Result<AuthClient, String> {
    let response = gloo_net::http::Request::get(CONFIG_URL)
        .send()
        .await
        .map_err(|e| format!("could not load {CONFIG_URL}: {e}"))?;
    if !response.ok() {
        return Err(format!("could not load {CONFIG_URL}: HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| format!("could not read {CONFIG_URL}: {e}"))?;
    let config = ClientConfig::from_json(&text).map_err(|e| format!("{CONFIG_URL}: {e}"))?;
    AuthClient::new(config).map_err(|e| e.to_string())
}

#[component]
fn ConfigProblem(message: String) -> impl IntoView {
    view! {
        <main class="page">
            <h1>"The app is not configured"</h1>
            <p class="error" role="alert">{message}</p>
        </main>
    }
}

#[component]
fn App(client: AuthClient) -> impl IntoView {
    view! {
        <AuthProvider client>
            <Router>
                <NavBar />
                <main class="page">
                    <Routes fallback=|| view! { <h1>"Page not found"</h1> }>
                        <Route path=path!("/") view=home::Home />
                        <Route path=path!("/tokens") view=tokens::Tokens />
                        <Route path=path!("/authentication/:action") view=Authentication />
                    </Routes>
                    <events::EventLog />
                </main>
            </Router>
        </AuthProvider>
    }
}

#[component]
fn NavBar() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="nav">
            <A href="/" attr:class="brand">"auth-wasm demo"</A>
            <A href="/tokens">"Tokens"</A>
            <span class="spacer"></span>
            {move || match auth.state() {
                AuthState::Authenticated(user) => view! {
                    <span class="who" data-testid="nav-user">{user.display_name}</span>
                    <button on:click=move |_| auth.sign_out()>"Sign out"</button>
                }
                .into_any(),
                AuthState::Authorizing => view! { <span class="who">"…"</span> }.into_any(),
                AuthState::Anonymous | AuthState::Failed(_) => {
                    view! { <button on:click=move |_| auth.sign_in()>"Sign in"</button> }.into_any()
                }
            }}
        </header>
    }
}
