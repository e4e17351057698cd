//! A grep-level check: no unchecked duration arithmetic in library code.
//!
//! `Instant + Duration` panics when the sum does not fit (a timeout of `u64::MAX`
//! seconds), and so do `Duration * n`, `mul_f64` and `from_secs_f64` on values out
//! of range. Library code computes deadlines with `oac_provider`'s
//! `time::deadline_after` (saturating) and checked or saturating `Duration`
//! methods. This check scans every `crates/*/src/**/*.rs` file up to its first
//! `#[cfg(test)]` line (test modules and `tests.rs` files are skipped) for the
//! patterns that are never needed there.

use std::path::Path;

use crate::workspace;

/// Patterns that mean unchecked arithmetic on durations or instants.
const FORBIDDEN: &[&str] = &[
    "Instant::now() +",
    "+ Duration",
    "Duration *",
    "* Duration",
    ".mul_f64(",
    "Duration::from_secs_f64(",
    "Duration::from_secs_f32(",
];

/// The offending lines, as `path:line: text`; empty when the code is clean.
pub fn offenders(root: &Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    let crates = root.join("crates");
    let entries =
        std::fs::read_dir(&crates).map_err(|e| format!("cannot list {}: {e}", crates.display()))?;
    for entry in entries.flatten() {
        crate::invariants::collect(&entry.path().join("src"), &mut files);
    }
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let in_tests = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .components()
            .any(|part| part.as_os_str() == "tests");
        if in_tests || file.file_name().is_some_and(|name| name == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.split("//").next().unwrap_or_default();
            if FORBIDDEN.iter().any(|pattern| code.contains(pattern)) {
                let shown = file.strip_prefix(root).unwrap_or(&file);
                found.push(format!(
                    "{}:{}: {}",
                    shown.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    Ok(found)
}

/// The check as a step: an error listing every offending line.
pub fn check() -> Result<(), String> {
    let found = offenders(&workspace::root())?;
    if found.is_empty() {
        println!("    no unchecked Instant/Duration arithmetic in library code");
        return Ok(());
    }
    for line in &found {
        println!("    {line}");
    }
    Err(format!(
        "{} line(s) of unchecked duration arithmetic in library code; use checked or saturating arithmetic (oac_provider's time::deadline_after for deadlines)",
        found.len()
    ))
}
