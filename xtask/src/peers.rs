//! Real peers for the `peer_*` suites: servers nobody here wrote, installed on demand.
//!
//! [llmock](https://pypi.org/project/llmock/) — a Python server that mocks OpenAI and
//! others and fails on cue — is installed at a pinned version into a virtual
//! environment under `target/peer-venv` the first time, and reused afterwards: a
//! second run starts no installer and needs no network. The `oac` binary is built so
//! the suites can drive the real command line.
//!
//! [LiteLLM](https://pypi.org/project/litellm/)'s proxy — the OpenAI-compatible
//! gateway many teams put in front of their providers — is installed the same way,
//! pinned, into `target/peer-venv-litellm` (its dependencies are its own), for the
//! suites that check what `oac` learns from a real gateway (`/model/info`).
//!
//! Nothing is skipped silently: when Python, `venv`, `pip` or PyPI is missing, this
//! fails with a message that says which and how to fix it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::workspace;

/// The llmock release the peer suites are written against: the one version, kept in
/// the file the suites' support code reads too (which checks it when a suite runs
/// alone).
pub const LLMOCK_VERSION: &str = include_str!("../../tests/src/llmock_version.txt").trim_ascii();

/// The LiteLLM release the peer suites are written against.
pub const LITELLM_VERSION: &str = include_str!("../../tests/src/litellm_version.txt").trim_ascii();

/// Oldest Python llmock supports.
const MIN_PYTHON: (u32, u32) = (3, 10);

/// Environment variable naming the venv's Python (read by `tests/src/peer.rs`).
pub const ENV_LLMOCK_PYTHON: &str = "OAC_LLMOCK_PYTHON";
/// Environment variable naming LiteLLM's venv Python (read by `tests/src/peer.rs`).
pub const ENV_LITELLM_PYTHON: &str = "OAC_LITELLM_PYTHON";
/// Environment variable naming the `oac` binary (read by `tests/src/peer.rs`).
pub const ENV_OAC_BIN: &str = "OAC_BIN";
/// Environment variable choosing the Python interpreter that creates the venv.
pub const ENV_PYTHON: &str = "OAC_PEER_PYTHON";

/// What the peer suites need, ready to use.
#[derive(Debug)]
pub struct Peers {
    /// Variables to set for each peer suite.
    pub env: Vec<(String, OsString)>,
    /// One line for the log: what was prepared and whether it was cached.
    pub summary: String,
}

/// One Python package a peer suite runs, pinned, in a venv of its own.
struct Package {
    /// The distribution name (`pip show`, `importlib.metadata`).
    dist: &'static str,
    /// What pip installs (`llmock==0.2.2`).
    requirement: String,
    /// The pinned version.
    version: &'static str,
    /// A module that must import.
    module: &'static str,
    /// The venv under the target directory.
    venv: &'static str,
    /// The variable that tells the suites where its Python is.
    env: &'static str,
}

impl Package {
    fn llmock() -> Package {
        Package {
            dist: "llmock",
            requirement: format!("llmock=={LLMOCK_VERSION}"),
            version: LLMOCK_VERSION,
            module: "llmock.cli",
            venv: "peer-venv",
            env: ENV_LLMOCK_PYTHON,
        }
    }

    fn litellm() -> Package {
        Package {
            dist: "litellm",
            requirement: format!("litellm[proxy]=={LITELLM_VERSION}"),
            version: LITELLM_VERSION,
            module: "litellm.proxy.proxy_cli",
            venv: "peer-venv-litellm",
            env: ENV_LITELLM_PYTHON,
        }
    }
}

/// Installs llmock and LiteLLM (unless the pinned versions are already there) and
/// builds `oac`.
pub fn prepare() -> Result<Peers, String> {
    let mut env = Vec::new();
    let mut summary = Vec::new();
    for package in [Package::llmock(), Package::litellm()] {
        let venv = target_dir().join(package.venv);
        let python = venv_python(&venv);
        let line = match installed(&python, &package) {
            Some(version) if version == package.version => format!(
                "{} {} already installed in {}",
                package.dist,
                package.version,
                venv.display()
            ),
            found => {
                install(&venv, &python, found.as_deref(), &package)?;
                format!(
                    "{} {} installed in {}",
                    package.dist,
                    package.version,
                    venv.display()
                )
            }
        };
        summary.push(line);
        env.push((package.env.to_owned(), python.into_os_string()));
    }
    let oac = build_oac()?;
    env.push((ENV_OAC_BIN.to_owned(), oac.into_os_string()));
    Ok(Peers {
        env,
        summary: summary.join("; "),
    })
}

/// `$CARGO_TARGET_DIR`, else `<workspace>/target`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace::root().join(dir),
        _ => workspace::root().join("target"),
    }
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The version of `package` importable by `python`, if it runs and the package's
/// module imports.
fn installed(python: &Path, package: &Package) -> Option<String> {
    if !python.exists() {
        return None;
    }
    let check = format!(
        "import importlib.metadata as m, {}; print(m.version('{}'))",
        package.module, package.dist
    );
    let output = Command::new(python)
        .args(["-c", &check])
        // LiteLLM fetches its model map from GitHub on import unless told not to:
        // the test run never goes to the internet.
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn install(
    venv: &Path,
    python: &Path,
    found: Option<&str>,
    package: &Package,
) -> Result<(), String> {
    let (dist, version) = (package.dist, package.version);
    match found {
        Some(other) => println!(
            "    {dist} {other} found in {}; installing {version}",
            venv.display()
        ),
        None => println!(
            "    installing {dist} {version} into {} (first run only)",
            venv.display()
        ),
    }
    if !runs(python) {
        let base = base_python()?;
        println!(
            "    creating the virtual environment with {}",
            base.display()
        );
        let status = Command::new(&base)
            .args(["-m", "venv", "--clear"])
            .arg(venv)
            .status()
            .map_err(|e| format!("could not run {}: {e}", base.display()))?;
        if !status.success() || !runs(python) {
            return Err(format!(
                "`{} -m venv {}` failed (see above), so the real-peer suites cannot install {dist}.\n\
                 Install Python's venv module (Debian/Ubuntu: `apt install python3-venv`) and rerun.",
                base.display(),
                venv.display()
            ));
        }
    }
    let requirement = &package.requirement;
    let status = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            requirement,
        ])
        .status()
        .map_err(|e| format!("could not run pip in {}: {e}", venv.display()))?;
    if !status.success() {
        return Err(format!(
            "`pip install {requirement}` into {} failed (see pip's output above).\n\
             The real-peer suites need it: check that pypi.org (or your PIP_INDEX_URL) is \
             reachable, then rerun `cargo xtask test`.",
            venv.display()
        ));
    }
    match installed(python, package) {
        Some(found) if found == version => Ok(()),
        Some(found) => Err(format!(
            "pip installed {dist} {found} instead of {version} into {}",
            venv.display()
        )),
        None => Err(format!(
            "{dist} {version} was installed into {} but does not import; \
             run `{} -c 'import {}'` to see why",
            venv.display(),
            python.display(),
            package.module
        )),
    }
}

/// Whether `python` exists and starts.
fn runs(python: &Path) -> bool {
    python.exists()
        && Command::new(python)
            .args(["-c", "pass"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// The interpreter that creates the venv: `$OAC_PEER_PYTHON`, else `python3`, else
/// `python`; it must be recent enough for llmock.
fn base_python() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match std::env::var_os(ENV_PYTHON) {
        Some(chosen) if !chosen.is_empty() => vec![PathBuf::from(chosen)],
        _ => vec!["python3".into(), "python".into()],
    };
    first_usable_python(&candidates)
}

/// The first of `candidates` that runs and is recent enough, or why none is.
fn first_usable_python(candidates: &[PathBuf]) -> Result<PathBuf, String> {
    let mut too_old = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(candidate)
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
            .stderr(Stdio::null())
            .output()
        else {
            continue;
        };
        if !output.status.success() {
            continue;
        }
        let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        match parse_version(&text) {
            Some(version) if version >= MIN_PYTHON => return Ok(candidate.clone()),
            _ => too_old.push(format!("{} is Python {text}", candidate.display())),
        }
    }
    let (major, minor) = MIN_PYTHON;
    if too_old.is_empty() {
        Err(format!(
            "the real-peer suites need Python {major}.{minor}+ with venv and pip, and none was \
             found (tried {}).\nInstall it (Debian/Ubuntu: `apt install python3 python3-venv \
             python3-pip`) or set {ENV_PYTHON} to an interpreter, then rerun `cargo xtask test`.",
            candidates
                .iter()
                .map(|c| format!("`{}`", c.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else {
        Err(format!(
            "the real-peer suites need Python {major}.{minor}+ for llmock, but {}.\n\
             Install a newer Python or set {ENV_PYTHON} to one, then rerun `cargo xtask test`.",
            too_old.join(" and ")
        ))
    }
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Builds the `oac` binary (a no-op when the test build already made it) and returns
/// its path.
fn build_oac() -> Result<PathBuf, String> {
    let output = workspace::cargo()
        .args([
            "build",
            "-p",
            "oac-cli",
            "--bin",
            "oac",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(
            "building `oac` for the real-peer suites failed (compiler errors above)".into(),
        );
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "oac")
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built `oac` but did not say where the binary is".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_versions_are_plain_release_numbers() {
        for version in [LLMOCK_VERSION, LITELLM_VERSION] {
            let parts: Vec<&str> = version.split('.').collect();
            assert_eq!(parts.len(), 3, "{version:?}");
            assert!(
                parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
                "{version:?}"
            );
        }
    }

    #[test]
    fn reads_python_versions() {
        assert_eq!(parse_version("3.11"), Some((3, 11)));
        assert_eq!(parse_version("3.9"), Some((3, 9)));
        assert!(parse_version("3.9") < Some(MIN_PYTHON));
        assert!(parse_version("3.10") >= Some(MIN_PYTHON));
        assert_eq!(parse_version("three"), None);
    }

    #[test]
    fn a_missing_python_is_an_error_that_says_what_to_install() {
        let error = first_usable_python(&["/nonexistent/python3".into()]).unwrap_err();
        assert!(error.contains("none was found"), "{error}");
        assert!(error.contains("python3-venv"), "{error}");
        assert!(error.contains(ENV_PYTHON), "{error}");
    }
}
