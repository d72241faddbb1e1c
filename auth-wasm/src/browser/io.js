// The browser calls of auth-wasm's browser layer that are smaller written in JavaScript than bound from
// Rust (measured in the size report): wasm-bindgen ships this file beside its glue (`snippets/`).

/** GET `url`, or POST the form `body` to it, with the DPoP proof `proof` if one is given; resolves to
 * [status, text, the DPoP-Nonce header or null]. Rejects on a network error or after `timeoutMs`.
 * Without a proof it is a "simple" request in the CORS sense: no preflight. */
export async function request(url, body, timeoutMs, proof) {
  const init = { signal: AbortSignal.timeout(timeoutMs) };
  if (body != null) {
    init.method = 'POST';
    init.headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (proof) init.headers.DPoP = proof;
    init.body = body;
  }
  const response = await fetch(url, init);
  return [response.status, await response.text(), response.headers.get('DPoP-Nonce')];
}

/** Whether `signature` over `data` verifies with the JWK `jwk` (JSON text) for the WebCrypto
 * algorithm `algorithm` (JSON text: its import and verify parameters together). A key WebCrypto
 * will not import cannot have made the signature. */
export async function verify(jwk, algorithm, signature, data) {
  // Copies first: the arguments are views of the wasm memory, which a growth of the memory during the
  // awaits below would detach (leaving WebCrypto empty bytes to check).
  [signature, data] = [signature.slice(), data.slice()];
  const subtle = crypto.subtle;
  const params = JSON.parse(algorithm);
  let key;
  try {
    key = await subtle.importKey('jwk', JSON.parse(jwk), params, false, ['verify']);
  } catch {
    return false;
  }
  return subtle.verify(params, key, signature, data);
}

/** What was thrown, as text: an Error's message, a string, else its JSON. */
export function message(thrown) {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? 'an exception that is not an Error';
  } catch {
    return 'an exception that is not an Error';
  }
}


/** Fills `bytes` (a view of wasm memory) from the browser's secure random source (WebCrypto). */
export const fillRandom = (bytes) => { crypto.getRandomValues(bytes); };

/** localStorage (`local`) or sessionStorage; reading either throws where the browser blocks storage. */
export const storageArea = (local) => (local ? globalThis.localStorage : globalThis.sessionStorage) ?? null;

/** `performance.now()`. */
export const performanceNow = () => performance.now();

/** A User Timing measure named `name` from `start` (a `performanceNow()`) to now; where the browser has
 * none, nothing. */
export function measure(name, start) {
  try {
    performance.measure(name, { start });
  } catch {
    // Older browsers take no options object: a measure is a diagnostic, never a failure.
  }
}
