//! ID-token signatures, verified with WebCrypto against the provider's JWKS.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::AuthError;
use crate::protocol::{
    IdToken, JsonObject, JwkSet, ProtocolError, SignatureCheck, SignedJwt, VerifiedIdToken, WebCryptoFamily,
};

/// Verifies `token`'s signature with the key of `jwks` its header names: the core chooses the key and
/// takes the answer, WebCrypto checks.
pub async fn verify_signature(token: &IdToken, jwks: &JwkSet) -> Result<VerifiedIdToken, AuthError> {
    let check = SignatureCheck::new(token, jwks).map_err(ProtocolError::from)?;
    let valid = verify_with_jwk(&check.jwt, check.key).await?;
    Ok(check.conclude(valid).map_err(ProtocolError::from)?)
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) -> Result<(), AuthError> {
    Reflect::set(object, &key.into(), &value.into()).map(|_| ()).map_err(AuthError::browser)
}

/// Whether `jwt`'s signature verifies with `jwk`.
pub(crate) async fn verify_with_jwk(jwt: &SignedJwt<'_>, jwk: &JsonObject) -> Result<bool, AuthError> {
    let crypto = web_sys::window()
        .ok_or_else(|| AuthError::Browser("no window".into()))?
        .crypto()
        .map_err(AuthError::browser)?;
    let subtle = crypto.subtle();
    let key_data: Object = js_sys::JSON::parse(&jwk.to_json_string()).map_err(AuthError::browser)?.unchecked_into();

    let (import, verify) = (Object::new(), Object::new());
    match jwt.algorithm.family() {
        WebCryptoFamily::RsaPkcs1 => {
            set(&import, "name", "RSASSA-PKCS1-v1_5")?;
            set(&import, "hash", jwt.algorithm.hash())?;
            set(&verify, "name", "RSASSA-PKCS1-v1_5")?;
        }
        WebCryptoFamily::RsaPss { salt_length } => {
            set(&import, "name", "RSA-PSS")?;
            set(&import, "hash", jwt.algorithm.hash())?;
            set(&verify, "name", "RSA-PSS")?;
            set(&verify, "saltLength", salt_length)?;
        }
        WebCryptoFamily::Ecdsa { curve } => {
            set(&import, "name", "ECDSA")?;
            set(&import, "namedCurve", curve)?;
            set(&verify, "name", "ECDSA")?;
            set(&verify, "hash", jwt.algorithm.hash())?;
        }
    }
    let usages = Array::of1(&"verify".into());
    let key = match subtle.import_key_with_object("jwk", &key_data, &import, false, &usages) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    // A key WebCrypto will not import cannot have made this signature.
    let Ok(key) = key else { return Ok(false) };
    let signature = Uint8Array::from(jwt.signature.as_slice());
    let data = Uint8Array::from(jwt.signing_input.as_bytes());
    let promise = subtle
        .verify_with_object_and_buffer_source_and_buffer_source(&verify, &key.unchecked_into(), &signature, &data)
        .map_err(AuthError::browser)?;
    Ok(JsFuture::from(promise).await.map_err(AuthError::browser)?.as_bool() == Some(true))
}
