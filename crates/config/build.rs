//! Turns the two data files into what the crate embeds, so that a program never
//! parses TOML for them (nor links a TOML parser, unless it reads a profile or
//! catalogue file of its own):
//!
//! - `data/names.toml` (the request rules by model name) becomes Rust data. A
//!   compatible client's first build used to parse it at run time, 3.7 M
//!   instructions and ~0.2 MiB of resident code (`cargo xtask bench`, memory;
//!   callgrind). Its shape (keys, types) is checked here, by `src/names_file.rs`,
//!   which the tests of `src/names.rs` also run; the rules' meaning (words, one
//!   pattern per rule) is checked where they are used, in `src/names.rs`.
//! - `data/catalog.toml` (the native-model catalogue) becomes the same document in
//!   JSON, which the crate reads with the reader of JSON catalogue files, on first
//!   use. Numbers are copied as written, so a literal JSON cannot say verbatim (a
//!   `0x` prefix, a `+`, `inf`) fails the build; a test checks that the JSON
//!   reads to the very catalogue the TOML does (`src/catalog_file.rs`, shared with
//!   the tests of `src/catalog.rs`). Not linking `toml` is 0.1 MB less
//!   code in a program that streams with the facade (`nm` sizes).
#![allow(clippy::print_stdout)]

#[path = "src/catalog_file.rs"]
mod catalog_file;
#[path = "src/names_file.rs"]
mod names_file;

fn main() {
    const NAMES: &str = "data/names.toml";
    const CATALOG: &str = "data/catalog.toml";
    // Cargo reads these lines; a build script has no other way to say it.
    for input in [NAMES, CATALOG, "src/names_file.rs", "src/catalog_file.rs"] {
        println!("cargo::rerun-if-changed={input}");
    }
    let generated = [
        (
            NAMES,
            "names_rules.rs",
            names_file::rules_as_rust as fn(&str) -> _,
        ),
        (CATALOG, "catalog.json", catalog_file::catalog_as_json),
    ];
    for (source, output, convert) in generated {
        if let Err(message) = generate(source, output, convert) {
            // Failing the build is a build script's error path; the message says where.
            panic!("{source}: {message}");
        }
    }
}

fn generate(
    source: &str,
    output: &str,
    convert: fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    let text = std::fs::read_to_string(source).map_err(|e| e.to_string())?;
    let converted = convert(&text)?;
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    std::fs::write(std::path::Path::new(&out).join(output), converted).map_err(|e| e.to_string())
}
