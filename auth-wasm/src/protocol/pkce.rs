//! PKCE with the S256 method (RFC 7636), the only method we send.

use sha2::{Digest, Sha256};

use super::values::random_token;
use super::{PkceVerifier, ProtocolError};

/// The `code_challenge_method` sent: `S256`. `plain` is never sent, and a provider that lists methods
/// without `S256` is refused.
pub const PKCE_METHOD_S256: &str = "S256";

/// `BASE64URL(SHA256(verifier))`: sent in the authorize request, while the verifier stays here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceChallenge(String);

impl PkceChallenge {
    /// The challenge as sent in `code_challenge`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PkceVerifier {
    /// A fresh verifier of 43 characters made of 32 random bytes the caller drew (the core draws none).
    pub fn from_random(random: [u8; 32]) -> Self {
        Self::new(random_token(random))
    }

    /// A verifier given as text, checked against RFC 7636 §4.1: 43 to 128 unreserved characters.
    pub fn parse(value: &str) -> Result<Self, ProtocolError> {
        let unreserved = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        if !(43..=128).contains(&value.len()) || !value.bytes().all(unreserved) {
            return Err(ProtocolError::InvalidPkceVerifier);
        }
        Ok(Self::new(value))
    }

    /// The S256 challenge of this verifier, to send in the authorize request.
    pub fn challenge(&self) -> PkceChallenge {
        PkceChallenge(super::base64::encode_url(Sha256::digest(self.secret().as_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier = PkceVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(verifier.challenge().as_str(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn random_verifier_is_valid_and_fresh() {
        let a = PkceVerifier::from_random([7; 32]);
        let b = PkceVerifier::from_random([8; 32]);
        assert!(PkceVerifier::parse(a.secret()).is_ok());
        assert_ne!(a.secret(), b.secret());
        assert_ne!(a.challenge(), b.challenge());
    }

    #[test]
    fn verifier_rules() {
        assert!(PkceVerifier::parse("short").is_err());
        assert!(PkceVerifier::parse(&"a".repeat(129)).is_err());
        assert!(PkceVerifier::parse(&format!("{}+", "a".repeat(43))).is_err());
        assert!(PkceVerifier::parse(&"a~._-".repeat(20)).is_ok());
    }
}
