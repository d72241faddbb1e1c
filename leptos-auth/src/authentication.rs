//! The authentication route, `authentication/:action` (like Blazor's RemoteAuthenticatorView):
//! `login` and `logout` start what history state asks for; the callbacks show progress while the
//! provider's answer is handled; any failure shows its error and a way to try again.

use auth_wasm::protocol::RequestKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::{use_auth, AuthState};

#[component]
pub fn Authentication() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let action = move || params.read().get("action").unwrap_or_default();

    let start = move |kind: RequestKind| {
        let client = auth.client();
        spawn_local(async move {
            if let Err(error) = client.run_request_from_history(kind).await {
                auth.fail(error);
            }
        });
    };
    // Start once per visit of the login or logout route.
    Effect::new(move |started: Option<String>| {
        let current = action();
        if started.as_deref() != Some(current.as_str()) {
            match current.as_str() {
                "login" => start(RequestKind::Login),
                "logout" => start(RequestKind::Logout),
                _ => {}
            }
        }
        current
    });

    move || {
        if let AuthState::Failed(error) = auth.state() {
            return view! {
                <section class="auth-failed">
                    <h1>"Sign-in failed"</h1>
                    <p class="error" role="alert" data-testid="error">{error.to_string()}</p>
                    <button on:click=move |_| auth.sign_in()>"Try again"</button>
                </section>
            }
            .into_any();
        }
        let message = match action().as_str() {
            "login" => "Redirecting to sign in…",
            "login-callback" => "Completing sign-in…",
            "logout" => "Signing out…",
            "logout-callback" => "Completing sign-out…",
            _ => "Unknown authentication action.",
        };
        view! { <p class="auth-progress" data-testid="status">{message}</p> }.into_any()
    }
}
