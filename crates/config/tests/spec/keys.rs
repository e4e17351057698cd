//! Key sources, and proof that no output ever contains the key.

use oac_config::{
    ConfigError, ConfigFile, ExposeSecret, Loaded, MapEnv, Overrides, ProfileBuilder, SecretString,
    import_kilo,
};

use crate::common::{KEY, assert_no_key, load, load_ok, write};

/// Everything a user or a log could see of a successful load.
fn shown_loaded(loaded: &Loaded) -> String {
    let mut shown = format!("{loaded:?}\n{:?}\n", loaded.profile);
    for warning in &loaded.warnings {
        shown.push_str(&format!("{warning}\n{warning:?}\n"));
    }
    shown.push_str(&format!("{:?}", loaded.profile.key_source()));
    shown
}

/// Everything a user could see of a failed load.
fn shown_error(err: &ConfigError) -> String {
    format!("{err}\n{err:?}")
}

fn assert_key(loaded: &Loaded) {
    let key = loaded.profile.api_key().as_ref().map(|k| k.expose_secret());
    assert_eq!(key, Some(KEY));
    assert_no_key(&shown_loaded(loaded));
}

const BASE: &str = "base_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";

#[test]
fn inline_api_key() {
    let toml = format!("[profiles.p]\n{BASE}api_key = \"{KEY}\"\n");
    assert_key(&load_ok(&toml, MapEnv::new(), Overrides::new()));
    let file = ConfigFile::parse_toml(&toml).unwrap();
    assert_no_key(&format!("{file:?}"));
}

#[test]
fn inline_api_key_in_an_invalid_profile() {
    let toml = format!("[profiles.p]\n{BASE}api_key = \"{KEY}\"\ntemperature = 7\nbase_ur = 1\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn inline_api_key_of_the_wrong_type() {
    let toml = format!("[profiles.p]\n{BASE}api_key = [\"{KEY}\"]\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
    insta::assert_snapshot!("api_key_wrong_type", crate::common::problems(&err));
}

#[test]
fn unquoted_inline_key_syntax_error() {
    let toml = format!("[profiles.p]\n{BASE}api_key = {KEY}\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
    assert_no_key(&shown_error(&err));
    let json = format!("{{\"profiles\": {{\"p\": {{\"api_key\": {KEY}}}}}}}");
    let err = ConfigFile::parse_json(&json).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
    assert_no_key(&shown_error(&err));
}

#[test]
fn inline_api_key_beside_another_source() {
    let toml = format!("[profiles.p]\n{BASE}api_key = \"{KEY}\"\napi_key_file = \"k\"\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn api_key_env() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"TOGETHER_API_KEY\"\n");
    let env = MapEnv::new().set("TOGETHER_API_KEY", format!("  {KEY}\n"));
    assert_key(&load_ok(&toml, env, Overrides::new()));
}

#[test]
fn api_key_env_in_an_invalid_profile() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"TOGETHER_API_KEY\"\nmax_tokens = -1\n");
    let env = MapEnv::new().set("TOGETHER_API_KEY", KEY);
    let err = load(&toml, env, Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn api_key_env_holding_the_key_itself() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"{KEY}\"\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

/// A Mistral-style key: 32 letters and digits, mixed case, a valid identifier.
const MIXED_CASE_KEY: &str = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE";
/// A Fireworks-style key: lower case with `_`, a valid identifier.
const FIREWORKS_KEY: &str = "fw_3ZkLmN8pQrStUvWxYz12345";

#[test]
fn api_key_env_holding_a_mixed_case_key_is_not_echoed() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"{MIXED_CASE_KEY}\"\n");
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    let shown = shown_error(&err);
    assert!(!shown.contains(MIXED_CASE_KEY), "{shown}");
    insta::assert_snapshot!(
        "api_key_env_mixed_case_key_not_set",
        crate::common::problems(&err)
    );
    let file = ConfigFile::parse_toml(&toml).unwrap();
    let debug = format!("{file:?}");
    assert!(!debug.contains(MIXED_CASE_KEY), "{debug}");
}

#[test]
fn api_key_env_flag_holding_a_fireworks_key_is_not_echoed() {
    let toml = format!("[profiles.p]\n{BASE}");
    let flags = Overrides::new().api_key_env(FIREWORKS_KEY);
    let debug = format!("{flags:?}");
    assert!(!debug.contains(FIREWORKS_KEY), "{debug}");
    let err = load(&toml, MapEnv::new(), flags).unwrap_err();
    let shown = shown_error(&err);
    assert!(!shown.contains(FIREWORKS_KEY), "{shown}");
    insta::assert_snapshot!(
        "api_key_env_flag_fireworks_key_not_set",
        crate::common::problems(&err)
    );
}

#[test]
fn key_source_does_not_name_a_variable_that_looks_like_a_key() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"{FIREWORKS_KEY}\"\n");
    let env = MapEnv::new().set(FIREWORKS_KEY, KEY);
    let loaded = load_ok(&toml, env, Overrides::new());
    assert_key(&loaded);
    assert_eq!(
        loaded.profile.key_source(),
        Some("profiles.p.api_key_env (a variable whose name is not shown)")
    );
    let shown = shown_loaded(&loaded);
    assert!(!shown.contains(FIREWORKS_KEY), "{shown}");
}

#[test]
fn api_key_file_is_read_and_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = write(dir.path(), "together.key", &format!("\n{KEY}\n\n"));
    let toml = format!(
        "[profiles.p]\n{BASE}api_key_file = \"{}\"\n",
        key_file.display()
    );
    let loaded = load_ok(&toml, MapEnv::new(), Overrides::new());
    assert_key(&loaded);
    assert!(
        loaded
            .profile
            .key_source()
            .unwrap()
            .contains("together.key")
    );
}

#[test]
fn api_key_file_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "together.key", KEY);
    let config = write(
        dir.path(),
        "config.toml",
        &format!("[profiles.p]\n{BASE}api_key_file = \"together.key\"\n"),
    );
    let loaded = oac_config::Loader::new()
        .env(MapEnv::new())
        .overrides(Overrides::new().config(config))
        .load()
        .unwrap();
    assert_key(&loaded);
}

#[test]
fn api_key_file_under_home() {
    let home = tempfile::tempdir().unwrap();
    write(home.path(), "together.key", KEY);
    let toml = format!("[profiles.p]\n{BASE}api_key_file = \"~/together.key\"\n");
    let env = MapEnv::new()
        .set("HOME", home.path().to_str().unwrap())
        .set("USERPROFILE", home.path().to_str().unwrap());
    assert_key(&load_ok(&toml, env, Overrides::new()));
}

#[test]
fn empty_api_key_file_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = write(dir.path(), "empty.key", " \n");
    let toml = format!(
        "[profiles.p]\n{BASE}api_key_file = \"{}\"\n",
        key_file.display()
    );
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    let problems = crate::common::problems(&err);
    assert!(
        problems.contains(&key_file.display().to_string()),
        "{problems}"
    );
    assert!(problems.contains("is empty"), "{problems}");
}

#[test]
fn api_key_file_with_several_lines_is_refused_without_showing_it() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = write(
        dir.path(),
        ".env",
        &format!("OPENAI_API_KEY={KEY}\nOTHER=1\n"),
    );
    let toml = format!(
        "[profiles.p]\n{BASE}api_key_file = \"{}\"\n",
        key_file.display()
    );
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
    assert!(crate::common::problems(&err).contains("only the API key"));
}

#[test]
fn api_key_file_in_an_invalid_profile() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = write(dir.path(), "k", KEY);
    let toml = format!(
        "[profiles.p]\n{BASE}api_key_file = \"{}\"\ntemperature = \"hot\"\n",
        key_file.display()
    );
    let err = load(&toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn openai_api_key_when_the_profile_names_no_source() {
    let toml = format!("[profiles.p]\n{BASE}");
    let env = MapEnv::new().set("OPENAI_API_KEY", KEY);
    let loaded = load_ok(&toml, env, Overrides::new());
    assert_key(&loaded);
    assert_eq!(loaded.profile.key_source(), Some("OPENAI_API_KEY"));
}

#[test]
fn openai_api_key_is_not_used_when_the_profile_names_a_source() {
    let toml = format!("[profiles.p]\n{BASE}api_key_env = \"TOGETHER_API_KEY\"\n");
    let env = MapEnv::new()
        .set("OPENAI_API_KEY", "sk-openai")
        .set("TOGETHER_API_KEY", KEY);
    assert_key(&load_ok(&toml, env, Overrides::new()));
}

#[test]
fn openai_api_key_in_an_invalid_profile() {
    let toml = format!("[profiles.p]\n{BASE}temperature = 5\n");
    let env = MapEnv::new().set("OPENAI_API_KEY", KEY);
    let err = load(&toml, env, Overrides::new()).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn api_key_env_flag() {
    let toml = format!("[profiles.p]\n{BASE}api_key = \"sk-inline-other\"\n");
    let env = MapEnv::new().set("MY_KEY", KEY);
    let flags = Overrides::new().api_key_env("MY_KEY");
    assert_no_key(&format!("{flags:?}"));
    assert_key(&load_ok(&toml, env, flags));
}

#[test]
fn api_key_env_flag_in_an_invalid_setup() {
    let toml = format!("[profiles.p]\n{BASE}");
    let env = MapEnv::new().set("MY_KEY", KEY);
    let flags = Overrides::new()
        .api_key_env("MY_KEY")
        .header(format!("Authorization Bearer {KEY}"));
    let err = load(&toml, env, flags).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn api_key_env_flag_holding_the_key_itself() {
    let toml = format!("[profiles.p]\n{BASE}");
    let err = load(&toml, MapEnv::new(), Overrides::new().api_key_env(KEY)).unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn builder_key() {
    let profile = ProfileBuilder::new()
        .base_url("https://api.together.xyz/v1")
        .model("m")
        .api_key(SecretString::from(KEY))
        .build()
        .unwrap();
    assert_eq!(profile.api_key().as_ref().unwrap().expose_secret(), KEY);
    assert_no_key(&format!("{profile:?}"));
    let err = ProfileBuilder::new()
        .base_url("ftp://x")
        .model("m")
        .temperature(9.0)
        .api_key(SecretString::from(KEY))
        .build()
        .unwrap_err();
    assert_no_key(&shown_error(&err));
}

#[test]
fn kilo_import_keys() {
    let export = format!(
        r#"{{"providerProfiles": {{"currentApiConfigName": "p", "apiConfigs": {{
            "p": {{"apiProvider": "openai", "openAiBaseUrl": "https://api.together.xyz/v1",
                   "openAiApiKey": "{KEY}", "openAiModelId": "m", "modelTemperature": 9}},
            "bad": {{"apiProvider": "openai", "openAiApiKey": ["{KEY}"]}},
            "other": {{"apiProvider": "anthropic", "apiKey": "{KEY}"}}
        }}}}}}"#
    );
    let mut import = import_kilo(&export).unwrap();
    assert_eq!(import.keys.len(), 1);
    assert_eq!(import.keys[0].0, "p");
    assert_eq!(import.keys[0].1.expose_secret(), KEY);
    let mut shown = format!("{import:?}");
    for warning in &import.warnings {
        shown.push_str(&format!("\n{warning}"));
    }
    for skipped in &import.skipped {
        shown.push_str(&format!("\n{skipped}"));
    }
    shown.push_str(&import.ignored.join("\n"));
    shown.push_str(&import.config.to_toml_string().unwrap());
    assert_no_key(&shown);

    let dir = tempfile::tempdir().unwrap();
    let files = import.store_keys(&dir.path().join("keys")).unwrap();
    let toml = import.config.to_toml_string().unwrap();
    assert_no_key(&toml);
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap().trim(), KEY);
}

#[test]
fn writing_a_config_with_an_inline_key_is_refused() {
    let toml = format!("[profiles.p]\n{BASE}api_key = \"{KEY}\"\n");
    let file = ConfigFile::parse_toml(&toml).unwrap();
    let err = file.to_toml_string().unwrap_err();
    assert!(matches!(err, ConfigError::InlineKeyNotWritten { .. }));
    assert_no_key(&shown_error(&err));
    insta::assert_snapshot!("inline_key_not_written", err.to_string());
}

#[test]
fn sensitive_header_values_are_redacted_in_debug() {
    let toml = format!(
        "[profiles.p]\n{BASE}\n[profiles.p.headers]\nX-Api-Key = \"{KEY}\"\nX-Title = \"my app\"\n"
    );
    let loaded = load_ok(&toml, MapEnv::new(), Overrides::new());
    let shown = format!("{:?}", loaded.profile.headers());
    assert!(shown.contains("my app"), "{shown}");
    assert_no_key(&shown_loaded(&loaded));
    let file = ConfigFile::parse_toml(&toml).unwrap();
    assert_no_key(&format!("{file:?}"));
}

// ---- commands that send nothing need no readable key ----

fn load_without_key(toml: &str) -> Result<oac_config::Loaded, oac_config::ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::common::write(dir.path(), "config.toml", toml);
    oac_config::Loader::new()
        .env(MapEnv::new())
        .overrides(Overrides::new().config(path))
        .require_key(false)
        .load()
}

#[test]
fn unset_key_variable_is_a_warning_when_the_key_is_not_required() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\napi_key_env = \"TOGETHER_API_KEY\"\nmodel = \"m\"\n";
    let loaded = load_without_key(toml).unwrap();
    assert!(loaded.profile.api_key().is_none());
    let shown: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|w| w.kind == oac_config::WarningKind::MissingKey)
        .map(ToString::to_string)
        .collect();
    assert!(
        shown
            .iter()
            .any(|w| w.contains("`TOGETHER_API_KEY` is not set")),
        "{shown:?}"
    );
    // Required (the default), the same profile does not load.
    let err = crate::common::load(toml, MapEnv::new(), Overrides::new()).unwrap_err();
    assert!(
        err.to_string().contains("`TOGETHER_API_KEY` is not set"),
        "{err}"
    );
}

#[test]
fn missing_key_file_is_a_warning_when_the_key_is_not_required() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\napi_key_file = \"/nonexistent/oac-test.key\"\nmodel = \"m\"\n";
    let loaded = load_without_key(toml).unwrap();
    assert!(loaded.profile.api_key().is_none());
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.to_string().contains("cannot read the key file")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn a_key_variable_that_is_not_a_name_stays_an_error_when_the_key_is_not_required() {
    // A static mistake in the file is not about whether a key can be read now.
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\napi_key_env = \"sk-not a name\"\nmodel = \"m\"\n";
    assert!(load_without_key(toml).is_err());
}

#[test]
fn kilo7_import_keys() {
    // A literal key, a literal credential header, and keys the import cannot take
    // (mixed with a reference; a "variable name" that is the key): only the first
    // two are imported, only ever as secrets.
    let config = format!(
        r#"{{
        // kilo.jsonc
        "model": "p/m",
        "provider": {{
            "p": {{"npm": "@ai-sdk/openai-compatible",
                   "options": {{"baseURL": "https://api.together.xyz/v1", "apiKey": "{KEY}",
                                "headers": {{"Authorization": "Bearer {KEY}"}}}},
                   "models": {{"m": {{"cost": {{"input": "{KEY}"}}}}}}}},
            "h": {{"npm": "@ai-sdk/openai-compatible",
                   "options": {{"baseURL": "https://api.together.xyz/v1",
                                "headers": {{"X-Api-Key": "{KEY}"}}}},
                   "models": {{"m": {{}}}}}},
            "mixed": {{"npm": "@ai-sdk/openai-compatible",
                   "options": {{"baseURL": "https://api.together.xyz/v1", "apiKey": "{KEY}{{env:X}}"}},
                   "models": {{"m": {{}}}}}},
            "var": {{"npm": "@ai-sdk/openai-compatible",
                   "options": {{"baseURL": "https://api.together.xyz/v1", "apiKey": "{{env:{KEY}}}"}},
                   "models": {{"m": {{}}}}}},
            "other": {{"npm": "@ai-sdk/anthropic", "options": {{"apiKey": "{KEY}"}}}}
        }}
    }}"#
    );
    let mut import = import_kilo(&config).unwrap();
    let names: Vec<&str> = import.keys.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["p", "h"]);
    assert!(
        import
            .keys
            .iter()
            .all(|(_, key)| key.expose_secret() == KEY)
    );
    let mut shown = format!("{import:?}");
    for warning in &import.warnings {
        shown.push_str(&format!("\n{warning}\n{warning:?}"));
    }
    for skipped in &import.skipped {
        shown.push_str(&format!("\n{skipped}"));
    }
    shown.push_str(&import.ignored.join("\n"));
    shown.push_str(&import.config.to_toml_string().unwrap());
    assert_no_key(&shown);

    let dir = tempfile::tempdir().unwrap();
    let files = import.store_keys(&dir.path().join("keys")).unwrap();
    assert_no_key(&import.config.to_toml_string().unwrap());
    assert_eq!(files.len(), 2);
    for file in &files {
        assert_eq!(std::fs::read_to_string(file).unwrap().trim(), KEY);
    }
}
