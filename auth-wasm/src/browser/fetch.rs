//! Calling APIs with the user's access token, through gloo-net.
//!
//! The token goes only to origins on the allow-list, so that a request to any other server can never
//! leak it. Where no token can be had silently, or an API answers 401 with a claims challenge, the
//! helper starts the interactive request that fixes it (once per challenge, so it cannot loop).

use gloo_net::http::{Method, RequestBuilder, Response};

use super::{history, now_secs, AuthClient, AuthError, TokenResult};
use crate::protocol::{
    claims_challenge, json, origin_of, JsonError, JsonObject, JsonRecord, Scopes, TRANSACTION_LIFETIME_SECS,
};

/// The claims challenge an origin sent last, and when.
struct ChallengeMarker {
    claims: JsonObject,
    at: i64,
}

impl JsonRecord for ChallengeMarker {
    fn to_json(&self) -> JsonObject {
        JsonObject::new().with("claims", self.claims.clone().into_value()).with("at", json::integer(self.at))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Ok(Self { claims: object.object("claims")?, at: object.integer("at")? })
    }
}

/// Sends requests with `Authorization: Bearer` for the given scopes to allow-listed origins.
#[derive(Clone)]
pub struct AuthorizedFetch {
    client: AuthClient,
    scopes: Scopes,
    allowed_origins: Vec<String>,
}

impl AuthorizedFetch {
    /// `allowed_origins`: `scheme://host[:port]` of the APIs that may see the token.
    pub fn new(client: AuthClient, scopes: Scopes, allowed_origins: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let allowed_origins = allowed_origins.into_iter().filter_map(|o| origin_of(o.as_ref())).collect();
        Self { client, scopes, allowed_origins }
    }

    fn allowed_origin(&self, url: &str) -> Option<String> {
        origin_of(url).filter(|origin| self.allowed_origins.contains(origin))
    }

    pub async fn get(&self, url: &str) -> Result<Response, AuthError> {
        self.send(Method::GET, url, None).await
    }

    /// Sends `method url` (with `body`, as JSON, when given). Errs with [`AuthError::Redirecting`]
    /// when it started an interactive request instead.
    pub async fn send(&self, method: Method, url: &str, body: Option<String>) -> Result<Response, AuthError> {
        let network = |e: gloo_net::Error| AuthError::Network { url: url.to_owned(), message: e.to_string() };
        let origin = self.allowed_origin(url);
        let mut builder = RequestBuilder::new(url).method(method);
        if origin.is_some() {
            match self.client.get_token(&self.scopes).await? {
                TokenResult::Success(token) => {
                    builder = builder.header("Authorization", &format!("Bearer {}", token.access_token.secret()));
                }
                TokenResult::RequiresInteraction(required) => {
                    required.redirect()?;
                    return Err(AuthError::Redirecting);
                }
            }
        }
        let request = match body {
            Some(body) => builder.header("Content-Type", "application/json").body(body).map_err(network)?,
            None => builder.build().map_err(network)?,
        };
        let response = request.send().await.map_err(network)?;
        let Some(origin) = origin else { return Ok(response) };
        let marker = crate::protocol::storage_keys::claims_challenge_key(&origin);
        let store = self.client.transactions();
        if response.status() == 401 {
            let challenge = response.headers().get("www-authenticate").and_then(|h| claims_challenge(&h));
            if let Some(claims) = challenge {
                // The same challenge again within the transaction lifetime: the sign-in for it did not
                // satisfy the API, and another would not either. The marker stays until a call succeeds
                // or it expires, so that an app retrying in a loop gets this error every time.
                let now = now_secs();
                let previous: Option<ChallengeMarker> = store.load(&marker)?;
                if previous.is_some_and(|p| p.claims == claims && now - p.at <= TRANSACTION_LIFETIME_SECS) {
                    return Err(AuthError::ClaimsChallengeRepeated { origin });
                }
                store.save(&marker, &ChallengeMarker { claims: claims.clone(), at: now })?;
                let request = self.client.interactive_request_for(&self.scopes)?.with_claims(claims);
                history::navigate_to_login(&self.client.config().login_path, &request)?;
                return Err(AuthError::Redirecting);
            }
            // The API refused the token (revoked, say): the next call gets a fresh one.
            self.client.forget_access_tokens(&self.scopes)?;
        } else if response.ok() {
            store.remove(&marker)?;
        }
        Ok(response)
    }
}
