//! Return URLs: where the app goes after a sign-in or sign-out. Only this app's own pages qualify, so
//! that a crafted link or history entry cannot send a signed-in user elsewhere (an open redirect).

use super::{before_any, split_byte, starts_with_any, trim_end_byte};

/// `candidate` as a path of this app (`/path?query#fragment`) when it is one: an absolute path, or an
/// absolute URL of `origin`. `None` for anything else: other origins, `//host`, `javascript:`, `data:`,
/// backslashes and control characters (which browsers turn into slashes or drop).
pub fn same_origin_path(candidate: &str, origin: &str) -> Option<String> {
    if candidate.chars().any(is_refused) {
        return None;
    }
    let origin = trim_end_byte(origin, b'/');
    let path = match candidate.strip_prefix(origin) {
        Some("") => "/",
        Some(rest) if starts_with_any(rest, b"/?#") => rest,
        _ => candidate,
    };
    let path = if starts_with_any(path, b"?#") { ["/", path].concat() } else { path.to_owned() };
    // Dot segments are refused: `/.//evil.example` would normalise to `//evil.example`.
    let segments = split_byte(before_any(&path, b"?#"), b'/');
    // `%2e` is a dot too, in any case.
    let has_dot_segment = segments
        .into_iter()
        .any(|s| matches!(s.to_ascii_lowercase().as_str(), "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."));
    (path.starts_with('/') && !path.starts_with("//") && !has_dot_segment).then_some(path)
}

/// A character a return URL must not hold: a control character, a backslash or whitespace, as
/// `char::is_control` and `char::is_whitespace` say (a test holds them to it for every char). Written out:
/// the standard library's versions bring its Unicode tables into the wasm.
fn is_refused(c: char) -> bool {
    matches!(
        c,
        '\0'..=' ' | '\\' | '\u{7f}'..='\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}'
            | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// [`same_origin_path`], or the app root when `candidate` is not a path of this app.
pub fn safe_return_url(candidate: &str, origin: &str) -> String {
    same_origin_path(candidate, origin).unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_characters_are_the_standard_librarys_controls_and_whitespace_and_the_backslash() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_refused(c), c.is_control() || c == '\\' || c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    const ORIGIN: &str = "https://app.example";

    #[test]
    fn accepts_paths_and_same_origin_urls() {
        assert_eq!(safe_return_url("/orders?id=1#top", ORIGIN), "/orders?id=1#top");
        assert_eq!(safe_return_url("https://app.example/orders", ORIGIN), "/orders");
        assert_eq!(safe_return_url("https://app.example", ORIGIN), "/");
        assert_eq!(safe_return_url("https://app.example?x=1", ORIGIN), "/?x=1");
        assert_eq!(safe_return_url("/", ORIGIN), "/");
    }

    #[test]
    fn rejects_everything_else() {
        for evil in [
            "https://evil.example/",
            "https://app.example.evil.example/",
            "https://app.example@evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "/\t/evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "http://app.example/",
            "orders",
            "",
            " /orders",
            "/.//evil.example",
            "/a/../..//evil.example",
            "/%2e//evil.example",
            "/a/%2E%2e/%2e//evil.example",
        ] {
            assert_eq!(safe_return_url(evil, ORIGIN), "/", "{evil}");
        }
    }
}
