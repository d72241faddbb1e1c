//! The components as a server renders them (feature `ssr`, host target), where there is no session:
//! a protected page renders its `authorizing` view, `<RedirectToLogin>` renders nothing, the
//! authentication route renders its waiting view, and a token call gets the typed error.
//!   cargo test -p leptos-auth --features ssr --test server_render
#![cfg(all(not(target_arch = "wasm32"), feature = "ssr"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use auth_wasm::protocol::{ClientConfig, Scopes};
use leptos::prelude::*;
use leptos_auth::{provide_auth, AuthError, AuthProvider, AuthState, Authentication, AuthorizeView, RedirectToLogin};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::location::RequestUrl;
use leptos_router::path;

fn config() -> ClientConfig {
    ClientConfig::new("https://login.example.com", "spa")
}

/// The HTML a server sends for `path` of an app with a protected page and the authentication route.
fn render(path: &str) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_context(RequestUrl::new(path));
        view! {
            <AuthProvider config=config()>
                <Router>
                    <Routes fallback=|| "Not found">
                        <Route path=path!("/orders") view=|| view! {
                            <AuthorizeView
                                authorized=|user| view! { <p>"Orders of " {user.subject}</p> }
                                not_authorized=|| view! { <RedirectToLogin /> }
                                authorizing=|| view! { <p>"Checking…"</p> }
                            />
                        } />
                        <Route path=path!("/bare") view=|| view! { <p>"before"</p> <RedirectToLogin /> <p>"after"</p> } />
                        <Route path=path!("/authentication/:action") view=|| view! { <Authentication /> } />
                    </Routes>
                </Router>
            </AuthProvider>
        }
        .to_html()
    })
}

/// The outcome of a future that is ready when first polled (the server's calls never wait).
fn ready<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("a server call waited"),
    }
}

#[test]
fn a_protected_page_renders_its_authorizing_view() {
    let html = render("/orders");
    assert!(html.contains("<p>Checking…</p>"), "{html}");
    assert!(!html.contains("Orders of") && !html.contains("Redirecting"), "{html}");
}

#[test]
fn redirect_to_login_renders_nothing_on_the_server() {
    let html = render("/bare");
    assert!(html.contains("<p>before</p>") && html.contains("<p>after</p>"), "{html}");
    assert!(!html.contains("Redirecting"), "{html}");
}

#[test]
fn the_authentication_route_renders_its_waiting_view() {
    for (action, waiting) in [
        ("login", "Redirecting to sign in…"),
        ("login-callback", "Completing…"),
        ("logout", "Signing out…"),
        ("logout-callback", "Completing…"),
    ] {
        let html = render(&["/authentication/", action].concat());
        assert!(html.contains(&[">", waiting, "</p>"].concat()), "{action}: {html}");
    }
}

#[test]
fn a_token_call_on_the_server_is_a_typed_error_and_nobody_is_signed_in() {
    let owner = Owner::new();
    owner.with(|| {
        let auth = provide_auth(config()).expect("a valid configuration");
        assert_eq!(auth.state(), AuthState::Authorizing);
        assert_eq!(auth.user(), None);
        let error = ready(auth.get_token(&Scopes::new())).expect_err("no token on the server");
        assert_eq!(error, AuthError::NotAvailableOnServer);
        assert_eq!(error.code(), "not_available_on_server");
        assert!(error.to_string().contains("make this call in the browser"), "{error}");
        assert_eq!(ready(auth.renew_token(&Scopes::new())).err(), Some(AuthError::NotAvailableOnServer));
    });
}

#[test]
fn a_wrong_configuration_is_refused_on_the_server_as_in_the_browser() {
    let owner = Owner::new();
    let refused = owner.with(|| provide_auth(ClientConfig::new("not a url", "spa")).err());
    assert!(matches!(refused, Some(AuthError::Protocol(_))), "{refused:?}");
}
