//! The platform in a browser (wasm32): the page's own JSON, URLSearchParams, and btoa and atob. They are
//! in every browser already, so the npm package does not carry a parser, an encoder or tables of its own
//! for them (`tests/size-history.md` has what each cost compiled in).

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::UrlSearchParams;

use crate::protocol::wire::json_value::{JsonObject, Number, Object, Value};

// JSON text: `JSON.parse` and `JSON.stringify`, with the tree converted from and to JavaScript values.
// Numbers have JavaScript's precision: integers beyond 2^53 are rounded, as in the app's own JavaScript.

/// Integers up to this size are exact in a JavaScript number.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

pub(super) fn json_parse(text: &str) -> Option<Value> {
    JSON::parse(text).ok().map(|value| from_js(&value))
}

pub(super) fn json_write(value: &Value) -> String {
    stringify(&to_js(value))
}

pub(super) fn json_write_object(object: &Object) -> String {
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

// Form encoding: `URLSearchParams`, which implements the WHATWG URL standard's
// application/x-www-form-urlencoded, as the form_urlencoded crate does natively.

pub(super) fn form_encode(pairs: &[(&str, &str)]) -> String {
    // `new URLSearchParams()` throws only where the API is missing, which no supported browser is.
    let Ok(params) = UrlSearchParams::new() else { return String::new() };
    for (name, value) in pairs {
        params.append(name, value);
    }
    params.to_string().into()
}

pub(super) fn form_parse(query: &str) -> Vec<(String, String)> {
    let Ok(params) = UrlSearchParams::new_with_str(query) else { return Vec::new() };
    // A URLSearchParams iterates as [name, value] pairs.
    let entries = Array::from(&params);
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: Array = entry.unchecked_into();
        pairs.push((entry.get(0).as_string().unwrap_or_default(), entry.get(1).as_string().unwrap_or_default()));
    }
    pairs
}

// Base64: `btoa` and `atob`, with the text checked in `base64.js` as strictly as base64ct checks it
// natively (only the alphabet, padding only at the end, the canonical form). The checks are JavaScript:
// written in Rust around `btoa` and `atob` they were larger.

#[wasm_bindgen(module = "/src/platform/base64.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeUrl)]
    pub(super) fn base64_encode_url(bytes: &[u8]) -> String;
    #[wasm_bindgen(js_name = decodeUrl)]
    pub(super) fn base64_decode_url(text: &str) -> Option<Vec<u8>>;
    #[wasm_bindgen(js_name = decodeStandard)]
    pub(super) fn base64_decode_standard(text: &str) -> Option<Vec<u8>>;
}
