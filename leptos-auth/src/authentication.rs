//! The authentication route, `authentication/:action`, like Blazor's `RemoteAuthenticatorView`:
//! `login` and `logout` start what history state asks for; `login-callback` and `logout-callback` show
//! progress while the provider's answer is handled; `login-failed` shows why and offers a retry;
//! `logged-out` confirms. Every view has a default and can be replaced.

use auth_wasm::browser::{current_request, SignOutOutcome};
use auth_wasm::protocol::{ClientConfig, InteractiveAuthenticationRequest, RequestKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::{line, use_auth, Auth, AuthState};

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
}

/// The folder of the authentication route: `/authentication` for `/authentication/login`.
fn route_base(login_path: &str) -> &str {
    // A byte loop, not `rsplit_once('/')`: that brings core's backwards char search into the app.
    match login_path.bytes().rposition(|b| b == b'/') {
        Some(at) => login_path.get(..at).unwrap_or(""),
        None => "",
    }
}

impl AuthenticationPaths {
    /// Whether `path` is a page of the authentication route (no page to return to after a sign-in).
    pub fn contains(&self, path: &str) -> bool {
        let base = route_base(&self.login);
        !base.is_empty() && path.strip_prefix(base).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Runs the request of the current history entry (or the default of `kind`); failures go to the state.
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
            Ok(SignOutOutcome::SignedOutLocally) => auth.signed_out_locally(),
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
    // Read through the router's own memo of the params (it notifies only when they change), not a memo
    // of ours: one reactive type less in the app.
    let action = move || params.read().get("action").unwrap_or_default();

    // Start once per visit of the login or logout route.
    crate::effect(move |_| match action().as_str() {
        "login" => run_request(auth, RequestKind::Login),
        "logout" => run_request(auth, RequestKind::Logout),
        _ => {}
    });

    crate::reactive(move || {
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
            return login_failed_page(auth);
        }
        match (action().as_str(), auth.state()) {
            ("login-failed", _) => login_failed_page(auth),
            ("login", _) => progress("Redirecting to sign in…"),
            ("logout", _) => progress("Signing out…"),
            ("login-callback" | "logout-callback", AuthState::Authorizing) => progress("Completing…"),
            ("logout-callback" | "logged-out", state) if !matches!(state, AuthState::Authenticated(_)) => {
                logged_out_page(auth)
            }
            // A sign-in callback already handled, a sign-out page while someone is signed in, or an action
            // the route does not know (a stray link): nothing is in progress, and the page offers a way on.
            _ => nothing_in_progress_page(auth),
        }
    })
}

/// A line saying what is in progress (`data-testid="status"`), on the route and in `<RedirectToLogin>`.
pub(crate) fn progress(text: &'static str) -> AnyView {
    line(Some("auth-progress"), Some("status"), None, text.to_owned())
}

/// A button with a label. Like [`line`], one view type for every button of the route, and every page
/// is [`panel`]: one type per paragraph, button and page cost the quick start 1,446 B gzip more
/// (measured 2026-12-05).
fn button(label: &'static str, on_click: Box<dyn Fn()>) -> AnyView {
    view! { <button on:click=move |_| on_click()>{label}</button> }.into_any()
}

/// A page of the route: a section with an optional class and heading, then its parts.
fn panel(class: Option<&'static str>, heading: Option<&'static str>, parts: Vec<AnyView>) -> AnyView {
    view! {
        <section class=class>
            {heading.map(|heading| view! { <h1>{heading}</h1> })}
            {parts}
        </section>
    }
    .into_any()
}

/// The "Sign in" button of the route's pages.
fn sign_in_button(auth: Auth) -> AnyView {
    button("Sign in", Box::new(move || auth.sign_in()))
}

/// Why the sign-in failed, with a way to retry. (Plain functions, not components, for the route's pages:
/// a component's props and untracked wrapper cost code per component.)
fn login_failed_page(auth: Auth) -> AnyView {
    let reason = crate::reactive(move || {
        let reason = match auth.last_failure() {
            Some(error) => error.to_string(),
            None => "The sign-in did not complete.".to_owned(),
        };
        line(Some("error"), Some("error"), Some("alert"), reason)
    });
    let retry = button("Try again", Box::new(move || retry(auth)));
    panel(Some("auth-failed"), Some("Sign-in failed"), vec![reason.into_any(), retry])
}

/// The sign-out is done (and whether the provider's session remains).
fn logged_out_page(auth: Auth) -> AnyView {
    let notice = crate::reactive(move || {
        if !auth.provider_session_remains() {
            return ().into_any();
        }
        let text = "You are still signed in at the provider, which offers no way for this app to sign you out \
                    there: the next sign-in may not ask for your password. On a shared computer, sign out at the \
                    provider too, or close the browser.";
        line(Some("notice"), Some("provider-session"), None, text.to_owned())
    });
    let status = line(None, Some("status"), None, "You are signed out.".to_owned());
    panel(None, Some("Signed out"), vec![status, notice.into_any(), sign_in_button(auth)])
}

/// Nothing to do here, with a way on.
fn nothing_in_progress_page(auth: Auth) -> AnyView {
    let way_on = crate::reactive(move || match auth.state() {
        AuthState::Authenticated(_) => view! { <a href="/">"Go to the home page"</a> }.into_any(),
        _ => sign_in_button(auth),
    });
    let status = line(None, Some("status"), None, "No sign-in is in progress.".to_owned());
    panel(None, None, vec![status, way_on.into_any()])
}
