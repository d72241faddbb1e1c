//! JSON documents: every document is parsed once into a tree of values, and each type reads its fields
//! by hand, with an error that names the field a document got wrong.
//!
//! Why not serde_json: its code is generated for every type it reads, and that was most of the npm
//! package's wasm.
//!
//! The tree and its readers are in `json_value.rs`; JSON text, parsed and written with the nesting limit
//! ([`MAX_JSON_DEPTH`]), in `json_text.rs`; this module puts them together with [`JsonRecord`], the types
//! that are kept as JSON.

pub use super::json_text::{value_text, MAX_EMBEDDED_JSON_DEPTH, MAX_JSON_DEPTH};
pub use super::json_value::{
    boolean, integer, opt_string, string, strings, FieldErrors, JsonError, JsonObject, Number, Object, Value,
};

/// A type kept as a JSON object (in storage, in history state).
pub trait JsonRecord: Sized {
    /// The value as a JSON object.
    fn to_json(&self) -> JsonObject;
    /// Reads the value back; the error names the field that is wrong.
    fn from_json(object: &JsonObject) -> Result<Self, JsonError>;

    /// The value as JSON text.
    fn to_json_string(&self) -> String {
        self.to_json().to_json_string()
    }

    /// Reads the value from JSON text.
    fn from_json_str(text: &str) -> Result<Self, JsonError> {
        Self::from_json(&JsonObject::parse(text)?)
    }
}
