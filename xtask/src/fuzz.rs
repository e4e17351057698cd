//! `cargo xtask fuzz [TARGET...] [--seconds N]`: the cargo-fuzz targets of `fuzz/`,
//! one after the other, each for a fixed time, with a summary of how many inputs each
//! ran and whether any failed.
//!
//! The targets are the `[[bin]]`s of `fuzz/Cargo.toml` (as `cargo fuzz list` reports
//! them); their checks live in `tests/src/fuzz.rs`. Each run grows `fuzz/corpus/TARGET`
//! (git-ignored) from the committed seeds in `fuzz/seeds/TARGET`. A failing input is
//! written by libFuzzer under `fuzz/artifacts/TARGET/`; the summary says how to replay
//! it and where to commit it as a seed once fixed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::workspace;

const USAGE: &str = "\
usage: cargo xtask fuzz [TARGET...] [--seconds N]

Runs each named cargo-fuzz target (all of them when none is named) for N seconds
(default 60), one at a time, on the nightly toolchain. Needs
`rustup toolchain install nightly` and `cargo install cargo-fuzz`.";

/// Default seconds per target: long enough to get past the seeds, short enough to run
/// all targets in a coffee break. Use `--seconds 600` for a real campaign.
const DEFAULT_SECONDS: u64 = 60;

/// libFuzzer's own memory guards: an input that makes a check allocate more than this
/// at once, or grow the process past the RSS limit, is a finding (unbounded growth).
const LIBFUZZER_LIMITS: [&str; 2] = ["-malloc_limit_mb=512", "-rss_limit_mb=1024"];

/// What one target's run came to.
struct Outcome {
    target: String,
    runs: Option<u64>,
    seconds: Option<u64>,
    corpus: usize,
    failure: Option<String>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let (wanted, seconds) = parse_args(args)?;
    let dir = workspace::root().join("fuzz");
    check_tools(&dir)?;
    let known = list_targets(&dir)?;
    let targets = pick_targets(wanted, &known)?;
    let mut outcomes = Vec::new();
    for target in &targets {
        outcomes.push(run_target(&dir, target, seconds)?);
    }
    print_summary(&outcomes);
    if outcomes.iter().any(|o| o.failure.is_some()) {
        Err("a fuzz target found a failing input (see the summary above)".into())
    } else {
        Ok(())
    }
}

fn parse_args(args: &[String]) -> Result<(Vec<String>, u64), String> {
    let mut targets = Vec::new();
    let mut seconds = DEFAULT_SECONDS;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("`--seconds` needs a number\n\n{USAGE}"))?;
                seconds = value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                    format!("`--seconds {value}`: expected a whole number of seconds above 0")
                })?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n\n{USAGE}"));
            }
            target => targets.push(target.to_owned()),
        }
    }
    Ok((targets, seconds))
}

/// `cargo +nightly …`, run in `fuzz/`, without the variables of the stable cargo that
/// runs xtask (they would pin the child to stable).
fn nightly_cargo(dir: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("+nightly")
        .current_dir(dir)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC");
    cmd
}

fn check_tools(dir: &Path) -> Result<(), String> {
    let ok = nightly_cargo(dir)
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err(
            "`cargo +nightly fuzz` is not available: install the nightly toolchain \
             (`rustup toolchain install nightly`) and cargo-fuzz (`cargo install cargo-fuzz`), \
             then run `cargo xtask fuzz` again"
                .into(),
        )
    }
}

fn list_targets(dir: &Path) -> Result<Vec<String>, String> {
    let output = nightly_cargo(dir)
        .args(["fuzz", "list"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `cargo fuzz list`: {e}"))?;
    if !output.status.success() {
        return Err("`cargo fuzz list` failed (see above)".into());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

fn pick_targets(wanted: Vec<String>, known: &[String]) -> Result<Vec<String>, String> {
    if wanted.is_empty() {
        return Ok(known.to_vec());
    }
    for name in &wanted {
        if !known.contains(name) {
            return Err(format!(
                "no fuzz target `{name}`; the targets are: {}",
                known.join(", ")
            ));
        }
    }
    Ok(wanted)
}

fn run_target(dir: &Path, target: &str, seconds: u64) -> Result<Outcome, String> {
    let corpus = dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("could not create {}: {e}", corpus.display()))?;
    let corpus_arg = format!("corpus/{target}");
    let seeds_arg = format!("seeds/{target}");
    let time_arg = format!("-max_total_time={seconds}");
    println!(
        "==> cargo +nightly fuzz run -s none -O {target} {corpus_arg} {seeds_arg} -- {time_arg} {}",
        LIBFUZZER_LIMITS.join(" ")
    );
    let mut child = nightly_cargo(dir)
        .args(["fuzz", "run", "-s", "none", "-O", target])
        .args([&corpus_arg, &seeds_arg, "--", &time_arg])
        .args(LIBFUZZER_LIMITS)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run `cargo fuzz run {target}`: {e}"))?;
    let mut report = Report::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            report.read(&line);
            eprintln!("{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("`cargo fuzz run {target}` did not finish: {e}"))?;
    let failure = (!status.success()).then(|| {
        report
            .artifact
            .clone()
            .map(|a| format!("failing input {a}"))
            .unwrap_or_else(|| format!("exited with {status} (see above)"))
    });
    Ok(Outcome {
        target: target.to_owned(),
        runs: report.runs,
        seconds: report.seconds,
        corpus: count_files(&corpus),
        failure,
    })
}

/// What libFuzzer's output says, read line by line.
#[derive(Default)]
struct Report {
    runs: Option<u64>,
    seconds: Option<u64>,
    artifact: Option<String>,
}

impl Report {
    fn read(&mut self, line: &str) {
        // "Done 3372391 runs in 241 second(s)"
        if let Some(rest) = line.strip_prefix("Done ") {
            let mut words = rest.split_whitespace();
            self.runs = words.next().and_then(|n| n.parse().ok());
            self.seconds = words.nth(2).and_then(|n| n.parse().ok());
        }
        // "Test unit written to ./artifacts/sse/crash-…" (or "…/fuzz/artifacts/…")
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            self.artifact = Some(path.trim().to_owned());
        }
    }
}

fn count_files(dir: &PathBuf) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

fn print_summary(outcomes: &[Outcome]) {
    println!(
        "\n{:<14} {:>12} {:>8} {:>10} {:>8}  result",
        "target", "runs", "seconds", "runs/s", "corpus"
    );
    for o in outcomes {
        let runs = o.runs.map_or("-".into(), |r| r.to_string());
        let secs = o.seconds.map_or("-".into(), |s| s.to_string());
        let rate = match (o.runs, o.seconds) {
            (Some(r), Some(s)) if s > 0 => (r / s).to_string(),
            _ => "-".into(),
        };
        let result = o.failure.as_deref().unwrap_or("ok");
        println!(
            "{:<14} {runs:>12} {secs:>8} {rate:>10} {:>8}  {result}",
            o.target, o.corpus
        );
    }
    if outcomes.iter().any(|o| o.failure.is_some()) {
        println!(
            "\nReplay a failing input with `cd fuzz && cargo +nightly fuzz run -s none TARGET FILE`; \
             once fixed, copy it into fuzz/seeds/TARGET/ so `cargo xtask test` replays it on stable."
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_done_and_artifact_lines() {
        let mut report = Report::default();
        report.read("#3372391\tDONE   cov: 3821 ft: 11339 corp: 900/50Kb");
        report.read("Done 3372391 runs in 241 second(s)");
        report.read("artifact_prefix='/w/fuzz/artifacts/sse/'; Test unit written to /w/fuzz/artifacts/sse/crash-ab12");
        assert_eq!(report.runs, Some(3_372_391));
        assert_eq!(report.seconds, Some(241));
        assert_eq!(
            report.artifact.as_deref(),
            Some("/w/fuzz/artifacts/sse/crash-ab12")
        );
    }

    #[test]
    fn arguments_name_targets_and_seconds() {
        let args: Vec<String> = ["sse", "--seconds", "600", "url"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            parse_args(&args).unwrap(),
            (vec!["sse".into(), "url".into()], 600)
        );
        assert!(parse_args(&["--seconds".into(), "0".into()]).is_err());
        assert!(parse_args(&["--seconds".into()]).is_err());
        assert!(parse_args(&["--minutes".into()]).is_err());
        let known = ["sse".to_owned()];
        assert!(
            pick_targets(vec!["sse2".into()], &known)
                .unwrap_err()
                .contains("sse")
        );
        assert_eq!(pick_targets(vec![], &known).unwrap(), known);
    }
}
