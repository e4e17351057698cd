//! Loading: find the config file, choose the profile, apply flags > environment >
//! profile > defaults, and report every problem at once.

use oac_provider::files::ShownPath;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::env::{
    ENV_API_KEY, ENV_BASE_URL, ENV_CATALOG, ENV_CONFIG, ENV_MODEL, ENV_PROFILE, Environment,
    ProcessEnv, default_config_path, expand_path, non_empty,
};
use crate::file::ConfigFile;
use crate::overrides::Overrides;
use crate::problem::{ConfigError, ProblemKind, Report, Warning, child};
use crate::profile::Profile;
use crate::resolve::{Layers, resolve};
use crate::resolved::ResolvedProfile;

/// Where the configuration came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigSource {
    /// `--config FILE`.
    Flag(PathBuf),
    /// `OAC_CONFIG`.
    Env(PathBuf),
    /// The platform default location (see [`default_config_path`]), which exists.
    DefaultLocation(PathBuf),
    /// A [`ConfigFile`] handed to [`Loader::config_file`].
    Given(Option<PathBuf>),
    /// No config file: environment, flags and defaults only. `looked_at` is the
    /// default location that does not exist (when a home directory is known).
    NoFile {
        /// The default location that was checked.
        looked_at: Option<PathBuf>,
    },
}

impl ConfigSource {
    /// The config file's path, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ConfigSource::Flag(path)
            | ConfigSource::Env(path)
            | ConfigSource::DefaultLocation(path) => Some(path),
            ConfigSource::Given(path) => path.as_deref(),
            ConfigSource::NoFile { .. } => None,
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::Flag(path) => write!(f, "{} (from --config)", ShownPath(path)),
            ConfigSource::Env(path) => write!(f, "{} (from OAC_CONFIG)", ShownPath(path)),
            ConfigSource::DefaultLocation(path) => write!(f, "{}", ShownPath(path)),
            ConfigSource::Given(Some(path)) => write!(f, "{}", ShownPath(path)),
            ConfigSource::Given(None) => f.write_str("a config given in code"),
            ConfigSource::NoFile {
                looked_at: Some(path),
            } => write!(
                f,
                "no config file ({} does not exist): environment and flags only",
                ShownPath(path)
            ),
            ConfigSource::NoFile { looked_at: None } => {
                f.write_str("no config file: environment and flags only")
            }
        }
    }
}

/// A loaded profile, the warnings found on the way, and where the config came from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Loaded {
    /// The profile to use.
    pub profile: ResolvedProfile,
    /// Things that work but are probably not wanted (also logged with `tracing`).
    pub warnings: Vec<Warning>,
    /// Where the config file came from.
    pub source: ConfigSource,
}

/// Loads the profile to use from flags, environment, config file and defaults.
///
/// - Config file: `--config`, else `OAC_CONFIG`, else the platform default
///   location when it exists (see [`default_config_path`]); no file at all is fine.
/// - Profile: `--profile`, else `OAC_PROFILE`, else `default_profile`, else the only
///   profile when the file has exactly one.
/// - Each setting: flag, else environment (`OPENAI_BASE_URL`, `OPENAI_MODEL`), else
///   the profile, else the default. When `OPENAI_BASE_URL` sends requests to
///   another server than the profile's `base_url`, a
///   [`WarningKind::SettingOverridden`](crate::WarningKind::SettingOverridden)
///   warning says so (the profile's key goes there too).
/// - The key: `--api-key-env`, else the profile's `api_key` / `api_key_env` /
///   `api_key_file`, else `OPENAI_API_KEY`. Deliberately, `OPENAI_API_KEY` applies
///   only when the profile names no key source: an exported OpenAI key never
///   replaces the key a profile names for its own provider. When it does apply to
///   a profile whose `base_url` is neither api.openai.com nor this machine, a
///   [`WarningKind::OpenAiKeyToOtherHost`](crate::WarningKind::OpenAiKeyToOtherHost)
///   warning says so.
/// - Native model catalogue: the built-in one, extended by the file named by
///   `--catalog` ([`Overrides::catalog`]), else `OAC_CATALOG`, else the config
///   file's `catalog` (see [`Catalog`]); or the one given with [`Loader::catalog`].
///
/// ```
/// use oac_config::{Loader, MapEnv, Overrides};
///
/// let env = MapEnv::new()
///     .set("OPENAI_BASE_URL", "http://localhost:11434/v1")
///     .set("OPENAI_MODEL", "qwen2.5-coder:7b");
/// let loaded = Loader::new()
///     .env(env)
///     .overrides(Overrides::new().model("llama3.2"))
///     .load()?;
/// assert_eq!(loaded.profile.model(), "llama3.2"); // the flag wins over OPENAI_MODEL
/// assert_eq!(
///     loaded.profile.endpoints().chat.as_str(),
///     "http://localhost:11434/v1/chat/completions"
/// );
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub struct Loader {
    env: Box<dyn Environment>,
    overrides: Overrides,
    file: Option<ConfigFile>,
    require_model: bool,
    require_key: bool,
    catalog: Option<Catalog>,
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new()
    }
}

impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loader")
            .field("overrides", &self.overrides)
            .field("file", &self.file)
            .field("require_model", &self.require_model)
            .field("require_key", &self.require_key)
            .field("catalog", &self.catalog.as_ref().map(Catalog::len))
            .finish_non_exhaustive()
    }
}

impl Loader {
    /// The process environment, no flags, the config file found as described above.
    pub fn new() -> Self {
        Loader {
            env: Box::new(ProcessEnv),
            overrides: Overrides::default(),
            file: None,
            require_model: true,
            require_key: true,
            catalog: None,
        }
    }

    /// Reads variables from `env` instead of the process environment.
    #[must_use]
    pub fn env(mut self, env: impl Environment + 'static) -> Self {
        self.env = Box::new(env);
        self
    }

    /// The command-line flags.
    #[must_use]
    pub fn overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    /// Uses this config instead of looking for a file (`--config` and `OAC_CONFIG`
    /// are then ignored).
    #[must_use]
    pub fn config_file(mut self, file: ConfigFile) -> Self {
        self.file = Some(file);
        self
    }

    /// Whether a missing model id is an error (default `true`). Commands that need
    /// no model (`oac models`, `oac resolve`) turn it off; the model is then empty.
    #[must_use]
    pub fn require_model(mut self, required: bool) -> Self {
        self.require_model = required;
        self
    }

    /// Whether a key source that cannot be read (a variable that is not set, a key
    /// file that is missing or empty) is an error (default `true`). Commands that
    /// send nothing (`oac resolve`, `oac cost`) turn it off: the problem is then a
    /// warning and the profile has no key.
    #[must_use]
    pub fn require_key(mut self, required: bool) -> Self {
        self.require_key = required;
        self
    }

    /// Uses this native-model catalogue instead of the built-in one extended by
    /// `--catalog`, `OAC_CATALOG` or the config file's `catalog` (which are then
    /// ignored).
    #[must_use]
    pub fn catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Where the config file would come from, without reading it.
    pub fn config_source(&self) -> ConfigSource {
        if let Some(file) = &self.file {
            return ConfigSource::Given(file.path().map(Path::to_path_buf));
        }
        if let Some(path) = &self.overrides.config {
            return ConfigSource::Flag(path.clone());
        }
        if let Some(path) = non_empty(&*self.env, ENV_CONFIG) {
            return ConfigSource::Env(PathBuf::from(path.trim()));
        }
        match default_config_path(&*self.env) {
            Some(path) if path.exists() => ConfigSource::DefaultLocation(path),
            looked_at => ConfigSource::NoFile { looked_at },
        }
    }

    /// Loads the profile. Every problem (in the file, the flags, the environment,
    /// the catalogue file and the chosen profile) is reported together in
    /// [`ConfigError::Invalid`] — also when no profile can be chosen (an unknown
    /// name, or several profiles and no choice), in which case the flags' and the
    /// environment's own problems are listed beside that one. A catalogue file that
    /// is the only thing wrong is returned as its own error
    /// ([`ConfigError::UnreadableCatalog`], [`ConfigError::Syntax`] or
    /// [`ConfigError::Invalid`] naming that file); beside other problems it is one
    /// of them ([`ProblemKind::CatalogUnusable`]).
    pub fn load(self) -> Result<Loaded, ConfigError> {
        let source = self.config_source();
        let (file, mut report) = read_config(self.file, source.path())?;
        let empty = ConfigFile::new();
        let config = file.as_ref().unwrap_or(&empty);
        let env: &dyn Environment = &*self.env;
        // A catalogue that cannot be used does not stop the other checks: every
        // problem is reported at once.
        let (catalog, catalog_failure) = match self.catalog {
            Some(catalog) => (Some(catalog), None),
            None => match user_catalog(&self.overrides, env, config) {
                Ok(catalog) => (catalog, None),
                Err(failure) => (None, Some(failure)),
            },
        };

        let selected = select_profile(
            &self.overrides,
            env,
            config,
            file.is_some(),
            &source,
            &mut report,
        );
        let none = Profile::default();
        let (name, profile) = match selected {
            Ok(Some((name, profile))) => (Some(name), profile),
            Ok(None) | Err(()) => (None, &none),
        };
        let layers = Layers {
            name,
            profile,
            at: name.map_or_else(String::new, |name| child("profiles", name)),
            overrides: &self.overrides,
            env,
            read_openai_env: true,
            base_dir: config.dir(),
            require_model: self.require_model && selected.is_ok(),
            require_key: self.require_key,
            catalog: catalog.as_ref(),
            catalog_usable: catalog_failure.is_none(),
        };
        let resolved = resolve_chosen(&layers, selected.is_ok(), &mut report);
        if let Some((setting, err)) = catalog_failure {
            if report.problems.is_empty() {
                // Alone, the catalogue's own error says it best.
                return Err(err);
            }
            report.problem(ProblemKind::CatalogUnusable, setting, catalog_message(&err));
        }
        loaded(resolved, report, config, source)
    }
}

/// The config to load: one given in code (checked like a file), else the file at
/// `path`, else none; with the problems found in it.
fn read_config(
    given: Option<ConfigFile>,
    path: Option<&Path>,
) -> Result<(Option<ConfigFile>, Report), ConfigError> {
    let mut report = Report::default();
    match (given, path) {
        (Some(file), _) => {
            // A config built or changed in code gets the same checks as a file.
            file.check(&mut report);
            Ok((Some(file), report))
        }
        (None, Some(path)) => {
            let (file, report) = ConfigFile::read_lenient(path)?;
            Ok((Some(file), report))
        }
        (None, None) => Ok((None, report)),
    }
}

/// Resolves the layers; when no profile could be chosen, nothing is resolved and
/// only the flags' and the environment's own problems join `report` (what the
/// profile would have set is unknown).
fn resolve_chosen(
    layers: &Layers<'_>,
    chosen: bool,
    report: &mut Report,
) -> Option<ResolvedProfile> {
    if chosen {
        return resolve(layers, report);
    }
    let mut flags_and_env = Report::default();
    resolve(layers, &mut flags_and_env);
    report.problems.extend(
        flags_and_env
            .problems
            .into_iter()
            .filter(|problem| is_flag_or_env(&problem.path)),
    );
    None
}

/// The loaded profile (its warnings logged), or every problem found.
fn loaded(
    resolved: Option<ResolvedProfile>,
    report: Report,
    config: &ConfigFile,
    source: ConfigSource,
) -> Result<Loaded, ConfigError> {
    match resolved {
        Some(profile) if report.problems.is_empty() => {
            for warning in &report.warnings {
                tracing::warn!(path = %warning.path, "{}", warning.message);
            }
            Ok(Loaded {
                profile,
                warnings: report.warnings,
                source,
            })
        }
        _ => Err(invalid(config, report)),
    }
}

/// The profile to load: `--profile`, else `OAC_PROFILE`, else `default_profile`, else
/// the only one; `Ok(None)` without profiles, `Err` when none can be chosen (the
/// problem is in `report`).
fn select_profile<'c>(
    overrides: &Overrides,
    env: &dyn Environment,
    config: &'c ConfigFile,
    has_file: bool,
    source: &ConfigSource,
    report: &mut Report,
) -> Result<Option<(&'c str, &'c Profile)>, ()> {
    let chosen = overrides
        .profile
        .clone()
        .map(|name| (name, "--profile"))
        .or_else(|| non_empty(env, ENV_PROFILE).map(|name| (name.trim().to_owned(), ENV_PROFILE)))
        .or_else(|| {
            config
                .default_profile
                .clone()
                .map(|name| (name, "default_profile"))
        });
    match &chosen {
        Some((name, from)) => match config.profiles.get_key_value(name.as_str()) {
            Some((name, profile)) => Ok(Some((name.as_str(), profile))),
            None => {
                let message = match (has_file, source) {
                    (false, ConfigSource::NoFile { looked_at }) => {
                        no_file_message(name, looked_at.as_deref())
                    }
                    _ => config.unknown_profile_message(name),
                };
                report.problem(ProblemKind::UnknownProfile, *from, message);
                Err(())
            }
        },
        None if config.profiles.len() == 1 => Ok(config
            .profiles
            .iter()
            .next()
            .map(|(name, profile)| (name.as_str(), profile))),
        None if config.profiles.is_empty() => Ok(None),
        None => {
            report.problem(
                ProblemKind::NoProfileChosen,
                "default_profile",
                format!(
                    "the config has {} profiles and none is chosen; set default_profile, export OAC_PROFILE, or pass --profile (profiles: {})",
                    config.profiles.len(),
                    config.profile_names().join(", ")
                ),
            );
            Err(())
        }
    }
}

/// Whether a problem's path is a flag (`--base-url`) or an environment variable
/// (`OPENAI_BASE_URL`) rather than a field of a profile.
fn is_flag_or_env(path: &str) -> bool {
    path.starts_with("--") || [ENV_BASE_URL, ENV_MODEL, ENV_API_KEY].contains(&path)
}

/// The catalogue's error as one problem among others.
fn catalog_message(err: &ConfigError) -> String {
    match err {
        ConfigError::Invalid {
            file: Some(path),
            problems,
        } => {
            let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
            format!(
                "the model catalogue file {} has {} problem{}: {}",
                ShownPath(path),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                listed.join("; ")
            )
        }
        other => other.to_string(),
    }
}

/// The built-in catalogue extended by the user's file, when one is named:
/// `--catalog`, else `OAC_CATALOG`, else the config file's `catalog` (relative to
/// the config file). `None`: the built-in catalogue as it is.
///
/// The error comes with the setting that named the file (`--catalog`,
/// `OAC_CATALOG` or `catalog`).
fn user_catalog(
    overrides: &Overrides,
    env: &dyn Environment,
    config: &ConfigFile,
) -> Result<Option<Catalog>, (&'static str, ConfigError)> {
    let (setting, path) = if let Some(path) = &overrides.catalog {
        ("--catalog", expand_path(path, env, None))
    } else if let Some(path) = non_empty(env, ENV_CATALOG) {
        (ENV_CATALOG, expand_path(Path::new(path.trim()), env, None))
    } else if let Some(path) = &config.catalog {
        ("catalog", expand_path(path, env, config.dir()))
    } else {
        return Ok(None);
    };
    Catalog::builtin_with_file(&path)
        .map(Some)
        .map_err(|err| (setting, err))
}

fn no_file_message(name: &str, looked_at: Option<&Path>) -> String {
    let place = looked_at.map_or_else(String::new, |path| {
        format!(" ({} does not exist)", ShownPath(path))
    });
    format!(
        "there is no profile named `{name}` because there is no config file{place}; create one, or name it with --config or OAC_CONFIG"
    )
}

fn invalid(config: &ConfigFile, report: Report) -> ConfigError {
    let mut problems = report.problems;
    config.place(&mut problems);
    ConfigError::Invalid {
        file: config.path().map(Path::to_path_buf),
        problems,
    }
}
