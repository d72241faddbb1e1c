//! The wire: how the protocol's values are written as text and read back. JSON documents, form
//! encoding, base64, the parts of URLs, and the byte searches they are built on.
//!
//! No OAuth rule is here. A codec says how a value is spelled; the files beside `wire/` say which values
//! are acceptable and what they mean (the token response's fields, a callback's parameters, which
//! issuer is expected). The error texts (`message.rs`) are not a codec either: they are what the
//! protocol's errors say, and stay beside them.
//!
//! Each file depends only on those listed before it:
//! - `text`: searches for ASCII bytes, and whole numbers read from and written as text.
//! - `base64`: base64url and standard base64, strictly.
//! - `form`: `application/x-www-form-urlencoded`, for queries and form bodies.
//! - `url`: a URL's query, origin and scheme; adding parameters; app-relative URLs; secure URLs; sites.
//! - `json_value`: the JSON tree, and reading an object's fields.
//! - `json_text`: JSON text ⇄ the tree, with the nesting limit.
//! - `json`: the two together, and [`JsonRecord`](json::JsonRecord) for the types kept as JSON.
//!
//! Beneath them, `crate::platform` does the conversions a browser has built in (JSON text, form encoding,
//! base64); of the wire it knows only the JSON tree of `json_value`, which it builds and walks.

pub mod base64;
pub mod form;
pub mod json;
mod json_text;
pub(crate) mod json_value;
pub(crate) mod text;
pub(crate) mod url;
