//! Property tests of every parser of untrusted input in the protocol core: callback URLs, token and
//! error responses, JWTs and key sets, JSON documents, history-state requests, `WWW-Authenticate`
//! challenges, Entra's `client_info`, stored records, configuration and discovery documents.
//!
//! Why: these read what a link, a page, an API or a provider chooses to send. For any input each must
//! return a value or a typed error, never panic (a panic in wasm leaves the module unusable), and take
//! work linear in the input (a page must not be frozen by a long link or header): counted as the bytes
//! each allocates, not timed.
//!
//! Case counts are bounded so that the whole file runs in seconds natively, in debug, as CI runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use auth_wasm::protocol::{
    claims_challenge, classify_callback, decode_id_token, parse_authorization_response, parse_token_response,
    CachedAccessToken, ClientConfig, HomeAccountId, IdToken, InteractiveAuthenticationRequest, JsonError, JsonObject,
    JsonRecord, JwkSet, LoginTransaction, ProviderMetadata, Scopes, Session, SignedJwt, MAX_JSON_DEPTH,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use proptest::prelude::*;

const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------------
// Inputs: random text, and text made of the pieces each parser looks for.

/// Any text, short.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..200).prop_map(|chars| chars.into_iter().collect())
}

/// Text made of JSON's punctuation, escapes, numbers and a few words: mostly almost-JSON.
fn json_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\"".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("\\".to_owned()),
        Just("\\u00e9".to_owned()),
        Just("\\ud800".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("-1e999".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("1.5".to_owned()),
        Just("\"keys\"".to_owned()),
        Just("\"version\":1".to_owned()),
        Just("\"kind\":\"login\"".to_owned()),
        "[a-z_]{1,12}".prop_map(|word| format!("\"{word}\"")),
        any::<i64>().prop_map(|n| n.to_string()),
        text(),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// A JSON value, nested a few levels (depth past the limit has its own property, which is cheaper).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A JSON object whose fields have the names the library's records and documents read, with any values.
fn record_like() -> impl Strategy<Value = String> {
    let names = [
        "state",
        "nonce",
        "verifier",
        "redirect_uri",
        "scopes",
        "return_url",
        "created_at",
        "max_age",
        "account",
        "claims",
        "id_token",
        "granted_scopes",
        "access_token",
        "requested",
        "issued_at",
        "expires_at",
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "home_account_id",
        "issuer",
        "authority",
        "client_id",
        "scopes",
        "cache_location",
        "client_info",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "end_session_endpoint",
        "code_challenge_methods_supported",
        "version",
        "kind",
        "prompt",
        "extra",
        "keys",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "error",
        "error_description",
    ];
    proptest::collection::vec((proptest::sample::select(names.to_vec()), json_value()), 0..12).prop_map(|fields| {
        let object: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
        serde_json::Value::Object(object).to_string()
    })
}

/// A JSON document: random, almost-JSON, or a record with the right names.
fn json_document() -> impl Strategy<Value = String> {
    prop_oneof![text(), json_like(), json_value().prop_map(|v| v.to_string()), record_like()]
}

/// A query string made of the callback's parameter names, `=`, `&`, percent escapes and any text.
fn callback_query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("code".to_owned()),
        Just("state".to_owned()),
        Just("iss".to_owned()),
        Just("error".to_owned()),
        Just("error_description".to_owned()),
        Just("error_uri".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just("#".to_owned()),
        Just("?".to_owned()),
        Just("%".to_owned()),
        Just("%zz".to_owned()),
        Just("%C3%A9".to_owned()),
        Just("%FF".to_owned()),
        Just("+".to_owned()),
        text(),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWT: three (or some other number of) parts, each base64url of a JSON document, or any text.
fn jwt_like() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        json_document().prop_map(|doc| b64(doc.as_bytes())),
        (prop_oneof![Just("RS256"), Just("ES256"), Just("none"), Just("HS256")], proptest::option::of("[a-z0-9]{0,4}"))
            .prop_map(|(alg, kid)| {
                let header = match kid {
                    Some(kid) => serde_json::json!({"alg": alg, "kid": kid}),
                    None => serde_json::json!({"alg": alg}),
                };
                b64(header.to_string().as_bytes())
            }),
        text(),
    ];
    let part = prop_oneof![json_document().prop_map(|doc| b64(doc.as_bytes())), "[A-Za-z0-9_=-]{0,40}", text()];
    (header, proptest::collection::vec(part, 0..5))
        .prop_map(|(header, parts)| std::iter::once(header).chain(parts).collect::<Vec<_>>().join("."))
}

/// A `WWW-Authenticate` value: schemes, auth-params, quotes, escapes, base64 of JSON.
fn www_authenticate() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Bearer ".to_owned()),
        Just("bearer".to_owned()),
        Just(" ".to_owned()),
        Just("claims=".to_owned()),
        Just("error=\"insufficient_claims\"".to_owned()),
        Just("realm=".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(",".to_owned()),
        Just("=".to_owned()),
        json_document().prop_map(|doc| base64::engine::general_purpose::STANDARD.encode(doc)),
        json_document().prop_map(|doc| format!("\"{}\"", b64(doc.as_bytes()))),
        text(),
    ];
    proptest::collection::vec(piece, 0..20).prop_map(|pieces| pieces.concat())
}

// ---------------------------------------------------------------------------------------------------
// No panic: a value or a typed error, for any input. (A `Result` is all these parsers can return; the
// properties are that they return at all, and, where a rule says so, what they return.)

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json_objects_parse_or_fail_typed(text in json_document()) {
        match JsonObject::parse(&text) {
            Ok(object) => {
                // What was read can be written and read again (numbers may print differently).
                prop_assert!(JsonObject::parse(&object.to_json_string()).is_ok());
            }
            Err(JsonError::Invalid(message)) => prop_assert!(!message.is_empty()),
            Err(JsonError::TooDeep(limit)) => prop_assert_eq!(limit, MAX_JSON_DEPTH),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
        let _ = JsonObject::parse_bytes(text.as_bytes());
    }

    #[test]
    fn json_deeper_than_the_limit_is_refused(depth in 1usize..200, array in any::<bool>()) {
        let (open, close) = if array { ("[", "]") } else { ("{\"a\":", "}") };
        let text = format!("{{\"x\":{}1{}}}", open.repeat(depth), close.repeat(depth));
        let result = JsonObject::parse(&text);
        if depth < MAX_JSON_DEPTH {
            prop_assert!(result.is_ok(), "{} levels", depth + 1);
        } else {
            prop_assert_eq!(result, Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
        }
    }

    #[test]
    fn callback_urls_parse_or_fail_typed(query in callback_query(), prefix in prop_oneof![
        Just("https://app/cb?"), Just("https://app/cb#"), Just("https://app/cb"), Just("?"), Just("")
    ]) {
        let url = format!("{prefix}{query}");
        if let Err(error) = parse_authorization_response(&url) {
            prop_assert!(!error.code().is_empty());
        }
        let _ = classify_callback(&url, "https://app/cb", "https://app/out");
        let _ = classify_callback(&url, &url, &url);
    }

    #[test]
    fn callback_errors_never_carry_text_the_specifications_do_not_define(
        error in text(), description in text()
    ) {
        let url = format!(
            "https://app/cb?error={}&error_description={}",
            form_urlencoded::byte_serialize(error.as_bytes()).collect::<String>(),
            form_urlencoded::byte_serialize(description.as_bytes()).collect::<String>(),
        );
        let response = parse_authorization_response(&url).unwrap();
        let auth_wasm::protocol::AuthorizationResponse::Error { error, description, state, .. } = response else {
            panic!("an error response");
        };
        prop_assert_eq!(state, None);
        prop_assert_eq!(description.clone(), None, "no state, no description");
        let error = auth_wasm::ProtocolError::from_provider(&error, description);
        if error.code() == "unknown_provider_error" {
            prop_assert_eq!(error, auth_wasm::ProtocolError::UnknownProviderError);
        }
    }

    #[test]
    fn token_responses_parse_or_fail_typed(status in prop_oneof![Just(200u16), Just(400), Just(401), Just(500), any::<u16>()],
                                           body in json_document()) {
        if let Err(error) = parse_token_response(status, &body) {
            prop_assert!(!error.code().is_empty());
        }
    }

    #[test]
    fn jwts_decode_or_fail_typed(token in jwt_like(), jwks in json_document()) {
        let token = IdToken::new(token);
        let _ = decode_id_token(&token).map_err(|e| e.to_string());
        let parsed = SignedJwt::parse(&token);
        if let (Ok(jwt), Ok(set)) = (parsed, JwkSet::from_json(&jwks)) {
            let _ = set.select(&jwt);
        }
    }

    #[test]
    fn key_sets_parse_or_fail_typed(keys in proptest::collection::vec(json_document(), 0..4), raw in json_document()) {
        let set = format!("{{\"keys\":[{}]}}", keys.join(","));
        let _ = JwkSet::from_json(&set);
        let _ = JwkSet::from_json(&raw);
    }

    #[test]
    fn history_state_requests_parse_or_fail_typed(text in json_document(), fields in record_like()) {
        let _ = InteractiveAuthenticationRequest::from_json(&text);
        // The versioned form with any fields: a request, or InvalidRequest.
        let versioned = fields.replacen('{', "{\"version\":1,\"kind\":\"login\",\"return_url\":\"/\",", 1);
        match InteractiveAuthenticationRequest::from_json(&versioned) {
            Ok(request) => {
                prop_assert!(request.authorize_parameters().is_ok() || !request.extra.is_empty());
                // It reads back (claims are compared by text, and a float may print differently).
                let again = InteractiveAuthenticationRequest::from_json(&request.to_json()).unwrap();
                prop_assert_eq!((again.kind, again.scopes, again.extra), (request.kind, request.scopes, request.extra));
            }
            Err(error) => prop_assert_eq!(error.code(), "invalid_request"),
        }
    }

    #[test]
    fn claims_challenges_parse_or_are_none(header in www_authenticate()) {
        let _ = claims_challenge(&header);
    }

    #[test]
    fn client_info_parses_or_fails_typed(info in prop_oneof![
        text(), json_document().prop_map(|doc| b64(doc.as_bytes())),
        ("[a-z0-9.]{0,8}", "[a-z0-9.]{0,8}").prop_map(|(uid, utid)| b64(serde_json::json!({"uid": uid, "utid": utid}).to_string().as_bytes())),
    ]) {
        if let Err(error) = HomeAccountId::from_client_info(&info) {
            prop_assert_eq!(error.code(), "invalid_token_response");
        }
    }

    #[test]
    fn stored_records_load_or_fail_typed(text in json_document(), now in any::<i64>()) {
        if let Ok(session) = Session::from_json_str(&text) {
            let _ = session.access_token(&auth_wasm::protocol::Scopes::parse("api:read").unwrap(), now);
        }
        if let Ok(token) = CachedAccessToken::from_json_str(&text) {
            let _ = token.needs_renewal(now);
        }
        if let Ok(transaction) = LoginTransaction::from_json_str(&text) {
            let _ = transaction.is_stale(now);
        }
    }

    #[test]
    fn stored_transactions_of_any_age_are_judged_without_overflow(created_at in any::<i64>(), now in any::<i64>(),
                                                                   max_age in any::<u64>()) {
        let stored = format!(
            r#"{{"state":"s","nonce":"n","verifier":"v","redirect_uri":"/cb","scopes":[],"return_url":"/",
                "created_at":{created_at},"max_age":{max_age}}}"#
        );
        match LoginTransaction::from_json_str(&stored) {
            Ok(transaction) => {
                let _ = transaction.is_stale(now);
            }
            Err(error) => prop_assert!(max_age > i64::MAX as u64, "{}", error),
        }
        let logout = format!(r#"{{"state":"s","return_url":"/","created_at":{created_at}}}"#);
        let transaction = auth_wasm::protocol::LogoutTransaction::from_json_str(&logout).unwrap();
        let _ = transaction.accept(now);
    }

    #[test]
    fn configuration_and_discovery_parse_or_fail_typed(text in json_document(), authority in text()) {
        let _ = ClientConfig::from_json(&text);
        if let Ok(metadata) = ProviderMetadata::from_json(&text, &JsonObject::new(), &authority) {
            prop_assert_eq!(metadata.issuer.as_str().is_empty(), false);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Work: a large adversarial input of each kind costs work linear in its size, counted as the bytes the
// parser allocates (per thread: the property tests run beside these). Quadrupling the input must not
// multiply the work by more than 6 (linear work gives about 4, quadratic about 16). Counted, not timed:
// a busy machine changes times, not counts.

/// The system allocator, counting the bytes each thread asks for.
struct CountingAllocator;

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|allocated| allocated.set(allocated.get() + bytes as u64));
}

// SAFETY: each call is passed on to the system allocator unchanged; only the sizes are counted.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// The bytes this thread allocates while `parse` reads `text`.
fn work(text: &str, parse: &dyn Fn(&str)) -> u64 {
    let before = ALLOCATED.with(Cell::get);
    parse(text);
    ALLOCATED.with(Cell::get) - before
}

/// Asserts that `parse`'s work on `input(4n)` is at most 6 times its work on `input(n)` (plus a page, for
/// parsers that stop early whatever the size).
fn assert_linear(what: &str, n: usize, input: impl Fn(usize) -> String, parse: impl Fn(&str)) {
    let (small, large) = (input(n), input(4 * n));
    let (w1, w4) = (work(&small, &parse), work(&large, &parse));
    assert!(w4 <= 6 * w1 + 4096, "{what}: work {w1} on {} bytes, {w4} on {}: not linear", small.len(), large.len());
}

#[test]
fn callback_parsing_is_linear() {
    let many = |n: usize| {
        let mut url = String::from("https://app/cb?code=c&state=s");
        (0..n).for_each(|i| url.push_str(&format!("&p{i}=v")));
        url
    };
    assert_linear("distinct parameters", 80_000, many, |url| assert!(parse_authorization_response(url).is_ok()));
    let repeated = |n: usize| format!("https://app/cb?code=c&state=s{}", "&x=1".repeat(n));
    assert_linear("repeated unknown names", 80_000, repeated, |url| {
        let _ = parse_authorization_response(url);
        let _ = classify_callback(url, "https://app/cb", "https://app/out");
    });
}

#[test]
fn json_parsing_is_linear() {
    let deep = |n: usize| format!("{{\"claims\":{}", "[".repeat(n));
    assert_linear("deep nesting", 500_000, deep, |text| {
        assert_eq!(JsonObject::parse(text), Err(JsonError::TooDeep(MAX_JSON_DEPTH)))
    });
    let wide =
        |n: usize| format!("{{{}\"z\":0}}", (0..n).map(|i| format!("\"k{i}\":[1,\"\\u00e9\"],")).collect::<String>());
    assert_linear("many fields", 50_000, wide, |text| assert!(JsonObject::parse(text).is_ok()));
    let strings = |n: usize| format!("{{\"a\":\"{}\"}}", "\\\"[{".repeat(n));
    assert_linear(
        "escapes and brackets in a string",
        200_000,
        strings,
        |text| assert!(JsonObject::parse(text).is_ok()),
    );
}

#[test]
fn token_and_jwt_parsing_is_linear() {
    let scopes = |n: usize| {
        let scope: String = (0..n).rev().map(|i| format!("s{i:07} ")).collect();
        format!(r#"{{"access_token":"at","token_type":"Bearer","scope":"{scope}"}}"#)
    };
    assert_linear("a token response with many scopes", 50_000, scopes, |body| {
        let response = parse_token_response(200, body).unwrap();
        assert!(Scopes::parse(response.scope.as_deref().unwrap()).is_ok());
    });
    let token = |n: usize| {
        let claims = format!(r#"{{"iss":"i","sub":"s","aud":[{}"spa"],"exp":1,"iat":1}}"#, "\"a\",".repeat(n));
        format!("{}.{}.c2ln", b64(br#"{"alg":"RS256"}"#), b64(claims.as_bytes()))
    };
    assert_linear("a JWT with many audiences", 50_000, token, |token| {
        assert!(decode_id_token(&IdToken::new(token)).is_ok());
        assert!(SignedJwt::parse(&IdToken::new(token)).is_ok());
    });
    let keys = |n: usize| format!(r#"{{"keys":[{}{{}}]}}"#, r#"{"kty":"RSA","n":"x","e":"AQAB"},"#.repeat(n));
    assert_linear("a JWKS with many keys", 20_000, keys, |set| assert!(JwkSet::from_json(set).is_ok()));
}

#[test]
fn header_and_state_parsing_is_linear() {
    let header = |n: usize| format!("Bearer {}claims=\"{}", "realm=x, ".repeat(n), "\\\"".repeat(n));
    assert_linear("a WWW-Authenticate header", 100_000, header, |header| {
        let _ = claims_challenge(header);
    });
    let request = |n: usize| {
        let scopes: String = (0..n).rev().map(|i| format!("s{i:05} ")).collect();
        format!(r#"{{"version":1,"kind":"login","return_url":"/","scopes":"{scopes}"}}"#)
    };
    // History state is capped at 16 KB, so this stays small; stored records and configuration are not.
    assert_linear("a history-state request with many scopes", 500, request, |text| {
        assert!(InteractiveAuthenticationRequest::from_json(text).is_ok())
    });
    let config = |n: usize| {
        let scopes: String = (0..n).rev().map(|i| format!("\"s{i:07}\",")).collect();
        format!(r#"{{"authority":"https://op.example","client_id":"spa","scopes":[{scopes}"z"]}}"#)
    };
    assert_linear("a configuration with many scopes", 50_000, config, |text| {
        assert!(ClientConfig::from_json(text).is_ok())
    });
}
