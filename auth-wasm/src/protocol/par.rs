//! Pushed authorization requests (RFC 9126): the authorization request's parameters go to the provider
//! over the back channel, and the browser's authorize URL carries only `client_id` and the `request_uri`
//! the provider answered with. Nothing in the URL can then be read or changed on its way (FAPI 2.0).
//!
//! A request is pushed whenever the provider requires it, and otherwise when it has the endpoint and the
//! configuration does not turn pushing off. The provider's refusal is the same error as a refusal at the
//! authorize endpoint would be.

use super::authorize::with_authorize_parameters;
use super::token::error_response;
use super::values::RequestUri;
use super::{
    append_query, form, ClientConfig, ClientId, JsonObject, LoginTransaction, ProtocolError, ProviderMetadata,
};

/// An authorization request to push: `POST endpoint` with `form`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedRequest {
    /// The provider's pushed authorization request endpoint.
    pub endpoint: String,
    /// The request's parameters, form-encoded (those of the authorize URL).
    pub form: String,
}

/// The request that pushes the authorization request of `transaction` (with `extra` parameters), if
/// this one is pushed (see the module's documentation).
pub fn pushed_request(
    config: &ClientConfig,
    metadata: &ProviderMetadata,
    transaction: &LoginTransaction,
    extra: &[(String, String)],
) -> Result<Option<PushedRequest>, ProtocolError> {
    let Some(endpoint) = &metadata.pushed_authorization_request_endpoint else {
        return Ok(None);
    };
    if !(config.pushed_authorization_requests || metadata.require_pushed_authorization_requests) {
        return Ok(None);
    }
    let form = with_authorize_parameters(&config.client_id, transaction, extra, form::encode)?;
    Ok(Some(PushedRequest { endpoint: endpoint.clone(), form }))
}

/// The `request_uri` of the push endpoint's answer (`201 Created`; RFC 9126 §2.2). An error answer is
/// the provider's error, as at the authorize endpoint.
pub fn parse_pushed_response(status: u16, body: &str) -> Result<RequestUri, ProtocolError> {
    let object = JsonObject::parse(body);
    if !(200..300).contains(&status) {
        return Err(error_response(status, object));
    }
    match object.ok().and_then(|object| object.opt_string("request_uri").ok().flatten()) {
        Some(request_uri) if !request_uri.is_empty() => Ok(RequestUri::new(request_uri)),
        _ => Err(ProtocolError::MissingParameter("request_uri")),
    }
}

/// The authorize URL of a pushed request: `client_id` and `request_uri` only.
pub fn pushed_authorize_url(metadata: &ProviderMetadata, client_id: &ClientId, request_uri: &RequestUri) -> String {
    append_query(
        &metadata.authorization_endpoint,
        &[("client_id", client_id.as_str()), ("request_uri", request_uri.as_str())],
    )
}

/// Where the browser goes once the provider answered the push (`response`): the authorize URL with the
/// answer's `request_uri`, or the provider's refusal.
pub fn authorize_url_after_push(
    metadata: &ProviderMetadata,
    client_id: &ClientId,
    response: &super::flow::HttpResponse,
) -> Result<String, ProtocolError> {
    let request_uri = parse_pushed_response(response.status, &response.body)?;
    Ok(pushed_authorize_url(metadata, client_id, &request_uri))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::values::TEST_RANDOM;
    use crate::protocol::{authorize_url, query_of, Scopes};

    pub(crate) fn with_par(required: bool) -> ProviderMetadata {
        let mut metadata = metadata();
        metadata.pushed_authorization_request_endpoint = Some("https://op.example/par".into());
        metadata.require_pushed_authorization_requests = required;
        metadata
    }

    fn transaction() -> LoginTransaction {
        LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, TEST_RANDOM)
    }

    #[test]
    fn the_pushed_form_is_the_authorize_query() {
        let config = ClientConfig::new("https://op.example", "spa");
        let extra = [("login_hint".to_owned(), "bob".to_owned())];
        let pushed = pushed_request(&config, &with_par(false), &transaction(), &extra).unwrap().unwrap();
        assert_eq!(pushed.endpoint, "https://op.example/par");
        let url = authorize_url(&metadata(), &config.client_id, &transaction(), &extra).unwrap();
        assert_eq!(pushed.form, query_of(&url));
    }

    #[test]
    fn pushes_when_the_provider_can_unless_turned_off_and_always_when_required() {
        let mut config = ClientConfig::new("https://op.example", "spa");
        let pushes = |config: &ClientConfig, metadata| pushed_request(config, &metadata, &transaction(), &[]).unwrap();
        assert!(pushes(&config, metadata()).is_none(), "no endpoint: the authorize URL carries the request");
        assert!(pushes(&config, with_par(false)).is_some());
        config.pushed_authorization_requests = false;
        assert!(pushes(&config, with_par(false)).is_none());
        assert!(pushes(&config, with_par(true)).is_some(), "a provider that requires it gets it");
    }

    #[test]
    fn reserved_parameters_are_refused_in_a_pushed_request_too() {
        let config = ClientConfig::new("https://op.example", "spa");
        let extra = [("request_uri".to_owned(), "urn:evil".to_owned())];
        assert!(matches!(
            pushed_request(&config, &with_par(true), &transaction(), &extra),
            Err(ProtocolError::InvalidRequest(_))
        ));
    }

    #[test]
    fn the_browser_carries_only_the_client_id_and_the_request_uri() {
        let request_uri =
            parse_pushed_response(201, r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#)
                .unwrap();
        let url = pushed_authorize_url(&with_par(true), &ClientId::new("spa"), &request_uri);
        assert_eq!(
            url,
            "https://op.example/auth?client_id=spa&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
        );
    }

    #[test]
    fn a_refused_push_is_the_providers_error() {
        let refused = parse_pushed_response(400, r#"{"error":"invalid_request","error_description":"bad scope"}"#);
        assert_eq!(refused.unwrap_err().code(), ProtocolError::from_provider("invalid_request", None).code());
        assert_eq!(parse_pushed_response(400, r#"{"error":"access_denied"}"#), Err(ProtocolError::AccessDenied(None)));
        assert_eq!(parse_pushed_response(500, "<html>"), Err(ProtocolError::from_status(500)));
        assert_eq!(parse_pushed_response(201, "{}"), Err(ProtocolError::MissingParameter("request_uri")));
        assert_eq!(parse_pushed_response(201, "not json"), Err(ProtocolError::MissingParameter("request_uri")));
    }
}
