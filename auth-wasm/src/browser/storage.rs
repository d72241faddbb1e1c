//! Where the library keeps transactions and tokens: sessionStorage (default), localStorage or memory.
//!
//! This uses web-sys's `Storage` directly rather than gloo-storage, because gloo-storage panics when the
//! browser has storage disabled, and we fall back to memory instead.

use std::cell::RefCell;
use std::rc::Rc;

use super::error::js_message;
use super::AuthError;
pub use crate::protocol::CacheLocation;
use crate::protocol::{JsonError, JsonObject, JsonRecord};

/// A string key-value store.
pub trait KeyValueStore {
    /// The value under `key`; `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<String>, AuthError>;
    /// Stores `value` under `key`; fails when the store refuses (quota, storage disabled).
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError>;
    /// Removes `key`, if present.
    fn remove(&self, key: &str) -> Result<(), AuthError>;
    /// Every key of the store, the app's own included.
    fn keys(&self) -> Result<Vec<String>, AuthError>;
}

impl dyn KeyValueStore {
    /// The JSON value under `key`. A value that does not parse is removed, so that one corrupt entry
    /// cannot break every later page load; the caller sees `None`.
    pub fn load<T: JsonRecord>(&self, key: &str) -> Result<Option<T>, AuthError> {
        let mut value = None;
        self.load_with(key, &mut |object| T::from_json(object).map(|read| value = Some(read)))?;
        Ok(value)
    }

    /// The part of [`Self::load`] that is the same for every record type (once in the wasm, not once
    /// per type): reads and parses `key`, and gives the object to `read`; removes it when either fails.
    fn load_with(
        &self,
        key: &str,
        read: &mut dyn FnMut(&JsonObject) -> Result<(), JsonError>,
    ) -> Result<(), AuthError> {
        let Some(text) = self.get(key)? else { return Ok(()) };
        if let Err(error) = JsonObject::parse(&text).and_then(|object| read(&object)) {
            let error = AuthError::Storage(error.into());
            super::error::warn(&["removed an unreadable stored entry: ", key].concat(), &error);
            self.remove(key)?;
        }
        Ok(())
    }

    /// Loads and removes `key`: for one-time values such as transactions.
    pub fn take<T: JsonRecord>(&self, key: &str) -> Result<Option<T>, AuthError> {
        let value = self.load(key)?;
        self.remove(key)?;
        Ok(value)
    }

    /// Stores `value` as JSON under `key`.
    pub fn save<T: JsonRecord>(&self, key: &str, value: &T) -> Result<(), AuthError> {
        self.set(key, &value.to_json_string())
    }
}

/// `window.sessionStorage` or `window.localStorage`.
pub struct WebStorageStore(web_sys::Storage);

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    /// `localStorage` (`local`) or `sessionStorage`: `null` where the page has none, a throw where the
    /// browser blocks it. (From the snippet: smaller than finding the window through web-sys.)
    #[wasm_bindgen(js_name = storageArea, catch)]
    fn storage_area(local: bool) -> Result<Option<web_sys::Storage>, wasm_bindgen::JsValue>;
}

impl WebStorageStore {
    /// `window.sessionStorage`; an error when the browser has it disabled.
    pub fn session() -> Result<Self, AuthError> {
        Self::open(false, "sessionStorage")
    }

    /// `window.localStorage`; an error when the browser has it disabled.
    pub fn local() -> Result<Self, AuthError> {
        Self::open(true, "localStorage")
    }

    fn open(local: bool, name: &str) -> Result<Self, AuthError> {
        match storage_area(local) {
            Ok(Some(storage)) => Ok(Self(storage)),
            Ok(None) => Err(AuthError::Storage([name, " is not available"].concat())),
            Err(e) => Err(AuthError::Storage([name, " is not available: ", &js_message(&e)].concat())),
        }
    }
}

fn storage_error(e: wasm_bindgen::JsValue) -> AuthError {
    AuthError::Storage(js_message(&e))
}

impl KeyValueStore for WebStorageStore {
    fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        self.0.get_item(key).map_err(storage_error)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.0.set_item(key, value).map_err(storage_error)
    }

    fn remove(&self, key: &str) -> Result<(), AuthError> {
        self.0.remove_item(key).map_err(storage_error)
    }

    fn keys(&self) -> Result<Vec<String>, AuthError> {
        let length = self.0.length().map_err(storage_error)?;
        let mut keys = Vec::with_capacity(length as usize);
        for at in 0..length {
            keys.push(self.0.key(at).map_err(storage_error)?.unwrap_or_default());
        }
        Ok(keys)
    }
}

/// A store that lives as long as the page.
#[derive(Default)]
pub struct MemoryStore(RefCell<Vec<(String, String)>>);

impl KeyValueStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        Ok(self.0.borrow().iter().find(|(k, _)| k == key).map(|(_, value)| value.clone()))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.remove(key)?;
        self.0.borrow_mut().push((key.to_owned(), value.to_owned()));
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), AuthError> {
        self.0.borrow_mut().retain(|(k, _)| k != key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, AuthError> {
        let mut keys = Vec::new();
        for (key, _) in self.0.borrow().iter() {
            keys.push(key.clone());
        }
        Ok(keys)
    }
}

/// Opens the store for `location`, falling back to memory (with a console warning) where the browser
/// has that storage disabled.
pub fn open_store(location: CacheLocation) -> Rc<dyn KeyValueStore> {
    open_store_at(location).0
}

/// [`open_store`], and the location the store really is (memory after a fallback).
pub(crate) fn open_store_at(location: CacheLocation) -> (Rc<dyn KeyValueStore>, CacheLocation) {
    let opened = match location {
        CacheLocation::SessionStorage => WebStorageStore::session(),
        CacheLocation::LocalStorage => WebStorageStore::local(),
        CacheLocation::Memory => return (Rc::new(MemoryStore::default()), CacheLocation::Memory),
    };
    match opened {
        Ok(store) => (Rc::new(store), location),
        Err(error) => {
            super::error::warn("keeping tokens in memory instead", &error);
            (Rc::new(MemoryStore::default()), CacheLocation::Memory)
        }
    }
}
