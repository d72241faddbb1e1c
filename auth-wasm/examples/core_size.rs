//! A size probe, not an example to copy: the protocol core alone (discovery, authorize URL, callback,
//! token response, ID-token checks) as a wasm module, so that its share of the npm package can be measured.
//! `tests/support/npm-size.mjs` reports it; `tests/build-npm.sh` builds it.

#[cfg(target_arch = "wasm32")]
mod probe {
    use auth_wasm::browser::verify_signature;
    use auth_wasm::protocol::{
        authorize_url, parse_authorization_response, parse_token_response, ClientId, JwkSet, LoginTransaction,
        ProviderMetadata, Scopes, TokenContext,
    };
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    pub async fn probe(
        discovery: String,
        callback: String,
        token_response: String,
        jwks: String,
        random: Vec<u8>,
    ) -> String {
        let client_id = ClientId::new("spa");
        let run = async || -> Result<String, auth_wasm::AuthError> {
            let metadata = ProviderMetadata::from_json(&discovery, &Default::default(), "https://op.example")?;
            let mut bytes = [[0u8; 32]; 3];
            for (i, byte) in random.iter().take(96).enumerate() {
                bytes[i / 32][i % 32] = *byte;
            }
            let transaction = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", 0, bytes);
            let url = authorize_url(&metadata, &client_id, &transaction, &[])?;
            let sign_in = transaction.accept(parse_authorization_response(&callback)?, &metadata, 0)?;
            let tokens = parse_token_response(200, &token_response)?;
            let context = TokenContext { metadata: &metadata, client_id: &client_id, now: 0 };
            let jwks = JwkSet::from_json(&jwks)?;
            // The signature is checked by WebCrypto, as in the library: nothing else can call it verified.
            let id_token = match &tokens.id_token {
                Some(token) => Some(verify_signature(token, &jwks).await?),
                None => None,
            };
            let set = context.code_exchange(tokens, id_token, &sign_in)?;
            Ok(format!("{url} {}", set.access_token.expires_at))
        };
        run().await.unwrap_or_else(|e| e.to_string())
    }
}
