//! Renewing an access token without the user, as a state machine: this tab's turn → the account's lock
//! across tabs → news from the tab that held it → the published revision → refresh token or hidden
//! iframe → keep or drop the result.
//!
//! [`Renewal::next`] takes the answer to the last step, what the tab knows of the session now
//! ([`TabView`]) and the time, and says the next [`RenewalStep`]; the browser layer's driver performs it.
//! The rules that keep one rotating refresh token safe across tabs are decided here, each in one place:
//! - one renewal at a time in a tab, and one tab at a time per account (the lock); a renewal another
//!   call or tab made meanwhile answers the call, with no request;
//! - a tab that waited for the lock waits for the holder's news (event-driven, bounded), because that
//!   news reaches it apart from the lock's grant;
//! - a tab whose copy of the session is behind the published revision asks the other tabs for the newest
//!   one, and never presents the refresh token of a copy that is still behind;
//! - a result is dropped when the session changed meanwhile (a sign-in or sign-out in any tab, which
//!   take no lock) or the provider's answer names another account;
//! - a refused refresh token is tried again only if another tab replaced it meanwhile, and otherwise
//!   forgotten in every tab, so that nobody presents it again;
//! - a refresh token is recorded as in flight before it is sent, and the answer clears the record; one
//!   whose answer never came (a lost response, a closed tab) is never presented again, by any tab
//!   (see [`PresentedRefreshTokens`]);
//! - a frame to a provider on another site that comes back needing the user likely lacked the provider's
//!   cookies: the failure says so, the session notes it, and later renewals of it skip the frame.

use std::rc::Rc;
use std::sync::Arc;

use super::flow::Grant;
use super::same_site;
use super::storage_keys::renewal_lock_name;
use super::{
    authorize_url, parse_authorization_response, AccessToken, AuthError, AuthEvent, CachedAccessToken, CatchUp,
    ClientConfig, HomeAccountId, LoginTransaction, PresentedRefreshTokens, ProtocolError, ProviderMetadata,
    RefreshToken, Scopes, Session, TabView, TokenSet,
};

/// How long a tab that waited for another tab's lock waits for that tab's news. (It comes within
/// milliseconds when the holder renewed; the wait runs out only when the holder changed nothing.)
pub const WAITED_NEWS_MS: u32 = 300;

/// How long a tab whose copy is behind the published revision waits for the newest session from the
/// open tabs, before it renews without presenting its refresh token.
pub const CATCH_UP_MS: u32 = 1_000;

/// How long a hidden-iframe renewal may take before it counts as needing the user.
pub const SILENT_TIMEOUT_MS: u32 = 10_000;

/// How long the answer of a renewal that needed the user is given to later calls too, rather than each
/// running the same iframe again.
pub const FAILURE_MEMORY_SECS: i64 = 30;

/// How many times a renewal follows an account change (a switch in another tab) before it gives up.
const ACCOUNT_CHANGES: u8 = 3;

/// A renewal that failed, remembered for the calls that waited behind it: they get its outcome, whatever
/// the failure, so that N waiting calls fail once rather than each running the same request again (30 s
/// each, against a hung provider). A failure that needs the user is also given to later calls for
/// [`FAILURE_MEMORY_SECS`].
#[derive(Clone, Debug)]
pub struct RenewalFailure {
    /// The tab's count of failed renewals, this one included: a call that started when the count was
    /// lower waited behind it.
    pub number: u64,
    /// The revision of the session it failed at.
    pub revision: u64,
    /// The scopes it was for.
    pub scopes: Scopes,
    /// When (seconds since the Unix epoch).
    pub at: i64,
    /// Why.
    pub error: Rc<AuthError>,
}

impl RenewalFailure {
    /// The outcome this failure gives a renewal for `scopes` at `revision` that started when the tab had
    /// counted `failures_seen` failures, at `now`; `None`: it does not answer that renewal.
    fn answers(
        &self,
        failures_seen: u64,
        revision: u64,
        scopes: &Scopes,
        now: i64,
    ) -> Option<Result<Renewed, AuthError>> {
        if self.revision != revision || self.scopes != *scopes {
            return None;
        }
        let waited_behind_it = self.number > failures_seen;
        let recent = now.saturating_sub(self.at) <= FAILURE_MEMORY_SECS;
        if self.error.requires_interaction() && (waited_behind_it || recent) {
            return Some(Ok(Renewed::InteractionRequired(Some(self.error.clone()))));
        }
        waited_behind_it.then(|| Err(AuthError::clone(&self.error)))
    }
}

/// What a renewal needs next; the driver performs it and answers with the [`RenewalInput`] named.
#[derive(Debug)]
#[non_exhaustive]
pub enum RenewalStep<'a> {
    /// Wait for this tab's turn: one renewal at a time in a tab. Answered with [`RenewalInput::Turn`].
    TakeTurn,
    /// Hold the lock `name` across the tabs of the origin (letting go of one held before); answered with
    /// [`RenewalInput::Locked`]. Held until the renewal is done.
    Lock {
        /// The lock's name (one per client, provider and account).
        name: String,
    },
    /// Wait until this tab's session is at `revision` or newer, or `timeout_ms` have passed, whichever
    /// comes first; with `ask_tabs`, ask the open tabs for their session first. Woken by the news
    /// itself (a message, a `storage` event), not by polling. Answered with [`RenewalInput::Waited`].
    AwaitSession {
        /// The revision waited for.
        revision: u64,
        /// Whether to ask the open tabs for their session.
        ask_tabs: bool,
        /// The longest wait.
        timeout_ms: u32,
    },
    /// Take the sign-out at `revision` that this tab missed; answered with [`RenewalInput::Done`].
    TakeSignOut {
        /// The published revision of the sign-out.
        revision: u64,
    },
    /// Forget the refresh token of this tab's copy, in memory only: the copy is behind, so its refresh
    /// token may have rotated since. Answered with [`RenewalInput::Done`].
    ForgetStaleRefreshToken,
    /// Write this record of presented refresh tokens (in localStorage whatever the cache location;
    /// where that is refused, in the tab's memory); answered with [`RenewalInput::Done`].
    RecordPresented(PresentedRefreshTokens),
    /// The provider's metadata; answered with [`RenewalInput::Metadata`].
    GetMetadata,
    /// Trade `grant` for checked tokens (a [`super::flow::TokenFlow`]); answered with
    /// [`RenewalInput::Tokens`].
    Exchange(Grant<'a>),
    /// Push the hidden iframe's authorization request: `POST endpoint` with `form`; answered with
    /// [`RenewalInput::Pushed`].
    #[cfg(feature = "dpop")]
    PushAuthorizationRequest {
        /// The provider's pushed authorization request endpoint.
        endpoint: String,
        /// The request's parameters.
        form: String,
    },
    /// Load `url` in a hidden iframe and give back the URL it lands on under `redirect_uri`; answered
    /// with [`RenewalInput::Landed`].
    LoadHiddenFrame {
        /// The authorize URL (`prompt=none`).
        url: String,
        /// The silent redirect URI.
        redirect_uri: String,
        /// The longest wait.
        timeout_ms: u32,
    },
    /// Make `session` this tab's session at the next revision: stored, published, told to the other tabs
    /// and to this tab's listeners. Where storage refuses and `keep_if_refused` is set (a rotated refresh
    /// token: the stored one is dead), keep it in memory all the same. Answered with
    /// [`RenewalInput::Committed`].
    Commit {
        /// The session.
        session: Session,
        /// Keep it in memory when storage refuses it.
        keep_if_refused: bool,
    },
    /// Tell this tab's listeners; answered with [`RenewalInput::Done`].
    Tell(AuthEvent),
    /// Remember this failure for the calls waiting behind this one; answered with [`RenewalInput::Done`].
    Remember(RenewalFailure),
    /// The renewal is over (the locks are let go).
    Finished(Result<Renewed, AuthError>),
}

/// The answer to the last [`RenewalStep`].
#[derive(Debug)]
#[non_exhaustive]
pub enum RenewalInput {
    /// No step yet.
    Start,
    /// This tab's turn, with the last failure it remembers.
    Turn(Option<RenewalFailure>),
    /// The lock is held; `waited`: another tab held it first (and has likely just renewed).
    Locked {
        /// Whether another tab held the lock first.
        waited: bool,
    },
    /// The wait is over (the [`TabView`] says whether the session came).
    Waited,
    /// The step is done.
    Done,
    /// The provider's metadata.
    Metadata(Result<Arc<ProviderMetadata>, AuthError>),
    /// The checked tokens of an exchange.
    Tokens(Result<TokenSet, AuthError>),
    /// The provider's answer to the pushed authorization request.
    #[cfg(feature = "dpop")]
    Pushed(Result<super::flow::HttpResponse, AuthError>),
    /// The URL the hidden iframe landed on.
    Landed(Result<String, AuthError>),
    /// Whether the session was committed.
    Committed(Result<(), AuthError>),
}

/// What a renewal got.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Renewed {
    /// A token for the scopes.
    Token(CachedAccessToken),
    /// No token without the user; why (`None`: nobody is signed in).
    InteractionRequired(Option<Rc<AuthError>>),
}

/// What a failed refresh request says of the refresh token it presented.
enum PresentationOutcome {
    /// The provider refused the token as invalid: it is dead.
    Refused,
    /// The provider answered with another error: it did not take the token.
    NotTaken,
    /// No answer from the provider (the network, a timeout), or one that could not be taken (a response
    /// that fails its checks): the provider may have taken the token and rotated it.
    Unknown,
}

fn presentation_outcome(error: &AuthError) -> PresentationOutcome {
    match error {
        AuthError::Protocol(ProtocolError::InvalidGrant(_)) => PresentationOutcome::Refused,
        AuthError::Protocol(
            ProtocolError::AccessDenied(_)
            | ProtocolError::LoginRequired(_)
            | ProtocolError::InteractionRequired(_)
            | ProtocolError::ConsentRequired(_)
            | ProtocolError::Provider { .. }
            | ProtocolError::UnknownProviderError
            | ProtocolError::HttpClientError { .. },
        ) => PresentationOutcome::NotTaken,
        _ => PresentationOutcome::Unknown,
    }
}

/// How the tokens being kept were renewed.
#[derive(Clone, Copy, Debug)]
enum Via {
    RefreshToken,
    Iframe,
}

/// Where a renewal is.
#[derive(Debug)]
enum Phase {
    Start,
    AwaitingTurn,
    AwaitingLock,
    /// Waiting for the lock holder's news.
    AwaitingNews,
    /// Catching up with the published revision.
    CatchingUp,
    /// Forgetting a stale refresh token, then renewing in the iframe.
    ForgettingStaleToken,
    /// Getting the provider's metadata before the refresh token is recorded as in flight: a failure
    /// there sent nothing, and leaves the token as it was.
    PreparingRefresh,
    /// Recording the refresh token as in flight, then sending it.
    Sending,
    Refreshing,
    /// Recording what the provider's answer made of the refresh token, then keeping its tokens.
    RecordingAnswer(TokenSet),
    /// Recording what the provider's refusal made of the refresh token, then going on without it.
    RecordingRefusal(AuthError),
    /// Forgetting in every tab a refresh token whose request got no answer, then failing with why.
    ForgettingUnknownToken(AuthError),
    /// Forgetting a refresh token the provider refused, then renewing in the iframe.
    DroppingDeadToken,
    GettingMetadata,
    /// Pushing the frame's authorization request, for the provider of this metadata.
    #[cfg(feature = "dpop")]
    PushingFrameRequest(Arc<ProviderMetadata>),
    InFrame,
    ExchangingCode,
    /// Noting on the session that frames lack the provider's cookies, then failing.
    NotingBlockedCookies,
    /// Committing a renewal's tokens, then answering with the token, or with why it does not answer.
    Committing(Result<CachedAccessToken, AuthError>),
    TellingFailure,
    RememberingFailure(Result<Renewed, AuthError>),
    Finished,
}

/// A renewal of an access token for some scopes; see the module's documentation.
#[derive(Debug)]
pub struct Renewal<'a> {
    config: &'a ClientConfig,
    scopes: Scopes,
    /// A token the caller will not take again (a forced renewal's: an API refused it).
    stale: Option<AccessToken>,
    /// The silent redirect URI, resolved against the app's origin.
    silent_redirect_uri: String,
    random: [[u8; 32]; 3],
    phase: Phase,
    /// The last failure this tab remembers (given with its turn).
    remembered: Option<RenewalFailure>,
    /// The tab's count of failed renewals when this one started.
    failures_seen: u64,
    /// The account whose lock is held.
    account: Option<HomeAccountId>,
    account_changes: u8,
    /// The revision this tab was at when it asked for the lock.
    asked_at: u64,
    waited_for_lock: bool,
    caught_up: bool,
    /// The newest revision when the request started: a result is kept only if nothing changed since.
    started_at: u64,
    /// The session whose refresh token was presented (or whose account the iframe renews).
    renewing: Option<Rc<Session>>,
    /// Whether a refresh token another tab put in place of a refused one was tried.
    tried_newer_token: bool,
    /// The revision of the session the renewal started from (what a failure is remembered at).
    renewing_revision: u64,
    transaction: Option<LoginTransaction>,
    /// Whether the hidden frame went to a provider on another site than the app's.
    frame_cross_site: bool,
    /// The failure being told to the listeners.
    failure: Option<AuthError>,
}

impl<'a> Renewal<'a> {
    /// A renewal for `scopes` of the client `config`, started when the tab had counted `failures_seen`
    /// failed renewals ([`RenewalFailure::number`] of the last). `stale`: a cached token the caller will
    /// not take (a forced renewal). `silent_redirect_uri` is resolved against the app's origin; `random`
    /// makes the iframe's transaction.
    pub fn new(
        config: &'a ClientConfig,
        scopes: Scopes,
        stale: Option<AccessToken>,
        failures_seen: u64,
        silent_redirect_uri: String,
        random: [[u8; 32]; 3],
    ) -> Self {
        Self {
            config,
            scopes,
            stale,
            silent_redirect_uri,
            random,
            phase: Phase::Start,
            remembered: None,
            failures_seen,
            account: None,
            account_changes: 0,
            asked_at: 0,
            waited_for_lock: false,
            caught_up: false,
            started_at: 0,
            renewing: None,
            tried_newer_token: false,
            renewing_revision: 0,
            transaction: None,
            frame_cross_site: false,
            failure: None,
        }
    }

    /// The next step, after `input` (the answer to the last one), with what the tab knows now (`view`) at
    /// `now` (seconds since the Unix epoch).
    pub fn next(&mut self, input: RenewalInput, view: &TabView, now: i64) -> RenewalStep<'_> {
        match (std::mem::replace(&mut self.phase, Phase::Finished), input) {
            (Phase::Start, _) => {
                if self.scopes.is_empty() {
                    return self.finish(Err(ProtocolError::NoScopes.into()));
                }
                self.phase = Phase::AwaitingTurn;
                RenewalStep::TakeTurn
            }
            (Phase::AwaitingTurn, RenewalInput::Turn(remembered)) => {
                self.remembered = remembered;
                // The call before this one in the tab may have renewed: no lock needed then.
                if let Some(answer) = self.answer_without_renewal(view, now) {
                    return self.finish(Ok(answer));
                }
                // Or failed: its outcome is this call's too.
                let failed = self.remembered.as_ref();
                if let Some(outcome) =
                    failed.and_then(|f| f.answers(self.failures_seen, view.revision, &self.scopes, now))
                {
                    return self.finish(outcome);
                }
                self.lock(view)
            }
            (Phase::AwaitingLock, RenewalInput::Locked { waited }) => {
                self.waited_for_lock = waited;
                self.holding_lock(view, now)
            }
            (Phase::AwaitingNews | Phase::CatchingUp, RenewalInput::Waited | RenewalInput::Done) => {
                self.holding_lock(view, now)
            }
            (Phase::ForgettingStaleToken, RenewalInput::Done) => self.silent(),
            (Phase::PreparingRefresh, RenewalInput::Metadata(Ok(_))) => {
                self.phase = Phase::Sending;
                RenewalStep::RecordPresented(view.presented.sending(self.presented()))
            }
            (Phase::PreparingRefresh, RenewalInput::Metadata(Err(error))) => self.fail(error),
            (Phase::Sending, RenewalInput::Done) => self.refresh(),
            (Phase::Refreshing, RenewalInput::Tokens(Ok(set))) => {
                let record = view.presented.answered(self.presented(), set.refresh_token.as_ref());
                self.phase = Phase::RecordingAnswer(set);
                RenewalStep::RecordPresented(record)
            }
            (Phase::Refreshing, RenewalInput::Tokens(Err(error))) => {
                let presented = self.presented();
                let record = match presentation_outcome(&error) {
                    PresentationOutcome::Refused => view.presented.refused(presented),
                    PresentationOutcome::NotTaken => view.presented.not_taken(presented),
                    // The record stays as it is, the token in flight: the provider may have rotated it.
                    PresentationOutcome::Unknown => return self.outcome_unknown(error, view),
                };
                self.phase = Phase::RecordingRefusal(error);
                RenewalStep::RecordPresented(record)
            }
            (Phase::RecordingAnswer(set), RenewalInput::Done) => self.keep(set, Via::RefreshToken, view, now),
            (Phase::RecordingRefusal(error), RenewalInput::Done) => self.refresh_refused(error, view),
            // Stored or not, the token is never presented again (the record says so): the call fails, and
            // the calls waiting behind it with it (remembered at the revision the commit made).
            (Phase::ForgettingUnknownToken(error), RenewalInput::Committed(committed)) => {
                if committed.is_ok() {
                    self.renewing_revision = view.revision;
                }
                self.fail(error)
            }
            (Phase::DroppingDeadToken, RenewalInput::Committed(Ok(()))) => {
                // That commit was this renewal's own change: the iframe's result is measured from it.
                self.started_at = view.newest_revision();
                self.silent()
            }
            (Phase::DroppingDeadToken, RenewalInput::Committed(Err(error))) => self.fail(error),
            (Phase::GettingMetadata, RenewalInput::Metadata(Ok(metadata))) => self.load_frame(&metadata, now),
            #[cfg(feature = "dpop")]
            (Phase::PushingFrameRequest(metadata), RenewalInput::Pushed(Ok(response))) => {
                match super::par::authorize_url_after_push(&metadata, &self.config.client_id, &response) {
                    Ok(url) => self.frame(&metadata, url),
                    Err(error) => self.fail(error.into()),
                }
            }
            #[cfg(feature = "dpop")]
            (Phase::PushingFrameRequest(_), RenewalInput::Pushed(Err(error))) => self.fail(error),
            (Phase::InFrame, RenewalInput::Landed(Ok(url))) => match parse_authorization_response(&url) {
                Ok(response) => match self.transaction.take() {
                    Some(transaction) => {
                        self.phase = Phase::ExchangingCode;
                        RenewalStep::Exchange(Grant::Code { response, transaction })
                    }
                    None => self.fail(ProtocolError::StateMismatch.into()),
                },
                Err(error) => self.fail(error.into()),
            },
            (Phase::ExchangingCode, RenewalInput::Tokens(Ok(set))) => self.keep(set, Via::Iframe, view, now),
            (Phase::ExchangingCode, RenewalInput::Tokens(Err(error))) => self.frame_refused(error, view),
            (Phase::NotingBlockedCookies, RenewalInput::Committed(committed)) => {
                // Remembered at the revision the note made, for the calls waiting behind this one. A
                // note storage refused is not kept: the next renewal tries the frame again.
                if committed.is_ok() {
                    self.renewing_revision = view.revision;
                }
                self.fail(AuthError::FrameCookiesBlocked)
            }
            (
                Phase::GettingMetadata | Phase::InFrame | Phase::ExchangingCode,
                RenewalInput::Metadata(Err(error))
                | RenewalInput::Landed(Err(error))
                | RenewalInput::Tokens(Err(error)),
            ) => self.fail(error),
            (Phase::Committing(Ok(token)), RenewalInput::Committed(Ok(()))) => self.finish(Ok(Renewed::Token(token))),
            (Phase::Committing(Err(refused)), RenewalInput::Committed(Ok(()))) => {
                // Remembered at the revision the commit made, for the calls waiting behind this one.
                self.renewing_revision = view.revision;
                self.fail(refused)
            }
            (Phase::Committing(_), RenewalInput::Committed(Err(error))) => self.fail(error),
            (Phase::TellingFailure, RenewalInput::Done) => self.remember_failure(now),
            (Phase::RememberingFailure(outcome), RenewalInput::Done) => self.finish(outcome),
            // A driver that answers another step than the one asked: a bug of the driver, not a panic.
            _ => self.finish(Err(AuthError::Browser("a renewal step got the answer to another step".into()))),
        }
    }

    /// A cached token that answers the call, or the answer that nobody is signed in; `None`: renew.
    fn answer_without_renewal(&self, view: &TabView, now: i64) -> Option<Renewed> {
        let Some(session) = &view.session else { return Some(Renewed::InteractionRequired(None)) };
        let token = session.access_token(&self.scopes, now)?;
        (self.stale.as_ref() != Some(&token.access_token)).then(|| Renewed::Token(token.clone()))
    }

    /// Asks for the lock of the account signed in now.
    fn lock(&mut self, view: &TabView) -> RenewalStep<'_> {
        let Some(session) = &view.session else { return self.finish(Ok(Renewed::InteractionRequired(None))) };
        let account = session.account.home_account_id.clone();
        let name = renewal_lock_name(&self.config.client_id, &self.config.authority, &account);
        self.account = Some(account);
        self.asked_at = view.revision;
        self.caught_up = false;
        self.phase = Phase::AwaitingLock;
        RenewalStep::Lock { name }
    }

    /// Holding the lock: catch up with the other tabs, then answer from the cache or renew.
    fn holding_lock(&mut self, view: &TabView, now: i64) -> RenewalStep<'_> {
        // 1. The tab that held the lock has likely just renewed; its news may still be on the way.
        if self.waited_for_lock && view.newest_revision() <= self.asked_at {
            self.waited_for_lock = false;
            self.phase = Phase::AwaitingNews;
            return RenewalStep::AwaitSession {
                // Saturating: a revision read from storage or a message may be any number.
                revision: self.asked_at.saturating_add(1),
                ask_tabs: false,
                timeout_ms: WAITED_NEWS_MS,
            };
        }
        // 2. A copy behind the published revision: the newest session from the open tabs, or the
        //    sign-out it missed. Once: what is still missing after that is handled below.
        if !self.caught_up {
            self.caught_up = true;
            match super::catch_up(view) {
                CatchUp::UpToDate => {}
                CatchUp::TakeSignOut { revision } => {
                    self.phase = Phase::CatchingUp;
                    return RenewalStep::TakeSignOut { revision };
                }
                CatchUp::AwaitSession { revision } => {
                    self.phase = Phase::CatchingUp;
                    return RenewalStep::AwaitSession { revision, ask_tabs: true, timeout_ms: CATCH_UP_MS };
                }
            }
        }
        // 3. Somebody else's renewal answers the call; a switch to another account takes its lock.
        if let Some(answer) = self.answer_without_renewal(view, now) {
            return self.finish(Ok(answer));
        }
        let session = view.session.clone().expect("answered above when nobody is signed in");
        if Some(&session.account.home_account_id) != self.account.as_ref() {
            self.account_changes += 1;
            if self.account_changes >= ACCOUNT_CHANGES {
                let why = "the signed-in account kept changing";
                return self.fail(ProtocolError::LoginRequired(Some(why.into())).into());
            }
            return self.lock(view);
        }
        // 4. Renew: with the refresh token only if this copy is the newest.
        self.started_at = view.newest_revision();
        self.renewing_revision = view.revision;
        self.renewing = Some(session.clone());
        if view.is_behind() {
            self.phase = Phase::ForgettingStaleToken;
            return RenewalStep::ForgetStaleRefreshToken;
        }
        self.present(view)
    }

    /// Presents the refresh token of the session being renewed, if it may be: once the provider's
    /// metadata is at hand, it is recorded as in flight, then sent. One that was sent before with no answer (its outcome unknown) or retired is forgotten in
    /// every tab instead, and the iframe renews.
    fn present(&mut self, view: &TabView) -> RenewalStep<'_> {
        let session = self.renewing.clone().expect("a refresh renews a session");
        let Some(refresh_token) = session.refresh_token() else { return self.silent() };
        if !view.presented.may_present(refresh_token) {
            self.phase = Phase::DroppingDeadToken;
            return RenewalStep::Commit { session: session.without_refresh_token(), keep_if_refused: false };
        }
        self.phase = Phase::PreparingRefresh;
        RenewalStep::GetMetadata
    }

    /// Sends the refresh token of the session being renewed (recorded as in flight).
    fn refresh(&mut self) -> RenewalStep<'_> {
        self.phase = Phase::Refreshing;
        let session = self.renewing.as_deref().expect("a refresh renews a session");
        let refresh_token = session.refresh_token().expect("a refresh needs a refresh token");
        RenewalStep::Exchange(Grant::Refresh { session, refresh_token, scopes: &self.scopes })
    }

    /// The refresh token being presented.
    fn presented(&self) -> &RefreshToken {
        self.renewing.as_deref().and_then(Session::refresh_token).expect("a refresh presents a refresh token")
    }

    /// The refresh request got no answer (the network, a timeout, a response that could not be taken):
    /// the provider may have rotated the token, so it stays recorded as in flight, and is forgotten in
    /// every tab. The call ends with the error (a provider that did not answer would keep the iframe's
    /// exchange waiting too, and the calls behind this one with it); the next renewal goes to the iframe,
    /// or to the user.
    fn outcome_unknown(&mut self, error: AuthError, view: &TabView) -> RenewalStep<'_> {
        let current = view.session.clone().filter(|s| s.refresh_token() == Some(self.presented()));
        match current {
            Some(current) => {
                self.phase = Phase::ForgettingUnknownToken(error);
                RenewalStep::Commit { session: current.without_refresh_token(), keep_if_refused: false }
            }
            None => self.fail(error),
        }
    }

    /// The provider refused the refresh token (or did not answer).
    fn refresh_refused(&mut self, error: AuthError, view: &TabView) -> RenewalStep<'_> {
        if !error.requires_interaction() {
            return self.fail(error);
        }
        // Refused as invalid (not for a scope the grant lacks): if another tab (one without Web Locks)
        // rotated it meanwhile, the new one is worth one try; otherwise it is dead, and forgotten in
        // every tab so that nobody presents it again.
        if matches!(error, AuthError::Protocol(ProtocolError::InvalidGrant(_))) {
            let presented = self.renewing.clone();
            let presented = presented.as_deref().and_then(Session::refresh_token);
            let current = view.session.clone().filter(|s| Some(&s.account.home_account_id) == self.account.as_ref());
            if let Some(current) = current {
                match current.refresh_token() {
                    Some(newer) if Some(newer) != presented && !self.tried_newer_token => {
                        self.tried_newer_token = true;
                        self.started_at = self.started_at.max(view.revision);
                        self.renewing = Some(current.clone());
                        return self.present(view);
                    }
                    Some(_) => {
                        self.phase = Phase::DroppingDeadToken;
                        let session = current.without_refresh_token();
                        return RenewalStep::Commit { session, keep_if_refused: false };
                    }
                    None => {}
                }
            }
        }
        if view.session.is_none() {
            return self.fail(error);
        }
        self.silent()
    }

    /// Renews in a hidden iframe, on the provider's session cookie: first the metadata. Not when a frame
    /// of this session already lacked that cookie: it would again, after a request and a wait.
    fn silent(&mut self) -> RenewalStep<'_> {
        if self.renewing.as_deref().is_some_and(Session::frame_cookies_blocked) {
            return self.fail(AuthError::FrameCookiesBlocked);
        }
        self.phase = Phase::GettingMetadata;
        RenewalStep::GetMetadata
    }

    fn load_frame(&mut self, metadata: &Arc<ProviderMetadata>, now: i64) -> RenewalStep<'_> {
        let scopes = self.config.scopes.union(&self.scopes).for_sign_in();
        #[cfg_attr(not(feature = "dpop"), allow(unused_mut))]
        let mut transaction = LoginTransaction::begin(&self.silent_redirect_uri, scopes, "/", now, self.random);
        // The frame's code is bound to the session's key, as its tokens are; a bearer session stays one.
        #[cfg(feature = "dpop")]
        {
            transaction.dpop_jkt = self.renewing.as_deref().and_then(Session::dpop_jkt).map(str::to_owned);
        }
        // A login_hint, not an id_token_hint: no token goes into a URL, and providers with several
        // sessions (Entra) still pick the right one.
        let mut params = vec![("prompt".to_owned(), "none".to_owned())];
        if let Some(username) = self.renewing.as_ref().and_then(|s| s.account.username.clone()) {
            params.push(("login_hint".to_owned(), username));
        }
        let params = self.config.with_configured_parameters(params);
        #[cfg(feature = "dpop")]
        match super::par::pushed_request(self.config, metadata, &transaction, &params) {
            Ok(Some(pushed)) => {
                self.transaction = Some(transaction);
                self.phase = Phase::PushingFrameRequest(metadata.clone());
                return RenewalStep::PushAuthorizationRequest { endpoint: pushed.endpoint, form: pushed.form };
            }
            Ok(None) => {}
            Err(error) => return self.fail(error.into()),
        }
        match authorize_url(metadata, &self.config.client_id, &transaction, &params) {
            Ok(url) => {
                self.transaction = Some(transaction);
                self.frame(metadata, url)
            }
            Err(error) => self.fail(error.into()),
        }
    }

    /// Loads the authorize `url` in the hidden frame.
    fn frame(&mut self, metadata: &ProviderMetadata, url: String) -> RenewalStep<'_> {
        // The silent redirect URI is on the app's origin: the frame is read there.
        self.frame_cross_site = !same_site(&metadata.authorization_endpoint, &self.silent_redirect_uri);
        self.phase = Phase::InFrame;
        let redirect_uri = self.silent_redirect_uri.clone();
        RenewalStep::LoadHiddenFrame { url, redirect_uri, timeout_ms: SILENT_TIMEOUT_MS }
    }

    /// The frame's sign-in failed. A provider on another site that answers that it needs the user most
    /// likely did not get its session cookie: browsers block third-party cookies, and a `SameSite=Lax`
    /// one never goes to a frame of another site, so the answer says nothing of whether the user is
    /// signed in there. The failure says so, and the session this renewal started from notes it (not
    /// one a sign-in or sign-out made meanwhile), so that no tab repeats the frame for it.
    fn frame_refused(&mut self, error: AuthError, view: &TabView) -> RenewalStep<'_> {
        let needs_user = matches!(
            error,
            AuthError::Protocol(ProtocolError::LoginRequired(_) | ProtocolError::InteractionRequired(_))
        );
        if !(self.frame_cross_site && needs_user) {
            return self.fail(error);
        }
        let unchanged = view.newest_revision() <= self.started_at;
        match view.session.as_deref().filter(|session| unchanged && !session.frame_cookies_blocked()) {
            Some(session) => {
                self.phase = Phase::NotingBlockedCookies;
                RenewalStep::Commit { session: session.with_frame_cookies_blocked(), keep_if_refused: false }
            }
            None => self.fail(AuthError::FrameCookiesBlocked),
        }
    }

    /// Keeps a renewal's tokens if nothing changed the session since the renewal started (a sign-in or
    /// sign-out in any tab; they take no lock) and the provider's answer is still this account's.
    fn keep(&mut self, set: TokenSet, via: Via, view: &TabView, now: i64) -> RenewalStep<'_> {
        if view.newest_revision() > self.started_at {
            let why = "the session changed (a sign-out or sign-in) while its token was being renewed";
            return self.fail(ProtocolError::LoginRequired(Some(why.into())).into());
        }
        let Some(current) = view.session.as_deref() else {
            return self.fail(ProtocolError::LoginRequired(Some("signed out meanwhile".into())).into());
        };
        let account = self.account.as_ref().expect("the lock is an account's");
        let token = set.access_token.clone();
        // Granted scopes are the truth: a token granted less than asked does not answer the call, yet is
        // kept with the rest of the renewal (a rotated refresh token above all) for what it was granted.
        let granted = token.granted(&self.scopes);
        let next = match current.renewed(set, account) {
            Ok(next) => next,
            Err(error) => return self.fail(error.into()),
        };
        // The iframe's sign-in may grant other names than asked for: its token is the one that answers
        // the request in the session it makes.
        let token = match via {
            Via::RefreshToken => Some(token),
            Via::Iframe => next.access_token(&self.scopes, now).cloned(),
        };
        let answer = match (granted, token) {
            (Err(refused), _) => Err(refused.into()),
            (Ok(()), Some(token)) => Ok(token),
            (Ok(()), None) => {
                let why = "the provider granted no token for the requested scopes";
                return self.fail(ProtocolError::InvalidTokenResponse(why.into()).into());
            }
        };
        let keep_if_refused = next.refresh_token() != current.refresh_token();
        self.phase = Phase::Committing(answer);
        RenewalStep::Commit { session: next, keep_if_refused }
    }

    /// A failure: told to the listeners, then the call's answer (the user is needed, or the error).
    fn fail(&mut self, error: AuthError) -> RenewalStep<'_> {
        self.phase = Phase::TellingFailure;
        self.failure = Some(error.clone());
        RenewalStep::Tell(AuthEvent::RenewFailed { scopes: self.scopes.clone(), error })
    }

    /// A failure is remembered for the calls waiting behind this one (see [`RenewalFailure`]); then the
    /// call's answer: the user is needed, or the error.
    fn remember_failure(&mut self, now: i64) -> RenewalStep<'_> {
        let error = self.failure.take().expect("a failure is kept while it is told");
        let outcome = if error.requires_interaction() { None } else { Some(Err(error.clone())) };
        let error = Rc::new(error);
        let outcome = outcome.unwrap_or_else(|| Ok(Renewed::InteractionRequired(Some(error.clone()))));
        // Renewals in a tab take turns: no other failure came between this one's turn and now.
        let number = self.remembered.as_ref().map_or(0, |f| f.number).max(self.failures_seen).saturating_add(1);
        let (revision, scopes) = (self.renewing_revision, self.scopes.clone());
        self.phase = Phase::RememberingFailure(outcome);
        RenewalStep::Remember(RenewalFailure { number, revision, scopes, at: now, error })
    }

    fn finish(&mut self, outcome: Result<Renewed, AuthError>) -> RenewalStep<'_> {
        self.phase = Phase::Finished;
        RenewalStep::Finished(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::session::tests::{alice, renewal, token};
    use crate::protocol::{PublishedRevision, RefreshToken};

    /// Alice's access token (from `alice()`) expires at 3600: due for renewal by now.
    const NOW: i64 = 4_000;

    fn config() -> ClientConfig {
        ClientConfig::new("https://op.example", "spa")
    }

    fn api() -> Scopes {
        Scopes::parse("api:read").unwrap()
    }

    /// A tab at `revision` with `session`, and the revision some tab published.
    fn view(session: Option<Session>, revision: u64, published: Option<(u64, bool)>) -> TabView {
        TabView {
            session: session.map(|s| Rc::new(s.with_revision(revision))),
            revision,
            published: published.map(|(revision, signed_in)| PublishedRevision { revision, signed_in }),
            presented: PresentedRefreshTokens::default(),
        }
    }

    /// Alice at `revision` (also published), her access token expired.
    fn expired(revision: u64) -> TabView {
        view(Some(alice()), revision, Some((revision, true)))
    }

    /// Alice at `revision` (also published) after another tab renewed: a fresh token `at-2` and the
    /// rotated refresh token `rt-2`.
    fn renewed_elsewhere(revision: u64) -> TabView {
        let set = renewal(token("api:read", "at-2", NOW + 3600), Some("rt-2"));
        let session = alice().renewed(set, &alice().account.home_account_id).unwrap();
        view(Some(session), revision, Some((revision, true)))
    }

    /// What a step is, for comparing transcripts.
    fn name(step: &RenewalStep<'_>) -> String {
        match step {
            RenewalStep::TakeTurn => "take turn".into(),
            RenewalStep::Lock { .. } => "lock".into(),
            RenewalStep::AwaitSession { revision, ask_tabs, timeout_ms } => {
                format!("await session {revision}{} ({timeout_ms} ms)", if *ask_tabs { ", asking tabs" } else { "" })
            }
            RenewalStep::TakeSignOut { revision } => format!("take sign-out {revision}"),
            RenewalStep::ForgetStaleRefreshToken => "forget stale refresh token".into(),
            RenewalStep::RecordPresented(record) => {
                let mut said = Vec::new();
                for known in ["rt-1", "rt-2", "rt-3", "rt-bob"] {
                    let token = RefreshToken::new(known.to_owned());
                    if record.is_retired(&token) {
                        said.push(format!("{known} retired"));
                    } else if !record.may_present(&token) {
                        said.push(format!("{known} in flight"));
                    }
                }
                format!("record {}", if said.is_empty() { "nothing".into() } else { said.join(", ") })
            }
            RenewalStep::GetMetadata => "get metadata".into(),
            RenewalStep::Exchange(Grant::Refresh { refresh_token, .. }) => {
                format!("refresh with {}", refresh_token.secret())
            }
            RenewalStep::Exchange(_) => "exchange code".into(),
            RenewalStep::LoadHiddenFrame { url, .. } => {
                format!("load hidden frame{}", if url.contains("login_hint") { " with login_hint" } else { "" })
            }
            #[cfg(feature = "dpop")]
            RenewalStep::PushAuthorizationRequest { endpoint, form } => format!(
                "push {} to {endpoint}",
                if form.contains("prompt=none") { "the frame's request" } else { "a request that may interact" }
            ),
            RenewalStep::Commit { session, keep_if_refused } => format!(
                "commit refresh token {:?}{}{}",
                session.refresh_token().map(RefreshToken::secret),
                if *keep_if_refused { " (kept if refused)" } else { "" },
                if session.frame_cookies_blocked() { ", noting blocked frame cookies" } else { "" }
            ),
            RenewalStep::Tell(AuthEvent::RenewFailed { error, .. }) => format!("tell renew failed: {}", why(error)),
            RenewalStep::Tell(event) => format!("tell {event:?}"),
            RenewalStep::Remember(failure) => {
                format!("remember {} at revision {}", why(&failure.error), failure.revision)
            }
            RenewalStep::Finished(Ok(Renewed::Token(token))) => format!("token {}", token.access_token.secret()),
            RenewalStep::Finished(Ok(Renewed::InteractionRequired(why_needed))) => format!(
                "interaction required: {}",
                why_needed.as_deref().map_or_else(|| "nobody is signed in".into(), why)
            ),
            RenewalStep::Finished(Err(error)) => format!("error: {}", error.code()),
        }
    }

    /// An error's code, and for the one that blames the provider's cookies, that it does.
    fn why(error: &AuthError) -> String {
        let cookies = if matches!(error, AuthError::FrameCookiesBlocked) { " (frame cookies blocked)" } else { "" };
        [error.code(), cookies].concat()
    }

    /// Runs a renewal for `api:read` through `script` (each answer with the tab's view then; the first
    /// answer is `Start`): the steps' names.
    fn run(stale: Option<&str>, script: Vec<(RenewalInput, TabView)>) -> Vec<String> {
        run_after_failures(0, stale, script)
    }

    /// [`run`] for a call that started when the tab had counted `failures_seen` failed renewals.
    fn run_after_failures(
        failures_seen: u64,
        stale: Option<&str>,
        script: Vec<(RenewalInput, TabView)>,
    ) -> Vec<String> {
        run_on_app("https://app/silent-callback.html", failures_seen, stale, script)
    }

    /// [`run_after_failures`] for an app whose silent redirect URI is `silent_redirect_uri` (the provider
    /// is `https://op.example`).
    fn run_on_app(
        silent_redirect_uri: &str,
        failures_seen: u64,
        stale: Option<&str>,
        script: Vec<(RenewalInput, TabView)>,
    ) -> Vec<String> {
        let config = config();
        let stale = stale.map(AccessToken::new);
        let silent_redirect_uri = silent_redirect_uri.to_owned();
        let mut renewal = Renewal::new(&config, api(), stale, failures_seen, silent_redirect_uri, [[7; 32]; 3]);
        let mut steps = Vec::new();
        let mut script = script.into_iter().peekable();
        while let Some((mut input, view)) = script.next() {
            loop {
                let step = renewal.next(input, &view, NOW);
                steps.push(name(&step));
                // Two steps get an answer here, with the tab's view unchanged, unless the script gives
                // one: the provider's metadata, and writing the record of presented refresh tokens (what
                // it holds is in the step's name).
                let scripted = matches!(script.peek(), Some((RenewalInput::Metadata(_), _)));
                input = match step {
                    RenewalStep::GetMetadata if !scripted => RenewalInput::Metadata(Ok(Arc::new(metadata()))),
                    RenewalStep::RecordPresented(_) => RenewalInput::Done,
                    RenewalStep::Finished(_) => return steps,
                    _ => break,
                };
            }
        }
        steps
    }

    /// The opening of every renewal: its turn with the tab at `before`, then the lock, granted (`waited`:
    /// after another tab held it) with the tab at `granted`.
    fn to_the_lock(before: TabView, waited: bool, granted: TabView) -> Vec<(RenewalInput, TabView)> {
        vec![
            (RenewalInput::Start, before.clone()),
            (RenewalInput::Turn(None), before),
            (RenewalInput::Locked { waited }, granted),
        ]
    }

    /// `first`, then `rest`.
    fn chain(
        mut first: Vec<(RenewalInput, TabView)>,
        rest: Vec<(RenewalInput, TabView)>,
    ) -> Vec<(RenewalInput, TabView)> {
        first.extend(rest);
        first
    }

    fn failed(error: ProtocolError) -> RenewalInput {
        RenewalInput::Tokens(Err(error.into()))
    }

    #[test]
    fn a_token_renewed_by_the_call_before_in_this_tab_answers_without_the_lock() {
        let steps =
            run(None, vec![(RenewalInput::Start, expired(3)), (RenewalInput::Turn(None), renewed_elsewhere(4))]);
        assert_eq!(steps, ["take turn", "token at-2"]);
    }

    #[test]
    fn nobody_signed_in_needs_the_user() {
        let nobody = view(None, 3, Some((3, false)));
        let steps = run(None, vec![(RenewalInput::Start, nobody.clone()), (RenewalInput::Turn(None), nobody)]);
        assert_eq!(steps, ["take turn", "interaction required: nobody is signed in"]);
    }

    #[test]
    fn the_tab_that_gets_the_lock_first_refreshes_and_commits_the_rotated_token() {
        let set = renewal(token("api:read", "at-2", NOW + 3600), Some("rt-2"));
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (RenewalInput::Tokens(Ok(set)), expired(3)),
                    (RenewalInput::Committed(Ok(())), renewed_elsewhere(4)),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                "record rt-1 retired",
                "commit refresh token Some(\"rt-2\") (kept if refused)",
                "token at-2"
            ]
        );
    }

    #[test]
    fn a_tab_that_waited_for_the_lock_waits_for_the_holders_news_and_presents_nothing() {
        let steps = run(
            None,
            chain(to_the_lock(expired(3), true, expired(3)), vec![(RenewalInput::Waited, renewed_elsewhere(4))]),
        );
        assert_eq!(steps, ["take turn", "lock", "await session 4 (300 ms)", "token at-2"]);
    }

    #[test]
    fn news_that_arrived_before_the_lock_was_granted_is_not_waited_for() {
        let steps = run(None, to_the_lock(expired(3), true, renewed_elsewhere(4)));
        assert_eq!(steps, ["take turn", "lock", "token at-2"]);
    }

    #[test]
    fn a_holder_that_changed_nothing_costs_one_bounded_wait_then_this_tab_refreshes() {
        let steps =
            run(None, chain(to_the_lock(expired(3), true, expired(3)), vec![(RenewalInput::Waited, expired(3))]));
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "await session 4 (300 ms)",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1"
            ]
        );
    }

    #[test]
    fn a_copy_behind_the_published_revision_asks_the_tabs_and_presents_the_newest_refresh_token() {
        let mut newest = renewed_elsewhere(5);
        // Renewed elsewhere at revision 5, and due again by now.
        let set = renewal(token("api:read", "at-2", NOW - 1), Some("rt-2"));
        newest.session =
            Some(Rc::new(alice().renewed(set, &alice().account.home_account_id).unwrap().with_revision(5)));
        let steps = run(
            None,
            vec![
                (RenewalInput::Start, expired(3)),
                (RenewalInput::Turn(None), view(Some(alice()), 3, Some((5, true)))),
                (RenewalInput::Locked { waited: false }, view(Some(alice()), 3, Some((5, true)))),
                (RenewalInput::Waited, newest),
            ],
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "await session 5, asking tabs (1000 ms)",
                "get metadata",
                "record rt-2 in flight",
                "refresh with rt-2"
            ]
        );
    }

    #[test]
    fn a_copy_still_behind_never_presents_its_refresh_token_and_renews_in_the_iframe() {
        let behind = view(Some(alice()), 3, Some((5, true)));
        let mut without_token = alice().without_refresh_token();
        without_token = without_token.with_revision(3);
        let forgotten = TabView { session: Some(Rc::new(without_token)), ..behind.clone() };
        let steps = run(
            None,
            chain(
                to_the_lock(behind.clone(), false, behind.clone()),
                vec![
                    (RenewalInput::Waited, behind),
                    (RenewalInput::Done, forgotten.clone()),
                    (RenewalInput::Landed(Err(AuthError::SilentTimeout { seconds: 10 })), forgotten.clone()),
                    (RenewalInput::Done, forgotten.clone()),
                    (RenewalInput::Done, forgotten),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "await session 5, asking tabs (1000 ms)",
                "forget stale refresh token",
                "get metadata",
                "load hidden frame",
                "tell renew failed: silent_timeout",
                "remember silent_timeout at revision 3",
                "interaction required: silent_timeout",
            ]
        );
        assert!(!steps.iter().any(|s| s.starts_with("refresh with")));
    }

    #[test]
    fn a_sign_out_this_tab_missed_is_taken_and_then_the_user_is_needed() {
        let missed = view(Some(alice()), 3, Some((5, false)));
        let steps = run(
            None,
            chain(
                to_the_lock(missed.clone(), false, missed),
                vec![(RenewalInput::Done, view(None, 5, Some((5, false))))],
            ),
        );
        assert_eq!(steps, ["take turn", "lock", "take sign-out 5", "interaction required: nobody is signed in"]);
    }

    #[test]
    fn a_result_is_dropped_when_the_session_changed_while_it_was_renewed() {
        let set = renewal(token("api:read", "at-2", NOW + 3600), Some("rt-2"));
        // A sign-in in another tab (no lock) published revision 4 meanwhile.
        let changed = view(Some(alice()), 3, Some((4, true)));
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (RenewalInput::Tokens(Ok(set)), changed.clone()),
                    (RenewalInput::Done, changed.clone()),
                    (RenewalInput::Done, changed),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                // The provider rotated the token: the old one is dead, whether or not the new one is kept.
                "record rt-1 retired",
                "tell renew failed: login_required",
                "remember login_required at revision 3",
                "interaction required: login_required",
            ]
        );
        assert!(!steps.iter().any(|s| s.starts_with("commit")));
    }

    #[test]
    fn a_refused_refresh_token_is_forgotten_in_every_tab_before_the_iframe() {
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (failed(ProtocolError::InvalidGrant(None)), expired(3)),
                    (RenewalInput::Committed(Ok(())), expired(4)),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                "record rt-1 retired",
                "commit refresh token None",
                "get metadata",
                "load hidden frame"
            ]
        );
    }

    #[test]
    fn a_refresh_token_another_tab_rotated_meanwhile_is_tried_once() {
        let mut rotated = expired(4);
        let set = renewal(token("api:read", "at-1", 3600), Some("rt-2"));
        rotated.session =
            Some(Rc::new(alice().renewed(set, &alice().account.home_account_id).unwrap().with_revision(4)));
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (failed(ProtocolError::InvalidGrant(None)), rotated.clone()),
                    (failed(ProtocolError::InvalidGrant(None)), rotated.clone()),
                    (RenewalInput::Committed(Ok(())), rotated),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                "record rt-1 retired",
                "get metadata",
                "record rt-2 in flight",
                "refresh with rt-2",
                "record rt-2 retired",
                "commit refresh token None",
                "get metadata",
                "load hidden frame"
            ]
        );
    }

    #[test]
    fn a_scope_the_grant_lacks_keeps_the_refresh_token_and_tries_the_iframe() {
        let steps = run(
            None,
            vec![
                (RenewalInput::Start, expired(3)),
                (RenewalInput::Turn(None), expired(3)),
                (RenewalInput::Locked { waited: false }, expired(3)),
                (
                    failed(ProtocolError::Provider {
                        error: crate::protocol::OAuthErrorCode::InvalidScope,
                        description: None,
                    }),
                    expired(3),
                ),
            ],
        );
        let steps_then = ["get metadata", "record rt-1 in flight", "refresh with rt-1", "record nothing"];
        assert_eq!(steps[2..6], steps_then, "not taken: the token may be presented again");
        assert_eq!(steps[6..], ["get metadata", "load hidden frame"]);
    }

    /// A renewal for `api:read api:write` through `script`: the steps' names, and the session committed.
    fn run_for_read_and_write(script: Vec<(RenewalInput, TabView)>) -> (Vec<String>, Option<Session>) {
        let config = config();
        let uri = "https://app/silent-callback.html".to_owned();
        let mut renewal = Renewal::new(&config, read_and_write(), None, 0, uri, [[7; 32]; 3]);
        let (mut steps, mut committed) = (Vec::new(), None);
        for (input, view) in script {
            let step = renewal.next(input, &view, NOW);
            if let RenewalStep::Commit { session, .. } = &step {
                committed = Some(session.clone());
            }
            if let RenewalStep::Finished(Ok(Renewed::InteractionRequired(Some(why)))) = &step {
                assert!(why.to_string().contains("`api:write`"), "the error names the scope: {why}");
            }
            steps.push(name(&step));
        }
        (steps, committed)
    }

    fn read_and_write() -> Scopes {
        Scopes::parse("api:read api:write").unwrap()
    }

    /// A token asked for `api:read api:write` and granted `api:read` only (the user unticked `api:write`).
    fn granted_read_only(access_token: &str) -> CachedAccessToken {
        CachedAccessToken { requested: read_and_write(), ..token("api:read", access_token, NOW + 3600) }
    }

    /// The token `session` answers `scopes` with at `NOW`, if any.
    fn answer(session: &Session, scopes: &str) -> Option<String> {
        let token = session.access_token(&Scopes::parse(scopes).unwrap(), NOW)?;
        Some(token.access_token.secret().to_owned())
    }

    #[test]
    fn a_refresh_granted_less_than_asked_keeps_its_tokens_and_the_call_needs_consent_for_the_rest() {
        let set = renewal(granted_read_only("at-2"), Some("rt-2"));
        let (steps, committed) = run_for_read_and_write(chain(
            to_the_lock(expired(3), false, expired(3)),
            vec![
                (RenewalInput::Metadata(Ok(Arc::new(metadata()))), expired(3)),
                (RenewalInput::Done, expired(3)),
                (RenewalInput::Tokens(Ok(set)), expired(3)),
                (RenewalInput::Done, expired(3)),
                (RenewalInput::Committed(Ok(())), expired(4)),
                (RenewalInput::Done, expired(4)),
                (RenewalInput::Done, expired(4)),
            ],
        ));
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                "record rt-1 retired",
                "commit refresh token Some(\"rt-2\") (kept if refused)",
                "tell renew failed: scopes_not_granted",
                // At the revision the commit made: the calls waiting behind it (at that revision) get it.
                "remember scopes_not_granted at revision 4",
                "interaction required: scopes_not_granted",
            ]
        );
        let committed = committed.expect("the rotated refresh token and the token are kept");
        assert_eq!(answer(&committed, "api:read api:write"), None, "not for the scope it was not granted");
        assert_eq!(answer(&committed, "openid api:read").as_deref(), Some("at-2"), "for the scope it was granted");
    }

    #[test]
    fn a_scope_unticked_at_consent_is_not_served_until_a_sign_in_grants_it() {
        let config = config();
        let mut renewal =
            Renewal::new(&config, read_and_write(), None, 0, "https://app/silent-callback.html".into(), [[7; 32]; 3]);
        // Signed in for both; the consent page granted `api:read` only.
        let signed_in = crate::protocol::session::tests::set("alice", granted_read_only("at-1"), Some("rt-1"));
        let session = Session::signed_in(signed_in).unwrap();
        assert_eq!(answer(&session, "api:read api:write"), None, "not from the cache");
        assert_eq!(answer(&session, "api:read").as_deref(), Some("at-1"));
        let at = |revision| view(Some(session.clone()), revision, Some((revision, true)));
        assert_eq!(name(&renewal.next(RenewalInput::Start, &at(3), NOW)), "take turn");
        assert_eq!(name(&renewal.next(RenewalInput::Turn(None), &at(3), NOW)), "lock");
        let step = renewal.next(RenewalInput::Locked { waited: false }, &at(3), NOW);
        assert_eq!(name(&step), "get metadata");
        let step = renewal.next(RenewalInput::Metadata(Ok(Arc::new(metadata()))), &at(3), NOW);
        assert_eq!(name(&step), "record rt-1 in flight");
        assert_eq!(name(&renewal.next(RenewalInput::Done, &at(3), NOW)), "refresh with rt-1");
        // The grant lacks `api:write`: the refresh is refused, and the iframe gets what the grant holds.
        let invalid_scope =
            ProtocolError::Provider { error: crate::protocol::OAuthErrorCode::InvalidScope, description: None };
        assert_eq!(name(&renewal.next(failed(invalid_scope), &at(3), NOW)), "record nothing", "not taken");
        assert_eq!(name(&renewal.next(RenewalInput::Done, &at(3), NOW)), "get metadata");
        let RenewalStep::LoadHiddenFrame { url, redirect_uri, .. } =
            renewal.next(RenewalInput::Metadata(Ok(Arc::new(metadata()))), &at(3), NOW)
        else {
            panic!("the iframe is loaded")
        };
        let state = url.split(['?', '&']).find_map(|p| p.strip_prefix("state=")).unwrap().to_owned();
        let landed = format!("{redirect_uri}?code=c-1&state={state}&iss=https%3A%2F%2Fop.example");
        assert_eq!(name(&renewal.next(RenewalInput::Landed(Ok(landed)), &at(3), NOW)), "exchange code");
        let iframe = crate::protocol::session::tests::set("alice", granted_read_only("at-2"), Some("rt-2"));
        let RenewalStep::Commit { session: committed, .. } =
            renewal.next(RenewalInput::Tokens(Ok(iframe)), &at(3), NOW)
        else {
            panic!("the iframe's tokens are kept")
        };
        assert_eq!(
            name(&renewal.next(RenewalInput::Committed(Ok(())), &at(4), NOW)),
            "tell renew failed: scopes_not_granted"
        );
        assert_eq!(name(&renewal.next(RenewalInput::Done, &at(4), NOW)), "remember scopes_not_granted at revision 4");
        let step = renewal.next(RenewalInput::Done, &at(4), NOW);
        let RenewalStep::Finished(Ok(Renewed::InteractionRequired(Some(why)))) = &step else {
            panic!("the user is needed: {}", name(&step))
        };
        assert_eq!(**why, AuthError::Protocol(ProtocolError::ScopesNotGranted("api:write".into())));
        assert_eq!(answer(&committed, "api:read api:write"), None);
        assert_eq!(answer(&committed, "api:read").as_deref(), Some("at-2"), "what was granted still answers");

        // The user consents in an interactive sign-in: the token for both answers from then on.
        let both = CachedAccessToken { scopes: read_and_write(), ..granted_read_only("at-3") };
        let consented = crate::protocol::session::tests::set("alice", both, Some("rt-3"));
        let after = crate::protocol::after_sign_in(Some(&committed), consented).unwrap();
        assert_eq!(answer(&after, "api:read api:write").as_deref(), Some("at-3"));
    }

    #[test]
    fn a_network_failure_is_told_once_remembered_for_the_calls_behind_it_and_returned() {
        let offline = AuthError::Network { url: "https://op.example/.well-known".into(), message: "offline".into() };
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (RenewalInput::Metadata(Err(offline)), expired(3)),
                    (RenewalInput::Done, expired(3)),
                    (RenewalInput::Done, expired(3)),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "tell renew failed: network_error",
                "remember network_error at revision 3",
                "error: network_error"
            ]
        );
        assert!(!steps.iter().any(|s| s.starts_with("record")), "nothing was sent: the token stays presentable");
    }

    /// Alice at revision 3, due for renewal, with `record` in localStorage.
    fn expired_with(record: PresentedRefreshTokens) -> TabView {
        TabView { presented: record, ..expired(3) }
    }

    #[test]
    fn a_refresh_whose_answer_was_lost_is_never_presented_again_and_the_next_renewal_is_silent() {
        let rt1 = RefreshToken::new("rt-1".to_owned());
        let in_flight = expired_with(PresentedRefreshTokens::default().sending(&rt1));
        let lost = AuthError::Network { url: "https://op.example/token".into(), message: "timed out".into() };
        let forgotten = view(Some(alice().without_refresh_token()), 4, Some((4, true)));
        let steps = run(
            None,
            chain(
                to_the_lock(expired(3), false, expired(3)),
                vec![
                    (RenewalInput::Tokens(Err(lost)), in_flight),
                    (RenewalInput::Committed(Ok(())), forgotten.clone()),
                    (RenewalInput::Done, forgotten.clone()),
                    (RenewalInput::Done, forgotten.clone()),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                // No answer: the record stays, the token is dropped in every tab, and the call fails (the
                // calls behind it with it).
                "commit refresh token None",
                "tell renew failed: network_error",
                "remember network_error at revision 4",
                "error: network_error"
            ]
        );
        let next_call = run(None, to_the_lock(forgotten.clone(), false, forgotten));
        assert_eq!(next_call, ["take turn", "lock", "get metadata", "load hidden frame"]);
    }

    #[test]
    fn a_refresh_token_another_tab_sent_without_an_answer_or_retired_is_never_presented() {
        let rt1 = RefreshToken::new("rt-1".to_owned());
        let lost_elsewhere = PresentedRefreshTokens::default().sending(&rt1);
        for record in
            [lost_elsewhere.clone(), lost_elsewhere.refused(&rt1), lost_elsewhere.answered(&rt1, None).refused(&rt1)]
        {
            let tab = expired_with(record);
            let steps = run(None, to_the_lock(tab.clone(), false, tab));
            assert_eq!(steps, ["take turn", "lock", "commit refresh token None"]);
        }
        let answered = expired_with(lost_elsewhere.answered(&rt1, None));
        let steps = run(None, to_the_lock(answered.clone(), false, answered));
        assert_eq!(steps[2..], ["get metadata", "record rt-1 in flight", "refresh with rt-1"], "answered: presentable");
    }

    /// The failure numbered `number` of a renewal for `api:read` at revision 3, at `at`.
    fn failure(number: u64, error: AuthError, at: i64) -> RenewalFailure {
        RenewalFailure { number, revision: 3, scopes: api(), at, error: Rc::new(error) }
    }

    /// The steps of a call that started after `failures_seen` failures and got its turn with `remembered`.
    fn turn_after(failures_seen: u64, remembered: RenewalFailure) -> Vec<String> {
        let script = chain(
            vec![(RenewalInput::Start, expired(3)), (RenewalInput::Turn(Some(remembered)), expired(3))],
            vec![(RenewalInput::Locked { waited: false }, expired(3))],
        );
        run_after_failures(failures_seen, None, script)
    }

    #[test]
    fn calls_that_waited_behind_a_failed_renewal_get_its_outcome_whatever_the_failure() {
        let hung = || AuthError::Network { url: "https://op.example/token".into(), message: "timed out".into() };
        assert_eq!(turn_after(0, failure(1, hung(), NOW)), ["take turn", "error: network_error"], "waited behind it");
        let renews = ["take turn", "lock", "get metadata", "record rt-1 in flight", "refresh with rt-1"];
        assert_eq!(turn_after(1, failure(1, hung(), NOW)), renews, "came after it");
        let declined =
            || ProtocolError::Provider { error: crate::protocol::OAuthErrorCode::ServerError, description: None };
        assert_eq!(turn_after(4, failure(5, declined().into(), NOW)), ["take turn", "error: provider_error"]);
    }

    #[test]
    fn a_renewal_that_needed_the_user_a_moment_ago_answers_later_calls_too() {
        let timeout = || AuthError::SilentTimeout { seconds: 10 };
        let needed_the_user = ["take turn", "interaction required: silent_timeout"];
        assert_eq!(turn_after(0, failure(1, timeout(), NOW - 60)), needed_the_user, "waited behind it");
        assert_eq!(turn_after(1, failure(1, timeout(), NOW - 5)), needed_the_user, "a moment ago");
        let forgotten = ["take turn", "lock", "get metadata", "record rt-1 in flight", "refresh with rt-1"];
        assert_eq!(turn_after(1, failure(1, timeout(), NOW - 60)), forgotten, "forgotten after 30 s");
    }

    #[test]
    fn failures_are_numbered_after_the_last_one_the_tab_remembers() {
        let config = config();
        let uri = "https://app/silent-callback.html".to_owned();
        let mut renewal = Renewal::new(&config, api(), None, 2, uri, [[7; 32]; 3]);
        let offline = AuthError::Network { url: "https://op.example/token".into(), message: "offline".into() };
        let earlier = failure(2, AuthError::SilentTimeout { seconds: 10 }, NOW - 3600);
        renewal.next(RenewalInput::Start, &expired(3), NOW);
        renewal.next(RenewalInput::Turn(Some(earlier)), &expired(3), NOW);
        renewal.next(RenewalInput::Locked { waited: false }, &expired(3), NOW);
        renewal.next(RenewalInput::Metadata(Err(offline)), &expired(3), NOW);
        let RenewalStep::Remember(remembered) = renewal.next(RenewalInput::Done, &expired(3), NOW) else {
            panic!("the failure is remembered")
        };
        assert_eq!(remembered.number, 3);
    }

    #[test]
    fn an_account_switch_while_waiting_takes_the_new_accounts_lock() {
        let bob = crate::protocol::session::tests::set("bob", token("api:read", "bob-1", 3600), Some("rt-bob"));
        let bob = view(Some(Session::signed_in(bob).unwrap()), 4, Some((4, true)));
        let steps = run(
            None,
            chain(to_the_lock(expired(3), true, bob.clone()), vec![(RenewalInput::Locked { waited: false }, bob)]),
        );
        assert_eq!(
            steps,
            ["take turn", "lock", "lock", "get metadata", "record rt-bob in flight", "refresh with rt-bob"]
        );
    }

    #[test]
    fn a_forced_renewal_does_not_take_the_token_it_refused() {
        let fresh = renewed_elsewhere(3);
        let steps = run(Some("at-2"), to_the_lock(fresh.clone(), false, fresh));
        assert_eq!(steps, ["take turn", "lock", "get metadata", "record rt-2 in flight", "refresh with rt-2"]);
    }

    #[test]
    fn after_forgetting_a_dead_refresh_token_the_iframes_tokens_are_kept() {
        let config = config();
        let mut renewal =
            Renewal::new(&config, api(), None, 0, "https://app/silent-callback.html".into(), [[7; 32]; 3]);
        let without_token = view(Some(alice().without_refresh_token()), 4, Some((4, true)));
        assert!(matches!(renewal.next(RenewalInput::Start, &expired(3), NOW), RenewalStep::TakeTurn));
        assert!(matches!(renewal.next(RenewalInput::Turn(None), &expired(3), NOW), RenewalStep::Lock { .. }));
        let step = renewal.next(RenewalInput::Locked { waited: false }, &expired(3), NOW);
        assert_eq!(name(&step), "get metadata");
        let step = renewal.next(RenewalInput::Metadata(Ok(Arc::new(metadata()))), &expired(3), NOW);
        assert_eq!(name(&step), "record rt-1 in flight");
        let step = renewal.next(RenewalInput::Done, &expired(3), NOW);
        assert_eq!(name(&step), "refresh with rt-1");
        let step = renewal.next(failed(ProtocolError::InvalidGrant(None)), &expired(3), NOW);
        assert_eq!(name(&step), "record rt-1 retired");
        let step = renewal.next(RenewalInput::Done, &expired(3), NOW);
        assert_eq!(name(&step), "commit refresh token None");
        // The commit moved the session to revision 4.
        let step = renewal.next(RenewalInput::Committed(Ok(())), &without_token, NOW);
        assert_eq!(name(&step), "get metadata");
        let RenewalStep::LoadHiddenFrame { url, redirect_uri, .. } =
            renewal.next(RenewalInput::Metadata(Ok(Arc::new(metadata()))), &without_token, NOW)
        else {
            panic!("the iframe is loaded")
        };
        let state = url.split(['?', '&']).find_map(|p| p.strip_prefix("state=")).unwrap().to_owned();
        let landed = format!("{redirect_uri}?code=c-1&state={state}&iss=https%3A%2F%2Fop.example");
        let step = renewal.next(RenewalInput::Landed(Ok(landed)), &without_token, NOW);
        assert_eq!(name(&step), "exchange code");
        let set = renewal_with_identity("at-2");
        let step = renewal.next(RenewalInput::Tokens(Ok(set)), &without_token, NOW);
        assert_eq!(name(&step), "commit refresh token None", "kept, not dropped as a change of the session");
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_frame_renewal_pushes_its_request_and_the_frame_carries_only_the_request_uri() {
        let config = config();
        let mut renewal =
            Renewal::new(&config, api(), None, 0, "https://app/silent-callback.html".into(), [[7; 32]; 3]);
        let at = without_refresh_token(3, false);
        let with_par = || RenewalInput::Metadata(Ok(Arc::new(crate::protocol::par::tests::with_par(false))));
        assert_eq!(name(&renewal.next(RenewalInput::Start, &at, NOW)), "take turn");
        assert_eq!(name(&renewal.next(RenewalInput::Turn(None), &at, NOW)), "lock");
        assert_eq!(name(&renewal.next(RenewalInput::Locked { waited: false }, &at, NOW)), "get metadata");
        let step = renewal.next(with_par(), &at, NOW);
        assert_eq!(name(&step), "push the frame's request to https://op.example/par");
        let RenewalStep::PushAuthorizationRequest { form, .. } = step else { unreachable!() };
        let state = crate::protocol::form::parse(&form).into_iter().find(|(n, _)| n == "state").unwrap().1;
        let pushed = crate::protocol::flow::HttpResponse::new(
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:f1","expires_in":60}"#.into(),
        );
        let RenewalStep::LoadHiddenFrame { url, redirect_uri, .. } =
            renewal.next(RenewalInput::Pushed(Ok(pushed)), &at, NOW)
        else {
            panic!("the iframe is loaded")
        };
        assert_eq!(
            url,
            "https://op.example/auth?client_id=spa&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Af1"
        );
        let landed = format!("{redirect_uri}?code=c-1&state={state}&iss=https%3A%2F%2Fop.example");
        assert_eq!(name(&renewal.next(RenewalInput::Landed(Ok(landed)), &at, NOW)), "exchange code");
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_frame_renewal_binds_its_code_to_the_sessions_key_and_a_bearer_session_stays_bearer() {
        let config = config();
        // The pushed form of the frame's request for alice's session bound to `jkt` (if any).
        let pushed_form = |jkt: Option<&str>| {
            let mut set = crate::protocol::session::tests::set("alice", token("api:read", "at-1", NOW - 10), None);
            set.dpop_jkt = jkt.map(str::to_owned);
            let at = view(Some(Session::signed_in(set).unwrap()), 3, Some((3, true)));
            let mut renewal =
                Renewal::new(&config, api(), None, 0, "https://app/silent-callback.html".into(), [[7; 32]; 3]);
            let with_par = RenewalInput::Metadata(Ok(Arc::new(crate::protocol::par::tests::with_par(true))));
            for input in [RenewalInput::Start, RenewalInput::Turn(None), RenewalInput::Locked { waited: false }] {
                renewal.next(input, &at, NOW);
            }
            let RenewalStep::PushAuthorizationRequest { form, .. } = renewal.next(with_par, &at, NOW) else {
                panic!("the frame's request is pushed")
            };
            crate::protocol::form::parse(&form).into_iter().find(|(name, _)| name == "dpop_jkt").map(|(_, jkt)| jkt)
        };
        assert_eq!(pushed_form(Some("jkt-1")).as_deref(), Some("jkt-1"), "the code is bound to the session's key");
        assert_eq!(pushed_form(None), None, "a session from before DPoP keeps bearer tokens until its next sign-in");
    }

    #[cfg(feature = "dpop")]
    #[test]
    fn a_refused_frame_push_fails_the_renewal_with_the_providers_error_and_loads_no_frame() {
        let at = without_refresh_token(3, false);
        let with_par = RenewalInput::Metadata(Ok(Arc::new(crate::protocol::par::tests::with_par(true))));
        let refused = crate::protocol::flow::HttpResponse::new(
            400,
            r#"{"error":"access_denied","error_description":"no"}"#.into(),
        );
        let steps = run(
            None,
            chain(
                to_the_lock(at.clone(), false, at.clone()),
                vec![
                    (with_par, at.clone()),
                    (RenewalInput::Pushed(Ok(refused)), at.clone()),
                    (RenewalInput::Done, at.clone()),
                    (RenewalInput::Done, at),
                ],
            ),
        );
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "push the frame's request to https://op.example/par",
                "tell renew failed: access_denied",
                "remember access_denied at revision 3",
                "error: access_denied"
            ]
        );
    }

    /// A sign-in's token set for alice, as the iframe's code exchange returns it.
    fn renewal_with_identity(access_token: &str) -> TokenSet {
        crate::protocol::session::tests::set("alice", token("api:read", access_token, NOW + 3600), None)
    }

    /// Alice at `revision` (also published) with no refresh token, her access token expired; `noted`:
    /// her session notes that frames lack the provider's cookies.
    fn without_refresh_token(revision: u64, noted: bool) -> TabView {
        let session = alice().without_refresh_token();
        let session = if noted { session.with_frame_cookies_blocked() } else { session };
        view(Some(session), revision, Some((revision, true)))
    }

    /// A renewal on the app at `silent_redirect_uri` without a refresh token, whose frame comes back with
    /// `error`; the tab is at `after` once the note is committed, where one is asked for.
    fn frame_answers(silent_redirect_uri: &str, error: ProtocolError, after: TabView) -> Vec<String> {
        let before = without_refresh_token(3, false);
        let landed = format!("{silent_redirect_uri}?error={}&state=s&iss=https%3A%2F%2Fop.example", error.code());
        let mut script = chain(
            to_the_lock(before.clone(), false, before.clone()),
            vec![
                (RenewalInput::Metadata(Ok(Arc::new(metadata()))), before.clone()),
                (RenewalInput::Landed(Ok(landed)), before.clone()),
                (failed(error), before.clone()),
            ],
        );
        let noted = after.session.as_ref().is_some_and(|s| s.frame_cookies_blocked());
        if noted {
            script.push((RenewalInput::Committed(Ok(())), after.clone()));
        }
        script.extend([(RenewalInput::Done, after.clone()), (RenewalInput::Done, after)]);
        run_on_app(silent_redirect_uri, 0, None, script)
    }

    #[test]
    fn a_frame_to_a_provider_on_another_site_that_needs_the_user_blames_the_cookies_and_the_session_notes_it() {
        for error in [ProtocolError::LoginRequired(None), ProtocolError::InteractionRequired(None)] {
            let steps = frame_answers("https://app/silent-callback.html", error, without_refresh_token(4, true));
            assert_eq!(
                steps,
                [
                    "take turn",
                    "lock",
                    "get metadata",
                    "load hidden frame",
                    "exchange code",
                    "commit refresh token None, noting blocked frame cookies",
                    "tell renew failed: silent_unavailable (frame cookies blocked)",
                    "remember silent_unavailable (frame cookies blocked) at revision 4",
                    "interaction required: silent_unavailable (frame cookies blocked)",
                ]
            );
        }
        assert!(AuthError::FrameCookiesBlocked.requires_interaction());
        let text = AuthError::FrameCookiesBlocked.to_string();
        assert!(text.contains("cookies") && text.contains("no password") && text.contains("refresh tokens"), "{text}");
    }

    #[test]
    fn a_frame_to_a_provider_on_the_same_site_that_needs_the_user_says_so_and_notes_nothing() {
        let unchanged = without_refresh_token(3, false);
        let steps = frame_answers("https://app.op.example/cb", ProtocolError::LoginRequired(None), unchanged);
        assert_eq!(
            steps,
            [
                "take turn",
                "lock",
                "get metadata",
                "load hidden frame",
                "exchange code",
                "tell renew failed: login_required",
                "remember login_required at revision 3",
                "interaction required: login_required",
            ]
        );
    }

    #[test]
    fn a_frame_on_another_site_refused_for_another_reason_notes_nothing() {
        let denied = ProtocolError::AccessDenied(None);
        let steps = frame_answers("https://app/silent-callback.html", denied, without_refresh_token(3, false));
        assert_eq!(
            steps[5..],
            ["tell renew failed: access_denied", "remember access_denied at revision 3", "error: access_denied"]
        );
    }

    #[test]
    fn the_note_goes_on_no_session_a_sign_in_or_sign_out_made_meanwhile() {
        let before = without_refresh_token(3, false);
        // Bob signed in in another tab (no lock) while the frame was out.
        let bob = crate::protocol::session::tests::set("bob", token("api:read", "bob-1", 3600), None);
        let changed = view(Some(Session::signed_in(bob).unwrap()), 4, Some((4, true)));
        let script = chain(
            to_the_lock(before.clone(), false, before.clone()),
            vec![
                (RenewalInput::Metadata(Ok(Arc::new(metadata()))), before.clone()),
                (RenewalInput::Landed(Ok("https://app/silent-callback.html?error=login_required".into())), before),
                (failed(ProtocolError::LoginRequired(None)), changed.clone()),
                (RenewalInput::Done, changed.clone()),
                (RenewalInput::Done, changed),
            ],
        );
        let steps = run(None, script);
        assert!(!steps.iter().any(|s| s.starts_with("commit")), "{steps:?}");
        assert_eq!(steps.last().unwrap(), "interaction required: silent_unavailable (frame cookies blocked)");
    }

    #[test]
    fn a_session_whose_frame_lacked_the_providers_cookies_renews_without_the_frame() {
        let noted = without_refresh_token(4, true);
        let steps = run(
            None,
            chain(
                to_the_lock(noted.clone(), false, noted.clone()),
                vec![(RenewalInput::Done, noted.clone()), (RenewalInput::Done, noted)],
            ),
        );
        let at_once = [
            "tell renew failed: silent_unavailable (frame cookies blocked)",
            "remember silent_unavailable (frame cookies blocked) at revision 4",
            "interaction required: silent_unavailable (frame cookies blocked)",
        ];
        assert_eq!(steps, [&["take turn", "lock"][..], &at_once].concat(), "no metadata, no frame");

        // With a refresh token, that is tried first; once the provider refused it, no frame either.
        let with_token = view(Some(alice().with_frame_cookies_blocked()), 4, Some((4, true)));
        let forgotten = without_refresh_token(5, true);
        let steps = run(
            None,
            chain(
                to_the_lock(with_token.clone(), false, with_token.clone()),
                vec![
                    (failed(ProtocolError::InvalidGrant(None)), with_token),
                    (RenewalInput::Committed(Ok(())), forgotten.clone()),
                    (RenewalInput::Done, forgotten.clone()),
                    (RenewalInput::Done, forgotten),
                ],
            ),
        );
        assert_eq!(
            steps[..7],
            [
                "take turn",
                "lock",
                "get metadata",
                "record rt-1 in flight",
                "refresh with rt-1",
                "record rt-1 retired",
                "commit refresh token None, noting blocked frame cookies"
            ]
        );
        assert_eq!(steps[7], at_once[0]);
        let after_the_refresh = &steps[5..];
        assert!(
            !after_the_refresh.iter().any(|s| s == "get metadata" || s.starts_with("load hidden frame")),
            "{steps:?}"
        );
    }

    #[test]
    fn a_maximal_revision_read_from_a_neighbour_is_no_panic() {
        let steps = run(None, to_the_lock(expired(u64::MAX), true, expired(u64::MAX)));
        assert_eq!(steps[2], format!("await session {} (300 ms)", u64::MAX));
    }

    #[test]
    fn a_renewal_answered_out_of_order_ends_with_an_error_not_a_panic() {
        let steps = run(None, vec![(RenewalInput::Start, expired(3)), (RenewalInput::Done, expired(3))]);
        assert_eq!(steps, ["take turn", "error: browser_error"]);
    }
}
