//! Profiles, model info, secrets and validation for OpenAI-compatible providers.
//!
//! A profile is what a user sets to talk to one provider — base URL, API key,
//! model id and the model's configuration (context window, prices, …) — read from
//! a TOML or JSON config file, the environment and command-line flags (flags win,
//! then environment, then the profile, then built-in defaults), or built in code.
//! The result is a [`ResolvedProfile`]: URLs resolved, key loaded as a secret,
//! every default filled in.
//!
//! ```
//! use oac_config::{ConfigFile, Loader, MapEnv};
//!
//! let file = ConfigFile::parse_toml(r#"
//! default_profile = "local"
//!
//! [profiles.local]
//! base_url = "http://localhost:11434/v1"
//! model = "qwen2.5-coder:7b"
//!
//! [profiles.local.model_info]
//! context_window = 32768
//! input_price = 0.1
//! "#)?;
//! let loaded = Loader::new().env(MapEnv::new()).config_file(file).load()?;
//! let profile = &loaded.profile;
//! println!("POST {} (model {})", profile.endpoints().chat, profile.model());
//! assert_eq!(profile.endpoints().chat.as_str(), "http://localhost:11434/v1/chat/completions");
//! assert_eq!(profile.model(), "qwen2.5-coder:7b");
//! assert_eq!(profile.model_info().prices.input_price.unwrap().to_string(), "0.1"); // exact
//! # Ok::<(), oac_config::ConfigError>(())
//! ```
//!
//! - [`Loader`]: config file + environment + [`Overrides`] (flags) → [`Loaded`].
//!   Precedence: flags > environment > profile > defaults, with one deliberate
//!   exception: `OPENAI_API_KEY` is used only when the profile names no key source
//!   (`api_key`, `api_key_env`, `api_key_file`), so an exported OpenAI key never
//!   displaces the key a profile names for its own provider. A warning says when
//!   `OPENAI_BASE_URL` sends a profile's requests (and key) to another server, and
//!   when `OPENAI_API_KEY` is sent to a profile's host that is not OpenAI's.
//! - [`ConfigFile`]: read (`from_path`, `parse_toml`, `parse_json`) and write
//!   (`to_toml_string`) config files; every problem is reported at once in
//!   [`ConfigError::Invalid`], each naming its field path and the fix.
//! - [`ProfileBuilder`]: the same profile, built and checked in code.
//! - [`Catalog`]: the OpenAI-native model catalogue (limits, prices, request-rule
//!   family of `o1`, `o3-mini-high`, `gpt-4o`, `gpt-5`, …), embedded as data and
//!   extended by the user's file (`catalog = "…"` in the config, `OAC_CATALOG`, or
//!   `--catalog`). A native profile's [`ResolvedProfile::model_info`] is the
//!   catalogue entry with the profile's `model_info` applied field by field; an
//!   unknown native id gets the compatible defaults and a warning. A native
//!   profile is checked against its model: a `reasoning_effort` the model refuses
//!   is a problem (every request would fail); a `temperature` for a reasoning
//!   model, and an Azure OpenAI api-version older than reasoning models need, are
//!   warnings.
//! - [`import_kilo`] / [`import_kilo_at`]: profiles from a Kilo Code / Roo Code
//!   settings export or a Kilo Code 7 config (`kilo.json`, told apart by shape);
//!   literal keys (and credential headers such as `Authorization`) go to
//!   owner-only files ([`write_key_file`]), never into the config, and keys the
//!   file only references (`{env:VAR}`, `{file:PATH}`) stay references.
//!
//! API keys are [`SecretString`]s from the moment they are read: no `Debug`,
//! `Display`, error, warning, log line or written config ever contains one.

mod builder;
mod catalog;
#[cfg(test)]
mod catalog_file;
mod choice;
mod convert;
mod env;
mod file;
mod headers;
mod import;
mod loader;
mod model_info;
mod names;
#[cfg(test)]
mod names_file;
mod native_checks;
mod overrides;
mod prices;
mod problem;
mod profile;
mod resolve;
mod resolved;
mod schema;
mod tree;
mod validate;
mod write;

pub use oac_pricing::{Decimal, ModelPrices, PriceTier};
pub use oac_url::{EndpointMode, Endpoints};
pub use secrecy::{ExposeSecret, SecretString};

pub use builder::ProfileBuilder;
pub use catalog::{Catalog, CatalogEntry, ModelFamily, SystemPrompt};
pub use env::{
    CONFIG_FOLDER, ENV_API_KEY, ENV_BASE_URL, ENV_CATALOG, ENV_CONFIG, ENV_MODEL, ENV_PROFILE,
    Environment, LEGACY_CONFIG_FOLDER, MapEnv, ProcessEnv, config_dir, data_dir,
    default_config_path, path_for_config,
};
pub use file::ConfigFile;
pub use headers::Headers;
pub use import::{Import, ImportFormat, SkippedProfile, import_kilo, import_kilo_at};
pub use loader::{ConfigSource, Loaded, Loader};
pub use model_info::{EffortSupport, ModelInfo, ModelInfoOverrides, ReasoningEffort};
pub use oac_provider::{
    CompatibleRules, ModelRules, NativeModel, ParseChoiceError, ProviderConfig, RequestDefaults,
};
pub use overrides::{Overrides, parse_header};
pub use problem::{ConfigError, ConfigFormat, Problem, ProblemKind, Warning, WarningKind};
pub use profile::{
    ApiChoice, AuthStyle, AzureSettings, IncludeUsage, KeySource, MaxTokensField, Profile,
    ProviderChoice, Timeouts, is_openai_host,
};
pub use resolved::ResolvedProfile;
pub use schema::profile_key_table;
pub use write::write_key_file;
