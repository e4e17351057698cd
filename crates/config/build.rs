//! Turns `data/names.toml` (the request rules by model name) into Rust data at build
//! time, so a program never parses TOML for them: reading the file at run time paged
//! in ~0.7 MiB of TOML-parser code for every compatible client, which otherwise never
//! touches a TOML parser (`cargo xtask bench`, "memory"). The rules' meaning (words,
//! one pattern per rule) is still checked where they are used, in `src/names.rs`;
//! this script only checks the file's shape and writes `$OUT_DIR/names_rules.rs`.
#![allow(clippy::print_stdout)]

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

fn main() {
    const SOURCE: &str = "data/names.toml";
    // Cargo reads this line; a build script has no other way to say it.
    println!("cargo::rerun-if-changed={SOURCE}");
    if let Err(message) = generate(SOURCE) {
        // Failing the build is a build script's error path; the message says where.
        panic!("{SOURCE}: {message}");
    }
}

fn generate(source: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(source).map_err(|e| e.to_string())?;
    let file: File = toml::from_str(&text).map_err(|e| e.to_string())?;
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
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    std::fs::write(std::path::Path::new(&out).join("names_rules.rs"), rust)
        .map_err(|e| e.to_string())
}
