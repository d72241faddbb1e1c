//! The browser layer in headless Chromium: storage and history round trips; and the wire codecs' cases
//! through the browser's own JSON, URLSearchParams, btoa and atob.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use auth_wasm::browser::{
    open_store, AuthClient, AuthError, CacheLocation, KeyValueStore, MemoryStore, WebStorageStore,
};
use auth_wasm::protocol::storage_keys::{discovery_key, session_key};
use auth_wasm::protocol::{ClientConfig, LoginTransaction, ProtocolError, Scopes};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn session_store() -> Rc<dyn KeyValueStore> {
    Rc::new(WebStorageStore::session().expect("sessionStorage in Chromium"))
}

fn location() -> web_sys::Location {
    web_sys::window().unwrap().location()
}

fn set_url(url: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .unwrap();
}

#[wasm_bindgen_test]
fn session_storage_round_trips_a_transaction() {
    let store = session_store();
    let tx = LoginTransaction::begin(
        "http://127.0.0.1/cb",
        Scopes::new().for_sign_in(),
        "/orders?id=1",
        42,
        [[1; 32], [2; 32], [3; 32]],
    );
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
    for store in
        [open_store(CacheLocation::LocalStorage), open_store(CacheLocation::Memory), Rc::new(MemoryStore::default())]
    {
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
    assert_eq!(tokens.keys().unwrap(), Vec::<String>::new(), "nothing stored");
    assert_eq!(client.account(), None);
    set_url(&start);
}

/// The provider's discovery document, stored as the cache keeps it: its fetch time, then its text.
async fn metadata_from_a_stored_document(age_secs: i64, document: &str) -> Result<String, AuthError> {
    // Port 9 (discard) answers nothing: a fetch fails, so only the stored copy can give metadata.
    let authority = "http://127.0.0.1:9";
    let provider_store: Rc<dyn KeyValueStore> = Rc::new(MemoryStore::default());
    let fetched_at = (js_sys::Date::now() / 1000.0) as i64 - age_secs;
    provider_store.set(&discovery_key(authority), &format!("{fetched_at}\n{document}")).unwrap();
    let client =
        AuthClient::with_stores(ClientConfig::new(authority, "spa"), Rc::new(MemoryStore::default()), provider_store)
            .unwrap();
    client.metadata().await.map(|metadata| metadata.token_endpoint.clone())
}

#[wasm_bindgen_test]
async fn the_provider_cache_serves_a_fresh_document_and_checks_it_again() {
    let document = r#"{"issuer":"http://127.0.0.1:9","authorization_endpoint":"http://127.0.0.1:9/auth",
        "token_endpoint":"http://127.0.0.1:9/token","jwks_uri":"http://127.0.0.1:9/jwks"}"#;
    assert_eq!(metadata_from_a_stored_document(60, document).await, Ok("http://127.0.0.1:9/token".to_owned()));
    // A day old: fetched again (and the provider does not answer).
    assert!(matches!(metadata_from_a_stored_document(25 * 3600, document).await, Err(AuthError::Network { .. })));
    // Stored by someone else for another issuer: checked as a fetched one would be, so not used.
    let other = document.replace(r#""issuer":"http://127.0.0.1:9""#, r#""issuer":"https://evil.example""#);
    assert!(matches!(metadata_from_a_stored_document(60, &other).await, Err(AuthError::Network { .. })));
}

#[wasm_bindgen_test]
async fn a_sign_out_callback_this_browser_did_not_start_signs_nobody_out() {
    let start = location().href().unwrap();
    let tokens: Rc<dyn KeyValueStore> = Rc::new(MemoryStore::default());
    let session = serde_json::json!({
        "account": { "home_account_id": "alice", "claims": {
            "iss": "http://127.0.0.1:9", "sub": "alice", "aud": "spa", "exp": 4_000_000_000i64, "iat": 1 } },
        "id_token": "h.p.s", "granted_scopes": ["openid"], "access_tokens": [],
    });
    let config = ClientConfig::new("http://127.0.0.1:9/", "spa");
    tokens.set(&session_key(&config.client_id, &config.authority), &session.to_string()).unwrap();
    let client = AuthClient::with_stores(config, tokens.clone(), session_store()).unwrap();

    set_url("/authentication/logout-callback?state=forged");
    assert_eq!(client.handle_redirect().await, Ok(auth_wasm::CallbackOutcome::NotACallback));
    assert_eq!(tokens.keys().unwrap().len(), 1, "nothing removed");
    assert!(client.account().is_some(), "still signed in");
    assert_eq!(location().search().unwrap(), "?state=forged", "not ours: left alone");
    set_url(&start);
}

/// A session's JSON with one cached access token, `at`.
fn session_with_token(at: &str, revision: u64) -> String {
    serde_json::json!({
        "account": { "home_account_id": "alice", "claims": {
            "iss": "http://127.0.0.1:9", "sub": "alice", "aud": "spa", "exp": 4_000_000_000i64, "iat": 1 } },
        "id_token": "h.p.s", "granted_scopes": ["openid", "api:read"],
        "access_tokens": [{ "access_token": at, "scopes": ["api:read"], "requested": ["api:read"],
            "issued_at": 1, "expires_at": 4_000_000_000i64 }],
        "revision": revision,
    })
    .to_string()
}

#[wasm_bindgen_test]
fn a_session_another_tab_wrote_to_shared_storage_is_taken_once() {
    let store: Rc<dyn KeyValueStore> = Rc::new(MemoryStore::default());
    let mut config = ClientConfig::new("http://127.0.0.1:9/", "spa");
    config.cache_location = CacheLocation::LocalStorage;
    let key = session_key(&config.client_id, &config.authority);
    store.set(&key, &session_with_token("at-1", 1)).unwrap();
    let client = AuthClient::with_stores(config, store.clone(), Rc::new(MemoryStore::default())).unwrap();
    let events = Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = events.clone();
    client.subscribe(move |event| seen.borrow_mut().push(format!("{event:?}")));
    let (api, other) = (Scopes::parse("api:read").unwrap(), Scopes::parse("other").unwrap());
    let token = |client: &AuthClient| client.cached_token(&api).map(|t| t.access_token.secret().to_owned());

    // Another tab renews: the session is read again (forgetting tokens of other scopes reads it first).
    store.set(&key, &session_with_token("at-2", 2)).unwrap();
    client.forget_access_tokens(&other).unwrap();
    assert_eq!(token(&client), Some("at-2".into()));
    assert_eq!(events.borrow().len(), 1, "one renewal told: {:?}", events.borrow());

    // The same text again: nothing to take, nothing told.
    client.forget_access_tokens(&other).unwrap();
    store.set(&key, &session_with_token("at-2", 2)).unwrap();
    client.forget_access_tokens(&other).unwrap();
    assert_eq!(events.borrow().len(), 1, "{:?}", events.borrow());

    // The app clears the storage: signed out.
    store.remove(&key).unwrap();
    client.forget_access_tokens(&other).unwrap();
    assert!(client.account().is_none());
}

/// A store whose writes the browser refuses from some moment on (quota, storage blocked).
#[derive(Default)]
struct RefusingStore {
    inner: MemoryStore,
    refuse: std::cell::Cell<bool>,
}

impl KeyValueStore for RefusingStore {
    fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        if self.refuse.get() {
            return Err(AuthError::Storage("QuotaExceededError".into()));
        }
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), AuthError> {
        if self.refuse.get() {
            return Err(AuthError::Storage("QuotaExceededError".into()));
        }
        self.inner.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, AuthError> {
        self.inner.keys()
    }
}

#[wasm_bindgen_test]
fn a_refused_storage_write_leaves_the_previous_session_whole() {
    let store = Rc::new(RefusingStore::default());
    let session = serde_json::json!({
        "account": { "home_account_id": "alice", "claims": {
            "iss": "http://127.0.0.1:9", "sub": "alice", "aud": "spa", "exp": 4_000_000_000i64, "iat": 1 } },
        "id_token": "h.p.s", "granted_scopes": ["openid", "api:read"], "refresh_token": "rt",
        "access_tokens": [{ "access_token": "at", "scopes": ["api:read"], "requested": ["api:read"],
            "issued_at": 1, "expires_at": 4_000_000_000i64 }],
    })
    .to_string();
    let config = ClientConfig::new("http://127.0.0.1:9/", "spa");
    let key = session_key(&config.client_id, &config.authority);
    store.set(&key, &session).unwrap();
    let client = AuthClient::with_stores(config, store.clone(), Rc::new(MemoryStore::default())).unwrap();
    let api = Scopes::parse("api:read").unwrap();
    assert_eq!(client.cached_token(&api).map(|t| t.access_token.secret().to_owned()), Some("at".into()));

    store.refuse.set(true);
    assert!(matches!(client.forget_access_tokens(&api), Err(AuthError::Storage(_))));
    assert_eq!(store.get(&key).unwrap(), Some(session), "storage unchanged");
    assert!(client.cached_token(&api).is_some(), "memory unchanged: the token is still served");
    assert!(client.account().is_some());

    store.refuse.set(false);
    client.forget_access_tokens(&api).unwrap();
    assert!(client.cached_token(&api).is_none(), "once storage takes the write, memory follows");
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

mod signatures {
    use auth_wasm::browser::{verify_signature, AuthError};
    use auth_wasm::protocol::{json, IdToken, IdTokenError, JsonObject, JwkSet, ProtocolError};
    use wasm_bindgen_test::*;

    /// Vectors signed by Node's crypto: tests/support/make-jws-fixtures.mjs.
    fn vectors() -> Vec<(String, JwkSet, IdToken)> {
        let list: Vec<serde_json::Value> = serde_json::from_str(include_str!("fixtures/jws.json")).unwrap();
        list.into_iter()
            .map(|v| {
                let jwks = JwkSet { keys: vec![JsonObject::parse(&v["jwk"].to_string()).unwrap()] };
                (v["alg"].as_str().unwrap().to_owned(), jwks, IdToken::new(v["token"].as_str().unwrap()))
            })
            .collect()
    }

    async fn verify(token: &IdToken, jwks: &JwkSet) -> Result<(), AuthError> {
        verify_signature(token, jwks).await.map(|_| ())
    }

    fn rejected(error: IdTokenError) -> Result<(), AuthError> {
        Err(AuthError::Protocol(ProtocolError::IdToken(error)))
    }

    #[wasm_bindgen_test]
    async fn webcrypto_verifies_rs256_ps256_es256_es384() {
        for (alg, jwks, token) in vectors() {
            assert_eq!(verify(&token, &jwks).await, Ok(()), "{alg}");
        }
    }

    #[wasm_bindgen_test]
    async fn an_altered_payload_or_signature_is_rejected() {
        for (alg, jwks, token) in vectors() {
            let parts: Vec<&str> = token.secret().split('.').collect();
            let other_payload = "eyJpc3MiOiJodHRwczovL29wLmV4YW1wbGUiLCJzdWIiOiJtYWxsb3J5In0";
            let forged = IdToken::new(format!("{}.{}.{}", parts[0], other_payload, parts[2]));
            assert_eq!(verify(&forged, &jwks).await, rejected(IdTokenError::InvalidSignature), "{alg}");
            let mut signature = parts[2].to_owned();
            signature.replace_range(0..2, if signature.starts_with("AA") { "BB" } else { "AA" });
            let forged = IdToken::new(format!("{}.{}.{signature}", parts[0], parts[1]));
            assert_eq!(verify(&forged, &jwks).await, rejected(IdTokenError::InvalidSignature), "{alg}");
        }
    }

    #[wasm_bindgen_test]
    async fn another_key_of_the_same_kid_is_rejected() {
        let vectors = vectors();
        let (_, rs256_jwks, rs256_token) = &vectors[0];
        let (_, ps256_jwks, _) = &vectors[1];
        // The PS256 key, published under the RS256 key's kid and alg: right kid, wrong key.
        let mut impostor = ps256_jwks.keys[0].clone();
        impostor.set("kid", json::string(rs256_jwks.keys[0].string("kid").unwrap()));
        impostor.set("alg", json::string("RS256"));
        let jwks = JwkSet { keys: vec![impostor] };
        assert_eq!(verify(rs256_token, &jwks).await, rejected(IdTokenError::InvalidSignature));
    }

    #[wasm_bindgen_test]
    async fn a_key_that_is_not_published_is_unknown() {
        let vectors = vectors();
        let (_, _, rs256_token) = &vectors[0];
        let (_, es256_jwks, _) = &vectors[2];
        assert_eq!(verify(rs256_token, es256_jwks).await, rejected(IdTokenError::UnknownKey("rs256-key".into())));
    }
}

mod history_state {
    use auth_wasm::browser::{
        current_request, navigate_to_login, navigate_to_logout, request_from_state, request_to_state, AuthError,
    };
    use auth_wasm::protocol::{
        InteractiveAuthenticationRequest, JsonObject, Prompt, ProtocolError, Scopes, MAX_REQUEST_BYTES,
    };
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    fn window() -> web_sys::Window {
        web_sys::window().unwrap()
    }

    #[wasm_bindgen_test]
    fn a_request_round_trips_through_history_state_not_the_url() {
        let start = window().location().href().unwrap();
        let mut request =
            InteractiveAuthenticationRequest::get_token(Scopes::parse("api:read").unwrap(), "/orders?id=7")
                .unwrap()
                .with_login_hint("bob")
                .with_prompt(Prompt::Login)
                .with_claims(JsonObject::parse(r#"{"id_token": {"acr": {"essential": true}}}"#).unwrap());
        request.extra.set("ui_locales", "fr");

        navigate_to_login("/authentication/login", &request).unwrap();
        let location = window().location();
        assert_eq!(location.pathname().unwrap(), "/authentication/login");
        assert_eq!(location.search().unwrap(), "", "nothing of the request in the URL");
        assert_eq!(current_request().unwrap(), Some(request.clone()));
        assert!(navigate_to_logout("/authentication/logout", &request).is_err(), "a token request is no logout");

        window().history().unwrap().back().ok();
        window().history().unwrap().replace_state_with_url(&JsValue::NULL, "", Some(&start)).unwrap();
    }

    #[wasm_bindgen_test]
    fn state_values_convert_both_ways() {
        let request = InteractiveAuthenticationRequest::logout("/bye");
        let state = request_to_state(&request).unwrap();
        assert_eq!(request_from_state(&state).unwrap(), Some(request));
        assert_eq!(request_from_state(&JsValue::NULL).unwrap(), None);
        let router_state = js_sys::JSON::parse(r#"{"scroll": 10}"#).unwrap();
        assert_eq!(request_from_state(&router_state).unwrap(), None, "someone else's state");
    }

    #[wasm_bindgen_test]
    fn malformed_or_oversized_state_is_a_clear_error() {
        let invalid = |json: &str| {
            let state = js_sys::JSON::parse(json).unwrap();
            matches!(request_from_state(&state), Err(AuthError::Protocol(ProtocolError::InvalidRequest(_))))
        };
        assert!(invalid(r#"{"version": 1, "kind": "login"}"#), "no return_url");
        assert!(invalid(r#"{"version": 9, "kind": "login", "return_url": "/"}"#));
        assert!(invalid(r#"{"version": 1, "kind": 42, "return_url": "/"}"#));
        let huge = format!(r#"{{"version": 1, "kind": "login", "return_url": "/{}"}}"#, "x".repeat(MAX_REQUEST_BYTES));
        assert!(invalid(&huge));
    }
}

/// The wire codecs' cases, shared with the native tests (`tests/wire.rs`): here through the page's
/// `JSON.parse` and `JSON.stringify`, `URLSearchParams`, and `btoa` and `atob` (`src/platform/web.rs`).
#[path = "wire/cases.rs"]
mod wire;

/// What only JavaScript could do wrong when it parses JSON text.
mod json_in_javascript {
    use auth_wasm::protocol::JsonObject;
    use wasm_bindgen_test::*;

    #[wasm_bindgen_test]
    fn a_proto_key_is_a_field_and_pollutes_no_prototype() {
        let object = JsonObject::parse(r#"{"__proto__":{"polluted":true}}"#).unwrap();
        assert!(object.object("__proto__").unwrap().opt_bool("polluted").unwrap().unwrap());
        assert!(object.to_json_string().contains(r#""__proto__":{"polluted":true}"#));
        let fresh = js_sys::Object::new();
        assert!(js_sys::Reflect::get(&fresh, &"polluted".into()).unwrap().is_undefined(), "no prototype was polluted");
    }
}
