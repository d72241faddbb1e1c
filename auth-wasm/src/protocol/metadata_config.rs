//! Provider metadata from the configuration: a whole discovery document (`metadata`: no discovery request
//! is made), or single fields over the provider's (`metadata_overrides`), for providers whose discovery is
//! incomplete (no `end_session_endpoint` though they sign out at a logout URL of their own) or unreachable
//! (served without CORS). Both are checked as a fetched document is, and a bad value is an `invalid_config`
//! naming its field.

use std::rc::Rc;

use super::json::{JsonObject, JsonRecord};
use super::JsonValue;
use super::{is_secure_url, ProtocolError, ProviderMetadata};

/// Single fields of the provider's metadata the configuration sets, over the fetched (or supplied) document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataOverrides {
    /// Where the browser goes to sign in.
    pub authorization_endpoint: Option<String>,
    /// Where codes and refresh tokens are exchanged for tokens.
    pub token_endpoint: Option<String>,
    /// Where the browser goes to sign out at the provider (a provider that publishes none but has a logout URL).
    pub end_session_endpoint: Option<String>,
    /// Where the refresh token is revoked at sign-out.
    pub revocation_endpoint: Option<String>,
    /// The end-session endpoint's name for the post-logout redirect URI: `post_logout_redirect_uri` unless
    /// set (`returnTo` at some providers).
    pub post_logout_redirect_uri_parameter: Option<String>,
    /// The end-session endpoint's name for the ID token hint: `id_token_hint` unless set; `""`: not sent.
    pub id_token_hint_parameter: Option<String>,
}

impl MetadataOverrides {
    /// Reads and checks `metadata_overrides`, an object of the fields' names: endpoints must be HTTPS
    /// (plain HTTP only on loopback), the post-logout redirect URI's name must not be empty, and another
    /// name is refused rather than ignored. A problem is an `invalid_config` naming the field as `{key}.{field}`.
    pub fn read(object: &JsonObject, key: &str) -> Result<Self, ProtocolError> {
        let invalid = |field: &str, why: &str| ProtocolError::InvalidConfig([key, ".", field, why].concat());
        let mut overrides = Self::default();
        for (name, value) in object.iter() {
            let field = match name {
                "authorization_endpoint" => &mut overrides.authorization_endpoint,
                "token_endpoint" => &mut overrides.token_endpoint,
                "end_session_endpoint" => &mut overrides.end_session_endpoint,
                "revocation_endpoint" => &mut overrides.revocation_endpoint,
                "post_logout_redirect_uri_parameter" => &mut overrides.post_logout_redirect_uri_parameter,
                "id_token_hint_parameter" => &mut overrides.id_token_hint_parameter,
                _ => return Err(invalid(name, " is not a setting")),
            };
            let JsonValue::String(text) = value else { return Err(invalid(name, " must be a string")) };
            *field = Some(text.clone());
        }
        overrides.check(key)?;
        Ok(overrides)
    }

    /// Checks the overrides as [`Self::read`] does, naming a field as `{key}.{field}`: for those set in code.
    pub fn check(&self, key: &str) -> Result<(), ProtocolError> {
        let invalid = |field: &str, why: &str| ProtocolError::InvalidConfig([key, ".", field, why].concat());
        for (field, url) in self.endpoints() {
            if let Some(url) = url.filter(|url| !is_secure_url(url)) {
                return Err(invalid(field, &[" `", url, "` ", INSECURE].concat()));
            }
        }
        if self.post_logout_redirect_uri_parameter.as_deref() == Some("") {
            return Err(invalid("post_logout_redirect_uri_parameter", " is empty"));
        }
        Ok(())
    }

    fn endpoints(&self) -> [(&'static str, Option<&String>); 4] {
        [
            ("authorization_endpoint", self.authorization_endpoint.as_ref()),
            ("token_endpoint", self.token_endpoint.as_ref()),
            ("end_session_endpoint", self.end_session_endpoint.as_ref()),
            ("revocation_endpoint", self.revocation_endpoint.as_ref()),
        ]
    }

    /// `metadata` with these endpoints set; itself when none is.
    pub fn apply(&self, metadata: Rc<ProviderMetadata>) -> Rc<ProviderMetadata> {
        let set = |url: &Option<String>, field: &mut String| {
            if let Some(url) = url {
                field.clone_from(url);
            }
        };
        if self.endpoints().iter().all(|(_, url)| url.is_none()) {
            return metadata;
        }
        let mut metadata = Rc::unwrap_or_clone(metadata);
        set(&self.authorization_endpoint, &mut metadata.authorization_endpoint);
        set(&self.token_endpoint, &mut metadata.token_endpoint);
        if self.end_session_endpoint.is_some() {
            metadata.end_session_endpoint.clone_from(&self.end_session_endpoint);
        }
        if self.revocation_endpoint.is_some() {
            metadata.revocation_endpoint.clone_from(&self.revocation_endpoint);
        }
        Rc::new(metadata)
    }

    /// The end-session endpoint's name for the post-logout redirect URI.
    pub fn post_logout_redirect_uri_parameter(&self) -> &str {
        self.post_logout_redirect_uri_parameter.as_deref().unwrap_or("post_logout_redirect_uri")
    }

    /// The end-session endpoint's name for the ID token hint; `None`: the hint is not sent.
    pub fn id_token_hint_parameter(&self) -> Option<&str> {
        Some(self.id_token_hint_parameter.as_deref().unwrap_or("id_token_hint")).filter(|name| !name.is_empty())
    }
}

const INSECURE: &str = "must be an https:// URL (http:// only on loopback)";

/// Reads the discovery document `metadata` supplied for `authority` and checks it as a fetched one is
/// (see [`check_supplied`]).
pub fn supplied_metadata(object: &JsonObject, key: &str, authority: &str) -> Result<ProviderMetadata, ProtocolError> {
    let metadata = <ProviderMetadata as JsonRecord>::from_json(object)
        .map_err(|e| ProtocolError::InvalidConfig([key, ".", &e.text()].concat()))?;
    check_supplied(&metadata, key, authority)?;
    Ok(metadata)
}

/// Checks a supplied document as a fetched one is (`ProviderMetadata::check`); a problem is an
/// `invalid_config` naming the field as `{key}.{field}`.
pub fn check_supplied(metadata: &ProviderMetadata, key: &str, authority: &str) -> Result<(), ProtocolError> {
    let invalid = |field: &str, why: &str| ProtocolError::InvalidConfig([key, ".", field, why].concat());
    match metadata.check(authority) {
        Ok(()) => Ok(()),
        Err((field, ProtocolError::InsecureEndpoint(url))) => {
            Err(invalid(field, &[" `", &url, "` ", INSECURE].concat()))
        }
        Err((field, ProtocolError::PkceNotSupported)) => Err(invalid(field, " must include S256")),
        Err((field, _)) => Err(invalid(field, &[" `", metadata.issuer.as_str(), "` is not the authority"].concat())),
    }
}

/// Reads the optional overrides object `key` of `object` (see [`MetadataOverrides::read`]).
pub fn read_overrides(object: &JsonObject, key: &str) -> Result<MetadataOverrides, ProtocolError> {
    match object.opt_object(key) {
        Ok(Some(overrides)) => MetadataOverrides::read(overrides, key),
        Ok(None) => Ok(MetadataOverrides::default()),
        Err(e) => Err(ProtocolError::InvalidConfig(e.into())),
    }
}

/// Reads the optional discovery document `key` of `object` for `authority` (see [`supplied_metadata`]).
pub fn read_metadata(
    object: &JsonObject,
    key: &str,
    authority: &str,
) -> Result<Option<ProviderMetadata>, ProtocolError> {
    match object.opt_object(key) {
        Ok(Some(metadata)) => supplied_metadata(metadata, key, authority).map(Some),
        Ok(None) => Ok(None),
        Err(e) => Err(ProtocolError::InvalidConfig(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::{document, metadata};
    use crate::protocol::ClientConfig;

    fn config(settings: serde_json::Value) -> Result<ClientConfig, ProtocolError> {
        let mut file = serde_json::json!({"authority": "https://op.example", "client_id": "spa"});
        for (name, value) in settings.as_object().unwrap() {
            file[name] = value.clone();
        }
        ClientConfig::from_json(&file.to_string())
    }

    fn invalid(why: &str) -> Result<ClientConfig, ProtocolError> {
        Err(ProtocolError::InvalidConfig(why.into()))
    }

    #[test]
    fn a_supplied_document_is_read_whole() {
        let config = config(serde_json::json!({"metadata": document()})).unwrap();
        assert_eq!(config.metadata, Some(Box::new(metadata())));
        assert_eq!(config.metadata_overrides, MetadataOverrides::default());
    }

    #[test]
    fn a_supplied_document_is_held_to_the_rules_of_a_fetched_one_naming_the_field() {
        let with = |name: &str, value: serde_json::Value| {
            let mut doc = document();
            doc[name] = value;
            config(serde_json::json!({ "metadata": doc }))
        };
        assert_eq!(
            with("issuer", "https://evil.example".into()),
            invalid("metadata.issuer `https://evil.example` is not the authority")
        );
        assert_eq!(
            with("end_session_endpoint", "http://op.example/logout".into()),
            invalid("metadata.end_session_endpoint `http://op.example/logout` must be an https:// URL (http:// only on loopback)")
        );
        assert_eq!(
            with("code_challenge_methods_supported", serde_json::json!(["plain"])),
            invalid("metadata.code_challenge_methods_supported must include S256")
        );
        let Err(ProtocolError::InvalidConfig(why)) = with("token_endpoint", serde_json::Value::Null) else { panic!() };
        assert!(why.starts_with("metadata.") && why.contains("token_endpoint"), "{why}");
        assert!(matches!(
            config(serde_json::json!({"metadata": "https://op.example"})),
            Err(ProtocolError::InvalidConfig(_))
        ));
    }

    #[test]
    fn overrides_are_checked_and_a_misspelt_one_is_refused() {
        let overrides = |value: serde_json::Value| config(serde_json::json!({ "metadata_overrides": value }));
        assert_eq!(
            overrides(serde_json::json!({"end_session_endpoint": "http://op.example/logout"})),
            invalid("metadata_overrides.end_session_endpoint `http://op.example/logout` must be an https:// URL (http:// only on loopback)")
        );
        assert_eq!(
            overrides(serde_json::json!({"authorization_endpoint": "https://op.example/auth", "token_endpoint": "http://op.example/t"})),
            invalid("metadata_overrides.token_endpoint `http://op.example/t` must be an https:// URL (http:// only on loopback)"),
            "every endpoint is checked"
        );
        assert_eq!(
            overrides(serde_json::json!({"token_endpoint": 7})),
            invalid("metadata_overrides.token_endpoint must be a string")
        );
        assert_eq!(
            overrides(serde_json::json!({"end_session_url": "https://op.example/logout"})),
            invalid("metadata_overrides.end_session_url is not a setting")
        );
        assert_eq!(
            overrides(serde_json::json!({"post_logout_redirect_uri_parameter": ""})),
            invalid("metadata_overrides.post_logout_redirect_uri_parameter is empty")
        );
        let loopback = overrides(serde_json::json!({"revocation_endpoint": "http://127.0.0.1:9/revoke"})).unwrap();
        assert_eq!(loopback.metadata_overrides.revocation_endpoint.as_deref(), Some("http://127.0.0.1:9/revoke"));
    }

    #[test]
    fn values_set_in_code_are_checked_when_the_configuration_is() {
        let mut config = ClientConfig::new("https://op.example", "spa");
        config.metadata_overrides.token_endpoint = Some("http://op.example/token".into());
        let insecure = "metadata_overrides.token_endpoint `http://op.example/token` must be an https:// URL (http:// only on loopback)";
        assert_eq!(config.validate(), Err(ProtocolError::InvalidConfig(insecure.into())));
        config.metadata_overrides = MetadataOverrides::default();
        config.metadata = Some(Box::new(metadata()));
        assert_eq!(config.validate(), Ok(()));
        config.authority = "https://other.example".into();
        assert_eq!(
            config.validate(),
            Err(ProtocolError::InvalidConfig("metadata.issuer `https://op.example` is not the authority".into()))
        );
    }

    #[test]
    fn overrides_set_only_their_fields() {
        let overrides =
            MetadataOverrides { end_session_endpoint: Some("https://op.example/bye".into()), ..Default::default() };
        let applied = overrides.apply(Rc::new(metadata()));
        assert_eq!(applied.end_session_endpoint.as_deref(), Some("https://op.example/bye"));
        assert_eq!(
            ProviderMetadata { end_session_endpoint: metadata().end_session_endpoint, ..(*applied).clone() },
            metadata()
        );
        let untouched = Rc::new(metadata());
        assert!(Rc::ptr_eq(&MetadataOverrides::default().apply(untouched.clone()), &untouched));
    }
}
