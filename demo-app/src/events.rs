//! The event log: what the auth client reported on this page load.

use auth_wasm::browser::AuthEvent;
use leptos::prelude::*;
use leptos_auth::use_auth;

fn describe(event: &AuthEvent) -> String {
    match event {
        AuthEvent::SignedIn(user) => format!("SignedIn: {}", user.display_name),
        AuthEvent::SignedOut => "SignedOut".into(),
        AuthEvent::TokenRenewed { scopes } => format!("TokenRenewed: {}", scopes.to_scope_string()),
        AuthEvent::RenewFailed { scopes, error } => format!("RenewFailed: {}: {error}", scopes.to_scope_string()),
        AuthEvent::AccountChanged { previous, current } => {
            format!("AccountChanged: {} → {}", previous.as_str(), current.display_name)
        }
        other => format!("{other:?}"),
    }
}

#[component]
pub fn EventLog() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section class="events">
            <h2>"Events"</h2>
            <ol data-testid="events">
                {move || auth.events().iter().map(|e| view! { <li>{describe(e)}</li> }).collect_view()}
            </ol>
        </section>
    }
}
