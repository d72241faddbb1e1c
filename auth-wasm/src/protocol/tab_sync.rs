//! How the tabs of one app keep one session: what a tab knows ([`TabView`]), what it tells the others
//! ([`TabMessage`]), which news it takes, and what it does when its copy is behind the revision some tab
//! published ([`catch_up`]).
//!
//! Every change of the session gets the next revision: one past every revision the tab has seen or any
//! tab published (in localStorage, whatever the cache location). A tab takes only news newer than what it
//! has, and a tab whose copy is behind the published revision may hold a refresh token that was rotated
//! since: it never presents it (the provider would take that as a stolen token and revoke the grant).

use std::rc::Rc;

use super::entra::is_authoritys_issuer;
use super::json::{self, JsonObject, Value};
use super::{
    decimal, parse_decimal, ClientId, HomeAccountId, JsonRecord, PresentedRefreshTokens, PublishedRevision, Session,
};

/// The highest revision the library writes or takes: far below 2^53, so that it reads back exactly
/// wherever it travels (a JSON number, a JavaScript number). A million changes a second for 35 years
/// stay below it.
pub const MAX_REVISION: u64 = (1 << 50) - 1;

/// How far beyond the newest revision a tab knows another tab's may be. Each change moves the revision
/// by one, so a tab N behind missed N changes: a tab asleep for a year, with a renewal every minute,
/// missed about half a million. News further ahead is no change the library made (a buggy second app on
/// the origin, an extension) and is refused: taken, it would push every later revision towards the
/// limit.
pub const MAX_LEAP: u64 = 1 << 24;

/// How long a new tab (or one restored from the back/forward cache) waits for an open tab of the app to
/// hand over the session; an open tab answers within milliseconds.
pub const HANDOVER_WAIT_MS: u32 = 300;

/// What a tab knows of the session when it answers a flow's step: its own copy, and the newest revision
/// any tab published.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TabView {
    /// This tab's copy of the session (`None`: signed out).
    pub session: Option<Rc<Session>>,
    /// The revision this tab's copy is at.
    pub revision: u64,
    /// The newest revision any tab published; `None` where localStorage is refused or none was.
    pub published: Option<PublishedRevision>,
    /// The refresh tokens presented to the provider, and what became of them.
    pub presented: PresentedRefreshTokens,
}

impl TabView {
    /// The newest revision this tab knows of: its own, or a newer one some tab published.
    pub fn newest_revision(&self) -> u64 {
        self.published.map_or(self.revision, |published| published.revision.max(self.revision))
    }

    /// Whether some tab published a newer revision than this tab's copy.
    pub fn is_behind(&self) -> bool {
        self.published.is_some_and(|published| published.revision > self.revision)
    }
}

/// What a tab whose copy may be behind does before it acts on the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// Its copy is the newest: nothing to do.
    UpToDate,
    /// A sign-out was published that this tab missed: it signs out too, at that revision.
    TakeSignOut {
        /// The revision of the sign-out.
        revision: u64,
    },
    /// A newer session was published: ask the open tabs for it and wait for it.
    AwaitSession {
        /// The revision to wait for.
        revision: u64,
    },
}

/// What a tab with `view` does to catch up with the published revision.
pub fn catch_up(view: &TabView) -> CatchUp {
    match view.published {
        Some(published) if published.revision > view.revision => {
            if published.signed_in {
                CatchUp::AwaitSession { revision: published.revision }
            } else {
                CatchUp::TakeSignOut { revision: published.revision }
            }
        }
        _ => CatchUp::UpToDate,
    }
}

/// Why `session`, read from another tab's message or from storage every tab can write, is not one this
/// tab takes; `None`: it takes it. It must be this client's own (its ID token issued by the configured
/// `authority` for `client_id`). As news for a tab that knows `tab` (not the session a page opens with), it
/// must also not hold a refresh token that was rotated away or refused (an older session sent again: its
/// token is dead, and presenting it could revoke the grant), and another account than the tab's must come
/// with a sign-in newer than what the tab has (an account switch arrives as a sign-in, not as an older
/// stored value). A buggy
/// second app on the origin, or an extension, writing our keys or channel must not make this tab show an
/// account, or hand out tokens, that are not this client's. (A hostile script on our own origin could
/// read the tokens anyway; this guards against mistakes and neighbours, not against it.)
///
/// A session whose refresh token is in flight is taken: that is the live session while another tab
/// renews it, and the token is never presented again unless its answer came (see
/// [`PresentedRefreshTokens::may_present`]).
pub fn why_not_adopted(
    session: &Session,
    client_id: &ClientId,
    authority: &str,
    tab: Option<&TabView>,
) -> Option<&'static str> {
    if !session.account.claims.aud.contains(client_id.as_str()) {
        return Some("refused a session issued for another client (a second app on this origin?)");
    }
    if !is_authoritys_issuer(session.account.issuer.as_str(), authority) {
        return Some("refused a session issued by another provider (a second app on this origin?)");
    }
    let tab = tab?;
    if session.refresh_token().is_some_and(|token| tab.presented.is_retired(token)) {
        return Some("refused an older session whose refresh token was rotated away");
    }
    let account = &session.account.home_account_id;
    let same_account = tab.session.as_ref().is_some_and(|current| current.account.home_account_id == *account);
    if !same_account && session.signed_in_at() <= tab.revision {
        return Some("refused a session of another account that no newer sign-in made");
    }
    None
}

/// Whether a tab at revision `ours` takes news at revision `theirs`: only what is newer, and a revision
/// the library could have made (see [`is_plausible_revision`]).
pub fn takes_news(ours: u64, theirs: u64) -> bool {
    theirs > ours && is_plausible_revision(ours, theirs)
}

/// Whether `theirs`, read from another tab's message or from storage every tab can write, is a revision
/// the library could have made, for a tab whose newest known revision is `ours`: at most [`MAX_REVISION`],
/// and at most [`MAX_LEAP`] ahead. One that is not is refused (and the driver says so).
pub fn is_plausible_revision(ours: u64, theirs: u64) -> bool {
    theirs <= MAX_REVISION && theirs <= ours.saturating_add(MAX_LEAP)
}

/// The revision of the next change when the newest known one is `newest`: one more; `None` at
/// [`MAX_REVISION`] (never reached by counting changes; only by taking forged ones, which are refused).
pub fn next_revision(newest: u64) -> Option<u64> {
    (newest < MAX_REVISION).then(|| newest + 1)
}

/// A change of the session, as the tab that made it tells the others.
#[derive(Debug, PartialEq, Eq)]
pub struct SessionMessage {
    /// The session now (`None`: signed out).
    pub session: Option<Session>,
    /// Its revision: a tab takes only what is newer than what it has.
    pub revision: u64,
    /// Who was signed in last before the change, as the acting tab knew it (for `AccountChanged`).
    pub last: Option<HomeAccountId>,
    /// Whether an interactive sign-in made it (for `SignedIn` when the same account signs in again).
    pub signed_in: bool,
}

/// What one tab tells the others.
#[derive(Debug, PartialEq, Eq)]
pub enum TabMessage {
    /// The session changed.
    Session(Box<SessionMessage>),
    /// A tab asks the open ones for the session (a new tab, or one whose copy is behind).
    Hello,
}

impl TabMessage {
    /// The text of [`TabMessage::Hello`].
    pub fn hello_text() -> String {
        JsonObject::new().with("type", json::string("hello")).to_json_string()
    }

    /// The text of a [`TabMessage::Session`] with these values, written from the session in place (the
    /// sender's session is not copied into a message to send it).
    pub fn session_text(
        session: Option<&Session>,
        revision: u64,
        last: Option<&HomeAccountId>,
        signed_in: bool,
    ) -> String {
        JsonObject::new()
            .with("type", json::string("session"))
            .with("session", Some(session.map_or(Value::Null, |s| s.to_json().into_value())))
            .with("revision", json::string(decimal(revision)))
            .with("last", json::opt_string(last.map(HomeAccountId::as_str)))
            .with("signed_in", json::boolean(signed_in))
            .to_json_string()
    }

    /// Reads a message; `None` for anything else (another version's, or nobody's).
    pub fn from_text(text: &str) -> Option<Self> {
        let object = JsonObject::parse(text).ok()?;
        match object.opt_str("type").ok()?? {
            "hello" => Some(Self::Hello),
            "session" => {
                let session = match object.opt_object("session").ok()? {
                    None => None,
                    Some(session) => Some(Session::from_json(session).ok()?),
                };
                Some(Self::Session(Box::new(SessionMessage {
                    session,
                    revision: parse_decimal(object.opt_str("revision").ok()??)?,
                    last: object.opt_string("last").ok()?.map(HomeAccountId::from_stored),
                    signed_in: object.opt_bool("signed_in").ok()?.unwrap_or(false),
                })))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::session::tests::alice;

    fn view(revision: u64, published: Option<(u64, bool)>) -> TabView {
        let published = published.map(|(revision, signed_in)| PublishedRevision { revision, signed_in });
        TabView { session: Some(Rc::new(alice())), revision, published, ..TabView::default() }
    }

    #[test]
    fn a_copy_behind_the_published_revision_waits_for_it_or_takes_the_sign_out() {
        assert_eq!(catch_up(&view(3, None)), CatchUp::UpToDate, "nothing published");
        assert_eq!(catch_up(&view(3, Some((3, true)))), CatchUp::UpToDate);
        assert_eq!(catch_up(&view(4, Some((3, true)))), CatchUp::UpToDate, "ours is newer");
        assert_eq!(catch_up(&view(3, Some((5, true)))), CatchUp::AwaitSession { revision: 5 });
        assert_eq!(catch_up(&view(3, Some((5, false)))), CatchUp::TakeSignOut { revision: 5 });
        assert!(view(3, Some((5, true))).is_behind());
        assert_eq!(view(3, Some((5, true))).newest_revision(), 5);
    }

    #[test]
    fn only_this_clients_own_sessions_with_a_live_refresh_token_are_adopted() {
        let session = alice();
        let (spa, op) = (ClientId::new("spa"), "https://op.example/");
        let tab = |presented: PresentedRefreshTokens| TabView { presented, ..view(3, None) };
        let none = PresentedRefreshTokens::default();
        assert_eq!(why_not_adopted(&session, &spa, op, None), None, "the session a page opens with");
        assert_eq!(why_not_adopted(&session, &spa, op, Some(&tab(none.clone()))), None);
        let other_client = why_not_adopted(&session, &ClientId::new("another-app"), op, None);
        assert!(other_client.unwrap().contains("another client"));
        assert!(why_not_adopted(&session, &spa, "https://other.example", None).unwrap().contains("another provider"));
        let rt1 = session.refresh_token().unwrap();
        let in_flight = none.sending(rt1);
        assert_eq!(why_not_adopted(&session, &spa, op, Some(&tab(in_flight.clone()))), None, "live while a tab renews");
        let rotated = in_flight.answered(rt1, Some(&crate::protocol::RefreshToken::new("rt-2".to_owned())));
        assert!(why_not_adopted(&session, &spa, op, Some(&tab(rotated))).unwrap().contains("older session"));
        assert!(why_not_adopted(&session, &spa, op, Some(&tab(in_flight.refused(rt1)))).is_some());
    }

    #[test]
    fn another_account_is_taken_only_with_a_sign_in_newer_than_what_the_tab_has() {
        use crate::protocol::session::tests::{set, token};
        let (spa, op) = (ClientId::new("spa"), "https://op.example/");
        let bob = |signed_in_at: u64| {
            let session = Session::signed_in(set("bob", token("api:read", "b", 3600), None)).unwrap();
            session.signed_in_at_revision(signed_in_at).with_revision(signed_in_at + 2)
        };
        let alices_tab = view(5, None);
        assert_eq!(why_not_adopted(&bob(6), &spa, op, Some(&alices_tab)), None, "a switch in another tab");
        assert!(why_not_adopted(&bob(4), &spa, op, Some(&alices_tab)).unwrap().contains("another account"));
        assert!(why_not_adopted(&bob(0), &spa, op, Some(&alices_tab)).is_some(), "stored before sign-ins were noted");
        let signed_out = TabView { session: None, ..view(5, None) };
        assert!(why_not_adopted(&bob(4), &spa, op, Some(&signed_out)).is_some(), "an older session after a sign-out");
        assert_eq!(why_not_adopted(&bob(6), &spa, op, Some(&signed_out)), None);
        assert_eq!(why_not_adopted(&alice(), &spa, op, Some(&alices_tab)), None, "the same account renewed");
    }

    #[test]
    fn only_newer_news_is_taken() {
        assert!(takes_news(3, 4));
        assert!(!takes_news(3, 3));
        assert!(!takes_news(3, 2));
    }

    #[test]
    fn a_revision_out_of_range_or_too_far_ahead_is_refused_and_counting_never_saturates() {
        assert!(takes_news(0, 500_000), "a tab asleep for a year");
        assert!(takes_news(3, 3 + MAX_LEAP));
        assert!(!takes_news(3, 4 + MAX_LEAP), "no change the library made");
        assert!(!takes_news(3, u64::MAX) && !takes_news(u64::MAX - 1, u64::MAX));
        assert!(!takes_news(MAX_REVISION - 1, MAX_REVISION + 1));
        assert!(!is_plausible_revision(MAX_REVISION, MAX_REVISION + 1));
        assert_eq!(next_revision(41), Some(42));
        assert_eq!(next_revision(MAX_REVISION - 1), Some(MAX_REVISION));
        assert_eq!(next_revision(MAX_REVISION), None, "the limit is an error, not a revision that sticks");
        assert!((MAX_REVISION as f64) as u64 == MAX_REVISION, "exact as a JSON or JavaScript number");
    }

    #[test]
    fn messages_read_back_and_anything_else_is_ignored() {
        let session = alice();
        let id = session.account.home_account_id.clone();
        let text = TabMessage::session_text(Some(&session), 7, Some(&id), true);
        let Some(TabMessage::Session(message)) = TabMessage::from_text(&text) else { panic!("{text}") };
        assert_eq!((message.revision, message.last, message.signed_in), (7, Some(id), true));
        assert_eq!(message.session.unwrap().account, session.account);
        let signed_out = TabMessage::session_text(None, 8, None, false);
        assert!(matches!(TabMessage::from_text(&signed_out), Some(TabMessage::Session(m)) if m.session.is_none()));
        assert_eq!(TabMessage::from_text(&TabMessage::hello_text()), Some(TabMessage::Hello));
        for other in ["", "null", "{}", r#"{"type":"bye"}"#, r#"{"type":"session","revision":"x"}"#] {
            assert_eq!(TabMessage::from_text(other), None, "{other}");
        }
    }
}
