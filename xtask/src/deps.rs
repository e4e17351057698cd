//! `cargo xtask deps`: how many packages each library crate brings into a build that
//! depends on it, and the layering rule, checked.
//!
//! A count is the number of distinct packages (name and version) in
//! `cargo tree -p CRATE -e normal` with the crate's default features: the crate
//! itself, every normal dependency and theirs (build scripts' and dev-dependencies
//! not counted). The layering rule says which crates of ours each crate may depend
//! on; a violation fails the command (and so `cargo xtask test`).

use std::collections::BTreeSet;
use std::process::Stdio;

use crate::workspace;

/// The library crates whose counts are printed (and kept in ARCHITECTURE.md).
const COUNTED: [&str; 5] = [
    "oac-url",
    "oac-pricing",
    "oac-provider",
    "oac-config",
    "oac",
];

/// Each crate of ours and the crates of ours it may depend on (normal edges,
/// directly or not). A crate not listed may depend on any.
const LAYERS: [(&str, &[&str]); 8] = [
    ("oac-url", &[]),
    ("oac-pricing", &[]),
    ("oac-testkit", &[]),
    ("oac-provider", &["oac-url", "oac-pricing"]),
    ("oac-config", &["oac-url", "oac-pricing", "oac-provider"]),
    (
        "oac",
        &["oac-url", "oac-pricing", "oac-provider", "oac-config"],
    ),
    ("oac-consumer-url", &["oac-url"]),
    ("oac-consumer-pricing", &["oac-pricing"]),
];

/// One crate's normal dependency closure: `name version` of every package.
fn closure(krate: &str) -> Result<BTreeSet<String>, String> {
    let output = workspace::cargo()
        .args(["tree", "-p", krate, "-e", "normal", "--prefix", "none"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `cargo tree`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo tree -p {krate}` failed (see above)"));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect())
}

/// The crates of ours in `packages` other than `krate` itself.
fn ours<'a>(krate: &str, packages: &'a BTreeSet<String>) -> Vec<&'a str> {
    packages
        .iter()
        .filter_map(|p| p.split_whitespace().next())
        .filter(|name| *name != krate && (*name == "oac" || name.starts_with("oac-")))
        .collect()
}

/// Checks the layering rule and returns the counts table, one line per crate.
pub fn check() -> Result<String, String> {
    let mut problems = Vec::new();
    for (krate, allowed) in LAYERS {
        let packages = closure(krate)?;
        for found in ours(krate, &packages) {
            if !allowed.contains(&found) {
                problems.push(format!(
                    "{krate} depends on {found}, which the layering rule forbids (allowed: {})",
                    if allowed.is_empty() {
                        "no crate of ours".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let mut table =
        String::from("packages in `cargo tree -p CRATE -e normal` (default features):\n");
    for krate in COUNTED {
        let count = closure(krate)?.len();
        table.push_str(&format!("  {krate:<14} {count:>4}\n"));
    }
    Ok(table)
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`cargo xtask deps` takes no arguments (got `{arg}`)"
        ));
    }
    print!("{}", check()?);
    println!("layering: every crate depends only on the crates below it");
    Ok(())
}
