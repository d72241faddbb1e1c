//! Accounts: who a cache entry belongs to.
//!
//! The home account id follows MSAL: Entra's `client_info` (`uid.utid`) where the provider sends it,
//! otherwise the issuer and subject of the ID token, which together name one user at any provider.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::id_token::BASE64URL;
use super::{IdTokenClaims, Issuer, ProtocolError};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HomeAccountId(String);

impl HomeAccountId {
    /// From Entra's `client_info`: base64url JSON `{"uid": …, "utid": …}` → `uid.utid`.
    pub fn from_client_info(client_info: &str) -> Result<Self, ProtocolError> {
        #[derive(Deserialize)]
        struct ClientInfo {
            uid: String,
            utid: String,
        }
        let invalid = |why: String| ProtocolError::InvalidTokenResponse(format!("client_info: {why}"));
        let bytes = BASE64URL.decode(client_info.trim()).map_err(|e| invalid(e.to_string()))?;
        let info: ClientInfo = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        if info.uid.is_empty() || info.utid.is_empty() {
            return Err(invalid("uid and utid must not be empty".into()));
        }
        Ok(Self(format!("{}.{}", info.uid, info.utid)))
    }

    /// From the ID token: subject and issuer.
    pub fn from_claims(claims: &IdTokenClaims) -> Self {
        Self(format!("{}.{}", claims.sub, claims.iss))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The signed-in account as the cache knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub home_account_id: HomeAccountId,
    pub issuer: Issuer,
    pub subject: String,
    /// `preferred_username`, else `email`: what a user recognises their account by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub name: String,
}

impl Account {
    pub fn new(home_account_id: HomeAccountId, claims: &IdTokenClaims) -> Self {
        let text = |name: &str| claims.claim(name).and_then(|v| v.as_str()).map(str::to_owned);
        Self {
            home_account_id,
            issuer: claims.iss.clone(),
            subject: claims.sub.clone(),
            username: text("preferred_username").or_else(|| text("email")),
            name: claims.display_name().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    fn claims() -> IdTokenClaims {
        serde_json::from_value(json!({
            "iss": "https://op.example", "sub": "alice", "aud": "spa", "exp": 2, "iat": 1,
            "preferred_username": "alice@example.com", "name": "Alice"
        }))
        .unwrap()
    }

    #[test]
    fn entra_client_info_gives_uid_dot_utid() {
        let info = URL_SAFE_NO_PAD
            .encode(r#"{"uid":"00000000-0000-0000-66f3-3332eca7ea81","utid":"9188040d-6c67-4c5b-b112-36a304b66dad"}"#);
        assert_eq!(
            HomeAccountId::from_client_info(&info).unwrap().as_str(),
            "00000000-0000-0000-66f3-3332eca7ea81.9188040d-6c67-4c5b-b112-36a304b66dad"
        );
    }

    #[test]
    fn invalid_client_info_is_an_error() {
        for bad in ["%%%", &URL_SAFE_NO_PAD.encode("{}"), &URL_SAFE_NO_PAD.encode(r#"{"uid":"","utid":"t"}"#)] {
            assert!(matches!(HomeAccountId::from_client_info(bad), Err(ProtocolError::InvalidTokenResponse(_))));
        }
    }

    #[test]
    fn elsewhere_subject_and_issuer() {
        let claims = claims();
        assert_eq!(HomeAccountId::from_claims(&claims).as_str(), "alice.https://op.example");
        let account = Account::new(HomeAccountId::from_claims(&claims), &claims);
        assert_eq!(account.username.as_deref(), Some("alice@example.com"));
        assert_eq!(account.name, "Alice");
    }
}
