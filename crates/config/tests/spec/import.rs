//! Import of a Kilo Code / Roo Code settings export.

use openai_compat_config::{
    AzureSettings, ConfigError, ConfigFile, Decimal, EffortSupport, ExposeSecret, KeySource,
    ProviderChoice, ReasoningEffort, SkippedProfile, WarningKind, import_kilo,
};

const EXPORT: &str = include_str!("../fixtures/kilo-settings-export.json");

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn openai_profiles_are_imported_and_others_skipped() {
    let import = import_kilo(EXPORT).unwrap();
    assert_eq!(
        import.config.profile_names(),
        [
            "azure-prod",
            "local-ollama",
            "openai-o3-mini",
            "openrouter-r1",
            "together"
        ]
    );
    assert_eq!(import.skipped.len(), 1);
    assert_eq!(import.skipped[0].name, "claude");
    assert_eq!(import.skipped[0].api_provider.as_deref(), Some("anthropic"));
    assert_eq!(import.config.default_profile.as_deref(), Some("together"));
}

#[test]
fn compatible_profile_fields_are_mapped() {
    let import = import_kilo(EXPORT).unwrap();
    let p = &import.config.profiles["together"];
    assert_eq!(p.provider, Some(ProviderChoice::Compatible));
    assert_eq!(p.base_url.as_deref(), Some("https://api.together.xyz/v1"));
    assert_eq!(
        p.model.as_deref(),
        Some("meta-llama/Llama-3.3-70B-Instruct-Turbo")
    );
    assert_eq!(p.key, None, "keys are kept beside the profiles");
    assert_eq!(p.streaming, Some(true));
    assert_eq!(p.r1_format, Some(false));
    assert_eq!(p.include_max_tokens, Some(true));
    assert_eq!(p.max_tokens, Some(4096));
    assert_eq!(p.temperature, Some(0.7));
    let info = &p.model_info;
    assert_eq!(info.max_output_tokens, Some(8192));
    assert_eq!(info.context_window, Some(131_072));
    assert_eq!(info.supports_images, Some(false));
    assert_eq!(info.supports_computer_use, Some(false));
    assert_eq!(info.supports_prompt_cache, Some(false));
    assert_eq!(info.prices.input_price, Some(dec("0.88")));
    assert_eq!(info.prices.output_price, Some(dec("0.88")));
    assert_eq!(info.prices.cache_read_price, Some(dec("0.1")));
    assert_eq!(info.prices.cache_write_price, Some(dec("0.2")));
}

#[test]
fn minus_one_and_null_mean_unset() {
    let import = import_kilo(EXPORT).unwrap();
    let r1 = &import.config.profiles["openrouter-r1"];
    assert_eq!(r1.model_info.max_output_tokens, None);
    assert_eq!(r1.temperature, None);
    assert_eq!(import.config.profiles["azure-prod"].max_tokens, None);
}

#[test]
fn headers_reasoning_and_r1_are_mapped() {
    let import = import_kilo(EXPORT).unwrap();
    let r1 = &import.config.profiles["openrouter-r1"];
    assert_eq!(
        r1.headers.get("HTTP-Referer"),
        Some("https://example.com/my-app")
    );
    assert_eq!(r1.headers.get("X-Title"), Some("My App"));
    assert_eq!(r1.r1_format, Some(true));
    assert_eq!(r1.reasoning_effort, Some(ReasoningEffort::Medium));
    assert_eq!(r1.model_info.reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(
        r1.model_info.supports_reasoning_effort,
        Some(EffortSupport::Levels(vec![
            ReasoningEffort::Low,
            ReasoningEffort::Medium,
            ReasoningEffort::High
        ]))
    );
}

#[test]
fn azure_settings_are_mapped() {
    let import = import_kilo(EXPORT).unwrap();
    let azure = &import.config.profiles["azure-prod"];
    assert_eq!(
        azure.azure,
        Some(AzureSettings::new().api_version("2024-10-21"))
    );
    assert_eq!(azure.model.as_deref(), Some("gpt4o-prod"));
}

#[test]
fn native_profile_uses_the_native_fields() {
    let import = import_kilo(EXPORT).unwrap();
    let native = &import.config.profiles["openai-o3-mini"];
    assert_eq!(native.provider, Some(ProviderChoice::OpenAiNative));
    assert_eq!(native.base_url, None, "an empty base URL means the default");
    assert_eq!(native.model.as_deref(), Some("o3-mini"));
    assert_eq!(native.reasoning_effort, Some(ReasoningEffort::High));
    let key = import
        .keys
        .iter()
        .find(|(name, _)| name == "openai-o3-mini")
        .unwrap();
    assert!(key.1.expose_secret().starts_with("sk-proj-FIXTURE"));
}

#[test]
fn keys_are_carried_beside_the_profiles() {
    let import = import_kilo(EXPORT).unwrap();
    let names: Vec<&str> = import.keys.iter().map(|(name, _)| name.as_str()).collect();
    // local-ollama has an empty key; claude was skipped.
    assert_eq!(
        names,
        ["together", "openrouter-r1", "azure-prod", "openai-o3-mini"]
    );
}

#[test]
fn ignored_fields_are_listed() {
    let import = import_kilo(EXPORT).unwrap();
    insta::assert_snapshot!("kilo_ignored_fields", import.ignored.join("\n"));
}

#[test]
fn skipped_profiles_and_warnings_are_reported() {
    let import = import_kilo(EXPORT).unwrap();
    let mut report: Vec<String> = import
        .skipped
        .iter()
        .map(SkippedProfile::to_string)
        .collect();
    report.extend(import.warnings.iter().map(ToString::to_string));
    insta::assert_snapshot!("kilo_skipped_and_warnings", report.join("\n"));
    let kinds: Vec<WarningKind> = import.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::ZeroPrices));
}

#[test]
fn imported_config_as_toml() {
    let mut import = import_kilo(EXPORT).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let files = import.store_keys(&keys).unwrap();
    assert_eq!(files.len(), 4);
    for path in &files {
        assert!(path.starts_with(&keys));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
    }
    let toml = import.config.to_toml_string().unwrap();
    let shown = toml.replace(keys.to_str().unwrap(), "<KEYS>");
    insta::assert_snapshot!("kilo_import_toml", shown);
}

#[test]
fn import_round_trips_through_toml_exactly() {
    let mut import = import_kilo(EXPORT).unwrap();
    let dir = tempfile::tempdir().unwrap();
    import.store_keys(dir.path()).unwrap();
    let toml = import.config.to_toml_string().unwrap();
    let loaded = ConfigFile::parse_toml(&toml).unwrap();
    assert_eq!(loaded, import.config);
    let together = &loaded.profiles["together"];
    assert_eq!(
        together.model_info.prices.input_price.unwrap().to_string(),
        "0.88"
    );
    match &together.key {
        Some(KeySource::File(path)) => {
            assert_eq!(
                std::fs::read_to_string(path).unwrap().trim(),
                "tgp_v1_FIXTURE-together-0000000000000000000000"
            );
        }
        other => panic!("expected api_key_file, got {other:?}"),
    }
}

#[test]
fn imported_profiles_load() {
    let mut import = import_kilo(EXPORT).unwrap();
    let dir = tempfile::tempdir().unwrap();
    import.store_keys(dir.path()).unwrap();
    for name in import.config.profile_names() {
        let loaded = openai_compat_config::Loader::new()
            .env(openai_compat_config::MapEnv::new())
            .config_file(import.config.clone())
            .overrides(openai_compat_config::Overrides::new().profile(name))
            .load()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(loaded.profile.name.as_deref(), Some(name));
    }
}

#[test]
fn disabled_reasoning_effort_is_not_imported() {
    let export = r#"{"providerProfiles": {"apiConfigs": {"p": {"apiProvider": "openai",
        "openAiBaseUrl": "http://localhost:1/v1", "openAiModelId": "m",
        "enableReasoningEffort": false, "reasoningEffort": "high"}}}}"#;
    let import = import_kilo(export).unwrap();
    assert_eq!(import.config.profiles["p"].reasoning_effort, None);
}

#[test]
fn current_profile_that_was_skipped_sets_no_default() {
    let export = r#"{"providerProfiles": {"currentApiConfigName": "claude", "apiConfigs": {
        "claude": {"apiProvider": "anthropic"},
        "p": {"apiProvider": "openai", "openAiModelId": "m"}}}}"#;
    let import = import_kilo(export).unwrap();
    assert_eq!(import.config.default_profile, None);
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.path == "providerProfiles.currentApiConfigName"),
        "{:?}",
        import.warnings
    );
}

#[test]
fn bad_values_are_dropped_with_a_warning() {
    let export = r#"{"providerProfiles": {"apiConfigs": {"p": {"apiProvider": "openai",
        "openAiModelId": "m", "modelTemperature": "warm",
        "openAiCustomModelInfo": {"inputPrice": -3, "contextWindow": "big"}}}}}"#;
    let import = import_kilo(export).unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.temperature, None);
    assert_eq!(p.model_info.prices.input_price, None);
    assert_eq!(p.model_info.context_window, None);
    let shown: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("kilo_bad_values", shown.join("\n"));
}

#[test]
fn not_an_export() {
    for (input, expected) in [
        ("[1, 2]", "not a JSON object"),
        ("{\"globalSettings\": {}}", "`providerProfiles` is missing"),
        (
            "{\"providerProfiles\": {}}",
            "`providerProfiles.apiConfigs`",
        ),
    ] {
        let err = import_kilo(input).unwrap_err();
        assert!(matches!(err, ConfigError::NotAnExport { .. }), "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert!(matches!(import_kilo("{"), Err(ConfigError::Syntax { .. })));
}
