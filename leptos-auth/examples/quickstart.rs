use leptos::prelude::*;
use leptos_auth::{use_auth, AuthProvider, AuthState, Authentication, AuthorizeView, ClientConfig, RedirectToLogin};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    // Register a single-page app (public client) at your provider with the redirect URIs
    // {origin}/authentication/login-callback, {origin}/silent-callback.html and
    // {origin}/popup-callback.html (blank pages), and {origin}/authentication/logout-callback for sign-out.
    let config = ClientConfig::new("https://login.example.com/tenant", "your-client-id");
    leptos::mount::mount_to_body(move || view! { <App config=config.clone() /> });
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
            authorized=|user| view! { <p>"Orders of " {user.subject}</p> }
            not_authorized=|| view! { <RedirectToLogin /> }
            authorizing=|| "Checking…"
        />
    }
}
