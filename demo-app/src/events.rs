//! The event log: what the auth client reported on this page load.

use leptos::prelude::*;
use leptos_auth::{use_auth, AuthEvent};

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

/// How many recent events the log keeps.
const EVENT_HISTORY: usize = 50;

/// The client's events since the page loaded (it is mounted with the app, before the client reports
/// anything), the most recent 50.
#[component]
pub fn EventLog() -> impl IntoView {
    let events = RwSignal::new_local(Vec::<AuthEvent>::new());
    let client = use_auth().client();
    let subscription = client.subscribe(move |event| {
        events.update(|list| {
            list.push(event.clone());
            let overflow = list.len().saturating_sub(EVENT_HISTORY);
            list.drain(..overflow);
        });
    });
    let client = StoredValue::new_local(client);
    on_cleanup(move || {
        client.try_with_value(|c| c.unsubscribe(subscription));
    });
    view! {
        <section class="events">
            <h2>"Events"</h2>
            <ol data-testid="events">
                {move || events.get().iter().map(|e| view! { <li>{describe(e)}</li> }).collect_view()}
            </ol>
        </section>
    }
}
