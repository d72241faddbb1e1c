//! DPoP (RFC 9449): tokens bound to a key of this browser. Every request that asks for tokens or
//! presents one carries a proof, a JWT signed with that key, which names the request (`htm`, `htu`), is
//! fresh (`iat`, `jti`), and for a resource names the access token (`ath`). A copied token is useless
//! without the private key, which WebCrypto keeps non-extractable.
//!
//! The rules are here; the key and the signature are the browser layer's:
//! - a proof is built as its signing input ([`proof_signing_input`]) and completed with the signature
//!   WebCrypto made of it ([`signed_proof`]);
//! - the authorization request names the key by its RFC 7638 thumbprint (`dpop_jkt`), so that the code
//!   can only be exchanged with it;
//! - servers may ask for their nonce (`use_dpop_nonce`): the request is sent once more with it, and each
//!   server's last nonce is remembered, replaced by the one any later answer carries ([`DpopNonces`]).

use sha2::{Digest, Sha256};

use super::json::{self, JsonObject};
use super::{base64, origin_of, split_once_byte, AccessToken, ProtocolError};

/// The one proof algorithm: ECDSA P-256 with SHA-256, which every browser's WebCrypto signs with.
pub const DPOP_ALGORITHM: &str = "ES256";

/// Whether tokens are bound with DPoP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DpopMode {
    /// Bearer tokens.
    #[default]
    Off,
    /// Every token bound; a provider without DPoP is an error.
    Required,
    /// Tokens bound where the provider supports DPoP; bearer tokens elsewhere.
    IfSupported,
}

impl DpopMode {
    pub(crate) const ALL: [Self; 3] = [Self::Off, Self::Required, Self::IfSupported];

    /// The name in a configuration file: `off`, `required` or `if_supported`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Required => "required",
            Self::IfSupported => "if_supported",
        }
    }

    /// The mode named by `text`, exactly; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == text)
    }

    pub(crate) const EXPECTED: &'static str = "must be off, required or if_supported";

    /// Whether tokens from a provider whose metadata lists `supported` proof algorithms are bound: an
    /// error when they must be and cannot.
    pub fn binds(self, supported: Option<&[String]>) -> Result<bool, ProtocolError> {
        let supports = supported.is_some_and(|algs| algs.iter().any(|alg| alg == DPOP_ALGORITHM));
        match self {
            Self::Off => Ok(false),
            Self::IfSupported => Ok(supports),
            Self::Required if supports => Ok(true),
            Self::Required => Err(ProtocolError::InvalidConfig(
                "the configuration requires DPoP, which the provider does not support with ES256; \
                 turn DPoP off or set it to if_supported"
                    .into(),
            )),
        }
    }
}

/// The public half of a proof key (an EC P-256 key), as its JWK's coordinates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DpopPublicKey {
    x: String,
    y: String,
}

impl DpopPublicKey {
    /// The key of a public JWK as WebCrypto exports it: `kty` `EC`, `crv` `P-256`, and `x` and `y`
    /// each 32 bytes in base64url.
    pub fn from_jwk(jwk: &JsonObject) -> Result<Self, ProtocolError> {
        let invalid = || ProtocolError::InvalidRequest("the DPoP key is not a P-256 public key".into());
        let coordinate = |name| {
            jwk.opt_str(name)
                .ok()
                .flatten()
                .filter(|text| base64::decode_url(text).is_some_and(|bytes| bytes.len() == 32) && text.len() == 43)
                .map(str::to_owned)
        };
        if jwk.opt_str("kty") != Ok(Some("EC")) || jwk.opt_str("crv") != Ok(Some("P-256")) {
            return Err(invalid());
        }
        match (coordinate("x"), coordinate("y")) {
            (Some(x), Some(y)) => Ok(Self { x, y }),
            _ => Err(invalid()),
        }
    }

    /// The public JWK as JSON text: its required members only, so that no private or extra member ever
    /// goes out, in name order and without whitespace (RFC 7638's form, which the thumbprint hashes).
    fn jwk_json(&self) -> String {
        // The coordinates are base64url (checked): nothing in them needs escaping.
        [r#"{"crv":"P-256","kty":"EC","x":""#, &self.x, r#"","y":""#, &self.y, r#""}"#].concat()
    }

    /// The RFC 7638 thumbprint: base64url SHA-256 of the public JWK's required members in name order,
    /// without whitespace. Sent as `dpop_jkt`, and the `cnf.jkt` of bound tokens.
    pub fn thumbprint(&self) -> String {
        base64::encode_url(Sha256::digest(self.jwk_json().as_bytes()))
    }
}

/// What a sign-in asks of the key store for the key its authorization request names (`dpop_jkt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRequest {
    /// The stored key (the session's), or none.
    Load,
    /// A new key, stored in place of any other.
    Create,
}

impl KeyRequest {
    /// The first ask of a sign-in: the session's key while the session's tokens are bound to it
    /// (`session_jkt`) and the user is not picking another account (`switching`), so that the other
    /// tabs' tokens stay good; else a new key, so that no two accounts ever share one.
    pub fn first(session_jkt: Option<&str>, switching: bool) -> Self {
        if session_jkt.is_some() && !switching {
            Self::Load
        } else {
            Self::Create
        }
    }

    /// The thumbprint the sign-in names, given the store's answer `key`; `Ok(None)`: a new key is
    /// needed (the stored one is gone, or is not the session's).
    pub fn named(
        self,
        session_jkt: Option<&str>,
        key: Option<&DpopPublicKey>,
    ) -> Result<Option<String>, ProtocolError> {
        match (self, key.map(DpopPublicKey::thumbprint)) {
            (Self::Create, Some(jkt)) => Ok(Some(jkt)),
            (Self::Load, Some(jkt)) if Some(jkt.as_str()) == session_jkt => Ok(Some(jkt)),
            (Self::Load, _) => Ok(None),
            (Self::Create, None) => Err(ProtocolError::InvalidRequest("no DPoP key could be made".into())),
        }
    }
}

/// What a proof is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofRequest {
    /// The request's method (`POST`, `GET`, …).
    pub htm: String,
    /// The request's URL, without query and fragment.
    pub htu: String,
    /// The server's nonce, if it gave one.
    pub nonce: Option<String>,
    /// For a resource: the hash of the access token presented ([`access_token_hash`]).
    pub ath: Option<String>,
    /// The thumbprint of the key the request's grant is bound to: the proof is made with that key or not
    /// at all (see [`proof_signing_input`]).
    pub jkt: Option<String>,
}

impl ProofRequest {
    /// A proof for `method url` (its query and fragment are not part of `htu`).
    pub fn new(method: &str, url: &str, nonce: Option<&str>, access_token: Option<&AccessToken>) -> Self {
        Self {
            htm: method.to_ascii_uppercase(),
            htu: htu(url).to_owned(),
            nonce: nonce.map(str::to_owned),
            ath: access_token.map(access_token_hash),
            jkt: None,
        }
    }
}

/// `url` without its query and fragment (RFC 9449 §4.2).
pub fn htu(url: &str) -> &str {
    super::before_any(url, b"?#")
}

/// `ath`: base64url SHA-256 of the access token (RFC 9449 §4.2).
pub fn access_token_hash(token: &AccessToken) -> String {
    base64::encode_url(Sha256::digest(token.secret().as_bytes()))
}

/// The signing input of a proof for `request` with `key` at `now`: the base64url header and claims,
/// joined by a dot. `jti` is made of `random`, so that no two proofs share it. A request bound to
/// another key (the key was replaced, say by another tab's sign-in) is [`ProtocolError::DpopKeyGone`]:
/// never a request the provider must refuse.
pub fn proof_signing_input(
    key: &DpopPublicKey,
    request: &ProofRequest,
    now: i64,
    random: &[u8; 32],
) -> Result<String, ProtocolError> {
    if request.jkt.as_ref().is_some_and(|jkt| *jkt != key.thumbprint()) {
        return Err(ProtocolError::DpopKeyGone);
    }
    let header = [r#"{"typ":"dpop+jwt","alg":""#, DPOP_ALGORITHM, r#"","jwk":"#, &key.jwk_json(), "}"].concat();
    let claims = JsonObject::new()
        .with("jti", json::string(base64::encode_url(random)))
        .with("htm", json::string(request.htm.as_str()))
        .with("htu", json::string(request.htu.as_str()))
        .with("iat", json::integer(now))
        .with("nonce", json::opt_string(request.nonce.as_deref()))
        .with("ath", json::opt_string(request.ath.as_deref()));
    Ok([base64::encode_url(header), base64::encode_url(claims.to_json_string())].join("."))
}

/// The proof: `signing_input` and the signature WebCrypto made of it (ECDSA P-256: `r` and `s`, 32
/// bytes each, which is the JWS form).
pub fn signed_proof(signing_input: &str, signature: &[u8]) -> Result<String, ProtocolError> {
    if signature.len() != 64 {
        return Err(ProtocolError::InvalidRequest("the DPoP proof's signature is not an ES256 signature".into()));
    }
    Ok([signing_input, ".", &base64::encode_url(signature)].concat())
}

/// The last nonce each server gave (RFC 9449 §8 and §9), by the server's origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DpopNonces(Vec<(String, String)>);

impl DpopNonces {
    /// The nonce to send to `url`'s server.
    pub fn for_url(&self, url: &str) -> Option<&str> {
        let origin = origin_of(url)?;
        self.0.iter().find(|(server, _)| *server == origin).map(|(_, nonce)| nonce.as_str())
    }

    /// Takes the `DPoP-Nonce` of an answer from `url`'s server: it replaces the one remembered. Returns
    /// whether it is new.
    pub fn take(&mut self, url: &str, nonce: Option<&str>) -> bool {
        let (Some(origin), Some(nonce)) = (origin_of(url), nonce.filter(|nonce| is_nonce(nonce))) else {
            return false;
        };
        match self.0.iter_mut().find(|(server, _)| *server == origin) {
            Some((_, kept)) if kept == nonce => false,
            Some((_, kept)) => {
                *kept = nonce.to_owned();
                true
            }
            None => {
                self.0.push((origin, nonce.to_owned()));
                true
            }
        }
    }
}

/// A nonce as RFC 9449 §8.1 writes it (`1*NQCHAR`): printable ASCII without `"` and `\`.
fn is_nonce(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// Whether the token endpoint's answer asks for its nonce (`400` with `use_dpop_nonce`, §8).
pub fn token_endpoint_wants_nonce(status: u16, body: &str) -> bool {
    status == 400 && JsonObject::parse(body).is_ok_and(|object| object.opt_str("error") == Ok(Some("use_dpop_nonce")))
}

/// Whether a resource server's answer asks for its nonce (`401` with `WWW-Authenticate: DPoP
/// error="use_dpop_nonce"`, §9).
pub fn resource_wants_nonce(status: u16, www_authenticate: Option<&str>) -> bool {
    status == 401
        && www_authenticate.is_some_and(|challenge| {
            let Some((scheme, params)) = split_once_byte(challenge.trim_start(), b' ') else { return false };
            scheme.eq_ignore_ascii_case("DPoP") && params.contains("error=\"use_dpop_nonce\"")
        })
}

/// A request to a resource server with a bound access token (RFC 9449 §7 and §9): `Authorization:
/// DPoP <token>` with a proof of the request that names the token (`ath`), the server's last nonce in
/// it, and one more request with the new nonce a server that asks for it gives; never a loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRequest {
    method: String,
    url: String,
    ath: String,
    /// The thumbprint of the key the token is bound to: the proof is signed by that key or not sent.
    jkt: String,
    retried: bool,
}

impl ResourceRequest {
    /// `method url`, presenting `token`, bound to the key whose thumbprint is `jkt` (the session's).
    pub fn new(method: &str, url: &str, token: &AccessToken, jkt: &str) -> Self {
        Self {
            method: method.to_owned(),
            url: url.to_owned(),
            ath: access_token_hash(token),
            jkt: jkt.to_owned(),
            retried: false,
        }
    }

    /// The proof the request is sent with, with the server's nonce as `nonces` know it.
    pub fn proof(&self, nonces: &DpopNonces) -> ProofRequest {
        let mut proof = ProofRequest::new(&self.method, &self.url, nonces.for_url(&self.url), None);
        proof.ath = Some(self.ath.clone());
        proof.jkt = Some(self.jkt.clone());
        proof
    }

    /// Takes the server's answer (`status`, its `WWW-Authenticate` and `DPoP-Nonce` headers) into
    /// `nonces`; whether to send the request once more, with a new proof: the server asked for its
    /// nonce, gave a new one, and this is not already the second request.
    pub fn send_again(
        &mut self,
        nonces: &mut DpopNonces,
        status: u16,
        www_authenticate: Option<&str>,
        dpop_nonce: Option<&str>,
    ) -> bool {
        let new_nonce = nonces.take(&self.url, dpop_nonce);
        let again = !self.retried && new_nonce && resource_wants_nonce(status, www_authenticate);
        self.retried |= again;
        again
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// RFC 7638 §3.1's example key is RSA; this one is RFC 9449 §4.1's proof key.
    pub(crate) fn key() -> DpopPublicKey {
        let jwk = JsonObject::parse(
            r#"{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}"#,
        )
        .unwrap();
        DpopPublicKey::from_jwk(&jwk).unwrap()
    }

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&base64::decode_url(part).unwrap()).unwrap()
    }

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // Computed independently: sha256 of the canonical JSON of the key's required members.
        let canonical = r#"{"crv":"P-256","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}"#;
        let expected = ::base64::Engine::encode(
            &::base64::engine::general_purpose::URL_SAFE_NO_PAD,
            Sha256::digest(canonical.as_bytes()),
        );
        assert_eq!(key().thumbprint(), expected);
        assert_eq!(key().thumbprint(), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", "RFC 9449 §6.1's cnf.jkt");
    }

    #[test]
    fn only_a_p256_public_key_is_taken() {
        let jwk = |text: &str| DpopPublicKey::from_jwk(&JsonObject::parse(text).unwrap());
        let x = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";
        assert!(jwk(&format!(r#"{{"kty":"EC","crv":"P-384","x":"{x}","y":"{x}"}}"#)).is_err());
        assert!(jwk(&format!(r#"{{"kty":"RSA","crv":"P-256","x":"{x}","y":"{x}"}}"#)).is_err());
        assert!(jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}"}}"#)).is_err());
        assert!(jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{x}="}}"#)).is_err());
        assert!(jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"AAAA"}}"#)).is_err());
        // A private member given along is never sent: the proof's jwk has the public members only.
        let with_d = jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{x}","d":"{x}"}}"#)).unwrap();
        assert!(!with_d.jwk_json().contains("\"d\""));
    }

    #[test]
    fn a_token_request_proof_names_the_request_and_carries_the_public_key() {
        let request = ProofRequest::new("post", "https://op.example/token?x=1#f", None, None);
        let input = proof_signing_input(&key(), &request, 1_700_000_000, &[9; 32]).unwrap();
        let (header, claims) = input.split_once('.').unwrap();
        assert_eq!(
            decode(header),
            serde_json::json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256",
                "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}})
        );
        assert_eq!(
            decode(claims),
            serde_json::json!({"jti": base64::encode_url([9; 32]), "htm": "POST", "htu": "https://op.example/token",
                "iat": 1_700_000_000})
        );
        let other = proof_signing_input(&key(), &request, 1_700_000_000, &[8; 32]).unwrap();
        assert_ne!(other, input, "a fresh jti for every proof");
    }

    #[test]
    fn a_resource_proof_carries_the_nonce_and_the_access_token_hash() {
        let token = AccessToken::new("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
        let request =
            ProofRequest::new("GET", "https://api.example/orders", Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"), Some(&token));
        let input = proof_signing_input(&key(), &request, 1, &[1; 32]).unwrap();
        let claims = decode(input.split('.').nth(1).unwrap());
        // RFC 9449 §7.1's example: this access token's ath.
        assert_eq!(claims["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        assert_eq!(claims["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        assert!(!input.contains(token.secret()), "the token itself is not in the proof");
    }

    #[test]
    fn a_bound_request_is_proved_with_its_own_key_only() {
        let mut request = ProofRequest::new("POST", "https://op.example/token", None, None);
        request.jkt = Some(key().thumbprint());
        assert!(proof_signing_input(&key(), &request, 1, &[1; 32]).is_ok());
        // The store holds another key (another tab's sign-in replaced it): no proof the provider refuses.
        request.jkt = Some("the-thumbprint-of-another-key".into());
        let error = proof_signing_input(&key(), &request, 1, &[1; 32]).unwrap_err();
        assert_eq!((error.code(), error.requires_interaction()), ("dpop_key_gone", true));
    }

    #[test]
    fn a_proof_is_completed_with_an_es256_signature_only() {
        assert_eq!(signed_proof("h.c", &[0; 64]).unwrap(), format!("h.c.{}", base64::encode_url([0; 64])));
        assert!(signed_proof("h.c", &[0; 70]).is_err(), "a DER signature is not a JWS one");
    }

    #[test]
    fn binds_as_the_configuration_and_the_provider_allow() {
        let es256 = vec!["ES256".to_owned(), "EdDSA".to_owned()];
        let eddsa = vec!["EdDSA".to_owned()];
        assert_eq!(DpopMode::Off.binds(Some(&es256)), Ok(false));
        assert_eq!(DpopMode::IfSupported.binds(Some(&es256)), Ok(true));
        assert_eq!(DpopMode::IfSupported.binds(Some(&eddsa)), Ok(false), "bearer tokens, as configured");
        assert_eq!(DpopMode::IfSupported.binds(None), Ok(false));
        assert_eq!(DpopMode::Required.binds(Some(&es256)), Ok(true));
        assert_eq!(DpopMode::Required.binds(None).unwrap_err().code(), "invalid_config");
        assert_eq!(DpopMode::parse("if_supported"), Some(DpopMode::IfSupported));
        assert_eq!(DpopMode::parse("on"), None);
    }

    #[test]
    fn each_servers_last_nonce_is_remembered_and_replaced() {
        let mut nonces = DpopNonces::default();
        assert_eq!(nonces.for_url("https://op.example/token"), None);
        assert!(nonces.take("https://op.example/token", Some("n-1")));
        assert!(!nonces.take("https://op.example/par", Some("n-1")), "the same server, the same nonce");
        assert_eq!(nonces.for_url("https://op.example/other?x"), Some("n-1"), "per server, not per endpoint");
        assert_eq!(nonces.for_url("https://api.example/orders"), None, "not another server's");
        assert!(nonces.take("https://op.example/token", Some("n-2")));
        assert_eq!(nonces.for_url("https://op.example/token"), Some("n-2"), "replaced by the later answer's");
        assert!(!nonces.take("https://op.example/token", None), "an answer without one keeps it");
        assert!(!nonces.take("https://op.example/token", Some("bad\"nonce")), "not a nonce");
        assert!(!nonces.take("https://op.example/token", Some("")));
        assert_eq!(nonces.for_url("https://op.example/token"), Some("n-2"));
    }

    #[test]
    fn servers_ask_for_their_nonce_as_rfc_9449_says() {
        assert!(token_endpoint_wants_nonce(400, r#"{"error":"use_dpop_nonce","error_description":"x"}"#));
        assert!(!token_endpoint_wants_nonce(400, r#"{"error":"invalid_dpop_proof"}"#));
        assert!(!token_endpoint_wants_nonce(401, r#"{"error":"use_dpop_nonce"}"#));
        assert!(!token_endpoint_wants_nonce(400, "use_dpop_nonce"));
        assert!(resource_wants_nonce(401, Some(r#"DPoP error="use_dpop_nonce", error_description="x""#)));
        assert!(resource_wants_nonce(401, Some(r#"dpop algs="ES256", error="use_dpop_nonce""#)));
        assert!(!resource_wants_nonce(401, Some(r#"Bearer error="use_dpop_nonce""#)));
        assert!(!resource_wants_nonce(403, Some(r#"DPoP error="use_dpop_nonce""#)));
        assert!(!resource_wants_nonce(401, Some(r#"DPoP error="invalid_token""#)));
        assert!(!resource_wants_nonce(401, None));
    }

    #[test]
    fn a_resource_request_names_the_token_and_costs_one_retry_for_the_servers_nonce() {
        let token = AccessToken::new("at-1");
        let url = "https://api.example/orders?page=2";
        let mut request = ResourceRequest::new("GET", url, &token, "jkt-1");
        let mut nonces = DpopNonces::default();
        let first = request.proof(&nonces);
        assert_eq!(
            (first.htm.as_str(), first.htu.as_str(), first.nonce.as_deref()),
            ("GET", "https://api.example/orders", None)
        );
        assert_eq!(first.ath, Some(access_token_hash(&token)), "the proof names the token it goes with");
        assert_eq!(first.jkt.as_deref(), Some("jkt-1"), "and is signed by the key the token is bound to only");
        let asks = Some(r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce""#);
        assert!(request.send_again(&mut nonces, 401, asks, Some("api-n-1")), "one more, with the nonce");
        assert_eq!(request.proof(&nonces).nonce.as_deref(), Some("api-n-1"));
        assert!(!request.send_again(&mut nonces, 401, asks, Some("api-n-2")), "never a third request");
        assert_eq!(nonces.for_url(url), Some("api-n-2"), "the last nonce is kept for the next request");
        // The next request to that server starts with its nonce; a 401 that does not ask for one, or
        // asks without giving a new one, is the app's answer.
        let mut next = ResourceRequest::new("POST", "https://api.example/orders", &token, "jkt-1");
        assert_eq!(next.proof(&nonces).nonce.as_deref(), Some("api-n-2"));
        assert!(!next.send_again(&mut nonces, 401, Some(r#"DPoP error="invalid_token""#), Some("api-n-3")));
        let mut other = ResourceRequest::new("GET", url, &token, "jkt-1");
        assert!(!other.send_again(&mut nonces, 401, asks, Some("api-n-3")), "the nonce it already sent");
    }
}
