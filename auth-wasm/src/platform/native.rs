//! The platform elsewhere (the native tests and tools): miniserde for JSON text, the form_urlencoded crate,
//! and base64ct, each following the standard the browser's own implementation follows.

use std::borrow::Cow;

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
use miniserde::de::{Deserialize, Map, Seq, Visitor};
use miniserde::json;
use miniserde::ser::{self, Fragment, Serialize};

use crate::protocol::wire::json_value::{JsonObject, Number, Object, Value};

// JSON text: miniserde's parser and writer, walking the tree through its visitor traits.

pub(super) fn json_parse(text: &str) -> Option<Value> {
    json::from_str::<Parsed>(text).ok().map(|parsed| parsed.0)
}

pub(super) fn json_write(value: &Value) -> String {
    json::to_string(&Written(value))
}

pub(super) fn json_write_object(object: &Object) -> String {
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

// Form encoding: the form_urlencoded crate (the WHATWG URL standard's application/x-www-form-urlencoded).

pub(super) fn form_encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

pub(super) fn form_parse(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

// Base64: base64ct, which decodes strictly (only the alphabet, padding only at the end, the canonical form).

pub(super) fn base64_encode_url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

pub(super) fn base64_decode_url(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

pub(super) fn base64_decode_standard(text: &str) -> Option<Vec<u8>> {
    Base64::decode_vec(text).ok()
}
