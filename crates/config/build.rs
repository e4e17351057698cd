//! Turns `data/names.toml` (the request rules by model name) into Rust data at build
//! time, so a program never parses TOML for them: a compatible client's first build
//! parsed the file (and, before that change, the catalogue) at run time, 3.7 M
//! instructions and ~0.2 MiB of resident code (`cargo xtask bench`, memory;
//! callgrind). The file's shape (keys, types) is checked here, by
//! `src/names_file.rs`, which the tests of `src/names.rs` also run; the rules'
//! meaning (words, one pattern per rule) is checked where they are used, in
//! `src/names.rs`.
#![allow(clippy::print_stdout)]

#[path = "src/names_file.rs"]
mod names_file;

fn main() {
    const SOURCE: &str = "data/names.toml";
    // Cargo reads this line; a build script has no other way to say it.
    println!("cargo::rerun-if-changed={SOURCE}");
    println!("cargo::rerun-if-changed=src/names_file.rs");
    if let Err(message) = generate(SOURCE) {
        // Failing the build is a build script's error path; the message says where.
        panic!("{SOURCE}: {message}");
    }
}

fn generate(source: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(source).map_err(|e| e.to_string())?;
    let rust = names_file::rules_as_rust(&text)?;
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    std::fs::write(std::path::Path::new(&out).join("names_rules.rs"), rust)
        .map_err(|e| e.to_string())
}
