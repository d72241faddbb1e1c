//! The conversions the wire codecs (`protocol/wire/`) leave to the platform they run on: JSON text, form
//! encoding and base64. A browser has its own (`JSON.parse` and `JSON.stringify`, `URLSearchParams`,
//! `btoa` and `atob`), which the npm package and Leptos apps use rather than carry parsers of their own;
//! the native tests and tools use crates that follow the same standards. These functions are the whole
//! interface between the two, so that the protocol core binds to no JavaScript and every difference
//! between the targets is in this folder:
//! - `web.rs` (wasm32): the browser's, with `base64.js` for base64's strict checks;
//! - `native.rs` (everything else): miniserde, the form_urlencoded crate and base64ct.
//!
//! Both are held to the same cases: `tests/wire/cases.rs` runs natively (`tests/wire.rs`) and in headless
//! Chromium (`tests/browser.rs`). The cases also pin where the two write the same JSON as other text: some
//! numbers (`1.0` natively is `1` in JavaScript) and the order of keys that are array indices.

use crate::protocol::wire::json_value::{Object, Value};

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
use native as host;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
use web as host;

/// The tree of JSON `text`; `None` when it is not JSON. (The caller has measured the nesting first: see
/// `json_text`.)
pub(crate) fn json_parse(text: &str) -> Option<Value> {
    host::json_parse(text)
}

/// The JSON text of `value`, with no whitespace.
pub(crate) fn json_write(value: &Value) -> String {
    host::json_write(value)
}

/// The JSON text of an object, its fields in their order; but in a browser keys that are array indices
/// (`"9"`, `"10"`) come first, in numeric order, as JavaScript keeps them.
pub(crate) fn json_write_object(object: &Object) -> String {
    host::json_write_object(object)
}

/// Name–value pairs as `application/x-www-form-urlencoded` text (`a=1&b=x+y`), in the order given.
pub(crate) fn form_encode(pairs: &[(&str, &str)]) -> String {
    host::form_encode(pairs)
}

/// The name–value pairs of `application/x-www-form-urlencoded` text, decoded, in order (repeated names
/// kept; an escape that is not one stays as it is, bytes that are not UTF-8 become U+FFFD).
pub(crate) fn form_parse(text: &str) -> Vec<(String, String)> {
    host::form_parse(text)
}

/// `bytes` as unpadded base64url (RFC 4648 §5).
pub(crate) fn base64_encode_url(bytes: &[u8]) -> String {
    host::base64_encode_url(bytes)
}

/// The bytes of unpadded base64url `text`; `None` unless it is the canonical text of some bytes.
pub(crate) fn base64_decode_url(text: &str) -> Option<Vec<u8>> {
    host::base64_decode_url(text)
}

/// The bytes of standard, padded base64 `text` (RFC 4648 §4); `None` unless it is the canonical text of
/// some bytes.
pub(crate) fn base64_decode_standard(text: &str) -> Option<Vec<u8>> {
    host::base64_decode_standard(text)
}
