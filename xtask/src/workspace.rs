//! Where the workspace is, how to call cargo, and what cargo says about it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

/// A `cargo` command run from the workspace root, using the same cargo that runs us.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root());
    cmd
}

/// One workspace package.
#[derive(Debug, Clone)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub dir: PathBuf,
    /// `false` for `publish = false` (the integration suites, xtask).
    pub publish: bool,
}

/// The workspace members, in the order of `[workspace] members`.
pub fn packages() -> Result<Vec<Package>, String> {
    let output = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err("`cargo metadata` failed (see above)".into());
    }
    let meta: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("`cargo metadata` printed something that is not JSON: {e}"))?;
    let members: Vec<&str> = meta["workspace_members"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut packages = Vec::new();
    for id in members {
        let Some(pkg) = meta["packages"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["id"].as_str() == Some(id)))
        else {
            continue;
        };
        let manifest = PathBuf::from(pkg["manifest_path"].as_str().unwrap_or_default());
        packages.push(Package {
            id: id.to_owned(),
            name: pkg["name"].as_str().unwrap_or_default().to_owned(),
            dir: manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
            // `publish = false` is an empty list of registries; no key means any.
            publish: pkg["publish"].as_array().is_none_or(|r| !r.is_empty()),
        });
    }
    Ok(packages)
}
