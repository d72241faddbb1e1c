//! Microsoft Entra ID specifics: which authorities are Entra's, and its multi-tenant authorities.
//!
//! A multi-tenant app signs in through `{host}/common/v2.0` (any work account or personal account),
//! `/organizations/v2.0` or `/consumers/v2.0`. Their discovery documents do not name the authority as
//! issuer: `common` and `organizations` publish the template `{host}/{tenantid}/v2.0`, and each ID token's
//! issuer is that template with the token's `tid` claim in it; `consumers` publishes the issuer of the
//! personal-accounts tenant. Which tenants an app accepts is the app's decision (check `tid`).

use super::wire::url::split_scheme;
use super::{before_any, find_byte, has_any, rsplit_once_byte, trim_end_byte};
use super::{IdTokenClaims, Issuer};

/// Hosts of Microsoft Entra ID (public and national clouds) and Entra External ID.
const ENTRA_HOST_SUFFIXES: [&str; 5] = [
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.microsoftonline.de",
    ".ciamlogin.com",
];

/// The issuer placeholder of the multi-tenant discovery documents.
const TENANT_PLACEHOLDER: &str = "{tenantid}";

/// The tenant of personal Microsoft accounts: the issuer tenant of the `consumers` authority.
const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Whether `authority` is an Entra ID authority.
pub fn is_entra_authority(authority: &str) -> bool {
    let host = split_scheme(authority).map_or("", |(_, rest)| before_any(rest, b"/:"));
    ENTRA_HOST_SUFFIXES
        .iter()
        .any(|suffix| host == suffix.trim_start_matches('.') || (suffix.starts_with('.') && host.ends_with(suffix)))
}

/// `https://host/tenant/rest` → (`https://host`, `tenant`, `/rest`).
fn split_tenant(url: &str) -> Option<(&str, &str, &str)> {
    let (_, rest) = split_scheme(url)?;
    let host_end = url.len() - rest.len() + find_byte(rest, b'/')?;
    let (origin, path) = (url.get(..host_end)?, url.get(host_end + 1..)?);
    let tenant_end = find_byte(path, b'/').unwrap_or(path.len());
    Some((origin, path.get(..tenant_end)?, path.get(tenant_end..)?))
}

/// A multi-tenant issuer template around its `{tenantid}` placeholder: (before, after). (Found by its
/// `{`, a byte: see [`super::text`] on char patterns.)
fn split_placeholder(issuer: &str) -> Option<(&str, &str)> {
    for (at, byte) in issuer.bytes().enumerate() {
        if byte == b'{' {
            if let Some(after) = issuer.get(at..).and_then(|from| from.strip_prefix(TENANT_PLACEHOLDER)) {
                return Some((issuer.get(..at)?, after));
            }
        }
    }
    None
}

/// For an `issuer` on a multi-tenant Entra `authority`'s host and path: the tenant that authority's issuers
/// name (the `{tenantid}` placeholder for `common` and `organizations`, the personal accounts' tenant for
/// `consumers`), and the tenant `issuer` names. `None` for any other authority or issuer.
fn multi_tenant_issuer_tenant<'a>(issuer: &'a str, authority: &str) -> Option<(&'static str, &'a str)> {
    if !is_entra_authority(authority) {
        return None;
    }
    let (host, tenant, rest) = split_tenant(trim_end_byte(authority, b'/'))?;
    let (issuer_host, issuer_tenant, issuer_rest) = split_tenant(trim_end_byte(issuer, b'/'))?;
    let expected = match tenant.to_ascii_lowercase().as_str() {
        "common" | "organizations" => TENANT_PLACEHOLDER,
        "consumers" => CONSUMERS_TENANT_ID,
        _ => return None,
    };
    (host == issuer_host && rest == issuer_rest).then_some((expected, issuer_tenant))
}

/// Whether a discovery document's `issuer` belongs to a multi-tenant Entra `authority` (the exact
/// match of the other authorities is the caller's).
pub(crate) fn is_multi_tenant_issuer(issuer: &str, authority: &str) -> bool {
    multi_tenant_issuer_tenant(issuer, authority).is_some_and(|(expected, tenant)| tenant == expected)
}

/// Whether an ID token's issuer `iss` is the configured `authority`'s: the authority itself, or under a
/// multi-tenant Entra authority, its issuer with a tenant in it (see [`is_multi_tenant_issuer`]).
pub(crate) fn is_authoritys_issuer(iss: &str, authority: &str) -> bool {
    trim_end_byte(iss, b'/') == trim_end_byte(authority, b'/')
        || multi_tenant_issuer_tenant(iss, authority).is_some_and(|(expected, tenant)| match expected {
            TENANT_PLACEHOLDER => !tenant.is_empty(),
            _ => tenant == expected,
        })
}

/// The issuer an ID token must name: the provider's issuer, or for a multi-tenant template, the
/// template with the token's tenant (`tid`) in it.
pub(crate) fn expected_issuer(issuer: &Issuer, claims: &IdTokenClaims) -> Issuer {
    match (claims.text_claim("tid"), split_placeholder(issuer.as_str())) {
        (Some(tid), Some((before, after))) => Issuer::new([before, tid, after].concat()),
        _ => issuer.clone(),
    }
}

/// Whether `found` (an authorization response's `iss`, RFC 9207) is `issuer`, or for a multi-tenant
/// template, the template with some tenant in it; the ID token then binds the tenant.
pub(crate) fn issuer_matches(issuer: &Issuer, found: &str) -> bool {
    match split_placeholder(issuer.as_str()) {
        None => issuer.as_str() == found,
        Some((before, after)) => found
            .strip_prefix(before)
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|tenant| !tenant.is_empty() && !has_any(tenant, b"/?#")),
    }
}

/// Whether `granted`, a scope of a token response, grants `requested` under another name, as Entra
/// names scopes: with or without its resource's full name (`User.Read` and
/// `https://graph.microsoft.com/User.Read`; a name without a resource is taken for the resource asked
/// for), in any case, and `{resource}/.default` as the resource's permissions (`api://x/read`).
pub(crate) fn grants_under_another_name(granted: &str, requested: &str) -> bool {
    let (granted_resource, granted_name) = split_resource(granted);
    let (requested_resource, requested_name) = split_resource(requested);
    let same_resource = match (granted_resource, requested_resource) {
        (Some(granted), Some(requested)) => granted.eq_ignore_ascii_case(requested),
        _ => true,
    };
    same_resource && (requested_name == ".default" || granted_name.eq_ignore_ascii_case(requested_name))
}

/// `https://graph.microsoft.com/User.Read` → (`https://graph.microsoft.com`, `User.Read`); a short
/// name has no resource.
fn split_resource(scope: &str) -> (Option<&str>, &str) {
    match rsplit_once_byte(scope, b'/') {
        Some((resource, name)) => (Some(resource), name),
        None => (None, scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::id_token::tests::claims_from;

    const COMMON: &str = "https://login.microsoftonline.com/common/v2.0";

    #[test]
    fn knows_entra_hosts() {
        assert!(is_entra_authority(COMMON));
        assert!(is_entra_authority("https://contoso.ciamlogin.com/contoso.onmicrosoft.com"));
        assert!(!is_entra_authority("https://login.microsoftonline.com.evil.example/x"));
        assert!(!is_entra_authority("https://evilciamlogin.com/x"));
        assert!(!is_entra_authority("https://dev-1.okta.com"));
    }

    #[test]
    fn an_id_tokens_issuer_is_the_authoritys_or_a_tenant_of_a_multi_tenant_one() {
        assert!(is_authoritys_issuer("https://op.example", "https://op.example/"));
        assert!(!is_authoritys_issuer("https://evil.example", "https://op.example"));
        let tenant = "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
        assert!(is_authoritys_issuer(tenant, COMMON));
        assert!(is_authoritys_issuer(tenant, "https://login.microsoftonline.com/consumers/v2.0"));
        assert!(!is_authoritys_issuer(tenant, "https://login.microsoftonline.com/contoso.com/v2.0"));
        assert!(!is_authoritys_issuer("https://login.microsoftonline.com/x/v1.0", COMMON));
        assert!(!is_authoritys_issuer("https://evil.example/x/v2.0", COMMON));
    }

    #[test]
    fn multi_tenant_authorities_accept_their_issuers() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(is_multi_tenant_issuer(template, COMMON));
        assert!(is_multi_tenant_issuer(template, "https://login.microsoftonline.com/organizations/v2.0/"));
        let consumers = format!("https://login.microsoftonline.com/{CONSUMERS_TENANT_ID}/v2.0");
        assert!(is_multi_tenant_issuer(&consumers, "https://login.microsoftonline.com/consumers/v2.0"));
        // Nothing else: a single tenant, another host or version, another provider.
        assert!(!is_multi_tenant_issuer(template, "https://login.microsoftonline.com/contoso.com/v2.0"));
        assert!(!is_multi_tenant_issuer("https://login.microsoftonline.com/{tenantid}/v1.0", COMMON));
        assert!(!is_multi_tenant_issuer("https://evil.example/{tenantid}/v2.0", COMMON));
        assert!(!is_multi_tenant_issuer(&consumers, COMMON));
        assert!(!is_multi_tenant_issuer("https://op.example/{tenantid}", "https://op.example/common"));
    }

    #[test]
    fn a_token_names_its_tenant_in_the_template() {
        let template = Issuer::new("https://login.microsoftonline.com/{tenantid}/v2.0");
        let claims = |tid: serde_json::Value| {
            claims_from(serde_json::json!({"iss": "x", "sub": "s", "aud": "a", "exp": 2, "iat": 1, "tid": tid}))
        };
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        assert_eq!(
            expected_issuer(&template, &claims(tenant.into())).as_str(),
            format!("https://login.microsoftonline.com/{tenant}/v2.0")
        );
        assert_eq!(expected_issuer(&template, &claims(serde_json::Value::Null)), template, "no tid: no match");
        let fixed = Issuer::new("https://op.example");
        assert_eq!(expected_issuer(&fixed, &claims(tenant.into())), fixed);

        assert!(issuer_matches(&template, &format!("https://login.microsoftonline.com/{tenant}/v2.0")));
        assert!(!issuer_matches(&template, "https://login.microsoftonline.com//v2.0"));
        assert!(!issuer_matches(&template, "https://login.microsoftonline.com/a/b/v2.0"));
        assert!(!issuer_matches(&template, "https://evil.example/a/v2.0"));
        assert!(issuer_matches(&fixed, "https://op.example"));
        assert!(!issuer_matches(&fixed, "https://op.example/"));
    }

    #[test]
    fn entra_grants_a_scope_under_its_resources_name_or_without_it() {
        let graph = "https://graph.microsoft.com/User.Read";
        assert!(grants_under_another_name(graph, "User.Read"));
        assert!(grants_under_another_name("User.Read", graph));
        assert!(grants_under_another_name("user.read", "User.Read"), "any case");
        assert!(grants_under_another_name("api://x/read", "api://x/.default"));
        assert!(!grants_under_another_name("api://y/read", "api://x/.default"), "another resource");
        assert!(!grants_under_another_name("api://y/read", "api://x/read"), "another resource");
        assert!(!grants_under_another_name("https://graph.microsoft.com/Mail.Read", "User.Read"));
        assert!(!grants_under_another_name("api:read", "api:write"));
    }
}
