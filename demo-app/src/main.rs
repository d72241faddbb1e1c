//! The auth-wasm demo: a Leptos single-page app that signs in with any OpenID provider.
//!
//! Provider settings come from `auth-config.json` beside `index.html`, read at start-up, so the same
//! build can be pointed at another tenant by editing one file.

mod api;
mod bench;
mod config;
mod events;
mod home;
mod orders;
mod profile;
mod tokens;

use leptos::prelude::*;
use leptos_auth::{
    current_path, use_auth, AuthProvider, AuthState, Authentication, InteractiveAuthenticationRequest, PopupOptions,
};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use config::{load_config, DemoConfig};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Root);
}

/// Loads the configuration, then runs the app with it.
#[component]
fn Root() -> impl IntoView {
    let config = LocalResource::new(load_config);
    move || match config.get() {
        None => view! { <p class="page">"Loading…"</p> }.into_any(),
        Some(Ok(config)) => view! { <App config /> }.into_any(),
        Some(Err(message)) => view! {
            <main class="page">
                <h1>"The app is not configured"</h1>
                <p class="error" role="alert">{message}</p>
            </main>
        }
        .into_any(),
    }
}

#[component]
fn App(config: DemoConfig) -> impl IntoView {
    provide_context(config.api_base_url.clone());
    provide_context(api::OtherApiUrl(config.other_api_url.clone()));
    provide_context(config.popup.clone());
    view! {
        <AuthProvider config=config.auth>
            <Router>
                <NavBar />
                <main class="page">
                    <Routes fallback=|| view! { <h1>"Page not found"</h1> }>
                        <Route path=path!("/") view=home::Home />
                        <Route path=path!("/profile") view=profile::Profile />
                        <Route path=path!("/orders") view=orders::Orders />
                        <Route path=path!("/call-api") view=api::CallApi />
                        <Route path=path!("/tokens") view=tokens::Tokens />
                        // Hidden (not in the navigation): tests/bench/session-bench.mjs times the Rust API here.
                        <Route path=path!("/bench") view=bench::Bench />
                        <Route path=path!("/authentication/:action") view=|| view! { <Authentication /> } />
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
            <nav>
                <A href="/profile">"Profile"</A>
                <A href="/orders">"Orders"</A>
                <A href="/call-api">"Call API"</A>
                <A href="/tokens">"Tokens"</A>
            </nav>
            <span class="spacer"></span>
            {move || match auth.state() {
                AuthState::Authenticated(user) => view! {
                    <span class="who" data-testid="nav-user">{user.display_name}</span>
                    <button on:click=move |_| auth.sign_out()>"Sign out"</button>
                }
                .into_any(),
                AuthState::Authorizing => view! { <span class="who">"…"</span> }.into_any(),
                AuthState::Anonymous => view! {
                    <button on:click=move |_| auth.sign_in()>"Sign in"</button>
                    // Opened in the click handler itself: popup blockers allow it.
                    <button on:click=move |_| auth.login_popup(
                        InteractiveAuthenticationRequest::login(current_path()),
                        &expect_context::<PopupOptions>(),
                    )>"Sign in with a popup"</button>
                }
                .into_any(),
            }}
        </header>
    }
}
