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
