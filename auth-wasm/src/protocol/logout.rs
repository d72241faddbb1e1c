//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).
//!
//! A sign-out's `state` is accepted for as long as a sign-in's ([`TRANSACTION_LIFETIME_SECS`]): an old
//! one, reached again through history or a saved link, completes nothing.
//!
//! [`TRANSACTION_LIFETIME_SECS`]: super::TRANSACTION_LIFETIME_SECS

use super::json::{self, FieldErrors, JsonError, JsonObject, JsonRecord};
use super::{append_query, ClientId, IdToken, ProtocolError, ProviderMetadata, State};

/// What this browser remembers between the redirect to the end-session endpoint and its return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutTransaction {
    /// The `state` sent to the end-session endpoint, which the return to the post-logout redirect URI carries.
    pub state: State,
    /// Where the app goes once sign-out is complete.
    pub return_url: String,
    /// When the sign-out started (seconds since the Unix epoch).
    pub created_at: i64,
}

impl LogoutTransaction {
    /// The storage key prefix of sign-out transactions (sessionStorage), for sweeping stale ones.
    pub const STORAGE_PREFIX: &'static str = super::storage_keys::LOGOUT_TRANSACTION_PREFIX;

    /// A new sign-out whose state is made of 32 random bytes the caller drew.
    pub fn begin(return_url: &str, now: i64, random: [u8; 32]) -> Self {
        Self { state: State::from_random(random), return_url: return_url.to_owned(), created_at: now }
    }

    /// The storage key of the sign-out transaction of `state`.
    pub fn storage_key(state: &State) -> String {
        super::storage_keys::logout_transaction_key(state)
    }

    /// Whether the sign-out started longer than [`TRANSACTION_LIFETIME_SECS`](super::TRANSACTION_LIFETIME_SECS)
    /// before `now`.
    pub fn is_stale(&self, now: i64) -> bool {
        now.saturating_sub(self.created_at) > super::transaction::TRANSACTION_LIFETIME_SECS
    }

    /// Completes the sign-out this transaction remembers, at `now`: its return URL, unless it is stale.
    pub fn accept(self, now: i64) -> Result<String, ProtocolError> {
        if self.is_stale(now) {
            return Err(ProtocolError::TransactionExpired);
        }
        Ok(self.return_url)
    }
}

impl JsonRecord for LogoutTransaction {
    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .with("state", json::string(self.state.as_str()))
            .with("return_url", json::string(&self.return_url))
            .with("created_at", json::integer(self.created_at))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        let mut read = FieldErrors::default();
        let transaction = Self {
            state: State::new(read.take(object.string("state"))),
            return_url: read.take(object.string("return_url")),
            created_at: read.take(object.integer("created_at")),
        };
        read.done(transaction)
    }
}

/// The provider's end-session URL, or `None` when the provider has no end-session endpoint (then signing
/// out only forgets the local session). Its parameters go by the names the metadata gives them.
pub fn end_session_url(
    metadata: &ProviderMetadata,
    client_id: &ClientId,
    id_token_hint: Option<&IdToken>,
    post_logout_redirect_uri: &str,
    transaction: &LogoutTransaction,
) -> Option<String> {
    let endpoint = metadata.end_session_endpoint.as_deref()?;
    let mut params = vec![
        ("client_id", client_id.as_str()),
        (metadata.post_logout_redirect_uri_parameter.as_str(), post_logout_redirect_uri),
        ("state", transaction.state.as_str()),
    ];
    if let Some(hint) = id_token_hint.filter(|_| !metadata.id_token_hint_parameter.is_empty()) {
        params.insert(0, (metadata.id_token_hint_parameter.as_str(), hint.secret()));
    }
    Some(append_query(endpoint, &params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::tests::metadata;
    use crate::protocol::query_of;
    use crate::protocol::values::TEST_RANDOM;

    #[test]
    fn builds_the_end_session_url() {
        let tx = LogoutTransaction::begin("/", 0, TEST_RANDOM[0]);
        let url =
            end_session_url(&metadata(), &ClientId::new("spa"), Some(&IdToken::new("h.i.j")), "https://app/out", &tx)
                .unwrap();
        let params = crate::protocol::form::parse(query_of(&url));
        assert!(url.starts_with("https://op.example/session/end?"));
        assert_eq!(
            params,
            [
                ("id_token_hint", "h.i.j"),
                ("client_id", "spa"),
                ("post_logout_redirect_uri", "https://app/out"),
                ("state", tx.state.as_str())
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn a_sign_out_completes_within_fifteen_minutes_only() {
        let tx = LogoutTransaction::begin("/bye", 1_000, TEST_RANDOM[0]);
        assert_eq!(tx.clone().accept(1_000 + 900), Ok("/bye".to_owned()));
        assert_eq!(tx.accept(1_000 + 901), Err(ProtocolError::TransactionExpired));
    }

    #[test]
    fn no_endpoint_means_local_sign_out() {
        let mut metadata = metadata();
        metadata.end_session_endpoint = None;
        let tx = LogoutTransaction::begin("/", 0, TEST_RANDOM[0]);
        assert_eq!(end_session_url(&metadata, &ClientId::new("spa"), None, "https://app/out", &tx), None);
    }
}
