//! `cargo xtask bench`: the performance harness (`crates/bench`, the `oac-bench`
//! binary, built with the release profile).
//!
//! - `cargo xtask bench`: our client against the plain-reqwest floor over loopback,
//!   in separate processes (each client in a small binary of its own), in the four mode/runtime combinations plus the
//!   `block_on` pitfall, peak RSS, and 1,000 concurrent streams; prints ratios.
//! - `cargo xtask bench --quick`: the same, small (a smoke run, figures noisy).
//! - `cargo xtask bench --callgrind [--quick]`: instructions per chunk of the decode
//!   path alone under valgrind, ours against the floor, with the top of ours.
//! - `cargo xtask bench --criterion [ARGS]`: the criterion benches
//!   (`cargo bench --workspace ARGS`).

use crate::workspace;

pub fn run(args: &[String]) -> Result<(), String> {
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--criterion") {
        let rest: Vec<&String> = args.iter().filter(|a| *a != "--criterion").collect();
        return cargo(&["bench", "--workspace"], &rest, "criterion benches");
    }
    for arg in args {
        if !matches!(arg.as_str(), "--quick" | "--callgrind") {
            return Err(format!(
                "unknown bench option `{arg}` (use --quick, --callgrind or --criterion)"
            ));
        }
    }
    let command = if has("--callgrind") {
        "callgrind"
    } else {
        "run"
    };
    // Every binary of the harness: it starts the two client binaries, which
    // `cargo run` alone would not build.
    cargo(
        &["build", "--release", "-p", "oac-bench", "--bins"],
        &[],
        "building the bench harness",
    )?;
    let mut harness = vec![
        "run",
        "--release",
        "-p",
        "oac-bench",
        "--bin",
        "oac-bench",
        "--",
        command,
    ];
    if has("--quick") {
        harness.push("--quick");
    }
    cargo(&harness, &[], "the bench harness")
}

fn cargo(args: &[&str], more: &[&String], what: &str) -> Result<(), String> {
    let shown: Vec<&str> = args
        .iter()
        .copied()
        .chain(more.iter().map(|s| s.as_str()))
        .collect();
    println!("==> cargo {}", shown.join(" "));
    let status = workspace::cargo()
        .args(args)
        .args(more)
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed (see above)"))
    }
}
