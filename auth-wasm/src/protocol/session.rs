//! The signed-in session: the tokens of a completed sign-in and the user they describe.

use serde::{Deserialize, Serialize};

use super::{
    decode_id_token, AccessToken, ClientId, IdToken, IdTokenClaims, IdTokenExpectations, LoginTransaction, ProtocolError,
    ProviderMetadata, RefreshToken, Scopes, TokenResponse, DEFAULT_CLOCK_SKEW_SECS,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id_token: IdToken,
    pub claims: IdTokenClaims,
    pub access_token: AccessToken,
    /// When the access token expires, in seconds since the Unix epoch, if the provider said.
    pub access_token_expires_at: Option<i64>,
    pub refresh_token: Option<RefreshToken>,
    pub scopes: Scopes,
}

/// The signed-in user, as an app shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub subject: String,
    pub display_name: String,
    pub claims: IdTokenClaims,
}

impl Session {
    pub const STORAGE_KEY: &'static str = "auth-wasm.session";

    /// The session of a completed code exchange. The ID token must be present and pass every check of
    /// [`IdTokenExpectations`] against the transaction's nonce; nothing is kept otherwise.
    pub fn from_code_exchange(
        response: TokenResponse,
        transaction: &LoginTransaction,
        metadata: &ProviderMetadata,
        client_id: &ClientId,
        now: i64,
    ) -> Result<Self, ProtocolError> {
        let id_token = response
            .id_token
            .ok_or_else(|| ProtocolError::InvalidTokenResponse("the response to a sign-in has no id_token".into()))?;
        let (_header, claims) = decode_id_token(&id_token)?;
        IdTokenExpectations {
            issuer: &metadata.issuer,
            client_id,
            nonce: Some(&transaction.nonce),
            now,
            clock_skew: DEFAULT_CLOCK_SKEW_SECS,
        }
        .check(&claims)?;
        let scopes = match response.scope.as_deref() {
            Some(granted) => Scopes::parse(granted)?,
            None => transaction.scopes.clone(),
        };
        Ok(Self {
            id_token,
            claims,
            access_token: response.access_token,
            access_token_expires_at: response.expires_in.map(|secs| now.saturating_add(secs.min(i64::MAX as u64) as i64)),
            refresh_token: response.refresh_token,
            scopes,
        })
    }

    pub fn user(&self) -> User {
        User {
            subject: self.claims.sub.clone(),
            display_name: self.claims.display_name().to_owned(),
            claims: self.claims.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::id_token::tests::{claims_json, jwt, NOW};
    use crate::protocol::{parse_token_response, IdTokenError, Nonce};
    use serde_json::json;

    fn transaction() -> LoginTransaction {
        let mut tx = LoginTransaction::begin("https://app/cb", Scopes::new().for_sign_in(), "/", NOW).unwrap();
        tx.nonce = Nonce::new("n-1");
        tx
    }

    fn response(claims: serde_json::Value) -> TokenResponse {
        let body = json!({
            "access_token": "at", "token_type": "Bearer", "expires_in": 60, "refresh_token": "rt",
            "scope": "openid profile offline_access",
            "id_token": jwt(json!({"alg": "RS256"}), claims).secret()
        });
        parse_token_response(200, &body.to_string()).unwrap()
    }

    #[test]
    fn builds_a_session_from_a_valid_response() {
        let session =
            Session::from_code_exchange(response(claims_json()), &transaction(), &metadata(), &ClientId::new("spa"), NOW)
                .unwrap();
        assert_eq!(session.access_token_expires_at, Some(NOW + 60));
        assert_eq!(session.scopes.to_scope_string(), "offline_access openid profile");
        let user = session.user();
        assert_eq!((user.subject.as_str(), user.display_name.as_str()), ("alice", "Alice Example"));
        let stored = serde_json::to_string(&session).unwrap();
        assert_eq!(serde_json::from_str::<Session>(&stored).unwrap(), session);
    }

    #[test]
    fn rejects_a_response_whose_id_token_fails_a_check() {
        let mut claims = claims_json();
        claims["nonce"] = json!("replayed");
        let err = Session::from_code_exchange(response(claims), &transaction(), &metadata(), &ClientId::new("spa"), NOW)
            .unwrap_err();
        assert_eq!(err, ProtocolError::IdToken(IdTokenError::Nonce));
    }

    #[test]
    fn requires_an_id_token() {
        let mut response = response(claims_json());
        response.id_token = None;
        let err = Session::from_code_exchange(response, &transaction(), &metadata(), &ClientId::new("spa"), NOW);
        assert!(matches!(err, Err(ProtocolError::InvalidTokenResponse(_))));
    }
}
