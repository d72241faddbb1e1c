//! JWS signatures of ID tokens: the algorithms we verify, the provider's key set (JWKS), and which key
//! checks a given token. The verification itself is WebCrypto's, in the browser layer.

use super::id_token::split_jws;
use super::json::{JsonError, JsonObject, Value};
use super::{IdToken, IdTokenError, JwtHeader, ProtocolError};

/// An asymmetric JWS algorithm (RFC 7518 §3) that WebCrypto verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// `RS256`: RSASSA-PKCS1-v1_5 with SHA-256, which every OpenID provider must support.
    Rs256,
    /// `RS384`: RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// `RS512`: RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// `PS256`: RSA-PSS with SHA-256.
    Ps256,
    /// `PS384`: RSA-PSS with SHA-384.
    Ps384,
    /// `PS512`: RSA-PSS with SHA-512.
    Ps512,
    /// `ES256`: ECDSA on P-256 with SHA-256.
    Es256,
    /// `ES384`: ECDSA on P-384 with SHA-384.
    Es384,
    /// `ES512`: ECDSA on P-521 with SHA-512.
    Es512,
}

/// How WebCrypto names an algorithm's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebCryptoFamily {
    /// `RSASSA-PKCS1-v1_5`
    RsaPkcs1,
    /// `RSA-PSS`, with a salt as long as the hash
    RsaPss {
        /// The salt length in bytes: 32, 48 or 64.
        salt_length: u32,
    },
    /// `ECDSA` on a named curve
    Ecdsa {
        /// WebCrypto's curve name: `P-256`, `P-384` or `P-521`.
        curve: &'static str,
    },
}

impl SignatureAlgorithm {
    const ALL: [Self; 9] = [
        Self::Rs256,
        Self::Rs384,
        Self::Rs512,
        Self::Ps256,
        Self::Ps384,
        Self::Ps512,
        Self::Es256,
        Self::Es384,
        Self::Es512,
    ];

    /// The algorithm of a JWS `alg` name, exactly; `None` for any other (`none` and HMAC included).
    pub fn from_jws(alg: &str) -> Option<Self> {
        // Smaller code than a `match` on the names (a comparison each): the names are a table.
        Self::ALL.into_iter().find(|algorithm| algorithm.jws_name() == alg)
    }

    /// The JWS `alg` name: `RS256`, …
    pub fn jws_name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Ps384 => "PS384",
            Self::Ps512 => "PS512",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::Es512 => "ES512",
        }
    }

    /// WebCrypto's hash name: `SHA-256`, `SHA-384` or `SHA-512`.
    pub fn hash(self) -> &'static str {
        match self {
            Self::Rs256 | Self::Ps256 | Self::Es256 => "SHA-256",
            Self::Rs384 | Self::Ps384 | Self::Es384 => "SHA-384",
            Self::Rs512 | Self::Ps512 | Self::Es512 => "SHA-512",
        }
    }

    /// The WebCrypto algorithm that verifies it, with its parameters.
    pub fn family(self) -> WebCryptoFamily {
        match self {
            Self::Rs256 | Self::Rs384 | Self::Rs512 => WebCryptoFamily::RsaPkcs1,
            Self::Ps256 => WebCryptoFamily::RsaPss { salt_length: 32 },
            Self::Ps384 => WebCryptoFamily::RsaPss { salt_length: 48 },
            Self::Ps512 => WebCryptoFamily::RsaPss { salt_length: 64 },
            Self::Es256 => WebCryptoFamily::Ecdsa { curve: "P-256" },
            Self::Es384 => WebCryptoFamily::Ecdsa { curve: "P-384" },
            Self::Es512 => WebCryptoFamily::Ecdsa { curve: "P-521" },
        }
    }

    /// The JWK key type (`kty`) the algorithm needs.
    pub fn key_type(self) -> &'static str {
        // Smaller code than asking `family()`, whose answer is built to be taken apart.
        match self {
            Self::Es256 | Self::Es384 | Self::Es512 => "EC",
            _ => "RSA",
        }
    }
}

/// A compact JWS split into what a verifier needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedJwt<'a> {
    /// The decoded header.
    pub header: JwtHeader,
    /// The header's `alg`, among those accepted.
    pub algorithm: SignatureAlgorithm,
    /// `base64url(header) || '.' || base64url(payload)`: the bytes that were signed.
    pub signing_input: &'a str,
    /// The signature, decoded from base64url.
    pub signature: Vec<u8>,
}

impl<'a> SignedJwt<'a> {
    /// Splits a compact JWS; it reads the header only (the claims are the caller's business).
    pub fn parse(token: &'a IdToken) -> Result<Self, IdTokenError> {
        let [header_part, _payload, signature] = split_jws(token)?;
        // Exactly three parts: the signed bytes are the token up to its last dot.
        let signing_input = super::rsplit_once_byte(token.secret(), b'.').map_or("", |(signed, _)| signed);
        let header = JwtHeader::decode(header_part)?;
        let Some(algorithm) = SignatureAlgorithm::from_jws(&header.alg) else {
            return Err(IdTokenError::UnsupportedAlgorithm(header.alg));
        };
        let signature = super::base64::decode_url(signature)
            .ok_or_else(|| IdTokenError::Malformed("the signature is not base64url".into()))?;
        Ok(Self { header, algorithm, signing_input, signature })
    }
}

/// An ID token whose signature one of the provider's keys verified. Only a [`SignatureCheck`] answered
/// with a [`SignatureVerdict`] (the crypto's, which only this crate can make) makes one, and a token
/// response becomes a [`super::TokenSet`] only with one: a sign-in or renewal that skipped the signature
/// step does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedIdToken(IdToken);

impl VerifiedIdToken {
    /// The token.
    pub fn token(&self) -> &IdToken {
        &self.0
    }

    /// The token, taken.
    pub(crate) fn into_token(self) -> IdToken {
        self.0
    }

    /// For tests of the rules after the signature step.
    #[cfg(test)]
    pub(crate) fn assume_verified(token: IdToken) -> Self {
        Self(token)
    }
}

/// A signature the browser must check (with WebCrypto): the signed bytes, the signature, and the
/// provider key the core chose for them. The flow that asked takes the answer, a [`SignatureVerdict`].
#[derive(Debug)]
pub struct SignatureCheck<'a> {
    /// The token, split.
    pub jwt: SignedJwt<'a>,
    /// The JWK to verify with, as WebCrypto imports it.
    pub key: &'a JsonObject,
    token: &'a IdToken,
}

impl<'a> SignatureCheck<'a> {
    /// What verifying `token` against `jwks` takes: its algorithm must be accepted and a key must fit.
    pub fn new(token: &'a IdToken, jwks: &'a JwkSet) -> Result<Self, IdTokenError> {
        let jwt = SignedJwt::parse(token)?;
        let key = jwks.select(&jwt)?;
        Ok(Self { jwt, key, token })
    }

    /// The check's answer: a verified token, or the error that the signature is not the provider's.
    // The browser layer's WebCrypto call concludes checks; native builds have none.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn conclude(self, verdict: SignatureVerdict) -> Result<VerifiedIdToken, IdTokenError> {
        self.pending().conclude(verdict)
    }

    /// The check, handed over, awaiting its answer.
    pub(crate) fn pending(&self) -> PendingSignature {
        PendingSignature(self.token.clone())
    }
}

/// What the platform's crypto (WebCrypto, in the browser layer) said of a [`SignatureCheck`]: the only
/// answer a flow's signature step takes. It has no public constructor, so that nothing outside this crate
/// can claim a signature verified, and a [`VerifiedIdToken`] comes only out of a real check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureVerdict {
    valid: bool,
}

impl SignatureVerdict {
    /// Whether the signature verified, as the crypto call answered.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn new(valid: bool) -> Self {
        Self { valid }
    }
}

/// A [`SignatureCheck`] handed over (to the browser), awaiting its answer: the token it checks. Made only
/// from a check, so that a flow concludes the very check it asked for.
#[derive(Debug)]
pub(crate) struct PendingSignature(IdToken);

impl PendingSignature {
    /// The check's answer, as [`SignatureCheck::conclude`] takes it.
    pub(crate) fn conclude(self, verdict: SignatureVerdict) -> Result<VerifiedIdToken, IdTokenError> {
        if verdict.valid {
            Ok(VerifiedIdToken(self.0))
        } else {
            Err(IdTokenError::InvalidSignature)
        }
    }
}

/// The provider's public keys (RFC 7517), each kept as the JSON WebCrypto imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwkSet {
    /// The keys, each as published (`kty`, `kid`, `alg`, `use`, and the key's own members).
    pub keys: Vec<JsonObject>,
}

impl JwkSet {
    /// Parses a JWKS document (`{"keys": [...]}`); errs as invalid discovery when it is not one.
    pub fn from_json(json: &str) -> Result<Self, ProtocolError> {
        let set = JsonObject::parse(json).map_err(Self::invalid)?;
        let Some(Value::Array(list)) = set.get("keys") else {
            return Err(Self::invalid(JsonError::field("keys", "must be a list of keys")));
        };
        // Smaller code than collecting `Option`s: a loop.
        let mut keys = Vec::with_capacity(list.len());
        for key in list {
            let Some(key) = JsonObject::from_value(key.clone()) else {
                return Err(Self::invalid(JsonError::field("keys", "must hold JSON objects")));
            };
            keys.push(key);
        }
        Ok(Self { keys })
    }

    /// The error of a document that is not a JWKS, as `error` says.
    fn invalid(error: JsonError) -> ProtocolError {
        ProtocolError::InvalidDiscovery(["the JWKS: ", &String::from(error)].concat())
    }

    /// The key that verifies a token signed with `jwt`'s header and algorithm: by `kid` when the token
    /// names one, otherwise the only key that fits. A key fits when its `kty` suits the algorithm, its
    /// `use` (if any) is `sig`, and its `alg` (if any) is the token's.
    pub fn select<'s>(&'s self, jwt: &SignedJwt<'_>) -> Result<&'s JsonObject, IdTokenError> {
        // Smaller code: the members are read borrowed, not copied.
        let text = |key: &'s JsonObject, name: &str| key.opt_str(name).ok().flatten();
        let fits = |key: &'s JsonObject| {
            text(key, "kty") == Some(jwt.algorithm.key_type())
                && text(key, "use").is_none_or(|u| u == "sig")
                && text(key, "alg").is_none_or(|a| a == jwt.algorithm.jws_name())
        };
        // Smaller code: one pass over the fitting keys, for either rule.
        let mut only = None;
        for key in self.keys.iter() {
            if !fits(key) {
                continue;
            }
            match &jwt.header.kid {
                Some(kid) if text(key, "kid") == Some(kid) => return Ok(key),
                Some(_) => {}
                None if only.replace(key).is_some() => return Err(IdTokenError::AmbiguousKey),
                None => {}
            }
        }
        only.ok_or_else(|| IdTokenError::UnknownKey(jwt.header.kid.clone().unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::id_token::tests::{claims_json, jwt};
    use serde_json::json;

    fn jwks() -> JwkSet {
        JwkSet::from_json(
            &json!({"keys": [
                {"kty": "RSA", "kid": "r1", "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
                {"kty": "EC", "kid": "e1", "crv": "P-256", "x": "x", "y": "y"},
                {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"}
            ]})
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn maps_algorithms_to_webcrypto() {
        let es = SignatureAlgorithm::from_jws("ES256").unwrap();
        assert_eq!(
            (es.hash(), es.family(), es.key_type()),
            ("SHA-256", WebCryptoFamily::Ecdsa { curve: "P-256" }, "EC")
        );
        let ps = SignatureAlgorithm::from_jws("PS384").unwrap();
        assert_eq!(ps.family(), WebCryptoFamily::RsaPss { salt_length: 48 });
        assert_eq!(SignatureAlgorithm::from_jws("HS256"), None);
        assert_eq!(SignatureAlgorithm::from_jws("none"), None);
    }

    #[test]
    fn splits_signing_input_and_signature() {
        let token = jwt(json!({"alg": "RS256", "kid": "r1"}), claims_json());
        let signed = SignedJwt::parse(&token).unwrap();
        assert_eq!(signed.algorithm, SignatureAlgorithm::Rs256);
        assert_eq!(signed.signature, b"sig");
        assert_eq!(format!("{}.c2ln", signed.signing_input), token.secret());
    }

    #[test]
    fn only_three_parts_are_a_signed_token() {
        let token = jwt(json!({"alg": "RS256", "kid": "r1"}), claims_json());
        for text in [format!("{}.c2ln", token.secret()), token.secret().replacen('.', "", 1)] {
            let token = IdToken::new(text);
            assert!(
                matches!(SignedJwt::parse(&token), Err(IdTokenError::Malformed(why)) if why.starts_with("a JWT has 3 parts"))
            );
        }
    }

    #[test]
    fn selects_keys_by_kid_and_type() {
        let set = jwks();
        let by_kid = |alg: &str, kid: Option<&str>| {
            let header = match kid {
                Some(kid) => json!({"alg": alg, "kid": kid}),
                None => json!({"alg": alg}),
            };
            let token = jwt(header, claims_json());
            set.select(&SignedJwt::parse(&token).unwrap()).map(|k| k.string("kid").unwrap())
        };
        assert_eq!(by_kid("RS256", Some("r1")), Ok("r1".into()));
        assert_eq!(by_kid("ES256", Some("e1")), Ok("e1".into()));
        assert_eq!(by_kid("ES256", None), Ok("e1".into()), "the only EC key");
        assert_eq!(by_kid("RS256", None), Ok("r1".into()), "the encryption key does not count");
        assert_eq!(by_kid("RS256", Some("nope")), Err(IdTokenError::UnknownKey("nope".into())));
        assert_eq!(by_kid("ES256", Some("r1")), Err(IdTokenError::UnknownKey("r1".into())), "wrong key type");
        assert_eq!(by_kid("RS384", Some("r1")), Err(IdTokenError::UnknownKey("r1".into())), "key pinned to RS256");
        assert_eq!(by_kid("RS256", Some("enc")), Err(IdTokenError::UnknownKey("enc".into())));
    }

    #[test]
    fn several_fitting_keys_without_kid_are_ambiguous() {
        let set = JwkSet::from_json(
            &json!({"keys": [{"kty": "RSA", "n": "a", "e": "b"}, {"kty": "RSA", "n": "c", "e": "d"}]}).to_string(),
        )
        .unwrap();
        let token = jwt(json!({"alg": "RS256"}), claims_json());
        assert_eq!(set.select(&SignedJwt::parse(&token).unwrap()), Err(IdTokenError::AmbiguousKey));
    }
}
