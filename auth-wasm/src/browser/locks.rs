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
    #[wasm_bindgen(method, js_name = request)]
    fn request_with_options(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &js_sys::Function,
    ) -> js_sys::Promise;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    (locks.is_object()).then(|| locks.unchecked_into())
}

/// Runs `work` holding the exclusive lock `name` of this origin: other tabs asking for it wait until
/// `work` is done (or the tab holding it closes). `work` is told whether it had to wait for another holder
/// (which has likely just changed what the lock guards: its news may still be on the way).
pub(crate) async fn exclusive<T: 'static, F>(name: &str, work: impl FnOnce(bool) -> F + 'static) -> Result<T, AuthError>
where
    F: Future<Output = T> + 'static,
{
    let Some(locks) = lock_manager() else { return Ok(work(false).await) };
    let result = Rc::new(RefCell::new(None));
    let work = Rc::new(RefCell::new(Some(work)));
    // First without waiting: granted at once, the work runs; held by another tab, `lock` is null.
    let run = |waited: bool, lock_required: bool| {
        let (slot, work) = (result.clone(), work.clone());
        Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
            let work = if lock.is_null() && lock_required { None } else { work.borrow_mut().take() };
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = work {
                    *slot.borrow_mut() = Some(work(waited).await);
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    };
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"ifAvailable".into(), &true.into()).map_err(AuthError::browser)?;
    let first = run(false, true);
    JsFuture::from(locks.request_with_options(name, &options, first.unchecked_ref()))
        .await
        .map_err(AuthError::browser)?;
    if result.borrow().is_none() {
        let second = run(true, false);
        JsFuture::from(locks.request(name, second.unchecked_ref())).await.map_err(AuthError::browser)?;
    }
    let value = result.borrow_mut().take();
    value.ok_or_else(|| AuthError::Browser("the renewal lock was released before its work ran".into()))
}
