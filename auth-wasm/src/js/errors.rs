//! Errors as JS `Error`s with a stable `code` (classes of the package's `errors.js`).

use wasm_bindgen::prelude::*;

use crate::browser::AuthError;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = AuthError)]
    type JsAuthError;
    #[wasm_bindgen(constructor, js_class = "AuthError")]
    fn new(code: &str, message: &str) -> JsAuthError;

    #[wasm_bindgen(js_name = InteractionRequiredError)]
    type JsInteractionRequiredError;
    #[wasm_bindgen(constructor, js_class = "InteractionRequiredError")]
    fn new(code: &str, message: &str, redirect: &js_sys::Function) -> JsInteractionRequiredError;
}

pub fn auth_error(error: &AuthError) -> JsValue {
    JsAuthError::new(error.code(), &error.to_string()).into()
}

/// An `InteractionRequiredError` whose `redirect()` calls `redirect`.
pub fn interaction_required(reason: Option<&AuthError>, redirect: &js_sys::Function) -> JsValue {
    let message = match reason {
        Some(reason) => format!("the user must sign in to get this token: {reason}"),
        None => "the user must sign in to get this token: nobody is signed in".to_owned(),
    };
    JsInteractionRequiredError::new("interaction_required", &message, redirect).into()
}
