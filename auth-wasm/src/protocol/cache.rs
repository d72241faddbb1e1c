//! Token cache rules: storage keys by account, when an access token is due for renewal, which cached
//! token answers a request.
//!
//! A cache key is (home account id, issuer, client id, scope set). Every key of one account shares a
//! prefix, so that an account's tokens can be removed together when another account signs in.

use super::json::{self, JsonError, JsonObject, JsonRecord};
use super::{AccessToken, Account, ClientId, HomeAccountId, IdToken, IdTokenClaims, Issuer, Scopes, User};

/// Renew at most this long before expiry (MSAL's default too).
const MAX_RENEWAL_MARGIN_SECS: i64 = 300;

const PREFIX: &str = "auth-wasm.";

/// A key component with `%` and the separator `|` escaped, so that no value (a `sub` containing
/// `|access|`, say) can make a key that belongs under another account's prefix.
fn component(value: &str) -> String {
    value.replace('%', "%25").replace('|', "%7C")
}

/// The key of the signed-in account's record for a client and authority.
pub fn account_record_key(client_id: &ClientId, authority: &str) -> String {
    format!("{PREFIX}account|{}|{}", component(client_id.as_str()), component(authority.trim_end_matches('/')))
}

/// The key that remembers who was signed in last (an id, no token), so that a sign-in after a sign-out
/// still tells whether the account changed.
pub fn last_account_key(client_id: &ClientId, authority: &str) -> String {
    format!("{PREFIX}last-account|{}|{}", component(client_id.as_str()), component(authority.trim_end_matches('/')))
}

/// Whether the tokens of a silent renewal started for `renewed_for` may be kept: that account must still
/// be the signed-in one (no sign-in or sign-out happened meanwhile, here or in another tab), and the
/// response, if it names an account, must name that one too. Otherwise they are dropped unseen.
pub fn renewal_applies(
    current: Option<&HomeAccountId>,
    renewed_for: &HomeAccountId,
    returned: Option<&HomeAccountId>,
) -> bool {
    current == Some(renewed_for) && returned.is_none_or(|returned| returned == renewed_for)
}

/// Where one client's tokens for one issuer live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheScope<'a> {
    pub client_id: &'a ClientId,
    pub issuer: &'a Issuer,
}

impl CacheScope<'_> {
    /// The prefix every token key of every account of this client and issuer starts with.
    pub fn tokens_prefix(&self) -> String {
        format!("{PREFIX}token|{}|{}|", component(self.client_id.as_str()), component(self.issuer.as_str()))
    }

    /// The prefix every token key of `account` starts with.
    pub fn account_tokens_prefix(&self, account: &HomeAccountId) -> String {
        format!("{}{}|", self.tokens_prefix(), component(account.as_str()))
    }

    pub fn refresh_token_key(&self, account: &HomeAccountId) -> String {
        format!("{}refresh", self.account_tokens_prefix(account))
    }

    /// The key of the access token for `scopes` (normalised to resource scopes).
    pub fn access_token_key(&self, account: &HomeAccountId, scopes: &Scopes) -> String {
        format!("{}access|{}", self.account_tokens_prefix(account), scopes.resource_scopes().to_scope_string())
    }

    pub fn is_access_token_key(&self, account: &HomeAccountId, key: &str) -> bool {
        key.starts_with(&format!("{}access|", self.account_tokens_prefix(account)))
    }
}

/// The account a sign-in of `signed_in` replaces, if it is another one: the account signed in now, else
/// the one signed in last (before a sign-out). Its tokens must go, and `AccountChanged` be told.
pub fn replaced_account(
    current: Option<&HomeAccountId>,
    last: Option<&HomeAccountId>,
    signed_in: &HomeAccountId,
) -> Option<HomeAccountId> {
    current.or(last).filter(|previous| *previous != signed_in).cloned()
}

/// Who is signed in, with the ID token that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRecord {
    pub account: Account,
    pub id_token: IdToken,
    pub claims: IdTokenClaims,
    /// Every scope the sign-in was granted (or, where the provider did not say, asked for).
    pub granted_scopes: Scopes,
}

impl AccountRecord {
    /// The scopes of a refresh for `requested`: those, plus the OpenID Connect scopes the sign-in was
    /// granted. A refresh may not ask for more than the grant holds (RFC 6749 §6), and providers differ
    /// in which of `openid profile offline_access` they grant.
    pub fn refresh_scopes(&self, requested: &Scopes) -> Scopes {
        let granted_oidc: Scopes = self
            .granted_scopes
            .iter()
            .filter(|s| !self.granted_scopes.resource_scopes().contains(s.as_str()))
            .cloned()
            .collect();
        requested.resource_scopes().union(&granted_oidc)
    }

    pub fn user(&self) -> User {
        User {
            subject: self.claims.sub.clone(),
            display_name: self.claims.display_name().to_owned(),
            home_account_id: self.account.home_account_id.clone(),
            claims: self.claims.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedAccessToken {
    pub access_token: AccessToken,
    /// The resource scopes the token was granted for.
    pub scopes: Scopes,
    /// The resource scopes asked for. A provider may grant other names than it was asked for (Entra
    /// answers `api://x/.default` with the API's permissions), and the same request deserves the same
    /// token rather than a renewal on every call.
    pub requested: Scopes,
    pub issued_at: i64,
    pub expires_at: i64,
}

impl CachedAccessToken {
    /// Whether the token should be renewed now: it expires within a quarter of its lifetime, or within
    /// five minutes, whichever is sooner.
    pub fn needs_renewal(&self, now: i64) -> bool {
        let lifetime = (self.expires_at - self.issued_at).max(0);
        let margin = (lifetime / 4).min(MAX_RENEWAL_MARGIN_SECS);
        now >= self.expires_at - margin
    }

    /// Whether the token answers a request for `requested` at `now`.
    pub fn serves(&self, requested: &Scopes, now: i64) -> bool {
        self.covers(requested) && !self.needs_renewal(now)
    }

    /// Whether the token is one for `requested`: it was granted those scopes, or it answered that very
    /// request.
    pub fn covers(&self, requested: &Scopes) -> bool {
        let requested = requested.resource_scopes();
        self.scopes.is_superset(&requested) || self.requested == requested
    }
}

/// The cached token that answers `requested` best: the narrowest fresh one that covers it.
pub fn select_access_token<'a>(
    candidates: impl IntoIterator<Item = &'a CachedAccessToken>,
    requested: &Scopes,
    now: i64,
) -> Option<&'a CachedAccessToken> {
    candidates.into_iter().filter(|t| t.serves(requested, now)).min_by_key(|t| t.scopes.len())
}

impl JsonRecord for AccountRecord {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("account", self.account.to_json().into_value())
            .with("id_token", json::string(self.id_token.secret()))
            .with("claims", self.claims.to_json().into_value())
            .with("granted_scopes", self.granted_scopes.to_json())
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Ok(Self {
            account: Account::from_json(&object.object("account")?)?,
            id_token: IdToken::new(object.string("id_token")?),
            claims: IdTokenClaims::from_json(&object.object("claims")?)?,
            granted_scopes: Scopes::read_json(object, "granted_scopes")?,
        })
    }
}

impl JsonRecord for CachedAccessToken {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("access_token", json::string(self.access_token.secret()))
            .with("scopes", self.scopes.to_json())
            .with("requested", self.requested.to_json())
            .with("issued_at", json::integer(self.issued_at))
            .with("expires_at", json::integer(self.expires_at))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Ok(Self {
            access_token: AccessToken::new(object.string("access_token")?),
            scopes: Scopes::read_json(object, "scopes")?,
            requested: Scopes::read_json(object, "requested")?,
            issued_at: object.integer("issued_at")?,
            expires_at: object.integer("expires_at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::id_token::tests::claims_from;

    fn token(scopes: &str, issued_at: i64, expires_at: i64) -> CachedAccessToken {
        CachedAccessToken {
            access_token: AccessToken::new(format!("at-{scopes}")),
            scopes: Scopes::parse(scopes).unwrap(),
            requested: Scopes::parse(scopes).unwrap(),
            issued_at,
            expires_at,
        }
    }

    #[test]
    fn a_token_serves_the_request_it_answered_whatever_scope_names_were_granted() {
        let default = Scopes::parse("openid api://x/.default").unwrap();
        let token =
            CachedAccessToken { requested: default.resource_scopes(), ..token("api://x/read api://x/write", 0, 3600) };
        assert!(token.serves(&default, 10));
        assert!(token.serves(&Scopes::parse("api://x/read").unwrap(), 10));
        assert!(!token.serves(&Scopes::parse("api://x/admin").unwrap(), 10));
        assert!(!token.serves(&Scopes::parse("api://x/.default api://y/read").unwrap(), 10));
        assert_eq!(CachedAccessToken::from_json_str(&token.to_json_string()), Ok(token));
    }

    #[test]
    fn keys_group_by_account() {
        let (client, issuer) = (ClientId::new("spa"), Issuer::new("https://op.example"));
        let cache = CacheScope { client_id: &client, issuer: &issuer };
        let alice = HomeAccountId::from_claims(&claims_from(serde_json::json!({
            "iss": "https://op.example", "sub": "alice", "aud": "spa", "exp": 2, "iat": 1
        })));
        let key = cache.access_token_key(&alice, &Scopes::parse("openid api:read").unwrap());
        assert_eq!(key, "auth-wasm.token|spa|https://op.example|alice.https://op.example|access|api:read");
        assert!(key.starts_with(&cache.account_tokens_prefix(&alice)));
        assert!(cache.refresh_token_key(&alice).starts_with(&cache.account_tokens_prefix(&alice)));
        assert!(cache.is_access_token_key(&alice, &key));
        assert!(!cache.is_access_token_key(&alice, &cache.refresh_token_key(&alice)));
        assert!(cache.account_tokens_prefix(&alice).starts_with(&cache.tokens_prefix()));
        assert_eq!(account_record_key(&client, "https://op.example/"), "auth-wasm.account|spa|https://op.example");
        assert!(!account_record_key(&client, "https://op.example").starts_with(&cache.tokens_prefix()));
    }

    #[test]
    fn refreshes_ask_for_granted_oidc_scopes_only() {
        let claims: IdTokenClaims = claims_from(serde_json::json!({
            "iss": "https://op.example", "sub": "alice", "aud": "spa", "exp": 2, "iat": 1
        }));
        let record = AccountRecord {
            account: Account::new(HomeAccountId::from_claims(&claims), &claims),
            id_token: IdToken::new("h.p.s"),
            claims,
            granted_scopes: Scopes::parse("openid profile api:read").unwrap(),
        };
        let requested = Scopes::parse("api:write offline_access").unwrap();
        assert_eq!(record.refresh_scopes(&requested).to_scope_string(), "api:write openid profile");
    }

    /// An Entra-style home account id for the user `uid`.
    fn home(uid: &str) -> HomeAccountId {
        let info = format!(r#"{{"uid":"{uid}","utid":"t"}}"#);
        HomeAccountId::from_client_info(&base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            info,
        ))
        .unwrap()
    }

    #[test]
    fn a_sign_in_replaces_another_account_only() {
        let (alice, bob) = (home("alice"), home("bob"));
        assert_eq!(replaced_account(Some(&alice), None, &bob), Some(alice.clone()), "switch account");
        assert_eq!(replaced_account(None, Some(&alice), &bob), Some(alice.clone()), "after a sign-out");
        assert_eq!(replaced_account(Some(&alice), Some(&bob), &bob), Some(alice.clone()), "the signed-in one counts");
        assert_eq!(replaced_account(Some(&bob), None, &bob), None, "the same account again");
        assert_eq!(replaced_account(None, None, &bob), None, "the first sign-in");
    }

    #[test]
    fn renewals_apply_only_to_the_account_they_started_for() {
        let (alice, bob) = (home("alice"), home("bob"));
        assert!(renewal_applies(Some(&alice), &alice, None));
        assert!(renewal_applies(Some(&alice), &alice, Some(&alice)));
        assert!(!renewal_applies(Some(&bob), &alice, None), "bob signed in meanwhile");
        assert!(!renewal_applies(None, &alice, Some(&alice)), "signed out meanwhile");
        assert!(!renewal_applies(Some(&alice), &alice, Some(&bob)), "the provider's session is bob's");
    }

    #[test]
    fn separators_in_values_cannot_forge_keys() {
        let (client, issuer) = (ClientId::new("spa"), Issuer::new("https://op.example"));
        let cache = CacheScope { client_id: &client, issuer: &issuer };
        let forged: IdTokenClaims = claims_from(serde_json::json!({
            "iss": "https://op.example", "sub": "mallory|access|x", "aud": "spa", "exp": 2, "iat": 1
        }));
        let key = cache.account_tokens_prefix(&HomeAccountId::from_claims(&forged));
        assert_eq!(key, "auth-wasm.token|spa|https://op.example|mallory%7Caccess%7Cx.https://op.example|");
    }

    #[test]
    fn renews_a_little_before_expiry() {
        let hour = token("api:read", 0, 3600);
        assert!(!hour.needs_renewal(3299));
        assert!(hour.needs_renewal(3300), "five minutes before");
        let short = token("api:read", 0, 20);
        assert!(!short.needs_renewal(14));
        assert!(short.needs_renewal(15), "a quarter of a short lifetime before");
        assert!(hour.needs_renewal(4000), "expired");
    }

    #[test]
    fn selects_the_narrowest_fresh_covering_token() {
        let tokens = [token("api:read api:write", 0, 3600), token("api:read", 0, 3600), token("other", 0, 3600)];
        let read = Scopes::parse("api:read openid").unwrap();
        assert_eq!(select_access_token(&tokens, &read, 10).unwrap().scopes.to_scope_string(), "api:read");
        let write = Scopes::parse("api:write").unwrap();
        assert_eq!(select_access_token(&tokens, &write, 10).unwrap().scopes.to_scope_string(), "api:read api:write");
        assert!(select_access_token(&tokens, &Scopes::parse("admin").unwrap(), 10).is_none());
        assert!(select_access_token(&tokens, &read, 3500).is_none(), "due for renewal");
    }
}
