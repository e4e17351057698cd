//! Request rules by model name (`data/names.toml`): what an id no catalogue entry
//! lists exactly needs — its family and system-prompt role for the native provider,
//! the DeepSeek R1 format and reasoning sent back for compatible servers. The data
//! says which names; this module only matches them, so no model name is spelled in
//! the code.

use std::sync::LazyLock;

use crate::catalog::{ModelFamily, SystemPrompt};
use crate::choice::parse_choice;

/// The rules of `data/names.toml`, as `build.rs` wrote them out (no TOML is parsed at
/// run time).
const WRITTEN: &[Written] = include!(concat!(env!("OUT_DIR"), "/names_rules.rs"));

/// Checked once, on first use.
static BUILTIN: LazyLock<Vec<NameRule>> = LazyLock::new(|| match parse(WRITTEN) {
    Ok(rules) => rules,
    Err(error) => {
        // Unreachable in a released build: the test `the_builtin_rules_parse` checks
        // these exact rules. Degrade to "no rule matches" (every id then gets the
        // defaults) rather than panic inside a library.
        tracing::error!("the built-in model-name rules are invalid: {error}");
        Vec::new()
    }
});

/// One `[[rule]]`: how it matches, and what it decides.
#[derive(Clone, Debug, PartialEq)]
struct NameRule {
    pattern: Pattern,
    family: Option<ModelFamily>,
    system_prompt: Option<SystemPrompt>,
    r1_format: Option<bool>,
    reasoning_content: Option<bool>,
}

/// How a rule matches an id.
#[derive(Clone, Debug, PartialEq)]
enum Pattern {
    /// The bare, lower-cased id is this or starts with it and then `-` or `.`; `#`
    /// is one or more digits.
    Prefix(String),
    /// A piece of the whole lower-cased id.
    Contains(String),
}

/// A rule as written in the file (`build.rs` checks the file's shape and unknown
/// keys; what the words mean is checked here).
#[derive(Clone, Copy, Debug, Default)]
struct Written {
    prefix: Option<&'static str>,
    contains: Option<&'static str>,
    family: Option<&'static str>,
    system_prompt: Option<&'static str>,
    r1_format: Option<bool>,
    reasoning_content: Option<bool>,
}

/// The rules, in order; a message naming the rule otherwise.
fn parse(written: &[Written]) -> Result<Vec<NameRule>, String> {
    written
        .iter()
        .enumerate()
        .map(|(index, written)| rule(*written).map_err(|e| format!("rule[{index}]: {e}")))
        .collect()
}

fn rule(written: Written) -> Result<NameRule, String> {
    let pattern = match (written.prefix, written.contains) {
        (Some(prefix), None) => Pattern::Prefix(prefix.to_ascii_lowercase()),
        (None, Some(piece)) => Pattern::Contains(piece.to_ascii_lowercase()),
        _ => return Err("give exactly one of `prefix` and `contains`".into()),
    };
    let family = written
        .family
        .map(|word| parse_choice::<ModelFamily>(word).map_err(|e| e.to_string()))
        .transpose()?;
    let system_prompt = written
        .system_prompt
        .map(|word| parse_choice::<SystemPrompt>(word).map_err(|e| e.to_string()))
        .transpose()?;
    Ok(NameRule {
        pattern,
        family,
        system_prompt,
        r1_format: written.r1_format,
        reasoning_content: written.reasoning_content,
    })
}

/// An id as the patterns read it: lower-cased, and without a gateway's vendor prefix
/// (everything up to the last `/`) for prefixes.
struct Id<'a> {
    lower: &'a str,
    bare: &'a str,
}

impl<'a> Id<'a> {
    fn of(lower: &'a str) -> Id<'a> {
        let bare = lower.rsplit_once('/').map_or(lower, |(_, bare)| bare);
        Id { lower, bare }
    }
}

impl Pattern {
    fn matches(&self, id: &Id<'_>) -> bool {
        match self {
            Pattern::Contains(piece) => id.lower.contains(piece.as_str()),
            Pattern::Prefix(prefix) => prefix_end(prefix, id.bare)
                .is_some_and(|rest| matches!(rest.chars().next(), None | Some('-' | '.'))),
        }
    }
}

/// What follows `prefix` at the start of `id` (`#` matching one or more digits), or
/// `None` when `id` does not start with it.
fn prefix_end<'a>(prefix: &str, id: &'a str) -> Option<&'a str> {
    let mut rest = id;
    for wanted in prefix.chars() {
        if wanted == '#' {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &rest[digits..];
        } else {
            rest = rest.strip_prefix(wanted)?;
        }
    }
    Some(rest)
}

/// The first decision of the built-in rules that match `id`, of those `pick` reads.
fn first<T>(id: &str, pick: impl Fn(&NameRule) -> Option<T>) -> Option<T> {
    let lower = id.trim().to_ascii_lowercase();
    let id = Id::of(&lower);
    BUILTIN
        .iter()
        .filter(|rule| rule.pattern.matches(&id))
        .find_map(pick)
}

/// The family the name rules give `id`, if any.
pub(crate) fn family(id: &str) -> Option<ModelFamily> {
    first(id, |rule| rule.family)
}

/// The system-prompt role the name rules give `id`, if any.
pub(crate) fn system_prompt(id: &str) -> Option<SystemPrompt> {
    first(id, |rule| rule.system_prompt)
}

/// Whether the name rules send `id` in the DeepSeek R1 format, if they say.
pub(crate) fn r1_format(id: &str) -> Option<bool> {
    first(id, |rule| rule.r1_format)
}

/// Whether the name rules send `id`'s reasoning back on later turns, if they say.
pub(crate) fn reasoning_content(id: &str) -> Option<bool> {
    first(id, |rule| rule.reasoning_content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_s_shape_is_checked_when_it_is_built() {
        let good = "[[rule]]\nprefix = \"a\"\nfamily = \"gpt-5\"\n";
        let rust = crate::names_file::rules_as_rust(good).unwrap();
        assert!(rust.contains(r#"prefix: Some("a")"#), "{rust}");
        let typo =
            crate::names_file::rules_as_rust("[[rule]]\nprefix = \"a\"\nfamly = \"gpt-5\"\n")
                .unwrap_err();
        assert!(typo.contains("famly"), "{typo}");
        assert!(crate::names_file::rules_as_rust("[[rule]]\nr1_format = \"yes\"\n").is_err());
        assert!(crate::names_file::rules_as_rust("[other]\n").is_err());
    }

    #[test]
    fn the_builtin_rules_parse() {
        let rules = parse(WRITTEN).unwrap();
        assert!(rules.len() >= 6, "{rules:?}");
    }

    /// `pattern` against `id` as [`first`] prepares it.
    fn matches(pattern: &Pattern, id: &str) -> bool {
        let lower = id.trim().to_ascii_lowercase();
        pattern.matches(&Id::of(&lower))
    }

    #[test]
    fn a_prefix_matches_the_bare_id_then_a_separator() {
        let o = Pattern::Prefix("o#".into());
        for id in [
            "o1",
            "o3-mini",
            "o4-mini-2025-04-16",
            "openai/O3-pro",
            "o10",
        ] {
            assert!(matches(&o, id), "{id}");
        }
        for id in ["o", "omni", "o1x", "gpt-4o", "ollama"] {
            assert!(!matches(&o, id), "{id}");
        }
        let gpt5 = Pattern::Prefix("gpt-5".into());
        assert!(matches(&gpt5, "gpt-5.1") && matches(&gpt5, "azure/openai/gpt-5-codex"));
        assert!(!matches(&gpt5, "gpt-50"));
    }

    #[test]
    fn contains_matches_anywhere_in_the_whole_id() {
        let r1 = Pattern::Contains("deepseek-r1".into());
        assert!(matches(&r1, "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"));
        assert!(!matches(&r1, "deepseek-chat"));
    }

    #[test]
    fn a_rule_needs_one_pattern_and_known_words() {
        let family = |word| Written {
            prefix: Some("a"),
            family: Some(word),
            ..Written::default()
        };
        let no_pattern = Written {
            family: Some("gpt-5"),
            ..Written::default()
        };
        assert!(parse(&[no_pattern]).is_err());
        let both = Written {
            prefix: Some("a"),
            contains: Some("b"),
            ..Written::default()
        };
        assert!(parse(&[both]).unwrap_err().contains("exactly one"));
        let typo = parse(&[family("gpt-5"), family("gtp-5")]).unwrap_err();
        assert!(typo.contains("rule[1]") && typo.contains("gpt-5"), "{typo}");
    }

    #[test]
    fn the_first_rule_that_decides_wins() {
        assert_eq!(
            system_prompt("o1-mini-2024-09-12"),
            Some(SystemPrompt::FirstUserMessage)
        );
        assert_eq!(family("o1-mini-2024-09-12"), Some(ModelFamily::OSeries));
        assert_eq!(system_prompt("o3-mini"), None);
        assert_eq!(r1_format("deepseek-reasoner"), Some(true));
        assert_eq!(reasoning_content("deepseek-r1"), Some(true));
        assert_eq!(r1_format("deepseek-r1"), None);
        assert_eq!(family("gpt-4o"), None);
    }
}
