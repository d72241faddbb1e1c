//! Base64 as the protocol uses it: base64url for JWTs, PKCE and random values; standard base64 for a
//! claims challenge. One place, so that the implementation is chosen once.
//!
//! RustCrypto's `base64ct` rather than the `base64` crate: measured in the npm package (2026-11-23),
//! 2,537 B less min+gzip. `base64`'s engines are unrolled for speed, and its `encode` ends in an
//! `expect` whose `Debug` formatting pulled 4.6 KB of `core::fmt` into the wasm; our values are a few
//! hundred bytes, where speed does not show.

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};

/// `bytes` as unpadded base64url (RFC 4648 §5), as JWTs and PKCE write it.
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    Base64UrlUnpadded::encode_string(bytes.as_ref())
}

/// The bytes of base64url `text`; padding is accepted (JWTs are unpadded, a few providers pad anyway).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text.trim_end_matches('=')).ok()
}

/// The bytes of standard, padded base64 `text` (RFC 4648 §4).
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    Base64::decode_vec(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_with_or_without_padding() {
        assert_eq!(encode_url(b"\xfb\xff"), "-_8");
        assert_eq!(decode_url("-_8"), Some(b"\xfb\xff".to_vec()));
        assert_eq!(decode_url("-_8="), Some(b"\xfb\xff".to_vec()));
        assert_eq!(decode_url(""), Some(Vec::new()));
        for bad in ["+/8", "-_8=x", "%%%", "a"] {
            assert_eq!(decode_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn standard_base64_is_padded() {
        assert_eq!(decode_standard("+/8="), Some(b"\xfb\xff".to_vec()));
        assert_eq!(decode_standard("-_8="), None);
    }
}
