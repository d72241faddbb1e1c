//! ID-token signatures, verified with WebCrypto against the provider's JWKS.

use wasm_bindgen::prelude::*;

use super::AuthError;
use crate::protocol::{
    IdToken, JwkSet, ProtocolError, SignatureCheck, SignatureVerdict, VerifiedIdToken, WebCryptoFamily,
};

/// Verifies `token`'s signature with the key of `jwks` its header names: the core chooses the key and
/// takes the answer, WebCrypto checks.
pub async fn verify_signature(token: &IdToken, jwks: &JwkSet) -> Result<VerifiedIdToken, AuthError> {
    let check = SignatureCheck::new(token, jwks).map_err(ProtocolError::from)?;
    let verdict = check_signature(&check).await?;
    Ok(check.conclude(verdict).map_err(ProtocolError::from)?)
}

#[wasm_bindgen(module = "/src/browser/io.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    #[wasm_bindgen(js_name = verify)]
    async fn web_crypto_verify(jwk: &str, algorithm: &str, signature: &[u8], data: &[u8]) -> Result<JsValue, JsValue>;
}

/// What WebCrypto says of `check` (a flow's signature step): whether the token's signature verifies with
/// the key the core chose. The verdict is the only answer the flow takes.
pub async fn check_signature(check: &SignatureCheck<'_>) -> Result<SignatureVerdict, AuthError> {
    let (jwt, jwk) = (&check.jwt, check.key);
    // One parameter object serves WebCrypto's importKey and verify: each reads the members it knows.
    let hash = jwt.algorithm.hash();
    let algorithm = match jwt.algorithm.family() {
        WebCryptoFamily::RsaPkcs1 => ["{\"name\":\"RSASSA-PKCS1-v1_5\",\"hash\":\"", hash, "\"}"].concat(),
        WebCryptoFamily::RsaPss { salt_length } => {
            // The three lengths the core names, as text without the formatting machinery.
            let salt = match salt_length {
                32 => "32",
                48 => "48",
                _ => "64",
            };
            ["{\"name\":\"RSA-PSS\",\"hash\":\"", hash, "\",\"saltLength\":", salt, "}"].concat()
        }
        WebCryptoFamily::Ecdsa { curve } => {
            ["{\"name\":\"ECDSA\",\"hash\":\"", hash, "\",\"namedCurve\":\"", curve, "\"}"].concat()
        }
    };
    let valid = web_crypto_verify(&jwk.to_json_string(), &algorithm, &jwt.signature, jwt.signing_input.as_bytes())
        .await
        .map_err(AuthError::browser)?;
    Ok(SignatureVerdict::new(valid.as_bool() == Some(true)))
}
