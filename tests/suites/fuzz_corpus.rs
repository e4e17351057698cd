//! Replays every committed fuzz seed (`fuzz/seeds/TARGET/*`) through its check on
//! stable Rust, so CI checks the fuzz invariants without nightly or libFuzzer.
// Test code: a failed read is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_tests::fuzz::TARGETS;

#[test]
fn every_seed_passes_its_check() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    let mut replayed = 0;
    for (name, check) in TARGETS {
        let dir = seeds.join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            check(&std::fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len(), "only {replayed} seeds");
}

/// Every check of `TARGETS` is a cargo-fuzz target of `fuzz/Cargo.toml` whose file
/// calls that check, has a seed folder, and nothing else is a target: the two lists
/// cannot drift apart.
#[test]
fn fuzz_targets_match_the_checks() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
    let mut bins = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            bins.push(name.trim_matches('"').to_owned());
        }
    }
    let checks: Vec<String> = TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(
        bins, checks,
        "fuzz/Cargo.toml [[bin]]s and oac_tests::fuzz::TARGETS"
    );
    for name in &checks {
        let source = std::fs::read_to_string(fuzz.join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            source.contains(&format!("oac_tests::fuzz::{name}(data)")),
            "fuzz_targets/{name}.rs must call oac_tests::fuzz::{name}"
        );
        assert!(
            fuzz.join("seeds").join(name).is_dir(),
            "no fuzz/seeds/{name}"
        );
    }
}
