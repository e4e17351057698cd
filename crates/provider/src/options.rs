//! Request options that are words on the wire and in configuration: the Responses
//! API's reasoning summary and verbosity, and the service tier (both APIs).

use std::fmt;
use std::str::FromStr;

use crate::choice::{Choice, ParseChoiceError, parse_choice};

/// An enum whose values are words: `as_str`, [`Choice`], `Display` and `FromStr`
/// (case, `_`/`-` and surrounding whitespace ignored; a typo gets a did-you-mean).
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// The word, as sent on the wire and written in configuration.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $word ),+
                }
            }
        }

        impl Choice for $name {
            const WHAT: &'static str = $what;
            const NAMES: &'static [(&'static str, Self)] = &[ $( ($word, Self::$variant) ),+ ];

            fn name(&self) -> &'static str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseChoiceError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_choice(s)
            }
        }
    };
}

word_enum! {
    /// How much of its reasoning a model summarises (Responses API
    /// `reasoning.summary`; chat completions has no summary).
    ReasoningSummary, "reasoning summary" {
        /// The most detailed summary the model offers.
        Auto = "auto",
        /// A short summary.
        Concise = "concise",
        /// A detailed summary.
        Detailed = "detailed",
    }
}

word_enum! {
    /// How long an answer is (`text.verbosity` in the Responses API, `verbosity` in
    /// chat completions; GPT-5 models).
    Verbosity, "verbosity" {
        /// Terse answers.
        Low = "low",
        /// The default.
        Medium = "medium",
        /// Long answers.
        High = "high",
    }
}

word_enum! {
    /// The processing tier a request asks for (`service_tier`, both APIs). Flex and
    /// priority have their own prices where the catalogue lists them.
    ServiceTier, "service tier" {
        /// The project's default tier (`auto`).
        Auto = "auto",
        /// Standard processing.
        Default = "default",
        /// Slower, cheaper processing.
        Flex = "flex",
        /// Faster, dearer processing.
        Priority = "priority",
        /// Scale-tier capacity.
        Scale = "scale",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back_and_typos_are_named() {
        assert_eq!("Flex".parse::<ServiceTier>(), Ok(ServiceTier::Flex));
        assert_eq!(
            " detailed ".parse::<ReasoningSummary>(),
            Ok(ReasoningSummary::Detailed)
        );
        assert_eq!(Verbosity::High.to_string(), "high");
        let err = "priorty".parse::<ServiceTier>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown service tier `priorty`; did you mean `priority`? (valid: auto, default, flex, priority, scale)"
        );
    }
}
