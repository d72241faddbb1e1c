//! The session: who is signed in, with their ID token, refresh token and access tokens, as one value.
//!
//! One value per client and provider, so that it is read from storage once per page and kept in
//! memory (a cached-token call is a lookup, not a storage scan), written with one storage write (a
//! failure part-way leaves the previous session whole), and handed to another tab in one message.
//! These are its rules: which token answers a request, what a sign-in or a renewal makes of it, and
//! what changed between two of them (the events every tab emits).

use std::rc::Rc;

use super::cache::{renewal_applies, replaced_account, select_access_token};
use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord, Value};
use super::{
    decimal, Account, AuthEvent, CachedAccessToken, HomeAccountId, IdToken, ProtocolError, RefreshToken, Scopes,
    TokenSet,
};

/// The signed-in account and its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Who is signed in.
    pub account: Account,
    /// The ID token that says so (sent as `id_token_hint` at sign-out).
    pub id_token: IdToken,
    /// Every scope the sign-in was granted (or, where the provider did not say, asked for).
    pub granted_scopes: Scopes,
    /// Shared by the session's copies, never duplicated (see [`RefreshToken`]).
    refresh_token: Option<Rc<RefreshToken>>,
    /// Sorted by the scopes each token was asked for, so that a request finds the token that answered
    /// it by binary search however many there are.
    access_tokens: Vec<CachedAccessToken>,
    /// Goes up with every change any tab makes (see [`PublishedRevision`]).
    revision: u64,
    /// The revision at which this account's interactive sign-in was made (0: not known, a session stored
    /// before this was kept). Another account's session is taken from a tab or from storage only if its
    /// sign-in is newer than what the taking tab has: an account switch arrives as a sign-in, never as an
    /// older stored value sent again.
    signed_in_at: u64,
    /// A hidden-iframe renewal to the provider on another site came back needing the user: the browser
    /// likely keeps the provider's cookies from frames on the app's pages. Kept with the session so that
    /// every tab, and the page after a reload, skips the frame; a new sign-in starts without it.
    frame_cookies_blocked: bool,
    /// The thumbprint of the DPoP key the session's tokens are bound to; `None`: bearer tokens (a
    /// session from before DPoP was turned on keeps them until its next sign-in).
    #[cfg(feature = "dpop")]
    dpop_jkt: Option<String>,
}

/// What every tab may read of the session without its tokens: its revision, and whether anyone is
/// signed in. Kept in localStorage whatever the cache location, it lets a tab whose copy of the session
/// is behind (a tab restored after missing messages, a message that has not arrived yet) know it, so that
/// it never presents a refresh token that was rotated since, nor takes an older session for a newer one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishedRevision {
    /// The revision of the newest session (or sign-out) of any tab.
    pub revision: u64,
    /// Whether someone is signed in at that revision.
    pub signed_in: bool,
}

impl PublishedRevision {
    /// The stored form: `"{revision} in"` or `"{revision} out"`.
    pub fn to_text(self) -> String {
        [decimal(self.revision).as_str(), if self.signed_in { " in" } else { " out" }].concat()
    }

    /// Reads the stored form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (revision, state) = super::split_once_byte(text, b' ')?;
        let signed_in = match state {
            "in" => true,
            "out" => false,
            _ => return None,
        };
        let revision = super::parse_decimal(revision).filter(|&revision| revision <= super::MAX_REVISION)?;
        Some(Self { revision, signed_in })
    }
}

/// What changed from one session to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SessionChange {
    /// Nothing anyone would notice.
    Unchanged,
    /// Somebody signed in where nobody was.
    SignedIn(Account),
    /// Nobody is signed in any more.
    SignedOut,
    /// Another account replaced the signed-in one.
    AccountChanged {
        /// The account signed in before.
        previous: HomeAccountId,
        /// The account signed in now.
        current: Account,
    },
    /// The same account has new access tokens for these requests (each a scope set).
    TokensRenewed(Vec<Scopes>),
}

impl Session {
    /// The session a sign-in's token set starts. The set must name an account (a code exchange does).
    pub fn signed_in(set: TokenSet) -> Result<Self, ProtocolError> {
        let Some((account, id_token)) = set.identity else {
            return Err(ProtocolError::InvalidTokenResponse("the response to a sign-in names no account".into()));
        };
        let granted_scopes = set.granted_scopes.unwrap_or_default();
        Ok(Self {
            #[cfg(feature = "dpop")]
            dpop_jkt: set.dpop_jkt,
            account,
            id_token,
            granted_scopes,
            refresh_token: set.refresh_token.map(Rc::new),
            access_tokens: Vec::new(),
            revision: 0,
            signed_in_at: 0,
            frame_cookies_blocked: false,
        }
        .with_access_token(set.access_token))
    }

    /// The thumbprint of the DPoP key the tokens are bound to; `None`: bearer tokens.
    #[cfg(feature = "dpop")]
    pub fn dpop_jkt(&self) -> Option<&str> {
        self.dpop_jkt.as_deref()
    }

    /// The revision of this session (see [`PublishedRevision`]).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// This session at `revision`.
    pub fn with_revision(mut self, revision: u64) -> Self {
        self.revision = revision;
        self
    }

    /// The revision at which this account's interactive sign-in was made (see [`Session::signed_in_at`]'s
    /// field).
    pub fn signed_in_at(&self) -> u64 {
        self.signed_in_at
    }

    /// This session as an interactive sign-in made it, at `revision`.
    pub fn signed_in_at_revision(mut self, revision: u64) -> Self {
        self.revision = revision;
        self.signed_in_at = revision;
        self
    }

    /// The refresh token, if the provider issued one.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_deref()
    }

    /// Every cached access token, sorted by the scopes it was asked for.
    pub fn access_tokens(&self) -> &[CachedAccessToken] {
        &self.access_tokens
    }

    /// The cached access token that answers `requested` at `now` without renewal: the one that answered
    /// that very request (found by binary search), else the narrowest fresh one that covers it.
    pub fn access_token(&self, requested: &Scopes, now: i64) -> Option<&CachedAccessToken> {
        let key = requested.resource_scopes();
        if let Ok(at) = self.access_tokens.binary_search_by(|token| token.requested.cmp(&key)) {
            let token = &self.access_tokens[at];
            if token.serves(requested, now) {
                return Some(token);
            }
        }
        select_access_token(&self.access_tokens, requested, now)
    }

    /// The scopes of a refresh for `requested`: those, plus the OpenID Connect scopes the sign-in was
    /// granted. A refresh may not ask for more than the grant holds (RFC 6749 §6): a provider answers
    /// `invalid_scope` for an API scope the user never consented to, which is how incremental consent
    /// shows. (Providers differ in which of `openid profile offline_access` they grant, so only granted
    /// ones of those are repeated.)
    pub fn refresh_scopes(&self, requested: &Scopes) -> Scopes {
        const IMPLIED: [&str; 3] = ["openid", "profile", "offline_access"];
        let resources = self.granted_scopes.resource_scopes();
        let mut scopes = Vec::new();
        for scope in self.granted_scopes.iter() {
            if !resources.contains(scope.as_str()) {
                scopes.push(scope.clone());
            }
        }
        for scope in requested.iter() {
            if !IMPLIED.contains(&scope.as_str()) || self.granted_scopes.contains(scope.as_str()) {
                scopes.push(scope.clone());
            }
        }
        Scopes::from_vec(scopes)
    }

    /// This session with `token`, replacing the token that answered the same request; tokens that had
    /// expired when it was issued are dropped, so that the session does not grow without end.
    fn with_access_token(mut self, token: CachedAccessToken) -> Self {
        let now = token.issued_at;
        self.access_tokens.retain(|t| t.expires_at > now);
        match self.access_tokens.binary_search_by(|t| t.requested.cmp(&token.requested)) {
            Ok(at) => self.access_tokens[at] = token,
            Err(at) => self.access_tokens.insert(at, token),
        }
        self
    }

    /// This session with a renewal's tokens, if the renewal started for this very account and the
    /// response names no other (see [`renewal_applies`]); otherwise the tokens are dropped unseen.
    pub fn renewed(&self, set: TokenSet, renewed_for: &HomeAccountId) -> Result<Self, ProtocolError> {
        let returned = set.identity.as_ref().map(|(account, _)| &account.home_account_id);
        if !renewal_applies(Some(&self.account.home_account_id), renewed_for, returned) {
            let why = if self.account.home_account_id == *renewed_for {
                "the provider's session belongs to another account"
            } else {
                "the signed-in account changed while its token was being renewed"
            };
            return Err(ProtocolError::LoginRequired(Some(why.into())));
        }
        let mut next = self.clone();
        if let Some((account, id_token)) = set.identity {
            next.account = account;
            next.id_token = id_token;
        }
        if let Some(refresh_token) = set.refresh_token {
            next.refresh_token = Some(Rc::new(refresh_token));
        }
        Ok(next.with_access_token(set.access_token))
    }

    /// Whether a hidden frame lacked the provider's cookies (see [`AuthError::FrameCookiesBlocked`]).
    ///
    /// [`AuthError::FrameCookiesBlocked`]: super::AuthError::FrameCookiesBlocked
    pub fn frame_cookies_blocked(&self) -> bool {
        self.frame_cookies_blocked
    }

    /// This session, noting that a hidden frame lacked the provider's cookies.
    pub fn with_frame_cookies_blocked(&self) -> Self {
        Self { frame_cookies_blocked: true, ..self.clone() }
    }

    /// This session without its refresh token (the provider refused it).
    pub fn without_refresh_token(&self) -> Self {
        Self { refresh_token: None, ..self.clone() }
    }

    /// This session without the access token `refused` (an API refused it); `None` when it is not here.
    pub fn without_access_token(&self, refused: &super::AccessToken) -> Option<Self> {
        self.without_access_tokens(&|token| token.access_token == *refused)
    }

    /// This session without the access tokens that serve `scopes` (an API refused one); `None` when
    /// there was none.
    pub fn without_access_tokens_for(&self, scopes: &Scopes) -> Option<Self> {
        self.without_access_tokens(&|token| token.covers(scopes))
    }

    /// This session without the access tokens `drop` picks; `None` when it picks none. (One body for
    /// both callers, with a loop: smaller than two iterator chains.)
    fn without_access_tokens(&self, drop: &dyn Fn(&CachedAccessToken) -> bool) -> Option<Self> {
        let mut kept = Vec::new();
        for token in &self.access_tokens {
            if !drop(token) {
                kept.push(token.clone());
            }
        }
        (kept.len() != self.access_tokens.len()).then(|| Self { access_tokens: kept, ..self.clone() })
    }
}

/// The session after a sign-in: the same account signing in again keeps its access tokens for other
/// scopes, and its refresh token if the provider sent no new one; another account starts afresh.
pub fn after_sign_in(previous: Option<&Session>, set: TokenSet) -> Result<Session, ProtocolError> {
    let mut next = Session::signed_in(set)?;
    // Tokens bound to another key (or bearer tokens, where these are bound) are not this session's.
    #[cfg(feature = "dpop")]
    let previous = previous.filter(|p| p.dpop_jkt == next.dpop_jkt);
    if let Some(previous) = previous.filter(|p| p.account.home_account_id == next.account.home_account_id) {
        if next.refresh_token.is_none() {
            next.refresh_token = previous.refresh_token.clone();
        }
        for token in &previous.access_tokens {
            if next.access_tokens.binary_search_by(|t| t.requested.cmp(&token.requested)).is_err() {
                next = next.with_access_token(token.clone());
            }
        }
    }
    Ok(next)
}

/// The events a tab tells its listeners when its session goes from `before` to `after`, in order,
/// whether the tab made the change or learnt of it from another: every tab tells the same. `last` is who
/// was signed in last before the change (an account signing in after another signed out replaces it),
/// and `signed_in` says that an interactive sign-in made it (which is told even when the same account
/// signed in again).
pub fn session_events(
    before: Option<&Session>,
    after: Option<&Session>,
    last: Option<&HomeAccountId>,
    signed_in: bool,
) -> Vec<AuthEvent> {
    let mut events = Vec::new();
    match session_change(before, after) {
        SessionChange::SignedIn(account) => {
            if let Some(previous) = replaced_account(None, last, &account.home_account_id) {
                events.push(AuthEvent::AccountChanged { previous, current: account.clone() });
            }
            events.push(AuthEvent::SignedIn(account));
        }
        SessionChange::AccountChanged { previous, current } => {
            events.push(AuthEvent::AccountChanged { previous, current: current.clone() });
            events.push(AuthEvent::SignedIn(current));
        }
        SessionChange::SignedOut => events.push(AuthEvent::SignedOut),
        change @ (SessionChange::TokensRenewed(_) | SessionChange::Unchanged) => {
            if let (Some(after), true) = (after, signed_in) {
                events.push(AuthEvent::SignedIn(after.account.clone()));
            }
            if let SessionChange::TokensRenewed(renewed) = change {
                events.extend(renewed.into_iter().map(|scopes| AuthEvent::TokenRenewed { scopes }));
            }
        }
    }
    events
}

/// What changed from `before` to `after`: what a tab that learns of `after` (from its own action or
/// from another tab) tells its listeners.
fn session_change(before: Option<&Session>, after: Option<&Session>) -> SessionChange {
    match (before, after) {
        (None, None) => SessionChange::Unchanged,
        (Some(_), None) => SessionChange::SignedOut,
        (None, Some(after)) => SessionChange::SignedIn(after.account.clone()),
        (Some(before), Some(after)) if before.account.home_account_id != after.account.home_account_id => {
            SessionChange::AccountChanged {
                previous: before.account.home_account_id.clone(),
                current: after.account.clone(),
            }
        }
        (Some(before), Some(after)) => {
            let mut renewed = Vec::new();
            for token in &after.access_tokens {
                if !before.access_tokens.contains(token) {
                    renewed.push(token.requested.clone());
                }
            }
            if renewed.is_empty() {
                SessionChange::Unchanged
            } else {
                SessionChange::TokensRenewed(renewed)
            }
        }
    }
}

impl JsonRecord for Session {
    fn to_json(&self) -> JsonObject {
        let object = JsonObject::new()
            .with("account", self.account.to_json().into_value())
            .with("id_token", json::string(self.id_token.secret()))
            .with("granted_scopes", self.granted_scopes.to_json())
            .with("refresh_token", json::opt_string(self.refresh_token().map(RefreshToken::secret)))
            .with("access_tokens", {
                let mut tokens = Vec::new();
                for token in &self.access_tokens {
                    tokens.push(token.to_json().into_value());
                }
                Value::Array(tokens)
            })
            .with("revision", json::integer(i64::try_from(self.revision).unwrap_or(i64::MAX)))
            .with("signed_in_at", json::integer(i64::try_from(self.signed_in_at).unwrap_or(i64::MAX)))
            .with("frame_cookies_blocked", self.frame_cookies_blocked.then(|| json::boolean(true)));
        #[cfg(feature = "dpop")]
        let object = object.with("dpop_jkt", json::opt_string(self.dpop_jkt()));
        object
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let mut access_tokens: Vec<CachedAccessToken> = Vec::new();
        match object.get("access_tokens") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    let Value::Object(token) = item else {
                        return Err(JsonError::field("access_tokens", "must hold objects"));
                    };
                    access_tokens.push(CachedAccessToken::from_json(token)?);
                }
            }
            Some(_) => return Err(JsonError::field("access_tokens", "must be a list")),
        }
        // Written in order, each request once (see `to_json`). A list in another order (edited by hand
        // or by another tool) is put in order rather than refused: its tokens are still good.
        if access_tokens.windows(2).any(|pair| pair[0].requested >= pair[1].requested) {
            access_tokens = in_request_order(access_tokens);
        }
        let account = Account::from_json(object.object("account")?)?;
        let mut read = FieldErrors::default();
        let session = Self {
            account,
            id_token: IdToken::new(read.take(object.string("id_token"))),
            granted_scopes: read.take(Scopes::read_json(object, "granted_scopes")),
            refresh_token: read.take(object.opt_string("refresh_token")).map(|token| Rc::new(RefreshToken::new(token))),
            access_tokens,
            revision: read.take(read_revision(object, "revision")),
            signed_in_at: read.take(read_revision(object, "signed_in_at")),
            frame_cookies_blocked: read.take(object.opt_bool("frame_cookies_blocked")).unwrap_or(false),
            #[cfg(feature = "dpop")]
            dpop_jkt: read.take(object.opt_string("dpop_jkt")),
        };
        read.done(session)
    }
}

/// The revision `key` of a stored session: 0 when absent; out of range (see [`super::MAX_REVISION`]) is
/// an error.
fn read_revision(object: &JsonObject, key: &str) -> Result<u64, JsonError> {
    match object.opt_unsigned(key)? {
        Some(revision) if revision > super::MAX_REVISION => Err(JsonError::field(key, "is out of range")),
        revision => Ok(revision.unwrap_or(0)),
    }
}

/// `tokens` sorted by request, the first of each request kept: each put in place by a binary search
/// (smaller code than a heap sort of its own; a session holds a token per request the app made, so the
/// moves an insertion costs stay few).
fn in_request_order(tokens: Vec<CachedAccessToken>) -> Vec<CachedAccessToken> {
    let mut sorted: Vec<CachedAccessToken> = Vec::with_capacity(tokens.len());
    for token in tokens {
        // A later token for a request already kept is dropped.
        if let Err(at) = sorted.binary_search_by(|kept| kept.requested.cmp(&token.requested)) {
            sorted.insert(at, token);
        }
    }
    sorted
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::id_token::tests::claims_from;
    use crate::protocol::AccessToken;

    pub(crate) fn account(sub: &str) -> Account {
        let claims = claims_from(serde_json::json!({
            "iss": "https://op.example", "sub": sub, "aud": "spa", "exp": 2, "iat": 1, "name": sub
        }));
        Account::new(HomeAccountId::from_claims(&claims), &claims)
    }

    pub(crate) fn token(requested: &str, value: &str, expires_at: i64) -> CachedAccessToken {
        let scopes = Scopes::parse(requested).unwrap().resource_scopes();
        CachedAccessToken {
            access_token: AccessToken::new(value),
            scopes: scopes.clone(),
            requested: scopes,
            issued_at: 0,
            expires_at,
        }
    }

    pub(crate) fn set(sub: &str, access: CachedAccessToken, refresh: Option<&str>) -> TokenSet {
        TokenSet {
            identity: Some((account(sub), IdToken::new(format!("id-{sub}")))),
            granted_scopes: Some(Scopes::parse("openid profile offline_access api:read").unwrap()),
            access_token: access,
            refresh_token: refresh.map(RefreshToken::new),
            #[cfg(feature = "dpop")]
            dpop_jkt: None,
        }
    }

    pub(crate) fn renewal(access: CachedAccessToken, refresh: Option<&str>) -> TokenSet {
        TokenSet {
            identity: None,
            granted_scopes: None,
            access_token: access,
            refresh_token: refresh.map(RefreshToken::new),
            #[cfg(feature = "dpop")]
            dpop_jkt: None,
        }
    }

    pub(crate) fn alice() -> Session {
        Session::signed_in(set("alice", token("api:read", "at-1", 3600), Some("rt-1"))).unwrap()
    }

    #[test]
    fn a_cached_token_is_found_by_its_request_among_many() {
        let mut session = alice();
        for i in 0..1000 {
            session = session.with_access_token(token(&format!("api:{i}"), &format!("at-{i}"), 3600));
        }
        let found = session.access_token(&Scopes::parse("openid api:500").unwrap(), 10).unwrap();
        assert_eq!(found.access_token.secret(), "at-500");
        assert_eq!(
            session.access_token(&Scopes::parse("api:read").unwrap(), 10).unwrap().access_token.secret(),
            "at-1"
        );
        assert!(session.access_token(&Scopes::parse("api:read").unwrap(), 3500).is_none(), "due for renewal");
        assert!(session.access_token(&Scopes::parse("api:other").unwrap(), 10).is_none());
        assert!(session.access_token(&Scopes::parse("openid").unwrap(), 10).is_none(), "no API token for openid");
    }

    #[test]
    fn a_renewal_replaces_the_token_of_its_request_and_rotates_the_refresh_token() {
        let session = alice();
        let id = session.account.home_account_id.clone();
        let renewed = session.renewed(renewal(token("api:read", "at-2", 7200), Some("rt-2")), &id).unwrap();
        assert_eq!(renewed.access_tokens().len(), 1);
        assert_eq!(renewed.access_tokens()[0].access_token.secret(), "at-2");
        assert_eq!(renewed.refresh_token().unwrap().secret(), "rt-2");
        let kept = renewed.renewed(renewal(token("openid", "at-3", 7200), None), &id).unwrap();
        assert_eq!(kept.refresh_token().unwrap().secret(), "rt-2", "no new refresh token: the rotated one stays");
        assert_eq!(kept.access_tokens().len(), 2);
    }

    #[test]
    fn a_renewal_for_another_account_is_dropped() {
        let session = alice();
        let bob = account("bob").home_account_id;
        assert!(session.renewed(renewal(token("api:read", "x", 1), None), &bob).is_err());
        let mut mallory = set("mallory", token("api:read", "x", 1), None);
        mallory.granted_scopes = None;
        assert!(session.renewed(mallory, &session.account.home_account_id).is_err());
    }

    #[test]
    fn a_sign_in_of_the_same_account_keeps_its_other_tokens_another_account_replaces_them() {
        let session = alice().with_access_token(token("api:write", "w", 3600));
        let id = session.account.home_account_id.clone();
        let replaced = |before: Option<&Session>, last: Option<&HomeAccountId>, after: &Session| {
            session_events(before, Some(after), last, true).into_iter().find_map(|event| match event {
                AuthEvent::AccountChanged { previous, .. } => Some(previous),
                _ => None,
            })
        };
        let again = after_sign_in(Some(&session), set("alice", token("api:read", "at-9", 3600), None)).unwrap();
        assert_eq!(replaced(Some(&session), None, &again), None);
        assert_eq!(again.access_tokens().len(), 2);
        assert_eq!(again.refresh_token().unwrap().secret(), "rt-1");
        let bob = after_sign_in(Some(&session), set("bob", token("api:read", "b", 3600), Some("rb"))).unwrap();
        assert_eq!(replaced(Some(&session), None, &bob), Some(id.clone()));
        assert_eq!(bob.access_tokens().len(), 1);
        let bob = after_sign_in(None, set("bob", token("x", "b", 1), None)).unwrap();
        assert_eq!(replaced(None, Some(&id), &bob), Some(id.clone()), "after a sign-out, the last account counts");
    }

    #[test]
    fn every_tab_tells_the_events_of_the_tab_that_acted() {
        let session = alice();
        let id = session.account.home_account_id.clone();
        let signed_in = AuthEvent::SignedIn(session.account.clone());
        assert_eq!(session_events(None, Some(&session), None, true), vec![signed_in.clone()]);
        assert_eq!(session_events(Some(&session), Some(&session), None, true), vec![signed_in], "again");
        assert_eq!(session_events(Some(&session), Some(&session), None, false), []);
        assert_eq!(session_events(Some(&session), None, Some(&id), false), [AuthEvent::SignedOut]);
        let bob = Session::signed_in(set("bob", token("api:read", "b", 1), None)).unwrap();
        let switched = [
            AuthEvent::AccountChanged { previous: id.clone(), current: bob.account.clone() },
            AuthEvent::SignedIn(bob.account.clone()),
        ];
        assert_eq!(session_events(Some(&session), Some(&bob), Some(&id), true), switched);
        assert_eq!(session_events(None, Some(&bob), Some(&id), true), switched, "after a sign-out");
        let renewed = session.renewed(renewal(token("api:read", "at-2", 7200), Some("rt-2")), &id).unwrap();
        assert_eq!(
            session_events(Some(&session), Some(&renewed), Some(&id), false),
            [AuthEvent::TokenRenewed { scopes: Scopes::parse("api:read").unwrap() }]
        );
    }

    #[test]
    fn changes_are_what_every_tab_tells_its_listeners() {
        let session = alice();
        let id = session.account.home_account_id.clone();
        assert_eq!(session_change(None, None), SessionChange::Unchanged);
        assert_eq!(session_change(None, Some(&session)), SessionChange::SignedIn(session.account.clone()));
        assert_eq!(session_change(Some(&session), None), SessionChange::SignedOut);
        assert_eq!(session_change(Some(&session), Some(&session)), SessionChange::Unchanged);
        let renewed = session.renewed(renewal(token("api:read", "at-2", 7200), Some("rt-2")), &id).unwrap();
        assert_eq!(
            session_change(Some(&session), Some(&renewed)),
            SessionChange::TokensRenewed(vec![Scopes::parse("api:read").unwrap()])
        );
        let bob = Session::signed_in(set("bob", token("api:read", "b", 1), None)).unwrap();
        assert_eq!(
            session_change(Some(&session), Some(&bob)),
            SessionChange::AccountChanged { previous: id, current: bob.account.clone() }
        );
    }

    #[test]
    fn refreshes_ask_for_granted_oidc_scopes_and_what_is_asked() {
        let session = alice();
        let requested = Scopes::parse("api:write offline_access email").unwrap();
        assert_eq!(
            session.refresh_scopes(&requested).to_scope_string(),
            "api:write email offline_access openid profile"
        );
        let mut no_offline = alice();
        no_offline.granted_scopes = Scopes::parse("openid api:read").unwrap();
        assert_eq!(no_offline.refresh_scopes(&requested).to_scope_string(), "api:write email openid");
    }

    #[test]
    fn an_api_refusal_forgets_the_tokens_that_serve_it() {
        let session = alice().with_access_token(token("other", "o", 3600));
        let forgotten = session.without_access_tokens_for(&Scopes::parse("api:read").unwrap()).unwrap();
        assert_eq!(forgotten.access_tokens().len(), 1);
        assert!(forgotten.without_access_tokens_for(&Scopes::parse("api:read").unwrap()).is_none());
    }

    #[test]
    fn the_published_revision_reads_back_and_refuses_anything_else() {
        let published = PublishedRevision { revision: 12, signed_in: true };
        assert_eq!(PublishedRevision::parse(&published.to_text()), Some(published));
        assert_eq!(PublishedRevision::parse("7 out"), Some(PublishedRevision { revision: 7, signed_in: false }));
        for bad in ["", "7", "x in", "7 maybe", "-1 in", "99999999999999999999999 in"] {
            assert_eq!(PublishedRevision::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn expired_tokens_leave_when_a_new_one_comes() {
        let session = alice().with_access_token(token("old", "o", 5));
        assert_eq!(session.access_tokens().len(), 2);
        let fresh = CachedAccessToken { issued_at: 10, ..token("new", "n", 3600) };
        let next = session.with_access_token(fresh);
        assert!(next.access_tokens().iter().all(|t| t.access_token.secret() != "o"));
    }

    #[test]
    fn a_refused_token_is_forgotten_by_its_value() {
        let session = alice().with_access_token(token("other", "o", 3600));
        let next = session.without_access_token(&AccessToken::new("at-1")).unwrap();
        assert_eq!(next.access_tokens().len(), 1);
        assert!(next.without_access_token(&AccessToken::new("at-1")).is_none());
    }

    #[test]
    fn the_stored_form_round_trips_and_loses_nothing() {
        let session = alice().with_access_token(token("other", "o", 3600)).with_revision(41);
        let text = session.to_json_string();
        assert_eq!(Session::from_json_str(&text), Ok(session));
        assert!(Session::from_json_str(r#"{"account":{}}"#).is_err());
    }

    #[test]
    fn a_note_that_frames_lack_the_providers_cookies_is_stored_kept_by_renewals_and_dropped_by_a_sign_in() {
        let noted = alice().with_frame_cookies_blocked().with_revision(7);
        let text = noted.to_json_string();
        assert!(text.contains(r#""frame_cookies_blocked":true"#), "{text}");
        assert_eq!(Session::from_json_str(&text), Ok(noted.clone()));
        assert!(!alice().to_json_string().contains("frame_cookies_blocked"), "an unnoted session is stored as before");
        let id = noted.account.home_account_id.clone();
        let renewed = noted.renewed(renewal(token("api:read", "at-2", 7200), None), &id).unwrap();
        assert!(renewed.frame_cookies_blocked(), "every tab and renewal keeps it");
        let again = after_sign_in(Some(&noted), set("alice", token("api:read", "at-9", 3600), None)).unwrap();
        assert!(!again.frame_cookies_blocked(), "an interactive sign-in starts without it");
        let mistyped = text.replace(r#""frame_cookies_blocked":true"#, r#""frame_cookies_blocked":"yes""#);
        assert!(Session::from_json_str(&mistyped).is_err(), "a typed error, no guess");
    }

    #[test]
    fn a_stored_session_with_its_tokens_out_of_order_or_twice_is_read_in_order() {
        let session = alice().with_access_token(token("other", "o", 3600));
        let text = session.to_json_string();
        let [first, second] = session.access_tokens() else { panic!("two tokens") };
        let (first, second) = (first.to_json_string(), second.to_json_string());
        let both = [first.as_str(), ",", &second].concat();
        assert!(text.contains(&both));
        let swapped = text.replace(&both, &[second.as_str(), ",", &first].concat());
        assert_eq!(Session::from_json_str(&swapped), Ok(session.clone()), "put in order");
        let renewed = session.access_tokens()[0].clone();
        let twice = text.replace(&both, &[first.as_str(), ",", &second, ",", &first.replace("at-1", "at-x")].concat());
        let read = Session::from_json_str(&twice).unwrap();
        assert_eq!(read.access_tokens().len(), 2, "one token per request: the first one kept");
        assert_eq!(read.access_tokens()[0], renewed);
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_bound_session_records_its_key_and_takes_nothing_from_a_session_bound_otherwise() {
        let mut set = set("alice", token("api:write", "at-2", 3600), None);
        set.dpop_jkt = Some("jkt-1".into());
        let bound = after_sign_in(Some(&alice()), set).unwrap();
        assert_eq!(bound.dpop_jkt(), Some("jkt-1"));
        assert!(bound.refresh_token().is_none(), "alice's bearer refresh token is not kept with bound tokens");
        assert_eq!(bound.access_tokens().len(), 1, "nor her bearer access token");
        let stored = Session::from_json(&bound.to_json()).unwrap();
        assert_eq!(stored.dpop_jkt(), Some("jkt-1"), "kept in storage, for every tab");
        assert_eq!(Session::from_json(&alice().to_json()).unwrap().dpop_jkt(), None, "a bearer session");
    }
}
