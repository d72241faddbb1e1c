//! The cases the platform's conversions are held to (`src/platform/`), written once and run through both
//! implementations: natively by `tests/wire.rs` (miniserde, the form_urlencoded crate, base64ct), and in
//! headless Chromium by `tests/browser.rs` (`JSON.parse` and `JSON.stringify`, `URLSearchParams`, `btoa`
//! and `atob` with `base64.js`), which is what the npm package and Leptos apps run. So the code that ships
//! is tested with the inputs and expectations of the native tests, and the native tests stand for it.
//!
//! The cases go through the codecs' public functions, as the rules do. Each test carries both harnesses'
//! attributes: `#[test]` natively, `#[wasm_bindgen_test]` in the browser.

/// Form encoding: `URLSearchParams` in the browser, the form_urlencoded crate natively.
mod form {
    use auth_wasm::protocol::form::{encode, parse};
    use auth_wasm::protocol::{parse_authorization_response, AuthorizationResponse, ProtocolError};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Name–value pairs and their text: encoded to it, and decoded from it.
    const BOTH_WAYS: &[(&[(&str, &str)], &str)] = &[
        (&[("a", "1 2"), ("b", "&=+/?é"), ("a", "")], "a=1+2&b=%26%3D%2B%2F%3F%C3%A9&a="),
        (&[("a", "1 2"), ("b", "&=+/?é~*'()"), ("a", "")], "a=1+2&b=%26%3D%2B%2F%3F%C3%A9%7E*%27%28%29&a="),
        (&[], ""),
    ];

    /// Text no encoder writes, and the pairs read from it: an escape that is not one stays as it is, bytes
    /// that are not UTF-8 become U+FFFD, an empty pair is skipped, a name without `=` has an empty value.
    const READ: &[(&str, &[(&str, &str)])] = &[("x=%zz&y=%C3&&z", &[("x", "%zz"), ("y", "\u{fffd}"), ("z", "")])];

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn encodes_and_decodes_as_urlsearchparams_does() {
        for (pairs, text) in BOTH_WAYS {
            assert_eq!(encode(pairs), *text);
            assert_eq!(parse(text), owned(pairs), "{text}");
        }
        for (text, pairs) in READ {
            assert_eq!(parse(text), owned(pairs), "{text}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn a_callback_is_read_from_its_query_and_a_repeated_parameter_refused() {
        let response = parse_authorization_response("https://app/cb?code=a%2Bb&state=s+1&iss=x#frag").unwrap();
        assert!(matches!(&response, AuthorizationResponse::Code { .. }));
        assert_eq!(response.state().map(|s| s.as_str().to_owned()), Some("s 1".to_owned()));
        assert_eq!(
            parse_authorization_response("https://app/cb?code=a&state=s&code=b"),
            Err(ProtocolError::DuplicateParameter("code"))
        );
    }
}

/// Base64: `btoa` and `atob` with `base64.js`'s checks in the browser, base64ct natively.
mod base64 {
    use auth_wasm::protocol::base64::{decode_standard, decode_url, encode_url};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Bytes and their unpadded base64url.
    const URL: &[(&[u8], &str)] = &[(b"\xfb\xff", "-_8"), (b"", "")];

    /// Text that is not the canonical base64url of anything: another alphabet, padding not at the end, a
    /// length no bytes have, unused bits set, whitespace, not ASCII.
    const NOT_URL: &[&str] = &["+/8", "-_8=x", "%%%", "a", "-_9", " -_8", "-_8\n", "é"];

    /// The same for standard base64, which must be padded.
    const NOT_STANDARD: &[&str] = &["-_8=", "+/8", "+/9=", "+/8==", " +/8=", "+/8=\n"];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn base64url_with_or_without_padding() {
        for (bytes, text) in URL {
            assert_eq!(encode_url(bytes), *text);
            assert_eq!(decode_url(text).as_deref(), Some(*bytes), "{text}");
            assert_eq!(decode_url(&[text, "="].concat()).as_deref(), Some(*bytes), "{text}=");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn encodes_and_decodes_every_byte() {
        let every_byte: Vec<u8> = (0..=255).collect();
        for length in [0, 1, 2, 3, 4, 31, 32, 256] {
            let bytes = &every_byte[..length];
            let text = encode_url(bytes);
            assert!(!text.contains(['=', '+', '/']), "{text}");
            assert_eq!(decode_url(&text).as_deref(), Some(bytes), "{text}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn standard_base64_is_padded() {
        assert_eq!(decode_standard("+/8="), Some(b"\xfb\xff".to_vec()));
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn refuses_what_is_not_canonical() {
        for text in NOT_URL {
            assert_eq!(decode_url(text), None, "{text:?}");
        }
        for text in NOT_STANDARD {
            assert_eq!(decode_standard(text), None, "{text:?}");
        }
    }
}

/// JSON text: `JSON.parse` and `JSON.stringify` in the browser, miniserde natively.
mod json {
    use auth_wasm::protocol::json::{integer, opt_string, string, strings, value_text};
    use auth_wasm::protocol::{JsonError, JsonObject, JsonValue, MAX_JSON_DEPTH};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Text and the same document written again: keys in order, no whitespace.
    const WRITTEN: &[(&str, &str)] = &[
        (r#"{ "b": 2, "a": "x", "c": [1, 2.5, null] }"#, r#"{"a":"x","b":2,"c":[1,2.5,null]}"#),
        (r#"{"b":"x","":{},"a_":1,"A":2}"#, r#"{"":{},"A":2,"a_":1,"b":"x"}"#),
        (r#"{"s":"é \"q\" \\ \n \t \u0001 😀 \u00e9"}"#, r#"{"s":"é \"q\" \\ \n \t \u0001 😀 é"}"#),
        (r#"{"neg":-7,"f":1.5,"t":true,"l":[[],{}]}"#, r#"{"f":1.5,"l":[[],{}],"neg":-7,"t":true}"#),
    ];

    /// Text that is not one JSON object.
    const NOT_AN_OBJECT: &[&str] =
        &["{not json", "[1]", "\"text\"", "", "<html>", "{\"a\":1} trailing", "{'a':1}", "{\"a\":}", "{\"a\":1,}"];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn reads_every_kind_of_value_and_writes_it_back() {
        let text = r#"{"s":"é \"q\" \\ \n 😀","n":3,"neg":-7,"f":1.5,"big":9007199254740993,"b":false,"z":null,
            "l":["a",1,[true]],"o":{"k":{"deep":"x"}},"__proto__":{"polluted":true},"10":"ten","9":"nine"}"#;
        let object = JsonObject::parse(text).unwrap();
        assert_eq!(object.string("s").unwrap(), "é \"q\" \\ \n 😀");
        assert_eq!((object.integer("n"), object.integer("neg"), object.integer("f")), (Ok(3), Ok(-7), Ok(1)));
        assert!(object.integer("big").is_ok(), "beyond 2^53: a number (rounded in JavaScript, as in the app's)");
        assert_eq!(object.opt_bool("b"), Ok(Some(false)));
        assert_eq!(object.opt_string("z"), Ok(None));
        assert!(matches!(object.get("l"), Some(JsonValue::Array(items)) if items.len() == 3));
        assert_eq!(object.object("o").unwrap().object("k").unwrap().string("deep").unwrap(), "x");
        assert!(object.object("__proto__").unwrap().opt_bool("polluted").unwrap().unwrap(), "a field like any other");
        assert_eq!((object.string("10").unwrap(), object.string("9").unwrap()), ("ten".into(), "nine".into()));

        let written = object.to_json_string();
        let again = JsonObject::parse(&written).unwrap();
        assert_eq!(again, object, "written and read again: the same content ({written})");
        assert!(written.contains(r#""__proto__":{"polluted":true}"#), "{written}");
        assert!(written.contains(r#""f":1.5"#) && written.contains(r#""neg":-7"#), "{written}");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn writes_fields_in_key_order() {
        for (text, written) in WRITTEN {
            assert_eq!(JsonObject::parse(text).unwrap().to_json_string(), *written, "{text}");
        }
    }

    /// Where the two differ: JavaScript keeps an object's keys that are array indices (`"9"`, `"10"`) first,
    /// in numeric order, whatever order they were set in, and `JSON.stringify` writes them so. Each still
    /// writes equal objects as equal text, which is what comparing objects and stored records relies on.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn keys_that_are_array_indices_come_first_in_javascript() {
        let object = JsonObject::parse(r#"{"10":"ten","9":"nine","":{}}"#).unwrap();
        let written = if cfg!(target_arch = "wasm32") {
            r#"{"9":"nine","10":"ten","":{}}"#
        } else {
            r#"{"":{},"10":"ten","9":"nine"}"#
        };
        assert_eq!(object.to_json_string(), written);
        assert_eq!(object, JsonObject::parse(r#"{"":{},"9":"nine","10":"ten"}"#).unwrap());
    }

    /// Numbers: text and how it is written again, natively and in JavaScript. Where the two differ, it is
    /// the same number in other text: miniserde keeps a number read with a fraction or an exponent a float
    /// (`1.0`, `100.0`), where JavaScript has one kind of number (`1`, `100`); and JavaScript rounds integers
    /// beyond 2^53.
    const NUMBERS: &[(&str, &str, &str)] = &[
        ("1.5", "1.5", "1.5"),
        ("-7", "-7", "-7"),
        ("0.1", "0.1", "0.1"),
        ("1e-7", "1e-7", "1e-7"),
        ("1e21", "1e+21", "1e+21"),
        ("-0", "0", "0"),
        ("1.0", "1.0", "1"),
        ("1E2", "100.0", "100"),
        ("-0.0", "-0.0", "0"),
        ("12345678901234567890", "12345678901234567890", "12345678901234567000"),
    ];

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn numbers_are_written_as_each_platform_writes_them() {
        for (text, native, javascript) in NUMBERS {
            let written = if cfg!(target_arch = "wasm32") { javascript } else { native };
            let object = JsonObject::parse(&["{\"n\":", text, "}"].concat()).unwrap();
            assert_eq!(object.to_json_string(), ["{\"n\":", written, "}"].concat(), "{text}");
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn writes_ordered_text_and_compares_content() {
        let a = JsonObject::new().with("b", integer(2)).with("a", string("x")).with("c", opt_string(None::<String>));
        assert_eq!(a.to_json_string(), r#"{"a":"x","b":2}"#);
        assert_eq!(a, JsonObject::parse(r#"{ "b": 2, "a": "x" }"#).unwrap());
        assert_eq!(value_text(&string("x")), "x");
        assert_eq!(value_text(&strings(["a"])), r#"["a"]"#);
        assert_eq!(value_text(&integer(-3)), "-3");
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
    fn refuses_what_is_not_a_json_object_and_what_nests_too_deep() {
        for text in NOT_AN_OBJECT {
            assert!(JsonObject::parse(text).is_err(), "{text}");
        }
        assert!(JsonObject::parse_bytes(&[0xff, 0xfe]).is_err(), "not UTF-8");
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(MAX_JSON_DEPTH + 1), "]".repeat(MAX_JSON_DEPTH + 1));
        assert_eq!(JsonObject::parse(&deep), Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
        let hostile = format!("{{\"claims\":{}}}", "[".repeat(200_000));
        assert_eq!(JsonObject::parse(&hostile), Err(JsonError::TooDeep(MAX_JSON_DEPTH)));
    }
}
