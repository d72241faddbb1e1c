//! Accounts: who a cache entry belongs to.
//!
//! The home account id follows MSAL: Entra's `client_info` (`uid.utid`) where the provider sends it,
//! otherwise the issuer and subject of the ID token, which together name one user at any provider.

use std::rc::Rc;

use super::json::{self, JsonError, JsonObject, JsonRecord};
use super::{IdTokenClaims, Issuer, ProtocolError};

/// The id of an account across sign-ins: the key of its session and of its renewal lock.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HomeAccountId(String);

impl HomeAccountId {
    /// From Entra's `client_info`: base64url JSON `{"uid": …, "utid": …}` → `uid.utid`.
    pub fn from_client_info(client_info: &str) -> Result<Self, ProtocolError> {
        let invalid = |why: String| ProtocolError::InvalidTokenResponse(["client_info: ", &why].concat());
        let bytes =
            super::base64::decode_url(client_info.trim_ascii()).ok_or_else(|| invalid("not base64url".into()))?;
        let info = JsonObject::parse_bytes(&bytes).map_err(|e| invalid(e.into()))?;
        let (uid, utid) =
            (info.string("uid").map_err(|e| invalid(e.into()))?, info.string("utid").map_err(|e| invalid(e.into()))?);
        if uid.is_empty() || utid.is_empty() {
            return Err(invalid("uid and utid must not be empty".into()));
        }
        Ok(Self([uid.as_str(), ".", utid.as_str()].concat()))
    }

    /// From the ID token: subject and issuer.
    pub fn from_claims(claims: &IdTokenClaims) -> Self {
        Self([claims.sub.as_str(), ".", claims.iss.as_str()].concat())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stored id, read back as it is.
    pub(crate) fn from_stored(id: String) -> Self {
        Self(id)
    }
}

/// The signed-in account: who the ID token names, as the cache keys it and as an app shows it. This is
/// the one shape of "the account" everywhere: in the session, in events, in `use_auth()` and (as JSON)
/// in the JS API.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// The cache key of the account (Entra's `uid.utid`, else subject and issuer).
    pub home_account_id: HomeAccountId,
    /// The provider that signed the ID token.
    pub issuer: Issuer,
    /// The ID token's `sub`.
    pub subject: String,
    /// `preferred_username`, else `email`: what a user recognises their account by (sent as `login_hint`).
    pub username: Option<String>,
    /// The best name to show: `name`, else `preferred_username`, else `email`, else the subject.
    pub display_name: String,
    /// Every claim of the ID token (its signature was verified). Shared, not copied, by the copies of
    /// the account that events and app state hand around.
    pub claims: Rc<IdTokenClaims>,
}

impl Account {
    /// The account `claims` name, under `home_account_id`.
    pub fn new(home_account_id: HomeAccountId, claims: &IdTokenClaims) -> Self {
        Self::with_claims(home_account_id, claims.clone())
    }

    /// [`Self::new`], taking the claims (no copy of them).
    pub(crate) fn with_claims(home_account_id: HomeAccountId, claims: IdTokenClaims) -> Self {
        let text = |name: &str| claims.text_claim(name).map(str::to_owned);
        Self {
            home_account_id,
            issuer: claims.iss.clone(),
            subject: claims.sub.clone(),
            username: text("preferred_username").or_else(|| text("email")),
            display_name: claims.display_name().to_owned(),
            claims: Rc::new(claims),
        }
    }
}

impl JsonRecord for Account {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("home_account_id", json::string(self.home_account_id.as_str()))
            .with("claims", self.claims.to_json().into_value())
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let claims = IdTokenClaims::from_object(object.object("claims")?.clone())?;
        Ok(Self::with_claims(HomeAccountId::from_stored(object.string("home_account_id")?), claims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::id_token::tests::claims_from;
    use serde_json::json;

    fn claims() -> IdTokenClaims {
        claims_from(json!({
            "iss": "https://op.example", "sub": "alice", "aud": "spa", "exp": 2, "iat": 1,
            "preferred_username": "alice@example.com", "name": "Alice"
        }))
    }

    #[test]
    fn entra_client_info_gives_uid_dot_utid() {
        let info = crate::protocol::base64::encode_url(
            r#"{"uid":"00000000-0000-0000-66f3-3332eca7ea81","utid":"9188040d-6c67-4c5b-b112-36a304b66dad"}"#,
        );
        assert_eq!(
            HomeAccountId::from_client_info(&info).unwrap().as_str(),
            "00000000-0000-0000-66f3-3332eca7ea81.9188040d-6c67-4c5b-b112-36a304b66dad"
        );
    }

    #[test]
    fn invalid_client_info_is_an_error() {
        for bad in [
            "%%%",
            &crate::protocol::base64::encode_url("{}"),
            &crate::protocol::base64::encode_url(r#"{"uid":"","utid":"t"}"#),
        ] {
            assert!(matches!(HomeAccountId::from_client_info(bad), Err(ProtocolError::InvalidTokenResponse(_))));
        }
    }

    #[test]
    fn elsewhere_subject_and_issuer() {
        let claims = claims();
        assert_eq!(HomeAccountId::from_claims(&claims).as_str(), "alice.https://op.example");
        let account = Account::new(HomeAccountId::from_claims(&claims), &claims);
        assert_eq!(account.username.as_deref(), Some("alice@example.com"));
        assert_eq!(account.display_name, "Alice");
        assert_eq!(Account::from_json_str(&account.to_json_string()), Ok(account));
    }
}
