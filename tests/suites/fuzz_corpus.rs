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
