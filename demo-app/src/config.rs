//! The demo's configuration file: the library's settings plus the demo API's address.

use auth_wasm::protocol::ClientConfig;
use serde::Deserialize;

const CONFIG_URL: &str = "/auth-config.json";

#[derive(Clone, Debug, Deserialize)]
pub struct DemoConfig {
    #[serde(flatten)]
    pub auth: ClientConfig,
    /// Where the protected demo API lives (`tests/support/api.mjs`); empty when there is none.
    #[serde(default)]
    pub api_base_url: String,
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
    let config: DemoConfig = serde_json::from_str(&text).map_err(|e| format!("{CONFIG_URL}: {e}"))?;
    config.auth.validate().map_err(|e| format!("{CONFIG_URL}: {e}"))?;
    Ok(config)
}
