//! Calling APIs with the user's access token, through gloo-net.
//!
//! The token goes only to origins on the allow-list, so that a request to any other server can never
//! leak it. Where no token can be had silently, or an API answers 401 with a claims challenge, the
//! helper goes to the app's login route with the interactive request that fixes it.
//!
//! Redirects are followed (an API may move), but only the allow-listed origin the token was sent to is
//! trusted to speak for the API: a 401 or a `WWW-Authenticate` claims challenge whose final URL is on
//! another origin, or that came at the end of a redirect chain, is handed to the app as it is, neither
//! starting a sign-in nor forgetting the token ([`challenge_is_from`]). (The browser itself drops `Authorization` on a cross-origin redirect.) And
//! each origin gets at most one interactive claims round trip per 15 minutes, whatever the claims
//! ([`claims_round_trip_allowed`]), so that an API cannot send the app to the provider in a loop.

use gloo_net::http::{Method, RequestBuilder, Response};

use super::{history, now_secs, AuthClient, AuthError, TokenResult};
use crate::protocol::{
    challenge_is_from, claims_challenge, claims_round_trip_allowed, origin_of, ClaimsRoundTrip, Scopes,
};

/// Sends requests with `Authorization: Bearer` for the given scopes to allow-listed origins (with the
/// `dpop` feature, `Authorization: DPoP` and a proof where the session's tokens are bound).
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

    /// Sends `GET url`; see [`send`](Self::send).
    pub async fn get(&self, url: &str) -> Result<Response, AuthError> {
        self.send(Method::GET, url, None).await
    }

    /// Sends `method url` (with `body`, as JSON, when given). Errs with [`AuthError::Redirecting`]
    /// when it started an interactive request instead.
    #[cfg_attr(feature = "dpop", allow(unused_mut))]
    pub async fn send(&self, method: Method, url: &str, mut body: Option<String>) -> Result<Response, AuthError> {
        let network = |e: gloo_net::Error| AuthError::Network { url: url.to_owned(), message: e.to_string() };
        let origin = self.allowed_origin(url);
        let mut sent = None;
        if origin.is_some() {
            match self.client.get_token(&self.scopes).await? {
                TokenResult::Success(token) => sent = Some(token.access_token),
                TokenResult::RequiresInteraction(required) => {
                    // A sign-in started here would loop (see `needs_the_users_click`): the app gets the error.
                    if let Some(reason) = required.reason.as_deref().filter(|r| r.needs_the_users_click()) {
                        return Err(reason.clone());
                    }
                    required.go_to_login_route()?;
                    return Err(AuthError::Redirecting);
                }
            }
        }
        // A token of a session bound with DPoP goes with a proof of the request (see ResourceRequest).
        #[cfg(feature = "dpop")]
        let mut bound = sent.as_ref().and_then(|token| {
            let session = self.client.sync().current()?;
            Some(crate::protocol::dpop::ResourceRequest::new(method.as_str(), url, token, session.dpop_jkt()?))
        });
        #[cfg_attr(not(feature = "dpop"), allow(clippy::never_loop))]
        let response = loop {
            let mut builder = RequestBuilder::new(url).method(method.clone());
            #[cfg(feature = "dpop")]
            if let (Some(token), Some(request)) = (&sent, &bound) {
                let proof = request.proof(&self.client.dpop_nonces().borrow());
                let proof = self.client.sign_dpop_proof(&proof).await?;
                builder = builder.header("Authorization", &["DPoP ", token.secret()].concat()).header("DPoP", &proof);
            }
            #[cfg(feature = "dpop")]
            let bearer = bound.is_none();
            #[cfg(not(feature = "dpop"))]
            let bearer = true;
            if let Some(token) = sent.as_ref().filter(|_| bearer) {
                builder = builder.header("Authorization", &["Bearer ", token.secret()].concat());
            }
            // Kept for a second request with DPoP; without, there is none.
            #[cfg(feature = "dpop")]
            let body_now = body.clone();
            #[cfg(not(feature = "dpop"))]
            let body_now = body.take();
            let request = match body_now {
                Some(body) => builder.header("Content-Type", "application/json").body(body).map_err(network)?,
                None => builder.build().map_err(network)?,
            };
            let response = request.send().await.map_err(network)?;
            #[cfg(feature = "dpop")]
            if let Some(request) = &mut bound {
                let headers = response.headers();
                let (challenge, nonce) = (headers.get("www-authenticate"), headers.get("dpop-nonce"));
                let mut nonces = self.client.dpop_nonces().borrow_mut();
                if request.send_again(&mut nonces, response.status(), challenge.as_deref(), nonce.as_deref()) {
                    continue;
                }
            }
            break response;
        };
        let Some(origin) = origin else { return Ok(response) };
        if response.status() != 401 || !challenge_is_from(&origin, &response.url(), response.redirected()) {
            return Ok(response);
        }
        let challenge = response.headers().get("www-authenticate").and_then(|h| claims_challenge(&h));
        let Some(claims) = challenge else {
            // The API refused the token (revoked, say): the next call gets a fresh one. Only the token
            // sent is forgotten: another tab may have stored a newer one meanwhile.
            if let Some(sent) = &sent {
                self.client.forget_access_token(sent)?;
            }
            return Ok(response);
        };
        // One interactive round trip per origin per 15 minutes: a sign-in that did not satisfy the API,
        // or an API whose challenge changes on every call, must not send the user to the provider again
        // and again. The marker is not cleared by a success, so an app retrying in a loop gets this
        // error every time until it expires.
        let marker = crate::protocol::storage_keys::claims_challenge_key(&origin);
        let store = self.client.transactions();
        let now = now_secs();
        let previous: Option<ClaimsRoundTrip> = store.load(&marker)?;
        if !claims_round_trip_allowed(previous.as_ref(), now) {
            return Err(AuthError::ClaimsChallengeRepeated { origin });
        }
        store.save(&marker, &ClaimsRoundTrip { at: now })?;
        let request = self.client.interactive_request_for(&self.scopes)?.with_claims(claims);
        history::navigate_to_login(&self.client.config().login_path, &request)?;
        Err(AuthError::Redirecting)
    }
}
