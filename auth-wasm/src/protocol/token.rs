//! The token endpoint: the request body of the code exchange, and the response (RFC 6749 §4.1.3–5.2).
//!
//! Where the configuration asks for Entra's `client_info` (its account ids), every token request asks for
//! it too: Entra answers it only to a token request that sends `client_info=1`, and without it the home
//! account id would fall back to `sub.iss`.

use super::json::{FieldErrors, JsonError, JsonObject, Value};
use super::{AcceptedSignIn, AccessToken, ClientConfig, ClientId, IdToken, ProtocolError, RefreshToken, Scopes};

/// The form body that exchanges `code` for tokens. A public client authenticates with its PKCE verifier.
pub fn authorization_code_request_body(config: &ClientConfig, sign_in: &AcceptedSignIn) -> String {
    with_client_info(
        config,
        vec![
            ("grant_type", "authorization_code"),
            ("code", sign_in.code.secret()),
            ("redirect_uri", &sign_in.redirect_uri),
            ("client_id", config.client_id.as_str()),
            ("code_verifier", sign_in.verifier.secret()),
        ],
    )
}

/// The form body that trades a refresh token for new tokens for `scopes`.
pub fn refresh_request_body(config: &ClientConfig, refresh_token: &RefreshToken, scopes: &Scopes) -> String {
    let scope = scopes.to_scope_string();
    with_client_info(
        config,
        vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("client_id", config.client_id.as_str()),
            ("scope", &scope),
        ],
    )
}

fn with_client_info<'a>(config: &ClientConfig, mut form: Vec<(&'a str, &'a str)>) -> String {
    if config.sends_client_info() {
        form.push(("client_info", "1"));
    }
    super::form::encode(&form)
}

/// The form body that revokes a refresh token (RFC 7009).
pub fn revocation_request_body(client_id: &ClientId, refresh_token: &RefreshToken) -> String {
    super::form::encode(&[
        ("token", refresh_token.secret()),
        ("token_type_hint", "refresh_token"),
        ("client_id", client_id.as_str()),
    ])
}

/// A successful token response.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenResponse {
    /// The access token, for the `Authorization: Bearer` header; an empty one is refused.
    pub access_token: AccessToken,
    /// `Bearer` (in any letter case); a response with another type is refused.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: Option<u64>,
    /// A refresh token, if the provider issued one (a rotating provider issues a new one on every refresh).
    pub refresh_token: Option<RefreshToken>,
    /// The ID token: always in answer to a code, sometimes to a refresh. Not yet verified.
    pub id_token: Option<IdToken>,
    /// The granted scopes, when they differ from those asked for.
    pub scope: Option<String>,
    /// Entra's account identifiers (base64url JSON), when `client_info=1` was sent.
    pub client_info: Option<String>,
}

impl TokenResponse {
    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        // Some providers send `expires_in` as a string.
        let expires_in = match object.get("expires_in") {
            Some(Value::String(text)) => Some(
                super::parse_decimal(text)
                    .ok_or_else(|| JsonError::field("expires_in", "must be a number of seconds"))?,
            ),
            _ => object.opt_unsigned("expires_in")?,
        };
        let mut read = FieldErrors::default();
        let response = Self {
            access_token: AccessToken::new(read.take(object.string("access_token"))),
            token_type: read.take(object.string("token_type")),
            expires_in,
            refresh_token: read.take(object.opt_string("refresh_token")).map(RefreshToken::new),
            id_token: read.take(object.opt_string("id_token")).map(IdToken::new),
            scope: read.take(object.opt_string("scope")),
            client_info: read.take(object.opt_string("client_info")),
        };
        read.done(response)
    }
}

/// The error of a token response that is not what it must be, as `why` says. Smaller code than a copy
/// of the text at each of the places that refuse one.
pub(crate) fn invalid_response(why: &str) -> ProtocolError {
    ProtocolError::InvalidTokenResponse(why.to_owned())
}

/// Reads the token endpoint's answer: tokens on 2xx, the OAuth error otherwise.
pub fn parse_token_response(status: u16, body: &str) -> Result<TokenResponse, ProtocolError> {
    parse_token_response_of(status, body, false)
}

/// [`parse_token_response`] for a request with a DPoP proof: its tokens may be `DPoP` tokens too.
#[cfg(feature = "dpop")]
pub fn parse_bound_token_response(status: u16, body: &str) -> Result<TokenResponse, ProtocolError> {
    parse_token_response_of(status, body, true)
}

fn parse_token_response_of(status: u16, body: &str, bound: bool) -> Result<TokenResponse, ProtocolError> {
    let object = JsonObject::parse(body);
    if !(200..300).contains(&status) {
        return Err(error_response(status, object));
    }
    let mut response = object
        .and_then(|object| TokenResponse::from_json(&object))
        .map_err(|e| ProtocolError::InvalidTokenResponse(e.into()))?;
    let token_type = response.token_type.as_str();
    if !(token_type.eq_ignore_ascii_case("bearer") || bound && token_type.eq_ignore_ascii_case("dpop")) {
        // Smaller code: the type is taken, and the response dropped whole.
        return Err(ProtocolError::UnsupportedTokenType(std::mem::take(&mut response.token_type)));
    }
    if response.access_token.secret().is_empty() {
        return Err(invalid_response("access_token is empty"));
    }
    Ok(response)
}

/// The error a failed request to the provider's back channel (token or pushed authorization request
/// endpoint) answered with: its OAuth error, else its status.
pub(crate) fn error_response(status: u16, object: Result<JsonObject, JsonError>) -> ProtocolError {
    let error = object.ok().and_then(|e| {
        let error = e.opt_str("error").ok()??;
        Some(ProtocolError::from_provider(error, e.opt_string("error_description").ok()?))
    });
    error.unwrap_or_else(|| ProtocolError::from_status(status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::transaction::tests::accepted;
    use crate::protocol::values::TEST_RANDOM;
    use crate::protocol::{AuthorizationCode, LoginTransaction, Scopes};

    fn config() -> ClientConfig {
        ClientConfig::new("https://op.example", "spa")
    }

    fn entra() -> ClientConfig {
        ClientConfig::new("https://login.microsoftonline.com/contoso.com/v2.0", "spa")
    }

    #[test]
    fn code_exchange_body() {
        let tx = LoginTransaction::begin("https://app/cb?x=1", Scopes::new(), "/", 0, TEST_RANDOM);
        let verifier = tx.verifier.secret().to_owned();
        let mut sign_in = accepted(tx);
        sign_in.code = AuthorizationCode::new("c&1");
        let body = authorization_code_request_body(&config(), &sign_in);
        let params: Vec<(String, String)> = super::super::form::parse(&body);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("grant_type"), Some("authorization_code"));
        assert_eq!(get("code"), Some("c&1"));
        assert_eq!(get("redirect_uri"), Some("https://app/cb?x=1"));
        assert_eq!(get("client_id"), Some("spa"));
        assert_eq!(get("code_verifier"), Some(verifier.as_str()));
        assert_eq!(params.len(), 5);
    }

    fn form(body: &str) -> Vec<(String, String)> {
        super::super::form::parse(body)
    }

    #[test]
    fn token_requests_ask_for_client_info_where_the_config_does() {
        let sign_in = accepted(LoginTransaction::begin("https://app/cb", Scopes::new(), "/", 0, TEST_RANDOM));
        let (rt, scopes) = (RefreshToken::new("r"), Scopes::parse("api:read").unwrap());
        let client_info = |body: String| form(&body).into_iter().find(|(n, _)| n == "client_info").map(|(_, v)| v);
        assert_eq!(client_info(authorization_code_request_body(&entra(), &sign_in)), Some("1".into()));
        assert_eq!(client_info(refresh_request_body(&entra(), &rt, &scopes)), Some("1".into()));
        let mut configured = config();
        configured.client_info = Some(true);
        assert_eq!(client_info(refresh_request_body(&configured, &rt, &scopes)), Some("1".into()));
        assert_eq!(client_info(authorization_code_request_body(&config(), &sign_in)), None);
        assert_eq!(client_info(refresh_request_body(&config(), &rt, &scopes)), None);
    }

    #[test]
    fn refresh_and_revocation_bodies() {
        let (client, rt) = (ClientId::new("spa"), RefreshToken::new("r+1"));
        let body = refresh_request_body(&config(), &rt, &Scopes::parse("openid api:read").unwrap());
        assert_eq!(
            form(&body),
            [
                ("grant_type", "refresh_token"),
                ("refresh_token", "r+1"),
                ("client_id", "spa"),
                ("scope", "api:read openid")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(
            form(&revocation_request_body(&client, &rt)),
            [("token", "r+1"), ("token_type_hint", "refresh_token"), ("client_id", "spa")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn parses_success() {
        let body = r#"{"access_token":"at","token_type":"bearer","expires_in":"3600","refresh_token":"rt","id_token":"a.b.c","scope":"openid"}"#;
        let response = parse_token_response(200, body).unwrap();
        assert_eq!(response.access_token.secret(), "at");
        assert_eq!(response.expires_in, Some(3600));
        assert_eq!(response.refresh_token.unwrap().secret(), "rt");
        assert_eq!(response.id_token.unwrap().secret(), "a.b.c");
        let minimal = parse_token_response(200, r#"{"access_token":"at","token_type":"Bearer"}"#).unwrap();
        assert_eq!(minimal.expires_in, None);
        assert_eq!(minimal.refresh_token, None);
    }

    #[test]
    fn parses_oauth_errors() {
        let err =
            parse_token_response(400, r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#)
                .unwrap_err();
        assert_eq!(err, ProtocolError::InvalidGrant(Some("grant request is invalid".into())));
        assert_eq!(
            parse_token_response(502, "<html>bad gateway</html>"),
            Err(ProtocolError::HttpServerError { status: 502 })
        );
        assert_eq!(parse_token_response(404, ""), Err(ProtocolError::HttpClientError { status: 404 }));
    }

    #[test]
    fn rejects_malformed_success() {
        assert!(matches!(parse_token_response(200, "{}"), Err(ProtocolError::InvalidTokenResponse(_))));
        assert!(matches!(parse_token_response(200, "not json"), Err(ProtocolError::InvalidTokenResponse(_))));
        assert_eq!(
            parse_token_response(200, r#"{"access_token":"at","token_type":"DPoP"}"#),
            Err(ProtocolError::UnsupportedTokenType("DPoP".into()))
        );
        assert!(parse_token_response(200, r#"{"access_token":"","token_type":"Bearer"}"#).is_err());
    }
}
