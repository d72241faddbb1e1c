// The DPoP proof key (dpop.rs): made by WebCrypto non-extractable and kept in IndexedDB, which stores a
// CryptoKey as is, so that no script (ours included) ever reads the private key's bytes. wasm-bindgen
// ships this file beside its glue (`snippets/`).

const DATABASE = 'auth-wasm.dpop';
const KEYS = 'keys';
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(KEYS);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs `use` on the key store in one transaction of `mode`; resolves to its request's result once the
 * transaction is complete (a write is then on disk for every tab). */
async function withKeys(mode, use) {
  const database = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(KEYS, mode);
      const request = use(transaction.objectStore(KEYS));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

/** The key record named `name` ({ privateKey, jwk }), or null. */
const loadKey = (name) => withKeys('readonly', (keys) => keys.get(name)).then((record) => record ?? null);

/** A new key pair whose private key cannot be exported, stored as `name` in place of any other (not
 * stored when `name` is empty: a memory-only session's); resolves to its record: the private CryptoKey
 * and the public JWK's required members as JSON text. */
async function createKey(name) {
  const subtle = crypto.subtle;
  const pair = await subtle.generateKey(ECDSA_P256, false, ['sign']);
  const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
  const record = { privateKey: pair.privateKey, jwk: JSON.stringify({ kty, crv, x, y }) };
  if (name) await withKeys('readwrite', (keys) => keys.put(record, name));
  return record;
}

/** Deletes the key named `name` (nothing if there is none). */
const deleteKey = (name) => withKeys('readwrite', (keys) => keys.delete(name)).then(() => null);

/** What `action` does to the key named `name`: 0 reads it (its record, or null), 1 makes a new one (see
 * createKey), 2 deletes it (null). One function, so that the wasm awaits one kind of call. */
export const keyRecord = (name, action) => [loadKey, createKey, deleteKey][action](name);

/** The public JWK (JSON text) of a record. */
export const recordJwk = (record) => (typeof record?.jwk === 'string' ? record.jwk : '');

/** The ES256 signature of `data` with the record's private key: r||s, 64 bytes, the JWS form. */
export async function sign(record, data) {
  // A copy first: `data` is a view of the wasm memory, which may grow (and detach it) during the await.
  data = data.slice();
  return new Uint8Array(await crypto.subtle.sign(ECDSA_P256, record.privateKey, data));
}
