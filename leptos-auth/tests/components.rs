//! The components in headless Chromium: `<AuthorizeView>`'s three states and roles; the authentication
//! route's login-failed page, which a failure reaches without signing anybody out.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use auth_wasm::browser::{AuthClient, KeyValueStore, MemoryStore};
use auth_wasm::protocol::storage_keys::session_key;
use auth_wasm::protocol::{ClientConfig, InteractiveAuthenticationRequest};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos_auth::{provide_auth_with_client, Auth, AuthState, Authentication, AuthorizeView};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const AUTHORITY: &str = "http://127.0.0.1:9";

/// A client whose cache holds `claims`' account as signed in (or nobody).
fn client(claims: Option<serde_json::Value>) -> AuthClient {
    let config = ClientConfig::new(AUTHORITY, "spa");
    let tokens: Rc<dyn KeyValueStore> = Rc::new(MemoryStore::default());
    if let Some(claims) = claims {
        // The stored form of a session (see auth_wasm::protocol::Session).
        let session = serde_json::json!({
            "account": { "home_account_id": format!("alice.{AUTHORITY}"), "claims": claims },
            "id_token": "header.payload.signature",
            "granted_scopes": ["openid", "profile"],
            "access_tokens": [],
        });
        tokens.set(&session_key(&config.client_id, AUTHORITY), &session.to_string()).unwrap();
    }
    AuthClient::with_stores(config, tokens, Rc::new(MemoryStore::default())).unwrap()
}

fn alice(roles: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "iss": AUTHORITY, "sub": "alice", "aud": "spa", "exp": 4_000_000_000i64, "iat": 1, "name": "Alice", "roles": roles
    })
}

/// Mounts `app` with `client` in context; returns its container, the auth handle and the mount handle.
fn mount_app<V: IntoView + 'static>(
    client: AuthClient,
    app: impl FnOnce() -> V + 'static,
) -> (web_sys::HtmlElement, Auth, impl Sized) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let provided = Rc::new(Cell::new(None));
    let handle = leptos::mount::mount_to(container.clone(), {
        let provided = provided.clone();
        move || {
            provided.set(Some(provide_auth_with_client(client)));
            app()
        }
    });
    (container, provided.get().unwrap(), handle)
}

/// Mounts an `<AuthorizeView>` (requiring `roles`) over `client`; returns its container and mount handle.
fn mount(client: AuthClient, roles: Vec<String>) -> (web_sys::HtmlElement, impl Sized) {
    let (container, _auth, handle) = mount_app(client, move || {
        view! {
            <AuthorizeView
                authorized=|user| view! { <p>"authorized: " {user.display_name}</p> }
                not_authorized=|| view! { <p>"not authorized"</p> }
                authorizing=|| view! { <p>"authorizing"</p> }
                roles
            />
        }
    });
    (container, handle)
}

/// Mounts the authentication route over `client`, as an app has it.
fn mount_route(client: AuthClient) -> (web_sys::HtmlElement, Auth, impl Sized) {
    mount_app(client, || {
        view! {
            <Router>
                <Routes fallback=|| "not the authentication route">
                    <Route path=path!("/authentication/:action") view=|| view! { <Authentication /> } />
                </Routes>
            </Router>
        }
    })
}

/// The address bar set to `path` (as a link would), until dropped.
struct AddressBar {
    before: String,
}

impl AddressBar {
    fn set(path: &str) -> Self {
        let window = web_sys::window().unwrap();
        let before = window.location().href().unwrap();
        window.history().unwrap().replace_state_with_url(&JsValue::NULL, "", Some(path)).unwrap();
        Self { before }
    }

    fn path() -> String {
        web_sys::window().unwrap().location().pathname().unwrap()
    }
}

impl Drop for AddressBar {
    fn drop(&mut self) {
        let history = web_sys::window().unwrap().history().unwrap();
        history.replace_state_with_url(&JsValue::NULL, "", Some(&self.before)).unwrap();
    }
}

fn text_of(container: &web_sys::HtmlElement, selector: &str) -> String {
    let element = container.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}"));
    element.unchecked_into::<web_sys::HtmlElement>().inner_text()
}

async fn settle() {
    TimeoutFuture::new(50).await;
}

#[wasm_bindgen_test]
async fn authorizing_until_the_state_is_known_then_authorized() {
    let (container, _handle) = mount(client(Some(alice(&[]))), vec![]);
    assert_eq!(container.inner_text(), "authorizing");
    settle().await;
    assert_eq!(container.inner_text(), "authorized: Alice");
}

#[wasm_bindgen_test]
async fn not_authorized_when_nobody_is_signed_in() {
    let (container, _handle) = mount(client(None), vec![]);
    settle().await;
    assert_eq!(container.inner_text(), "not authorized");
}

#[wasm_bindgen_test]
async fn roles_decide_between_authorized_and_not() {
    let (admin, _a) = mount(client(Some(alice(&["admin", "user"]))), vec!["auditor".into(), "admin".into()]);
    let (user, _u) = mount(client(Some(alice(&["user"]))), vec!["admin".into()]);
    settle().await;
    assert_eq!(admin.inner_text(), "authorized: Alice");
    assert_eq!(user.inner_text(), "You do not have access to this page.", "signed in, but not in the role");
}

#[wasm_bindgen_test]
async fn a_crafted_callback_link_shows_the_failure_and_the_user_stays_signed_in() {
    let _address = AddressBar::set("/authentication/login-callback?error=server_error");
    let (container, auth, _handle) = mount_route(client(Some(alice(&[]))));
    settle().await;
    assert_eq!(AddressBar::path(), "/authentication/login-failed");
    let shown = text_of(&container, "[data-testid=error]");
    assert_eq!(Some(shown), auth.last_failure().map(|error| error.to_string()), "the failure, from last_failure");
    assert!(matches!(auth.state(), AuthState::Authenticated(user) if user.subject == "alice"), "still signed in");
}

#[wasm_bindgen_test]
async fn a_failure_with_nobody_signed_in_leaves_the_state_anonymous() {
    let _address = AddressBar::set("/authentication/login-callback?error=server_error");
    let (container, auth, _handle) = mount_route(client(None));
    settle().await;
    assert_eq!(AddressBar::path(), "/authentication/login-failed");
    assert!(auth.last_failure().is_some());
    assert_eq!(auth.state(), AuthState::Anonymous);
    assert_eq!(text_of(&container, "h1"), "Sign-in failed");
}

#[wasm_bindgen_test]
async fn a_failure_does_not_render_authorize_view_again() {
    let renders = Arc::new(AtomicU32::new(0));
    let counted = renders.clone();
    let (_container, auth, _handle) = mount_app(client(None), move || {
        view! {
            <AuthorizeView
                authorized=|_| ()
                not_authorized=move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    view! { <p>"not authorized"</p> }
                }
            />
        }
    });
    settle().await;
    let before = renders.load(Ordering::SeqCst);
    // A request the login route refuses (a sign-out): the operation fails before anything navigates.
    auth.login(InteractiveAuthenticationRequest::logout("/"));
    settle().await;
    assert!(auth.last_failure().is_some());
    assert_eq!(renders.load(Ordering::SeqCst), before, "a <RedirectToLogin/> there would have started again");
}
