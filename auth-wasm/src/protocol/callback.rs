//! The authorization response on the redirect URI (RFC 6749 §4.1.2, RFC 9207's `iss`).
//!
//! Anyone can write a link to the redirect URI, so the parser reads it in one pass (no quadratic duplicate
//! check), names no parameter it does not know, and keeps no description of an error that no `state`
//! binds to a request of this browser.

use super::{before_any, query_of, AuthorizationCode, ProtocolError, State};

/// What the provider put on the redirect URI.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizationResponse {
    /// The provider granted a code.
    Code {
        /// The one-time authorization code, exchanged at the token endpoint.
        code: AuthorizationCode,
        /// The `state` the request carried.
        state: State,
        /// The issuer that answered (RFC 9207), when the provider says.
        iss: Option<String>,
    },
    /// The provider refused.
    Error {
        /// The OAuth `error` code, as sent (read with [`ProtocolError::from_provider`]).
        error: String,
        /// `error_description`, kept only when the response carries a `state`: bound to no request, it may
        /// be anyone's text.
        description: Option<String>,
        /// The `state` the request carried, if the provider sent it back.
        state: Option<State>,
        /// The issuer that answered (RFC 9207), when the provider says.
        iss: Option<String>,
    },
}

impl AuthorizationResponse {
    /// The `state` the response carries, which names the sign-in it answers.
    pub fn state(&self) -> Option<&State> {
        match self {
            Self::Code { state, .. } => Some(state),
            Self::Error { state, .. } => state.as_ref(),
        }
    }
}

/// What a page of the app is, as far as sign-in goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackKind {
    /// The redirect URI with an authorization response (`code` or `error`).
    SignIn,
    /// The post-logout redirect URI with a `state` (which must name a sign-out this browser started).
    SignOut,
    /// Anything else.
    None,
}

/// Classifies `url` given the app's two redirect URIs (which may be the same page).
pub fn classify_callback(url: &str, redirect_uri: &str, post_logout_redirect_uri: &str) -> CallbackKind {
    let query = query_of(url);
    if query.is_empty() {
        return CallbackKind::None;
    }
    let params = super::form::parse(query);
    let has = |wanted: &str| params.iter().any(|(name, _)| name == wanted);
    if same_page(url, redirect_uri) && (has("code") || has("error")) {
        CallbackKind::SignIn
    } else if same_page(url, post_logout_redirect_uri) && has("state") {
        CallbackKind::SignOut
    } else {
        CallbackKind::None
    }
}

/// Whether `url` is the page `page` (same origin and path; query and fragment ignored).
fn same_page(url: &str, page: &str) -> bool {
    before_any(url, b"?#") == before_any(page, b"?#")
}

/// The parameters of an authorization response this library reads; the others are ignored.
const RESPONSE_PARAMETERS: [&str; 6] = ["code", "state", "iss", "error", "error_description", "error_uri"];

/// Parses the query of the callback URL. A repeated response parameter is an error (RFC 6749 §3.1); the
/// error names it only because it is one the library reads (`code`, `state`, `iss`, `error`,
/// `error_description`, `error_uri`). An error response without `state` keeps no description: it is
/// bound to no request, so its text may be anyone's.
pub fn parse_authorization_response(url: &str) -> Result<AuthorizationResponse, ProtocolError> {
    let mut values: [Option<String>; RESPONSE_PARAMETERS.len()] = Default::default();
    for (name, value) in super::form::parse(query_of(url)) {
        let Some(at) = RESPONSE_PARAMETERS.iter().position(|known| *known == name) else { continue };
        if values[at].is_some() {
            return Err(ProtocolError::DuplicateParameter(RESPONSE_PARAMETERS[at]));
        }
        values[at] = Some(value);
    }
    let [code, state, iss, error, description, _error_uri] = values;
    let state = state.map(State::new);
    if let Some(error) = error {
        let description = state.is_some().then_some(description).flatten();
        return Ok(AuthorizationResponse::Error { error, description, state, iss });
    }
    let code = code.ok_or(ProtocolError::MissingParameter("code"))?;
    let state = state.ok_or(ProtocolError::MissingParameter("state"))?;
    Ok(AuthorizationResponse::Code { code: AuthorizationCode::new(code), state, iss })
}

/// The `state` of a sign-out callback URL (the first one), which names the sign-out it ends.
pub fn sign_out_state(url: &str) -> Option<State> {
    super::form::parse(query_of(url)).into_iter().find(|(name, _)| name == "state").map(|(_, state)| State::new(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_state_and_iss() {
        let response =
            parse_authorization_response("https://app/cb?code=abc%2B1&state=s1&iss=https%3A%2F%2Fop.example#x")
                .unwrap();
        assert_eq!(
            response,
            AuthorizationResponse::Code {
                code: AuthorizationCode::new("abc+1"),
                state: State::new("s1"),
                iss: Some("https://op.example".into())
            }
        );
    }

    #[test]
    fn parses_errors() {
        let response = parse_authorization_response(
            "https://app/cb?error=access_denied&error_description=User+cancelled&state=s1&iss=https%3A%2F%2Fop",
        )
        .unwrap();
        assert_eq!(
            response,
            AuthorizationResponse::Error {
                error: "access_denied".into(),
                description: Some("User cancelled".into()),
                state: Some(State::new("s1")),
                iss: Some("https://op".into()),
            }
        );
        assert_eq!(response.state(), Some(&State::new("s1")));
    }

    #[test]
    fn classifies_callback_pages() {
        let (cb, out) = ("https://app/auth/cb", "https://app/auth/out");
        assert_eq!(classify_callback("https://app/auth/cb?code=c&state=s", cb, out), CallbackKind::SignIn);
        assert_eq!(classify_callback("https://app/auth/cb?error=access_denied", cb, out), CallbackKind::SignIn);
        assert_eq!(classify_callback("https://app/auth/out?state=s", cb, out), CallbackKind::SignOut);
        assert_eq!(classify_callback("https://app/auth/cb", cb, out), CallbackKind::None);
        assert_eq!(classify_callback("https://app/orders?code=c", cb, out), CallbackKind::None);
        // One page for both: the parameters decide.
        let page = "https://app/";
        assert_eq!(classify_callback("https://app/?code=c&state=s", page, page), CallbackKind::SignIn);
        assert_eq!(classify_callback("https://app/?state=s", page, page), CallbackKind::SignOut);
        assert_eq!(classify_callback("https://app/?page=2", "https://app/cb", "https://app/out"), CallbackKind::None);
        assert_eq!(
            classify_callback("https://app/?page=2", page, page),
            CallbackKind::None,
            "an app query is no sign-out"
        );
        assert_eq!(classify_callback("https://app/auth/out?x=1", cb, out), CallbackKind::None);
    }

    #[test]
    fn reads_the_state_of_a_sign_out_callback() {
        assert_eq!(sign_out_state("https://app/out?x=1&state=s%201#f"), Some(State::new("s 1")));
        assert_eq!(sign_out_state("https://app/out?state=a&state=b"), Some(State::new("a")));
        assert_eq!(sign_out_state("https://app/out?x=state"), None);
    }

    #[test]
    fn rejects_incomplete_or_repeated_parameters() {
        assert_eq!(
            parse_authorization_response("https://app/cb?state=s"),
            Err(ProtocolError::MissingParameter("code"))
        );
        assert_eq!(
            parse_authorization_response("https://app/cb?code=c"),
            Err(ProtocolError::MissingParameter("state"))
        );
        assert_eq!(
            parse_authorization_response("https://app/cb?code=c&state=a&state=b"),
            Err(ProtocolError::DuplicateParameter("state"))
        );
        assert_eq!(
            parse_authorization_response("https://app/cb?error=x&error_description=a&error_description=b"),
            Err(ProtocolError::DuplicateParameter("error_description"))
        );
        assert_eq!(parse_authorization_response("https://app/cb"), Err(ProtocolError::MissingParameter("code")));
    }

    #[test]
    fn names_no_parameter_it_does_not_know() {
        let spoof = "Your+account+is+locked%2C+call+us";
        let url = format!("https://app/cb?code=c&state=s&{spoof}=1&{spoof}=2");
        let response = parse_authorization_response(&url).expect("unknown parameters are ignored, repeated or not");
        assert_eq!(response.state(), Some(&State::new("s")));
    }

    #[test]
    fn an_error_bound_to_no_request_keeps_no_description() {
        let response =
            parse_authorization_response("https://app/cb?error=access_denied&error_description=Call+%2B1-555-0100")
                .unwrap();
        assert_eq!(
            response,
            AuthorizationResponse::Error { error: "access_denied".into(), description: None, state: None, iss: None }
        );
    }

    #[test]
    fn parses_many_parameters_in_linear_time() {
        let mut url = String::from("https://app/cb?code=c&state=s");
        for i in 0..160_000 {
            url.push_str(&format!("&p{i}=v"));
        }
        let started = std::time::Instant::now();
        assert!(parse_authorization_response(&url).is_ok());
        let elapsed = started.elapsed();
        // The quadratic duplicate check took 26 s here; one pass takes milliseconds, even unoptimised.
        assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?} for 160,000 parameters");
    }
}
