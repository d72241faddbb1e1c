//! The browser layer: storage, navigation, history, fetch, WebCrypto, iframes and the clock, and the
//! client that runs the protocol core through them. Everything here is thin; the rules live in
//! [`crate::protocol`].

mod client;
#[cfg(feature = "dpop")]
mod dpop;
mod driver;
mod error;
mod events;
mod fetch;
mod history;
mod http;
mod locks;
pub(crate) mod navigation;
mod popup;
mod provider_cache;
mod session_store;
mod signature;
mod silent;
mod storage;
mod tab_sync;
mod tabs;
mod timing;
mod token_result;
mod transactions;

pub use crate::protocol::{CallbackOutcome, RequestOutcome};
pub use client::AuthClient;
#[cfg(feature = "dpop")]
pub use dpop::{DpopKey, DpopKeyStore};
pub use error::AuthError;
pub use events::{AuthEvent, Subscription};
pub use fetch::AuthorizedFetch;
pub use history::{
    current_request, navigate_to_login, navigate_to_logout, replace_with_request, request_from_state, request_to_state,
};
pub use navigation::{current_path, notify_location_changed};
pub use provider_cache::PROVIDER_CACHE_LIFETIME_SECS;
pub use signature::{check_signature, verify_signature};
pub use storage::{open_store, CacheLocation, KeyValueStore, MemoryStore, WebStorageStore};
pub use token_result::{InteractionRequired, TokenResult};

/// Three sets of 32 bytes from the browser's secure random source (WebCrypto `getRandomValues`): the
/// protocol core takes random bytes as values, as it takes the time. (Called through `io.js` rather
/// than getrandom: the one call the library needs, without getrandom's backends and error texts.)
pub(crate) fn random_bytes() -> Result<[[u8; 32]; 3], AuthError> {
    let mut bytes = [[0u8; 32]; 3];
    // Filled in place: no Vec comes back through the glue.
    fill_random(bytes.as_flattened_mut()).map_err(|e| crate::protocol::ProtocolError::Random(error::js_message(&e)))?;
    Ok(bytes)
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    #[wasm_bindgen(js_name = fillRandom, catch)]
    fn fill_random(bytes: &mut [u8]) -> Result<(), wasm_bindgen::JsValue>;
}

/// Milliseconds since the Unix epoch, from the browser's clock.
pub(crate) fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Seconds since the Unix epoch, from the browser's clock.
pub(crate) fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}
