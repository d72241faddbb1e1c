//! JSON documents: one tree of values (parsed and written by `json_text`) and readers that name the
//! field a document got wrong.
//!
//! Why not serde_json: its code is generated for every type it reads, and that was most of the npm
//! package's wasm. Here every document is parsed once into a tree, and each type reads its fields by hand.
//!
//! Every document is first measured: one nested deeper than [`MAX_JSON_DEPTH`] is refused before a tree
//! is built, because cloning and dropping a tree recurses, and a deep one (a `claims` header, a history
//! entry, a provider answer) would overflow the wasm stack and leave the module unusable.

use std::fmt;

use super::{decimal, json_text};

/// A JSON value. An object is a `Vec` sorted by key instead of a `BTreeMap`: objects of a few fields,
/// and the `BTreeMap` code was 9,479 B of the npm package's wasm.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Value>),
    /// An object (read in place through [`JsonObject::opt_object`]: no copy of it).
    Object(JsonObject),
}

/// A JSON number, as it was read: an integer where it is one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// Any other number.
    F64(f64),
}

/// The fields of a JSON object, sorted by key (each key once).
#[derive(Clone, Debug, Default)]
pub struct Object(Vec<(String, Value)>);

impl Object {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// A field's value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|at| &self.0[at].1)
    }

    /// Sets a field (a later value of a key replaces the earlier one, as JSON.parse does).
    pub fn insert(&mut self, key: String, value: Value) {
        match self.find(&key) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    /// Removes a field.
    pub fn remove(&mut self, key: &str) {
        if let Ok(at) = self.find(key) {
            self.0.remove(at);
        }
    }

    /// The fields in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    /// The fields in key order, to write them.
    pub(crate) fn fields(&self) -> &[(String, Value)] {
        &self.0
    }
}

/// The deepest nesting of arrays and objects accepted in any JSON document the library reads.
pub const MAX_JSON_DEPTH: usize = 64;

/// The same for a document whose content the library keeps inside another (an ID token's claims in an
/// account record, a claims challenge in a history-state request): room is left for the record, so that
/// what was accepted once can be read back.
pub const MAX_EMBEDDED_JSON_DEPTH: usize = MAX_JSON_DEPTH - 8;

/// What is wrong with a JSON document. The message names the field, for errors a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON, not an object, or a field of the wrong type.
    Invalid(String),
    /// Arrays and objects nested deeper than the limit it holds ([`MAX_JSON_DEPTH`], or
    /// [`MAX_EMBEDDED_JSON_DEPTH`]).
    TooDeep(usize),
}

/// Reads the fields of a record, keeping the first error rather than returning at it: a reader written
/// with it has one exit instead of one per field (each dropping the fields read before it), which is
/// smaller code in the wasm. `take` gives a default in place of a field that failed; `done` returns the
/// record, or the first error.
#[derive(Debug, Default)]
pub struct FieldErrors(Option<JsonError>);

impl FieldErrors {
    /// The value read, or a default (the error is kept, and `done` returns it).
    pub fn take<T: Default>(&mut self, read: Result<T, JsonError>) -> T {
        read.unwrap_or_else(|error| {
            self.0.get_or_insert(error);
            T::default()
        })
    }

    /// `value`, unless a field failed: then the first error.
    pub fn done<T>(self, value: T) -> Result<T, JsonError> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

impl JsonError {
    pub(crate) fn field(key: &str, problem: &str) -> Self {
        Self::Invalid(["`", key, "` ", problem].concat())
    }

    /// What went wrong, as text. (Built with `concat`, not `format!`: smaller wasm; `Display` says the same.)
    pub fn text(&self) -> String {
        match self {
            Self::Invalid(message) => message.clone(),
            Self::TooDeep(limit) => {
                ["nested more than ", &decimal(*limit as u64), " levels deep, more than this library reads"].concat()
            }
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<JsonError> for String {
    fn from(error: JsonError) -> Self {
        match error {
            JsonError::Invalid(message) => message,
            other => other.text(),
        }
    }
}

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

/// A JSON object, read field by field. A `null` field reads as an absent one.
#[derive(Clone, Default)]
pub struct JsonObject(Object);

impl JsonObject {
    /// An object with no field.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `text`, which must be one JSON object nested at most [`MAX_JSON_DEPTH`] levels deep.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        Self::parse_within(text, MAX_JSON_DEPTH)
    }

    fn parse_within(text: &str, limit: usize) -> Result<Self, JsonError> {
        check_depth(text, limit)?;
        match json_text::parse(text) {
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

    /// The object `value` holds; `None` when it is not an object.
    pub fn from_value(value: Value) -> Option<Self> {
        match value {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    /// A field's value; `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|value| !matches!(value, Value::Null))
    }

    /// Whether `key` is present and not `null`.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The fields in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(key, value)| (key.as_str(), value))
    }

    /// A string field, borrowed; an error when it holds something else.
    pub fn opt_str(&self, key: &str) -> Result<Option<&str>, JsonError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(JsonError::field(key, "must be a string")),
        }
    }

    /// A string field; an error when it holds something else.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, JsonError> {
        Ok(self.opt_str(key)?.map(str::to_owned))
    }

    /// A string field that must be present, borrowed.
    pub fn str(&self, key: &str) -> Result<&str, JsonError> {
        self.opt_str(key)?.ok_or_else(|| JsonError::field(key, "is missing"))
    }

    /// A string field that must be present.
    pub fn string(&self, key: &str) -> Result<String, JsonError> {
        self.str(key).map(str::to_owned)
    }

    /// A whole number; a fractional one is rounded down (JWT NumericDates may be fractional).
    pub fn opt_integer(&self, key: &str) -> Result<Option<i64>, JsonError> {
        let invalid = || JsonError::field(key, "must be a number");
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(number)) => number_to_i64(number).map(Some).ok_or_else(invalid),
            Some(_) => Err(invalid()),
        }
    }

    /// A whole number that must not be negative (a lifetime, an age).
    pub fn opt_unsigned(&self, key: &str) -> Result<Option<u64>, JsonError> {
        match self.opt_integer(key)? {
            Some(n) => u64::try_from(n).map(Some).map_err(|_| JsonError::field(key, "must not be negative")),
            None => Ok(None),
        }
    }

    /// A string naming one of a fixed set of values, read by `parse`; `expected` lists them for the error.
    pub fn opt_choice<T>(
        &self,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, JsonError> {
        match self.opt_str(key)? {
            Some(text) => parse(text).map(Some).ok_or_else(|| JsonError::field(key, expected)),
            None => Ok(None),
        }
    }

    /// A whole number that must be present (see [`opt_integer`](Self::opt_integer)).
    pub fn integer(&self, key: &str) -> Result<i64, JsonError> {
        self.opt_integer(key)?.ok_or_else(|| JsonError::field(key, "is missing"))
    }

    /// A `true` or `false` field; an error when it holds something else.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, JsonError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(JsonError::field(key, "must be true or false")),
        }
    }

    /// A list of strings.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, JsonError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => strings_of(items).map(Some).ok_or(()),
            Some(_) => Err(()),
        }
        .map_err(|()| JsonError::field(key, "must be a list of strings"))
    }

    /// A string or a list of strings (`aud`, `scope` and friends).
    pub fn opt_string_or_strings(&self, key: &str) -> Result<Option<Vec<String>>, JsonError> {
        match self.get(key) {
            Some(Value::String(text)) => Ok(Some(vec![text.clone()])),
            _ => self.opt_strings(key).map_err(|_| JsonError::field(key, "must be a string or a list of strings")),
        }
    }

    /// An object field, borrowed; an error when it holds something else.
    pub fn opt_object(&self, key: &str) -> Result<Option<&JsonObject>, JsonError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(object)) => Ok(Some(object)),
            Some(_) => Err(JsonError::field(key, "must be an object")),
        }
    }

    /// An object field that must be present, borrowed.
    pub fn object(&self, key: &str) -> Result<&JsonObject, JsonError> {
        self.opt_object(key)?.ok_or_else(|| JsonError::field(key, "is missing"))
    }

    /// Sets `key`; `None` removes it.
    pub fn set(&mut self, key: &str, value: impl Into<Option<Value>>) {
        match value.into() {
            Some(value) => self.0.insert(key.to_owned(), value),
            None => self.0.remove(key),
        };
    }

    /// The same, chained.
    pub fn with(mut self, key: &str, value: impl Into<Option<Value>>) -> Self {
        self.set(key, value);
        self
    }

    /// The object as a JSON value, to put inside another.
    pub fn into_value(self) -> Value {
        Value::Object(self)
    }

    /// The object of `fields` (the JSON readers make it).
    pub(crate) fn from_fields(fields: Object) -> Self {
        Self(fields)
    }

    /// The fields (the JSON writers walk them).
    pub(crate) fn fields(&self) -> &Object {
        &self.0
    }

    /// The JSON text, with keys in order (so equal objects have equal text).
    pub fn to_json_string(&self) -> String {
        json_text::write_object(&self.0)
    }
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

fn utf8(bytes: &[u8]) -> Result<&str, JsonError> {
    std::str::from_utf8(bytes).map_err(|_| JsonError::Invalid("not UTF-8 text".into()))
}

fn number_to_i64(number: &Number) -> Option<i64> {
    match *number {
        Number::U64(n) => i64::try_from(n).ok(),
        Number::I64(n) => Some(n),
        Number::F64(f) if f.is_finite() && f.abs() < 9.0e18 => Some(f.floor() as i64),
        Number::F64(_) => None,
    }
}

fn strings_of(items: &[Value]) -> Option<Vec<String>> {
    let mut strings = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(text) = item else { return None };
        strings.push(text.clone());
    }
    Some(strings)
}

/// The text of a JSON value: a string as it is, anything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => json_text::write(other),
    }
}

/// A JSON string.
pub fn string(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

/// A JSON string, or no value (which [`JsonObject::set`] reads as "remove the field").
pub fn opt_string(text: Option<impl Into<String>>) -> Option<Value> {
    text.map(string)
}

/// A JSON number.
pub fn integer(n: i64) -> Value {
    Value::Number(Number::I64(n))
}

/// `true` or `false`.
pub fn boolean(flag: bool) -> Value {
    Value::Bool(flag)
}

/// A JSON list of strings.
pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    let mut values = Vec::new();
    for item in items {
        values.push(string(item.as_ref()));
    }
    Value::Array(values)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_names_the_wrong_one() {
        let object =
            JsonObject::parse(r#"{"s":"x","n":3,"f":1.9,"b":true,"l":["a","b"],"o":{"k":1},"z":null}"#).unwrap();
        assert_eq!(object.string("s"), Ok("x".into()));
        assert_eq!(object.integer("n"), Ok(3));
        assert_eq!(object.integer("f"), Ok(1));
        assert_eq!(object.opt_bool("b"), Ok(Some(true)));
        assert_eq!(object.opt_strings("l"), Ok(Some(vec!["a".into(), "b".into()])));
        assert_eq!(object.opt_string_or_strings("s"), Ok(Some(vec!["x".into()])));
        assert_eq!(object.object("o").unwrap().integer("k"), Ok(1));
        assert_eq!(object.opt_string("z"), Ok(None), "null reads as absent");
        assert_eq!(object.string("missing"), Err(JsonError::Invalid("`missing` is missing".into())));
        assert_eq!(object.string("n"), Err(JsonError::Invalid("`n` must be a string".into())));
        assert_eq!(object.integer("s"), Err(JsonError::Invalid("`s` must be a number".into())));
        assert!(object.opt_strings("o").is_err());
    }

    #[test]
    fn rejects_what_is_not_an_object() {
        assert!(JsonObject::parse("[1]").is_err());
        assert!(JsonObject::parse("<html>").is_err());
        assert!(JsonObject::parse_bytes(&[0xff, 0xfe]).is_err());
    }

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

    #[test]
    fn writes_ordered_text_and_compares_content() {
        let a = JsonObject::new().with("b", integer(2)).with("a", string("x")).with("c", opt_string(None::<String>));
        assert_eq!(a.to_json_string(), r#"{"a":"x","b":2}"#);
        assert_eq!(a, JsonObject::parse(r#"{ "b": 2, "a": "x" }"#).unwrap());
        assert_eq!(value_text(&string("x")), "x");
        assert_eq!(value_text(&strings(["a"])), r#"["a"]"#);
    }
}
