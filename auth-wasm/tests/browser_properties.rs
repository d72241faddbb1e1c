//! The properties of `tests/properties.rs` over the parsers that ship: in headless Chromium, where the
//! library reads JSON with the page's `JSON.parse`, form encoding with `URLSearchParams` and base64 with
//! `atob` (`src/platform/web.rs`, `base64.js`), through its own conversion code. The native property tests
//! run miniserde, form_urlencoded and base64ct instead, so they cannot speak for this code.
//!
//! For every kind of document the library reads (token and error responses, discovery documents, key sets,
//! callback URLs and their queries, JWTs and their segments, `WWW-Authenticate` challenges, `client_info`,
//! stored sessions and transactions, tab messages, history-state requests, configuration), a seeded
//! generator mutates a valid one many times (pieces of JSON, escapes that are not UTF-16, numbers out of
//! range, percent escapes, deep nesting, huge strings, cuts and copies), and each is read through the same
//! public entry points the shipped code calls. The properties: no panic (a panic in wasm aborts the test
//! run, as it would abort the app), and a value or a typed error with a code; where a value round-trips,
//! it reads back the same.
//!
//! Linear time is shown by counting work, not by a clock: a counting allocator (every byte the wasm
//! allocates, which includes every string and list the conversions copy out of JavaScript) and the bytes
//! the glue decodes into JavaScript strings; each is counted on inputs of growing size, and the work on an
//! input 8 times larger must stay within 12 times (linear work gives about 8, quadratic about 64).
//!
//!   cargo test -p auth-wasm --target wasm32-unknown-unknown --test browser_properties
#![cfg(target_arch = "wasm32")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use auth_wasm::browser::{request_from_state, AuthError, KeyValueStore, MemoryStore};
use auth_wasm::protocol::base64::{decode_standard, decode_url, encode_url};
use auth_wasm::protocol::{
    claims_challenge, classify_callback, decode_id_token, form, parse_authorization_response, parse_token_response,
    query_of, sign_out_state, ClientConfig, HomeAccountId, IdToken, InteractiveAuthenticationRequest, JsonError,
    JsonObject, JsonRecord, JwkSet, LoginTransaction, ProtocolError, ProviderMetadata, Scopes, Session, SignedJwt,
    TabMessage, MAX_JSON_DEPTH,
};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------------------------------------------
// The generator: splitmix64 from a fixed seed, so that a failure is the same on every run.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// What a mutation inserts: JSON's punctuation and literals, escapes (lone and swapped surrogates, bad
/// ones), numbers beyond every range, keys JavaScript treats specially, percent escapes and URL
/// punctuation, base64 padding, and characters of every UTF-8 length.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\\"",
    "\\u00e9",
    "\\ud800",
    "\\udc00",
    "\\udc00\\ud800",
    "\\ud83d\\ude00",
    "\\u12",
    "\\uZZZZ",
    "\\x41",
    "\\'",
    "null",
    "true",
    "false",
    "-0",
    "1e999",
    "-1e400",
    "1e-400",
    "18446744073709551616",
    "-9223372036854775809",
    "9007199254740993",
    "1.5",
    "0x10",
    "NaN",
    "Infinity",
    "01",
    "\"__proto__\"",
    "\"constructor\"",
    "\"toString\"",
    "\"10\"",
    "\"9\"",
    "\"4294967295\"",
    "é",
    "😀",
    "\u{fffd}",
    "\u{0}",
    "\u{1}",
    "\n",
    "\t",
    " ",
    "%",
    "%zz",
    "%FF",
    "%C3",
    "%C3%A9",
    "%00",
    "%ED%A0%80",
    "&",
    "=",
    "+",
    "#",
    "?",
    ".",
    "..",
    "=",
    "==",
    "-",
    "_",
    "/",
    "code",
    "state",
    "iss",
    "error",
    "exp",
    "aud",
    "keys",
    "version",
    "\"type\":\"session\"",
    "\"revision\":\"18446744073709551615\"",
    "\"kind\":\"login\"",
    "Bearer ",
    "claims=",
];

/// A JSON string of `n` characters of one kind (plain, escaped, wide), quoted.
fn huge_string(rng: &mut Rng, n: usize) -> String {
    let unit = *rng.pick(&["x", "\\\"", "\\u00e9", "😀", "[{", "\\ud800"]);
    ["\"", &unit.repeat(n), "\""].concat()
}

/// Arrays and objects nested about as deep as the limit, or far deeper, closed or not.
fn deep(rng: &mut Rng) -> String {
    let depth = *rng.pick(&[MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 1000, 20_000]);
    let (open, close) = if rng.one_in(2) { ("[", "]") } else { ("{\"a\":", "}") };
    let closed = if rng.one_in(2) { close.repeat(depth) } else { String::new() };
    [open.repeat(depth), "1".into(), closed].concat()
}

/// `seed` (a JSON object) with a first field nested `depth` levels deep, and whether the library must
/// read it: the whole document nests `depth + 1` levels.
fn with_deep_field(rng: &mut Rng, seed: &str, depth: usize) -> (String, bool) {
    let (open, close) = if rng.one_in(2) { ("[", "]") } else { ("{\"a\":", "}") };
    let field = ["{\"deep\":", &open.repeat(depth), "1", &close.repeat(depth), ","].concat();
    ([&field, &seed[1..]].concat(), depth < MAX_JSON_DEPTH)
}

/// The char boundaries of `text` (so that every cut keeps it a `&str`).
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices().map(|(at, _)| at).chain([text.len()]).collect()
}

/// `text` changed 1 to 4 times: pieces inserted or put in place of others, ranges cut, copied or moved,
/// the end cut off, deep nesting or a huge string put in.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut text = text.to_owned();
    for _ in 0..1 + rng.below(4) {
        let cuts = boundaries(&text);
        let (a, b) = {
            let (x, y) = (*rng.pick(&cuts), *rng.pick(&cuts));
            (x.min(y), x.max(y))
        };
        let (before, middle, after) = (&text[..a], &text[a..b], &text[b..]);
        text = match rng.below(9) {
            0 | 1 => [&text[..a], *rng.pick(PIECES), &text[a..]].concat(),
            2 => [before, *rng.pick(PIECES), after].concat(),
            3 => [before, after].concat(),
            4 => [before, middle, middle, after].concat(),
            5 => [after, middle, before].concat(),
            6 => text[..a].to_owned(),
            7 => [before, &deep(rng), after].concat(),
            _ => {
                let n = *rng.pick(&[10, 1000, 20_000]);
                [before, &huge_string(rng, n), after].concat()
            }
        };
    }
    text
}

/// How deep `value`'s arrays and objects nest (an object of scalars: 1).
fn nesting(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(nesting).max().unwrap_or(0),
        serde_json::Value::Object(fields) => 1 + fields.values().map(nesting).max().unwrap_or(0),
        _ => 0,
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

// ---------------------------------------------------------------------------------------------------
// Valid documents of each kind, the seeds the mutations start from.

const AUTHORITY: &str = "https://op.example";

fn fixtures() -> Vec<serde_json::Value> {
    serde_json::from_str(include_str!("fixtures/jws.json")).unwrap()
}

fn token_response() -> String {
    let id_token = fixtures()[0]["token"].as_str().unwrap().to_owned();
    serde_json::json!({ "access_token": "at", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt",
        "id_token": id_token, "scope": "openid profile api:read", "client_info": b64(br#"{"uid":"u","utid":"t"}"#) })
    .to_string()
}

const ERROR_RESPONSE: &str =
    r#"{"error":"invalid_grant","error_description":"expired","error_uri":"https://op.example/e"}"#;

const DISCOVERY: &str = r#"{"issuer":"https://op.example","authorization_endpoint":"https://op.example/authorize",
    "token_endpoint":"https://op.example/token","jwks_uri":"https://op.example/keys",
    "end_session_endpoint":"https://op.example/logout","revocation_endpoint":"https://op.example/revoke",
    "code_challenge_methods_supported":["S256"],"authorization_response_iss_parameter_supported":true}"#;

fn key_set() -> String {
    let keys: Vec<serde_json::Value> = fixtures().into_iter().map(|v| v["jwk"].clone()).collect();
    serde_json::json!({ "keys": keys }).to_string()
}

const CALLBACKS: &[&str] = &[
    "https://app/authentication/login-callback?code=abc&state=s1&iss=https%3A%2F%2Fop.example",
    "https://app/authentication/login-callback?error=access_denied&error_description=no+way&state=s1",
    "https://app/authentication/logout-callback?state=s2#frag",
];

const SESSION: &str = r#"{"account":{"home_account_id":"alice","claims":{"iss":"https://op.example","sub":"alice",
    "aud":"spa","exp":4000000000,"iat":1,"name":"Alice"}},"id_token":"h.p.s","granted_scopes":["openid","api:read"],
    "refresh_token":"rt","access_tokens":[{"access_token":"at","scopes":["api:read"],"requested":["api:read"],
    "issued_at":1,"expires_at":4000000000}],"revision":3}"#;

fn tab_message() -> String {
    let session = Session::from_json_str(SESSION).unwrap();
    TabMessage::session_text(Some(&session), 4, Some(&session.account.home_account_id), true)
}

fn login_transaction() -> String {
    LoginTransaction::begin(
        "https://app/cb",
        Scopes::new().for_sign_in(),
        "/orders?id=1",
        42,
        [[1; 32], [2; 32], [3; 32]],
    )
    .to_json_string()
}

fn history_request() -> String {
    InteractiveAuthenticationRequest::get_token(Scopes::parse("api:read").unwrap(), "/orders?id=7")
        .unwrap()
        .with_login_hint("bob")
        .with_claims(JsonObject::parse(r#"{"id_token":{"acr":{"essential":true}}}"#).unwrap())
        .to_json()
}

const CONFIG: &str = r#"{"authority":"https://op.example","client_id":"spa","scopes":["api:read"],
    "redirect_uri":"/cb","cache_location":"sessionStorage","client_info":true}"#;

const CLAIMS: &str = r#"{"access_token":{"acr":{"essential":true,"value":"urn:mfa"}}}"#;

// ---------------------------------------------------------------------------------------------------
// The properties. Each test reads many documents of its kinds; every result is either a value, checked
// where a rule says what it must be, or an error with a code.

/// How many mutated documents each seed gives.
const CASES: usize = 120;

/// Lets the page run its own tasks now and then: the test runner polls the page, and takes one busy for
/// long for a hung one.
async fn pause(case: usize) {
    if case % 20 == 19 {
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().unwrap().set_timeout_with_callback(&resolve);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
    }
}

fn assert_typed(error: &ProtocolError) {
    assert!(!error.code().is_empty() && !error.to_string().is_empty(), "{error:?}");
}

fn assert_json_error(error: &JsonError) {
    match error {
        JsonError::Invalid(message) => assert!(!message.is_empty()),
        JsonError::TooDeep(limit) => assert!(*limit <= MAX_JSON_DEPTH),
        other => assert!(!other.to_string().is_empty()),
    }
}

/// Reads `text` as a JSON object, and holds it to the properties: a typed error, or an object that is
/// written and read back the same; and every JSON object serde_json reads within the nesting limit is
/// read (none refused that JSON.parse and the conversion should take).
fn json_document(text: &str) {
    match JsonObject::parse(text) {
        Ok(object) => {
            let written = object.to_json_string();
            assert_eq!(JsonObject::parse(&written).as_ref(), Ok(&object), "{written}");
        }
        Err(error) => {
            assert_json_error(&error);
            if let Ok(value @ serde_json::Value::Object(_)) = serde_json::from_str::<serde_json::Value>(text) {
                assert!(nesting(&value) > MAX_JSON_DEPTH, "a JSON object within the limit was refused: {error}");
            }
        }
    }
    if let Err(error) = JsonObject::parse_bytes(text.as_bytes()) {
        assert_json_error(&error);
    }
}

#[wasm_bindgen_test]
async fn json_documents_read_through_json_parse_or_fail_typed() {
    let mut rng = Rng::new(1);
    let seeds = [token_response(), DISCOVERY.into(), key_set(), SESSION.into(), tab_message(), CONFIG.into()];
    for seed in &seeds {
        json_document(seed);
        // Valid documents about as deep as the limit, or far deeper: read, or refused as too deep.
        for depth in [1, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 1000, 20_000] {
            let (text, readable) = with_deep_field(&mut rng, seed, depth);
            match JsonObject::parse(&text) {
                Ok(_) => assert!(readable, "{depth} levels read"),
                Err(error) => assert!(!readable && error == JsonError::TooDeep(MAX_JSON_DEPTH), "{depth}: {error}"),
            }
            json_document(&text);
        }
        for case in 0..CASES {
            pause(case).await;
            json_document(&mutate(&mut rng, seed));
        }
    }
}

#[wasm_bindgen_test]
async fn provider_answers_parse_or_fail_typed() {
    let mut rng = Rng::new(2);
    let statuses = [200u16, 200, 400, 401, 500, 0, 65535];
    for seed in [token_response(), ERROR_RESPONSE.into()] {
        for case in 0..=CASES {
            pause(case).await;
            let body = if case == 0 { seed.clone() } else { mutate(&mut rng, &seed) };
            match parse_token_response(*rng.pick(&statuses), &body) {
                Ok(response) => assert!(!response.access_token.secret().is_empty() || response.id_token.is_some()),
                Err(error) => assert_typed(&error),
            }
        }
    }
    for case in 0..=CASES {
        pause(case).await;
        let text = if case == 0 { DISCOVERY.into() } else { mutate(&mut rng, DISCOVERY) };
        match ProviderMetadata::from_json(&text, &JsonObject::new(), AUTHORITY) {
            Ok(metadata) => assert_eq!(metadata.issuer.as_str(), AUTHORITY),
            Err(error) => assert_typed(&error),
        }
    }
}

#[wasm_bindgen_test]
async fn jwts_and_key_sets_decode_through_atob_or_fail_typed() {
    let mut rng = Rng::new(3);
    let keys = key_set();
    for vector in fixtures() {
        let token = vector["token"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = token.split('.').collect();
        let header = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        for case in 0..=CASES {
            pause(case).await;
            // The token's text mutated, or one of its JSON segments mutated and encoded again.
            let token = match (case, rng.below(3)) {
                (0, _) => token.clone(),
                (_, 0) => mutate(&mut rng, &token),
                (_, 1) => [b64(mutate(&mut rng, &header).as_bytes()), parts[1].into(), parts[2].into()].join("."),
                _ => [parts[0].into(), b64(mutate(&mut rng, &payload).as_bytes()), parts[2].into()].join("."),
            };
            let token = IdToken::new(token);
            if let Err(error) = decode_id_token(&token) {
                assert!(!error.to_string().is_empty());
            }
            let set =
                if rng.one_in(2) { JwkSet::from_json(&keys) } else { JwkSet::from_json(&mutate(&mut rng, &keys)) };
            match (SignedJwt::parse(&token), set) {
                (Ok(jwt), Ok(set)) => {
                    let _ = set.select(&jwt);
                }
                (Err(error), _) => assert!(!error.to_string().is_empty()),
                (_, Err(error)) => assert_typed(&error),
            }
        }
    }
}

#[wasm_bindgen_test]
async fn callback_urls_parse_through_urlsearchparams_or_fail_typed() {
    let mut rng = Rng::new(4);
    for seed in CALLBACKS {
        for case in 0..=CASES {
            pause(case).await;
            let url = if case == 0 { seed.to_string() } else { mutate(&mut rng, seed) };
            if let Err(error) = parse_authorization_response(&url) {
                assert_typed(&error);
            }
            let _ = classify_callback(&url, "https://app/authentication/login-callback", "https://app/out");
            let _ = sign_out_state(&url);
            // What URLSearchParams read from the query is written and read back the same.
            let pairs = form::parse(query_of(&url));
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            assert_eq!(form::parse(&form::encode(&borrowed)), pairs, "{url}");
        }
    }
}

#[wasm_bindgen_test]
async fn base64_decodes_through_atob_only_canonical_text() {
    let mut rng = Rng::new(5);
    for case in 0..4 * CASES {
        pause(case).await;
        let bytes: Vec<u8> = (0..rng.below(70)).map(|_| rng.next() as u8).collect();
        let url = encode_url(&bytes);
        assert_eq!(url, b64(&bytes));
        assert_eq!(decode_url(&url).as_deref(), Some(&bytes[..]));
        let standard = STANDARD.encode(&bytes);
        assert_eq!(decode_standard(&standard).as_deref(), Some(&bytes[..]));
        // Mutated text decodes only when it is the canonical text of what it decodes to.
        let text = mutate(&mut rng, &url);
        if let Some(decoded) = decode_url(&text) {
            assert_eq!(encode_url(&decoded), text.trim_end_matches('='), "{text:?}");
        }
        let text = mutate(&mut rng, &standard);
        if let Some(decoded) = decode_standard(&text) {
            assert_eq!(STANDARD.encode(&decoded), text, "{text:?}");
        }
    }
}

#[wasm_bindgen_test]
async fn challenges_and_client_info_parse_or_fail_typed() {
    let mut rng = Rng::new(6);
    for case in 0..=2 * CASES {
        pause(case).await;
        let claims = if case % 2 == 0 { CLAIMS.to_owned() } else { mutate(&mut rng, CLAIMS) };
        let header =
            format!(r#"Bearer realm="api", error="insufficient_claims", claims="{}""#, STANDARD.encode(&claims));
        let header = if case % 3 == 0 { mutate(&mut rng, &header) } else { header };
        if let Some(object) = claims_challenge(&header) {
            assert_eq!(JsonObject::parse(&object.to_json_string()).as_ref(), Ok(&object));
        }
        let info = b64(mutate(&mut rng, r#"{"uid":"u","utid":"t"}"#).as_bytes());
        let info = if rng.one_in(3) { mutate(&mut rng, &info) } else { info };
        if let Err(error) = HomeAccountId::from_client_info(&info) {
            assert_eq!(error.code(), "invalid_token_response");
        }
    }
}

#[wasm_bindgen_test]
async fn stored_records_and_tab_messages_load_or_are_refused() {
    let mut rng = Rng::new(7);
    let scopes = Scopes::parse("api:read").unwrap();
    let memory = MemoryStore::default();
    let store: &dyn KeyValueStore = &memory;
    let (session, message, transaction, config) = (SESSION.to_owned(), tab_message(), login_transaction(), CONFIG);
    for case in 0..=CASES {
        pause(case).await;
        let mutated = |rng: &mut Rng, seed: &str| if case == 0 { seed.to_owned() } else { mutate(rng, seed) };
        let text = mutated(&mut rng, &session);
        if let Ok(session) = Session::from_json_str(&text) {
            let _ = session.access_token(&scopes, i64::from(rng.next() as i32));
        }
        // Through a store, as the session store reads it: a record, or the entry removed.
        store.set("k", &text).unwrap();
        if store.load::<Session>("k").unwrap().is_none() {
            assert_eq!(store.get("k").unwrap(), None, "a record that does not read is removed");
        }
        if let Some(TabMessage::Session(message)) = TabMessage::from_text(&mutated(&mut rng, &message)) {
            let _ = message.session.map(|session| session.access_token(&scopes, 0).is_some());
        }
        if let Ok(transaction) = LoginTransaction::from_json_str(&mutated(&mut rng, &transaction)) {
            let _ = transaction.is_stale(rng.next() as i64);
        }
        if let Err(error) = ClientConfig::from_json(&mutated(&mut rng, config)) {
            assert_typed(&error);
        }
    }
}

/// The value of a JavaScript function body, run once. This file makes its JavaScript values this way
/// rather than with `inline_js` modules, so that the page fetches only the library's three: the test
/// runner's server (tiny_http) gives each open connection a thread of a pool that starts with four, and a
/// burst of new connections can leave one queued behind connections the browser keeps open. With five
/// modules the page opened five connections at once, one request was never answered, and the page never
/// loaded (one start in three or four).
fn evaluate(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body).call0(&JsValue::UNDEFINED).expect("the test's own JavaScript runs")
}

fn cyclic() -> JsValue {
    evaluate("const a = {}; a.self = a; return a;")
}

fn big() -> JsValue {
    evaluate("return { version: 1n };")
}

#[wasm_bindgen_test]
async fn history_state_requests_read_or_fail_typed() {
    let mut rng = Rng::new(8);
    let seed = history_request();
    let invalid = |error: &ProtocolError| assert_eq!(error.code(), "invalid_request", "{error:?}");
    for case in 0..=CASES {
        pause(case).await;
        let text = if case == 0 { seed.clone() } else { mutate(&mut rng, &seed) };
        match InteractiveAuthenticationRequest::from_history_state(&text) {
            Ok(Some(request)) => {
                let again = InteractiveAuthenticationRequest::from_history_state(&request.to_json()).unwrap();
                assert_eq!(again, Some(request));
            }
            Ok(None) => {}
            Err(error) => invalid(&error),
        }
        // The same as the value in history.state, which the glue turns back into text.
        if let Ok(state) = js_sys::JSON::parse(&text) {
            match request_from_state(&state) {
                Ok(_) => {}
                Err(AuthError::Protocol(error)) => invalid(&error),
                Err(other) => panic!("{other:?}"),
            }
        }
    }
    for state in [cyclic(), big()] {
        assert!(matches!(request_from_state(&state), Err(AuthError::Protocol(ProtocolError::InvalidRequest(_)))));
    }
}

// ---------------------------------------------------------------------------------------------------
// Work, counted: every byte the wasm allocates (the conversions' copies of strings, lists and objects out
// of JavaScript, and everything built from them), and every byte the glue decodes into a JavaScript string
// (text handed to JSON.parse, URLSearchParams, atob).

struct CountingAllocator;

static ALLOCATED: AtomicU64 = AtomicU64::new(0);

// SAFETY: each call is passed on to the system allocator unchanged; only the sizes are counted.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// Counts, from its first call on, every byte the page's `TextDecoder` decodes (the glue decodes each
/// string the wasm hands to JavaScript with it).
fn count_decoded() {
    evaluate(
        "const proto = TextDecoder.prototype;
         if (proto.decode.counting) return;
         const decode = proto.decode;
         globalThis.decodedBytes = 0;
         const counting = function (bytes, options) {
           globalThis.decodedBytes += bytes ? bytes.byteLength : 0;
           return decode.call(this, bytes, options);
         };
         counting.counting = true;
         proto.decode = counting;",
    );
}

fn decoded_bytes() -> f64 {
    evaluate("return globalThis.decodedBytes;").as_f64().unwrap_or(0.0)
}

/// The work `read` does on `input`: bytes allocated in the wasm, and bytes decoded into JS strings.
fn work(input: &str, read: &dyn Fn(&str)) -> u64 {
    count_decoded();
    let (allocated, decoded) = (ALLOCATED.load(Ordering::Relaxed), decoded_bytes());
    read(input);
    ALLOCATED.load(Ordering::Relaxed) - allocated + (decoded_bytes() - decoded) as u64
}

/// Asserts that `read`'s work on `input(8n)` is at most 12 times its work on `input(n)`.
fn assert_linear_work(what: &str, n: usize, input: impl Fn(usize) -> String, read: impl Fn(&str)) {
    let (small, large) = (input(n), input(8 * n));
    let (w1, w8) = (work(&small, &read), work(&large, &read));
    console_log!("{what}: work {w1} for {} bytes, {w8} for {} bytes", small.len(), large.len());
    assert!(w1 > 0 && w8 <= 12 * w1, "{what}: work {w1} on {} bytes, {w8} on {}: not linear", small.len(), large.len());
}

#[wasm_bindgen_test]
fn json_conversion_work_is_linear_in_the_document() {
    let fields = |n: usize| {
        format!("{{{}\"z\":0}}", (0..n).rev().map(|i| format!("\"k{i}\":[1,\"\\u00e9\"],")).collect::<String>())
    };
    assert_linear_work("many fields", 300, fields, |text| assert!(JsonObject::parse(text).is_ok()));
    let items = |n: usize| format!("{{\"a\":[{}0]}}", "[1.5,\"x\",{\"b\":null}],".repeat(n));
    assert_linear_work("many items", 300, items, |text| assert!(JsonObject::parse(text).is_ok()));
    let string = |n: usize| format!("{{\"a\":\"{}\"}}", "\\\"[{😀\\u00e9".repeat(n));
    assert_linear_work("a long string of escapes", 1_000, string, |text| assert!(JsonObject::parse(text).is_ok()));
    let nested =
        |n: usize| format!("{{\"a\":[{}]}}", vec![format!("{}1{}", "[".repeat(60), "]".repeat(60)); n].join(","));
    assert_linear_work("many values nested 60 deep", 20, nested, |text| assert!(JsonObject::parse(text).is_ok()));
    // Nested past the limit: refused before JSON.parse and before any tree is built, whatever its size.
    let deep = |n: usize| format!("{{\"claims\":{}", "[".repeat(n));
    let refused = |text: &str| assert_eq!(JsonObject::parse(text), Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
    let (w1, w8) = (work(&deep(10_000), &refused), work(&deep(80_000), &refused));
    assert!(w8 <= w1 + 256, "deep nesting: work {w1}, then {w8}: a tree was built");
}

#[wasm_bindgen_test]
fn token_response_work_is_linear_in_the_response() {
    let scopes = |n: usize| {
        let scope: String = (0..n).rev().map(|i| format!("s{i:07} ")).collect();
        format!(r#"{{"access_token":"at","token_type":"Bearer","scope":"{scope}"}}"#)
    };
    assert_linear_work("a token response with many scopes", 200, scopes, |body| {
        assert!(parse_token_response(200, body).is_ok())
    });
}

#[wasm_bindgen_test]
fn jwt_work_is_linear_in_the_token() {
    let token = |n: usize| {
        let claims = format!(r#"{{"iss":"i","sub":"s","aud":[{}"spa"],"exp":1,"iat":1}}"#, "\"a\",".repeat(n));
        format!("{}.{}.c2ln", b64(br#"{"alg":"RS256"}"#), b64(claims.as_bytes()))
    };
    assert_linear_work("a JWT with many audiences", 300, token, |token| {
        assert!(decode_id_token(&IdToken::new(token)).is_ok());
    });
}

#[wasm_bindgen_test]
fn key_set_work_is_linear_in_the_set() {
    let keys = |n: usize| format!(r#"{{"keys":[{}{{}}]}}"#, r#"{"kty":"RSA","n":"x","e":"AQAB"},"#.repeat(n));
    assert_linear_work("a JWKS with many keys", 100, keys, |set| assert!(JwkSet::from_json(set).is_ok()));
}

#[wasm_bindgen_test]
fn base64_work_is_linear_in_the_text() {
    let bytes = |n: usize| b64(&vec![0xa5; n]);
    assert_linear_work("base64url", 2_000, bytes, |text| assert!(decode_url(text).is_some()));
}

#[wasm_bindgen_test]
fn challenge_work_is_linear_in_the_header() {
    let header = |n: usize| format!("Bearer {}claims=\"{}\"", "realm=x, ".repeat(n), STANDARD.encode(CLAIMS));
    assert_linear_work("a WWW-Authenticate header", 300, header, |header| assert!(claims_challenge(header).is_some()));
}

#[wasm_bindgen_test]
fn callback_and_message_work_is_linear_in_the_text() {
    let many = |n: usize| {
        format!("https://app/cb?code=c&state=s{}", (0..n).map(|i| format!("&p{i}=v%C3%A9")).collect::<String>())
    };
    assert_linear_work("a callback with many parameters", 300, many, |url| {
        assert!(parse_authorization_response(url).is_ok())
    });
    let repeated = |n: usize| format!("https://app/cb?code=c&state=s{}", "&x=1".repeat(n));
    assert_linear_work("a callback with a repeated parameter", 300, repeated, |url| {
        let _ = classify_callback(url, "https://app/cb", "https://app/out");
        let _ = parse_authorization_response(url);
    });
    let message = |n: usize| {
        let tokens: String = (0..n)
            .map(|i| {
                format!(
                    r#"{{"access_token":"at{i}","scopes":["s{i}"],"requested":["s{i}"],"issued_at":1,"expires_at":2}},"#
                )
            })
            .collect();
        let session = SESSION.replace(r#""access_tokens":["#, &[r#""access_tokens":["#, &tokens].concat());
        format!(r#"{{"type":"session","session":{session},"revision":"5","signed_in":true}}"#)
    };
    assert_linear_work("a tab message with many access tokens", 40, message, |text| {
        assert!(matches!(TabMessage::from_text(text), Some(TabMessage::Session(_))))
    });
}
