//! Searches in text for ASCII bytes, and whole numbers read from and written as text, as plain loops.
//! `str`'s char patterns (`split_once(':')`, `find('/')`, `rsplit_once('.')`, `split([..])`,
//! `contains('@')`, `trim_end_matches('/')`, `lines()`, `replace`) bring core's char searchers, memchr,
//! memrchr and backwards UTF-8 decoding into the wasm, `str::parse` a generic parser per integer type, and
//! an integer's `to_string` core's formatting machinery; these do not. An ASCII byte never occurs inside a
//! multi-byte character, so every index found here is a char boundary.

/// Where the first `byte` is.
pub(crate) fn find_byte(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// Whether `byte` is one of `set`. (A loop, not `set.contains(&byte)`: a byte slice's `contains` is
/// memchr.)
fn one_of(set: &[u8], byte: u8) -> bool {
    for wanted in set {
        if *wanted == byte {
            return true;
        }
    }
    false
}

/// Whether `text` begins with one of `bytes`.
pub(crate) fn starts_with_any(text: &str, bytes: &[u8]) -> bool {
    text.bytes().next().is_some_and(|b| one_of(bytes, b))
}

/// Whether `text` has any of `bytes`.
pub(crate) fn has_any(text: &str, bytes: &[u8]) -> bool {
    text.bytes().any(|b| one_of(bytes, b))
}

/// `text` around its first `byte`: what is before it and what is after it.
pub(crate) fn split_once_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = find_byte(text, byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// `text` around its last `byte`.
pub(crate) fn rsplit_once_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().rposition(|b| b == byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// `text` up to the first of `stops` (all of it without one): a URL's part before its query and
/// fragment, say.
pub(crate) fn before_any<'a>(text: &'a str, stops: &[u8]) -> &'a str {
    text.bytes().position(|b| one_of(stops, b)).and_then(|at| text.get(..at)).unwrap_or(text)
}

/// `text` without the `byte`s it ends with.
pub(crate) fn trim_end_byte(text: &str, byte: u8) -> &str {
    let end = text.bytes().rposition(|b| b != byte).map_or(0, |last| last + 1);
    text.get(..end).unwrap_or(text)
}

/// `text` as a whole number, as `u64::from_str` reads it: decimal digits after an optional `+`;
/// `None` when empty, for anything else, or on overflow.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for byte in digits.bytes() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(value)
}

/// `n` in decimal digits, without the formatting machinery (`to_string` on an integer brings
/// `core::fmt`'s integer printer and padding into the wasm).
pub(crate) fn decimal(mut n: u64) -> String {
    // Written from the end of a buffer that holds the longest u64 (20 digits): no Vec, no reversal.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while at > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut text = String::with_capacity(digits.len() - at);
    for &digit in &digits[at..] {
        text.push(char::from(digit));
    }
    text
}

/// The parts of `text` between its `byte`s, as `str::split` gives them (empty ones included).
pub(crate) fn split_byte(text: &str, byte: u8) -> SplitByte<'_> {
    SplitByte { rest: Some(text), byte }
}

/// See [`split_byte`].
pub(crate) struct SplitByte<'a> {
    rest: Option<&'a str>,
    byte: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match split_once_byte(rest, self.byte) {
            Some((part, after)) => {
                self.rest = Some(after);
                Some(part)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: [&str; 9] = ["", ".", "a.b", ".a.", "a..b", "é.ü.", "no dot", "https://app/cb?q#f", "//x/"];

    #[test]
    fn the_searches_agree_with_str() {
        for text in SAMPLES {
            for byte in [b'.', b'/', b'?', b'#'] {
                let c = byte as char;
                assert_eq!(find_byte(text, byte), text.find(c), "{text}");
                assert_eq!(has_any(text, &[byte, b'!']), text.contains([c, '!']), "{text}");
                assert_eq!(starts_with_any(text, &[byte, b'!']), text.starts_with([c, '!']), "{text}");
                assert_eq!(split_once_byte(text, byte), text.split_once(c), "{text}");
                assert_eq!(rsplit_once_byte(text, byte), text.rsplit_once(c), "{text}");
                assert_eq!(trim_end_byte(text, byte), text.trim_end_matches(c), "{text}");
                assert_eq!(split_byte(text, byte).collect::<Vec<_>>(), text.split(c).collect::<Vec<_>>(), "{text}");
            }
        }
    }

    #[test]
    fn decimals_are_read_as_u64_from_str_reads_them() {
        let samples = ["0", "7", "+42", "0042", "18446744073709551615", "18446744073709551616", "", "+", "-1", " 1"];
        for text in samples.into_iter().chain(["1 ", "1e3", "٣", "++1"]) {
            assert_eq!(parse_decimal(text), text.parse::<u64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn decimal_writes_integers_as_to_string_does() {
        for n in [0, 7, 10, 99, 100, 65_535, 1 << 32, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn text_before_the_first_stop() {
        assert_eq!(before_any("https://app/cb?code=1#x", b"?#"), "https://app/cb");
        assert_eq!(before_any("/p#f?q", b"?#"), "/p");
        assert_eq!(before_any("/é/ü?q", b"?#"), "/é/ü");
        assert_eq!(before_any("no stop", b"?#"), "no stop");
        assert_eq!(before_any("?first", b"?#"), "");
        assert_eq!(before_any("", b"?#"), "");
    }
}
