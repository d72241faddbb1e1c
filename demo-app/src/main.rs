//! The auth-wasm demo: a Leptos single-page app that signs in with any OpenID provider.
//!
//! Provider settings come from `auth-config.json` beside `index.html`, read at start-up, so the same
//! build can be pointed at another tenant by editing one file.

use auth_wasm::{AuthClient, ClientConfig};
use leptos::prelude::*;
use leptos_auth::{provide_auth, use_auth, AuthState};

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
    provide_auth(client);
    view! {
        <NavBar />
        <main class="page">
            <Home />
        </main>
    }
}

#[component]
fn NavBar() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="nav">
            <a class="brand" href="/">"auth-wasm demo"</a>
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

#[component]
fn Home() -> impl IntoView {
    let auth = use_auth();
    move || match auth.state() {
        AuthState::Authorizing => view! { <p data-testid="status">"Signing you in…"</p> }.into_any(),
        AuthState::Anonymous => view! {
            <h1>"Welcome"</h1>
            <p data-testid="status">"You are signed out."</p>
        }
        .into_any(),
        AuthState::Failed(error) => view! {
            <h1>"Sign-in failed"</h1>
            <p class="error" role="alert" data-testid="error">{error.to_string()}</p>
            <p data-testid="status">"You are signed out. You can sign in again."</p>
        }
        .into_any(),
        AuthState::Authenticated(user) => view! {
            <h1>"Hello, " {user.display_name.clone()}</h1>
            <p data-testid="status">"You are signed in."</p>
            <dl class="claims">
                <dt>"Subject (sub)"</dt>
                <dd data-testid="sub">{user.subject.clone()}</dd>
                <dt>"Issuer"</dt>
                <dd>{user.claims.iss.to_string()}</dd>
            </dl>
        }
        .into_any(),
    }
}
