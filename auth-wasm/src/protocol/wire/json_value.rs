//! The JSON tree: values as the parser gives them (`json_text`), and reading an object's fields with an
//! error that names the field a document got wrong. No text here: parsing and writing are `json_text`'s.

use std::fmt;

use super::text::decimal;

/// A JSON value. An object is a `Vec` sorted by key instead of a `BTreeMap`: the objects have a few fields
/// each, and a `BTreeMap`'s code would be a large part of the npm package's wasm.
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

/// What is wrong with a JSON document. The message names the field, for errors a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON, not an object, or a field of the wrong type.
    Invalid(String),
    /// Arrays and objects nested deeper than the limit it holds
    /// ([`MAX_JSON_DEPTH`](super::json_text::MAX_JSON_DEPTH), or
    /// [`MAX_EMBEDDED_JSON_DEPTH`](super::json_text::MAX_EMBEDDED_JSON_DEPTH)).
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

/// A JSON object, read field by field. A `null` field reads as an absent one. (Parsed from text and written
/// as text by `json_text`: [`JsonObject::parse`], [`JsonObject::to_json_string`].)
#[derive(Clone, Default)]
pub struct JsonObject(Object);

impl JsonObject {
    /// An object with no field.
    pub fn new() -> Self {
        Self::default()
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

    /// The object of `fields` (the platform's JSON parsers make it).
    pub(crate) fn from_fields(fields: Object) -> Self {
        Self(fields)
    }

    /// The fields (the platform's JSON writers walk them).
    pub(crate) fn fields(&self) -> &Object {
        &self.0
    }
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
}
