//! The browser layer in headless Chromium: storage and history round trips.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use auth_wasm::browser::{open_store, AuthClient, AuthError, CacheLocation, KeyValueStore, MemoryStore, WebStorageStore};
use auth_wasm::protocol::{ClientConfig, LoginTransaction, ProtocolError, Scopes, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn session_store() -> Rc<dyn KeyValueStore> {
    Rc::new(WebStorageStore::session().expect("sessionStorage in Chromium"))
}

fn location() -> web_sys::Location {
    web_sys::window().unwrap().location()
}

fn set_url(url: &str) {
    web_sys::window().unwrap().history().unwrap().replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url)).unwrap();
}

#[wasm_bindgen_test]
fn session_storage_round_trips_a_transaction() {
    let store = session_store();
    let tx = LoginTransaction::begin("http://127.0.0.1/cb", Scopes::new().for_sign_in(), "/orders?id=1", 42).unwrap();
    let key = LoginTransaction::storage_key(&tx.state);
    store.save(&key, &tx).unwrap();
    assert!(store.keys().unwrap().contains(&key));
    let raw = web_sys::window().unwrap().session_storage().unwrap().unwrap().get_item(&key).unwrap().unwrap();
    assert!(raw.contains("/orders?id=1"), "stored as JSON in sessionStorage");
    assert_eq!(store.take::<LoginTransaction>(&key).unwrap(), Some(tx));
    assert_eq!(store.load::<LoginTransaction>(&key).unwrap(), None, "take removes it");
}

#[wasm_bindgen_test]
fn corrupt_entries_are_removed_not_fatal() {
    let store = session_store();
    store.set("auth-wasm.test.corrupt", "{not json").unwrap();
    assert_eq!(store.load::<LoginTransaction>("auth-wasm.test.corrupt").unwrap(), None);
    assert_eq!(store.get("auth-wasm.test.corrupt").unwrap(), None);
}

#[wasm_bindgen_test]
fn local_and_memory_stores_round_trip() {
    for store in [open_store(CacheLocation::LocalStorage), open_store(CacheLocation::Memory), Rc::new(MemoryStore::default())] {
        store.set("auth-wasm.test.k", "v").unwrap();
        assert_eq!(store.get("auth-wasm.test.k").unwrap().as_deref(), Some("v"));
        store.remove("auth-wasm.test.k").unwrap();
        assert_eq!(store.get("auth-wasm.test.k").unwrap(), None);
    }
}

#[wasm_bindgen_test]
async fn a_callback_with_unknown_state_is_rejected_and_the_url_cleaned() {
    let start = location().href().unwrap();
    let tokens: Rc<dyn KeyValueStore> = Rc::new(MemoryStore::default());
    // The authority is never contacted: the state check fails before discovery is needed.
    let config = ClientConfig::new("http://127.0.0.1:9/", "spa");
    let client = AuthClient::with_stores(config, tokens.clone(), session_store()).unwrap();

    set_url("/authentication/login-callback?code=abc&state=forged");
    let result = client.handle_redirect().await;
    assert_eq!(result, Err(AuthError::Protocol(ProtocolError::StateMismatch)));
    assert_eq!(location().pathname().unwrap(), "/");
    assert_eq!(location().search().unwrap(), "", "no code or state left in the address bar");
    assert_eq!(tokens.get(Session::STORAGE_KEY).unwrap(), None);
    assert_eq!(client.user().unwrap(), None);
    set_url(&start);
}

#[wasm_bindgen_test]
async fn a_page_that_is_not_a_callback_is_left_alone() {
    let start = location().href().unwrap();
    let config = ClientConfig::new("http://127.0.0.1:9/", "spa");
    let client = AuthClient::with_stores(config, Rc::new(MemoryStore::default()), session_store()).unwrap();
    set_url("/orders?page=2");
    assert_eq!(client.handle_redirect().await, Ok(auth_wasm::CallbackOutcome::NotACallback));
    assert_eq!(location().search().unwrap(), "?page=2");
    set_url(&start);
}
