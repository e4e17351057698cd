//! A config file: named profiles and `default_profile`, read from TOML or JSON
//! and written back to TOML.

use oac_provider::files::{FileKind, ShownPath, read_capped_string};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::choice::closest;
use crate::convert::{self, Cx};
use crate::problem::{
    ConfigError, ConfigFormat, Problem, ProblemKind, Report, child, place_problems,
};
use crate::profile::Profile;
use crate::resolve::check_profile_urls;
use crate::tree;
use crate::validate;
use crate::write;

/// The contents of a config file: named profiles and the one used by default.
///
/// ```
/// use oac_config::ConfigFile;
///
/// let file = ConfigFile::parse_toml(r#"
/// default_profile = "together"
///
/// [profiles.together]
/// base_url = "https://api.together.xyz/v1"
/// api_key_env = "TOGETHER_API_KEY"
/// model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
///
/// [profiles.together.model_info]
/// input_price = 0.88
/// "#)?;
/// let together = &file.profiles["together"];
/// assert_eq!(together.model_info.prices.input_price.unwrap().to_string(), "0.88");
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ConfigFile {
    /// `default_profile`: used when neither `--profile` nor `OAC_PROFILE` names one.
    pub default_profile: Option<String>,
    /// `catalog`: a file of native-model catalogue entries that extend or override
    /// the built-in catalogue (see [`Catalog`](crate::Catalog)). A relative path is
    /// relative to the config file's directory; `~` is the home directory.
    /// `OAC_CATALOG` wins over it.
    pub catalog: Option<PathBuf>,
    /// `[profiles.NAME]`.
    pub profiles: BTreeMap<String, Profile>,
    /// Where the file was read from, and the line of each field path.
    origin: Origin,
}

#[derive(Clone, Debug, Default)]
struct Origin {
    path: Option<PathBuf>,
    lines: HashMap<String, usize>,
}

impl fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("path", &self.origin.path)
            .field("default_profile", &self.default_profile)
            .field("catalog", &self.catalog)
            .field("profiles", &self.profiles)
            .finish()
    }
}

impl PartialEq for ConfigFile {
    /// Compares the settings; where the file came from does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.default_profile == other.default_profile
            && self.catalog == other.catalog
            && self.profiles == other.profiles
    }
}

impl ConfigFile {
    /// No profiles.
    pub fn new() -> Self {
        ConfigFile::default()
    }

    /// Reads and checks a file; `.toml` or `.json` (any case) decides the format.
    ///
    /// Relative `api_key_file` and `ca_cert` paths in it are relative to its directory.
    pub fn from_path(path: impl AsRef<Path>) -> Result<ConfigFile, ConfigError> {
        let (file, report) = ConfigFile::read_lenient(path.as_ref())?;
        file.into_result(report)
    }

    /// Reads a file, keeping the problems found in it beside what could be read
    /// (only an unreadable file or a syntax error is an error here).
    pub(crate) fn read_lenient(path: &Path) -> Result<(ConfigFile, Report), ConfigError> {
        let format = format_of(path)?;
        let text = read_capped_string(path, FileKind::Config).map_err(|source| {
            ConfigError::UnreadableFile {
                path: path.to_path_buf(),
                source,
            }
        })?;
        ConfigFile::parse_lenient(&text, format, Some(path))
    }

    /// Reads and checks a TOML document.
    pub fn parse_toml(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(text, ConfigFormat::Toml)
    }

    /// Reads and checks a JSON document of the same shape
    /// (`{"default_profile": …, "profiles": {"NAME": {…}}}`).
    pub fn parse_json(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(text, ConfigFormat::Json)
    }

    /// Reads and checks a document in `format`. Every problem in every profile is
    /// reported at once in [`ConfigError::Invalid`].
    pub fn parse(text: &str, format: ConfigFormat) -> Result<ConfigFile, ConfigError> {
        let (file, report) = ConfigFile::parse_lenient(text, format, None)?;
        file.into_result(report)
    }

    /// Writes the config as TOML. Prices are written exactly as decimals.
    ///
    /// Never writes an API key: a profile holding one inline
    /// ([`KeySource::Inline`](crate::KeySource::Inline)) makes this fail with
    /// [`ConfigError::InlineKeyNotWritten`]; store such keys with
    /// [`write_key_file`](crate::write_key_file) first.
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        write::to_toml(self)
    }

    /// The file this config was read from, when it was read from one.
    pub fn path(&self) -> Option<&Path> {
        self.origin.path.as_deref()
    }

    /// The names of the profiles, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }

    /// Parses and checks, returning the file and the problems found (a syntax error
    /// stops at once).
    pub(crate) fn parse_lenient(
        text: &str,
        format: ConfigFormat,
        path: Option<&Path>,
    ) -> Result<(ConfigFile, Report), ConfigError> {
        let root = tree::parse_document(text, format, path)?;
        let mut cx = Cx::new(format);
        let convert::Document {
            default_profile,
            catalog,
            profiles,
        } = convert::config_file(&mut cx, &root);
        let Cx {
            mut report, lines, ..
        } = cx;
        let file = ConfigFile {
            default_profile,
            catalog,
            profiles,
            origin: Origin {
                path: path.map(Path::to_path_buf),
                lines,
            },
        };
        file.check(&mut report);
        Ok((file, report))
    }

    /// The rules on typed values, for every profile.
    pub(crate) fn check(&self, report: &mut Report) {
        for (name, profile) in &self.profiles {
            let at = child("profiles", name);
            validate::profile(profile, &at, report);
            check_profile_urls(profile, &at, report);
        }
        if let Some(name) = &self.default_profile
            && !self.profiles.contains_key(name)
        {
            report.problem(
                ProblemKind::UnknownProfile,
                "default_profile",
                self.unknown_profile_message(name),
            );
        }
    }

    /// "no profile named `x`; did you mean `y`? …" — the same text wherever a
    /// missing profile is named, so repeats collapse into one problem.
    pub(crate) fn unknown_profile_message(&self, name: &str) -> String {
        if self.profiles.is_empty() {
            let place = self
                .path()
                .map_or_else(|| "the config".to_owned(), |p| ShownPath(p).to_string());
            return format!(
                "there is no profile named `{name}`: {place} defines no profiles; add a [profiles.{name}] table"
            );
        }
        let names = self.profile_names();
        let mut message = format!("there is no profile named `{name}`");
        if let Some(suggestion) = closest(name, names.iter().copied()) {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        message.push_str(&format!(" (profiles: {})", names.join(", ")));
        message
    }

    /// The config file's directory, for relative paths.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.path().and_then(Path::parent)
    }

    /// Gives each problem the line of its path (see [`place_problems`]).
    pub(crate) fn place(&self, problems: &mut [Problem]) {
        place_problems(&self.origin.lines, problems);
    }

    fn into_result(self, report: Report) -> Result<ConfigFile, ConfigError> {
        let mut problems = report.problems;
        if problems.is_empty() {
            return Ok(self);
        }
        self.place(&mut problems);
        Err(ConfigError::Invalid {
            file: self.origin.path,
            problems,
        })
    }
}

/// `.toml` or `.json`, any case.
pub(crate) fn format_of(path: &Path) -> Result<ConfigFormat, ConfigError> {
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("toml") => Ok(ConfigFormat::Toml),
        Some("json") => Ok(ConfigFormat::Json),
        _ => Err(ConfigError::UnsupportedFormat {
            path: path.to_path_buf(),
        }),
    }
}
