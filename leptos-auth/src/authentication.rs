//! The authentication route, `authentication/:action`, like Blazor's `RemoteAuthenticatorView`:
//! `login` and `logout` start what history state asks for; `login-callback` and `logout-callback` show
//! progress while the provider's answer is handled; `login-failed` shows why and offers a retry;
//! `logged-out` confirms. Every view has a default and can be replaced.

use crate::browser_api::{current_request, RequestOutcome};
use auth_wasm::protocol::{ClientConfig, InteractiveAuthenticationRequest, RequestKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::{use_auth, Auth, AuthState};

/// The paths of the authentication route's actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationPaths {
    /// Starts the interactive request in history state (the configuration's `login_path`).
    pub login: String,
    /// Starts the sign-out in history state (the configuration's `logout_path`).
    pub logout: String,
    /// Shows why a sign-in failed, with a way to retry.
    pub login_failed: String,
    /// Confirms the sign-out.
    pub logged_out: String,
}

impl AuthenticationPaths {
    /// `login` and `logout` from the configuration; the others beside `login`.
    pub fn from_config(config: &ClientConfig) -> Self {
        let base = route_base(&config.login_path);
        Self {
            login: config.login_path.clone(),
            logout: config.logout_path.clone(),
            login_failed: [base, "/login-failed"].concat(),
            logged_out: [base, "/logged-out"].concat(),
        }
    }

    /// Whether `path` is a page of the authentication route (no page to return to after a sign-in).
    pub fn contains(&self, path: &str) -> bool {
        let base = route_base(&self.login);
        !base.is_empty() && path.strip_prefix(base).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// The folder of the authentication route: `/authentication` for `/authentication/login`.
fn route_base(login_path: &str) -> &str {
    login_path.rsplit_once('/').map_or("", |(base, _)| base)
}

/// Runs the request of the current history entry (or the default of `kind`); a failure goes to
/// [`Auth::last_failure`].
///
/// A sign-out with a provider that has no end-session endpoint ends here, with the browser still on
/// this page: the client has replaced the URL with the request's return URL, which the router is told
/// of, and the logged-out view says that the provider's session remains.
fn run_request(auth: Auth, kind: RequestKind) {
    let client = auth.client();
    auth.clear_failure();
    spawn_local(async move {
        match client.run_request_from_history(kind).await {
            Err(error) => auth.fail(error),
            Ok(RequestOutcome::SignedOutLocally) => auth.signed_out_locally(),
            Ok(_) => {}
        }
    });
}

/// Sign in again with the request kept in history state (the one that failed), or a fresh one. On the
/// login route itself (where, say, the provider was unreachable) the route's request runs again.
fn retry(auth: Auth) {
    let on_login_route = window().location().pathname().is_ok_and(|path| path == auth.paths().login);
    if on_login_route {
        auth.set_authorizing();
        run_request(auth, RequestKind::Login);
        return;
    }
    let request = current_request().ok().flatten().filter(|r| r.kind != RequestKind::Logout);
    auth.login(request.unwrap_or_else(|| InteractiveAuthenticationRequest::login("/")));
}

/// The view of the authentication route, `authentication/:action`: starts or completes what the action
/// says, and shows its progress or its outcome. Each action's view can be replaced.
#[component]
pub fn Authentication(
    /// While `login` sends the browser to the provider.
    #[prop(optional, into)]
    login: Option<ViewFn>,
    /// While the provider's answer to a sign-in is handled.
    #[prop(optional, into)]
    login_callback: Option<ViewFn>,
    /// Why sign-in failed (read `use_auth().last_failure()`), with a way to retry.
    #[prop(optional, into)]
    login_failed: Option<ViewFn>,
    /// While `logout` signs out and sends the browser to the provider.
    #[prop(optional, into)]
    logout: Option<ViewFn>,
    /// While the provider's answer to a sign-out is handled.
    #[prop(optional, into)]
    logout_callback: Option<ViewFn>,
    /// Once signed out (read `use_auth().provider_session_remains()`).
    #[prop(optional, into)]
    logged_out: Option<ViewFn>,
) -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    // The router's memo of the params notifies only when they change.
    let action = move || params.read().get("action").unwrap_or_default();

    // Start once per visit of the login or logout route.
    Effect::new(move || match action().as_str() {
        "login" => run_request(auth, RequestKind::Login),
        "logout" => run_request(auth, RequestKind::Logout),
        _ => {}
    });

    move || {
        let custom = match action().as_str() {
            "login" => login.clone(),
            "login-callback" => login_callback.clone(),
            "login-failed" => login_failed.clone(),
            "logout" => logout.clone(),
            "logout-callback" => logout_callback.clone(),
            "logged-out" => logged_out.clone(),
            _ => None,
        };
        if let Some(view) = custom {
            return view.run();
        }
        if auth.last_failure().is_some() {
            // A failure anywhere in the flow is shown with its reason, never a page stuck in progress.
            return view! { <LoginFailed /> }.into_any();
        }
        match (action().as_str(), auth.state()) {
            ("login-failed", _) => view! { <LoginFailed /> }.into_any(),
            ("login", _) => view! { <Progress text="Redirecting to sign in…" /> }.into_any(),
            ("logout", _) => view! { <Progress text="Signing out…" /> }.into_any(),
            ("login-callback" | "logout-callback", AuthState::Authorizing) => {
                view! { <Progress text="Completing…" /> }.into_any()
            }
            ("logout-callback" | "logged-out", state) if !matches!(state, AuthState::Authenticated(_)) => {
                view! { <LoggedOut /> }.into_any()
            }
            // A sign-in callback already handled, a sign-out page while someone is signed in, or an action
            // the route does not know (a stray link): nothing is in progress, and the page offers a way on.
            _ => view! { <NothingInProgress /> }.into_any(),
        }
    }
}

/// A line saying what is in progress (`data-testid="status"`), on the route and in `<RedirectToLogin>`.
#[component]
pub(crate) fn Progress(
    /// What is in progress, such as "Signing out…".
    text: &'static str,
) -> impl IntoView {
    view! { <p class="auth-progress" data-testid="status">{text}</p> }
}

/// Why the sign-in failed ([`Auth::last_failure`]), with a way to retry.
#[component]
fn LoginFailed() -> impl IntoView {
    let auth = use_auth();
    let reason = move || match auth.last_failure() {
        Some(error) => error.to_string(),
        None => "The sign-in did not complete.".to_owned(),
    };
    view! {
        <section class="auth-failed">
            <h1>"Sign-in failed"</h1>
            <p class="error" data-testid="error" role="alert">{reason}</p>
            <button on:click=move |_| retry(auth)>"Try again"</button>
        </section>
    }
}

/// The sign-out is done, and whether the provider's session remains.
#[component]
fn LoggedOut() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section>
            <h1>"Signed out"</h1>
            <p data-testid="status">"You are signed out."</p>
            {move || auth.provider_session_remains().then(|| view! {
                <p class="notice" data-testid="provider-session">
                    "You are still signed in at the provider, which offers no way for this app to sign you out \
                     there: the next sign-in may not ask for your password. On a shared computer, sign out at the \
                     provider too, or close the browser."
                </p>
            })}
            <SignInButton />
        </section>
    }
}

/// Nothing to do here, with a way on: home for a signed-in user, else a sign-in.
#[component]
fn NothingInProgress() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section>
            <p data-testid="status">"No sign-in is in progress."</p>
            {move || match auth.user() {
                Some(_) => view! { <a href="/">"Go to the home page"</a> }.into_any(),
                None => view! { <SignInButton /> }.into_any(),
            }}
        </section>
    }
}

/// The "Sign in" button of the route's pages.
#[component]
fn SignInButton() -> impl IntoView {
    let auth = use_auth();
    view! { <button on:click=move |_| auth.sign_in()>"Sign in"</button> }
}
