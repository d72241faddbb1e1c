//! OpenID Connect Discovery 1.0: the provider's metadata document.

use super::entra::is_multi_tenant_issuer;
use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord, Value};
use super::{is_secure_url, Issuer, ProtocolError, PKCE_METHOD_S256};

/// `{authority}/.well-known/openid-configuration`.
pub fn discovery_url(authority: &str) -> String {
    [super::trim_end_byte(authority, b'/'), "/.well-known/openid-configuration"].concat()
}

/// The parts of the provider's metadata this library uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderMetadata {
    /// The issuer identifier, which must be the configured authority and every ID token's `iss`.
    pub issuer: Issuer,
    /// Where the browser goes to sign in.
    pub authorization_endpoint: String,
    /// Where codes and refresh tokens are exchanged for tokens.
    pub token_endpoint: String,
    /// The provider's signing keys (JWKS), which ID-token signatures are checked against.
    pub jwks_uri: String,
    /// The UserInfo endpoint, if the provider has one.
    pub userinfo_endpoint: Option<String>,
    /// Where the browser goes to sign out at the provider (RP-Initiated Logout); without it, sign-out is local only.
    pub end_session_endpoint: Option<String>,
    /// Where the refresh token is revoked at sign-out (RFC 7009), if the provider has one.
    pub revocation_endpoint: Option<String>,
    /// The end-session endpoint's name for the post-logout redirect URI: `post_logout_redirect_uri`, unless
    /// the configuration's `metadata_overrides` names another (`returnTo` at some providers). No provider
    /// publishes it: it is a field so that the one reading of the metadata takes it too.
    pub post_logout_redirect_uri_parameter: String,
    /// The end-session endpoint's name for the ID token hint: `id_token_hint`, unless the configuration
    /// names another; empty: the hint is not sent.
    pub id_token_hint_parameter: String,
    /// The PKCE methods the provider lists; when listed, `S256` must be among them.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9207: the provider adds `iss` to authorization responses, so a response without it is rejected.
    pub authorization_response_iss_parameter_supported: bool,
    /// RFC 9126: where authorization requests are pushed before the browser goes to the authorize endpoint.
    #[cfg(feature = "dpop")]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// RFC 9126: the provider takes authorization requests only pushed.
    #[cfg(feature = "dpop")]
    pub require_pushed_authorization_requests: bool,
    /// RFC 9449: the proof algorithms the provider takes; listed when it binds tokens with DPoP.
    #[cfg(feature = "dpop")]
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
}

/// The fields of a provider's document that the library reads (see `from_json` below): what the
/// configuration's `metadata_overrides` may set.
pub(crate) const FIELDS: &[&str] = &[
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "userinfo_endpoint",
    "end_session_endpoint",
    "revocation_endpoint",
    "post_logout_redirect_uri_parameter",
    "id_token_hint_parameter",
    "code_challenge_methods_supported",
    "authorization_response_iss_parameter_supported",
    #[cfg(feature = "dpop")]
    "pushed_authorization_request_endpoint",
    #[cfg(feature = "dpop")]
    "require_pushed_authorization_requests",
    #[cfg(feature = "dpop")]
    "dpop_signing_alg_values_supported",
];

impl ProviderMetadata {
    /// Parses a discovery document fetched for `authority`, with the configuration's `overrides` set over
    /// it, and checks it (see [`Self::from_document`]).
    pub fn from_json(json: &str, overrides: &JsonObject, authority: &str) -> Result<Self, ProtocolError> {
        let document = JsonObject::parse(json).map_err(|e| invalid(authority, e))?;
        Self::from_document(document, overrides, authority, authority)
    }

    /// The one reading of a provider's metadata, fetched or supplied by the configuration (`source` names
    /// it in an error: the authority, or `metadata`): the fields of `overrides` replace the document's,
    /// then the result is read and checked. The issuer must be the authority (Discovery §4.3, against
    /// mix-up), every endpoint secure, and S256 PKCE supported where listed.
    pub fn from_document(
        mut document: JsonObject,
        overrides: &JsonObject,
        source: &str,
        authority: &str,
    ) -> Result<Self, ProtocolError> {
        for (name, value) in overrides.iter() {
            document.set(name, value.clone());
        }
        let metadata = <Self as JsonRecord>::from_json(&document).map_err(|e| invalid(source, e))?;
        // A misspelt override (`end_session_url`) would change nothing, silently.
        let unread = overrides.iter().find(|(name, value)| !matches!(value, Value::Null) && !FIELDS.contains(name));
        if let Some((name, _)) = unread {
            let error = ["`", name, "` is not a field of the provider's metadata that the library reads"].concat();
            return Err(ProtocolError::InvalidDiscovery(["metadata_overrides: ", &error].concat()));
        }
        metadata.check(authority)?;
        Ok(metadata)
    }

    /// The rules of [`Self::from_document`], for a document built in code too (see `ClientConfig::validate`).
    pub fn check(&self, authority: &str) -> Result<(), ProtocolError> {
        let issuer = self.issuer.as_str();
        if super::trim_end_byte(issuer, b'/') != super::trim_end_byte(authority, b'/')
            && !is_multi_tenant_issuer(issuer, authority)
        {
            return Err(ProtocolError::DiscoveryIssuerMismatch {
                expected: authority.to_owned(),
                found: issuer.to_owned(),
            });
        }
        let endpoints = [
            #[cfg(feature = "dpop")]
            self.pushed_authorization_request_endpoint.as_ref(),
            Some(&self.authorization_endpoint),
            Some(&self.token_endpoint),
            Some(&self.jwks_uri),
            self.userinfo_endpoint.as_ref(),
            self.end_session_endpoint.as_ref(),
            self.revocation_endpoint.as_ref(),
        ];
        if let Some(insecure) = endpoints.into_iter().flatten().find(|url| !is_secure_url(url)) {
            return Err(ProtocolError::InsecureEndpoint(insecure.clone()));
        }
        if let Some(methods) = &self.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == PKCE_METHOD_S256) {
                return Err(ProtocolError::PkceNotSupported);
            }
        }
        Ok(())
    }
}

fn invalid(source: &str, error: JsonError) -> ProtocolError {
    ProtocolError::InvalidDiscovery([source, ": ", &error.text()].concat())
}

/// Also the form cached in sessionStorage.
impl JsonRecord for ProviderMetadata {
    fn to_json(&self) -> JsonObject {
        let object = JsonObject::new()
            .with("issuer", json::string(self.issuer.as_str()))
            .with("authorization_endpoint", json::string(&self.authorization_endpoint))
            .with("token_endpoint", json::string(&self.token_endpoint))
            .with("jwks_uri", json::string(&self.jwks_uri))
            .with("userinfo_endpoint", json::opt_string(self.userinfo_endpoint.as_deref()))
            .with("end_session_endpoint", json::opt_string(self.end_session_endpoint.as_deref()))
            .with("revocation_endpoint", json::opt_string(self.revocation_endpoint.as_deref()))
            .with("post_logout_redirect_uri_parameter", json::string(&self.post_logout_redirect_uri_parameter))
            .with("id_token_hint_parameter", json::string(&self.id_token_hint_parameter))
            .with("code_challenge_methods_supported", self.code_challenge_methods_supported.as_ref().map(json::strings))
            .with(
                "authorization_response_iss_parameter_supported",
                json::boolean(self.authorization_response_iss_parameter_supported),
            );
        #[cfg(feature = "dpop")]
        let object = object
            .with(
                "pushed_authorization_request_endpoint",
                json::opt_string(self.pushed_authorization_request_endpoint.as_deref()),
            )
            .with("require_pushed_authorization_requests", json::boolean(self.require_pushed_authorization_requests))
            .with(
                "dpop_signing_alg_values_supported",
                self.dpop_signing_alg_values_supported.as_ref().map(json::strings),
            );
        object
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let mut read = FieldErrors::default();
        let metadata = Self {
            issuer: Issuer::new(read.take(object.string("issuer"))),
            authorization_endpoint: read.take(object.string("authorization_endpoint")),
            token_endpoint: read.take(object.string("token_endpoint")),
            jwks_uri: read.take(object.string("jwks_uri")),
            userinfo_endpoint: read.take(object.opt_string("userinfo_endpoint")),
            end_session_endpoint: read.take(object.opt_string("end_session_endpoint")),
            revocation_endpoint: read.take(object.opt_string("revocation_endpoint")),
            post_logout_redirect_uri_parameter: read
                .take(object.opt_string("post_logout_redirect_uri_parameter"))
                .unwrap_or_else(|| "post_logout_redirect_uri".into()),
            id_token_hint_parameter: read
                .take(object.opt_string("id_token_hint_parameter"))
                .unwrap_or_else(|| "id_token_hint".into()),
            code_challenge_methods_supported: read.take(object.opt_strings("code_challenge_methods_supported")),
            authorization_response_iss_parameter_supported: read
                .take(object.opt_bool("authorization_response_iss_parameter_supported"))
                .unwrap_or(false),
            #[cfg(feature = "dpop")]
            pushed_authorization_request_endpoint: read
                .take(object.opt_string("pushed_authorization_request_endpoint")),
            #[cfg(feature = "dpop")]
            require_pushed_authorization_requests: read
                .take(object.opt_bool("require_pushed_authorization_requests"))
                .unwrap_or(false),
            #[cfg(feature = "dpop")]
            dpop_signing_alg_values_supported: read.take(object.opt_strings("dpop_signing_alg_values_supported")),
        };
        read.done(metadata)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const ISSUER: &str = "https://op.example";

    pub(crate) fn document() -> serde_json::Value {
        serde_json::json!({
            "issuer": ISSUER,
            "authorization_endpoint": "https://op.example/auth",
            "token_endpoint": "https://op.example/token",
            "jwks_uri": "https://op.example/jwks",
            "end_session_endpoint": "https://op.example/session/end",
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
            "response_types_supported": ["code"]
        })
    }

    pub(crate) fn metadata() -> ProviderMetadata {
        ProviderMetadata::from_json(&document().to_string(), &JsonObject::new(), ISSUER).unwrap()
    }

    #[test]
    fn discovery_url_joins_without_double_slash() {
        assert_eq!(discovery_url("https://op/t/"), "https://op/t/.well-known/openid-configuration");
        assert_eq!(discovery_url("https://op/t"), "https://op/t/.well-known/openid-configuration");
    }

    #[test]
    fn parses_a_document() {
        let metadata = metadata();
        assert_eq!(metadata.issuer.as_str(), ISSUER);
        assert_eq!(metadata.end_session_endpoint.as_deref(), Some("https://op.example/session/end"));
        assert!(metadata.authorization_response_iss_parameter_supported);
        assert!(ProviderMetadata::from_json(&document().to_string(), &JsonObject::new(), "https://op.example/").is_ok());
        assert_eq!(ProviderMetadata::from_json_str(&metadata.to_json_string()), Ok(metadata));
    }

    #[test]
    fn the_fields_an_override_may_set_are_those_the_metadata_is_read_from() {
        let full = ProviderMetadata {
            userinfo_endpoint: Some("https://op.example/me".into()),
            end_session_endpoint: Some("https://op.example/session/end".into()),
            revocation_endpoint: Some("https://op.example/revoke".into()),
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            #[cfg(feature = "dpop")]
            pushed_authorization_request_endpoint: Some("https://op.example/par".into()),
            #[cfg(feature = "dpop")]
            dpop_signing_alg_values_supported: Some(vec!["ES256".into()]),
            ..metadata()
        };
        let written = full.to_json();
        let written: Vec<&str> = written.iter().map(|(name, _)| name).collect();
        let mut fields = FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(written, fields);
    }

    #[test]
    fn rejects_another_issuer() {
        let err = ProviderMetadata::from_json(&document().to_string(), &JsonObject::new(), "https://other.example")
            .unwrap_err();
        assert!(matches!(err, ProtocolError::DiscoveryIssuerMismatch { .. }));
    }

    #[test]
    fn accepts_the_tenant_template_of_entra_multi_tenant_authorities_only() {
        let entra = |issuer: &str| {
            let mut doc = document();
            for (key, value) in doc.as_object_mut().unwrap() {
                if let Some(url) = value.as_str().filter(|v| v.starts_with(ISSUER)) {
                    *value = url.replace(ISSUER, "https://login.microsoftonline.com/common/oauth2/v2.0").into();
                }
                if key == "issuer" {
                    *value = issuer.into();
                }
            }
            doc.to_string()
        };
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let metadata = ProviderMetadata::from_json(
            &entra(template),
            &JsonObject::new(),
            "https://login.microsoftonline.com/common/v2.0",
        );
        assert_eq!(metadata.unwrap().issuer.as_str(), template);
        assert!(matches!(
            ProviderMetadata::from_json(
                &entra(template),
                &JsonObject::new(),
                "https://login.microsoftonline.com/contoso.com/v2.0"
            ),
            Err(ProtocolError::DiscoveryIssuerMismatch { .. })
        ));
    }

    #[test]
    fn rejects_insecure_endpoints_and_missing_s256() {
        let mut doc = document();
        doc["token_endpoint"] = "http://op.example/token".into();
        assert_eq!(
            ProviderMetadata::from_json(&doc.to_string(), &JsonObject::new(), ISSUER),
            Err(ProtocolError::InsecureEndpoint("http://op.example/token".into()))
        );
        let mut doc = document();
        doc["code_challenge_methods_supported"] = serde_json::json!(["plain"]);
        assert_eq!(
            ProviderMetadata::from_json(&doc.to_string(), &JsonObject::new(), ISSUER),
            Err(ProtocolError::PkceNotSupported)
        );
    }

    #[test]
    fn rejects_incomplete_documents() {
        let mut doc = document();
        doc.as_object_mut().unwrap().remove("token_endpoint");
        assert!(matches!(
            ProviderMetadata::from_json(&doc.to_string(), &JsonObject::new(), ISSUER),
            Err(ProtocolError::InvalidDiscovery(_))
        ));
        assert!(ProviderMetadata::from_json("<html>", &JsonObject::new(), ISSUER).is_err());
    }
}
