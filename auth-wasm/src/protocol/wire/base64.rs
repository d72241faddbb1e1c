//! Base64 as the protocol uses it: base64url for JWTs, PKCE and random values; standard base64 for a
//! claims challenge. One place, so that the implementation is chosen once.
//!
//! Decoding is strict everywhere: only the alphabet, padding only at the end, and the canonical form
//! (unused bits zero), so that one value has one text.
//!
//! In a browser (wasm32) the page's `btoa` and `atob` do the conversion, and `base64.js` checks the
//! text as strictly: RustCrypto's `base64ct` compiled in cost the npm package 948 B min+gzip, and the
//! same checks written in Rust around `btoa`/`atob` 418 B more than in JavaScript (measured 2026-11-23).
//! Elsewhere (the native tests and tools) it is `base64ct`, which was itself chosen over the `base64`
//! crate for size (2,537 B less in the npm package).

/// `bytes` as unpadded base64url (RFC 4648 §5), as JWTs and PKCE write it.
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    platform::encode_url(bytes.as_ref())
}

/// The bytes of base64url `text`; padding is accepted (JWTs are unpadded, a few providers pad anyway).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    platform::decode_url(super::text::trim_end_byte(text, b'='))
}

/// The bytes of standard, padded base64 `text` (RFC 4648 §4).
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    platform::decode_standard(text)
}

#[cfg(target_arch = "wasm32")]
mod platform {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/protocol/wire/base64.js")]
    extern "C" {
        #[wasm_bindgen(js_name = encodeUrl)]
        pub(super) fn encode_url(bytes: &[u8]) -> String;
        #[wasm_bindgen(js_name = decodeUrl)]
        pub(super) fn decode_url(text: &str) -> Option<Vec<u8>>;
        #[wasm_bindgen(js_name = decodeStandard)]
        pub(super) fn decode_standard(text: &str) -> Option<Vec<u8>>;
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod platform {
    use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};

    pub(super) fn encode_url(bytes: &[u8]) -> String {
        Base64UrlUnpadded::encode_string(bytes)
    }

    pub(super) fn decode_url(text: &str) -> Option<Vec<u8>> {
        Base64UrlUnpadded::decode_vec(text).ok()
    }

    pub(super) fn decode_standard(text: &str) -> Option<Vec<u8>> {
        Base64::decode_vec(text).ok()
    }
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
        for bad in ["+/8", "-_8=x", "%%%", "a", "-_9", " -_8"] {
            assert_eq!(decode_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn standard_base64_is_padded() {
        assert_eq!(decode_standard("+/8="), Some(b"\xfb\xff".to_vec()));
        for bad in ["-_8=", "+/8", "+/9=", "+/8=="] {
            assert_eq!(decode_standard(bad), None, "{bad}");
        }
    }
}
