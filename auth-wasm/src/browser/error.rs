//! The browser's side of [`AuthError`]: what a JavaScript exception says, and console warnings.

pub use crate::protocol::AuthError;

impl AuthError {
    /// The browser threw `value` (its message is kept).
    pub(crate) fn browser(value: wasm_bindgen::JsValue) -> Self {
        Self::Browser(js_message(&value))
    }
}

/// Warns in the console that the library refused something (`auth-wasm: <what>`), with no error value.
pub(crate) fn warn_text(what: &str) {
    web_sys::console::warn_1(&["auth-wasm: ", what].concat().into());
}

/// Warns in the console that `what` went wrong because of `error`, which the library worked around:
/// `auth-wasm: <what>`, the error's code, then its values (no sentence is formatted, and no token is
/// among an error's values).
pub(crate) fn warn(what: &str, error: &AuthError) {
    let line = js_sys::Array::of2(&["auth-wasm: ", what].concat().into(), &error.code().into());
    for arg in error.message().args.iter().flatten() {
        line.push(&match arg {
            crate::protocol::MessageArg::Number(number) => (*number).into(),
            text => wasm_bindgen::JsValue::from_str(&text.as_text().unwrap_or_default()),
        });
    }
    web_sys::console::warn(&line);
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    /// The message of a JS exception, for error texts (`message` in `io.js`).
    #[wasm_bindgen(js_name = message)]
    pub(crate) fn js_message(thrown: &wasm_bindgen::JsValue) -> String;
}
