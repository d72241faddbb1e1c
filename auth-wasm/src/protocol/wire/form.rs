//! `application/x-www-form-urlencoded` (WHATWG URL standard): the queries of authorize, end-session and
//! callback URLs, and the bodies of token requests. The one place that encodes and decodes it, through the
//! platform (`crate::platform`: `URLSearchParams` in a browser).

/// Name–value pairs in the order given, encoded (`a=1&b=x+y`).
pub fn encode(pairs: &[(&str, &str)]) -> String {
    crate::platform::form_encode(pairs)
}

/// The name–value pairs of a query or form body, decoded, in order (repeated names kept).
pub fn parse(query: &str) -> Vec<(String, String)> {
    crate::platform::form_parse(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_as_urlsearchparams_does() {
        let encoded = encode(&[("a", "1 2"), ("b", "&=+/?é"), ("a", "")]);
        assert_eq!(encoded, "a=1+2&b=%26%3D%2B%2F%3F%C3%A9&a=");
        assert_eq!(parse(&encoded), [("a", "1 2"), ("b", "&=+/?é"), ("a", "")].map(|(n, v)| (n.into(), v.into())));
        assert_eq!(
            parse("x=%zz&y=%C3&&z"),
            [("x", "%zz"), ("y", "\u{fffd}"), ("z", "")].map(|(n, v)| (n.into(), v.into()))
        );
        assert!(parse("").is_empty());
    }
}
