//! Orders: a page that needs a signed-in user. Signed out, it sends the user to sign in and brings them back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_auth::{use_auth, AuthorizeView, RedirectToLogin};

use crate::api::{api_base, call_api, outcome_view, ApiOutcome};

#[component]
pub fn Orders() -> impl IntoView {
    view! {
        <h1>"Your orders"</h1>
        <AuthorizeView
            authorized=|_user| view! { <OrderList /> }
            not_authorized=|| view! { <RedirectToLogin /> }
            authorizing=|| view! { <p>"Checking who you are…"</p> }
        />
    }
}

#[component]
fn OrderList() -> impl IntoView {
    let (auth, base) = (use_auth(), api_base());
    let outcome = RwSignal::new_local(None::<ApiOutcome>);
    spawn_local(async move { outcome.set(Some(call_api(auth, base.get_value(), "/orders").await)) });
    move || match outcome.get() {
        None => view! { <p>"Loading your orders…"</p> }.into_any(),
        some => outcome_view(some),
    }
}
