// Base64 in a browser (web.rs): the page's btoa and atob, with the text checked as strictly as base64ct
// checks it in native builds (only the alphabet, padding only at the end, the canonical form). Smaller in
// JavaScript than bound from Rust (the size report measures it); wasm-bindgen ships this file beside its
// glue (`snippets/`).

/** Standard, padded base64 of `bytes` (a Uint8Array). */
function standard(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The bytes of base64 `text` (already checked), or undefined. */
function bytesOf(text) {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** `bytes` as unpadded base64url (RFC 4648 §5). */
export function encodeUrl(bytes) {
  return standard(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The bytes of unpadded base64url `text`, or undefined: canonical only (the unused bits of the last
 * character are zero), so that one value has one text. */
export function decodeUrl(text) {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = bytesOf(text.replace(/-/g, '+').replace(/_/g, '/'));
  return bytes && encodeUrl(bytes) === text ? bytes : undefined;
}

/** The bytes of standard, padded base64 `text` (RFC 4648 §4), or undefined; canonical only. */
export function decodeStandard(text) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = bytesOf(text);
  return bytes && standard(bytes) === text ? bytes : undefined;
}
