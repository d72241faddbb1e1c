//! The browser layer: storage, navigation, fetch and the clock, and the client that runs the protocol
//! core through them. Everything here is thin; the rules live in [`crate::protocol`].

mod client;
mod error;
mod http;
mod navigation;
mod storage;

pub use client::{AuthClient, CallbackOutcome, SignOutOutcome};
pub use error::AuthError;
pub use storage::{open_store, CacheLocation, KeyValueStore, MemoryStore, WebStorageStore};

/// Seconds since the Unix epoch, from the browser's clock.
pub(crate) fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}
