//! Import of a Kilo Code 7 config (`kilo.json` / `kilo.jsonc`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use oac_config::{
    AuthStyle, ConfigError, ConfigFile, Decimal, EffortSupport, ExposeSecret, Import, ImportFormat,
    IncludeUsage, KeySource, Loader, MapEnv, Overrides, ProblemKind, ProviderChoice,
    ReasoningEffort, WarningKind, import_kilo, import_kilo_at,
};

const KILO: &str = include_str!("../fixtures/kilo7.jsonc");

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// A config with one provider `p` made of `fields` (JSON members).
fn provider_of(fields: &str) -> String {
    format!(r#"{{"provider": {{"p": {{{fields}}}}}}}"#)
}

/// A compatible provider `p` at a hosted URL, with `options` (JSON members, after
/// `baseURL`) and `models` (the members of its `models` object).
fn compatible(options: &str, models: &str) -> String {
    provider_of(&format!(
        r#""npm": "@ai-sdk/openai-compatible", "options": {{"baseURL": "https://gw.example.com/v1"{options}}}, "models": {{{models}}}"#
    ))
}

fn warnings(import: &Import) -> String {
    let shown: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    shown.join("\n")
}

fn warned_at(import: &Import, path: &str) -> bool {
    import.warnings.iter().any(|w| w.path == path)
}

// ---- the fixture -------------------------------------------------------------------

#[test]
fn compatible_providers_become_one_profile_per_model_and_others_are_skipped() {
    let import = import_kilo(KILO).unwrap();
    assert_eq!(import.format, ImportFormat::KiloConfig);
    assert_eq!(
        import.config.profile_names(),
        ["lmstudio", "together-kimi-k2", "together-qwen3-coder"]
    );
    assert_eq!(import.skipped.len(), 1);
    assert_eq!(import.skipped[0].name, "anthropic");
    assert_eq!(import.skipped[0].api_provider, None);
    assert_eq!(import.skipped[0].field, "npm");
    assert_eq!(
        import.config.default_profile.as_deref(),
        Some("together-qwen3-coder")
    );
}

#[test]
fn hosted_provider_fields_are_mapped() {
    let import = import_kilo(KILO).unwrap();
    let p = &import.config.profiles["together-kimi-k2"];
    assert_eq!(p.provider, Some(ProviderChoice::Compatible));
    assert_eq!(p.base_url.as_deref(), Some("https://api.together.xyz/v1"));
    assert_eq!(
        p.model.as_deref(),
        Some("moonshotai/Kimi-K2-Instruct"),
        "`id` is the id sent"
    );
    assert_eq!(p.key, Some(KeySource::Env("TOGETHER_API_KEY".to_owned())));
    assert_eq!(
        p.headers.get("HTTP-Referer"),
        Some("https://example.com/my-app")
    );
    assert_eq!(p.headers.get("X-Title"), Some("My App"));
    assert_eq!(p.timeout, Some(Duration::from_secs(600)));
    assert_eq!(p.stream_idle_timeout, Some(Duration::from_secs(90)));
    assert_eq!(p.headers_timeout, None);
    let info = &p.model_info;
    assert_eq!(info.context_window, Some(131_072));
    assert_eq!(info.max_output_tokens, Some(16_384));
    assert_eq!(info.supports_tools, Some(true));
    assert_eq!(info.supports_images, Some(false), "from `attachment`");
    assert_eq!(info.supports_reasoning_effort, Some(EffortSupport::No));
    assert_eq!(info.prices.input_price, Some(dec("0.6")));
    assert_eq!(info.prices.output_price, Some(dec("2.5")));
    assert_eq!(info.prices.cache_read_price, Some(dec("0.15")));
    assert_eq!(info.prices.cache_write_price, Some(dec("0.75")));
    assert!(info.prices.tiers.is_empty());
    assert!(import.keys.is_empty(), "no literal key in the fixture");
}

#[test]
fn image_input_and_the_over_200k_prices_are_mapped() {
    let import = import_kilo(KILO).unwrap();
    let info = &import.config.profiles["together-qwen3-coder"].model_info;
    assert_eq!(info.supports_images, Some(true), "`modalities.input`");
    assert_eq!(info.prices.input_price, Some(dec("2")));
    assert_eq!(info.prices.cache_write_price, None);
    let [tier] = info.prices.tiers.as_slice() else {
        panic!("{:?}", info.prices.tiers)
    };
    assert_eq!(tier.above_input_tokens, 200_000);
    assert_eq!(tier.input_price, Some(dec("4")));
    assert_eq!(tier.output_price, Some(dec("4")));
    assert_eq!(tier.cache_read_price, None);
}

#[test]
fn local_provider_has_no_key_and_no_missing_key_warning() {
    let import = import_kilo(KILO).unwrap();
    let local = &import.config.profiles["lmstudio"];
    assert_eq!(local.base_url.as_deref(), Some("http://127.0.0.1:1234/v1"));
    assert_eq!(local.model.as_deref(), Some("qwen/qwen3-30b-a3b"));
    assert_eq!(local.key, None);
    assert_eq!(
        local.model_info.supports_reasoning_effort,
        Some(EffortSupport::Yes)
    );
    assert_eq!(
        local.model_info.prices.input_price, None,
        "no cost: unknown"
    );
    assert!(
        !import
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::MissingKey),
        "{}",
        warnings(&import)
    );
}

#[test]
fn ignored_fields_are_listed() {
    let import = import_kilo(KILO).unwrap();
    insta::assert_snapshot!("kilo7_ignored_fields", import.ignored.join("\n"));
}

#[test]
fn skipped_providers_and_warnings_are_reported() {
    let import = import_kilo(KILO).unwrap();
    let mut report: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
    report.extend(import.warnings.iter().map(ToString::to_string));
    insta::assert_snapshot!("kilo7_skipped_and_warnings", report.join("\n"));
    let chunk = import
        .warnings
        .iter()
        .find(|w| w.path == "provider.together.options.chunkTimeout")
        .unwrap();
    assert_eq!(chunk.kind, WarningKind::ImportInexact);
}

#[test]
fn imported_config_as_toml() {
    let import = import_kilo(KILO).unwrap();
    insta::assert_snapshot!("kilo7_import_toml", import.config.to_toml_string().unwrap());
}

#[test]
fn imported_config_round_trips_and_every_profile_loads() {
    let import = import_kilo(KILO).unwrap();
    let toml = import.config.to_toml_string().unwrap();
    let read = ConfigFile::parse_toml(&toml).unwrap();
    assert_eq!(read, import.config);
    let env = MapEnv::new().set("TOGETHER_API_KEY", "tgp-test");
    for (name, chat) in [
        ("lmstudio", "http://127.0.0.1:1234/v1/chat/completions"),
        (
            "together-kimi-k2",
            "https://api.together.xyz/v1/chat/completions",
        ),
        (
            "together-qwen3-coder",
            "https://api.together.xyz/v1/chat/completions",
        ),
    ] {
        let loaded = Loader::new()
            .env(env.clone())
            .config_file(read.clone())
            .overrides(Overrides::new().profile(name))
            .load()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(loaded.profile.endpoints().chat.as_str(), chat, "{name}");
    }
}

// ---- keys --------------------------------------------------------------------------

const KEY: &str = "sk-kilo7-LITERAL-key-0123456789";

#[track_caller]
fn assert_no_key(import: &Import) {
    let mut shown = format!("{import:?}\n{}", warnings(import));
    shown.push_str(&import.ignored.join("\n"));
    for skipped in &import.skipped {
        shown.push_str(&skipped.to_string());
    }
    shown.push_str(&import.config.to_toml_string().unwrap());
    assert!(!shown.contains(KEY), "the key leaked:\n{shown}");
    assert!(
        !shown.contains("LITERAL-key"),
        "part of the key leaked:\n{shown}"
    );
}

#[test]
fn literal_key_goes_to_every_profile_of_its_provider_and_nowhere_else() {
    let mut import = import_kilo(&compatible(
        &format!(r#", "apiKey": "{KEY}""#),
        r#""a": {}, "b": {}"#,
    ))
    .unwrap();
    let names: Vec<&str> = import.keys.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["p-a", "p-b"]);
    assert!(
        import
            .keys
            .iter()
            .all(|(_, key)| key.expose_secret() == KEY)
    );
    assert_no_key(&import);
    let dir = tempfile::tempdir().unwrap();
    let files = import.store_keys(dir.path()).unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap().trim(), KEY);
    assert_eq!(
        import.config.profiles["p-b"].key,
        Some(KeySource::File(dir.path().join("p-b.key")))
    );
    assert_no_key(&import);
}

#[test]
fn file_key_is_relative_to_the_config_directory() {
    let kilo = compatible(r#", "apiKey": "{file:secrets/gw.key}""#, r#""m": {}"#);
    let import = import_kilo_at(&kilo, Path::new("/home/me/project/kilo.jsonc")).unwrap();
    assert_eq!(
        import.config.profiles["p"].key,
        Some(KeySource::File(PathBuf::from(
            "/home/me/project/secrets/gw.key"
        )))
    );
    assert!(import.keys.is_empty());
    assert_eq!(warnings(&import), "");

    // A file named without a directory: relative to the current one, as given.
    let import = import_kilo_at(&kilo, Path::new("kilo.json")).unwrap();
    assert_eq!(
        import.config.profiles["p"].key,
        Some(KeySource::File(PathBuf::from("secrets/gw.key")))
    );
    assert_eq!(warnings(&import), "");
}

#[test]
fn home_and_absolute_file_keys_stay_as_written() {
    for (written, kept) in [
        ("~/.secrets/gw.key", "~/.secrets/gw.key"),
        ("/etc/keys/gw.key", "/etc/keys/gw.key"),
    ] {
        let kilo = compatible(
            &format!(r#", "apiKey": "{{file:{written}}}""#),
            r#""m": {}"#,
        );
        let import = import_kilo_at(&kilo, Path::new("/home/me/kilo.json")).unwrap();
        assert_eq!(
            import.config.profiles["p"].key,
            Some(KeySource::File(PathBuf::from(kept)))
        );
    }
}

#[test]
fn relative_file_key_without_a_path_is_kept_with_a_warning() {
    let import = import_kilo(&compatible(r#", "apiKey": "{file:gw.key}""#, r#""m": {}"#)).unwrap();
    assert_eq!(
        import.config.profiles["p"].key,
        Some(KeySource::File(PathBuf::from("gw.key")))
    );
    assert!(
        warned_at(&import, "provider.p.options.apiKey"),
        "{}",
        warnings(&import)
    );
}

#[test]
fn keys_a_profile_cannot_express_are_not_imported_and_never_shown() {
    for (key, why) in [
        (format!("{KEY}{{env:SUFFIX}}"), "and other text"),
        (
            format!("{{env:{KEY}-x}}"),
            "does not name an environment variable",
        ),
    ] {
        let import = import_kilo(&compatible(
            &format!(r#", "apiKey": "{key}""#),
            r#""m": {}"#,
        ))
        .unwrap();
        assert_eq!(import.config.profiles["p"].key, None, "{key}");
        assert!(import.keys.is_empty());
        assert!(warnings(&import).contains(why), "{}", warnings(&import));
        assert_no_key(&import);
    }
    let import = import_kilo(&compatible(r#", "apiKey": 12345"#, r#""m": {}"#)).unwrap();
    assert!(
        warnings(&import).contains("not a string"),
        "{}",
        warnings(&import)
    );
}

#[test]
fn provider_env_names_the_key_variable() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai-compatible", "env": ["GW_API_KEY", "GW_TOKEN"],
           "options": {"baseURL": "https://gw.example.com/v1"}, "models": {"m": {}}"#,
    ))
    .unwrap();
    assert_eq!(
        import.config.profiles["p"].key,
        Some(KeySource::Env("GW_API_KEY".to_owned()))
    );
    let warning = import
        .warnings
        .iter()
        .find(|w| w.path == "provider.p.env")
        .unwrap();
    assert_eq!(warning.kind, WarningKind::ImportInexact);
}

#[test]
fn authorization_header_with_an_env_reference_becomes_the_key_variable() {
    let import = import_kilo(&compatible(
        r#", "headers": {"Authorization": "Bearer {env:GW_TOKEN}", "X-Org": "acme"}"#,
        r#""m": {}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.key, Some(KeySource::Env("GW_TOKEN".to_owned())));
    assert_eq!(p.auth, Some(AuthStyle::Bearer));
    assert_eq!(p.headers.get("Authorization"), None);
    assert_eq!(p.headers.get("X-Org"), Some("acme"));
    assert_eq!(warnings(&import), "");
}

#[test]
fn literal_credential_header_becomes_a_key_file_and_a_second_one_is_dropped() {
    let import = import_kilo(&compatible(
        &format!(r#", "headers": {{"X-Api-Key": "{KEY}", "X-Session-Token": "{KEY}"}}"#),
        r#""m": {}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.auth, Some(AuthStyle::Header("X-Api-Key".to_owned())));
    assert!(p.headers.is_empty());
    assert_eq!(import.keys.len(), 1);
    assert!(warned_at(
        &import,
        "provider.p.options.headers.X-Session-Token"
    ));
    assert_no_key(&import);
}

#[test]
fn header_values_taken_from_the_environment_are_dropped() {
    let import = import_kilo(&compatible(
        r#", "apiKey": "{env:K}", "headers": {"X-Org": "{env:ORG}"}"#,
        r#""m": {"headers": {"X-Model": "{file:./x}"}}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert!(p.headers.is_empty(), "{:?}", p.headers);
    assert!(warned_at(&import, "provider.p.options.headers.X-Org"));
    assert!(warned_at(&import, "provider.p.models.m.headers.X-Model"));
}

#[test]
fn hosted_provider_without_a_key_is_warned_about() {
    let import = import_kilo(&compatible("", r#""m": {}"#)).unwrap();
    let warning = import
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::MissingKey)
        .unwrap();
    assert_eq!(warning.path, "provider.p.options.apiKey");
}

// ---- which providers and models ----------------------------------------------------

#[test]
fn providers_of_other_apis_are_skipped_by_name() {
    let import = import_kilo(
        r#"{"provider": {
            "bedrock": {"npm": "@ai-sdk/amazon-bedrock", "models": {"m": {}}},
            "google": {"models": {"gemini": {}}},
            "ok": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:8080/v1"},
                   "models": {"m": {}, "other": {"provider": {"npm": "@ai-sdk/anthropic"}}}}
        }}"#,
    )
    .unwrap();
    assert_eq!(import.config.profile_names(), ["ok"]);
    let shown: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("kilo7_skipped_providers", shown.join("\n"));
}

#[test]
fn provider_without_npm_but_with_a_base_url_is_read_as_compatible() {
    let import = import_kilo(&provider_of(
        r#""options": {"baseURL": "http://localhost:11434/v1"}, "models": {"llama3.1:8b": {}}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.provider, Some(ProviderChoice::Compatible));
    assert_eq!(p.model.as_deref(), Some("llama3.1:8b"));
    let warning = import
        .warnings
        .iter()
        .find(|w| w.path == "provider.p.npm")
        .unwrap();
    assert_eq!(warning.kind, WarningKind::ImportInexact);
}

#[test]
fn openai_sdk_without_a_base_url_is_openai_itself() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai", "options": {"apiKey": "{env:OPENAI_API_KEY}"}, "models": {"gpt-4o": {}}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.provider, None, "auto");
    assert_eq!(p.base_url, None);
    let loaded = Loader::new()
        .env(MapEnv::new().set("OPENAI_API_KEY", "sk-x"))
        .config_file(import.config.clone())
        .load()
        .unwrap();
    assert_eq!(loaded.profile.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        loaded.profile.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );
    assert!(
        !warned_at(&import, "provider.p.npm"),
        "{}",
        warnings(&import)
    );
}

#[test]
fn openai_sdk_at_another_host_warns_about_the_responses_api() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai", "options": {"baseURL": "https://proxy.example.com/v1", "apiKey": "{env:K}"},
           "models": {"gpt-4o": {}}"#,
    ))
    .unwrap();
    let warning = import
        .warnings
        .iter()
        .find(|w| w.path == "provider.p.npm")
        .unwrap();
    assert_eq!(warning.kind, WarningKind::ImportInexact);
    assert!(warning.message.contains("Responses API"), "{warning}");
}

#[test]
fn disabled_and_enabled_providers_are_applied() {
    let two = r#""a": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:1/v1"}, "models": {"m": {}}},
                 "b": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:2/v1"}, "models": {"m": {}}}"#;
    let disabled = import_kilo(&format!(
        r#"{{"disabled_providers": ["a"], "provider": {{{two}}}}}"#
    ))
    .unwrap();
    assert_eq!(disabled.config.profile_names(), ["b"]);
    assert!(disabled.skipped[0].reason.contains("disabled_providers"));
    let enabled = import_kilo(&format!(
        r#"{{"enabled_providers": ["a"], "provider": {{{two}}}}}"#
    ))
    .unwrap();
    assert_eq!(enabled.config.profile_names(), ["a"]);
    assert!(enabled.skipped[0].reason.contains("enabled_providers"));
}

#[test]
fn whitelist_and_blacklist_choose_the_models() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:1/v1"},
           "whitelist": ["a", "b"], "blacklist": ["b"], "models": {"a": {}, "b": {}, "c": {}}"#,
    ))
    .unwrap();
    assert_eq!(
        import.config.profile_names(),
        ["p"],
        "one model left: `<provider>`"
    );
    assert_eq!(import.config.profiles["p"].model.as_deref(), Some("a"));
    let skipped: Vec<&str> = import.skipped.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(skipped, ["p/b", "p/c"]);
}

#[test]
fn profile_names_follow_the_file_name_rule_and_never_collide() {
    let import = import_kilo(
        r#"{"provider": {
            "or": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:1/v1"},
                   "models": {"qwen/qwen3-coder:free": {}, "meta llama": {}}},
            "or-qwen_qwen3-coder_free": {"npm": "@ai-sdk/openai-compatible",
                   "options": {"baseURL": "http://localhost:2/v1"}, "models": {"x": {}}}
        }}"#,
    )
    .unwrap();
    assert_eq!(
        import.config.profile_names(),
        [
            "or-meta_llama",
            "or-qwen_qwen3-coder_free",
            "or-qwen_qwen3-coder_free-2"
        ]
    );
    assert_eq!(
        import.config.profiles["or-qwen_qwen3-coder_free"]
            .model
            .as_deref(),
        Some("qwen/qwen3-coder:free")
    );
}

#[test]
fn provider_without_models_gets_a_profile_without_a_model() {
    let import = import_kilo(
        r#"{"model": "local/qwen3:8b", "provider": {"local": {"npm": "@ai-sdk/openai-compatible",
            "options": {"baseURL": "http://localhost:11434/v1"}}}}"#,
    )
    .unwrap();
    assert_eq!(import.config.profile_names(), ["local"]);
    // `model` names the model, so the profile takes it and is the default.
    assert_eq!(
        import.config.profiles["local"].model.as_deref(),
        Some("qwen3:8b")
    );
    assert_eq!(import.config.default_profile.as_deref(), Some("local"));
    assert!(
        warned_at(&import, "provider.local.models"),
        "{}",
        warnings(&import)
    );
}

#[test]
fn default_model_that_was_not_imported_sets_no_default() {
    for model in ["anthropic/claude", "no-slash", "p/unknown"] {
        let import = import_kilo(&format!(
            r#"{{"model": "{model}", "provider": {{"p": {{"npm": "@ai-sdk/openai-compatible",
                "options": {{"baseURL": "http://localhost:1/v1"}}, "models": {{"a": {{}}, "b": {{}}}}}}}}}}"#
        ))
        .unwrap();
        assert_eq!(import.config.default_profile, None, "{model}");
        assert!(
            warned_at(&import, "model"),
            "{model}: {}",
            warnings(&import)
        );
    }
}

// ---- settings ----------------------------------------------------------------------

#[test]
fn timeouts_in_milliseconds_become_seconds() {
    let import = import_kilo(&compatible(
        r#", "apiKey": "{env:K}", "timeout": false, "headerTimeout": 1500, "chunkTimeout": 250"#,
        r#""m": {}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert!(
        p.timeout.unwrap() > Duration::from_secs(86_400 * 365 * 30),
        "`false`: no deadline"
    );
    assert_eq!(p.headers_timeout, Some(Duration::from_millis(1500)));
    assert_eq!(p.stream_idle_timeout, Some(Duration::from_millis(250)));
    let toml = import.config.to_toml_string().unwrap();
    assert!(toml.contains("headers_timeout_secs = 1.5\n"), "{toml}");
    assert!(toml.contains("stream_idle_timeout_secs = 0.25\n"), "{toml}");
    assert_eq!(ConfigFile::parse_toml(&toml).unwrap(), import.config);

    let off = import_kilo(&compatible(r#", "headerTimeout": false"#, r#""m": {}"#)).unwrap();
    assert_eq!(off.config.profiles["p"].headers_timeout, None);
}

#[test]
fn bad_timeouts_are_dropped_with_a_warning() {
    let import = import_kilo(&compatible(
        r#", "apiKey": "{env:K}", "timeout": 0, "headerTimeout": -5, "chunkTimeout": "slow""#,
        r#""m": {}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(
        (p.timeout, p.headers_timeout, p.stream_idle_timeout),
        (None, None, None)
    );
    insta::assert_snapshot!("kilo7_bad_timeouts", warnings(&import));
}

#[test]
fn include_usage_false_and_model_reasoning_effort_are_mapped() {
    let import = import_kilo(&compatible(
        r#", "apiKey": "{env:K}", "includeUsage": false"#,
        r#""m": {"options": {"reasoningEffort": "high", "store": false}}"#,
    ))
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(p.include_usage, Some(IncludeUsage::Never));
    assert_eq!(p.reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(import.ignored, ["provider.p.models.m.options.store"]);
}

#[test]
fn model_base_url_applies_only_without_options_base_url() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai-compatible", "api": "http://localhost:1/v1",
           "models": {"a": {"provider": {"api": "http://localhost:2/v1"}}, "b": {}}"#,
    ))
    .unwrap();
    assert_eq!(
        import.config.profiles["p-a"].base_url.as_deref(),
        Some("http://localhost:2/v1")
    );
    assert_eq!(
        import.config.profiles["p-b"].base_url.as_deref(),
        Some("http://localhost:1/v1")
    );
}

#[test]
fn base_url_from_the_environment_is_not_imported() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "{env:GW_URL}/v1"}, "models": {"m": {}}"#,
    ))
    .unwrap();
    assert_eq!(import.config.profiles["p"].base_url, None);
    assert!(
        warned_at(&import, "provider.p.options.baseURL"),
        "{}",
        warnings(&import)
    );
}

#[test]
fn zero_costs_are_taken_as_said_and_zero_limits_as_unknown() {
    let import = import_kilo(&compatible(
        r#", "apiKey": "{env:K}""#,
        r#""m": {"cost": {"input": 0, "output": 0}, "limit": {"context": 0, "output": 0}}"#,
    ))
    .unwrap();
    let info = &import.config.profiles["p"].model_info;
    assert_eq!(info.prices.input_price, Some(Decimal::ZERO));
    assert_eq!(info.context_window, None);
    assert_eq!(info.max_output_tokens, None);
    assert!(
        !import
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::ZeroPrices),
        "{}",
        warnings(&import)
    );
}

// ---- bad shapes --------------------------------------------------------------------

#[test]
fn provider_that_is_not_an_object_is_a_typed_error_with_its_path_and_line() {
    let err = import_kilo(
        "{\n  \"$schema\": \"https://app.kilo.ai/config.json\",\n  \"provider\": [\"together\"]\n}",
    )
    .unwrap_err();
    let ConfigError::Invalid { problems, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::WrongType);
    assert_eq!(problems[0].path, "provider");
    assert_eq!(problems[0].line, Some(3));
    insta::assert_snapshot!("kilo7_provider_not_an_object", err.to_string());
}

#[test]
fn bad_values_inside_a_provider_are_dropped_with_warnings_at_their_paths() {
    let import = import_kilo(
        r#"{"provider": {
            "str": "not an object",
            "p": {"npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:1/v1", "headers": ["x"]},
                  "whitelist": "a", "env": "K",
                  "models": {
                    "bad": 7,
                    "m": {"id": 5, "limit": {"context": "big", "output": 1.5}, "cost": {"input": -1, "output": "x"},
                          "modalities": {"input": "image"}, "tool_call": "yes", "provider": "p",
                          "options": [], "headers": {"X": 1}}
                  }}
        }}"#,
    )
    .unwrap();
    let p = &import.config.profiles["p"];
    assert_eq!(
        p.model.as_deref(),
        Some("m"),
        "a bad `id`: the key is the id"
    );
    assert!(p.model_info.is_empty(), "{:?}", p.model_info);
    insta::assert_snapshot!("kilo7_bad_values", warnings(&import));
}

#[test]
fn models_that_is_not_an_object_gives_a_profile_without_a_model() {
    let import = import_kilo(&provider_of(
        r#""npm": "@ai-sdk/openai-compatible", "options": {"baseURL": "http://localhost:1/v1"}, "models": ["a"]"#,
    ))
    .unwrap();
    assert_eq!(import.config.profiles["p"].model, None);
    assert!(warned_at(&import, "provider.p.models"));
}

#[test]
fn files_that_are_neither_format_are_refused() {
    let mut shown = Vec::new();
    for input in [
        "{}",
        "{\"provider\": null}",
        "\"text\"",
        "// only a comment\n[]",
    ] {
        let err = import_kilo(input).unwrap_err();
        assert!(
            matches!(err, ConfigError::NotAnExport { .. }),
            "{input}: {err}"
        );
        shown.push(format!("{input}\n  {err}"));
    }
    insta::assert_snapshot!("kilo7_not_a_config", shown.join("\n"));
}

#[test]
fn jsonc_syntax_errors_name_the_file_and_place() {
    let err = import_kilo_at(
        "{\n  // comment\n  \"provider\": {,}\n}",
        Path::new("/home/me/kilo.jsonc"),
    )
    .unwrap_err();
    let ConfigError::Syntax { file, line, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(file.as_deref(), Some(Path::new("/home/me/kilo.jsonc")));
    assert_eq!(*line, 3);
    let err = import_kilo("{\"provider\": {} /* open").unwrap_err();
    assert!(err.to_string().contains("never closed"), "{err}");
}

#[test]
fn a_provider_without_models_is_a_profile_without_a_model_said_in_library_terms() {
    let import = import_kilo(&compatible("", "")).unwrap();
    let warning = import
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::ImportNoModel)
        .unwrap_or_else(|| panic!("no ImportNoModel warning: {}", warnings(&import)));
    assert_eq!(warning.path, "provider.p.models");
    assert!(
        warning.message.contains("profile `p` has no model"),
        "{warning}"
    );
    // The library names no command of the CLI; the CLI adds it.
    assert!(!warning.message.contains("oac "), "{warning}");
    assert_eq!(import.config.profiles["p"].model, None);
}
