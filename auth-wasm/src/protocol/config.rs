//! The client's configuration: which provider, which client, which redirect URLs and scopes.

use std::sync::Arc;

use super::entra::is_entra_authority;
use super::json::{FieldErrors, JsonError, JsonObject};
use super::{is_secure_url, ClientId, ProtocolError, ProviderMetadata, Scopes};

pub const DEFAULT_REDIRECT_PATH: &str = "/authentication/login-callback";
pub const DEFAULT_POST_LOGOUT_REDIRECT_PATH: &str = "/authentication/logout-callback";
pub const DEFAULT_LOGIN_PATH: &str = "/authentication/login";
pub const DEFAULT_LOGOUT_PATH: &str = "/authentication/logout";
pub const DEFAULT_SILENT_REDIRECT_PATH: &str = "/silent-callback.html";

/// Which store the client keeps tokens in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheLocation {
    /// Gone when the tab closes; not shared between tabs.
    #[default]
    SessionStorage,
    /// Shared by every tab of the origin; survives the browser restarting.
    LocalStorage,
    /// Gone on reload. A sign-in still works: its transaction is kept in sessionStorage.
    Memory,
}

impl CacheLocation {
    /// Every location.
    pub(crate) const ALL: [Self; 3] = [Self::SessionStorage, Self::LocalStorage, Self::Memory];

    /// The name in a configuration file: `sessionStorage`, `localStorage` or `memory`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SessionStorage => "sessionStorage",
            Self::LocalStorage => "localStorage",
            Self::Memory => "memory",
        }
    }

    /// The location named by `text`, exactly; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|location| location.as_str() == text)
    }

    pub(crate) const EXPECTED: &'static str = "must be sessionStorage, localStorage or memory";
}

/// What an app tells the library about its provider. Read from a JSON configuration file such
/// as `{"authority": "https://login.example.com", "client_id": "spa", "scopes": ["api:read"]}`, whose
/// names are those of the fields. (The npm package's `AuthClientOptions` name them in camelCase: its
/// JS API reads those and makes a `ClientConfig`.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// The issuer URL of the provider; discovery is read from `{authority}/.well-known/openid-configuration`.
    pub authority: String,
    /// The client id registered at the provider (a public client: there is no secret).
    pub client_id: ClientId,
    /// Where the provider sends the browser back after sign-in: an absolute URL, or a path of this app.
    pub redirect_uri: String,
    /// Where the provider sends the browser back after sign-out: an absolute URL, or a path of this app.
    pub post_logout_redirect_uri: String,
    /// API scopes asked for at sign-in, besides `openid profile offline_access`, which are always asked for.
    pub scopes: Scopes,
    /// The app's route that starts an interactive request read from history state.
    pub login_path: String,
    /// The app's route that starts a sign-out read from history state.
    pub logout_path: String,
    /// The page a hidden iframe returns to during silent renewal: a blank page of this app, registered
    /// as a redirect URI. It must not run the app.
    pub silent_redirect_uri: String,
    /// Where tokens are kept: `"sessionStorage"` (default), `"localStorage"` or `"memory"`.
    pub cache_location: CacheLocation,
    /// Ask for Entra's `client_info` (its account ids). `None`: only for Microsoft Entra authorities.
    pub client_info: Option<bool>,
    /// The provider's metadata, supplied whole: then no discovery request is made. A configuration file's
    /// (or JS's) `metadata`, a discovery document, is read as a fetched one is
    /// ([`ProviderMetadata::from_document`], with `metadata_overrides` set over it); one built in code is
    /// checked by the same rules in [`Self::validate`].
    pub metadata: Option<Arc<ProviderMetadata>>,
    /// Fields set over the provider's discovery document before it is read and checked, by the document's
    /// names (`end_session_endpoint`, …), for a provider whose document lacks them or has them wrong; and
    /// the end-session endpoint's parameter names (`post_logout_redirect_uri_parameter`,
    /// `id_token_hint_parameter`: see [`ProviderMetadata`]); a `null` removes a field. An object of JSON
    /// fields because they are the document's: whatever is set, the document's one reading judges.
    pub metadata_overrides: JsonObject,
    /// Push authorization requests (RFC 9126) where the provider has an endpoint for them (default);
    /// a provider that requires them gets them whatever this says.
    #[cfg(feature = "dpop")]
    pub pushed_authorization_requests: bool,
    /// Bind tokens to this browser's key with DPoP (RFC 9449): off (default), required, or where the
    /// provider supports it.
    #[cfg(feature = "dpop")]
    pub dpop: super::DpopMode,
}

impl ClientConfig {
    /// A configuration for `client_id` at `authority`, with the default paths (`/authentication/login-callback`,
    /// …), no API scopes and sessionStorage. Checked when a client is made from it.
    pub fn new(authority: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            authority: authority.into(),
            client_id: ClientId::new(client_id),
            redirect_uri: DEFAULT_REDIRECT_PATH.to_owned(),
            post_logout_redirect_uri: DEFAULT_POST_LOGOUT_REDIRECT_PATH.to_owned(),
            scopes: Scopes::new(),
            login_path: DEFAULT_LOGIN_PATH.to_owned(),
            logout_path: DEFAULT_LOGOUT_PATH.to_owned(),
            silent_redirect_uri: DEFAULT_SILENT_REDIRECT_PATH.to_owned(),
            cache_location: CacheLocation::default(),
            client_info: None,
            metadata: None,
            metadata_overrides: JsonObject::new(),
            #[cfg(feature = "dpop")]
            pushed_authorization_requests: true,
            #[cfg(feature = "dpop")]
            dpop: super::DpopMode::Off,
        }
    }

    /// Whether authorize requests carry `client_info=1`.
    pub fn sends_client_info(&self) -> bool {
        self.client_info.unwrap_or_else(|| is_entra_authority(&self.authority))
    }

    /// The authorize parameters `params` of a request, plus those the configuration adds
    /// (`client_info=1` where it asks for Entra's client info).
    pub fn with_configured_parameters(&self, mut params: Vec<(String, String)>) -> Vec<(String, String)> {
        if self.sends_client_info() {
            params.push(("client_info".into(), "1".into()));
        }
        params
    }

    /// This configuration with `scopes` as the API scopes asked for at sign-in.
    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// Parses and checks a JSON configuration file.
    pub fn from_json(json: &str) -> Result<Self, ProtocolError> {
        let object = JsonObject::parse(json).map_err(|e| ProtocolError::InvalidConfig(e.into()))?;
        Self::from_json_object(&object)
    }

    /// Reads and checks a configuration object; each field by its name (`client_id`, `redirect_uri`, …).
    /// Other names are ignored: the object may hold an app's own settings too.
    pub fn from_json_object(object: &JsonObject) -> Result<Self, ProtocolError> {
        Self::read(object)
            .map_err(|e| ProtocolError::InvalidConfig(e.into()))?
            .validated()?
            .read_metadata(object, ["metadata", "metadata_overrides"])
    }

    /// Takes the provider metadata `object` supplies (`keys[0]`) or overrides (`keys[1]`): the overrides
    /// are kept for the fetched document, and a supplied document is read with them as a fetched one is
    /// (its errors are those a fetched document would get; a field it lacks is named as `metadata`'s).
    pub(crate) fn read_metadata(mut self, object: &JsonObject, keys: [&str; 2]) -> Result<Self, ProtocolError> {
        let object_at = |key| object.opt_object(key).map_err(|e| ProtocolError::InvalidConfig(e.into()));
        self.metadata_overrides = object_at(keys[1])?.cloned().unwrap_or_default();
        if let Some(document) = object_at(keys[0])? {
            let metadata =
                ProviderMetadata::from_document(document.clone(), &self.metadata_overrides, keys[0], &self.authority)?;
            self.metadata = Some(Arc::new(metadata));
        }
        Ok(self)
    }

    fn read(object: &JsonObject) -> Result<Self, JsonError> {
        let text = |name, default: &str| -> Result<String, JsonError> {
            Ok(object.opt_string(name)?.unwrap_or_else(|| default.to_owned()))
        };
        let cache_location =
            object.opt_choice("cache_location", CacheLocation::parse, CacheLocation::EXPECTED)?.unwrap_or_default();
        let mut read = FieldErrors::default();
        let config = Self {
            authority: read.take(object.string("authority")),
            client_id: ClientId::new(read.take(object.string("client_id"))),
            redirect_uri: read.take(text("redirect_uri", DEFAULT_REDIRECT_PATH)),
            post_logout_redirect_uri: read.take(text("post_logout_redirect_uri", DEFAULT_POST_LOGOUT_REDIRECT_PATH)),
            scopes: read.take(Scopes::read_json(object, "scopes")),
            login_path: read.take(text("login_path", DEFAULT_LOGIN_PATH)),
            logout_path: read.take(text("logout_path", DEFAULT_LOGOUT_PATH)),
            silent_redirect_uri: read.take(text("silent_redirect_uri", DEFAULT_SILENT_REDIRECT_PATH)),
            cache_location,
            client_info: read.take(object.opt_bool("client_info")),
            metadata: None,
            metadata_overrides: JsonObject::new(),
            #[cfg(feature = "dpop")]
            pushed_authorization_requests: read.take(object.opt_bool("pushed_authorization_requests")).unwrap_or(true),
            #[cfg(feature = "dpop")]
            dpop: read
                .take(object.opt_choice("dpop", super::DpopMode::parse, super::DpopMode::EXPECTED))
                .unwrap_or_default(),
        };
        read.done(config)
    }

    fn validated(self) -> Result<Self, ProtocolError> {
        self.validate()?;
        Ok(self)
    }

    /// Checks what a client cannot work without: a client id, and an HTTPS authority (plain HTTP only on
    /// loopback); and provider metadata it supplies, by the rules of a fetched document.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if self.client_id.as_str().is_empty() {
            return Err(ProtocolError::InvalidConfig("client_id is empty".into()));
        }
        if !is_secure_url(&self.authority) {
            return Err(ProtocolError::InvalidConfig(
                ["authority `", &self.authority, "` must be an https:// URL (http:// only on loopback)"].concat(),
            ));
        }
        match &self.metadata {
            Some(metadata) => metadata.check(&self.authority),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_defaults() {
        let config = ClientConfig::from_json(r#"{"authority":"https://op.example","client_id":"spa"}"#).unwrap();
        assert_eq!(config.redirect_uri, DEFAULT_REDIRECT_PATH);
        assert_eq!(config.post_logout_redirect_uri, DEFAULT_POST_LOGOUT_REDIRECT_PATH);
        assert!(config.scopes.is_empty());
        assert_eq!(
            (config.login_path.as_str(), config.logout_path.as_str()),
            (DEFAULT_LOGIN_PATH, DEFAULT_LOGOUT_PATH)
        );
        assert_eq!(config.silent_redirect_uri, DEFAULT_SILENT_REDIRECT_PATH);
    }

    #[test]
    fn reads_every_field_by_its_own_name_only() {
        let config = ClientConfig::from_json(
            r#"{"authority":"http://127.0.0.1:1","client_id":"spa","redirect_uri":"/cb","post_logout_redirect_uri":"/out",
                "silent_redirect_uri":"/silent.html","scopes":"api:read","cache_location":"localStorage","client_info":true,
                "login_path":"/in","logout_path":"/bye","api_base_url":"an app's own setting"}"#,
        )
        .unwrap();
        let mut expected =
            ClientConfig::new("http://127.0.0.1:1", "spa").with_scopes(Scopes::parse("api:read").unwrap());
        expected.redirect_uri = "/cb".into();
        expected.post_logout_redirect_uri = "/out".into();
        expected.silent_redirect_uri = "/silent.html".into();
        expected.cache_location = CacheLocation::LocalStorage;
        expected.client_info = Some(true);
        expected.login_path = "/in".into();
        expected.logout_path = "/bye".into();
        assert_eq!(config, expected);

        // The JS API's camelCase names are its own (src/js/options.rs), not the file's.
        let camel =
            r#"{"authority":"https://op.example","client_id":"spa","redirectUri":"/cb","cacheLocation":"memory"}"#;
        assert_eq!(ClientConfig::from_json(camel).unwrap(), ClientConfig::new("https://op.example", "spa"));
        assert!(ClientConfig::from_json(r#"{"authority":"https://op.example","clientId":"spa"}"#).is_err());
    }

    #[test]
    fn client_info_for_entra_only_unless_configured() {
        let entra = ClientConfig::new("https://login.microsoftonline.com/common/v2.0", "spa");
        assert!(entra.sends_client_info());
        assert!(ClientConfig::new("https://contoso.ciamlogin.com/contoso.onmicrosoft.com", "spa").sends_client_info());
        assert!(!ClientConfig::new("https://login.microsoftonline.com.evil.example/x", "spa").sends_client_info());
        let mut other = ClientConfig::new("https://dev-1.okta.com", "spa");
        assert!(!other.sends_client_info());
        other.client_info = Some(true);
        assert!(other.sends_client_info());
    }

    #[test]
    fn rejects_bad_config() {
        assert!(matches!(
            ClientConfig::from_json(r#"{"authority":"http://op.example","client_id":"spa"}"#),
            Err(ProtocolError::InvalidConfig(_))
        ));
        assert!(ClientConfig::from_json(r#"{"authority":"https://op.example","client_id":""}"#).is_err());
        assert!(ClientConfig::from_json(r#"{"client_id":"spa"}"#).is_err());
        assert!(ClientConfig::from_json("not json").is_err());
        assert!(
            ClientConfig::from_json(r#"{"authority":"https://op","client_id":"a","cache_location":"disk"}"#).is_err()
        );
    }

    /// A configuration file with `fields` besides the authority `https://op.example` and a client id.
    fn file_with(fields: serde_json::Value) -> Result<ClientConfig, ProtocolError> {
        let mut file = serde_json::json!({"authority": "https://op.example", "client_id": "spa"});
        for (name, value) in fields.as_object().unwrap() {
            file[name] = value.clone();
        }
        ClientConfig::from_json(&file.to_string())
    }

    #[test]
    fn a_supplied_document_is_read_with_the_overrides_as_a_fetched_one_is() {
        use super::super::discovery::tests::{document, metadata};
        let config = file_with(serde_json::json!({"metadata": document(), "metadata_overrides": {
            "end_session_endpoint": "https://op.example/v2/logout", "post_logout_redirect_uri_parameter": "returnTo"}}))
        .unwrap();
        let read = config.metadata.unwrap();
        assert_eq!(read.end_session_endpoint.as_deref(), Some("https://op.example/v2/logout"));
        assert_eq!(read.post_logout_redirect_uri_parameter, "returnTo");
        let rest = ProviderMetadata {
            end_session_endpoint: metadata().end_session_endpoint,
            post_logout_redirect_uri_parameter: metadata().post_logout_redirect_uri_parameter,
            ..(*read).clone()
        };
        assert_eq!(rest, metadata(), "only the overridden fields differ");
        let removed = file_with(serde_json::json!({"metadata": document(),
            "metadata_overrides": {"end_session_endpoint": null}}));
        assert_eq!(removed.unwrap().metadata.unwrap().end_session_endpoint, None, "a null removes a field");

        let bad = |name: &str, value: serde_json::Value| {
            let mut document = document();
            document[name] = value;
            file_with(serde_json::json!({ "metadata": document }))
        };
        let mismatch = ProtocolError::DiscoveryIssuerMismatch {
            expected: "https://op.example".into(),
            found: "https://evil.example".into(),
        };
        assert_eq!(bad("issuer", "https://evil.example".into()), Err(mismatch));
        let insecure = ProtocolError::InsecureEndpoint("http://op.example/logout".into());
        assert_eq!(bad("end_session_endpoint", "http://op.example/logout".into()), Err(insecure.clone()));
        assert_eq!(
            bad("code_challenge_methods_supported", serde_json::json!(["plain"])),
            Err(ProtocolError::PkceNotSupported)
        );
        let Err(ProtocolError::InvalidDiscovery(why)) = bad("token_endpoint", 7.into()) else {
            panic!("a number read")
        };
        assert!(why.starts_with("metadata: `token_endpoint`"), "{why}");
        let overridden = file_with(serde_json::json!({"metadata": document(),
            "metadata_overrides": {"end_session_endpoint": "http://op.example/logout"}}));
        assert_eq!(overridden, Err(insecure), "an override is held to the same rules");
        assert!(matches!(
            file_with(serde_json::json!({"metadata": "https://op.example"})),
            Err(ProtocolError::InvalidConfig(_))
        ));
        assert!(matches!(
            file_with(serde_json::json!({"metadata_overrides": []})),
            Err(ProtocolError::InvalidConfig(_))
        ));
    }

    #[test]
    fn a_configuration_can_be_shared_between_threads() {
        // A server-rendered app holds it in Leptos's thread-safe storage (leptos-auth's server client), so
        // a supplied document is kept behind an `Arc`, not an `Rc`.
        fn shared<T: Send + Sync>() {}
        shared::<ClientConfig>();
    }

    #[test]
    fn a_misspelt_override_is_refused_naming_it_rather_than_changing_nothing() {
        use super::super::discovery::tests::document;
        let misspelt = file_with(serde_json::json!({"metadata": document(),
            "metadata_overrides": {"end_session_url": "https://op.example/v2/logout"}}));
        let Err(ProtocolError::InvalidDiscovery(why)) = misspelt else { panic!("{misspelt:?}") };
        assert!(why.contains("`end_session_url` is not a field"), "{why}");
        // Over a fetched document too: the overrides kept for it are checked when it is read.
        let overrides = file_with(serde_json::json!({"metadata_overrides": {"returnTo": "x"}})).unwrap();
        let fetched =
            ProviderMetadata::from_json(&document().to_string(), &overrides.metadata_overrides, "https://op.example");
        assert!(matches!(fetched, Err(ProtocolError::InvalidDiscovery(why)) if why.contains("`returnTo`")));
    }

    #[test]
    fn a_document_set_in_code_is_checked_when_the_configuration_is() {
        let mut config = ClientConfig::new("https://other.example", "spa");
        config.metadata = Some(Arc::new(super::super::discovery::tests::metadata()));
        assert!(matches!(config.validate(), Err(ProtocolError::DiscoveryIssuerMismatch { .. })));
        config.authority = "https://op.example".into();
        assert_eq!(config.validate(), Ok(()));
    }
}
