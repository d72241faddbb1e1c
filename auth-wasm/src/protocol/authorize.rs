//! The authorization request (RFC 6749 §4.1.1 with PKCE and OpenID Connect's nonce).

use super::{append_query, ClientId, LoginTransaction, ProtocolError, ProviderMetadata, PKCE_METHOD_S256};

/// Parameters this library sets itself; extra parameters may not replace them.
const RESERVED: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
];

/// The URL that starts a sign-in at the provider for `transaction`, with `extra` parameters (such as
/// `login_hint` or `prompt`) added after the protocol's own.
pub fn authorize_url(
    metadata: &ProviderMetadata,
    client_id: &ClientId,
    transaction: &LoginTransaction,
    extra: &[(String, String)],
) -> Result<String, ProtocolError> {
    if let Some((name, _)) = extra.iter().find(|(name, _)| RESERVED.contains(&name.as_str())) {
        return Err(ProtocolError::InvalidConfig(format!(
            "the authorize parameter `{name}` is set by the library and cannot be given as an extra parameter"
        )));
    }
    let scope = transaction.scopes.to_scope_string();
    let challenge = transaction.verifier.challenge();
    let params = [
        ("response_type", "code"),
        ("client_id", client_id.as_str()),
        ("redirect_uri", transaction.redirect_uri.as_str()),
        ("scope", scope.as_str()),
        ("state", transaction.state.as_str()),
        ("nonce", transaction.nonce.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", PKCE_METHOD_S256),
    ];
    Ok(append_query(
        &metadata.authorization_endpoint,
        params.into_iter().chain(extra.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::{query_of, Scopes};

    fn params(url: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query_of(url).as_bytes()).into_owned().collect()
    }

    #[test]
    fn builds_a_pkce_authorize_url() {
        let tx =
            LoginTransaction::begin("https://app.example/cb", Scopes::parse("api:read").unwrap().for_sign_in(), "/", 0)
                .unwrap();
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
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0).unwrap();
        let url = authorize_url(&metadata, &ClientId::new("spa"), &tx, &[]).unwrap();
        assert!(url.starts_with("https://op.example/auth?p=b2c_signin&response_type=code&"));
    }

    #[test]
    fn extra_parameters_cannot_replace_protocol_ones() {
        let tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0).unwrap();
        let err = authorize_url(&metadata(), &ClientId::new("spa"), &tx, &[("state".into(), "x".into())]).unwrap_err();
        assert!(matches!(err, ProtocolError::InvalidConfig(_)));
    }
}
