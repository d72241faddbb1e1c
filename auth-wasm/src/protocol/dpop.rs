//! DPoP (RFC 9449): tokens bound to a key of this browser.

/// Whether tokens are bound with DPoP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DpopMode {
    /// Bearer tokens.
    #[default]
    Off,
    /// Every token bound; a provider without DPoP is an error.
    Required,
    /// Tokens bound where the provider supports DPoP; bearer tokens elsewhere.
    IfSupported,
}

impl DpopMode {
    const ALL: [Self; 3] = [Self::Off, Self::Required, Self::IfSupported];

    /// The name in a configuration file: `off`, `required` or `if_supported`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Required => "required",
            Self::IfSupported => "if_supported",
        }
    }

    /// The mode named by `text`, exactly; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == text)
    }

    pub(crate) const EXPECTED: &'static str = "must be off, required or if_supported";
}
