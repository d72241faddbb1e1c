//! The text of an error as a message key and values, assembled where it is shown: by `Display` (from
//! the table in `messages.txt`) in a Rust app, by the npm package's `errors.js` (from the same table) in
//! a JS app. So the npm package's wasm carries no sentences and no formatting of them.

use std::borrow::Cow;
use std::fmt;

/// Every message: the English text of every error, as `key: template` lines, where `{0}` and `{1}` stand for
/// the error's values. Declared once, in `messages.txt` and, for the errors of the `dpop` feature, in
/// `messages-dpop.txt`: Rust's `Display` of the errors reads them (for Leptos apps), and `tests/build-npm.sh`
/// turns both into the npm package's `messages.js` (which `errors.js` assembles the text from), so the npm
/// package's wasm carries codes and values, not sentences. The files hold nothing else (no comment lines): a
/// Leptos app ships them whole, so a feature's messages are in its own file, which only that feature's
/// build includes.
pub const MESSAGES: &[&str] = &[
    include_str!("../messages.txt"),
    #[cfg(feature = "dpop")]
    include_str!("../messages-dpop.txt"),
];

/// A value put into a message's template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageArg<'a> {
    /// Text (a URL, a scope, a provider's description).
    Text(&'a str),
    /// A number (an HTTP status, seconds).
    Number(u32),
    /// A provider's description, shown as `: description`; nothing when there is none.
    Detail(Option<&'a str>),
}

impl MessageArg<'_> {
    /// The value as it stands in the text, for a text value: a description as `: description` (or
    /// nothing). `None` for a number, which each side writes in its own way.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match *self {
            Self::Text(text) => Some(Cow::Borrowed(text)),
            Self::Detail(Some(text)) => Some(Cow::Owned([": ", text].concat())),
            Self::Detail(None) => Some(Cow::Borrowed("")),
            Self::Number(_) => None,
        }
    }
}

/// An error's text, not yet assembled: a key of `messages.txt` and the values for `{0}` and `{1}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// The key of the template.
    pub key: &'static str,
    /// The values, in order (a message has at most two).
    pub args: [Option<MessageArg<'a>>; 2],
}

impl<'a> Message<'a> {
    /// A message without values.
    pub fn new(key: &'static str) -> Self {
        Self { key, args: [None, None] }
    }

    fn with(mut self, value: MessageArg<'a>) -> Self {
        let slot = if self.args[0].is_none() { 0 } else { 1 };
        self.args[slot] = Some(value);
        self
    }

    /// Adds a text value.
    pub fn text(self, value: &'a str) -> Self {
        self.with(MessageArg::Text(value))
    }

    /// Adds a number value.
    pub fn number(self, value: u32) -> Self {
        self.with(MessageArg::Number(value))
    }

    /// Adds a provider's description as `: description`, or nothing when there is none.
    pub fn detail(self, description: &'a Option<String>) -> Self {
        self.with(MessageArg::Detail(description.as_deref()))
    }

    /// The template of `key`, if one of the message tables has it.
    pub fn template(key: &str) -> Option<&'static str> {
        MESSAGES.iter().find_map(|table| {
            super::split_byte(table, b'\n').find_map(|line| line.strip_prefix(key)?.strip_prefix(": "))
        })
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(mut rest) = Self::template(self.key) else { return f.write_str(self.key) };
        while let Some(open) = super::find_byte(rest, b'{') {
            f.write_str(&rest[..open])?;
            let after = &rest[open + 1..];
            let Some((close, index)) = super::find_byte(after, b'}')
                .and_then(|close| Some((close, super::parse_decimal(after.get(..close)?)?)))
            else {
                f.write_str("{")?;
                rest = after;
                continue;
            };
            match usize::try_from(index).ok().and_then(|index| self.args.get(index)).copied().flatten() {
                Some(MessageArg::Number(number)) => f.write_str(&super::decimal(number.into()))?,
                Some(arg) => f.write_str(&arg.as_text().unwrap_or_default())?,
                None => {}
            }
            rest = &after[close + 1..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_their_values() {
        let message = Message::new("http_client_error").number(404);
        assert_eq!(message.to_string(), "the provider answered HTTP 404: the request was refused");
        let issuer = Message::new("id_token_issuer").text("https://op").text("https://evil");
        assert_eq!(
            issuer.to_string(),
            "the ID token was issued by `https://evil`, not by the configured provider `https://op`"
        );
        let described = Some("why".to_owned());
        assert_eq!(
            Message::new("login_required").detail(&described).to_string(),
            "the user must sign in (login_required): why"
        );
        assert_eq!(Message::new("login_required").detail(&None).to_string(), "the user must sign in (login_required)");
    }

    #[test]
    fn a_value_with_braces_is_not_a_template() {
        let message = Message::new("invalid_config").text("{1} {0}");
        assert_eq!(message.to_string(), "invalid client configuration: {1} {0}");
    }

    #[test]
    fn every_line_is_a_key_and_a_template() {
        for line in MESSAGES.iter().flat_map(|table| table.lines()) {
            let (key, template) = line.split_once(": ").expect(line);
            assert!(key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{key}");
            assert_eq!(Message::template(key), Some(template));
        }
    }

    #[test]
    fn a_feature_s_messages_are_in_its_build_only() {
        for line in include_str!("../messages-dpop.txt").lines() {
            let (key, template) = line.split_once(": ").expect(line);
            let expected = if cfg!(feature = "dpop") { Some(template) } else { None };
            assert_eq!(Message::template(key), expected, "{key}");
        }
    }
}
