//! The refresh tokens this browser presented to the provider, by fingerprint: in flight (sent, and no
//! answer has come back yet) or retired (the provider rotated it away, or refused it).
//!
//! A provider that rotates refresh tokens takes a second presentation of one as a stolen token and
//! revokes the whole grant (OAuth 2.0 Security BCP §4.14.2). The request that presents a token may be
//! taken by the provider and its answer lost: the network drops, the request times out, the tab is
//! closed. Then the provider has rotated the token and nobody here knows the new one. So a renewal
//! records the token as in flight before it sends it, and the answer clears the record: a new refresh
//! token retires the old one, the same one (or none, from a provider that does not rotate) makes it
//! presentable again. A record still in flight after its renewal ended means the outcome is unknown,
//! and that token is never presented again, by any tab.
//!
//! The record lives in localStorage whatever the cache location (where that is refused, in the tab's
//! memory), so that every tab, a reloaded one, and a tab whose sessionStorage was copied by
//! `window.open` read the same one. It holds fingerprints, never tokens.

use sha2::{Digest, Sha256};

use super::RefreshToken;

/// How many fingerprints the record keeps: the newest ones. An older refresh token than that was
/// rotated away long ago; a session still holding one is refused by the provider once, and forgotten.
const KEPT: usize = 16;

/// A refresh token's fingerprint: the first 16 bytes of its SHA-256, base64url. It names the token and
/// cannot be presented in its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshTokenFingerprint(String);

impl RefreshTokenFingerprint {
    /// The fingerprint of `token`.
    pub fn of(token: &RefreshToken) -> Self {
        let digest = Sha256::digest(token.secret().as_bytes());
        Self(super::base64::encode_url(&digest[..16]))
    }
}

/// What became of a presented refresh token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Sent, and no answer yet: if its renewal is over, the answer was lost.
    InFlight,
    /// Rotated away or refused: dead.
    Retired,
}

/// The record of presented refresh tokens (see the module's documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresentedRefreshTokens {
    /// Oldest first.
    entries: Vec<(Outcome, RefreshTokenFingerprint)>,
}

impl PresentedRefreshTokens {
    /// Whether `token` may be presented: no renewal sent it without an answer, and it was not retired.
    pub fn may_present(&self, token: &RefreshToken) -> bool {
        self.outcome(&RefreshTokenFingerprint::of(token)).is_none()
    }

    /// Whether `token` was retired (rotated away or refused): a session that holds it is an old one.
    pub fn is_retired(&self, token: &RefreshToken) -> bool {
        self.outcome(&RefreshTokenFingerprint::of(token)) == Some(Outcome::Retired)
    }

    fn outcome(&self, fingerprint: &RefreshTokenFingerprint) -> Option<Outcome> {
        self.entries.iter().find(|(_, f)| f == fingerprint).map(|(outcome, _)| *outcome)
    }

    /// The record with `token` in flight: about to be sent.
    pub fn sending(&self, token: &RefreshToken) -> Self {
        self.with(RefreshTokenFingerprint::of(token), Some(Outcome::InFlight))
    }

    /// The record after the provider answered the presentation of `presented` with a token response
    /// carrying `returned` (`None`: no refresh token, the same one kept). A new token retires the one
    /// presented; otherwise it may be presented again.
    pub fn answered(&self, presented: &RefreshToken, returned: Option<&RefreshToken>) -> Self {
        let rotated = returned.is_some_and(|returned| returned != presented);
        self.with(RefreshTokenFingerprint::of(presented), rotated.then_some(Outcome::Retired))
    }

    /// The record after the provider refused `presented` as invalid: it is dead.
    pub fn refused(&self, presented: &RefreshToken) -> Self {
        self.with(RefreshTokenFingerprint::of(presented), Some(Outcome::Retired))
    }

    /// The record after the provider answered the presentation of `presented` with another error: it
    /// did not take the token, which may be presented again.
    pub fn not_taken(&self, presented: &RefreshToken) -> Self {
        self.with(RefreshTokenFingerprint::of(presented), None)
    }

    /// This record with `fingerprint` set to `outcome` (`None`: removed), newest last, the oldest
    /// dropped beyond [`KEPT`].
    fn with(&self, fingerprint: RefreshTokenFingerprint, outcome: Option<Outcome>) -> Self {
        let mut entries = self.entries.clone();
        entries.retain(|(_, f)| *f != fingerprint);
        if let Some(outcome) = outcome {
            entries.push((outcome, fingerprint));
        }
        if entries.len() > KEPT {
            entries.remove(0);
        }
        Self { entries }
    }

    /// The stored form: `i:{fingerprint}` (in flight) and `r:{fingerprint}` (retired), space-separated.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (outcome, fingerprint) in &self.entries {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(if *outcome == Outcome::InFlight { "i:" } else { "r:" });
            text.push_str(&fingerprint.0);
        }
        text
    }

    /// Reads the stored form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut entries = Vec::new();
        for entry in super::split_byte(text, b' ').filter(|entry| !entry.is_empty()) {
            let (outcome, fingerprint) = super::split_once_byte(entry, b':')?;
            let outcome = match outcome {
                "i" => Outcome::InFlight,
                "r" => Outcome::Retired,
                _ => return None,
            };
            let well_formed = fingerprint.len() == 22
                && fingerprint.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !well_formed || entries.len() == KEPT {
                return None;
            }
            entries.push((outcome, RefreshTokenFingerprint(fingerprint.to_owned())));
        }
        Some(Self { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str) -> RefreshToken {
        RefreshToken::new(text.to_owned())
    }

    #[test]
    fn a_token_in_flight_or_retired_is_not_presented_again() {
        let (old, new) = (token("rt-1"), token("rt-2"));
        let none = PresentedRefreshTokens::default();
        assert!(none.may_present(&old));
        let sending = none.sending(&old);
        assert!(!sending.may_present(&old), "in flight: the answer may be lost");
        assert!(sending.may_present(&new));
        let rotated = sending.answered(&old, Some(&new));
        assert!(!rotated.may_present(&old) && rotated.is_retired(&old));
        assert!(rotated.may_present(&new));
        assert!(sending.answered(&old, None).may_present(&old), "a provider that does not rotate");
        assert!(sending.answered(&old, Some(&token("rt-1"))).may_present(&old), "the same token back");
        assert!(sending.refused(&old).is_retired(&old));
        assert!(sending.not_taken(&old).may_present(&old));
        assert!(!sending.is_retired(&old), "in flight is not retired");
    }

    #[test]
    fn the_record_reads_back_keeps_the_newest_and_holds_no_token() {
        let mut record = PresentedRefreshTokens::default();
        for n in 0..20 {
            let presented = token(&["rt-", &n.to_string()].concat());
            record = record.sending(&presented).answered(&presented, Some(&token("next")));
        }
        let text = record.to_text();
        assert!(!text.contains("rt-"), "fingerprints only: {text}");
        assert_eq!(PresentedRefreshTokens::parse(&text), Some(record.clone()));
        assert!(record.is_retired(&token("rt-19")) && !record.is_retired(&token("rt-3")), "the oldest dropped");
        assert_eq!(PresentedRefreshTokens::parse(""), Some(PresentedRefreshTokens::default()));
        for bad in ["x:AAAAAAAAAAAAAAAAAAAAAA", "i:short", "i:AAAAAAAAAAAAAAAAAAAA=A", "i", "r:"] {
            assert_eq!(PresentedRefreshTokens::parse(bad), None, "{bad}");
        }
    }
}
