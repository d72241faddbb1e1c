//! The browser's half of DPoP (see [`crate::protocol::dpop`]): the proof key and its signatures.
//!
//! The key is an ECDSA P-256 pair made by WebCrypto with a non-extractable private key and kept in
//! IndexedDB (`dpop.js`), which stores the `CryptoKey` itself: a script that steals the tokens cannot
//! take the key along, so the tokens are useless elsewhere. There is one key per client and authority,
//! shared by the tabs of the origin as their session is.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::{now_secs, random_bytes, AuthError};
use crate::protocol::dpop::{proof_signing_input, signed_proof, DpopPublicKey, ProofRequest};
use crate::protocol::storage_keys::dpop_key_name;
use crate::protocol::{ClientId, JsonObject};

#[wasm_bindgen(module = "/src/browser/dpop.js")]
extern "C" {
    #[wasm_bindgen(js_name = keyRecord, catch)]
    async fn key_record(name: &str, action: u8) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = recordJwk)]
    fn record_jwk(record: &JsValue) -> String;
    #[wasm_bindgen(js_name = sign, catch)]
    async fn web_crypto_sign(record: &JsValue, data: &[u8]) -> Result<JsValue, JsValue>;
}

/// A proof key: its IndexedDB record (the private `CryptoKey`, which never leaves WebCrypto) and its
/// public half.
#[derive(Clone)]
pub struct DpopKey {
    record: JsValue,
    public: DpopPublicKey,
}

impl DpopKey {
    /// The key of a stored `record`; `None` when it is not one (no record, or not a P-256 key).
    fn from_record(record: JsValue) -> Option<Self> {
        if record.is_null() || record.is_undefined() {
            return None;
        }
        let jwk = JsonObject::parse(&record_jwk(&record)).ok()?;
        let public = DpopPublicKey::from_jwk(&jwk).ok()?;
        Some(Self { record, public })
    }

    /// The public half, whose thumbprint is the authorization request's `dpop_jkt`.
    pub fn public_key(&self) -> &DpopPublicKey {
        &self.public
    }

    /// A proof for `request`, signed now with this key; none for a request bound to another key.
    pub async fn sign_proof(&self, request: &ProofRequest) -> Result<String, AuthError> {
        let [random, ..] = random_bytes()?;
        let input = proof_signing_input(&self.public, request, now_secs(), &random)?;
        let signature = web_crypto_sign(&self.record, input.as_bytes()).await.map_err(AuthError::browser)?;
        Ok(signed_proof(&input, &js_sys::Uint8Array::new(&signature).to_vec())?)
    }
}

/// What [`DpopKeyStore::key`] does (its number is `dpop.js`'s `action`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyAction {
    Load = 0,
    Create = 1,
    Delete = 2,
}

/// Where the proof key of a client and authority is kept: IndexedDB (by [`dpop_key_name`]), shared by
/// the tabs; or this page's memory, for a memory-only session.
pub struct DpopKeyStore {
    /// The IndexedDB name; empty for a memory-only store.
    name: String,
    memory: RefCell<Option<DpopKey>>,
}

impl DpopKeyStore {
    /// The store of `client_id`'s key at `authority`.
    pub fn new(client_id: &ClientId, authority: &str) -> Self {
        Self { name: dpop_key_name(client_id, authority), memory: RefCell::new(None) }
    }

    /// A store in this page's memory only (a session kept in memory: its key goes with it).
    pub fn in_memory() -> Self {
        Self { name: String::new(), memory: RefCell::new(None) }
    }

    /// The key kept, if any. A record that is not a usable key reads as none: the next sign-in replaces
    /// it, and no bound token can have been issued to a key that cannot sign.
    pub async fn load(&self) -> Result<Option<DpopKey>, AuthError> {
        self.key(KeyAction::Load).await
    }

    /// A new key, kept in place of the one before (a sign-in, or a switch to another account).
    pub async fn create(&self) -> Result<DpopKey, AuthError> {
        self.key(KeyAction::Create).await?.ok_or_else(|| AuthError::Browser("WebCrypto made no P-256 key".into()))
    }

    /// Forgets the key (a sign-out): the tokens bound to it can no longer be used by anyone.
    pub async fn delete(&self) -> Result<(), AuthError> {
        self.key(KeyAction::Delete).await.map(drop)
    }

    /// Does `action` to the key: one call for the three, so that the callers await one future (smaller
    /// code than three). The key after it (none after a deletion).
    pub(crate) async fn key(&self, action: KeyAction) -> Result<Option<DpopKey>, AuthError> {
        let memory_only = self.name.is_empty();
        if memory_only && action != KeyAction::Create {
            return Ok(if action == KeyAction::Load { self.memory.borrow().clone() } else { self.memory.take() });
        }
        let key = DpopKey::from_record(key_record(&self.name, action as u8).await.map_err(AuthError::browser)?);
        if memory_only {
            *self.memory.borrow_mut() = key.clone();
        }
        Ok(key)
    }
}
