//! The JS API's declaration held against the library: the choices of its enumerated kinds are those the
//! protocol types accept, the readers read every declared field (and refuse the others), the stated
//! defaults are the readers' defaults, and the declared error codes are exactly those the Rust errors
//! have. (`TokenRequest` is read straight from the JS value, in `types.rs`: `e2e/npm-package.test.mjs`
//! tries its fields.)

use std::collections::BTreeSet;

use super::declaration::*;
use super::options::{
    self, checked, client_config, login_request, logout_request, popup_options, Accepted, AcceptedField,
};
use crate::protocol::{
    json, AuthError, CacheLocation, ClientConfig, InteractiveAuthenticationRequest, JsonObject, JsonValue,
    PopupOptions, Prompt, ProtocolError,
};

/// What a reader made of an object.
#[derive(Debug, PartialEq)]
enum Read {
    Config(ClientConfig, PopupOptions),
    Request(InteractiveAuthenticationRequest),
}

/// The interfaces read from their JSON form, natively.
const READ_AS_JSON: [&Interface; 3] = [&CLIENT_OPTIONS, &LOGIN_REQUEST, &LOGOUT_REQUEST];

/// The readers' copy of `interface`.
fn accepted(interface: &Interface) -> &'static Accepted {
    match interface.name {
        "AuthClientOptions" => &options::CLIENT_OPTIONS,
        "LoginRequest" => &options::LOGIN_REQUEST,
        "LogoutRequest" => &options::LOGOUT_REQUEST,
        "TokenRequest" => &options::TOKEN_REQUEST,
        other => panic!("{other} has no copy for the readers"),
    }
}

/// `object` read as the JS API reads an `interface` (names checked first).
fn read(interface: &Interface, object: JsonObject) -> Result<Read, ProtocolError> {
    let object = checked(object, accepted(interface))?;
    match interface.name {
        "AuthClientOptions" => Ok(Read::Config(client_config(&object)?, popup_options(&object)?)),
        "LoginRequest" => login_request(Some(&object), "/here".into()).map(Read::Request),
        "LogoutRequest" => logout_request(Some(&object)).map(Read::Request),
        other => panic!("{other} is not read from JSON"),
    }
}

/// The smallest valid object of `interface`: its required fields.
fn base(interface: &Interface) -> JsonObject {
    match interface.name {
        "AuthClientOptions" => JsonObject::new()
            .with("authority", json::string("https://op.example"))
            .with("clientId", json::string("spa")),
        _ => JsonObject::new(),
    }
}

/// Different values of `kind`: every choice of an enumerated kind, two of the others.
fn samples(kind: Kind) -> Vec<JsonValue> {
    let object = |name: &str, value: JsonValue| JsonObject::new().with(name, value).into_value();
    match kind {
        Kind::Text => vec![json::string("https://a.example/one"), json::string("https://b.example/two")],
        Kind::Flag => vec![json::boolean(true), json::boolean(false)],
        Kind::Count => vec![json::integer(1), json::integer(2)],
        Kind::Scopes => vec![json::string("api:read"), json::strings(["api:write"])],
        Kind::Object => vec![JsonObject::new().into_value(), object("a", json::integer(1))],
        Kind::Parameters => vec![object("ui_locales", json::string("fr")), object("ui_locales", json::integer(2))],
        Kind::ProviderMetadata => ["https://op.example/a", "https://op.example/b"]
            .map(|url| {
                let endpoints = ["authorization_endpoint", "token_endpoint", "jwks_uri"]
                    .map(|name| (name, json::string(["https://op.example/", name].concat())));
                let document = JsonObject::new().with("issuer", json::string("https://op.example"));
                endpoints
                    .into_iter()
                    .fold(document, |document, (name, value)| document.with(name, value))
                    .with("end_session_endpoint", json::string(url))
                    .into_value()
            })
            .into(),
        Kind::MetadataOverrides => vec![
            object("end_session_endpoint", json::string("https://op.example/a")),
            object("post_logout_redirect_uri_parameter", json::string("returnTo")),
        ],
        // No JSON form: index.js reads it (the e2e test of the npm package tries it).
        Kind::UrlCallback => vec![],
        Kind::CacheLocation | Kind::Prompt | Kind::DpopMode => {
            kind.choices().iter().map(|choice| json::string(*choice)).collect()
        }
    }
}

#[test]
fn the_readers_accept_the_declared_fields() {
    for interface in INTERFACES {
        let copy = accepted(interface);
        let declared: Vec<_> = interface
            .fields
            .iter()
            .map(|field| AcceptedField { name: field.name, kind: field.kind, required: field.required })
            .collect();
        assert_eq!((copy.name, copy.fields), (interface.name, declared.as_slice()));
    }
}

#[test]
fn every_enumerated_kind_offers_exactly_what_its_protocol_type_accepts() {
    let names = |all: &[&'static str]| all.to_vec();
    for field in INTERFACES.iter().flat_map(|interface| interface.fields) {
        // No `_`: a new kind does not compile until it is placed here.
        match field.kind {
            Kind::CacheLocation => {
                assert_eq!(
                    field.kind.choices(),
                    names(&CacheLocation::ALL.map(CacheLocation::as_str)),
                    "{}",
                    field.name
                )
            }
            Kind::Prompt => assert_eq!(field.kind.choices(), names(&Prompt::ALL.map(Prompt::as_str)), "{}", field.name),
            #[cfg(feature = "dpop")]
            Kind::DpopMode => {
                let all = crate::protocol::DpopMode::ALL.map(crate::protocol::DpopMode::as_str);
                assert_eq!(field.kind.choices(), names(&all), "{}", field.name)
            }
            #[cfg(not(feature = "dpop"))]
            Kind::DpopMode => panic!("{}: a DPoP option without the dpop feature", field.name),
            Kind::Text
            | Kind::Flag
            | Kind::Count
            | Kind::Scopes
            | Kind::Object
            | Kind::Parameters
            | Kind::ProviderMetadata
            | Kind::MetadataOverrides
            | Kind::UrlCallback => {
                assert!(field.kind.choices().is_empty(), "{}", field.name)
            }
        }
    }
}

#[test]
fn the_readers_read_every_declared_field() {
    for interface in READ_AS_JSON {
        for field in interface.fields {
            let what = format!("{}.{}", interface.name, field.name);
            let mut read_values = Vec::new();
            for value in samples(field.kind) {
                let object = base(interface).with(field.name, value.clone());
                let result = read(interface, object).unwrap_or_else(|e| panic!("{what} = {value:?}: {e}"));
                assert!(!read_values.contains(&result), "{what}: {value:?} reads as another value did: it is not read");
                read_values.push(result);
            }
        }
    }
}

#[test]
fn the_options_are_read_by_their_camel_case_names() {
    let options = JsonObject::parse(
        r#"{"authority":"http://127.0.0.1:1","clientId":"spa","redirectUri":"/cb","postLogoutRedirectUri":"/out",
            "silentRedirectUri":"/silent.html","scopes":"api:read","cacheLocation":"localStorage","clientInfo":false,
            "loginPath":"/in","logoutPath":"/bye"}"#,
    )
    .unwrap();
    let config = client_config(&checked(options, &options::CLIENT_OPTIONS).unwrap()).unwrap();
    let snake_case = ClientConfig::from_json(
        r#"{"authority":"http://127.0.0.1:1","client_id":"spa","redirect_uri":"/cb","post_logout_redirect_uri":"/out",
            "silent_redirect_uri":"/silent.html","scopes":"api:read","cache_location":"localStorage","client_info":false,
            "login_path":"/in","logout_path":"/bye"}"#,
    )
    .unwrap();
    assert_eq!(config, snake_case, "the same configuration as the core's own form");
    assert_eq!(config.cache_location, CacheLocation::LocalStorage);
}

#[test]
fn a_name_not_declared_a_required_field_missing_or_a_value_of_another_kind_is_refused_by_name() {
    let refusal = |interface: &Interface, object: JsonObject| match read(interface, object) {
        Err(ProtocolError::InvalidRequest(why) | ProtocolError::InvalidConfig(why)) => why,
        other => panic!("{}: {other:?}", interface.name),
    };
    for interface in READ_AS_JSON {
        let why = refusal(interface, base(interface).with("redirectURI", json::string("/cb")));
        assert!(why.contains("unknown option `redirectURI`"), "{why}");
        for field in interface.fields.iter().filter(|field| field.required) {
            let mut object = JsonObject::new();
            for (name, value) in base(interface).iter().filter(|(name, _)| *name != field.name) {
                object.set(name, value.clone());
            }
            let why = refusal(interface, object);
            assert!(why.contains(&format!("`{}` is missing", field.name)), "{why}");
        }
        for field in interface.fields {
            let other_kind = match field.kind {
                Kind::Text | Kind::CacheLocation | Kind::Prompt | Kind::DpopMode | Kind::Scopes => json::integer(7),
                Kind::Flag
                | Kind::Count
                | Kind::Object
                | Kind::Parameters
                | Kind::ProviderMetadata
                | Kind::MetadataOverrides => json::string("seven"),
                // A function never reaches the wasm (JSON has none): index.js refuses another kind.
                Kind::UrlCallback => continue,
            };
            let why = refusal(interface, base(interface).with(field.name, other_kind));
            assert!(why.contains(&format!("`{}`", field.name)), "{}.{}: {why}", interface.name, field.name);
        }
    }
}

#[test]
fn the_stated_defaults_are_the_readers_defaults() {
    for interface in READ_AS_JSON {
        for field in interface.fields {
            let Some(default) = field.default else { continue };
            assert!(field.kind.choices().is_empty() || field.kind.choices().contains(&default), "{}", field.name);
            assert_eq!(
                read(interface, base(interface).with(field.name, json::string(default))).unwrap(),
                read(interface, base(interface)).unwrap(),
                "{}.{}: left out, it is {default}",
                interface.name,
                field.name
            );
        }
    }
    assert!(TOKEN_REQUEST.fields.iter().all(|field| field.default.is_none()), "TokenRequest's are not tested here");
}

/// One error of every variant of `AuthError` (and of every `ProtocolError` in it).
fn one_error_of_each_variant() -> Vec<AuthError> {
    let text = String::new;
    let mut errors: Vec<AuthError> =
        crate::protocol::one_protocol_error_of_each_variant().into_iter().map(AuthError::from).collect();
    let others = [
        AuthError::Network { url: text(), message: text() },
        AuthError::Storage(text()),
        AuthError::Browser(text()),
        AuthError::Redirecting,
        AuthError::ClaimsChallengeRepeated { origin: text() },
        AuthError::SilentTimeout { seconds: 1 },
        AuthError::SilentUnavailable { reason: text() },
        AuthError::FrameCookiesBlocked,
        AuthError::NotAvailableOnServer,
        AuthError::PopupBlocked,
        AuthError::PopupClosed,
        AuthError::PopupTimeout { seconds: 120 },
    ];
    let variants: BTreeSet<_> = others
        .iter()
        .map(|error| {
            // No `_`: a new variant does not compile until it is listed above and here.
            match error {
                AuthError::Protocol(_) => unreachable!("listed by one_protocol_error_of_each_variant"),
                AuthError::Network { .. } => "Network",
                AuthError::Storage(_) => "Storage",
                AuthError::Browser(_) => "Browser",
                AuthError::Redirecting => "Redirecting",
                AuthError::ClaimsChallengeRepeated { .. } => "ClaimsChallengeRepeated",
                AuthError::SilentTimeout { .. } => "SilentTimeout",
                AuthError::SilentUnavailable { .. } => "SilentUnavailable",
                AuthError::FrameCookiesBlocked => "FrameCookiesBlocked",
                AuthError::NotAvailableOnServer => "NotAvailableOnServer",
                AuthError::PopupBlocked => "PopupBlocked",
                AuthError::PopupClosed => "PopupClosed",
                AuthError::PopupTimeout { .. } => "PopupTimeout",
            }
        })
        .collect();
    assert_eq!(variants.len(), others.len(), "one error of each variant");
    errors.extend(others);
    errors
}

#[test]
fn the_declared_error_codes_are_exactly_those_of_the_rust_errors() {
    let declared: Vec<_> = ERROR_CODES.iter().map(|code| code.code).collect();
    let declared_set: BTreeSet<_> = declared.iter().copied().collect();
    assert_eq!(declared_set.len(), declared.len(), "no code declared twice");
    let returned: BTreeSet<_> = one_error_of_each_variant().iter().map(AuthError::code).collect();
    assert_eq!(declared_set, returned);
    // js/errors.rs makes its InteractionRequiredError with this code.
    assert!(declared_set.contains("interaction_required"));
    for code in LOADING_ERROR_CODES {
        assert!(!declared_set.contains(code.code), "{}: index.js's codes are its own", code.code);
    }
}

#[test]
fn every_interface_field_and_code_is_documented_in_a_line() {
    let line = |text: &str, what: &str| {
        assert!(!text.is_empty() && !text.contains('\n') && !text.contains("*/"), "{what}: {text:?}");
    };
    for interface in INTERFACES {
        line(interface.doc, interface.name);
        let names: BTreeSet<_> = interface.fields.iter().map(|field| field.name).collect();
        assert_eq!(names.len(), interface.fields.len(), "{}: no field twice", interface.name);
        for field in interface.fields {
            line(field.doc, field.name);
            assert!(field.name.bytes().all(|b| b.is_ascii_alphanumeric()), "{}: a camelCase name", field.name);
        }
    }
    for code in ERROR_CODES.iter().chain(LOADING_ERROR_CODES) {
        line(code.meaning, code.code);
    }
}

#[test]
fn the_generated_typescript_declares_every_field_and_code() {
    let typescript = include_str!(concat!(env!("OUT_DIR"), "/js-api.d.ts"));
    for interface in INTERFACES {
        assert!(typescript.contains(&format!("export interface {} {{", interface.name)));
        for field in interface.fields {
            let optional = if field.required { "" } else { "?" };
            assert!(typescript.contains(&format!("\n  {}{optional}: ", field.name)), "{}", field.name);
        }
    }
    for code in ERROR_CODES.iter().chain(LOADING_ERROR_CODES) {
        assert!(typescript.contains(&format!("| \"{}\"", code.code)), "{}", code.code);
    }
    assert!(typescript.contains("export type AuthErrorCode =") && typescript.contains(OUTPUT_TYPES));
}

#[cfg(feature = "dpop")]
#[test]
fn the_typed_metadata_overrides_are_the_fields_the_core_reads() {
    // The .d.ts lets an app's TypeScript catch a misspelt override; the core refuses it at run time.
    let declared: BTreeSet<&str> = METADATA_FIELDS.iter().map(|(name, _)| *name).collect();
    let read: BTreeSet<&str> = crate::protocol::discovery::FIELDS.iter().copied().collect();
    assert_eq!(declared, read);
}
