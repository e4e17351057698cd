//! Which implementation talks to an endpoint: the generic OpenAI-compatible one or
//! the OpenAI-native one (`provider` in configuration, [`Provider::kind`](crate::Provider::kind)
//! of a built provider). One type for both: `auto` is a choice a profile may make;
//! a built provider is always one of the other two.

use std::fmt;
use std::str::FromStr;

use oac_url::Url;

use crate::choice::{Choice, ParseChoiceError, parse_choice};

/// `provider`: which implementation talks to the endpoint.
///
/// Parses from and displays as `auto`, `compatible` or `openai-native` (`native`
/// is accepted too).
///
/// ```
/// use oac_provider::ProviderChoice;
///
/// assert_eq!("openai-native".parse::<ProviderChoice>()?, ProviderChoice::OpenAiNative);
/// assert_eq!(ProviderChoice::Compatible.to_string(), "compatible");
/// # Ok::<(), oac_provider::ParseChoiceError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderChoice {
    /// Decide from the base URL: native for `api.openai.com` or no URL.
    Auto,
    /// Generic OpenAI-compatible.
    Compatible,
    /// OpenAI itself (model catalogue, reasoning-model rules).
    OpenAiNative,
}

impl ProviderChoice {
    /// The implementation that serves `base_url`: `compatible` and `openai-native`
    /// stay as they are; `auto` is native when there is no base URL (the OpenAI
    /// API is used) or its host is `api.openai.com` ([`is_openai_host`]), else
    /// compatible. This is the one place that rule lives.
    ///
    /// ```
    /// use oac_provider::ProviderChoice;
    /// use oac_url::Url;
    ///
    /// let openai = Url::parse("https://api.openai.com/v1").unwrap();
    /// let local = Url::parse("http://localhost:11434/v1").unwrap();
    /// assert_eq!(ProviderChoice::Auto.decide(None), ProviderChoice::OpenAiNative);
    /// assert_eq!(ProviderChoice::Auto.decide(Some(&openai)), ProviderChoice::OpenAiNative);
    /// assert_eq!(ProviderChoice::Auto.decide(Some(&local)), ProviderChoice::Compatible);
    /// assert_eq!(ProviderChoice::Compatible.decide(Some(&openai)), ProviderChoice::Compatible);
    /// ```
    pub fn decide(self, base_url: Option<&Url>) -> ProviderChoice {
        match self {
            ProviderChoice::Compatible | ProviderChoice::OpenAiNative => self,
            _ => match base_url {
                Some(url) if !is_openai_host(url) => ProviderChoice::Compatible,
                _ => ProviderChoice::OpenAiNative,
            },
        }
    }

    /// The spelling used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderChoice::Auto => "auto",
            ProviderChoice::Compatible => "compatible",
            ProviderChoice::OpenAiNative => "openai-native",
        }
    }
}

/// True when `url`'s host is `api.openai.com` (in any case): OpenAI itself.
pub fn is_openai_host(url: &Url) -> bool {
    url.host_str()
        .is_some_and(|host| host.eq_ignore_ascii_case("api.openai.com"))
}

impl Choice for ProviderChoice {
    const WHAT: &'static str = "provider";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", ProviderChoice::Auto),
        ("compatible", ProviderChoice::Compatible),
        ("openai-compatible", ProviderChoice::Compatible),
        ("openai-native", ProviderChoice::OpenAiNative),
        ("native", ProviderChoice::OpenAiNative),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for ProviderChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderChoice {
    type Err = ParseChoiceError;

    /// Accepts `auto`, `compatible` (or `openai-compatible`), `openai-native` (or
    /// `native`), ignoring case and `_` versus `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}
