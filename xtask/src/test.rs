//! `cargo xtask test`: every check and suite, in order, stopping at the first failure.
//!
//! Order: `cargo fmt --check`, the duration-arithmetic check ([`durations`]), the
//! invariant scans ([`invariants`]), `cargo clippy -D warnings` (the workspace, then `oac-cli`
//! without its default features), `cargo package` of the publishable crates (no
//! verification build), the layering rule (`cargo xtask deps`), rustdoc with warnings as
//! errors, then for each crate its
//! unit tests and its own `tests/` suites, then every crate's doc tests, then the
//! cross-crate integration suites of the `tests/` package. The test binaries are
//! built once (`cargo test --no-run`) and run here one by one, so the order is ours
//! and each suite's counts can be reported. The real-peer suites (`tests/suites/peer_*`)
//! run last, once [`peers::prepare`] has installed their servers.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::deps;
use crate::durations;
use crate::invariants;
use crate::libtest::{Counts, parse_result_line};
use crate::peers;
use crate::workspace::{self, Package};

/// The package holding the cross-crate integration suites.
const INTEGRATION_PACKAGE: &str = "oac-tests";

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!(
            "`cargo xtask test` takes no arguments (got `{arg}`)"
        ));
    }
    let started = Instant::now();
    let mut report = Report::default();
    let result = pipeline(&mut report);
    report.print(result.is_ok(), started.elapsed().as_secs_f64());
    result
}

/// Formatting, the grep-level invariants and clippy (also of the crates whose
/// feature sets differ from the workspace build's).
fn static_checks(report: &mut Report) -> Result<(), String> {
    cargo_step(report, "fmt", &["fmt", "--all", "--", "--check"])?;
    report.inline(
        "durations (no unchecked Instant/Duration arithmetic)",
        durations::check,
    )?;
    report.inline(
        "invariants (suppressions, printing, did-you-mean, price tables, model rules, tokenizer, network)",
        invariants::check,
    )?;
    cargo_step(
        report,
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The CLI without its default features (no `demo`, so no simulator): only oac-cli
    // and the crates whose features differ are checked again, a few seconds.
    cargo_step(
        report,
        "clippy, oac-cli without default features",
        &[
            "clippy",
            "-p",
            "oac-cli",
            "--all-targets",
            "--no-default-features",
            "--features",
            "rustls",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // oac-pricing without its TOML reader, as the provider crate builds it (the
    // workspace build above unifies features and would hide a `toml`-only item).
    cargo_step(
        report,
        "clippy, oac-pricing without default features",
        &[
            "clippy",
            "-p",
            "oac-pricing",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ],
    )
}

/// A step that runs `cargo ARGS` in the workspace, shown as that command.
fn cargo_step(report: &mut Report, name: &str, args: &[&str]) -> Result<(), String> {
    let mut cmd = workspace::cargo();
    cmd.args(args);
    report.step(name, &format!("cargo {}", args.join(" ")), cmd)
}

fn pipeline(report: &mut Report) -> Result<(), String> {
    static_checks(report)?;
    let packages = workspace::packages()?;
    package(report, &packages)?;
    report.deps()?;
    report.step(
        "rustdoc",
        "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps",
        {
            // Broken intra-doc links and bad doc markup fail here, as on docs.rs.
            let mut cmd = workspace::cargo();
            cmd.args(["doc", "--workspace", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings");
            cmd
        },
    )?;
    let binaries = build_test_binaries(&packages)?;

    for package in packages.iter().filter(|p| p.name != INTEGRATION_PACKAGE) {
        for binary in binaries.iter().filter(|b| b.package == package.name) {
            report.suite(binary, &[])?;
        }
    }
    doc_tests(report, &packages)?;
    let (peer_suites, suites): (Vec<&TestBinary>, Vec<&TestBinary>) = binaries
        .iter()
        .filter(|b| b.package == INTEGRATION_PACKAGE)
        .partition(|b| b.is_peer_suite());
    for binary in suites {
        report.suite(binary, &[])?;
    }
    if !peer_suites.is_empty() {
        let peers = report.peers()?;
        for binary in peer_suites {
            report.suite(binary, &peers.env)?;
        }
    }
    Ok(())
}

/// `cargo package` of every publishable crate: each would be accepted by crates.io as
/// it stands (manifest metadata, README present, every dependency with a version and
/// itself publishable).
///
/// `--no-verify` skips the verification build (the test build below compiles the same
/// code). Cargo 1.90 or newer is needed here (not for building): since 1.90,
/// packaging several workspace members at once resolves their dependencies on each
/// other through a local registry overlay, so crates not yet on crates.io package
/// fine (older cargo looks them up on crates.io and fails). A dependency on a
/// `publish = false` crate (even an optional one, or a dev-dependency with a
/// `version`) fails, as crates.io would refuse it.
/// `--offline` because clippy has just resolved everything: without it cargo
/// refreshes the crates.io index once per crate (about 7 s instead of 0.5 s, and a
/// network need). `cargo package` does not skip `publish = false` members by itself,
/// so they are excluded here.
fn package(report: &mut Report, packages: &[Package]) -> Result<(), String> {
    let mut args: Vec<&str> = vec![
        "package",
        "--workspace",
        "--no-verify",
        "--allow-dirty",
        "--offline",
    ];
    for p in packages.iter().filter(|p| !p.publish) {
        args.extend(["--exclude", &p.name]);
    }
    let shown = format!("cargo {}", args.join(" "));
    let mut cmd = workspace::cargo();
    cmd.args(&args);
    report.step("package", &shown, cmd)
}

/// One compiled test binary.
#[derive(Debug)]
struct TestBinary {
    package: String,
    package_dir: PathBuf,
    /// `unit`, `bin oac`, `tests/resolve.rs`…
    label: String,
    executable: PathBuf,
    /// Sort key: unit tests first, then binaries, then suites by name.
    order: (u8, String),
}

impl TestBinary {
    /// A suite against a real peer server (`tests/suites/peer_*.rs`): runs last.
    fn is_peer_suite(&self) -> bool {
        self.package == INTEGRATION_PACKAGE
            && Path::new(&self.label)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("peer_"))
    }
}

fn build_test_binaries(packages: &[Package]) -> Result<Vec<TestBinary>, String> {
    println!("\n==> building test binaries (cargo test --workspace --no-run)");
    let mut child = workspace::cargo()
        .args([
            "test",
            "--workspace",
            "--lib",
            "--bins",
            "--tests",
            "--examples",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)
            .map_err(|e| format!("could not read cargo's output: {e}"))?;
    }
    let status = child
        .wait()
        .map_err(|e| format!("cargo did not finish: {e}"))?;
    if !status.success() {
        return Err("building the test binaries failed (compiler errors above)".into());
    }

    let mut binaries = Vec::new();
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" || msg["profile"]["test"] != true {
            continue;
        }
        let Some(executable) = msg["executable"].as_str() else {
            continue;
        };
        let Some(package) = packages
            .iter()
            .find(|p| msg["package_id"].as_str() == Some(p.id.as_str()))
        else {
            continue;
        };
        let kinds: Vec<&str> = msg["target"]["kind"]
            .as_array()
            .map(|k| k.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let name = msg["target"]["name"].as_str().unwrap_or_default();
        let src = msg["target"]["src_path"].as_str().unwrap_or_default();
        let rel = Path::new(src)
            .strip_prefix(&package.dir)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| src.to_owned());
        let (rank, label) = if kinds.contains(&"example") {
            continue; // built to prove it compiles; examples have no tests to run
        } else if kinds.iter().any(|k| k.ends_with("lib")) {
            (0, "unit".to_owned())
        } else if kinds.contains(&"bin") {
            (1, format!("bin {name}"))
        } else {
            (2, rel)
        };
        binaries.push(TestBinary {
            package: package.name.clone(),
            package_dir: package.dir.clone(),
            order: (rank, label.clone()),
            label,
            executable: PathBuf::from(executable),
        });
    }
    binaries.sort_by(|a, b| (&a.package, &a.order).cmp(&(&b.package, &b.order)));
    Ok(binaries)
}

/// Doc tests of every library crate, in one cargo run whose output names each crate.
fn doc_tests(report: &mut Report, packages: &[Package]) -> Result<(), String> {
    let mut cmd = workspace::cargo();
    cmd.args(["test", "--workspace", "--doc"]);
    for p in packages.iter().filter(|p| p.name == INTEGRATION_PACKAGE) {
        cmd.args(["--exclude", &p.name]);
    }
    println!("\n==> doc tests (cargo test --workspace --doc)");
    let started = Instant::now();
    // cargo names the crate on stderr ("Doc-tests x") and rustdoc reports on stdout:
    // both go through one pipe so the lines stay in order.
    let (reader, writer) = std::io::pipe().map_err(|e| format!("could not create a pipe: {e}"))?;
    let writer_err = writer
        .try_clone()
        .map_err(|e| format!("could not create a pipe: {e}"))?;
    cmd.stdout(writer).stderr(writer_err);
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    drop(cmd); // closes our copies of the pipe's write end
    let mut current: Option<String> = None;
    let mut per_crate: Vec<(String, Counts)> = Vec::new();
    for line in BufReader::new(reader).lines() {
        let line = line.map_err(|e| format!("could not read cargo's output: {e}"))?;
        println!("{line}");
        if let Some(name) = line.trim().strip_prefix("Doc-tests ") {
            current = Some(name.trim().to_owned());
        } else if let Some(counts) = parse_result_line(&line) {
            per_crate.push((current.clone().unwrap_or_else(|| "?".into()), counts));
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cargo did not finish: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    for (krate, counts) in &per_crate {
        let package = packages
            .iter()
            .find(|p| p.name.replace('-', "_") == *krate)
            .map_or(krate.as_str(), |p| p.name.as_str());
        report.entries.push(Entry {
            name: format!("{package} doc"),
            counts: Some(*counts),
            ok: counts.failed == 0,
            // One rustdoc run covers every crate: its time is on the line below.
            secs: None,
        });
    }
    report.entries.push(Entry {
        name: "doc tests, all crates (build and run)".into(),
        counts: None,
        ok: status.success(),
        secs: Some(secs),
    });
    if status.success() {
        Ok(())
    } else {
        Err("doc tests failed (see above); rerun with `cargo test --workspace --doc`".into())
    }
}

#[derive(Debug)]
struct Entry {
    name: String,
    counts: Option<Counts>,
    ok: bool,
    /// `None` when the time is counted in another entry.
    secs: Option<f64>,
}

#[derive(Debug, Default)]
struct Report {
    entries: Vec<Entry>,
}

impl Report {
    /// Runs a check whose output goes straight to the terminal.
    fn step(&mut self, name: &str, shown: &str, mut cmd: Command) -> Result<(), String> {
        println!("\n==> {name} ({shown})");
        let started = Instant::now();
        let status = cmd
            .status()
            .map_err(|e| format!("could not run `{shown}`: {e}"))?;
        self.entries.push(Entry {
            name: name.to_owned(),
            counts: None,
            ok: status.success(),
            secs: Some(started.elapsed().as_secs_f64()),
        });
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{shown}` failed (see above)"))
        }
    }

    /// The layering rule and the dependency counts ([`deps::check`]).
    fn deps(&mut self) -> Result<(), String> {
        println!("\n==> deps (layering rule; cargo tree counts)");
        let started = Instant::now();
        let result = deps::check();
        if let Ok(table) = &result {
            print!("{table}");
        }
        self.entries.push(Entry {
            name: "deps (layering)".to_owned(),
            counts: None,
            ok: result.is_ok(),
            secs: Some(started.elapsed().as_secs_f64()),
        });
        result.map(|_| ())
    }

    /// Runs a check done here, in this process.
    fn inline(&mut self, name: &str, check: fn() -> Result<(), String>) -> Result<(), String> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = check();
        self.entries.push(Entry {
            name: name.to_owned(),
            counts: None,
            ok: result.is_ok(),
            secs: Some(started.elapsed().as_secs_f64()),
        });
        result
    }

    /// Installs (or finds) the real peers the `peer_*` suites need.
    fn peers(&mut self) -> Result<peers::Peers, String> {
        println!(
            "\n==> peers (llmock {} in a venv under target/)",
            peers::LLMOCK_VERSION
        );
        let started = Instant::now();
        let result = peers::prepare();
        if let Ok(ready) = &result {
            println!("    {}", ready.summary);
        }
        self.entries.push(Entry {
            name: "peers".to_owned(),
            counts: None,
            ok: result.is_ok(),
            secs: Some(started.elapsed().as_secs_f64()),
        });
        result
    }

    /// Runs one test binary with extra environment variables, echoing its output and
    /// keeping its counts.
    fn suite(&mut self, binary: &TestBinary, env: &[(String, OsString)]) -> Result<(), String> {
        let name = format!("{} {}", binary.package, binary.label);
        println!("\n==> {name}");
        let started = Instant::now();
        let mut child = Command::new(&binary.executable)
            .current_dir(&binary.package_dir)
            .env("CARGO_MANIFEST_DIR", &binary.package_dir)
            .env("INSTA_WORKSPACE_ROOT", workspace::root())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not run {}: {e}", binary.executable.display()))?;
        let mut counts = Counts::default();
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line.map_err(|e| format!("could not read test output: {e}"))?;
                println!("{line}");
                if let Some(c) = parse_result_line(&line) {
                    counts.add(c);
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| format!("test binary did not finish: {e}"))?;
        let ok = status.success();
        self.entries.push(Entry {
            name: name.clone(),
            counts: Some(counts),
            ok,
            secs: Some(started.elapsed().as_secs_f64()),
        });
        if ok {
            Ok(())
        } else {
            Err(format!(
                "suite `{name}` failed; rerun it with `{}`",
                rerun_hint(binary)
            ))
        }
    }

    fn print(&self, ok: bool, total_secs: f64) {
        println!("\n==> summary");
        let mut total = Counts::default();
        let width = self.entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
        for e in &self.entries {
            let status = if e.ok { "ok  " } else { "FAIL" };
            match e.counts {
                Some(c) => {
                    total.add(c);
                    println!(
                        "  {status}  {:width$}  {:>4} passed  {:>3} failed  {:>3} ignored  {:>7}",
                        e.name,
                        c.passed,
                        c.failed,
                        c.ignored,
                        shown_secs(e.secs)
                    );
                }
                None => println!("  {status}  {:width$}  {:>44}", e.name, shown_secs(e.secs)),
            }
        }
        println!(
            "  {} tests passed, {} failed, {} ignored in {} suites; {:.1}s in all: {}",
            total.passed,
            total.failed,
            total.ignored,
            self.entries.iter().filter(|e| e.counts.is_some()).count(),
            total_secs,
            if ok { "ALL PASSED" } else { "FAILED" }
        );
    }
}

/// `12.3s`, or nothing when the time is counted elsewhere.
fn shown_secs(secs: Option<f64>) -> String {
    secs.map(|s| format!("{s:.1}s")).unwrap_or_default()
}

fn rerun_hint(binary: &TestBinary) -> String {
    match binary.label.as_str() {
        "unit" => format!("cargo test -p {} --lib", binary.package),
        label => match label.strip_prefix("bin ") {
            Some(bin) => format!("cargo test -p {} --bin {bin}", binary.package),
            None => {
                let stem = Path::new(label)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("cargo test -p {} --test {stem}", binary.package)
            }
        },
    }
}
