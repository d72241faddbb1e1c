//! Home: who is signed in, and a sign-in form with the request's options.

use leptos::prelude::*;
use leptos_auth::{use_auth, AuthState, InteractiveAuthenticationRequest, PopupOptions, Prompt};

#[component]
pub fn Home() -> impl IntoView {
    let auth = use_auth();
    move || {
        match auth.state() {
        AuthState::Authorizing => view! { <p data-testid="status">"Signing you in…"</p> }.into_any(),
        // Nobody is signed in; the last sign-in may have failed (the failure is kept apart from the state).
        AuthState::Anonymous => match auth.last_failure() {
            None => view! {
                <h1>"Welcome"</h1>
                <p data-testid="status">"You are signed out."</p>
                <p>
                    "This demo signs you in with OpenID Connect (authorization code with PKCE) from WebAssembly. "
                    "Profile and Orders need you signed in; Call API uses your access token; Tokens shows silent renewal."
                </p>
                <SignInOptions />
            }
            .into_any(),
            Some(error) => view! {
                <h1>"Sign-in failed"</h1>
                <p class="error" role="alert" data-testid="error" data-code=error.code()>{error.to_string()}</p>
                // A popup the browser blocked: a redirect works where a popup cannot.
                {(error.code() == "popup_blocked").then(|| view! {
                    <button on:click=move |_| auth.sign_in()>"Sign in by redirect instead"</button>
                })}
                <p data-testid="status">"You are signed out. You can sign in again."</p>
                <SignInOptions />
            }
            .into_any(),
        },
        AuthState::Authenticated(user) => view! {
            <h1>"Hello, " {user.display_name.clone()}</h1>
            <p data-testid="status">"You are signed in."</p>
            <dl class="claims">
                <dt>"Subject (sub)"</dt>
                <dd data-testid="sub">{user.subject.clone()}</dd>
                <dt>"Issuer"</dt>
                <dd>{user.claims.iss.to_string()}</dd>
                <dt>"Account"</dt>
                <dd>{user.home_account_id.as_str().to_owned()}</dd>
            </dl>
            <div class="card">
                <h2>"Your account"</h2>
                <button on:click=move |_| auth.login(InteractiveAuthenticationRequest::login("/").with_prompt(Prompt::SelectAccount))>
                    "Switch account"
                </button>
                <button on:click=move |_| auth.login(InteractiveAuthenticationRequest::login("/").with_prompt(Prompt::Login))>
                    "Sign in again"
                </button>
                <button on:click=move |_| auth.login_popup(
                    InteractiveAuthenticationRequest::login("/").with_prompt(Prompt::SelectAccount),
                    &expect_context::<PopupOptions>(),
                )>"Pick another account in a popup"</button>
                {move || auth.last_failure().map(|error| view! {
                    <p class="error" role="alert" data-testid="error">{error.to_string()}</p>
                })}
            </div>
        }
        .into_any(),
    }
    }
}

/// A sign-in with a login hint and a prompt: the request travels in history state, not the URL.
#[component]
fn SignInOptions() -> impl IntoView {
    let auth = use_auth();
    let login_hint = RwSignal::new(String::new());
    let prompt = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut request = InteractiveAuthenticationRequest::login("/");
        let hint = login_hint.get_untracked();
        if !hint.trim().is_empty() {
            request = request.with_login_hint(hint.trim());
        }
        let chosen = match prompt.get_untracked().as_str() {
            "login" => Some(Prompt::Login),
            "select_account" => Some(Prompt::SelectAccount),
            "consent" => Some(Prompt::Consent),
            _ => None,
        };
        if let Some(chosen) = chosen {
            request = request.with_prompt(chosen);
        }
        auth.login(request);
    };
    view! {
        <form class="card" on:submit=submit>
            <h2>"Sign in with options"</h2>
            <label>"Login hint " <input name="login_hint" placeholder="e.g. bob" bind:value=login_hint /></label>
            <label>
                "Prompt "
                <select name="prompt" bind:value=prompt>
                    <option value="">"(provider decides)"</option>
                    <option value="login">"login: ask again"</option>
                    <option value="select_account">"select_account: pick an account"</option>
                    <option value="consent">"consent: ask for consent"</option>
                </select>
            </label>
            <button type="submit">"Sign in with these options"</button>
        </form>
    }
}
