//! The provider's discovery document and signing keys (JWKS), kept in storage with a lifetime so that
//! a new tab or a warm sign-in fetches neither: a warm sign-in's only library request is the token
//! request. A token naming a key we do not have still makes us fetch the keys once more.

use std::cell::RefCell;
use std::rc::Rc;

use super::{http, now_secs, AuthError, KeyValueStore};
use crate::protocol::json::{self, JsonObject};
use crate::protocol::storage_keys::{discovery_key, jwks_key};
use crate::protocol::{discovery_url, JsonRecord, JwkSet, ProtocolError, ProviderMetadata};

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

async fn fetch(url: &str) -> Result<String, AuthError> {
    let response = http::get(url).await?;
    if response.status != 200 {
        return Err(ProtocolError::from_status(response.status).into());
    }
    Ok(response.body)
}

impl ProviderCache {
    pub fn new(storage: Rc<dyn KeyValueStore>, authority: &str) -> Self {
        Self { storage, authority: authority.to_owned(), metadata: RefCell::new(None), jwks: RefCell::new(None) }
    }

    /// The provider's metadata: from memory, else from storage while fresh, else fetched and checked.
    pub async fn metadata(&self) -> Result<Rc<ProviderMetadata>, AuthError> {
        if let Some(metadata) = self.metadata.borrow().as_ref() {
            return Ok(metadata.clone());
        }
        let key = discovery_key(&self.authority);
        // Checked again as if fetched: storage is not a place to trust more than the provider.
        let stored = load_fresh(&*self.storage, &key, "metadata")
            .and_then(|m| ProviderMetadata::from_json(&m.to_json_string(), &self.authority).ok());
        let metadata = match stored {
            Some(metadata) => metadata,
            None => {
                let body = fetch(&discovery_url(&self.authority)).await?;
                let metadata = ProviderMetadata::from_json(&body, &self.authority)?;
                save(&*self.storage, &key, "metadata", metadata.to_json());
                metadata
            }
        };
        let metadata = Rc::new(metadata);
        *self.metadata.borrow_mut() = Some(metadata.clone());
        Ok(metadata)
    }

    /// The provider's keys, and whether they came from a cache (so that an unknown `kid` is worth a
    /// fetch). `refetch` fetches them whatever is cached.
    pub async fn jwks(&self, metadata: &ProviderMetadata, refetch: bool) -> Result<(Rc<JwkSet>, bool), AuthError> {
        if !refetch {
            if let Some(jwks) = self.jwks.borrow().as_ref() {
                return Ok((jwks.clone(), true));
            }
            let stored = load_fresh(&*self.storage, &jwks_key(&self.authority), "jwks")
                .and_then(|set| JwkSet::from_json(&set.to_json_string()).ok());
            if let Some(jwks) = stored {
                let jwks = Rc::new(jwks);
                *self.jwks.borrow_mut() = Some(jwks.clone());
                return Ok((jwks, true));
            }
        }
        let body = fetch(&metadata.jwks_uri).await?;
        let jwks = JwkSet::from_json(&body)?;
        if let Ok(document) = JsonObject::parse(&body) {
            save(&*self.storage, &jwks_key(&self.authority), "jwks", document);
        }
        let jwks = Rc::new(jwks);
        *self.jwks.borrow_mut() = Some(jwks.clone());
        Ok((jwks, false))
    }
}
