//! Grep-level checks of ARCHITECTURE.md's invariants that neither the compiler nor
//! clippy enforces, each failing with the line that breaks it and what to do.
//!
//! - **Suppressions name live lints**: an `#[allow(…)]` of a lint that is not enabled
//!   (clippy's pedantic and restriction lints are off here) hides nothing and misleads
//!   the reader; every `allow` must name one of [`LIVE_SUPPRESSIONS`].
//! - **Only programs print**: `print_stdout`/`print_stderr` may be allowed only in
//!   programs (the CLI, xtask, the bench harness, examples), never in a library crate's
//!   `src/`.
//! - **One did-you-mean**: the similarity metric (`strsim`) is called only by
//!   `oac_pricing::closest` (`crates/pricing/src/words.rs`); everything else calls it.
//! - **No model names in code**: request rules by model live in the catalogue data
//!   (`crates/config/data/catalog.toml`, `names.toml`), so `crates/provider/src`
//!   spells no model family at all, and no library or CLI code matches an id against
//!   one (`contains("deepseek…")`, `starts_with("gpt-…")`), outside tests.
//! - **One price-table reader**: a price table's keys are looked up
//!   (`PriceKind::from_field`) only by `oac_pricing::sheet`, the reader every format
//!   and the config file's located reader drive.
//! - **Sending links no tokenizer**: the tokenizer estimate (`budget::of`,
//!   `budget::estimate`) is called only by `budget` itself, the facade's
//!   `Conversation` and the CLI, so a program that only sends requests does not link
//!   tiktoken-rs (the provider's own Ollama check uses `budget::heuristic`).
//! - **Only the provider crate talks to the network** (the testkit and the bench
//!   harness serve and load loopback): no socket, name lookup or HTTP request in the
//!   other crates' `src/` (`oac doctor` asks the facade's `Client::reach`).

use std::path::{Path, PathBuf};

use crate::workspace;

/// The lints an `allow` may name: enabled (by default or in `[workspace.lints]`) and
/// with a standing reason to be allowed somewhere.
const LIVE_SUPPRESSIONS: &[&str] = &[
    "clippy::unwrap_used",
    "clippy::expect_used",
    "clippy::print_stdout",
    "clippy::print_stderr",
    "clippy::large_enum_variant",
    "clippy::too_many_arguments",
    "dead_code",
    "unused_imports",
    "unused_mut",
    "missing_docs",
    "unsafe_code",
];

/// Where `unsafe_code` may be allowed: the bench harness alone (it asks the kernel for
/// its own CPU time and peak memory); every library forbids it.
const UNSAFE_PROGRAMS: &[&str] = &["crates/bench/"];

/// Where printing may be allowed: programs, not libraries.
const PRINTING_PROGRAMS: &[&str] = &[
    "crates/cli/",
    "crates/bench/",
    "xtask/",
    "crates/oac/examples/",
    "tests/",
    // A build script talks to cargo on stdout.
    "crates/config/build.rs",
];

/// The one file that may call the similarity metric.
const DID_YOU_MEAN_HOME: &str = "crates/pricing/src/words.rs";

/// The one file that reads price-table keys.
const PRICE_TABLE_HOME: &str = "crates/pricing/src/sheet.rs";

/// The calls that count with a tokenizer, and where they may be made.
const TOKENIZER_CALLS: &[&str] = &["budget::of(", "budget::estimate("];
const TOKENIZER_CALLERS: &[&str] = &[
    "crates/provider/src/budget.rs",
    "crates/oac/src/conversation",
    "crates/cli/",
];

/// Model family names the provider crate must not spell outside its tests.
const MODEL_NAMES: &[&str] = &["\"gpt-", "\"o1", "\"o3", "\"o4", "deepseek", "claude"];

/// Network calls only the provider crate makes (and the loopback servers).
const NETWORK_CALLS: &[&str] = &[
    "TcpStream::connect",
    "TcpListener::bind",
    "UdpSocket::bind",
    "lookup_host",
    "to_socket_addrs",
    "reqwest::Client::new()",
    "reqwest::Client::builder()",
    "reqwest::get(",
];

/// The crates whose `src/` may talk to the network.
const NETWORK_CRATES: &[&str] = &["crates/provider/", "crates/testkit/", "crates/bench/"];

/// The string tests that would be a model rule written in code.
const NAME_MATCHES: &[&str] = &["contains(\"", "starts_with(\"", "ends_with(\"", "== \""];

/// One source line that breaks an invariant.
#[derive(Debug, PartialEq)]
pub struct Offence {
    /// `path:line: text`.
    pub at: String,
    /// What to do about it.
    pub fix: &'static str,
}

/// This checker, whose tests and patterns spell every offence on purpose.
const CHECKER: &str = "xtask/src/invariants.rs";

/// Every offence in the workspace at `root`; empty when all invariants hold.
pub fn offences(root: &Path) -> Result<Vec<Offence>, String> {
    let mut found = Vec::new();
    for file in rust_files(root)? {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if shown == CHECKER {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        check_file(&shown, &text, &mut found);
    }
    Ok(found)
}

/// The offences of one file, `shown` being its path from the workspace root.
fn check_file(shown: &str, text: &str, found: &mut Vec<Offence>) {
    let library_src = shown.starts_with("crates/") && shown.contains("/src/");
    let mut in_tests = shown.ends_with("/tests.rs") || shown.contains("/tests/");
    for (number, line) in text.lines().enumerate() {
        let at = || format!("{shown}:{}: {}", number + 1, line.trim());
        if line.trim_start().starts_with("#[cfg(test)]") {
            in_tests = true;
        }
        let code = line.split("//").next().unwrap_or_default();
        for lint in allowed_lints(code) {
            if !LIVE_SUPPRESSIONS.contains(&lint.as_str()) {
                found.push(Offence {
                    at: at(),
                    fix: "this lint is not enabled, so the allow hides nothing: remove it (or enable the lint in [workspace.lints] and add it to xtask's LIVE_SUPPRESSIONS)",
                });
            } else if lint == "unsafe_code" && !UNSAFE_PROGRAMS.iter().any(|p| shown.starts_with(p))
            {
                found.push(Offence {
                    at: at(),
                    fix: "unsafe code is forbidden outside the bench harness: use a safe API (or a well-kept crate that wraps one)",
                });
            } else if lint.starts_with("clippy::print_")
                && !PRINTING_PROGRAMS.iter().any(|p| shown.starts_with(p))
            {
                found.push(Offence {
                    at: at(),
                    fix: "library crates never print: return the text, or log it with tracing; only the CLI and other programs print",
                });
            }
        }
        if code.contains("strsim::") && shown != DID_YOU_MEAN_HOME {
            found.push(Offence {
                at: at(),
                fix: "did-you-mean has one home: call oac_pricing::closest (oac_provider::choice::closest)",
            });
        }
        if library_src
            && !in_tests
            && shown != PRICE_TABLE_HOME
            && code.contains("PriceKind::from_field")
        {
            found.push(Offence {
                at: at(),
                fix: "price tables have one reader: call oac_pricing::sheet::read_price_table (show it your format with PriceInput, take its problems with PriceSink), so keys, nesting and value rules stay in one place",
            });
        }
        if library_src
            && !in_tests
            && !NETWORK_CRATES.iter().any(|c| shown.starts_with(c))
            && NETWORK_CALLS.iter().any(|call| code.contains(call))
        {
            found.push(Offence {
                at: at(),
                fix: "only the provider crate talks to the network: add what you need to the provider (and the facade's Client) and call that, so proxy, TLS and timeout settings apply",
            });
        }
        if library_src
            && !in_tests
            && !TOKENIZER_CALLERS.iter().any(|c| shown.starts_with(c))
            && TOKENIZER_CALLS.iter().any(|call| code.contains(call))
        {
            found.push(Offence {
                at: at(),
                fix: "this links the tokenizers (1.1 MB of code, 5.6 MB of tables) into every program that sends a request: count with budget::heuristic or budget::surely_fits here, or move the estimate to where a caller asks for it (Conversation, the CLI)",
            });
        }
        let lower = code.to_ascii_lowercase();
        let names_a_model = MODEL_NAMES.iter().any(|name| lower.contains(name));
        let matches_a_name = NAME_MATCHES.iter().any(|test| code.contains(test));
        if library_src
            && !in_tests
            && names_a_model
            && (shown.starts_with("crates/provider/") || matches_a_name)
        {
            found.push(Offence {
                at: at(),
                fix: "no model name in the provider's code: say what the model needs in the catalogue data (crates/config/data/catalog.toml) and pass it down as a rule",
            });
        }
    }
}

/// The lint names inside `allow(…)` on a line, e.g. `clippy::unwrap_used`.
fn allowed_lints(code: &str) -> Vec<String> {
    let mut lints = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find("allow(") {
        let after = &rest[start + "allow(".len()..];
        let Some(end) = after.find(')') else {
            break;
        };
        let is_attribute = rest[..start].trim_end().ends_with('[');
        if is_attribute {
            lints.extend(
                after[..end]
                    .split(',')
                    .map(|lint| lint.trim().to_owned())
                    .filter(|lint| !lint.is_empty()),
            );
        }
        rest = &after[end..];
    }
    lints
}

/// Every `.rs` file of the crates, tests, xtask and fuzz targets (not `target/`).
fn rust_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for dir in ["crates", "tests", "xtask", "fuzz"] {
        collect(&root.join(dir), &mut files);
    }
    if files.is_empty() {
        return Err(format!("no Rust files found under {}", root.display()));
    }
    files.sort();
    Ok(files)
}

/// Every `.rs` file below `dir`, but in `target/` and `snapshots/` folders (callers
/// that skip test code do it by the file's path).
pub fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "target" || n == "snapshots")
            {
                continue;
            }
            collect(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The checks as a step of `cargo xtask test`: an error listing every offence.
pub fn check() -> Result<(), String> {
    let found = offences(&workspace::root())?;
    if found.is_empty() {
        println!(
            "    live suppressions only, printing only in programs, one did-you-mean, no model rules in code, no tokenizer on the send path, only the provider on the network"
        );
        return Ok(());
    }
    for offence in &found {
        println!("    {}\n      fix: {}", offence.at, offence.fix);
    }
    Err(format!(
        "{} line(s) break an ARCHITECTURE.md invariant (see above)",
        found.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offences_in(shown: &str, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        check_file(shown, text, &mut found);
        found.into_iter().map(|o| o.at).collect()
    }

    #[test]
    fn reads_the_lints_an_allow_attribute_names() {
        assert_eq!(
            allowed_lints("#![allow(clippy::unwrap_used, clippy::expect_used)] // why"),
            ["clippy::unwrap_used", "clippy::expect_used"]
        );
        assert_eq!(allowed_lints("#[allow(dead_code)]"), ["dead_code"]);
        assert!(allowed_lints("let allow(x) = 1;").is_empty());
    }

    #[test]
    fn a_suppression_of_a_lint_that_is_off_is_an_offence() {
        let text = "#[allow(clippy::cast_precision_loss)]\nlet x = 1;\n";
        assert_eq!(offences_in("crates/provider/src/files.rs", text).len(), 1);
        assert!(offences_in("crates/provider/src/files.rs", "#[allow(dead_code)]\n").is_empty());
    }

    #[test]
    fn printing_is_allowed_only_in_programs() {
        let text = "#![allow(clippy::print_stdout)]\n";
        assert!(offences_in("crates/cli/src/main.rs", text).is_empty());
        assert!(offences_in("crates/oac/examples/tools.rs", text).is_empty());
        assert_eq!(offences_in("crates/config/src/lib.rs", text).len(), 1);
    }

    #[test]
    fn the_similarity_metric_has_one_caller() {
        let text = "let s = strsim::jaro_winkler(a, b);\n";
        assert!(offences_in(DID_YOU_MEAN_HOME, text).is_empty());
        assert_eq!(offences_in("crates/cli/src/fixes.rs", text).len(), 1);
    }

    #[test]
    fn price_table_keys_are_read_in_one_place() {
        let code = "let kind = PriceKind::from_field(key)?;\n";
        assert!(offences_in(PRICE_TABLE_HOME, code).is_empty());
        assert_eq!(offences_in("crates/config/src/convert.rs", code).len(), 1);
        assert_eq!(offences_in("crates/pricing/src/table.rs", code).len(), 1);
    }

    #[test]
    fn the_provider_spells_no_model_name_outside_its_tests() {
        let code = "if model.contains(\"deepseek-r1\") {}\n";
        assert_eq!(offences_in("crates/provider/src/shaping.rs", code).len(), 1);
        let tests = format!("#[cfg(test)]\nmod tests {{\n{code}}}\n");
        assert!(offences_in("crates/provider/src/shaping.rs", &tests).is_empty());
        assert!(offences_in("crates/provider/src/responses/tests.rs", code).is_empty());
        // Elsewhere a model may be named in a message, never matched against.
        assert_eq!(offences_in("crates/config/src/resolve.rs", code).len(), 1);
        let message = "let fix = \"use a model that accepts it (o3, gpt-5)\";\n";
        assert!(offences_in("crates/config/src/native_checks.rs", message).is_empty());
    }

    #[test]
    fn only_the_provider_and_loopback_servers_open_sockets() {
        let code = "let s = tokio::net::TcpStream::connect(addr).await?;\n";
        assert_eq!(
            offences_in("crates/cli/src/commands/doctor.rs", code).len(),
            1
        );
        assert!(offences_in("crates/provider/src/transport.rs", code).is_empty());
        assert!(offences_in("crates/testkit/src/simulator.rs", code).is_empty());
        assert!(offences_in("crates/cli/tests/support/mod.rs", code).is_empty());
    }

    #[test]
    fn only_callers_that_ask_for_an_estimate_count_with_a_tokenizer() {
        let code = "let b = crate::budget::of(request, &self.model, &info);\n";
        assert_eq!(offences_in("crates/provider/src/engine.rs", code).len(), 1);
        assert!(offences_in("crates/provider/src/budget.rs", code).is_empty());
        assert!(offences_in("crates/oac/src/conversation/budget.rs", code).is_empty());
        assert!(offences_in("crates/cli/src/commands/chat.rs", code).is_empty());
        let heuristic = "let b = crate::budget::heuristic(request, &info);\n";
        assert!(offences_in("crates/provider/src/engine.rs", heuristic).is_empty());
    }

    #[test]
    fn the_workspace_keeps_every_invariant() {
        let found = offences(&workspace::root()).unwrap();
        assert!(found.is_empty(), "{found:#?}");
    }
}
