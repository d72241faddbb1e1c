//! The DPoP proof key in headless Chromium: made non-extractable, kept in IndexedDB for every instance
//! of the client, signing proofs that verify with its public JWK, and gone once deleted.
#![cfg(all(target_arch = "wasm32", feature = "dpop"))]

use auth_wasm::browser::DpopKeyStore;
use auth_wasm::protocol::dpop::ProofRequest;
use auth_wasm::protocol::{base64, ClientId};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
function stored(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('auth-wasm.dpop');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('keys').objectStore('keys').get(name);
      get.onsuccess = () => { open.result.close(); resolve(get.result ?? null); };
      get.onerror = () => reject(get.error);
    };
  });
}
/** Whether WebCrypto exports the private key stored as `name` (as a JWK or PKCS #8). */
export async function privateKeyExports(name) {
  const { privateKey } = await stored(name);
  for (const format of ['jwk', 'pkcs8']) {
    try { await crypto.subtle.exportKey(format, privateKey); return true; } catch {}
  }
  return privateKey.extractable;
}
/** How many keys IndexedDB holds. */
export function storedCount() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('auth-wasm.dpop');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const count = open.result.transaction('keys').objectStore('keys').count();
      count.onsuccess = () => { open.result.close(); resolve(count.result); };
      count.onerror = () => reject(count.error);
    };
  });
}
/** Whether `signature` over `data` verifies with the public JWK `jwk` (JSON text), ES256. */
export async function verifiesWith(jwk, signature, data) {
  const params = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const key = await crypto.subtle.importKey('jwk', JSON.parse(jwk), params, false, ['verify']);
  return crypto.subtle.verify(params, key, signature, data);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = privateKeyExports)]
    async fn private_key_exports(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = storedCount)]
    async fn stored_count() -> JsValue;
    #[wasm_bindgen(js_name = verifiesWith)]
    async fn verifies_with(jwk: &str, signature: &[u8], data: &[u8]) -> JsValue;
}

fn store(client: &str) -> DpopKeyStore {
    DpopKeyStore::new(&ClientId::new(client), "https://op.example/")
}

fn decoded_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&base64::decode_url(part).expect("base64url")).expect("JSON")
}

#[wasm_bindgen_test]
async fn the_private_key_cannot_be_exported() {
    let key = store("dpop-export").create().await.unwrap();
    assert!(key.public_key().thumbprint().len() == 43);
    let exports = private_key_exports("auth-wasm.dpop-key|dpop-export|https://op.example").await;
    assert_eq!(exports.as_bool(), Some(false), "the stored private key must not be extractable");
}

#[wasm_bindgen_test]
async fn a_second_client_instance_reads_the_same_key_back() {
    let made = store("dpop-shared").create().await.unwrap();
    let read = store("dpop-shared").load().await.unwrap().expect("the key kept in IndexedDB");
    assert_eq!(read.public_key(), made.public_key());
    // Another client's store does not see it.
    assert!(store("dpop-other").load().await.unwrap().is_none());
    // A key made later (a sign-in, an account switch) replaces it.
    let replaced = store("dpop-shared").create().await.unwrap();
    assert_ne!(replaced.public_key(), made.public_key());
    assert_eq!(store("dpop-shared").load().await.unwrap().unwrap().public_key(), replaced.public_key());
}

#[wasm_bindgen_test]
async fn a_proof_verifies_with_the_public_jwk_in_its_header() {
    store("dpop-sign").create().await.unwrap();
    // Signed with the key read back, as the driver does.
    let key = store("dpop-sign").load().await.unwrap().unwrap();
    let request = ProofRequest::new("post", "https://op.example/token?x=1", Some("n-1"), None);
    let proof = key.sign_proof(&request).await.unwrap();
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header = decoded_json(parts[0]);
    assert_eq!(header["alg"], "ES256");
    let claims = decoded_json(parts[1]);
    assert_eq!((claims["htm"].as_str(), claims["htu"].as_str()), (Some("POST"), Some("https://op.example/token")));
    let signature = base64::decode_url(parts[2]).unwrap();
    let signing_input = [parts[0], ".", parts[1]].concat();
    let jwk = header["jwk"].to_string();
    assert_eq!(verifies_with(&jwk, &signature, signing_input.as_bytes()).await.as_bool(), Some(true));
    // The check can fail: a proof with another header does not verify.
    let other = [parts[0], ".", &parts[1][1..]].concat();
    assert_eq!(verifies_with(&jwk, &signature, other.as_bytes()).await.as_bool(), Some(false));
}

#[wasm_bindgen_test]
async fn a_deleted_key_reads_as_gone() {
    store("dpop-delete").create().await.unwrap();
    store("dpop-delete").delete().await.unwrap();
    assert!(store("dpop-delete").load().await.unwrap().is_none());
    // Deleting what is not there is no error.
    store("dpop-delete").delete().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_memory_only_sessions_key_stays_out_of_indexeddb() {
    // The database exists (another client's key), so that its count can be read.
    store("dpop-memory-neighbour").create().await.unwrap();
    let before = stored_count().await.as_f64();
    let memory = DpopKeyStore::in_memory();
    assert!(memory.load().await.unwrap().is_none());
    let made = memory.create().await.unwrap();
    assert_eq!(stored_count().await.as_f64(), before, "nothing written to IndexedDB");
    let read = memory.load().await.unwrap().expect("the key kept in memory");
    assert_eq!(read.public_key(), made.public_key());
    let request = ProofRequest::new("GET", "https://api.example/orders", None, None);
    assert_eq!(read.sign_proof(&request).await.unwrap().split('.').count(), 3, "it signs");
    memory.delete().await.unwrap();
    assert!(memory.load().await.unwrap().is_none(), "gone with the sign-out");
}
