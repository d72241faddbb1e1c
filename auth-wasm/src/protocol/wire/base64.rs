//! Base64 as the protocol uses it: base64url for JWTs, PKCE and random values; standard base64 for a
//! claims challenge. The one place that encodes and decodes them, through the platform
//! (`crate::platform`: `btoa` and `atob` in a browser).
//!
//! Decoding is strict everywhere: only the alphabet, padding only at the end, and the canonical form
//! (unused bits zero), so that one value has one text.

/// `bytes` as unpadded base64url (RFC 4648 §5), as JWTs and PKCE write it.
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    crate::platform::base64_encode_url(bytes.as_ref())
}

/// The bytes of base64url `text`; padding is accepted (JWTs are unpadded, a few providers pad anyway).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    crate::platform::base64_decode_url(super::text::trim_end_byte(text, b'='))
}

/// The bytes of standard, padded base64 `text` (RFC 4648 §4).
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    crate::platform::base64_decode_standard(text)
}
