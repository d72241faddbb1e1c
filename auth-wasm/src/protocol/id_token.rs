//! ID tokens (OpenID Connect Core §2, §3.1.3.7): decoding the JWT and checking its claims.
//!
//! The signature is checked by the browser layer against the provider's keys; this module rejects the
//! algorithms that must never be accepted (`none`, and HMAC, whose key a public client cannot hold).

use super::entra::expected_issuer;
use super::json::{FieldErrors, JsonError, JsonObject, JsonRecord, Value};
use super::{decimal, ClientId, IdToken, IdTokenError, Issuer, Nonce, VerifiedIdToken};

/// Clock skew tolerated between this device and the provider.
pub const DEFAULT_CLOCK_SKEW_SECS: i64 = 300;

/// Asymmetric JWS algorithms that WebCrypto can verify.
const ACCEPTED_ALGORITHMS: [&str; 9] =
    ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

/// The JOSE header of a JWT: what the signature step needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwtHeader {
    /// The signature algorithm (`RS256`, `ES256`, …).
    pub alg: String,
    /// The id of the signing key in the provider's JWKS, if the token names one.
    pub kid: Option<String>,
}

impl JwtHeader {
    pub(crate) fn decode(part: &str) -> Result<Self, IdTokenError> {
        let header = decode_part(part, "the header")?;
        let mut read = FieldErrors::default();
        let members = Self { alg: read.take(header.string("alg")), kid: read.take(header.opt_string("kid")) };
        read.done(members).map_err(|e| IdTokenError::Malformed(["the header: ", &e.text()].concat()))
    }
}

/// `aud`: one string or a list, kept as a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audience(pub Vec<String>);

impl Audience {
    /// Whether `value` is one of the audiences.
    pub fn contains(&self, value: &str) -> bool {
        self.0.iter().any(|a| a == value)
    }
}

/// The claims of an ID token: the registered ones typed, and every claim kept as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdTokenClaims {
    /// Who issued the token; must be the provider's issuer.
    pub iss: Issuer,
    /// The subject: the user's id at the issuer, never reassigned.
    pub sub: String,
    /// Whom the token is meant for; must include this client.
    pub aud: Audience,
    /// NumericDates (RFC 7519 §2): seconds; fractional ones are rounded down.
    pub exp: i64,
    /// When the token was issued.
    pub iat: i64,
    /// Before when the token must not be accepted, if it says.
    pub nbf: Option<i64>,
    /// The nonce of the request the token answers.
    pub nonce: Option<Nonce>,
    /// The authorized party: the client the token was issued to, when it has several audiences.
    pub azp: Option<String>,
    /// When the user last authenticated (a NumericDate); `None` when absent or not a number.
    pub auth_time: Option<i64>,
    /// Every claim of the token, the registered ones included.
    pub all: JsonObject,
}

impl IdTokenClaims {
    /// Any claim by name, e.g. `name`, `email`, `roles`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.all.get(name)
    }

    /// A claim that is a non-empty string.
    pub fn text_claim(&self, name: &str) -> Option<&str> {
        self.all.opt_str(name).ok().flatten().filter(|s| !s.is_empty())
    }

    /// A claim that is a string or a list of strings (`roles`, `groups`); empty otherwise.
    pub fn text_claims(&self, name: &str) -> Vec<String> {
        self.all.opt_string_or_strings(name).ok().flatten().unwrap_or_default()
    }

    /// The best name to show: `name`, else `preferred_username`, else `email`, else the subject.
    pub fn display_name(&self) -> &str {
        ["name", "preferred_username", "email"].iter().find_map(|claim| self.text_claim(claim)).unwrap_or(&self.sub)
    }
}

impl JsonRecord for IdTokenClaims {
    fn to_json(&self) -> JsonObject {
        self.all.clone()
    }

    fn from_json(object: &JsonObject) -> Result<Self, JsonError> {
        Self::from_object(object.clone())
    }
}

impl IdTokenClaims {
    /// The claims of `object`, which they keep (moved in, not copied: the token's decoded claims).
    pub(crate) fn from_object(object: JsonObject) -> Result<Self, JsonError> {
        let mut read = FieldErrors::default();
        let aud = read.take(
            object
                .opt_string_or_strings("aud")
                .and_then(|aud| aud.ok_or_else(|| JsonError::field("aud", "is missing"))),
        );
        let claims = Self {
            iss: Issuer::new(read.take(object.string("iss"))),
            sub: read.take(object.string("sub")),
            aud: Audience(aud),
            exp: read.take(object.integer("exp")),
            iat: read.take(object.integer("iat")),
            nbf: read.take(object.opt_integer("nbf")),
            nonce: read.take(object.opt_string("nonce")).map(Nonce::new),
            azp: read.take(object.opt_string("azp")),
            // Read leniently: it matters only when max_age was asked for, and then a missing or odd one fails.
            auth_time: object.opt_integer("auth_time").ok().flatten(),
            all: object,
        };
        read.done(claims)
    }
}

pub(crate) fn decode_part(part: &str, what: &str) -> Result<JsonObject, IdTokenError> {
    let bytes =
        super::base64::decode_url(part).ok_or_else(|| IdTokenError::Malformed([what, " is not base64url"].concat()))?;
    // The claims are kept in the account record.
    JsonObject::parse_embedded_bytes(&bytes).map_err(|e| IdTokenError::Malformed([what, ": ", &e.text()].concat()))
}

/// Splits and decodes a compact JWS ID token. It checks nothing but the form and the algorithm.
pub fn decode_id_token(token: &IdToken) -> Result<(JwtHeader, IdTokenClaims), IdTokenError> {
    let [header, payload, signature] = split_jws(token)?;
    let header = JwtHeader::decode(header)?;
    if !ACCEPTED_ALGORITHMS.contains(&header.alg.as_str()) {
        return Err(IdTokenError::UnsupportedAlgorithm(header.alg));
    }
    Ok((header, claims_of(payload, signature)?))
}

/// The claims of a token whose signature verified, checked as [`decode_id_token`] checks them but for
/// the header: the signature step decoded it and accepted its algorithm (as strictly), on this very
/// token, which is the only way to a [`VerifiedIdToken`]. Smaller code: the header is not decoded again.
pub(crate) fn verified_claims(token: &VerifiedIdToken) -> Result<IdTokenClaims, IdTokenError> {
    let [_header, payload, signature] = split_jws(token.token())?;
    claims_of(payload, signature)
}

/// The three parts of a compact JWS (exactly three: a JWE, or anything else, is refused).
pub(crate) fn split_jws(token: &IdToken) -> Result<[&str; 3], IdTokenError> {
    // Smaller code than collecting the parts into a `Vec`: they are taken one by one, and counted only
    // for the error.
    let mut parts = super::split_byte(token.secret(), b'.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Ok([header, payload, signature]),
        _ => Err(IdTokenError::Malformed(match super::split_byte(token.secret(), b'.').count() {
            5 => "encrypted (JWE) ID tokens are not supported".to_owned(),
            n => ["a JWT has 3 parts, this one has ", &decimal(n as u64)].concat(),
        })),
    }
}

/// The claims of a token's `payload`, whose `signature` part must not be empty.
fn claims_of(payload: &str, signature: &str) -> Result<IdTokenClaims, IdTokenError> {
    if signature.is_empty() {
        return Err(IdTokenError::Malformed("the signature is empty".into()));
    }
    IdTokenClaims::from_object(decode_part(payload, "the claims")?)
        .map_err(|e| IdTokenError::Malformed(["the claims: ", &e.text()].concat()))
}

/// What an ID token must match.
#[derive(Clone, Copy, Debug)]
pub struct IdTokenExpectations<'a> {
    /// The provider's issuer; in a multi-tenant Entra template, `{tenantid}` takes the token's `tid`.
    pub issuer: &'a Issuer,
    /// This client, which must be among the audiences.
    pub client_id: &'a ClientId,
    /// The nonce of the sign-in; `None` where none was sent (an ID token from a refresh).
    pub nonce: Option<&'a Nonce>,
    /// The `max_age` of the sign-in; `None` where none was sent. With it, `auth_time` is required.
    pub max_age: Option<u64>,
    /// Seconds since the Unix epoch.
    pub now: i64,
    /// Seconds of clock difference tolerated in `exp`, `nbf`, `iat` and `auth_time` ([`DEFAULT_CLOCK_SKEW_SECS`]).
    pub clock_skew: i64,
}

impl IdTokenExpectations<'_> {
    /// The checks of OpenID Connect Core §3.1.3.7 that need no key.
    pub fn check(&self, claims: &IdTokenClaims) -> Result<(), IdTokenError> {
        let issuer = expected_issuer(self.issuer, claims);
        if claims.iss != issuer {
            // Smaller code than `to_string()`, which goes through `Display`.
            let (expected, found) = (issuer.as_str().to_owned(), claims.iss.as_str().to_owned());
            return Err(IdTokenError::Issuer { expected, found });
        }
        let client_id = self.client_id.as_str();
        if !claims.aud.contains(client_id) {
            return Err(IdTokenError::Audience { client_id: client_id.to_owned() });
        }
        // `azp`, when present, must be this client; with several audiences it must be present.
        let azp_fits = match claims.azp.as_deref() {
            Some(azp) => azp == client_id,
            None => claims.aud.0.len() <= 1,
        };
        if !azp_fits {
            return Err(IdTokenError::AuthorizedParty { client_id: client_id.to_owned() });
        }
        if self.now > claims.exp.saturating_add(self.clock_skew) {
            return Err(IdTokenError::Expired);
        }
        if claims.nbf.is_some_and(|nbf| nbf > self.now.saturating_add(self.clock_skew)) {
            return Err(IdTokenError::NotYetValid);
        }
        if claims.iat > self.now.saturating_add(self.clock_skew) {
            return Err(IdTokenError::IssuedInFuture);
        }
        if let Some(expected) = self.nonce {
            if claims.nonce.as_ref() != Some(expected) {
                return Err(IdTokenError::Nonce);
            }
        }
        // 13. If max_age was sent, auth_time must be present, and not so old that too much time has elapsed
        // since the user last authenticated.
        if let Some(max_age) = self.max_age {
            let Some(auth_time) = claims.auth_time else { return Err(IdTokenError::MissingAuthTime) };
            let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
            if auth_time.saturating_add(max_age).saturating_add(self.clock_skew) < self.now {
                return Err(IdTokenError::AuthTimeTooOld);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::{json, Value};

    pub(crate) const NOW: i64 = 1_800_000_000;

    pub(crate) fn jwt(header: Value, claims: Value) -> IdToken {
        let encode = |v: &Value| crate::protocol::base64::encode_url(v.to_string());
        IdToken::new(format!("{}.{}.c2ln", encode(&header), encode(&claims)))
    }

    pub(crate) fn claims_json() -> Value {
        json!({
            "iss": "https://op.example", "sub": "alice", "aud": "spa",
            "exp": NOW + 600, "iat": NOW, "nonce": "n-1", "name": "Alice Example", "email": "alice@example.com"
        })
    }

    /// Claims read from a JSON value, for tests.
    pub(crate) fn claims_from(value: Value) -> IdTokenClaims {
        IdTokenClaims::from_json_str(&value.to_string()).unwrap()
    }

    fn decode(claims: Value) -> IdTokenClaims {
        decode_id_token(&jwt(json!({"alg": "RS256", "kid": "k1"}), claims)).unwrap().1
    }

    fn check(claims: Value) -> Result<(), IdTokenError> {
        check_with_max_age(claims, None)
    }

    fn check_with_max_age(claims: Value, max_age: Option<u64>) -> Result<(), IdTokenError> {
        let (issuer, client_id, nonce) = (Issuer::new("https://op.example"), ClientId::new("spa"), Nonce::new("n-1"));
        let expectations = IdTokenExpectations {
            issuer: &issuer,
            client_id: &client_id,
            nonce: Some(&nonce),
            max_age,
            now: NOW,
            clock_skew: DEFAULT_CLOCK_SKEW_SECS,
        };
        expectations.check(&decode(claims))
    }

    fn with(changes: Value) -> Value {
        let mut claims = claims_json();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    #[test]
    fn decodes_header_and_claims() {
        let (header, claims) = decode_id_token(&jwt(json!({"alg": "ES256", "kid": "k1"}), claims_json())).unwrap();
        assert_eq!(header, JwtHeader { alg: "ES256".into(), kid: Some("k1".into()) });
        assert_eq!(claims.sub, "alice");
        assert_eq!(claims.display_name(), "Alice Example");
        assert_eq!(claims.text_claim("email"), Some("alice@example.com"));
        assert_eq!(IdTokenClaims::from_json_str(&claims.to_json_string()), Ok(claims.clone()));
    }

    #[test]
    fn a_multi_tenant_issuer_takes_the_tenant_of_the_token() {
        let (template, client_id) =
            (Issuer::new("https://login.microsoftonline.com/{tenantid}/v2.0"), ClientId::new("spa"));
        let expectations = IdTokenExpectations {
            issuer: &template,
            client_id: &client_id,
            nonce: None,
            max_age: None,
            now: NOW,
            clock_skew: DEFAULT_CLOCK_SKEW_SECS,
        };
        let tenant = |iss: &str, tid: &str| decode(with(json!({"iss": iss, "tid": tid})));
        let contoso = "https://login.microsoftonline.com/contoso-id/v2.0";
        assert_eq!(expectations.check(&tenant(contoso, "contoso-id")), Ok(()));
        assert!(matches!(expectations.check(&tenant(contoso, "fabrikam-id")), Err(IdTokenError::Issuer { .. })));
        assert!(matches!(expectations.check(&decode(with(json!({"iss": contoso})))), Err(IdTokenError::Issuer { .. })));
    }

    #[test]
    fn display_name_falls_back_to_subject() {
        assert_eq!(decode(with(json!({"name": null, "email": null}))).display_name(), "alice");
        assert_eq!(decode(with(json!({"name": null}))).display_name(), "alice@example.com");
    }

    #[test]
    fn rejects_none_and_hmac() {
        for alg in ["none", "HS256", "hs256", "RS256 "] {
            let err = decode_id_token(&jwt(json!({"alg": alg}), claims_json())).unwrap_err();
            assert_eq!(err, IdTokenError::UnsupportedAlgorithm(alg.into()));
        }
    }

    #[test]
    fn rejects_malformed_tokens() {
        assert!(matches!(decode_id_token(&IdToken::new("a.b")), Err(IdTokenError::Malformed(_))));
        assert!(
            matches!(decode_id_token(&IdToken::new("a.b.c.d.e")), Err(IdTokenError::Malformed(m)) if m.contains("JWE"))
        );
        assert!(matches!(decode_id_token(&IdToken::new("!!.b.c")), Err(IdTokenError::Malformed(_))));
        let unsigned = jwt(json!({"alg": "RS256"}), claims_json()).secret().trim_end_matches("c2ln").to_owned();
        assert!(matches!(decode_id_token(&IdToken::new(unsigned)), Err(IdTokenError::Malformed(_))));
        assert!(matches!(
            decode_id_token(&jwt(json!({"alg": "RS256"}), json!({"sub": "x"}))),
            Err(IdTokenError::Malformed(_))
        ));
    }

    #[test]
    fn accepts_valid_claims_with_fractional_dates_and_many_audiences() {
        assert_eq!(check(claims_json()), Ok(()));
        assert_eq!(check(with(json!({"exp": (NOW + 10) as f64 + 0.5}))), Ok(()));
        assert_eq!(check(with(json!({"aud": ["spa", "api"], "azp": "spa"}))), Ok(()));
    }

    #[test]
    fn checks_issuer_exactly() {
        assert!(matches!(check(with(json!({"iss": "https://op.example/"}))), Err(IdTokenError::Issuer { .. })));
        assert!(matches!(check(with(json!({"iss": "https://OP.example"}))), Err(IdTokenError::Issuer { .. })));
    }

    #[test]
    fn checks_audience_and_azp() {
        assert!(matches!(check(with(json!({"aud": "other"}))), Err(IdTokenError::Audience { .. })));
        assert!(matches!(check(with(json!({"aud": ["spa", "api"]}))), Err(IdTokenError::AuthorizedParty { .. })));
        assert!(matches!(check(with(json!({"azp": "other"}))), Err(IdTokenError::AuthorizedParty { .. })));
    }

    #[test]
    fn checks_times_with_skew() {
        assert_eq!(check(with(json!({"exp": NOW - 10}))), Ok(()), "within the skew");
        assert_eq!(check(with(json!({"exp": NOW - DEFAULT_CLOCK_SKEW_SECS - 1}))), Err(IdTokenError::Expired));
        assert_eq!(check(with(json!({"nbf": NOW + DEFAULT_CLOCK_SKEW_SECS + 1}))), Err(IdTokenError::NotYetValid));
        assert_eq!(check(with(json!({"iat": NOW + DEFAULT_CLOCK_SKEW_SECS + 1}))), Err(IdTokenError::IssuedInFuture));
    }

    #[test]
    fn checks_nonce() {
        assert_eq!(check(with(json!({"nonce": "other"}))), Err(IdTokenError::Nonce));
        assert_eq!(check(with(json!({"nonce": null}))), Err(IdTokenError::Nonce));
    }

    #[test]
    fn checks_auth_time_when_max_age_was_asked_for() {
        let max_age = Some(600);
        let signed_in = |ago: i64| with(json!({"auth_time": NOW - ago}));
        assert_eq!(check_with_max_age(signed_in(600), max_age), Ok(()));
        assert_eq!(check_with_max_age(signed_in(600 + DEFAULT_CLOCK_SKEW_SECS), max_age), Ok(()), "within the skew");
        assert_eq!(
            check_with_max_age(signed_in(600 + DEFAULT_CLOCK_SKEW_SECS + 1), max_age),
            Err(IdTokenError::AuthTimeTooOld)
        );
        assert_eq!(check_with_max_age(claims_json(), max_age), Err(IdTokenError::MissingAuthTime));
        assert_eq!(
            check_with_max_age(with(json!({"auth_time": "yesterday"})), max_age),
            Err(IdTokenError::MissingAuthTime)
        );
        assert_eq!(
            check_with_max_age(signed_in(DEFAULT_CLOCK_SKEW_SECS + 1), Some(0)),
            Err(IdTokenError::AuthTimeTooOld)
        );
        assert_eq!(check_with_max_age(signed_in(i64::MAX / 2), Some(u64::MAX)), Ok(()), "no overflow");
        assert_eq!(check(claims_json()), Ok(()), "without max_age, auth_time is not required");
    }

    #[test]
    fn claims_too_deep_to_store_are_refused() {
        use crate::protocol::json::MAX_EMBEDDED_JSON_DEPTH;
        // The claims object itself is one level; `levels` more objects inside it.
        let claims = |levels: usize| with(json!({"x": (1..levels).fold(json!({}), |inner, _| json!({ "a": inner }))}));
        let decode = |levels: usize| decode_id_token(&jwt(json!({"alg": "RS256"}), claims(levels)));
        assert!(decode(MAX_EMBEDDED_JSON_DEPTH - 1).is_ok());
        assert!(
            matches!(decode(MAX_EMBEDDED_JSON_DEPTH), Err(IdTokenError::Malformed(m)) if m.contains("levels deep"))
        );
    }
}
