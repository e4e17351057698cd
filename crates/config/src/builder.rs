//! Building a [`ResolvedProfile`] in code, with the same validation as a file.

use std::fmt;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::catalog::Catalog;
use crate::env::{Environment, ProcessEnv};
use crate::model_info::{ModelInfo, ModelInfoOverrides};
use crate::overrides::Overrides;
use crate::problem::{ConfigError, Report, Warning};
use crate::profile::{KeySource, Profile};
use crate::resolve::{Layers, check_profile_urls, resolve};
use crate::resolved::ResolvedProfile;
use crate::validate;

/// Builds a [`ResolvedProfile`] from code, checked by the same rules as a config
/// file (problems name the setting: `base_url`, `model_info.input_price`, …).
///
/// There is one setter per profile setting, named like its key (`base_url`,
/// `temperature`, `timeout` for `timeout_secs`, …); the setters of single values
/// are declared with the settings themselves, in the profile schema.
///
/// Nothing is read from `OPENAI_*` variables: a profile built in code says what it
/// means. [`ProfileBuilder::api_key_env`] reads the named variable from the process
/// environment (or the one given with [`ProfileBuilder::env`]).
///
/// ```
/// use oac_config::{ProfileBuilder, SecretString};
///
/// let profile = ProfileBuilder::new()
///     .base_url("https://api.together.xyz/v1")
///     .api_key(SecretString::from("tg-example"))
///     .model("meta-llama/Llama-3.3-70B-Instruct-Turbo")
///     .build()?;
/// assert_eq!(
///     profile.endpoints().chat.as_str(),
///     "https://api.together.xyz/v1/chat/completions"
/// );
/// assert!(!format!("{profile:?}").contains("tg-example"));
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub struct ProfileBuilder {
    name: Option<String>,
    pub(crate) profile: Profile,
    env: Box<dyn Environment>,
    catalog: Option<Catalog>,
}

impl Default for ProfileBuilder {
    fn default() -> Self {
        ProfileBuilder::new()
    }
}

impl fmt::Debug for ProfileBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileBuilder")
            .field("name", &self.name)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl ProfileBuilder {
    /// Nothing set: provider `auto`, every setting at its default.
    pub fn new() -> Self {
        ProfileBuilder {
            name: None,
            profile: Profile::default(),
            env: Box::new(ProcessEnv),
            catalog: None,
        }
    }

    /// Starts from a profile as written (e.g. one of a [`ConfigFile`](crate::ConfigFile)).
    pub fn from_profile(profile: Profile) -> Self {
        ProfileBuilder {
            profile,
            ..ProfileBuilder::new()
        }
    }

    /// Where [`api_key_env`](Self::api_key_env) variables are read (default: the
    /// process environment).
    #[must_use]
    pub fn env(mut self, env: impl Environment + 'static) -> Self {
        self.env = Box::new(env);
        self
    }

    /// The native-model catalogue to use instead of [`Catalog::builtin`].
    #[must_use]
    pub fn catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// The profile's name, shown in diagnostics.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The API key itself (replaces any other key source).
    #[must_use]
    pub fn api_key(mut self, key: SecretString) -> Self {
        self.profile.key = Some(KeySource::Inline(key));
        self
    }

    /// `api_key_env`: the variable holding the key (replaces any other key source).
    #[must_use]
    pub fn api_key_env(mut self, var: impl Into<String>) -> Self {
        self.profile.key = Some(KeySource::Env(var.into()));
        self
    }

    /// `api_key_file`: the file holding the key (replaces any other key source).
    #[must_use]
    pub fn api_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.profile.key = Some(KeySource::File(path.into()));
        self
    }

    /// One header of `headers` (a later one of the same name wins).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.profile.headers.insert(name, value);
        self
    }

    /// One parameter of `query`.
    #[must_use]
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.profile.query.push((name.into(), value.into()));
        self
    }

    /// The model's whole description (e.g. from your own catalogue); replaces any
    /// `model_info` set before. What it leaves unknown (`max_output_tokens`, the
    /// prices) may still be filled from what the server reports; turn that off with
    /// [`discover_model_info(false)`](Self::discover_model_info).
    #[must_use]
    pub fn model_info(mut self, info: ModelInfo) -> Self {
        self.profile.model_info = ModelInfoOverrides::from(info);
        self
    }

    /// Field-by-field overrides of the model's description; replaces any
    /// `model_info` set before.
    #[must_use]
    pub fn model_info_overrides(mut self, overrides: ModelInfoOverrides) -> Self {
        self.profile.model_info = overrides;
        self
    }

    /// Checks everything and resolves the profile; warnings are logged with `tracing`.
    pub fn build(self) -> Result<ResolvedProfile, ConfigError> {
        let (profile, warnings) = self.build_with_warnings()?;
        for warning in &warnings {
            tracing::warn!(path = %warning.path, "{}", warning.message);
        }
        Ok(profile)
    }

    /// Like [`build`](Self::build), returning the warnings instead of logging them.
    pub fn build_with_warnings(self) -> Result<(ResolvedProfile, Vec<Warning>), ConfigError> {
        let mut report = Report::default();
        validate::profile(&self.profile, "", &mut report);
        check_profile_urls(&self.profile, "", &mut report);
        let overrides = Overrides::default();
        let layers = Layers {
            name: self.name.as_deref(),
            profile: &self.profile,
            at: String::new(),
            overrides: &overrides,
            env: &*self.env,
            read_openai_env: false,
            base_dir: None,
            require_model: true,
            require_key: true,
            catalog: self.catalog.as_ref(),
            catalog_usable: true,
        };
        match resolve(&layers, &mut report) {
            Some(profile) if report.problems.is_empty() => Ok((profile, report.warnings)),
            _ => Err(ConfigError::Invalid {
                file: None,
                problems: report.problems,
            }),
        }
    }
}
