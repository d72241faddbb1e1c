//! `WWW-Authenticate` claims challenges (as Microsoft Entra's Continuous Access Evaluation sends):
//! an API answers 401 with `Bearer ..., error="insufficient_claims", claims="<base64 JSON>"`, and the
//! client asks for a new token with that `claims` request.
//!
//! A challenge costs the user a full round trip to the provider, and it is the API (or whoever answers
//! in its name) that decides to send one. So a challenge counts only when the allow-listed origin itself
//! sent it ([`challenge_is_from`]), and each origin gets at most one interactive claims round trip per
//! [`CLAIMS_ROUND_TRIP_INTERVAL_SECS`], whatever claims it asks for ([`claims_round_trip_allowed`]): an
//! API whose challenge changes on every call cannot drive the app to the provider in a loop.

use super::base64;
use super::json::{self, JsonError, JsonObject, JsonRecord};
use super::origin_of;
use super::transaction::TRANSACTION_LIFETIME_SECS;

/// How long after one interactive claims round trip for an origin the next is refused: the lifetime of
/// the sign-in transaction it started (15 minutes).
pub const CLAIMS_ROUND_TRIP_INTERVAL_SECS: i64 = TRANSACTION_LIFETIME_SECS;

/// When the app last left for the provider to answer an origin's claims challenge (kept per origin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimsRoundTrip {
    /// Seconds since the Unix epoch.
    pub at: i64,
}

impl JsonRecord for ClaimsRoundTrip {
    fn to_json(&self) -> JsonObject {
        JsonObject::new().with("at", json::integer(self.at))
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Ok(Self { at: object.integer("at")? })
    }
}

/// Whether a claims challenge may start an interactive request at `now`, given the origin's previous
/// round trip: not within [`CLAIMS_ROUND_TRIP_INTERVAL_SECS`] after it, whatever the claims. (A previous
/// round trip dated in the future, from a clock set back, does not block.)
pub fn claims_round_trip_allowed(previous: Option<&ClaimsRoundTrip>, now: i64) -> bool {
    previous.is_none_or(|previous| !(0..=CLAIMS_ROUND_TRIP_INTERVAL_SECS).contains(&(now - previous.at)))
}

/// Whether a response to a request sent to `origin`, ending at `response_url` (`redirected`: `fetch`
/// followed a redirect to get there), is the API's own answer. A 401 or a `WWW-Authenticate` from another
/// origin is not, and neither is one at the end of a redirect chain, even back on the API's origin (the
/// chain may have passed through an origin that answers anything): such a response must neither start a
/// sign-in nor make the client forget its token.
pub fn challenge_is_from(origin: &str, response_url: &str, redirected: bool) -> bool {
    !redirected && origin_of(response_url).is_some_and(|final_origin| final_origin == origin)
}

/// The claims request of a `WWW-Authenticate` header, if it carries one. The `claims` value is JSON in
/// standard or URL-safe base64 (or, from some servers, plain JSON).
pub fn claims_challenge(www_authenticate: &str) -> Option<JsonObject> {
    let (scheme, params) = super::split_once_byte(www_authenticate.trim_ascii(), b' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = auth_params(params).into_iter().find(|(name, _)| name.eq_ignore_ascii_case("claims"))?.1;
    let decoded = base64::decode_standard(&claims)
        .or_else(|| base64::decode_url(&claims))
        .and_then(|bytes| JsonObject::parse_embedded_bytes(&bytes).ok());
    // The claims travel inside a history-state request, hence the embedded limit.
    decoded.or_else(|| JsonObject::parse_embedded_bytes(claims.as_bytes()).ok())
}

/// `name=value` and `name="quoted, value"` pairs of an auth-param list (RFC 9110 §11.2). The whitespace
/// around them is HTTP's (spaces and tabs: ASCII), not Unicode's.
fn auth_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = text.trim_ascii();
    while !rest.is_empty() {
        let Some((name, after)) = super::split_once_byte(rest, b'=') else { break };
        let after = after.trim_ascii_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end..])
        } else {
            let end = super::find_byte(after, b',').unwrap_or(after.len());
            (after[..end].trim_ascii().to_owned(), &after[end..])
        };
        params.push((name.trim_ascii().to_owned(), value));
        rest = remaining.trim_ascii_start().trim_start_matches(',').trim_ascii_start();
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: serde_json::Value) -> Option<JsonObject> {
        JsonObject::parse(&value.to_string()).ok()
    }

    #[test]
    fn reads_entra_style_challenges() {
        // The example of Microsoft's CAE documentation.
        let header = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0=""#;
        assert_eq!(
            claims_challenge(header),
            object(json!({"access_token": {"nbf": {"essential": true, "value": "1604106651"}}}))
        );
    }

    #[test]
    fn accepts_url_safe_base64_and_plain_json() {
        let encoded = crate::protocol::base64::encode_url(r#"{"id_token":{"acr":{"essential":true}}}"#);
        assert_eq!(
            claims_challenge(&format!(r#"Bearer claims="{encoded}""#)),
            object(json!({"id_token": {"acr": {"essential": true}}}))
        );
        assert_eq!(
            claims_challenge(
                r#"Bearer error="insufficient_claims", claims="{\"access_token\":{\"acrs\":{\"value\":\"c1\"}}}""#
            ),
            object(json!({"access_token": {"acrs": {"value": "c1"}}}))
        );
    }

    #[test]
    fn one_interactive_claims_round_trip_per_origin_per_fifteen_minutes() {
        let at = 1_700_000_000;
        let previous = ClaimsRoundTrip { at };
        assert!(claims_round_trip_allowed(None, at), "the first challenge is answered");
        assert!(!claims_round_trip_allowed(Some(&previous), at), "not a second at once");
        assert!(!claims_round_trip_allowed(Some(&previous), at + 60), "nor a minute later, whatever the claims");
        assert!(!claims_round_trip_allowed(Some(&previous), at + 15 * 60), "nor at 15 minutes");
        assert!(claims_round_trip_allowed(Some(&previous), at + 15 * 60 + 1), "after 15 minutes, again");
        assert!(claims_round_trip_allowed(Some(&previous), at - 3600), "a clock set back does not block");
    }

    #[test]
    fn round_trip_markers_survive_storage() {
        let marker = ClaimsRoundTrip { at: 1_700_000_000 };
        assert_eq!(ClaimsRoundTrip::from_json_str(&marker.to_json_string()), Ok(marker));
        // Markers of earlier versions also carried the claims: their time still counts.
        let earlier = r#"{"claims":{"access_token":{}},"at":1700000000}"#;
        assert_eq!(ClaimsRoundTrip::from_json_str(earlier), Ok(ClaimsRoundTrip { at: 1_700_000_000 }));
    }

    #[test]
    fn only_the_origin_the_token_was_sent_to_can_challenge() {
        let api = "https://api.example";
        assert!(challenge_is_from(api, "https://api.example/orders", false));
        assert!(challenge_is_from(api, "https://API.example:443/step-up?x=1", false));
        // The API redirected the call: whoever answered at the end is not the API.
        assert!(!challenge_is_from(api, "https://evil.example/step-up", false));
        assert!(!challenge_is_from(api, "https://api.example.evil.example/", false));
        assert!(!challenge_is_from(api, "http://api.example/", false));
        assert!(!challenge_is_from(api, "https://api.example:8443/", false));
        // No URL (a response not from the network): nothing to act on.
        assert!(!challenge_is_from(api, "", false));
        // Redirected through another origin and back: the chain is not the API's answer.
        assert!(!challenge_is_from(api, "https://api.example/step-up", true));
    }

    #[test]
    fn ignores_headers_without_a_claims_challenge() {
        assert_eq!(claims_challenge(r#"Bearer realm="api", error="invalid_token""#), None);
        assert_eq!(claims_challenge(r#"Basic realm="x", claims="e30=""#), None);
        assert_eq!(claims_challenge(r#"Bearer claims="not base64 or json""#), None);
        assert_eq!(claims_challenge(""), None);
    }
}
