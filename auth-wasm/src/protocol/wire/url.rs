//! URL rules: reading a query, adding parameters, which URLs are secure enough, app-relative URLs, and
//! whether two URLs are on the same site.
//!
//! Queries are `application/x-www-form-urlencoded` (see [`super::form`]).

use super::text::{before_any, find_byte, has_any, split_once_byte, trim_end_byte};

/// The query of `url` (between `?` and `#`), or "" when it has none.
pub fn query_of(url: &str) -> &str {
    split_once_byte(before_any(url, b"#"), b'?').map_or("", |(_, query)| query)
}

/// `url` with `params` appended to its query; an endpoint may already carry a query (e.g. `?p=policy`).
pub fn append_query(url: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = match split_once_byte(url, b'#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let encoded = super::form::encode(params);
    let separator = match find_byte(base, b'?') {
        None => "?",
        Some(i) if i + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = [base, separator, &encoded].concat();
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// True for `https://` URLs and for `http://` on a loopback host, which browsers treat as a secure context.
pub fn is_secure_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = before_any(rest, b"/?#");
    if has_any(authority, b"@") {
        return false;
    }
    matches!(host_of(authority), "127.0.0.1" | "localhost" | "[::1]")
}

/// The host of an authority (`host[:port]`, `[v6][:port]`).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        find_byte(authority, b']').and_then(|end| authority.get(..=end)).unwrap_or(authority)
    } else {
        before_any(authority, b":")
    }
}

/// An absolute URL for `value`: absolute URLs stay as they are, paths are resolved against the app's origin
/// (so that one configuration file serves every deployment of the app).
pub fn resolve_app_url(origin: &str, value: &str) -> String {
    if value.starts_with("https://") || value.starts_with("http://") {
        value.to_owned()
    } else {
        [trim_end_byte(origin, b'/'), "/", value.trim_start_matches('/')].concat()
    }
}

/// `scheme://rest` → (`scheme`, `rest`). (Split at a char, not at the `&str` "://": a `&str` pattern
/// brings core's two-way string search and its panic texts into the wasm.)
pub(crate) fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = split_once_byte(url, b':')?;
    Some((scheme, rest.strip_prefix("//")?))
}

/// The origin (`scheme://host[:port]`, lower-cased) of an absolute http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = split_scheme(url)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = Some(before_any(rest, b"/?#")).filter(|a| !a.is_empty() && !has_any(a, b"@"))?;
    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    Some([scheme.as_str(), "://", authority.strip_suffix(default_port).unwrap_or(&authority)].concat())
}

/// Whether the absolute http(s) URLs `a` and `b` are on the same site, as browsers decide which cookies
/// a frame gets: the same scheme and registrable domain, whatever the ports. Without the public-suffix
/// list this is an approximation: a host of three or more labels stands for its parent
/// (`login.example.com` and `app.example.com` are one site, and so are `example.com` and `app.example.com`);
/// IP addresses and hosts of one or two labels (`localhost`, `example.com`) stand for themselves. Deeper
/// hosts (`a.b.example.com` and `example.com`) count as other sites, and hosts right under a public suffix
/// of two labels (`a.co.uk`, `b.co.uk`) as one. A URL that is not absolute http(s) is on no site.
pub fn same_site(a: &str, b: &str) -> bool {
    matches!((site_of(a), site_of(b)), (Some(a), Some(b)) if a == b)
}

/// `scheme://host` of `url`, a host of three or more labels shortened by its first (see [`same_site`]).
fn site_of(url: &str) -> Option<String> {
    let origin = origin_of(url)?;
    let (scheme, authority) = split_scheme(&origin)?;
    let host = host_of(authority);
    let is_ip = host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let parent = split_once_byte(host, b'.').map(|(_, parent)| parent).filter(|p| has_any(p, b"."));
    let site = match parent {
        Some(parent) if !is_ip => parent,
        _ => host,
    };
    Some([scheme, "://", site].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_urls() {
        assert!(is_secure_url("https://login.example.com/tenant"));
        assert!(is_secure_url("http://127.0.0.1:8600"));
        assert!(is_secure_url("http://localhost/x"));
        assert!(is_secure_url("http://[::1]:80/"));
        assert!(!is_secure_url("http://example.com"));
        assert!(!is_secure_url("http://127.0.0.1.evil.com/"));
        assert!(!is_secure_url("http://localhost@evil.com/"));
        assert!(!is_secure_url("ftp://x"));
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("https://API.example.com/v1?x=1").as_deref(), Some("https://api.example.com"));
        assert_eq!(origin_of("https://api.example.com:443/").as_deref(), Some("https://api.example.com"));
        assert_eq!(origin_of("http://127.0.0.1:8601/api").as_deref(), Some("http://127.0.0.1:8601"));
        assert_eq!(origin_of("/relative"), None);
        assert_eq!(origin_of("https://user@api.example.com/"), None);
        assert_eq!(origin_of("ftp://files.example.com/"), None);
    }

    #[test]
    fn sites_are_scheme_and_host_with_one_label_dropped_from_three_or_more() {
        let same = |a: &str, b: &str| same_site(a, b);
        assert!(same("https://app.example.com/x", "https://login.example.com:8443/authorize"));
        assert!(same("https://example.com/", "https://app.example.com/silent-callback.html"));
        assert!(same("https://APP.example.com", "https://app.example.com:443/"));
        assert!(same("http://127.0.0.1:8080/", "http://127.0.0.1:8600/auth"), "ports do not make a site");
        assert!(same("http://localhost:1/", "http://localhost:2/"));
        assert!(!same("http://127.0.0.1:8080/", "http://localhost:8600/auth"), "an IP address and a name");
        assert!(!same("http://10.1.2.3/", "http://11.1.2.3/"), "IP addresses compare whole");
        assert!(!same("http://[::1]:1/", "http://[::2]:1/"));
        assert!(!same("https://app.example.com/", "https://login.other.com/"));
        assert!(!same("https://app.example.co.uk/", "https://login.other.co.uk/"));
        assert!(!same("https://contoso.com/", "https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize"));
        assert!(!same("http://app.example.com/", "https://app.example.com/"), "schemeful");
        assert!(!same("/silent-callback.html", "/silent-callback.html"), "a relative URL is on no site");
        assert!(!same("https://user@app.example.com/", "https://app.example.com/"));
    }

    #[test]
    fn app_urls() {
        assert_eq!(resolve_app_url("http://a:1", "/cb"), "http://a:1/cb");
        assert_eq!(resolve_app_url("http://a:1/", "cb"), "http://a:1/cb");
        assert_eq!(resolve_app_url("http://a:1", "https://b/cb"), "https://b/cb");
    }

    #[test]
    fn query_of_ignores_fragment() {
        assert_eq!(query_of("https://a/cb?code=1&state=2#frag"), "code=1&state=2");
        assert_eq!(query_of("https://a/cb"), "");
        assert_eq!(query_of("https://a/cb#x?y"), "");
    }

    #[test]
    fn append_to_url_with_and_without_query() {
        assert_eq!(append_query("https://op/auth", &[("a", "1 2")]), "https://op/auth?a=1+2");
        assert_eq!(append_query("https://op/auth?p=x", &[("a", "&")]), "https://op/auth?p=x&a=%26");
        assert_eq!(append_query("https://op/auth?", &[("a", "1")]), "https://op/auth?a=1");
    }
}
