//! Reading config files: TOML and JSON, exact prices, every profile field.

use std::time::Duration;

use oac_config::{
    AuthStyle, AzureSettings, ConfigError, ConfigFile, Decimal, EffortSupport, EndpointMode,
    IncludeUsage, KeySource, MapEnv, MaxTokensField, Overrides, ProviderChoice, ReasoningEffort,
    WarningKind,
};

use crate::common::{load_ok, load_problems, write};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn spec_example_loads() {
    let toml = r#"
default_profile = "together"

[profiles.together]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"

[profiles.together.model_info]
context_window = 131072
max_output_tokens = 8192
supports_images = false
input_price = 0.88
output_price = 0.88

[profiles.local]
base_url = "http://localhost:11434/v1"
model = "qwen2.5-coder:7b"
"#;
    let env = MapEnv::new().set("TOGETHER_API_KEY", "tg-key");
    let loaded = load_ok(toml, env.clone(), Overrides::new());
    let p = &loaded.profile;
    assert_eq!(p.name(), Some("together"));
    assert_eq!(p.provider(), ProviderChoice::Compatible);
    assert_eq!(
        p.endpoints().chat.as_str(),
        "https://api.together.xyz/v1/chat/completions"
    );
    assert_eq!(p.model_info().context_window, 131_072);
    assert_eq!(p.model_info().max_output_tokens, Some(8192));
    assert!(!p.model_info().supports_images);
    assert_eq!(p.model_info().prices.input_price, Some(dec("0.88")));
    assert_eq!(p.model_info().prices.output_price, Some(dec("0.88")));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    let local = load_ok(toml, env, Overrides::new().profile("local")).profile;
    assert_eq!(
        local.endpoints().chat.as_str(),
        "http://localhost:11434/v1/chat/completions"
    );
    assert!(local.api_key().is_none());
}

#[test]
fn decimal_literals_stay_exact() {
    let toml = r#"
[profiles.p.model_info]
input_price = 0.1
output_price = 0.2
cache_read_price = 0.1234567890123456789
cache_write_price = 1e-2
"#;
    let json = r#"{"profiles": {"p": {"model_info": {
        "input_price": 0.1, "output_price": 0.2,
        "cache_read_price": 0.1234567890123456789, "cache_write_price": 1e-2}}}}"#;
    for file in [
        ConfigFile::parse_toml(toml).unwrap(),
        ConfigFile::parse_json(json).unwrap(),
    ] {
        let prices = &file.profiles["p"].model_info.prices;
        let sum = prices.input_price.unwrap() + prices.output_price.unwrap();
        assert_eq!(sum, dec("0.3"));
        assert_eq!(sum.to_string(), "0.3");
        assert_eq!(
            prices.cache_read_price.unwrap().to_string(),
            "0.1234567890123456789"
        );
        assert_eq!(prices.cache_write_price, Some(dec("0.01")));
    }
}

#[test]
fn prices_may_be_strings() {
    let file = ConfigFile::parse_toml(
        "[profiles.p.model_info]\ninput_price = \"0.88\"\noutput_price = \"3\"\n",
    )
    .unwrap();
    let prices = &file.profiles["p"].model_info.prices;
    assert_eq!(prices.input_price, Some(dec("0.88")));
    assert_eq!(prices.output_price, Some(dec("3")));
}

#[test]
fn unset_prices_stay_unknown() {
    let file = ConfigFile::parse_toml("[profiles.p.model_info]\ncontext_window = 1000\n").unwrap();
    let prices = &file.profiles["p"].model_info.prices;
    assert_eq!(prices.input_price, None);
    assert_eq!(prices.output_price, None);
}

#[test]
fn tiers_are_read_in_order() {
    let file = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
input_price = 1.25
output_price = 10

[[profiles.p.model_info.tiers]]
above_input_tokens = 200000
input_price = 2.50
output_price = 15
"#,
    )
    .unwrap();
    let tiers = &file.profiles["p"].model_info.prices.tiers;
    assert_eq!(tiers.len(), 1);
    assert_eq!(tiers[0].above_input_tokens, 200_000);
    assert_eq!(tiers[0].input_price, Some(dec("2.5")));
    assert_eq!(tiers[0].output_price, Some(dec("15")));
    assert_eq!(tiers[0].cache_read_price, None);
}

#[test]
fn service_tiers_are_price_sheets_of_their_own() {
    let file = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
input_price = 1.25
output_price = 10

[profiles.p.model_info.service_tiers.flex]
input_price = 0.625
cache_read_price = 0.0625
output_price = 5

[profiles.p.model_info.service_tiers.priority]
input_price = 2.5
output_price = 20
"#,
    )
    .unwrap();
    let prices = &file.profiles["p"].model_info.prices;
    let flex = &prices.service_tiers["flex"];
    assert_eq!(flex.input_price, Some(dec("0.625")));
    assert_eq!(flex.cache_read_price, Some(dec("0.0625")));
    assert_eq!(flex.output_price, Some(dec("5")));
    let priority = &prices.service_tiers["priority"];
    assert_eq!(priority.output_price, Some(dec("20")));
    assert_eq!(priority.cache_read_price, None, "never the standard price");
    assert_eq!(prices.for_service_tier(Some("flex")), Some(flex));
}

#[test]
fn a_bad_service_tier_is_a_problem_naming_its_field() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info.service_tiers.Flex]
input_price = 1

[profiles.p.model_info.service_tiers.default]
input_price = 1

[profiles.p.model_info.service_tiers.priority]
input_prise = 1
"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("profiles.p.model_info.service_tiers.Flex"),
        "{text}"
    );
    assert!(text.contains("lowercase, like `flex`"), "{text}");
    assert!(
        text.contains("profiles.p.model_info.service_tiers.default"),
        "{text}"
    );
    assert!(text.contains("standard processing"), "{text}");
    assert!(text.contains("input_prise"), "{text}");
    assert!(text.contains("input_price"), "did you mean: {text}");
}

#[test]
fn reasoning_effort_support_as_bool_or_levels() {
    let file = ConfigFile::parse_toml(
        r#"
[profiles.a.model_info]
supports_reasoning_effort = true

[profiles.b.model_info]
supports_reasoning_effort = ["low", "high"]
reasoning_effort = "high"

[profiles.c.model_info]
supports_reasoning_effort = false
"#,
    )
    .unwrap();
    let info = |name: &str| file.profiles[name].model_info.clone();
    assert_eq!(
        info("a").supports_reasoning_effort,
        Some(EffortSupport::Yes)
    );
    assert_eq!(
        info("b").supports_reasoning_effort,
        Some(EffortSupport::Levels(vec![
            ReasoningEffort::Low,
            ReasoningEffort::High
        ]))
    );
    assert_eq!(info("b").reasoning_effort, Some(ReasoningEffort::High));
    assert_eq!(info("c").supports_reasoning_effort, Some(EffortSupport::No));
}

#[test]
fn auth_styles() {
    let file = ConfigFile::parse_toml(
        r#"
[profiles.a]
auth = "bearer"
[profiles.b]
auth = "api-key-header"
[profiles.c]
auth = "none"
[profiles.d]
auth = { header = "X-Api-Key" }
"#,
    )
    .unwrap();
    let auth = |name: &str| file.profiles[name].auth.clone();
    assert_eq!(auth("a"), Some(AuthStyle::Bearer));
    assert_eq!(auth("b"), Some(AuthStyle::ApiKeyHeader));
    assert_eq!(auth("c"), Some(AuthStyle::None));
    assert_eq!(auth("d"), Some(AuthStyle::Header("X-Api-Key".into())));
}

#[test]
fn every_profile_field_is_read() {
    let file = ConfigFile::parse_toml(
        r#"
[profiles.p]
provider = "compatible"
base_url = "https://gw.example.com/v1"
endpoint_mode = "base"
models_url = "https://gw.example.com/v1/models"
api_key_env = "GW_KEY"
auth = "bearer"
model = "m"
streaming = false
include_usage = "never"
max_tokens_field = "max_completion_tokens"
include_max_tokens = true
max_tokens = 4096
temperature = 0.7
reasoning_effort = "xhigh"
r1_format = true
parse_think_tags = false
timeout_secs = 30
connect_timeout_secs = 2.5
stream_idle_timeout_secs = 45
headers_timeout_secs = 20
first_content_timeout_secs = 300
discover_model_info = false
max_retries = 5
proxy = "http://proxy.example.com:8080"
ca_cert = "/etc/ssl/corp.pem"

[profiles.p.headers]
X-Title = "app"

[profiles.p.query]
tenant = "a"
page = 2

[profiles.p.azure]
api_version = "2024-10-21"
deployment = "prod"
"#,
    )
    .unwrap();
    let p = &file.profiles["p"];
    assert_eq!(p.provider, Some(ProviderChoice::Compatible));
    assert_eq!(p.endpoint_mode, Some(EndpointMode::Base));
    assert_eq!(
        p.models_url.as_deref(),
        Some("https://gw.example.com/v1/models")
    );
    assert_eq!(p.key, Some(KeySource::Env("GW_KEY".into())));
    assert_eq!(p.streaming, Some(false));
    assert_eq!(p.include_usage, Some(IncludeUsage::Never));
    assert_eq!(
        p.max_tokens_field,
        Some(MaxTokensField::MaxCompletionTokens)
    );
    assert_eq!(p.include_max_tokens, Some(true));
    assert_eq!(p.max_tokens, Some(4096));
    assert_eq!(p.temperature, Some(0.7));
    assert_eq!(p.reasoning_effort, Some(ReasoningEffort::XHigh));
    assert_eq!(p.r1_format, Some(true));
    assert_eq!(p.parse_think_tags, Some(false));
    assert_eq!(p.timeout, Some(Duration::from_secs(30)));
    assert_eq!(p.connect_timeout, Some(Duration::from_millis(2500)));
    assert_eq!(p.stream_idle_timeout, Some(Duration::from_secs(45)));
    assert_eq!(p.headers_timeout, Some(Duration::from_secs(20)));
    assert_eq!(p.first_content_timeout, Some(Duration::from_secs(300)));
    assert_eq!(p.discover_model_info, Some(false));
    assert_eq!(p.max_retries, Some(5));
    assert_eq!(p.proxy.as_deref(), Some("http://proxy.example.com:8080"));
    assert_eq!(
        p.ca_cert.as_deref(),
        Some(std::path::Path::new("/etc/ssl/corp.pem"))
    );
    assert_eq!(p.headers.get("x-title"), Some("app"));
    assert_eq!(
        p.query,
        vec![
            ("page".to_owned(), "2".to_owned()),
            ("tenant".to_owned(), "a".to_owned())
        ]
    );
    assert_eq!(
        p.azure,
        Some(
            AzureSettings::new()
                .api_version("2024-10-21")
                .deployment("prod")
        )
    );
}

#[test]
fn toml_and_json_are_equivalent() {
    let toml = r#"
default_profile = "together"

[profiles.together]
provider = "compatible"
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
temperature = 0.7
timeout_secs = 1.5
auth = { header = "X-Key" }

[profiles.together.headers]
HTTP-Referer = "https://example.com"
X-Title = "app"

[profiles.together.model_info]
context_window = 131072
supports_reasoning_effort = ["low", "medium"]
input_price = 0.88
output_price = "0.88"

[[profiles.together.model_info.tiers]]
above_input_tokens = 100000
input_price = 1.1

[profiles.local]
base_url = "http://localhost:11434/v1"
model = "qwen2.5-coder:7b"
"#;
    let json = r#"{
  "default_profile": "together",
  "profiles": {
    "together": {
      "provider": "compatible",
      "base_url": "https://api.together.xyz/v1",
      "api_key_env": "TOGETHER_API_KEY",
      "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      "temperature": 0.7,
      "timeout_secs": 1.5,
      "auth": {"header": "X-Key"},
      "headers": {"HTTP-Referer": "https://example.com", "X-Title": "app"},
      "model_info": {
        "context_window": 131072,
        "supports_reasoning_effort": ["low", "medium"],
        "input_price": 0.88,
        "output_price": "0.88",
        "tiers": [{"above_input_tokens": 100000, "input_price": 1.1}]
      }
    },
    "local": {"base_url": "http://localhost:11434/v1", "model": "qwen2.5-coder:7b"}
  }
}"#;
    let from_toml = ConfigFile::parse_toml(toml).unwrap();
    let from_json = ConfigFile::parse_json(json).unwrap();
    assert_eq!(from_toml, from_json);
    assert_eq!(from_toml.profiles.len(), 2);
}

#[test]
fn json_null_means_unset() {
    let file = ConfigFile::parse_json(r#"{"profiles": {"p": {"max_tokens": null, "model": "m"}}}"#)
        .unwrap();
    assert_eq!(file.profiles["p"].max_tokens, None);
}

#[test]
fn format_is_chosen_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let json = write(
        dir.path(),
        "c.JSON",
        r#"{"profiles": {"p": {"model": "m"}}}"#,
    );
    let toml = write(dir.path(), "c.toml", "[profiles.p]\nmodel = \"m\"\n");
    assert_eq!(
        ConfigFile::from_path(&json).unwrap(),
        ConfigFile::from_path(&toml).unwrap()
    );
    let yaml = write(dir.path(), "c.yaml", "profiles: {}\n");
    let err = ConfigFile::from_path(&yaml).unwrap_err();
    assert!(
        matches!(err, ConfigError::UnsupportedFormat { .. }),
        "{err}"
    );
    let shown = err
        .to_string()
        .replace(dir.path().to_str().unwrap(), "<DIR>");
    insta::assert_snapshot!("unsupported_format", shown);
}

#[cfg(unix)]
#[test]
fn unreadable_file_names_the_path() {
    let err = ConfigFile::from_path("/nonexistent/oac-test/config.toml").unwrap_err();
    assert!(matches!(err, ConfigError::UnreadableFile { .. }));
    insta::assert_snapshot!("unreadable_file", err.to_string());
}

#[test]
fn problems_in_a_file_carry_lines_and_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config.toml",
        "\n\n[profiles.p]\nmodel = \"\"\n",
    );
    let err = ConfigFile::from_path(&path).unwrap_err();
    assert_eq!(err.problems()[0].line, Some(4));
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn auto_provider_is_native_for_api_openai_com() {
    let toml = "[profiles.p]\nbase_url = \"https://api.openai.com/v1\"\nmodel = \"gpt-4o\"\nmax_tokens_field = \"max_tokens\"\n";
    let loaded = load_ok(
        toml,
        MapEnv::new().set("OPENAI_API_KEY", "k"),
        Overrides::new(),
    );
    let p = &loaded.profile;
    assert_eq!(p.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        p.provider_reason(),
        "openai-native: provider is auto and the host is api.openai.com"
    );
    // Native always sends max_completion_tokens; the profile's choice is reported.
    assert_eq!(p.max_tokens_field(), MaxTokensField::MaxCompletionTokens);
    assert_eq!(loaded.warnings[0].kind, WarningKind::SettingIgnored);
}

#[test]
fn auto_provider_is_compatible_for_other_hosts() {
    let toml = "[profiles.p]\nbase_url = \"http://localhost:11434/v1\"\nmodel = \"m\"\n";
    let p = load_ok(toml, MapEnv::new(), Overrides::new()).profile;
    assert_eq!(p.provider(), ProviderChoice::Compatible);
    assert_eq!(
        p.provider_reason(),
        "compatible: provider is auto and the host `localhost` is not api.openai.com"
    );
    assert_eq!(p.max_tokens_field(), MaxTokensField::MaxTokens);
}

#[test]
fn r1_format_follows_deepseek_reasoner_unless_set() {
    let auto =
        "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"DeepSeek-Reasoner\"\n";
    assert!(
        load_ok(auto, MapEnv::new(), Overrides::new())
            .profile
            .r1_format()
    );
    let off = format!("{auto}r1_format = false\n");
    assert!(
        !load_ok(&off, MapEnv::new(), Overrides::new())
            .profile
            .r1_format()
    );
    let other = "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"deepseek-chat\"\n";
    assert!(
        !load_ok(other, MapEnv::new(), Overrides::new())
            .profile
            .r1_format()
    );
}

#[test]
fn azure_implies_api_key_header_unless_auth_is_set() {
    let toml = r#"
[profiles.p]
base_url = "https://res.openai.azure.com"
model = "gpt4o-prod"
api_key_env = "AZURE_KEY"

[profiles.p.azure]
api_version = "2024-10-21"
"#;
    let env = MapEnv::new().set("AZURE_KEY", "k");
    let p = load_ok(toml, env.clone(), Overrides::new()).profile;
    assert_eq!(*p.auth(), AuthStyle::ApiKeyHeader);
    assert_eq!(
        p.endpoints().chat.as_str(),
        "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        p.azure(),
        Some(&AzureSettings::new().api_version("2024-10-21"))
    );
    let bearer = toml.replace("api_key_env", "auth = \"bearer\"\napi_key_env");
    assert_eq!(
        *load_ok(&bearer, env, Overrides::new()).profile.auth(),
        AuthStyle::Bearer
    );
}

#[test]
fn the_default_auth_follows_the_endpoints() {
    let options = oac_url_options("gpt4o-prod");
    let azure = oac_url::resolve("https://res.openai.azure.com", &options).unwrap();
    assert_eq!(azure.auth, AuthStyle::ApiKeyHeader);
    let standard = oac_url::resolve("https://api.together.xyz/v1", &options).unwrap();
    assert_eq!(standard.auth, AuthStyle::Bearer);
}

fn oac_url_options(model: &str) -> oac_url::ResolveOptions {
    oac_url::ResolveOptions::new().model(model)
}

#[test]
fn query_is_merged_into_endpoints() {
    let toml = r#"
[profiles.p]
base_url = "http://localhost:8080/v1?tenant=url"
model = "m"

[profiles.p.query]
tenant = "config"
"#;
    let p = load_ok(toml, MapEnv::new(), Overrides::new()).profile;
    assert_eq!(
        p.endpoints().chat.as_str(),
        "http://localhost:8080/v1/chat/completions?tenant=config"
    );
    assert_eq!(p.query(), vec![("tenant".to_owned(), "config".to_owned())]);
}

#[test]
fn missing_key_for_a_remote_host_is_a_warning() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";
    let loaded = load_ok(toml, MapEnv::new(), Overrides::new());
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].kind, WarningKind::MissingKey);
    insta::assert_snapshot!("missing_key_warning", loaded.warnings[0].to_string());
}

#[test]
fn missing_key_for_a_local_server_is_fine() {
    let toml = "[profiles.p]\nbase_url = \"http://127.0.0.1:8000/v1\"\nmodel = \"m\"\n";
    assert!(
        load_ok(toml, MapEnv::new(), Overrides::new())
            .warnings
            .is_empty()
    );
}

#[test]
fn missing_key_with_an_authorization_header_is_fine() {
    let toml = "[profiles.p]\nbase_url = \"https://gw.example.com/v1\"\nmodel = \"m\"\n\n[profiles.p.headers]\nAuthorization = \"Bearer t\"\n";
    assert!(
        load_ok(toml, MapEnv::new(), Overrides::new())
            .warnings
            .is_empty()
    );
}

#[test]
fn model_info_overrides_the_compatible_default_field_by_field() {
    let toml = r#"
[profiles.p]
base_url = "http://localhost:1/v1"
model = "m"

[profiles.p.model_info]
supports_computer_use = true
output_price = 2
"#;
    let info = load_ok(toml, MapEnv::new(), Overrides::new())
        .profile
        .model_info()
        .clone();
    assert!(info.supports_computer_use);
    assert!(info.supports_images);
    assert_eq!(info.context_window, 128_000);
    assert_eq!(info.prices.output_price, Some(dec("2")));
    assert_eq!(info.prices.input_price, None);
}

#[test]
fn include_max_tokens_without_a_value_is_a_warning() {
    let toml = "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\ninclude_max_tokens = true\n";
    let loaded = load_ok(toml, MapEnv::new(), Overrides::new());
    assert_eq!(loaded.warnings[0].kind, WarningKind::SettingIgnored);
}

#[test]
fn relative_ca_cert_is_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "root.pem", "-----BEGIN CERTIFICATE-----\n");
    let config = write(
        dir.path(),
        "config.toml",
        "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\nca_cert = \"root.pem\"\n",
    );
    let loaded = oac_config::Loader::new()
        .env(MapEnv::new())
        .overrides(Overrides::new().config(config))
        .load()
        .unwrap();
    assert_eq!(loaded.profile.ca_cert(), Some(cert.as_path()));
}

#[test]
fn service_tier_is_a_request_default_and_a_typo_gets_a_did_you_mean() {
    let toml = r#"
[profiles.p]
base_url = "http://localhost:8000/v1"
model = "m"
service_tier = "Flex"
"#;
    let profile = load_ok(toml, MapEnv::new(), Overrides::new()).profile;
    assert_eq!(
        profile.request_defaults().service_tier,
        Some(oac_provider::ServiceTier::Flex)
    );
    let config = oac_provider::ProviderConfig::from(profile);
    assert_eq!(
        config.request_defaults().service_tier,
        Some(oac_provider::ServiceTier::Flex)
    );
    let unset = load_ok(
        &toml.replace("service_tier = \"Flex\"\n", ""),
        MapEnv::new(),
        Overrides::new(),
    )
    .profile;
    assert_eq!(unset.request_defaults().service_tier, None);
    let problems = load_problems(
        &toml.replace("\"Flex\"", "\"flx\""),
        MapEnv::new(),
        Overrides::new(),
    );
    assert_eq!(
        problems,
        "profiles.p.service_tier (line 5): unknown service tier `flx`; did you mean `flex`? (valid: auto, default, flex, priority, scale)"
    );
}
