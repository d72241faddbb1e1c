//! The storage key layout, in one place: every key the library reads or writes in sessionStorage or
//! localStorage, and the names of its Web Locks and BroadcastChannel.
//!
//! Every name starts with `auth-wasm.`, so an app's own keys never collide with ours, and each value
//! that comes from outside (a client id, an authority, an account id, a state) is escaped so that it
//! cannot make a name that belongs to another client or account.

use super::{ClientId, HomeAccountId, State};

const PREFIX: &str = "auth-wasm.";

/// Sign-in transactions, one per `state` (sessionStorage).
pub const LOGIN_TRANSACTION_PREFIX: &str = "auth-wasm.tx.";
/// Sign-out transactions, one per `state` (sessionStorage).
pub const LOGOUT_TRANSACTION_PREFIX: &str = "auth-wasm.logout.";
/// Completed sign-ins, so that reloading a callback URL goes where the sign-in went (sessionStorage).
pub const COMPLETED_TRANSACTION_PREFIX: &str = "auth-wasm.done.";
/// The BroadcastChannel on which a popup's landing page hands the provider's answer to the page that
/// opened the popup, one per sign-in: this prefix and its `state`. The static page
/// `demo-app/popup-callback.html` spells it too (a test checks that they agree).
pub const POPUP_CHANNEL_PREFIX: &str = "auth-wasm.popup|";

/// A name component with `%` and the separator `|` escaped, so that no value (a `sub` containing `|`,
/// say) can make a name that belongs under another client, authority or account.
fn component(value: &str) -> String {
    // A loop over the text, not `replace`: that brings core's char searcher into the wasm.
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%25"),
            '|' => out.push_str("%7C"),
            c => out.push(c),
        }
    }
    out
}

/// `auth-wasm.{kind}|{client id}|{authority}`: one name per client and provider.
fn client_name(kind: &str, client_id: &ClientId, authority: &str) -> String {
    [PREFIX, kind, "|", &component(client_id.as_str()), "|", &component(super::trim_end_byte(authority, b'/'))].concat()
}

/// The session of a client and authority: account, ID token, refresh token and access tokens, in one
/// value, so that one write replaces all of it or none.
pub fn session_key(client_id: &ClientId, authority: &str) -> String {
    client_name("session", client_id, authority)
}

/// The DPoP proof key of a client and authority: its IndexedDB record's key (one key per session).
#[cfg(feature = "dpop")]
pub fn dpop_key_name(client_id: &ClientId, authority: &str) -> String {
    client_name("dpop-key", client_id, authority)
}

/// Who was signed in last (an id, no token), so that a sign-in after a sign-out still tells whether the
/// account changed.
pub fn last_account_key(client_id: &ClientId, authority: &str) -> String {
    client_name("last-account", client_id, authority)
}

/// The session's published revision (no token; see `PublishedRevision`), in localStorage whatever the
/// cache location: a new tab asks the open ones for the session only when it says someone is signed in,
/// and a tab whose copy is older never presents its refresh token.
pub fn revision_key(client_id: &ClientId, authority: &str) -> String {
    client_name("revision", client_id, authority)
}

/// The refresh tokens presented to the provider, by fingerprint (no token; see
/// `PresentedRefreshTokens`), in localStorage whatever the cache location.
pub fn presented_key(client_id: &ClientId, authority: &str) -> String {
    client_name("presented", client_id, authority)
}

/// The provider's discovery document, with the time it was fetched.
pub fn discovery_key(authority: &str) -> String {
    [PREFIX, "discovery|", &component(super::trim_end_byte(authority, b'/'))].concat()
}

/// The provider's signing keys (JWKS), with the time they were fetched.
pub fn jwks_key(authority: &str) -> String {
    [PREFIX, "jwks|", &component(super::trim_end_byte(authority, b'/'))].concat()
}

/// The sign-in transaction of `state`.
pub fn login_transaction_key(state: &State) -> String {
    [LOGIN_TRANSACTION_PREFIX, state.as_str()].concat()
}

/// The sign-out transaction of `state`.
pub fn logout_transaction_key(state: &State) -> String {
    [LOGOUT_TRANSACTION_PREFIX, state.as_str()].concat()
}

/// The completed sign-in of `state`.
pub fn completed_transaction_key(state: &State) -> String {
    [COMPLETED_TRANSACTION_PREFIX, state.as_str()].concat()
}

/// The claims challenge an API origin sent last (see `AuthorizedFetch`).
pub fn claims_challenge_key(origin: &str) -> String {
    [PREFIX, "claims-challenge|", &component(origin)].concat()
}

/// The Web Lock held around "read the refresh token → token request → store" for one account, in every
/// tab of the origin: a refresh token is presented by one tab at a time.
pub fn renewal_lock_name(client_id: &ClientId, authority: &str, account: &HomeAccountId) -> String {
    [&client_name("renewal", client_id, authority), "|", &component(account.as_str())].concat()
}

/// The BroadcastChannel on which the tabs of one client and authority tell each other of sign-in,
/// sign-out and renewed tokens.
pub fn channel_name(client_id: &ClientId, authority: &str) -> String {
    client_name("tabs", client_id, authority)
}

/// The BroadcastChannel of the popup sign-in of `state` (see [`POPUP_CHANNEL_PREFIX`]). A state is
/// base64url: it has no separator to escape.
pub fn popup_channel_name(state: &State) -> String {
    [POPUP_CHANNEL_PREFIX, state.as_str()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popup_landing_page_posts_on_the_channel_the_opener_listens_to() {
        let page = include_str!("../../../demo-app/popup-callback.html");
        assert!(page.contains(&["'", POPUP_CHANNEL_PREFIX, "'"].concat()), "popup-callback.html names another channel");
        assert_eq!(popup_channel_name(&State::new("s1")), "auth-wasm.popup|s1");
    }

    #[test]
    fn names_are_per_client_and_authority_and_escape_the_separator() {
        let spa = ClientId::new("spa");
        assert_eq!(session_key(&spa, "https://op.example/"), "auth-wasm.session|spa|https://op.example");
        assert_eq!(session_key(&ClientId::new("a|b"), "x"), "auth-wasm.session|a%7Cb|x");
        assert_ne!(session_key(&ClientId::new("a|b"), "c"), session_key(&ClientId::new("a"), "b|c"));
        assert_ne!(session_key(&spa, "x"), last_account_key(&spa, "x"));
        assert_eq!(login_transaction_key(&State::new("s1")), "auth-wasm.tx.s1");
        assert_eq!(discovery_key("https://op.example/"), "auth-wasm.discovery|https://op.example");
        #[cfg(feature = "dpop")]
        assert_eq!(dpop_key_name(&spa, "https://op.example/"), "auth-wasm.dpop-key|spa|https://op.example");
    }

    #[test]
    fn renewal_locks_are_per_account() {
        let spa = ClientId::new("spa");
        let (alice, bob) = (HomeAccountId::from_stored("alice".into()), HomeAccountId::from_stored("bob".into()));
        assert_ne!(renewal_lock_name(&spa, "x", &alice), renewal_lock_name(&spa, "x", &bob));
        assert_eq!(renewal_lock_name(&spa, "x", &alice), "auth-wasm.renewal|spa|x|alice");
        let tricky = HomeAccountId::from_stored("a|x".into());
        assert_eq!(renewal_lock_name(&spa, "x", &tricky), "auth-wasm.renewal|spa|x|a%7Cx");
    }
}
