//! What a token response means once checked: who signed in, the access token, the refresh token.
//!
//! A response becomes a [`TokenSet`] only with the [`VerifiedIdToken`] its ID token became in the
//! signature step, so the order callback → token request → signature → claims → store is the types'.

use super::token::invalid_response;
use super::{
    id_token::verified_claims, AcceptedSignIn, Account, CachedAccessToken, ClientId, HomeAccountId, IdToken,
    IdTokenClaims, IdTokenExpectations, Nonce, ProtocolError, ProviderMetadata, RefreshToken, Scopes, Session,
    TokenResponse, VerifiedIdToken, DEFAULT_CLOCK_SKEW_SECS,
};

/// A checked token response.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenSet {
    /// The account the ID token names, with the token; `None` after a refresh that returned no ID token.
    pub identity: Option<(Account, IdToken)>,
    /// Every scope the grant holds (or, where the provider did not say, those asked for): sign-ins only.
    pub granted_scopes: Option<Scopes>,
    /// The access token, with the scopes it serves.
    pub access_token: CachedAccessToken,
    /// `None` when the provider issued none (then the previous one, if any, stays in use).
    pub refresh_token: Option<RefreshToken>,
    /// The thumbprint of the DPoP key the tokens are bound to; `None`: bearer tokens.
    #[cfg(feature = "dpop")]
    pub dpop_jkt: Option<String>,
}

/// What the checks of a token response need to know.
#[derive(Clone, Copy, Debug)]
pub struct TokenContext<'a> {
    /// The provider's metadata (its issuer).
    pub metadata: &'a ProviderMetadata,
    /// This client: the ID token's audience.
    pub client_id: &'a ClientId,
    /// Seconds since the Unix epoch.
    pub now: i64,
}

/// What a token request traded, for the checks of its answer.
#[derive(Clone, Copy)]
enum Traded<'a> {
    /// The code of the sign-in `transaction`.
    Code(&'a AcceptedSignIn),
    /// The refresh token of `previous`, for `requested`.
    Refresh(&'a Session, &'a Scopes),
}

impl TokenContext<'_> {
    /// The ID token of `response`, which must be the one the signature step verified, and its checked
    /// claims.
    fn check_id_token(
        &self,
        response: &TokenResponse,
        verified: Option<VerifiedIdToken>,
        nonce: Option<&Nonce>,
        max_age: Option<u64>,
    ) -> Result<Option<(IdToken, IdTokenClaims)>, ProtocolError> {
        let verified = match (&response.id_token, verified) {
            (None, None) => return Ok(None),
            (Some(sent), Some(verified)) if sent == verified.token() => verified,
            _ => {
                return Err(invalid_response(
                    "the ID token of the response is not the one whose signature was verified",
                ))
            }
        };
        let claims = verified_claims(&verified)?;
        IdTokenExpectations {
            issuer: &self.metadata.issuer,
            client_id: self.client_id,
            nonce,
            max_age,
            now: self.now,
            clock_skew: DEFAULT_CLOCK_SKEW_SECS,
        }
        .check(&claims)?;
        // Smaller code: the verified token is moved out rather than the response's cloned.
        Ok(Some((verified.into_token(), claims)))
    }

    /// The checked result of `response` to what was `traded`: one body for the code exchange and the
    /// refresh (smaller code than two, which the token flow would both carry).
    fn token_set(
        &self,
        response: TokenResponse,
        id_token: Option<VerifiedIdToken>,
        traded: Traded<'_>,
    ) -> Result<TokenSet, ProtocolError> {
        let (nonce, max_age, requested) = match traded {
            Traded::Code(sign_in) => (Some(&sign_in.nonce), sign_in.max_age, &sign_in.scopes),
            Traded::Refresh(_, requested) => (None, None, requested),
        };
        let identity = match self.check_id_token(&response, id_token, nonce, max_age)? {
            None if matches!(traded, Traded::Code(_)) => {
                return Err(invalid_response("the response to a sign-in has no id_token"))
            }
            None => None,
            Some((id_token, claims)) => {
                let home_account_id = match traded {
                    Traded::Code(_) => match response.client_info.as_deref() {
                        Some(info) => HomeAccountId::from_client_info(info)?,
                        None => HomeAccountId::from_claims(&claims),
                    },
                    Traded::Refresh(previous, _) => {
                        if claims.sub != previous.account.subject || claims.iss != previous.account.issuer {
                            return Err(invalid_response(
                                "the refreshed ID token names another user than the signed-in one",
                            ));
                        }
                        previous.account.home_account_id.clone()
                    }
                };
                Some((Account::with_claims(home_account_id, claims), id_token))
            }
        };
        let granted = match response.scope.as_deref() {
            Some(granted) => Scopes::parse(granted)?,
            None => requested.clone(),
        };
        // Without expires_in, assume an hour (the common default) rather than forever.
        let lifetime = response.expires_in.unwrap_or(3600).min(i64::MAX as u64 / 2) as i64;
        let access_token = CachedAccessToken {
            access_token: response.access_token,
            scopes: granted.resource_scopes(),
            requested: requested.resource_scopes(),
            issued_at: self.now,
            expires_at: self.now.saturating_add(lifetime),
        };
        Ok(TokenSet {
            access_token,
            refresh_token: response.refresh_token,
            identity,
            // Every scope of the grant: a sign-in's only.
            granted_scopes: matches!(traded, Traded::Code(_)).then_some(granted),
            // The token flow says whether they are bound, once it has checked the rest.
            #[cfg(feature = "dpop")]
            dpop_jkt: None,
        })
    }

    /// The result of exchanging the code of `transaction`. The ID token must be present, verified, and
    /// pass every check of [`IdTokenExpectations`] against the transaction's nonce and `max_age`.
    pub fn code_exchange(
        &self,
        response: TokenResponse,
        id_token: Option<VerifiedIdToken>,
        sign_in: &AcceptedSignIn,
    ) -> Result<TokenSet, ProtocolError> {
        self.token_set(response, id_token, Traded::Code(sign_in))
    }

    /// The result of a refresh for `requested` on behalf of `previous`. An ID token in it must be
    /// verified and name the same user (OpenID Connect Core §12.2).
    pub fn refresh(
        &self,
        response: TokenResponse,
        id_token: Option<VerifiedIdToken>,
        previous: &Session,
        requested: &Scopes,
    ) -> Result<TokenSet, ProtocolError> {
        self.token_set(response, id_token, Traded::Refresh(previous, requested))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::id_token::tests::{claims_json, jwt, NOW};
    use crate::protocol::transaction::tests::accepted;
    use crate::protocol::values::TEST_RANDOM;
    use crate::protocol::{parse_token_response, IdTokenError, LoginTransaction};
    use serde_json::{json, Value};

    fn transaction() -> LoginTransaction {
        let mut tx = LoginTransaction::begin(
            "https://app/cb",
            Scopes::parse("api:read").unwrap().for_sign_in(),
            "/",
            NOW,
            TEST_RANDOM,
        );
        tx.nonce = Nonce::new("n-1");
        tx
    }

    fn response(claims: Option<Value>, extra: Value) -> TokenResponse {
        let mut body = json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60, "refresh_token": "rt"});
        if let Some(claims) = claims {
            body["id_token"] = jwt(json!({"alg": "RS256"}), claims).secret().into();
        }
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        parse_token_response(200, &body.to_string()).unwrap()
    }

    fn context(metadata: &ProviderMetadata, client_id: &ClientId) -> TokenContext<'static> {
        let metadata: &'static ProviderMetadata = Box::leak(Box::new(metadata.clone()));
        let client_id: &'static ClientId = Box::leak(Box::new(client_id.clone()));
        TokenContext { metadata, client_id, now: NOW }
    }

    fn verified(response: &TokenResponse) -> Option<VerifiedIdToken> {
        response.id_token.clone().map(VerifiedIdToken::assume_verified)
    }

    fn exchange(ctx: &TokenContext<'_>, response: TokenResponse) -> Result<TokenSet, ProtocolError> {
        let id_token = verified(&response);
        ctx.code_exchange(response, id_token, &accepted(transaction()))
    }

    fn refresh(ctx: &TokenContext<'_>, response: TokenResponse, previous: &Session) -> Result<TokenSet, ProtocolError> {
        let id_token = verified(&response);
        ctx.refresh(response, id_token, previous, &Scopes::parse("api:read").unwrap())
    }

    fn signed_in() -> TokenSet {
        exchange(&context(&metadata(), &ClientId::new("spa")), response(Some(claims_json()), json!({}))).unwrap()
    }

    #[test]
    fn a_code_exchange_gives_account_and_tokens() {
        let set = signed_in();
        let (account, _) = set.identity.unwrap();
        assert_eq!(account.home_account_id.as_str(), "alice.https://op.example");
        assert_eq!(account.display_name, "Alice Example");
        assert_eq!(set.access_token.expires_at, NOW + 60);
        assert_eq!(set.access_token.scopes.to_scope_string(), "api:read", "keyed by the requested resource scopes");
        assert_eq!(set.refresh_token.unwrap().secret(), "rt");
    }

    #[test]
    fn granted_scope_and_client_info_win() {
        let info = crate::protocol::base64::encode_url(r#"{"uid":"u1","utid":"t1"}"#);
        let response = response(Some(claims_json()), json!({"scope": "openid api:write", "client_info": info}));
        let set = exchange(&context(&metadata(), &ClientId::new("spa")), response).unwrap();
        assert_eq!(set.access_token.scopes.to_scope_string(), "api:write");
        assert_eq!(set.identity.unwrap().0.home_account_id.as_str(), "u1.t1");
    }

    #[test]
    fn a_code_exchange_needs_a_valid_id_token() {
        let ctx = context(&metadata(), &ClientId::new("spa"));
        let mut claims = claims_json();
        claims["nonce"] = json!("replayed");
        assert_eq!(exchange(&ctx, response(Some(claims), json!({}))), Err(ProtocolError::IdToken(IdTokenError::Nonce)));
        assert!(matches!(exchange(&ctx, response(None, json!({}))), Err(ProtocolError::InvalidTokenResponse(_))));
    }

    #[test]
    fn a_response_needs_its_own_id_token_verified() {
        let ctx = context(&metadata(), &ClientId::new("spa"));
        let unverified = response(Some(claims_json()), json!({}));
        assert!(matches!(
            ctx.code_exchange(response(Some(claims_json()), json!({})), None, &accepted(transaction())),
            Err(ProtocolError::InvalidTokenResponse(_))
        ));
        let other = VerifiedIdToken::assume_verified(crate::protocol::IdToken::new("a.b.c"));
        assert!(matches!(
            ctx.code_exchange(unverified, Some(other), &accepted(transaction())),
            Err(ProtocolError::InvalidTokenResponse(_))
        ));
    }

    #[test]
    fn a_refresh_keeps_the_account_and_checks_the_subject() {
        let previous = Session::signed_in(signed_in()).unwrap();
        let ctx = context(&metadata(), &ClientId::new("spa"));
        let mut claims = claims_json();
        claims.as_object_mut().unwrap().remove("nonce");
        let set = refresh(&ctx, response(Some(claims.clone()), json!({})), &previous).unwrap();
        assert_eq!(set.identity.unwrap().0.home_account_id, previous.account.home_account_id);
        assert!(refresh(&ctx, response(None, json!({})), &previous).unwrap().identity.is_none());
        claims["sub"] = json!("mallory");
        assert!(matches!(
            refresh(&ctx, response(Some(claims), json!({})), &previous),
            Err(ProtocolError::InvalidTokenResponse(_))
        ));
    }

    #[test]
    fn a_code_exchange_checks_auth_time_against_the_transactions_max_age() {
        let ctx = context(&metadata(), &ClientId::new("spa"));
        let tx = accepted(transaction().with_max_age(Some(60)));
        let exchange = |response: TokenResponse| {
            let id_token = verified(&response);
            ctx.code_exchange(response, id_token, &tx)
        };
        assert_eq!(
            exchange(response(Some(claims_json()), json!({}))),
            Err(ProtocolError::IdToken(IdTokenError::MissingAuthTime))
        );
        let mut claims = claims_json();
        claims["auth_time"] = json!(NOW - 3600);
        assert_eq!(
            exchange(response(Some(claims.clone()), json!({}))),
            Err(ProtocolError::IdToken(IdTokenError::AuthTimeTooOld))
        );
        claims["auth_time"] = json!(NOW - 30);
        assert!(exchange(response(Some(claims), json!({}))).is_ok());
    }
}
