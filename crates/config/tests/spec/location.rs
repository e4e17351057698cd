//! Where the config file comes from: `--config` > `OAC_CONFIG` > the platform
//! config dir (when the file exists) > none.

use oac_config::{ConfigError, ConfigSource, Loader, MapEnv, Overrides};

use crate::common::write;

const PROFILE: &str = "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"from-{}\"\n";

fn config(dir: &std::path::Path, name: &str, tag: &str) -> std::path::PathBuf {
    write(dir, name, &PROFILE.replace("{}", tag))
}

/// A home whose platform config dir holds `oac/config.toml`.
fn home_with_default_config(tag: &str) -> (tempfile::TempDir, MapEnv) {
    let home = tempfile::tempdir().unwrap();
    let env = MapEnv::new()
        .set("HOME", home.path().to_str().unwrap())
        .set(
            "XDG_CONFIG_HOME",
            home.path().join(".config").to_str().unwrap(),
        )
        .set("APPDATA", home.path().join("AppData").to_str().unwrap());
    let path = oac_config::default_config_path(&env).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, PROFILE.replace("{}", tag)).unwrap();
    (home, env)
}

#[test]
fn config_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let flag = config(dir.path(), "flag.toml", "flag");
    let env_file = config(dir.path(), "env.toml", "env");
    let (_home, env) = home_with_default_config("default");
    let env = env.set("OAC_CONFIG", env_file.to_str().unwrap());
    let loaded = Loader::new()
        .env(env)
        .overrides(Overrides::new().config(&flag))
        .load()
        .unwrap();
    assert_eq!(loaded.profile.model(), "from-flag");
    assert_eq!(loaded.source, ConfigSource::Flag(flag));
}

#[test]
fn oac_config_comes_next() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = config(dir.path(), "env.toml", "env");
    let (_home, env) = home_with_default_config("default");
    let env = env.set("OAC_CONFIG", env_file.to_str().unwrap());
    let loaded = Loader::new().env(env).load().unwrap();
    assert_eq!(loaded.profile.model(), "from-env");
    assert_eq!(loaded.source, ConfigSource::Env(env_file));
}

#[test]
fn platform_default_is_used_when_it_exists() {
    let (_home, env) = home_with_default_config("default");
    let expected = oac_config::default_config_path(&env).unwrap();
    let loaded = Loader::new().env(env).load().unwrap();
    assert_eq!(loaded.profile.model(), "from-default");
    assert_eq!(loaded.source, ConfigSource::DefaultLocation(expected));
}

#[test]
fn missing_platform_default_is_fine() {
    let home = tempfile::tempdir().unwrap();
    let env = MapEnv::new()
        .set("HOME", home.path().to_str().unwrap())
        .set("APPDATA", home.path().to_str().unwrap())
        .set("OPENAI_BASE_URL", "http://localhost:1/v1")
        .set("OPENAI_MODEL", "m");
    let loaded = Loader::new().env(env).load().unwrap();
    assert!(matches!(
        loaded.source,
        ConfigSource::NoFile { looked_at: Some(_) }
    ));
    assert!(
        loaded.source.to_string().contains("does not exist"),
        "{}",
        loaded.source
    );
}

#[test]
fn missing_named_config_file_is_an_error() {
    let env = MapEnv::new().set("OAC_CONFIG", "/nonexistent/oac-test/config.toml");
    let err = Loader::new().env(env).load().unwrap_err();
    assert!(matches!(err, ConfigError::UnreadableFile { .. }), "{err}");
    let err = Loader::new()
        .env(MapEnv::new())
        .overrides(Overrides::new().config("/nonexistent/oac-test/config.json"))
        .load()
        .unwrap_err();
    assert!(matches!(err, ConfigError::UnreadableFile { .. }), "{err}");
}

#[test]
fn json_config_file_is_read_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config.json",
        r#"{"profiles": {"p": {"base_url": "http://localhost:1/v1", "model": "json-model"}}}"#,
    );
    let loaded = Loader::new()
        .env(MapEnv::new().set("OAC_CONFIG", path.to_str().unwrap()))
        .load()
        .unwrap();
    assert_eq!(loaded.profile.model(), "json-model");
}

#[test]
fn profile_named_without_any_config_file() {
    let err = Loader::new()
        .env(MapEnv::new())
        .overrides(Overrides::new().profile("together"))
        .load()
        .unwrap_err();
    insta::assert_snapshot!("profile_without_config_file", crate::common::problems(&err));
}

#[test]
fn require_model_can_be_turned_off() {
    let env = MapEnv::new().set("OPENAI_BASE_URL", "http://localhost:1/v1");
    let loaded = Loader::new().env(env).require_model(false).load().unwrap();
    assert_eq!(loaded.profile.model(), "");
}

/// A config file in the folder of earlier releases (`openai-compat/`) is still read
/// when the current folder (`oac/`) has none, and the current one wins when both exist.
#[test]
fn legacy_config_folder_still_works() {
    let home = tempfile::tempdir().unwrap();
    let config_home = home.path().join(".config");
    let env = MapEnv::new()
        .set("HOME", home.path().to_str().unwrap())
        .set("XDG_CONFIG_HOME", config_home.to_str().unwrap())
        .set("APPDATA", config_home.to_str().unwrap());
    let legacy = config_home
        .join(oac_config::LEGACY_CONFIG_FOLDER)
        .join("config.toml");
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    std::fs::write(&legacy, PROFILE.replace("{}", "legacy")).unwrap();
    if cfg!(target_os = "macos") {
        return; // The platform dir is under HOME there; the rule is the same.
    }
    let loaded = Loader::new().env(env.clone()).load().unwrap();
    assert_eq!(loaded.profile.model(), "from-legacy");
    assert_eq!(loaded.source, ConfigSource::DefaultLocation(legacy));

    let current = config_home
        .join(oac_config::CONFIG_FOLDER)
        .join("config.toml");
    std::fs::create_dir_all(current.parent().unwrap()).unwrap();
    std::fs::write(&current, PROFILE.replace("{}", "current")).unwrap();
    let loaded = Loader::new().env(env).load().unwrap();
    assert_eq!(loaded.profile.model(), "from-current");
    assert_eq!(loaded.source, ConfigSource::DefaultLocation(current));
}
