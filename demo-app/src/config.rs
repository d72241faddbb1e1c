//! The demo's configuration file: the library's settings plus the demo API's address.

use leptos_auth::auth_wasm::protocol::JsonObject;
use leptos_auth::{ClientConfig, PopupOptions};

const CONFIG_URL: &str = "/auth-config.json";

#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub auth: ClientConfig,
    /// Where the protected demo API lives (`tests/support/api.mjs`); empty when there is none.
    pub api_base_url: String,
    /// An API on another origin, not on the allow-list: the helper must send it no token (empty when
    /// there is none).
    pub other_api_url: String,
    /// How sign-in popups are made: the defaults, with `popup_timeout_secs` from the file if it has one.
    pub popup: PopupOptions,
}

pub async fn load_config() -> Result<DemoConfig, String> {
    let response = gloo_net::http::Request::get(CONFIG_URL)
        .send()
        .await
        .map_err(|e| format!("could not load {CONFIG_URL}: {e}"))?;
    if !response.ok() {
        return Err(format!("could not load {CONFIG_URL}: HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| format!("could not read {CONFIG_URL}: {e}"))?;
    let invalid = |e: String| format!("{CONFIG_URL}: {e}");
    let object = JsonObject::parse(&text).map_err(|e| invalid(e.to_string()))?;
    let auth = ClientConfig::from_json_object(&object).map_err(|e| invalid(e.to_string()))?;
    let api_base_url = object.opt_string("api_base_url").map_err(|e| invalid(e.to_string()))?.unwrap_or_default();
    let other_api_url = object.opt_string("other_api_url").map_err(|e| invalid(e.to_string()))?.unwrap_or_default();
    let mut popup = PopupOptions::default();
    if let Some(seconds) = object.opt_unsigned("popup_timeout_secs").map_err(|e| invalid(e.to_string()))? {
        popup.timeout_secs = u32::try_from(seconds).unwrap_or(u32::MAX);
    }
    Ok(DemoConfig { auth, api_base_url, other_api_url, popup })
}
