//! `<AuthorizeView>` in headless Chromium: its three states, and roles.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use auth_wasm::browser::{AuthClient, KeyValueStore, MemoryStore};
use auth_wasm::protocol::storage_keys::session_key;
use auth_wasm::protocol::ClientConfig;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos_auth::{provide_auth_with_client, AuthorizeView};
use wasm_bindgen::JsCast as _;
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

/// Mounts an `<AuthorizeView>` (requiring `roles`) over `client`; returns its container and mount handle.
fn mount(client: AuthClient, roles: Vec<String>) -> (web_sys::HtmlElement, impl Sized) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        provide_auth_with_client(client);
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
