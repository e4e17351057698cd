//! Helpers shared by the suites.

use std::path::{Path, PathBuf};

use oac_config::{ConfigError, ConfigFile, Loaded, Loader, MapEnv, Overrides};

/// A key that must never appear in any output.
pub const KEY: &str = "sk-test-SECRET-0123456789abcdef";

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Loads `toml` as the config file (given with `--config`), with `env` and `flags`.
pub fn load(toml: &str, env: MapEnv, flags: Overrides) -> Result<Loaded, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "config.toml", toml);
    Loader::new().env(env).overrides(flags.config(path)).load()
}

/// Like [`load`], expecting success.
pub fn load_ok(toml: &str, env: MapEnv, flags: Overrides) -> Loaded {
    match load(toml, env, flags) {
        Ok(loaded) => loaded,
        Err(err) => panic!("expected the config to load, got:\n{err}"),
    }
}

/// Like [`load`], expecting problems; returns them one per line.
pub fn load_problems(toml: &str, env: MapEnv, flags: Overrides) -> String {
    match load(toml, env, flags) {
        Ok(loaded) => panic!("expected problems, got {loaded:?}"),
        Err(err) => problems(&err),
    }
}

/// The problems of an error, one per line.
pub fn problems(err: &ConfigError) -> String {
    assert!(
        !err.problems().is_empty(),
        "expected ConfigError::Invalid, got: {err}"
    );
    err.problems()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The problems `ConfigFile::parse_toml` reports, one per line.
pub fn parse_problems(toml: &str) -> String {
    match ConfigFile::parse_toml(toml) {
        Ok(file) => panic!("expected problems, got {file:?}"),
        Err(err) => problems(&err),
    }
}

/// Asserts that `text` does not contain [`KEY`] (nor a recognizable part of it).
#[track_caller]
pub fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the key leaked into:\n{text}");
    assert!(
        !text.contains("SECRET-0123"),
        "part of the key leaked into:\n{text}"
    );
}
