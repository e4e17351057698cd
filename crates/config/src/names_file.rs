//! The shape of `data/names.toml` and its Rust form: shared by `build.rs`, which
//! writes the rules out as Rust data, and the tests of `src/names.rs` (a file the
//! build reads is tested like code).

use std::fmt::Write as _;

use serde::Deserialize;

/// One `[[rule]]` as written (the fields of `names::Written`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    prefix: Option<String>,
    contains: Option<String>,
    family: Option<String>,
    system_prompt: Option<String>,
    r1_format: Option<bool>,
    reasoning_content: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rule: Vec<Written>,
}

/// The rules of a names file's `text` as a Rust expression of type `&[Written]`;
/// a message (TOML's, with line and column) for a file of the wrong shape: a key no
/// rule has, a value of the wrong type, a table that is not `[[rule]]`.
pub(crate) fn rules_as_rust(text: &str) -> Result<String, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut rust = String::from("&[\n");
    for rule in &file.rule {
        // `{:?}` of an `Option<String>` / `Option<bool>` is its Rust literal.
        let _ = writeln!(
            rust,
            "    Written {{ prefix: {:?}, contains: {:?}, family: {:?}, system_prompt: {:?}, r1_format: {:?}, reasoning_content: {:?} }},",
            rule.prefix,
            rule.contains,
            rule.family,
            rule.system_prompt,
            rule.r1_format,
            rule.reasoning_content,
        );
    }
    rust.push_str("]\n");
    Ok(rust)
}
