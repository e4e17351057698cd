//! Named choices (`include_usage = "auto"`, `reasoning_effort = "high"`, …): the one
//! place that turns a word into an enum value and suggests the closest valid word.
//! The config crate reads its own settings (`provider`, `endpoint_mode`) with it too.

use std::fmt;

use oac_url::{EndpointMode, WireApi};

/// The workspace's one did-you-mean rule (it lives in `oac-pricing`, the lowest crate
/// that suggests words).
pub use oac_pricing::closest;

/// An enum spelled as a word in configuration.
pub trait Choice: Sized + Clone + 'static {
    /// What the word names, for messages: `provider`, `reasoning effort`.
    const WHAT: &'static str;
    /// Every spelling, canonical first for each value.
    const NAMES: &'static [(&'static str, Self)];

    /// The canonical spelling of `self`.
    fn name(&self) -> &'static str;
}

/// Lower-case, `_` read as `-`, surrounding whitespace ignored.
fn normalize(word: &str) -> String {
    word.trim().to_ascii_lowercase().replace('_', "-")
}

/// Reads a choice, ignoring case, surrounding whitespace and `_` versus `-`.
pub fn parse_choice<T: Choice>(word: &str) -> Result<T, ParseChoiceError> {
    let wanted = normalize(word);
    if let Some((_, value)) = T::NAMES.iter().find(|(name, _)| normalize(name) == wanted) {
        return Ok(value.clone());
    }
    let expected: Vec<&'static str> = canonical_names::<T>();
    let suggestion = closest(&wanted, T::NAMES.iter().map(|(name, _)| *name))
        .and_then(|name| parse_choice::<T>(name).ok())
        .map(|value| value.name());
    Err(ParseChoiceError {
        what: T::WHAT,
        input: shorten(word.trim()),
        expected,
        suggestion,
    })
}

/// The canonical spellings, in declaration order, without aliases.
pub fn canonical_names<T: Choice>() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, value) in T::NAMES {
        let name = value.name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Long words are cut so a pasted paragraph does not drown the message.
fn shorten(word: &str) -> String {
    const MAX: usize = 40;
    match word.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &word[..cut]),
        None => word.to_owned(),
    }
}

/// A word that is not one of the valid choices for a setting.
///
/// Returned by the `FromStr` implementations of
/// [`ReasoningEffort`](crate::ReasoningEffort), [`IncludeUsage`](crate::IncludeUsage),
/// [`MaxTokensField`](crate::MaxTokensField) and [`AuthStyle`](crate::AuthStyle) (and
/// of the config crate's `ProviderChoice`).
/// `Display` lists the valid words and suggests the closest one.
///
/// ```
/// use oac_provider::IncludeUsage;
///
/// let err = "alwyas".parse::<IncludeUsage>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unknown include_usage value `alwyas`; did you mean `always`? (valid: auto, always, never)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ParseChoiceError {
    /// What the word names (`provider`, `reasoning effort`, …).
    pub what: &'static str,
    /// The word as given (trimmed, shortened when very long).
    pub input: String,
    /// Every valid word.
    pub expected: Vec<&'static str>,
    /// The closest valid word, when the input looks like a typo of it.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for ParseChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.input)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, "; did you mean `{suggestion}`?")?;
        }
        write!(f, " (valid: {})", self.expected.join(", "))
    }
}

/// `endpoint_mode` (the url crate's type) is read as a choice too.
impl Choice for EndpointMode {
    const WHAT: &'static str = "endpoint mode";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", EndpointMode::Auto),
        ("base", EndpointMode::Base),
        ("full", EndpointMode::Full),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

/// `api` (the url crate's type) is read as a choice too.
impl Choice for WireApi {
    const WHAT: &'static str = "api";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("chat", WireApi::Chat),
        ("chat-completions", WireApi::Chat),
        ("responses", WireApi::Responses),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_a_missing_letter() {
        assert_eq!(closest("base_ur", ["model", "base_url"]), Some("base_url"));
    }

    #[test]
    fn closest_ignores_unrelated_words() {
        assert_eq!(closest("zzz", ["model", "base_url"]), None);
    }

    #[test]
    fn closest_prefers_the_best_match() {
        assert_eq!(
            closest("api_key_fil", ["api_key", "api_key_env", "api_key_file"]),
            Some("api_key_file")
        );
    }
}
