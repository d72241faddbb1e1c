//! `WWW-Authenticate` claims challenges (as Microsoft Entra's Continuous Access Evaluation sends):
//! an API answers 401 with `Bearer ..., error="insufficient_claims", claims="<base64 JSON>"`, and the
//! client asks for a new token with that `claims` request.

use super::id_token::BASE64URL;
use super::json::JsonObject;
use base64::Engine as _;

/// The claims request of a `WWW-Authenticate` header, if it carries one. The `claims` value is JSON in
/// standard or URL-safe base64 (or, from some servers, plain JSON).
pub fn claims_challenge(www_authenticate: &str) -> Option<JsonObject> {
    let (scheme, params) = www_authenticate.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = auth_params(params).into_iter().find(|(name, _)| name.eq_ignore_ascii_case("claims"))?.1;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&claims)
        .or_else(|_| BASE64URL.decode(&claims))
        .ok()
        .and_then(|bytes| JsonObject::parse_embedded_bytes(&bytes).ok());
    // The claims travel inside a history-state request, hence the embedded limit.
    decoded.or_else(|| JsonObject::parse_embedded_bytes(claims.as_bytes()).ok())
}

/// `name=value` and `name="quoted, value"` pairs of an auth-param list (RFC 9110 §11.2).
fn auth_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else { break };
        let after = after.trim_start();
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
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        params.push((name.trim().to_owned(), value));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
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
        let encoded = BASE64URL.encode(r#"{"id_token":{"acr":{"essential":true}}}"#);
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
    fn ignores_headers_without_a_claims_challenge() {
        assert_eq!(claims_challenge(r#"Bearer realm="api", error="invalid_token""#), None);
        assert_eq!(claims_challenge(r#"Basic realm="x", claims="e30=""#), None);
        assert_eq!(claims_challenge(r#"Bearer claims="not base64 or json""#), None);
        assert_eq!(claims_challenge(""), None);
    }
}
