//! JSON text ⇄ the JSON tree (`json_value`): the one place that parses and writes JSON text, through the
//! platform's parser and writer (`crate::platform`: `JSON.parse` and `JSON.stringify` in a browser).
//!
//! Every document is first measured: one nested deeper than [`MAX_JSON_DEPTH`] is refused before a tree
//! is built, because cloning and dropping a tree recurses, and a deep one (a `claims` header, a history
//! entry, a provider answer) would overflow the wasm stack and leave the module unusable.

use std::fmt;

use super::json_value::{JsonError, JsonObject, Value};
use crate::platform::{json_parse, json_write, json_write_object};

/// The deepest nesting of arrays and objects accepted in any JSON document the library reads.
pub const MAX_JSON_DEPTH: usize = 64;

/// The same for a document whose content the library keeps inside another (an ID token's claims in an
/// account record, a claims challenge in a history-state request): room is left for the record, so that
/// what was accepted once can be read back.
pub const MAX_EMBEDDED_JSON_DEPTH: usize = MAX_JSON_DEPTH - 8;

/// Refuses `text` when its arrays and objects nest deeper than `limit`: one pass over the bytes, counting
/// `[` and `{` outside strings, so that no tree is built for it.
fn check_depth(text: &str, limit: usize) -> Result<(), JsonError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(JsonError::TooDeep(limit));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A JSON object from text and to text.
impl JsonObject {
    /// Parses `text`, which must be one JSON object nested at most [`MAX_JSON_DEPTH`] levels deep.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        Self::parse_within(text, MAX_JSON_DEPTH)
    }

    fn parse_within(text: &str, limit: usize) -> Result<Self, JsonError> {
        check_depth(text, limit)?;
        match json_parse(text) {
            Some(Value::Object(object)) => Ok(object),
            Some(_) => Err(JsonError::Invalid("a JSON object was expected".into())),
            None => Err(JsonError::Invalid("not valid JSON".into())),
        }
    }

    /// Parses UTF-8 bytes, such as a decoded JWT part.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, JsonError> {
        Self::parse(utf8(bytes)?)
    }

    /// Parses UTF-8 bytes whose content will be kept inside a stored record: at most
    /// [`MAX_EMBEDDED_JSON_DEPTH`] levels deep.
    pub fn parse_embedded_bytes(bytes: &[u8]) -> Result<Self, JsonError> {
        Self::parse_within(utf8(bytes)?, MAX_EMBEDDED_JSON_DEPTH)
    }

    /// The JSON text, with keys in order (so equal objects have equal text). In a browser, keys that are
    /// array indices (`"9"`, `"10"`) come first, in numeric order, as JavaScript keeps them.
    pub fn to_json_string(&self) -> String {
        json_write_object(self.fields())
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, JsonError> {
    std::str::from_utf8(bytes).map_err(|_| JsonError::Invalid("not UTF-8 text".into()))
}

impl fmt::Debug for JsonObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

/// Equal when their JSON texts are: keys are ordered, so this compares content.
impl PartialEq for JsonObject {
    fn eq(&self, other: &Self) -> bool {
        self.to_json_string() == other.to_json_string()
    }
}

impl Eq for JsonObject {}

/// The text of a JSON value: a string as it is, anything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => json_write(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}{}", "{\"a\":".repeat(depth), "1".to_owned() + &"}".repeat(depth))
    }

    #[test]
    fn refuses_documents_nested_deeper_than_the_limit() {
        assert!(JsonObject::parse(&nested(MAX_JSON_DEPTH)).is_ok(), "64 levels are read");
        assert_eq!(JsonObject::parse(&nested(MAX_JSON_DEPTH + 1)).unwrap_err(), JsonError::TooDeep(MAX_JSON_DEPTH));
        let arrays = format!("{{\"a\":{}{}}}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert_eq!(JsonObject::parse(&arrays), Err(JsonError::TooDeep(MAX_JSON_DEPTH)), "arrays count too");
        // A deep tree would overflow the stack when cloned or dropped; it is never built.
        let hostile = format!("{{\"claims\":{}}}", "[".repeat(200_000));
        assert_eq!(JsonObject::parse(&hostile), Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
        assert_eq!(JsonObject::parse_bytes(hostile.as_bytes()), Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
        assert!(JsonError::TooDeep(MAX_JSON_DEPTH).to_string().contains("64 levels"));
    }

    #[test]
    fn embedded_documents_leave_room_for_the_record_that_keeps_them() {
        let claims = nested(MAX_EMBEDDED_JSON_DEPTH);
        assert!(JsonObject::parse_embedded_bytes(claims.as_bytes()).is_ok());
        let record = format!(r#"{{"account":{{"claims":{claims}}}}}"#);
        assert!(JsonObject::parse(&record).is_ok(), "what was accepted can be stored and read back");
        assert_eq!(
            JsonObject::parse_embedded_bytes(nested(MAX_EMBEDDED_JSON_DEPTH + 1).as_bytes()),
            Err(JsonError::TooDeep(MAX_EMBEDDED_JSON_DEPTH))
        );
    }

    #[test]
    fn brackets_inside_strings_are_text() {
        let text = format!(r#"{{"a":"{}\"{}","b":[1]}}"#, "[{".repeat(100), "{".repeat(100));
        let object = JsonObject::parse(&text).expect("brackets in a string do not nest");
        assert!(object.opt_str("a").unwrap().unwrap().contains("[{\"{{"));
    }
}
