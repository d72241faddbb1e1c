//! The Web Locks API (`navigator.locks.request`): one tab at a time runs a renewal of one account.
//!
//! The lock is taken in `locks.js` (`withLock`). Where the browser has no `navigator.locks` (older browsers,
//! insecure contexts), the work runs with the in-tab lock alone.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::AuthError;

#[wasm_bindgen(module = "/src/browser/locks.js")]
extern "C" {
    #[wasm_bindgen(js_name = withLock, catch)]
    async fn with_lock(name: &str, work: &Closure<dyn FnMut(bool) -> js_sys::Promise>) -> Result<(), JsValue>;
}

/// Runs `work` holding the exclusive lock `name` of this origin: other tabs asking for it wait until
/// `work` is done (or the tab holding it closes). `work` is told whether it had to wait for another holder
/// (which has likely just changed what the lock guards: its news may still be on the way).
pub(crate) async fn exclusive<T: 'static, F>(name: &str, work: impl FnOnce(bool) -> F + 'static) -> Result<T, AuthError>
where
    F: Future<Output = T> + 'static,
{
    let result = Rc::new(RefCell::new(None));
    let mut work = Some(work);
    let slot = result.clone();
    let run = Closure::<dyn FnMut(bool) -> js_sys::Promise>::new(move |waited: bool| {
        let (slot, work) = (slot.clone(), work.take());
        super::to_promise(Box::pin(async move {
            if let Some(work) = work {
                *slot.borrow_mut() = Some(work(waited).await);
            }
            Ok(JsValue::UNDEFINED)
        }))
    });
    with_lock(name, &run).await.map_err(AuthError::browser)?;
    let value = result.borrow_mut().take();
    value.ok_or_else(|| AuthError::Browser("the renewal lock was released before its work ran".into()))
}
