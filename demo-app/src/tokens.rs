//! Tokens: get an access token silently, one at a time or ten at once (which share one renewal).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_auth::{use_auth, PopupOptions, Scopes, TokenResult};

/// What one `get_token` call gave, as shown on the page (never the token itself).
#[derive(Clone)]
enum Outcome {
    Token { scopes: String, audience: String, expires_in: i64 },
    SignInRequired { reason: String },
    Failed(String),
}

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The `aud` claim of a JWT access token, for display; opaque tokens have none.
fn audience(token: &str) -> String {
    token
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|claims| claims.get("aud").map(|aud| aud.to_string().trim_matches('"').to_owned()))
        .unwrap_or_else(|| "(opaque token)".into())
}

#[component]
pub fn Tokens() -> impl IntoView {
    let auth = use_auth();
    let default_scopes = auth.client().config().scopes.to_scope_string();
    let scopes_text = RwSignal::new(if default_scopes.is_empty() { "openid".to_owned() } else { default_scopes });
    let outcomes = RwSignal::new_local(Vec::<Outcome>::new());
    let pending_redirect = StoredValue::new_local(None);

    let run = move |count: usize| {
        outcomes.set(Vec::new());
        let scopes = match Scopes::parse(&scopes_text.get_untracked()) {
            Ok(scopes) => scopes,
            Err(error) => return outcomes.set(vec![Outcome::Failed(error.to_string())]),
        };
        for _ in 0..count {
            let scopes = scopes.clone();
            spawn_local(async move {
                let outcome = match auth.get_token(&scopes).await {
                    Ok(TokenResult::Success(token)) => Outcome::Token {
                        scopes: token.scopes.to_scope_string(),
                        audience: audience(token.access_token.secret()),
                        expires_in: token.expires_at - now_secs(),
                    },
                    Ok(TokenResult::RequiresInteraction(required)) => {
                        let reason = required
                            .reason
                            .as_ref()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| "nobody is signed in".into());
                        pending_redirect.set_value(Some(required));
                        Outcome::SignInRequired { reason }
                    }
                    Ok(_) => Outcome::Failed("an answer this demo does not know".into()),
                    Err(error) => Outcome::Failed(error.to_string()),
                };
                outcomes.update(|list| list.push(outcome));
            });
        }
    };

    view! {
        <h1>"Access tokens"</h1>
        <p>"Tokens come from the cache, else from the refresh token, else from the provider's session in a hidden iframe."</p>
        <div class="card">
            <label>"Scopes " <input name="scopes" bind:value=scopes_text /></label>
            <button on:click=move |_| run(1)>"Get token"</button>
            <button on:click=move |_| run(10)>"Get token ×10 at once"</button>
        </div>
        <p data-testid="token-summary">
            {move || {
                let list = outcomes.get();
                let ok = list.iter().filter(|o| matches!(o, Outcome::Token { .. })).count();
                if list.is_empty() { String::new() } else { format!("{ok} of {} succeeded", list.len()) }
            }}
        </p>
        <ul class="outcomes" data-testid="token-outcomes">
            {move || {
                outcomes
                    .get()
                    .into_iter()
                    .map(|outcome| match outcome {
                        Outcome::Token { scopes, audience, expires_in } => view! {
                            <li>"Access token for " <code>{scopes}</code> ", audience " <code>{audience}</code> ", expires in " {expires_in} " s"</li>
                        }
                        .into_any(),
                        Outcome::SignInRequired { reason } => view! {
                            <li data-testid="sign-in-required">
                                "Sign-in required: " {reason} " "
                                <button on:click=move |_| {
                                    if let Some(required) = pending_redirect.get_value() {
                                        if let Err(error) = required.go_to_login_route() {
                                            outcomes.set(vec![Outcome::Failed(error.to_string())]);
                                        }
                                    }
                                }>"Continue to sign in"</button>
                                // A later click than the one that asked for the token: its activation
                                // lets the popup open.
                                <button on:click=move |_| {
                                    if let Some(required) = pending_redirect.get_value() {
                                        let run = required.popup(&expect_context::<PopupOptions>());
                                        spawn_local(async move {
                                            let outcome = match run.await {
                                                Ok(token) => Outcome::Token {
                                                    scopes: token.scopes.to_scope_string(),
                                                    audience: audience(token.access_token.secret()),
                                                    expires_in: token.expires_at - now_secs(),
                                                },
                                                Err(error) => Outcome::Failed(error.to_string()),
                                            };
                                            outcomes.set(vec![outcome]);
                                        });
                                    }
                                }>"Get it in a popup"</button>
                            </li>
                        }
                        .into_any(),
                        Outcome::Failed(message) => view! { <li class="error">{message}</li> }.into_any(),
                    })
                    .collect_view()
            }}
        </ul>
    }
}
