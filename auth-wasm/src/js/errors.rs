//! Errors as JS `Error`s with a stable `code` (classes of the package's `errors.js`). The wasm hands
//! over the code, the message key and its values; `errors.js` assembles the English text from the
//! package's `messages.js` (made from `messages.txt`), so no sentence is formatted here.

use wasm_bindgen::prelude::*;

use crate::browser::AuthError;
use crate::protocol::{Message, MessageArg};

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    /// `new AuthError(code, text)`, or an `InteractionRequiredError` when `redirect` is given.
    #[wasm_bindgen(js_name = fromWasm)]
    fn from_wasm(code: &str, key: &str, args: js_sys::Array, redirect: Option<&js_sys::Function>) -> JsValue;
}

/// The message's values for `errors.js`: text, numbers, and a nested message as `[key, ...values]`.
fn values(message: &Message<'_>) -> js_sys::Array {
    let values = js_sys::Array::new();
    for arg in message.args.iter().flatten() {
        values.push(&match arg {
            MessageArg::Number(number) => JsValue::from_f64(f64::from(*number)),
            text => JsValue::from_str(&text.as_text().unwrap_or_default()),
        });
    }
    values
}

/// The JS `AuthError` of `error`.
pub fn auth_error(error: &AuthError) -> JsValue {
    let message = error.message();
    from_wasm(error.code(), message.key, values(&message), None)
}

/// An `InteractionRequiredError` whose `redirect()` calls `redirect` (the Rust `InteractionRequired`'s
/// `redirect`); its text says why, when a failed renewal is the reason.
pub fn interaction_required(reason: Option<&AuthError>, redirect: &js_sys::Function) -> JsValue {
    let (key, values) = match reason {
        Some(reason) => {
            let message = reason.message();
            let nested = values(&message);
            nested.unshift(&JsValue::from_str(message.key));
            ("needs_sign_in", js_sys::Array::of1(&nested))
        }
        None => ("nobody_signed_in", js_sys::Array::new()),
    };
    from_wasm("interaction_required", key, values, Some(redirect))
}
