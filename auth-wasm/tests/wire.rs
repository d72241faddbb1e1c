//! The wire codecs' cases (`wire/cases.rs`), run natively: through miniserde, the form_urlencoded crate
//! and base64ct. `tests/browser.rs` runs the same cases in headless Chromium, through the browser's own.
#![cfg(not(target_arch = "wasm32"))]

#[path = "wire/cases.rs"]
mod cases;
