//! The provider's discovery document and signing keys (JWKS), kept in storage with a lifetime so that
//! a new tab or a warm sign-in fetches neither: a warm sign-in's only library request is the token
//! request. A token naming a key we do not have still makes us fetch the keys once more.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use super::{now_secs, KeyValueStore};
use crate::protocol::flow::{Cached, Document, Fetched};
use crate::protocol::storage_keys::{discovery_key, jwks_key};
use crate::protocol::{decimal, parse_decimal, split_once_byte, JsonObject, JwkSet, ProviderMetadata};

/// How long a fetched discovery document or JWKS is used before it is fetched again.
pub const PROVIDER_CACHE_LIFETIME_SECS: i64 = 24 * 3600;

pub(crate) struct ProviderCache {
    storage: Rc<dyn KeyValueStore>,
    authority: String,
    /// The configuration's fields over the discovery document, set over the stored one as over a fetched one.
    overrides: JsonObject,
    metadata: RefCell<Option<Arc<ProviderMetadata>>>,
    jwks: RefCell<Option<Rc<JwkSet>>>,
}

/// A stored document's text, while fresh; `None` when absent, unreadable or too old. A document is
/// stored as `{fetched_at}\n{the document as the provider published it}`, and read back through the
/// checks of a fetched one. (The text as it came, not the parsed document written again: no writer of
/// the documents in the wasm, and nothing parsed twice.)
fn load_fresh(storage: &dyn KeyValueStore, key: &str) -> Option<String> {
    let stored = storage.get(key).ok()??;
    let (fetched_at, document) = split_once_byte(&stored, b'\n')?;
    let age = now_secs().checked_sub(i64::try_from(parse_decimal(fetched_at)?).ok()?)?;
    (0..PROVIDER_CACHE_LIFETIME_SECS).contains(&age).then(|| document.to_owned())
}

fn save(storage: &dyn KeyValueStore, key: &str, document: &str) {
    let fetched_at = decimal(u64::try_from(now_secs()).unwrap_or(0));
    // A cache: a refused write costs a fetch next time, nothing else.
    let _ = storage.set(key, &[fetched_at.as_str(), "\n", document].concat());
}

impl ProviderCache {
    pub fn new(storage: Rc<dyn KeyValueStore>, authority: &str, overrides: &JsonObject) -> Self {
        let (authority, overrides) = (authority.to_owned(), overrides.clone());
        Self { storage, authority, overrides, metadata: RefCell::new(None), jwks: RefCell::new(None) }
    }

    /// The cache's copy of `document`: from memory, else from storage while fresh (checked again as if
    /// fetched: storage is not a place to trust more than the provider).
    pub fn cached(&self, document: Document) -> Option<Cached> {
        match document {
            Document::Metadata => {
                if let Some(metadata) = self.metadata.borrow().as_ref() {
                    return Some(Cached::Metadata(metadata.clone()));
                }
                let stored = load_fresh(&*self.storage, &discovery_key(&self.authority))
                    .and_then(|text| ProviderMetadata::from_json(&text, &self.overrides, &self.authority).ok())?;
                let metadata = Arc::new(stored);
                *self.metadata.borrow_mut() = Some(metadata.clone());
                Some(Cached::Metadata(metadata))
            }
            Document::Jwks => {
                if let Some(jwks) = self.jwks.borrow().as_ref() {
                    return Some(Cached::Jwks(jwks.clone()));
                }
                let stored = load_fresh(&*self.storage, &jwks_key(&self.authority))
                    .and_then(|text| JwkSet::from_json(&text).ok())?;
                let jwks = Rc::new(stored);
                *self.jwks.borrow_mut() = Some(jwks.clone());
                Some(Cached::Jwks(jwks))
            }
        }
    }

    /// Keeps a document just fetched and checked: in memory, and in storage with its fetch time.
    pub fn keep(&self, fetched: Fetched) {
        match fetched {
            Fetched::Metadata(metadata, text) => {
                save(&*self.storage, &discovery_key(&self.authority), &text);
                *self.metadata.borrow_mut() = Some(metadata);
            }
            Fetched::Jwks(jwks, text) => {
                save(&*self.storage, &jwks_key(&self.authority), &text);
                *self.jwks.borrow_mut() = Some(jwks);
            }
        }
    }
}
