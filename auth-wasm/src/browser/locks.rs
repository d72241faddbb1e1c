//! The Web Locks API (`navigator.locks`): one tab at a time renews the tokens of one account.
//!
//! The lock is requested in `locks.js` (`LockRequest`) and held until the [`HeldLock`] is dropped; a
//! request dropped while it waits is withdrawn. Where the browser has no `navigator.locks` (older
//! browsers, insecure contexts), it is granted at once and the in-tab turn alone orders renewals.

use wasm_bindgen::prelude::*;

use super::AuthError;

#[wasm_bindgen(module = "/src/browser/locks.js")]
extern "C" {
    type LockRequest;
    #[wasm_bindgen(constructor)]
    fn new(name: &str) -> LockRequest;
    #[wasm_bindgen(method, getter)]
    fn granted(this: &LockRequest) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn release(this: &LockRequest);
}

/// An exclusive lock of this origin, held until dropped.
pub(crate) struct HeldLock(LockRequest);

impl Drop for HeldLock {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// Takes the exclusive lock `name`: the lock, and whether another tab held it first.
pub(crate) async fn exclusive(name: &str) -> Result<(HeldLock, bool), AuthError> {
    // Made before the wait, so that dropping this future while it waits withdraws the request.
    let lock = HeldLock(LockRequest::new(name));
    let waited = wasm_bindgen_futures::JsFuture::from(lock.0.granted()).await.map_err(AuthError::browser)?;
    Ok((lock, waited.as_bool().unwrap_or(false)))
}
