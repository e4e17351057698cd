//! Import of a Kilo Code / Roo Code settings export.

use oac_config::{
    AuthStyle, AzureSettings, ConfigError, ConfigFile, Decimal, EffortSupport, ExposeSecret,
    Import, KeySource, Loaded, Loader, MapEnv, Overrides, ProviderChoice, ReasoningEffort,
    SkippedProfile, WarningKind, import_kilo,
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
        let loaded = oac_config::Loader::new()
            .env(oac_config::MapEnv::new())
            .config_file(import.config.clone())
            .overrides(oac_config::Overrides::new().profile(name))
            .load()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(loaded.profile.name(), Some(name));
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
    let mut shown = Vec::new();
    for input in [
        "[1, 2]",
        "{\"globalSettings\": {}}",
        "{\"providerProfiles\": []}",
        "{\"providerProfiles\": {}}",
    ] {
        let err = import_kilo(input).unwrap_err();
        assert!(matches!(err, ConfigError::NotAnExport { .. }), "{err}");
        shown.push(format!("{input}\n  {err}"));
    }
    insta::assert_snapshot!("not_an_export", shown.join("\n"));
    assert!(matches!(import_kilo("{"), Err(ConfigError::Syntax { .. })));
}

/// An export with one `openai` profile `p` holding `fields` (JSON members).
fn export_of(fields: &str) -> String {
    format!(
        r#"{{"providerProfiles": {{"apiConfigs": {{"p": {{"apiProvider": "openai", "openAiModelId": "m", {fields}}}}}}}}}"#
    )
}

/// Stores the import's keys in a temporary directory and loads profile `p`.
fn load_imported(import: &mut Import) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    import.store_keys(dir.path()).unwrap();
    Loader::new()
        .env(MapEnv::new())
        .config_file(import.config.clone())
        .overrides(Overrides::new().profile("p"))
        .load()
        .unwrap()
}

fn warnings(import: &Import) -> String {
    let shown: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    shown.join("\n")
}

// ---- openAiUseAzure / azureApiVersion ----

#[test]
fn azure_api_version_without_use_azure_on_a_standard_host_is_ignored() {
    let mut import = import_kilo(&export_of(
        r#""openAiBaseUrl": "https://api.together.xyz/v1", "openAiApiKey": "tgp-k",
           "openAiUseAzure": false, "azureApiVersion": "2024-10-21""#,
    ))
    .unwrap();
    assert_eq!(import.config.profiles["p"].azure, None);
    assert_eq!(
        import.ignored,
        ["providerProfiles.apiConfigs.p.azureApiVersion"]
    );
    insta::assert_snapshot!("azure_api_version_on_standard_host", warnings(&import));
    let loaded = load_imported(&mut import);
    assert_eq!(
        loaded.profile.endpoints().chat.as_str(),
        "https://api.together.xyz/v1/chat/completions"
    );
    assert_eq!(*loaded.profile.auth(), AuthStyle::Bearer);
}

#[test]
fn azure_api_version_without_use_azure_or_base_url_is_ignored() {
    let import = import_kilo(&export_of(r#""azureApiVersion": "2024-10-21""#)).unwrap();
    assert_eq!(import.config.profiles["p"].azure, None);
    assert_eq!(
        import.ignored,
        ["providerProfiles.apiConfigs.p.azureApiVersion"]
    );
}

#[test]
fn use_azure_alone_makes_an_azure_profile_with_the_default_version() {
    let mut import = import_kilo(&export_of(
        r#""openAiBaseUrl": "https://apim.contoso.com/aoai", "openAiApiKey": "k",
           "openAiUseAzure": true"#,
    ))
    .unwrap();
    assert_eq!(
        import.config.profiles["p"].azure,
        Some(AzureSettings::new())
    );
    assert_eq!(import.warnings, []);
    let loaded = load_imported(&mut import);
    assert_eq!(
        loaded.profile.endpoints().chat.as_str(),
        "https://apim.contoso.com/aoai/openai/deployments/m/chat/completions?api-version=2024-08-01-preview"
    );
    assert_eq!(*loaded.profile.auth(), AuthStyle::ApiKeyHeader);
}

#[test]
fn azure_api_version_on_an_azure_openai_host_is_kept_without_use_azure() {
    let import = import_kilo(&export_of(
        r#""openAiBaseUrl": "https://res.cognitiveservices.azure.com", "openAiUseAzure": false,
           "azureApiVersion": "2024-10-21""#,
    ))
    .unwrap();
    assert_eq!(
        import.config.profiles["p"].azure,
        Some(AzureSettings::new().api_version("2024-10-21"))
    );
    assert_eq!(import.ignored, Vec::<String>::new());
}

#[test]
fn azure_api_version_on_an_ai_inference_host_is_the_query_api_version() {
    let mut import = import_kilo(&export_of(
        r#""openAiBaseUrl": "https://res.services.ai.azure.com/models", "openAiApiKey": "k",
           "openAiUseAzure": true, "azureApiVersion": "2024-10-21""#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.azure, None);
    assert_eq!(
        p.query,
        [("api-version".to_owned(), "2024-10-21".to_owned())]
    );
    assert_eq!(
        import.ignored,
        ["providerProfiles.apiConfigs.p.openAiUseAzure"]
    );
    insta::assert_snapshot!("use_azure_on_ai_inference_host", warnings(&import));
    let loaded = load_imported(&mut import);
    assert_eq!(
        loaded.profile.endpoints().chat.as_str(),
        "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(*loaded.profile.auth(), AuthStyle::Bearer);
}

// ---- credential headers ----

const HEADER_TOKEN: &str = "hdr-SECRET-token-0123456789";

#[track_caller]
fn assert_no_header_token(text: &str) {
    assert!(
        !text.contains(HEADER_TOKEN),
        "a header credential leaked into:\n{text}"
    );
    assert!(
        !text.contains("SECRET-token"),
        "part of a header credential leaked into:\n{text}"
    );
}

#[test]
fn authorization_bearer_header_becomes_the_key() {
    let mut import = import_kilo(&export_of(&format!(
        r#""openAiBaseUrl": "https://gw.example.com/v1",
           "openAiHeaders": {{"Authorization": "Bearer {HEADER_TOKEN}", "X-Title": "app"}}"#
    )))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.auth, Some(AuthStyle::Bearer));
    assert_eq!(p.headers.get("Authorization"), None);
    assert_eq!(p.headers.get("X-Title"), Some("app"));
    assert_eq!(import.keys.len(), 1);
    assert_eq!(import.keys[0].1.expose_secret(), HEADER_TOKEN);
    assert_eq!(import.warnings, []);
    assert_no_header_token(&import.config.to_toml_string().unwrap());
    assert_no_header_token(&format!("{import:?}"));

    let loaded = load_imported(&mut import);
    assert_no_header_token(&import.config.to_toml_string().unwrap());
    assert_eq!(
        loaded.profile.api_key().as_ref().map(|k| k.expose_secret()),
        Some(HEADER_TOKEN)
    );
    assert_eq!(*loaded.profile.auth(), AuthStyle::Bearer);
}

#[test]
fn other_credential_headers_become_the_key_sent_in_the_same_header() {
    for (header, auth) in [
        ("X-Api-Key", AuthStyle::Header("X-Api-Key".to_owned())),
        ("api-key", AuthStyle::ApiKeyHeader),
        (
            "Authorization",
            AuthStyle::Header("Authorization".to_owned()),
        ),
    ] {
        // An Authorization value without a scheme is sent as it is.
        let value = HEADER_TOKEN;
        let mut import = import_kilo(&export_of(&format!(
            r#""openAiBaseUrl": "https://gw.example.com/v1", "openAiHeaders": {{"{header}": "{value}"}}"#
        )))
        .unwrap();
        assert_eq!(
            import.config.profiles["p"].auth.as_ref(),
            Some(&auth),
            "{header}"
        );
        assert!(import.config.profiles["p"].headers.is_empty(), "{header}");
        assert_eq!(import.keys[0].1.expose_secret(), value, "{header}");
        assert_no_header_token(&import.config.to_toml_string().unwrap());
        let loaded = load_imported(&mut import);
        assert_eq!(*loaded.profile.auth(), auth, "{header}");
        assert_no_header_token(&import.config.to_toml_string().unwrap());
    }
}

#[test]
fn credential_headers_beside_a_key_are_not_imported() {
    let mut import = import_kilo(&export_of(&format!(
        r#""openAiBaseUrl": "https://gw.example.com/v1", "openAiApiKey": "sk-profile-key",
           "openAiHeaders": {{"Authorization": "Bearer {HEADER_TOKEN}", "X-Api-Key": "{HEADER_TOKEN}", "X-Title": "app"}}"#
    )))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.auth, None);
    assert_eq!(p.headers.len(), 1);
    assert_eq!(import.keys.len(), 1);
    assert_eq!(import.keys[0].1.expose_secret(), "sk-profile-key");
    let shown = warnings(&import);
    assert_no_header_token(&shown);
    insta::assert_snapshot!("credential_headers_beside_a_key", shown);
    assert_no_header_token(&import.config.to_toml_string().unwrap());
    load_imported(&mut import);
    assert_no_header_token(&import.config.to_toml_string().unwrap());
}

#[test]
fn authorization_with_another_scheme_is_not_imported() {
    let import = import_kilo(&export_of(&format!(
        r#""openAiBaseUrl": "https://gw.example.com/v1",
           "openAiHeaders": {{"Authorization": "Basic {HEADER_TOKEN}"}}"#
    )))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.auth, None);
    assert!(p.headers.is_empty());
    assert!(import.keys.is_empty());
    let shown = warnings(&import);
    assert_no_header_token(&shown);
    insta::assert_snapshot!("authorization_with_another_scheme", shown);
    assert_no_header_token(&import.config.to_toml_string().unwrap());
}

#[test]
fn second_credential_header_is_not_imported() {
    let import = import_kilo(&export_of(&format!(
        r#""openAiBaseUrl": "https://gw.example.com/v1",
           "openAiHeaders": {{"X-Api-Key": "first-key", "X-Session-Token": "{HEADER_TOKEN}"}}"#
    )))
    .unwrap();
    assert_eq!(
        import.config.profiles["p"].auth,
        Some(AuthStyle::Header("X-Api-Key".to_owned()))
    );
    assert_eq!(import.keys.len(), 1);
    assert_eq!(import.warnings.len(), 1);
    assert_eq!(
        import.warnings[0].path,
        "providerProfiles.apiConfigs.p.openAiHeaders.X-Session-Token"
    );
    assert_no_header_token(&import.config.to_toml_string().unwrap());
}
