//! The client's configuration: which provider, which client, which redirect URLs and scopes.

use serde::{Deserialize, Serialize};

use super::{is_secure_url, ClientId, ProtocolError, Scopes};

pub const DEFAULT_REDIRECT_PATH: &str = "/authentication/login-callback";
pub const DEFAULT_POST_LOGOUT_REDIRECT_PATH: &str = "/authentication/logout-callback";
pub const DEFAULT_LOGIN_PATH: &str = "/authentication/login";
pub const DEFAULT_LOGOUT_PATH: &str = "/authentication/logout";
pub const DEFAULT_SILENT_REDIRECT_PATH: &str = "/silent-callback.html";

/// Hosts of Microsoft Entra ID (public and national clouds) and Entra External ID.
const ENTRA_HOST_SUFFIXES: [&str; 5] = [
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.microsoftonline.de",
    ".ciamlogin.com",
];

/// Which store the client keeps tokens in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CacheLocation {
    /// Gone when the tab closes; not shared between tabs.
    #[default]
    SessionStorage,
    /// Shared by every tab of the origin; survives the browser restarting.
    LocalStorage,
    /// Gone on reload. A sign-in still works: its transaction is kept in sessionStorage.
    Memory,
}

/// What an app tells the library about its provider. Deserialises from a JSON configuration file such
/// as `{"authority": "https://login.example.com", "client_id": "spa", "scopes": ["api:read"]}`
/// (camelCase names are accepted too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientConfig {
    /// The issuer URL of the provider; discovery is read from `{authority}/.well-known/openid-configuration`.
    pub authority: String,
    #[serde(alias = "clientId")]
    pub client_id: ClientId,
    /// Where the provider sends the browser back after sign-in: an absolute URL, or a path of this app.
    #[serde(alias = "redirectUri", default = "default_redirect_uri")]
    pub redirect_uri: String,
    /// Where the provider sends the browser back after sign-out: an absolute URL, or a path of this app.
    #[serde(alias = "postLogoutRedirectUri", default = "default_post_logout_redirect_uri")]
    pub post_logout_redirect_uri: String,
    /// API scopes asked for at sign-in, besides `openid profile offline_access`, which are always asked for.
    #[serde(default)]
    pub scopes: Scopes,
    /// The app's route that starts an interactive request read from history state.
    #[serde(alias = "loginPath", default = "default_login_path")]
    pub login_path: String,
    /// The app's route that starts a sign-out read from history state.
    #[serde(alias = "logoutPath", default = "default_logout_path")]
    pub logout_path: String,
    /// The page a hidden iframe returns to during silent renewal: a blank page of this app, registered
    /// as a redirect URI. It must not run the app.
    #[serde(alias = "silentRedirectUri", default = "default_silent_redirect_uri")]
    pub silent_redirect_uri: String,
    /// Where tokens are kept: `"sessionStorage"` (default), `"localStorage"` or `"memory"`.
    #[serde(alias = "cacheLocation", default)]
    pub cache_location: CacheLocation,
    /// Ask for Entra's `client_info` (its account ids). `None`: only for Microsoft Entra authorities.
    #[serde(alias = "clientInfo", default, skip_serializing_if = "Option::is_none")]
    pub client_info: Option<bool>,
}

fn default_login_path() -> String {
    DEFAULT_LOGIN_PATH.to_owned()
}

fn default_logout_path() -> String {
    DEFAULT_LOGOUT_PATH.to_owned()
}

fn default_silent_redirect_uri() -> String {
    DEFAULT_SILENT_REDIRECT_PATH.to_owned()
}

fn default_redirect_uri() -> String {
    DEFAULT_REDIRECT_PATH.to_owned()
}

fn default_post_logout_redirect_uri() -> String {
    DEFAULT_POST_LOGOUT_REDIRECT_PATH.to_owned()
}

impl ClientConfig {
    pub fn new(authority: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            authority: authority.into(),
            client_id: ClientId::new(client_id),
            redirect_uri: default_redirect_uri(),
            post_logout_redirect_uri: default_post_logout_redirect_uri(),
            scopes: Scopes::new(),
            login_path: default_login_path(),
            logout_path: default_logout_path(),
            silent_redirect_uri: default_silent_redirect_uri(),
            cache_location: CacheLocation::default(),
            client_info: None,
        }
    }

    /// Whether authorize requests carry `client_info=1`.
    pub fn sends_client_info(&self) -> bool {
        self.client_info.unwrap_or_else(|| {
            let host =
                self.authority.split("://").nth(1).and_then(|rest| rest.split(['/', ':']).next()).unwrap_or_default();
            ENTRA_HOST_SUFFIXES.iter().any(|suffix| {
                host == suffix.trim_start_matches('.') || (suffix.starts_with('.') && host.ends_with(suffix))
            })
        })
    }

    pub fn with_scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }

    /// Parses and checks a JSON configuration file.
    pub fn from_json(json: &str) -> Result<Self, ProtocolError> {
        let config: Self = serde_json::from_str(json).map_err(|e| ProtocolError::InvalidConfig(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ProtocolError> {
        if self.client_id.as_str().is_empty() {
            return Err(ProtocolError::InvalidConfig("client_id is empty".into()));
        }
        if !is_secure_url(&self.authority) {
            return Err(ProtocolError::InvalidConfig(format!(
                "authority `{}` must be an https:// URL (http:// only on loopback)",
                self.authority
            )));
        }
        Ok(())
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
    fn accepts_camel_case() {
        let config = ClientConfig::from_json(
            r#"{"authority":"http://127.0.0.1:1","clientId":"spa","redirectUri":"/cb","scopes":"api:read","cacheLocation":"localStorage"}"#,
        )
        .unwrap();
        assert_eq!(config.client_id.as_str(), "spa");
        assert_eq!(config.redirect_uri, "/cb");
        assert!(config.scopes.contains("api:read"));
        assert_eq!(config.cache_location, CacheLocation::LocalStorage);
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
}
