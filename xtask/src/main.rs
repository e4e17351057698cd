//! Project automation, the rust-analyzer way: typed, portable, reviewed like code.
//!
//! - `cargo xtask test`: formatting, lints, packaging of the publishable crates,
//!   every crate's unit and doc tests, the integration suites under `tests/`, then
//!   the real-peer suites. Stops at the first failure and prints which suites ran
//!   with their pass/fail counts.
//! - `cargo xtask bench`: the benchmarks.
//! - `cargo xtask deps`: the dependency count of each library crate, and the
//!   layering rule checked (also a step of `cargo xtask test`).
//! - `cargo xtask fuzz [TARGET...] [--seconds N]`: the cargo-fuzz targets of `fuzz/`
//!   (nightly), one at a time, with a summary of runs and findings.
//! - `cargo xtask durations`: only the check that library code has no unchecked
//!   `Instant`/`Duration` arithmetic (also a step of `test`).
//! - `cargo xtask invariants`: only the grep-level checks of ARCHITECTURE.md's
//!   invariants (also a step of `test`).

// xtask is a command-line program: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod deps;
mod durations;
mod fuzz;
mod invariants;
mod libtest;
mod peers;
mod test;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test     fmt check, clippy, cargo package, unit + doc tests of every crate, integration suites,
           real-peer suites
  bench    the bench harness: ours vs a plain-reqwest floor, ratios [--quick] [--callgrind]
           [--criterion ARGS: the criterion benches]
  deps     packages each library crate brings in, and the layering rule checked
  fuzz     run the cargo-fuzz targets (nightly + cargo-fuzz): [TARGET...] [--seconds N]
  durations  check that library code has no unchecked Instant/Duration arithmetic
  invariants  check ARCHITECTURE.md's grep-level invariants (live suppressions, printing only
           in programs, one did-you-mean, no model names in the provider)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("deps") => deps::run(&args[1..]),
        Some("durations") => durations::check(),
        Some("invariants") => invariants::check(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
