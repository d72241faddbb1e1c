//! The Web Locks API (`navigator.locks.request`): one tab at a time runs a renewal of one account.
//!
//! web-sys has `LockManager` only behind `web_sys_unstable_apis`, so the one method used is bound here.
//! Where the browser has no `navigator.locks` (older browsers, insecure contexts), the work runs with
//! the in-tab lock alone.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::AuthError;

#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method)]
    fn request(this: &LockManager, name: &str, callback: &js_sys::Function) -> js_sys::Promise;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    (locks.is_object()).then(|| locks.unchecked_into())
}

/// Runs `work` holding the exclusive lock `name` of this origin: other tabs asking for it wait until
/// `work` is done (or the tab holding it closes).
pub(crate) async fn exclusive<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> Result<T, AuthError> {
    let Some(locks) = lock_manager() else { return Ok(work.await) };
    let result = Rc::new(RefCell::new(None));
    let slot = result.clone();
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            *slot.borrow_mut() = Some(work.await);
            Ok(JsValue::UNDEFINED)
        })
    });
    JsFuture::from(locks.request(name, callback.unchecked_ref())).await.map_err(AuthError::browser)?;
    let value = result.borrow_mut().take();
    value.ok_or_else(|| AuthError::Browser("the renewal lock was released before its work ran".into()))
}
