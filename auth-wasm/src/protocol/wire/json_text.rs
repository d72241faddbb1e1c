//! JSON text ⇄ the JSON tree (`json_value`): the one place that parses and writes JSON text.
//!
//! Every document is first measured: one nested deeper than [`MAX_JSON_DEPTH`] is refused before a tree
//! is built, because cloning and dropping a tree recurses, and a deep one (a `claims` header, a history
//! entry, a provider answer) would overflow the wasm stack and leave the module unusable.
//!
//! In a browser (wasm32) the parser and writer are the page's own `JSON.parse` and `JSON.stringify`:
//! they add nothing to the .wasm, where a parser and writer compiled into it (miniserde's code, its table
//! of powers of ten, a float printer) cost the npm package 8,377 B min+gzip (measured 2026-11-23). Numbers
//! then have JavaScript's precision: integers beyond 2^53 are rounded, as in the app's own JavaScript.
//! Elsewhere (the native tests and tools) they are miniserde's.

use std::fmt;

use super::json_value::{JsonError, JsonObject, Number, Object, Value};

use platform::{parse, write, write_object};

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
        match parse(text) {
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

    /// The JSON text, with keys in order (so equal objects have equal text).
    pub fn to_json_string(&self) -> String {
        write_object(self.fields())
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
        other => write(other),
    }
}

#[cfg(target_arch = "wasm32")]
mod platform {
    use super::{JsonObject, Number, Object, Value};
    use js_sys::{Array, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    /// Integers up to this size are exact in a JavaScript number.
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

    /// The value of `text`; `None` when it is not JSON.
    pub(crate) fn parse(text: &str) -> Option<Value> {
        JSON::parse(text).ok().map(|value| from_js(&value))
    }

    /// The JSON text of `value`.
    pub(crate) fn write(value: &Value) -> String {
        stringify(&to_js(value))
    }

    /// The JSON text of an object.
    pub(crate) fn write_object(object: &Object) -> String {
        stringify(&object_to_js(object))
    }

    fn stringify(value: &JsValue) -> String {
        // `stringify` fails only on cycles and BigInts, which a tree from `to_js` cannot hold.
        JSON::stringify(value).ok().and_then(|text| text.as_string()).unwrap_or_default()
    }

    fn from_js(value: &JsValue) -> Value {
        if let Some(text) = value.as_string() {
            Value::String(text)
        } else if let Some(number) = value.as_f64() {
            Value::Number(number_of(number))
        } else if let Some(flag) = value.as_bool() {
            Value::Bool(flag)
        } else if Array::is_array(value) {
            let items: &Array = value.unchecked_ref();
            let mut values = Vec::new();
            for at in 0..items.length() {
                values.push(from_js(&items.get(at)));
            }
            Value::Array(values)
        } else if value.is_object() {
            let mut object = Object::default();
            // JSON.parse makes plain objects of own, enumerable string keys (`__proto__` included).
            let fields: &js_sys::Object = value.unchecked_ref();
            for key in js_sys::Object::keys(fields).iter() {
                let field = Reflect::get(value, &key).unwrap_or(JsValue::NULL);
                object.insert(key.as_string().unwrap_or_default(), from_js(&field));
            }
            Value::Object(JsonObject::from_fields(object))
        } else {
            Value::Null
        }
    }

    fn number_of(number: f64) -> Number {
        if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
            Number::F64(number)
        } else if number >= 0.0 {
            Number::U64(number as u64)
        } else {
            Number::I64(number as i64)
        }
    }

    fn to_js(value: &Value) -> JsValue {
        match value {
            Value::Null => JsValue::NULL,
            Value::Bool(flag) => JsValue::from_bool(*flag),
            Value::Number(Number::U64(n)) => JsValue::from_f64(*n as f64),
            Value::Number(Number::I64(n)) => JsValue::from_f64(*n as f64),
            Value::Number(Number::F64(n)) => JsValue::from_f64(*n),
            Value::String(text) => JsValue::from_str(text),
            Value::Array(items) => {
                let array = Array::new();
                for item in items {
                    array.push(&to_js(item));
                }
                array.into()
            }
            Value::Object(object) => object_to_js(object.fields()),
        }
    }

    fn object_to_js(object: &Object) -> JsValue {
        // No prototype, so that a `__proto__` key is a field like any other.
        let out: js_sys::Object = js_sys::Object::create(JsValue::NULL.unchecked_ref());
        for (key, field) in object.fields() {
            let _ = Reflect::set(&out, &JsValue::from_str(key), &to_js(field));
        }
        out.into()
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod platform {
    use super::{JsonObject, Number, Object, Value};
    use miniserde::de::{Deserialize, Map, Seq, Visitor};
    use miniserde::json;
    use miniserde::ser::{self, Fragment, Serialize};
    use std::borrow::Cow;

    /// The value of `text`; `None` when it is not JSON.
    pub(crate) fn parse(text: &str) -> Option<Value> {
        json::from_str::<Parsed>(text).ok().map(|parsed| parsed.0)
    }

    /// The JSON text of `value`.
    pub(crate) fn write(value: &Value) -> String {
        json::to_string(&Written(value))
    }

    /// The JSON text of an object.
    pub(crate) fn write_object(object: &Object) -> String {
        json::to_string(&WrittenObject(object))
    }

    /// An object as miniserde's writer walks it.
    struct WrittenObject<'a>(&'a Object);

    impl Serialize for WrittenObject<'_> {
        fn begin(&self) -> Fragment<'_> {
            object_fragment(self.0)
        }
    }

    /// An object's fields, as miniserde's writer takes them.
    fn object_fragment(object: &Object) -> Fragment<'_> {
        Fragment::Map(Box::new(Fields(object.fields().iter(), None)))
    }

    /// A value as miniserde's writer walks it.
    struct Written<'a>(&'a Value);

    impl Serialize for Written<'_> {
        fn begin(&self) -> Fragment<'_> {
            match self.0 {
                Value::Null => Fragment::Null,
                Value::Bool(flag) => Fragment::Bool(*flag),
                Value::Number(Number::U64(n)) => Fragment::U64(*n),
                Value::Number(Number::I64(n)) => Fragment::I64(*n),
                Value::Number(Number::F64(n)) => Fragment::F64(*n),
                Value::String(text) => Fragment::Str(Cow::Borrowed(text)),
                Value::Array(items) => Fragment::Seq(Box::new(Items(items.iter(), None))),
                Value::Object(object) => object_fragment(object.fields()),
            }
        }
    }

    /// The values of a JSON list, for miniserde's writer.
    struct Items<'a>(std::slice::Iter<'a, Value>, Option<Written<'a>>);

    impl ser::Seq for Items<'_> {
        fn next(&mut self) -> Option<&dyn Serialize> {
            let value = self.0.next()?;
            Some(self.1.insert(Written(value)) as &dyn Serialize)
        }
    }

    /// The fields of a JSON object, for miniserde's writer.
    struct Fields<'a>(std::slice::Iter<'a, (String, Value)>, Option<Written<'a>>);

    impl ser::Map for Fields<'_> {
        fn next(&mut self) -> Option<(Cow<'_, str>, &dyn Serialize)> {
            let (key, value) = self.0.next()?;
            Some((Cow::Borrowed(key.as_str()), self.1.insert(Written(value)) as &dyn Serialize))
        }
    }

    /// A value as miniserde's parser reads it.
    struct Parsed(Value);

    impl Deserialize for Parsed {
        fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
            miniserde::make_place!(Place);

            impl Place<Parsed> {
                fn set(&mut self, value: Value) -> miniserde::Result<()> {
                    self.out = Some(Parsed(value));
                    Ok(())
                }
            }

            impl Visitor for Place<Parsed> {
                fn null(&mut self) -> miniserde::Result<()> {
                    self.set(Value::Null)
                }

                fn boolean(&mut self, flag: bool) -> miniserde::Result<()> {
                    self.set(Value::Bool(flag))
                }

                fn string(&mut self, text: &str) -> miniserde::Result<()> {
                    self.set(Value::String(text.to_owned()))
                }

                fn negative(&mut self, n: i64) -> miniserde::Result<()> {
                    self.set(Value::Number(Number::I64(n)))
                }

                fn nonnegative(&mut self, n: u64) -> miniserde::Result<()> {
                    self.set(Value::Number(Number::U64(n)))
                }

                fn float(&mut self, n: f64) -> miniserde::Result<()> {
                    self.set(Value::Number(Number::F64(n)))
                }

                fn seq(&mut self) -> miniserde::Result<Box<dyn Seq + '_>> {
                    Ok(Builder::new(&mut self.out))
                }

                fn map(&mut self) -> miniserde::Result<Box<dyn Map + '_>> {
                    Ok(Builder::new(&mut self.out))
                }
            }

            /// Builds a list or an object as miniserde's parser reads it.
            struct Builder<'a> {
                out: &'a mut Option<Parsed>,
                items: Vec<Value>,
                fields: Object,
                key: Option<String>,
                next: Option<Parsed>,
            }

            impl<'a> Builder<'a> {
                /// An empty list or object, which `finish` puts in `out`.
                fn new(out: &'a mut Option<Parsed>) -> Box<Self> {
                    Box::new(Builder { out, items: Vec::new(), fields: Object::default(), key: None, next: None })
                }

                /// Keeps the value just read.
                fn shift(&mut self) {
                    if let Some(Parsed(value)) = self.next.take() {
                        match self.key.take() {
                            Some(key) => self.fields.insert(key, value),
                            None => self.items.push(value),
                        }
                    }
                }
            }

            impl Seq for Builder<'_> {
                fn element(&mut self) -> miniserde::Result<&mut dyn Visitor> {
                    self.shift();
                    Ok(Deserialize::begin(&mut self.next))
                }

                fn finish(&mut self) -> miniserde::Result<()> {
                    self.shift();
                    *self.out = Some(Parsed(Value::Array(std::mem::take(&mut self.items))));
                    Ok(())
                }
            }

            impl Map for Builder<'_> {
                fn key(&mut self, key: &str) -> miniserde::Result<&mut dyn Visitor> {
                    self.shift();
                    self.key = Some(key.to_owned());
                    Ok(Deserialize::begin(&mut self.next))
                }

                fn finish(&mut self) -> miniserde::Result<()> {
                    self.shift();
                    *self.out = Some(Parsed(Value::Object(JsonObject::from_fields(std::mem::take(&mut self.fields)))));
                    Ok(())
                }
            }

            Place::new(out)
        }
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

    #[test]
    fn rejects_what_is_not_an_object() {
        assert!(JsonObject::parse("[1]").is_err());
        assert!(JsonObject::parse("<html>").is_err());
        assert!(JsonObject::parse_bytes(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn writes_ordered_text_and_compares_content() {
        use crate::protocol::json::{integer, opt_string, string, strings};
        let a = JsonObject::new().with("b", integer(2)).with("a", string("x")).with("c", opt_string(None::<String>));
        assert_eq!(a.to_json_string(), r#"{"a":"x","b":2}"#);
        assert_eq!(a, JsonObject::parse(r#"{ "b": 2, "a": "x" }"#).unwrap());
        assert_eq!(value_text(&string("x")), "x");
        assert_eq!(value_text(&strings(["a"])), r#"["a"]"#);
    }
}
