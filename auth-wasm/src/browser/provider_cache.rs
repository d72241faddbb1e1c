//! The provider's discovery document and signing keys (JWKS), kept in storage with a lifetime so that
//! a new tab or a warm sign-in fetches neither: a warm sign-in's only library request is the token
//! request. A token naming a key we do not have still makes us fetch the keys once more.

use std::cell::RefCell;
use std::rc::Rc;

use super::{now_secs, KeyValueStore};
use crate::protocol::flow::{Cached, Document, Fetched};
use crate::protocol::json::{self, JsonObject};
use crate::protocol::storage_keys::{discovery_key, jwks_key};
use crate::protocol::{JsonRecord, JwkSet, ProviderMetadata};

/// How long a fetched discovery document or JWKS is used before it is fetched again.
pub const PROVIDER_CACHE_LIFETIME_SECS: i64 = 24 * 3600;

pub(crate) struct ProviderCache {
    storage: Rc<dyn KeyValueStore>,
    authority: String,
    metadata: RefCell<Option<Rc<ProviderMetadata>>>,
    jwks: RefCell<Option<Rc<JwkSet>>>,
}

/// A stored document and when it was fetched; `None` when absent, unreadable or too old.
fn load_fresh(storage: &dyn KeyValueStore, key: &str, field: &str) -> Option<JsonObject> {
    let text = storage.get(key).ok()??;
    let record = JsonObject::parse(&text).ok()?;
    let fetched_at = record.integer("fetched_at").ok()?;
    let age = now_secs() - fetched_at;
    ((0..PROVIDER_CACHE_LIFETIME_SECS).contains(&age)).then(|| record.object(field).ok()).flatten()
}

fn save(storage: &dyn KeyValueStore, key: &str, field: &str, document: JsonObject) {
    let record = JsonObject::new().with(field, document.into_value()).with("fetched_at", json::integer(now_secs()));
    // A cache: a refused write costs a fetch next time, nothing else.
    let _ = storage.set(key, &record.to_json_string());
}

impl ProviderCache {
    pub fn new(storage: Rc<dyn KeyValueStore>, authority: &str) -> Self {
        Self { storage, authority: authority.to_owned(), metadata: RefCell::new(None), jwks: RefCell::new(None) }
    }

    /// The cache's copy of `document`: from memory, else from storage while fresh (checked again as if
    /// fetched: storage is not a place to trust more than the provider).
    pub fn cached(&self, document: Document) -> Option<Cached> {
        match document {
            Document::Metadata => {
                if let Some(metadata) = self.metadata.borrow().as_ref() {
                    return Some(Cached::Metadata(metadata.clone()));
                }
                let stored = load_fresh(&*self.storage, &discovery_key(&self.authority), "metadata")
                    .and_then(|m| ProviderMetadata::from_json(&m.to_json_string(), &self.authority).ok())?;
                let metadata = Rc::new(stored);
                *self.metadata.borrow_mut() = Some(metadata.clone());
                Some(Cached::Metadata(metadata))
            }
            Document::Jwks => {
                if let Some(jwks) = self.jwks.borrow().as_ref() {
                    return Some(Cached::Jwks(jwks.clone()));
                }
                let stored = load_fresh(&*self.storage, &jwks_key(&self.authority), "jwks")
                    .and_then(|set| JwkSet::from_document(&set).ok())?;
                let jwks = Rc::new(stored);
                *self.jwks.borrow_mut() = Some(jwks.clone());
                Some(Cached::Jwks(jwks))
            }
        }
    }

    /// Keeps a document just fetched and checked: in memory, and in storage with its fetch time.
    pub fn keep(&self, fetched: Fetched) {
        match fetched {
            Fetched::Metadata(metadata) => {
                save(&*self.storage, &discovery_key(&self.authority), "metadata", metadata.to_json());
                *self.metadata.borrow_mut() = Some(metadata);
            }
            Fetched::Jwks(jwks, document) => {
                if let Some(document) = document {
                    save(&*self.storage, &jwks_key(&self.authority), "jwks", document);
                }
                *self.jwks.borrow_mut() = Some(jwks);
            }
        }
    }
}
