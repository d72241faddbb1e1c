//! JSON text ⇄ [`Value`]: the one place that parses and writes JSON text. Callers measure the nesting
//! first (see `json::check_depth`), so every tree here is at most `MAX_JSON_DEPTH` deep.
//!
//! In a browser (wasm32) the parser and writer are the page's own `JSON.parse` and `JSON.stringify`:
//! they add nothing to the .wasm, where a parser and writer compiled into it (miniserde's code, its table
//! of powers of ten, a float printer) cost the npm package 8,377 B min+gzip (measured 2026-11-23). Numbers
//! then have JavaScript's precision: integers beyond 2^53 are rounded, as in the app's own JavaScript.
//! Elsewhere (the native tests and tools) they are miniserde's.

use super::json::{JsonObject, Number, Object, Value};

pub(crate) use platform::{parse, write, write_object};

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
