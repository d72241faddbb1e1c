//! Profile: the signed-in user's ID-token claims.

use leptos::prelude::*;
use leptos_auth::auth_wasm::protocol::json;
use leptos_auth::{use_auth, AuthorizeView};

#[component]
pub fn Profile() -> impl IntoView {
    let auth = use_auth();
    view! {
        <h1>"Profile"</h1>
        <AuthorizeView
            authorized=|user| {
                let claims: Vec<(String, String)> =
                    user.claims.all.iter().map(|(name, value)| (name.to_owned(), json::value_text(value))).collect();
                view! {
                    <p>"These are the claims of your ID token (its signature was verified with the provider's keys)."</p>
                    <table class="claims-table" data-testid="claims">
                        <thead><tr><th>"Claim"</th><th>"Value"</th></tr></thead>
                        <tbody>
                            {claims.into_iter().map(|(name, value)| view! { <tr><td>{name}</td><td>{value}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }
            }
            not_authorized=move || view! {
                <p data-testid="status">"Sign in to see your profile."</p>
                <button on:click=move |_| auth.sign_in()>"Sign in to see your profile"</button>
            }
            authorizing=|| view! { <p>"Checking who you are…"</p> }
        />
    }
}
