//! The authorization request (RFC 6749 §4.1.1 with PKCE and OpenID Connect's nonce).
//!
//! The last gate of every authorize URL: no extra parameter may replace one the protocol sets, change how
//! the answer comes back (`response_mode`) or carry a request object (`request`, `request_uri`) whose
//! values this browser never checked; none may come twice; and `max_age` only as the transaction has it,
//! so that the ID token's `auth_time` is checked against what was sent.

use super::{append_query, ClientId, LoginTransaction, ProtocolError, ProviderMetadata, PKCE_METHOD_S256};

/// Parameters that no extra parameter may name: those this library sets itself, and those that would
/// change the response or replace the request's parameters. With DPoP, `dpop_jkt` names the key the code
/// is bound to: only the library's own key may be named, or the code could be bound to another key.
pub const RESERVED_AUTHORIZE_PARAMETERS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "request",
    "request_uri",
    #[cfg(feature = "dpop")]
    "dpop_jkt",
];

/// The URL that starts a sign-in at the provider for `transaction`, with `extra` parameters (such as
/// `login_hint` or `prompt`) added after the protocol's own.
pub fn authorize_url(
    metadata: &ProviderMetadata,
    client_id: &ClientId,
    transaction: &LoginTransaction,
    extra: &[(String, String)],
) -> Result<String, ProtocolError> {
    with_authorize_parameters(client_id, transaction, extra, |params| {
        append_query(&metadata.authorization_endpoint, params)
    })
}

/// Hands the authorization request's parameters, checked, to `encode`: into the authorize URL, or the
/// form of a pushed authorization request.
pub(crate) fn with_authorize_parameters<R>(
    client_id: &ClientId,
    transaction: &LoginTransaction,
    extra: &[(String, String)],
    encode: impl FnOnce(&[(&str, &str)]) -> R,
) -> Result<R, ProtocolError> {
    check_extra_parameters(transaction, extra)?;
    let scope = transaction.scopes.to_scope_string();
    let challenge = transaction.verifier.challenge();
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", transaction.redirect_uri.as_str()),
        ("scope", scope.as_str()),
        ("state", transaction.state.as_str()),
        ("nonce", transaction.nonce.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", PKCE_METHOD_S256),
    ];
    // The key the code is to be bound to (RFC 9449 §10).
    #[cfg(feature = "dpop")]
    if let Some(jkt) = &transaction.dpop_jkt {
        params.push(("dpop_jkt", jkt.as_str()));
    }
    for (name, value) in extra {
        params.push((name.as_str(), value.as_str()));
    }
    Ok(encode(&params))
}

fn check_extra_parameters(transaction: &LoginTransaction, extra: &[(String, String)]) -> Result<(), ProtocolError> {
    let refuse = |why: String| Err(ProtocolError::InvalidRequest(why));
    for (name, _) in extra {
        if RESERVED_AUTHORIZE_PARAMETERS.contains(&name.as_str()) {
            return refuse(
                ["the authorize parameter `", name, "` is set by the library or not supported; remove it"].concat(),
            );
        }
    }
    // A few parameters: compared pairwise rather than sorted (a sort is code of its own in the wasm).
    for (at, (name, _)) in extra.iter().enumerate() {
        if extra[..at].iter().any(|(earlier, _)| earlier == name) {
            return refuse(["the authorize parameter `", name, "` is given twice; give it once"].concat());
        }
    }
    let max_age = extra.iter().find(|(name, _)| name == "max_age").map(|(_, value)| super::parse_decimal(value));
    match (max_age, transaction.max_age) {
        (None, None) => Ok(()),
        (Some(Some(sent)), Some(kept)) if sent == kept => Ok(()),
        _ => refuse("`max_age` must be given as the request's max_age, so that the sign-in checks it".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::values::TEST_RANDOM;
    use crate::protocol::{query_of, Scopes};

    fn params(url: &str) -> Vec<(String, String)> {
        crate::protocol::form::parse(query_of(url))
    }

    #[test]
    fn builds_a_pkce_authorize_url() {
        let tx = LoginTransaction::begin(
            "https://app.example/cb",
            Scopes::parse("api:read").unwrap().for_sign_in(),
            "/",
            0,
            TEST_RANDOM,
        );
        let url =
            authorize_url(&metadata(), &ClientId::new("spa"), &tx, &[("login_hint".into(), "bob@example.com".into())])
                .unwrap();
        assert!(url.starts_with("https://op.example/auth?response_type=code&client_id=spa&"));
        let expected = [
            ("response_type", "code".to_owned()),
            ("client_id", "spa".to_owned()),
            ("redirect_uri", "https://app.example/cb".to_owned()),
            ("scope", "api:read offline_access openid profile".to_owned()),
            ("state", tx.state.to_string()),
            ("nonce", tx.nonce.to_string()),
            ("code_challenge", tx.verifier.challenge().as_str().to_owned()),
            ("code_challenge_method", "S256".to_owned()),
            ("login_hint", "bob@example.com".to_owned()),
        ];
        let expected: Vec<(String, String)> = expected.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(params(&url), expected);
        assert!(!url.contains(tx.verifier.secret()), "the verifier never leaves the browser");
    }

    #[test]
    fn keeps_an_existing_endpoint_query() {
        let mut metadata = metadata();
        metadata.authorization_endpoint = "https://op.example/auth?p=b2c_signin".into();
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM);
        let url = authorize_url(&metadata, &ClientId::new("spa"), &tx, &[]).unwrap();
        assert!(url.starts_with("https://op.example/auth?p=b2c_signin&response_type=code&"));
    }

    fn url_with(tx: &LoginTransaction, extra: &[(&str, &str)]) -> Result<String, ProtocolError> {
        let extra: Vec<(String, String)> = extra.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        authorize_url(&metadata(), &ClientId::new("spa"), tx, &extra)
    }

    #[test]
    fn extra_parameters_cannot_replace_protocol_ones() {
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM);
        for &name in RESERVED_AUTHORIZE_PARAMETERS {
            let err = url_with(&tx, &[(name, "x")]).unwrap_err();
            assert!(matches!(&err, ProtocolError::InvalidRequest(m) if m.contains(name)), "{name}: {err}");
            assert_eq!(err.code(), "invalid_request");
        }
    }

    #[test]
    fn response_mode_and_request_objects_cannot_be_injected() {
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM);
        for (name, value) in
            [("response_mode", "form_post"), ("request", "eyJ.eyJ.sig"), ("request_uri", "https://evil.example/r")]
        {
            assert!(matches!(url_with(&tx, &[(name, value)]), Err(ProtocolError::InvalidRequest(_))), "{name}");
        }
    }

    #[test]
    fn no_parameter_may_come_twice() {
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM);
        for name in ["prompt", "login_hint", "claims", "domain_hint", "ui_locales", "client_info"] {
            let err = url_with(&tx, &[(name, "a"), ("acr_values", "x"), (name, "b")]).unwrap_err();
            assert!(matches!(&err, ProtocolError::InvalidRequest(m) if m.contains("twice")), "{name}: {err}");
        }
        assert!(url_with(&tx, &[("prompt", "none"), ("login_hint", "bob")]).is_ok());
    }

    #[test]
    fn max_age_only_as_the_transaction_keeps_it() {
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM);
        assert!(url_with(&tx, &[("max_age", "0")]).is_err(), "a max_age the sign-in would not check");
        let tx = tx.with_max_age(Some(300));
        assert!(url_with(&tx, &[("max_age", "300")]).unwrap().contains("max_age=300"));
        assert!(url_with(&tx, &[("max_age", "301")]).is_err());
        assert!(url_with(&tx, &[]).is_err(), "the transaction expects max_age to be sent");
    }
}
