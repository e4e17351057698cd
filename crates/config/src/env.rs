//! The environment, injectable so tests never touch the process environment, and
//! the platform config directory derived from it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// `OPENAI_BASE_URL`: the base URL when no flag sets one.
pub const ENV_BASE_URL: &str = "OPENAI_BASE_URL";
/// `OPENAI_API_KEY`: the key when the profile names no key source.
pub const ENV_API_KEY: &str = "OPENAI_API_KEY";
/// `OPENAI_MODEL`: the model id when no flag sets one.
pub const ENV_MODEL: &str = "OPENAI_MODEL";
/// `OAC_PROFILE`: the profile to use when no flag names one.
pub const ENV_PROFILE: &str = "OAC_PROFILE";
/// `OAC_CONFIG`: the config file when no flag names one.
pub const ENV_CONFIG: &str = "OAC_CONFIG";
/// `OAC_CATALOG`: a native-model catalogue file extending the built-in one (wins
/// over the config file's `catalog` key; see [`Catalog`](crate::Catalog)).
pub const ENV_CATALOG: &str = "OAC_CATALOG";

/// Where environment variables come from.
///
/// [`ProcessEnv`] reads the real environment; [`MapEnv`] is a fixed set for tests
/// and embedding. An `OPENAI_*` or `OAC_*` variable that is set but empty (or only
/// whitespace) counts as not set; a variable named by `api_key_env` that is empty
/// is reported as such.
pub trait Environment {
    /// The value of `name`, or `None` when it is not set (or not valid UTF-8).
    fn var(&self, name: &str) -> Option<String>;
}

impl<E: Environment + ?Sized> Environment for &E {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}

impl<E: Environment + ?Sized> Environment for Box<E> {
    fn var(&self, name: &str) -> Option<String> {
        (**self).var(name)
    }
}

/// The process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// A fixed set of variables. `Debug` shows the names only (values may be keys).
///
/// ```
/// use oac_config::{Environment, MapEnv};
///
/// let env = MapEnv::new().set("OPENAI_MODEL", "gpt-4o-mini");
/// assert_eq!(env.var("OPENAI_MODEL").as_deref(), Some("gpt-4o-mini"));
/// assert_eq!(env.var("HOME"), None);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MapEnv(BTreeMap<String, String>);

impl MapEnv {
    /// No variables.
    pub fn new() -> Self {
        MapEnv::default()
    }

    /// `self` with `name` set to `value`.
    #[must_use]
    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.insert(name.into(), value.into());
        self
    }

    /// Sets `name` to `value` in place.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

impl Environment for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl fmt::Debug for MapEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for MapEnv {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        MapEnv(
            iter.into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        )
    }
}

/// Whether the name given for a key's variable (`api_key_env`, `--api-key-env`)
/// may appear in messages, `Debug` output and key sources: only a conventional
/// variable name — upper-case letters, digits and `_`, not starting with a digit,
/// at most 64 characters — that does not look like a key by the shared rule
/// ([`oac_url::looks_like_key`]: e.g. 16 or more characters with digits but no `_`,
/// like `AKIAIOSFODNN7EXAMPLE`). A key pasted there by
/// mistake (mixed case, as Mistral's 32-character keys; lower case, as `fw_…`,
/// `sk-…`) is never echoed.
pub(crate) fn is_showable_var_name(name: &str) -> bool {
    let conventional = name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    conventional && !oac_url::looks_like_key(name)
}

/// How a key's variable is named in a message: `` `TOGETHER_API_KEY` ``, or, when
/// it may be the key itself, a description that does not echo it.
pub(crate) fn shown_key_var(name: &str, setting: &str) -> String {
    if is_showable_var_name(name) {
        format!("`{name}`")
    } else {
        format!(
            "named in {setting} ({} characters, not shown because it looks like a key)",
            name.chars().count()
        )
    }
}

/// A variable's value, with "set but empty" (or only whitespace) read as not set.
pub(crate) fn non_empty(env: &dyn Environment, name: &str) -> Option<String> {
    env.var(name).filter(|value| !value.trim().is_empty())
}

/// The user's home directory: `HOME`, or `USERPROFILE` on Windows.
pub(crate) fn home_dir(env: &dyn Environment) -> Option<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    non_empty(env, name).map(PathBuf::from)
}

/// The platform's per-user config directory, read from `env` (the same rules as
/// the `dirs` crate, but injectable):
///
/// - Linux and other Unix: `$XDG_CONFIG_HOME` when absolute, else `$HOME/.config`;
/// - macOS: `$HOME/Library/Application Support`;
/// - Windows: `%APPDATA%`.
pub fn config_dir(env: &dyn Environment) -> Option<PathBuf> {
    if cfg!(windows) {
        return non_empty(env, "APPDATA").map(PathBuf::from);
    }
    if cfg!(target_os = "macos") {
        return home_dir(env).map(|home| home.join("Library").join("Application Support"));
    }
    non_empty(env, "XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| home_dir(env).map(|home| home.join(".config")))
}

/// The platform's per-user data directory, read from `env` (the rules of the `dirs`
/// crate's `data_dir`, but injectable): where `oac` keeps what it writes for itself,
/// such as the usage ledger (in its [`CONFIG_FOLDER`] folder).
///
/// - Linux and other Unix: `$XDG_DATA_HOME` when absolute, else `$HOME/.local/share`;
/// - macOS: `$HOME/Library/Application Support`;
/// - Windows: `%APPDATA%`.
///
/// ```
/// use oac_config::{MapEnv, data_dir};
///
/// # if cfg!(target_os = "linux") {
/// let env = MapEnv::new().set("HOME", "/home/ada");
/// assert_eq!(data_dir(&env).unwrap(), std::path::Path::new("/home/ada/.local/share"));
/// # }
/// ```
pub fn data_dir(env: &dyn Environment) -> Option<PathBuf> {
    if cfg!(windows) {
        return non_empty(env, "APPDATA").map(PathBuf::from);
    }
    if cfg!(target_os = "macos") {
        return home_dir(env).map(|home| home.join("Library").join("Application Support"));
    }
    non_empty(env, "XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| home_dir(env).map(|home| home.join(".local").join("share")))
}

/// The folder in the platform config dir that holds `config.toml` and key files.
pub const CONFIG_FOLDER: &str = "oac";

/// The folder earlier releases used (when the crates were called `openai-compat-*`).
/// A config file there is still read when [`CONFIG_FOLDER`] has none.
pub const LEGACY_CONFIG_FOLDER: &str = "openai-compat";

/// Where the config file is looked for when neither `--config` nor `OAC_CONFIG`
/// names one: `<config dir>/oac/config.toml` (see [`config_dir`]), or, when that
/// file does not exist but `<config dir>/openai-compat/config.toml` (the folder of
/// earlier releases) does, that one. The loader uses it only when it exists; the
/// importer writes to it.
///
/// ```
/// use oac_config::{default_config_path, MapEnv};
///
/// # if cfg!(target_os = "linux") {
/// let env = MapEnv::new().set("HOME", "/home/ada");
/// assert_eq!(
///     default_config_path(&env).unwrap(),
///     std::path::Path::new("/home/ada/.config/oac/config.toml")
/// );
/// # }
/// ```
pub fn default_config_path(env: &dyn Environment) -> Option<PathBuf> {
    let dir = config_dir(env)?;
    let current = dir.join(CONFIG_FOLDER).join("config.toml");
    let legacy = dir.join(LEGACY_CONFIG_FOLDER).join("config.toml");
    if !current.exists() && legacy.is_file() {
        return Some(legacy);
    }
    Some(current)
}

/// A path from configuration: `~` and `~/…` are the home directory, relative paths
/// are relative to `base` (the config file's directory) when there is one.
pub(crate) fn expand_path(path: &Path, env: &dyn Environment, base: Option<&Path>) -> PathBuf {
    let text = path.to_string_lossy();
    if is_home_relative(path)
        && let Some(home) = home_dir(env)
    {
        let rest = text.get(2..).unwrap_or("");
        return if rest.is_empty() {
            home
        } else {
            home.join(rest)
        };
    }
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_path_buf(),
    }
}

/// True for `~` and `~/…` (`~\\…` on Windows): a path in the home directory.
pub(crate) fn is_home_relative(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text == "~" || text.starts_with("~/") || (cfg!(windows) && text.starts_with("~\\"))
}

/// The inverse of how the loader reads a path setting: what to write in the config
/// file at `config_file` so that `file` (relative to the current directory, or
/// absolute) is the file the loader opens, from any working directory. A file in
/// the config file's directory or below is written relative to it (`keys/x.key`,
/// so the folder can be moved as a whole); any other file as an absolute path. A
/// path in the home directory (`~/…`) is written as it is: the loader reads it
/// from the home directory wherever the config is.
///
/// ```
/// use std::path::Path;
/// use oac_config::path_for_config;
///
/// let written = path_for_config(Path::new("/home/me/oac/keys/x.key"), Path::new("/home/me/oac/config.toml"));
/// assert_eq!(written, Path::new("keys/x.key"));
/// let written = path_for_config(Path::new("/srv/keys/x.key"), Path::new("/home/me/oac/config.toml"));
/// assert_eq!(written, Path::new("/srv/keys/x.key"));
/// let written = path_for_config(Path::new("~/.secrets/x.key"), Path::new("/home/me/oac/config.toml"));
/// assert_eq!(written, Path::new("~/.secrets/x.key"));
/// ```
pub fn path_for_config(file: &Path, config_file: &Path) -> PathBuf {
    if is_home_relative(file) {
        return file.to_path_buf();
    }
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let file = absolute(file);
    let dir = absolute(config_file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    match file.strip_prefix(&dir) {
        Ok(inside) if !dir.as_os_str().is_empty() && !inside.as_os_str().is_empty() => {
            inside.to_path_buf()
        }
        _ => file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_variable_names_are_shown() {
        for name in [
            "TOGETHER_API_KEY",
            "K",
            "_KEY",
            "OPENAI_API_KEY_2",
            "MISTRALAPIKEY",
        ] {
            assert!(is_showable_var_name(name), "{name}");
        }
    }

    #[test]
    fn names_that_look_like_keys_are_not_shown() {
        for name in [
            // Mistral: 32 mixed-case alphanumerics.
            "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE",
            "fw_3ZkLmN8pQrStUvWxYz12345",
            "sk_live_abc123",
            "AKIAIOSFODNN7EXAMPLE",
            "lower_case_name",
            &"A".repeat(65),
            "",
        ] {
            assert!(!is_showable_var_name(name), "{name}");
        }
    }

    #[test]
    fn map_env_debug_shows_names_only() {
        let env = MapEnv::new().set("OPENAI_API_KEY", "sk-secret");
        let shown = format!("{env:?}");
        assert!(shown.contains("OPENAI_API_KEY"));
        assert!(!shown.contains("sk-secret"));
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn xdg_config_home_wins_when_absolute() {
        let env = MapEnv::new()
            .set("HOME", "/home/ada")
            .set("XDG_CONFIG_HOME", "/cfg");
        assert_eq!(config_dir(&env), Some(PathBuf::from("/cfg")));
        let relative = MapEnv::new()
            .set("HOME", "/home/ada")
            .set("XDG_CONFIG_HOME", "cfg");
        assert_eq!(
            config_dir(&relative),
            Some(PathBuf::from("/home/ada/.config"))
        );
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn data_dir_follows_xdg() {
        let env = MapEnv::new()
            .set("HOME", "/home/ada")
            .set("XDG_DATA_HOME", "/data");
        assert_eq!(data_dir(&env), Some(PathBuf::from("/data")));
        let relative = MapEnv::new()
            .set("HOME", "/home/ada")
            .set("XDG_DATA_HOME", "data");
        assert_eq!(
            data_dir(&relative),
            Some(PathBuf::from("/home/ada/.local/share"))
        );
        assert_eq!(data_dir(&MapEnv::new()), None);
    }

    #[test]
    fn no_home_no_config_dir() {
        assert_eq!(config_dir(&MapEnv::new()), None);
    }

    #[cfg(unix)]
    #[test]
    fn tilde_is_home_and_relative_is_beside_the_config() {
        let env = MapEnv::new().set("HOME", "/home/ada");
        assert_eq!(
            expand_path(Path::new("~/keys/a"), &env, None),
            PathBuf::from("/home/ada/keys/a")
        );
        assert_eq!(
            expand_path(Path::new("keys/a"), &env, Some(Path::new("/etc/oac"))),
            PathBuf::from("/etc/oac/keys/a")
        );
        assert_eq!(
            expand_path(Path::new("/abs"), &env, Some(Path::new("/etc/oac"))),
            PathBuf::from("/abs")
        );
    }
}
