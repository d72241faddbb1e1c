//! Base64 as the protocol uses it: base64url for JWTs, PKCE and random values; standard base64 for a
//! claims challenge. One place, so that the implementation is chosen once.
//!
//! Decoding is strict everywhere: only the alphabet, padding only at the end, and the canonical form
//! (unused bits zero), so that one value has one text.
//!
//! In a browser (wasm32) the page's `btoa` and `atob` do the conversion, and what is checked here is
//! the text: RustCrypto's `base64ct` compiled in cost the npm package 948 B min+gzip (measured
//! 2026-11-23). Elsewhere (the native tests and tools) it is `base64ct`, which was itself chosen over
//! the `base64` crate for size (2,537 B less in the npm package).

/// `bytes` as unpadded base64url (RFC 4648 §5), as JWTs and PKCE write it.
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    platform::encode_url(bytes.as_ref())
}

/// The bytes of base64url `text`; padding is accepted (JWTs are unpadded, a few providers pad anyway).
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    platform::decode_url(text.trim_end_matches('='))
}

/// The bytes of standard, padded base64 `text` (RFC 4648 §4).
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    platform::decode_standard(text)
}

#[cfg(target_arch = "wasm32")]
mod platform {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// Standard base64 of a "binary string" (one char per byte); throws for chars above U+00FF.
        #[wasm_bindgen(catch)]
        fn btoa(binary: &str) -> Result<String, JsValue>;
        /// The "binary string" of forgiving base64 (whitespace and missing padding accepted: the text
        /// is checked here first).
        #[wasm_bindgen(catch)]
        fn atob(text: &str) -> Result<String, JsValue>;
    }

    fn standard(bytes: &[u8]) -> String {
        let binary: String = bytes.iter().map(|&byte| char::from(byte)).collect();
        btoa(&binary).unwrap_or_default()
    }

    fn bytes_of(text: &str) -> Option<Vec<u8>> {
        Some(atob(text).ok()?.chars().map(|c| c as u32 as u8).collect())
    }

    pub(super) fn encode_url(bytes: &[u8]) -> String {
        let text = standard(bytes);
        text.trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                c => c,
            })
            .collect()
    }

    pub(super) fn decode_url(text: &str) -> Option<Vec<u8>> {
        let url_alphabet = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        if text.len() % 4 == 1 || !text.bytes().all(url_alphabet) {
            return None;
        }
        let standard_text: String = text
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        let bytes = bytes_of(&standard_text)?;
        // Canonical only: the unused bits of the last character are zero.
        (encode_url(&bytes) == text).then_some(bytes)
    }

    pub(super) fn decode_standard(text: &str) -> Option<Vec<u8>> {
        let body = text.trim_end_matches('=');
        let alphabet = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
        if text.len() % 4 != 0 || text.len() - body.len() > 2 || !body.bytes().all(alphabet) {
            return None;
        }
        let bytes = bytes_of(text)?;
        (standard(&bytes) == text).then_some(bytes)
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
