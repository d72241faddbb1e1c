//! Token cache rules: when an access token is due for renewal, which cached token answers a request,
//! and which account a sign-in or renewal belongs to. (Where tokens are kept: `session.rs`; under which
//! storage keys: `storage_keys.rs`.)

use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord};
use super::{scopes_not_granted, AccessToken, HomeAccountId, ProtocolError, Scopes};

/// Renew at most this long before expiry (MSAL's default too).
const MAX_RENEWAL_MARGIN_SECS: i64 = 300;

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

/// The account a sign-in of `signed_in` replaces, if it is another one: the account signed in now, else
/// the one signed in last (before a sign-out). Its tokens must go, and `AccountChanged` be told.
pub fn replaced_account(
    current: Option<&HomeAccountId>,
    last: Option<&HomeAccountId>,
    signed_in: &HomeAccountId,
) -> Option<HomeAccountId> {
    current.or(last).filter(|previous| *previous != signed_in).cloned()
}

/// An access token kept in the session, with what it is for and when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedAccessToken {
    /// The token sent as `Authorization: Bearer`.
    pub access_token: AccessToken,
    /// The resource scopes the token was granted for: what it answers (see [`scopes_not_granted`]).
    pub scopes: Scopes,
    /// The resource scopes asked for: the token's place in the session (a later token for the same
    /// request replaces it).
    pub requested: Scopes,
    /// When it was received (seconds since the Unix epoch, by this browser's clock).
    pub issued_at: i64,
    /// When it expires: `issued_at` plus the response's `expires_in` (an hour when it gave none).
    pub expires_at: i64,
}

impl CachedAccessToken {
    /// Whether the token should be renewed now: it expires within a quarter of its lifetime, or within
    /// five minutes, whichever is sooner.
    pub fn needs_renewal(&self, now: i64) -> bool {
        // Saturating: a stored record may hold any numbers.
        let lifetime = self.expires_at.saturating_sub(self.issued_at).max(0);
        let margin = (lifetime / 4).min(MAX_RENEWAL_MARGIN_SECS);
        now >= self.expires_at.saturating_sub(margin)
    }

    /// Whether the token answers a request for `requested` at `now`.
    pub fn serves(&self, requested: &Scopes, now: i64) -> bool {
        self.covers(requested) && !self.needs_renewal(now)
    }

    /// Whether the token is one for `requested`: it was granted those scopes (under those names or
    /// others, see [`scopes_not_granted`]). A token for the very request it answered, granted less, is
    /// not: the API would refuse it.
    ///
    /// A request for OpenID Connect scopes only (`openid email`: no API) is answered only by a token asked
    /// for no API either: an empty set is a subset of every set, and an API's token must not answer it
    /// (it would go to whatever origin the caller allows).
    pub fn covers(&self, requested: &Scopes) -> bool {
        if requested.resource_scopes().is_empty() {
            return self.requested.is_empty();
        }
        self.granted(requested).is_ok()
    }

    /// The token was granted every resource scope of `requested`; otherwise the error that names those
    /// it was not (an interactive sign-in asks the user again).
    pub fn granted(&self, requested: &Scopes) -> Result<(), ProtocolError> {
        let missing = scopes_not_granted(&self.scopes, requested);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ProtocolError::ScopesNotGranted(missing.to_scope_string()))
        }
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
        let mut read = FieldErrors::default();
        let token = Self {
            access_token: AccessToken::new(read.take(object.string("access_token"))),
            scopes: read.take(Scopes::read_json(object, "scopes")),
            requested: read.take(Scopes::read_json(object, "requested")),
            issued_at: read.take(object.integer("issued_at")),
            expires_at: read.take(object.integer("expires_at")),
        };
        read.done(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_token_granted_less_than_asked_answers_what_was_granted_not_its_own_request() {
        let asked = Scopes::parse("openid offline_access api:read api:write").unwrap();
        let read = CachedAccessToken { requested: asked.resource_scopes(), ..token("api:read", 0, 3600) };
        assert!(!read.serves(&asked, 10), "the API would refuse it for api:write");
        assert_eq!(read.granted(&asked), Err(ProtocolError::ScopesNotGranted("api:write".into())));
        assert!(read.serves(&Scopes::parse("api:read").unwrap(), 10));
        let user_read = Scopes::parse("openid User.Read").unwrap();
        let graph = CachedAccessToken {
            requested: user_read.resource_scopes(),
            ..token("https://graph.microsoft.com/User.Read", 0, 3600)
        };
        assert!(graph.serves(&user_read, 10), "granted under its resource's full name");
    }

    #[test]
    fn a_token_serves_the_request_it_answered_under_the_names_entra_grants() {
        let default = Scopes::parse("openid api://x/.default").unwrap();
        let token =
            CachedAccessToken { requested: default.resource_scopes(), ..token("api://x/read api://x/write", 0, 3600) };
        assert!(token.serves(&default, 10));
        assert!(token.serves(&Scopes::parse("api://x/read").unwrap(), 10));
        assert!(!token.serves(&Scopes::parse("api://x/admin").unwrap(), 10));
        assert!(!token.serves(&Scopes::parse("api://x/.default api://y/read").unwrap(), 10));
        assert_eq!(CachedAccessToken::from_json_str(&token.to_json_string()), Ok(token));
    }

    /// An Entra-style home account id for the user `uid`.
    fn home(uid: &str) -> HomeAccountId {
        HomeAccountId::from_stored(format!("{uid}.t"))
    }

    #[test]
    fn an_openid_only_request_is_not_answered_by_an_api_token() {
        let api = token("api:read", 0, 3600);
        let openid = Scopes::parse("openid email").unwrap();
        assert!(!api.serves(&openid, 10), "an API token must not answer a request naming no API");
        let userinfo = CachedAccessToken { scopes: Scopes::new(), requested: Scopes::new(), ..token("x", 0, 3600) };
        assert!(userinfo.serves(&openid, 10));
        assert!(!userinfo.serves(&Scopes::parse("api:read").unwrap(), 10));
        assert_eq!(select_access_token([&api, &userinfo], &openid, 10), Some(&userinfo));
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
