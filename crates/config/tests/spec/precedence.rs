//! Precedence: flags > environment > profile > built-in defaults.

use oac_config::{
    AuthStyle, EndpointMode, ExposeSecret, Loaded, MapEnv, Overrides, ProviderChoice, WarningKind,
};

use crate::common::{load_ok, load_problems, write};

const PROFILE: &str = r#"
[profiles.p]
base_url = "https://profile.example.com/v1"
model = "profile-model"
"#;

/// (flag, environment, profile) → the base URL used.
#[test]
fn base_url_matrix() {
    let cases: [(Option<&str>, Option<&str>, bool, &str); 8] = [
        (
            Some("https://flag.example.com/v1"),
            Some("https://env.example.com/v1"),
            true,
            "flag.example.com",
        ),
        (
            Some("https://flag.example.com/v1"),
            Some("https://env.example.com/v1"),
            false,
            "flag.example.com",
        ),
        (
            Some("https://flag.example.com/v1"),
            None,
            true,
            "flag.example.com",
        ),
        (
            Some("https://flag.example.com/v1"),
            None,
            false,
            "flag.example.com",
        ),
        (
            None,
            Some("https://env.example.com/v1"),
            true,
            "env.example.com",
        ),
        (
            None,
            Some("https://env.example.com/v1"),
            false,
            "env.example.com",
        ),
        (None, None, true, "profile.example.com"),
        // Nothing set: provider auto picks native, which defaults to the OpenAI API.
        (None, None, false, "api.openai.com"),
    ];
    for (flag, env, in_profile, host) in cases {
        let mut flags = Overrides::new().model("m");
        if let Some(flag) = flag {
            flags = flags.base_url(flag);
        }
        let mut vars = MapEnv::new().set("OPENAI_API_KEY", "k");
        if let Some(env) = env {
            vars = vars.set("OPENAI_BASE_URL", env);
        }
        let toml = if in_profile {
            PROFILE
        } else {
            "[profiles.p]\n"
        };
        let loaded = load_ok(toml, vars, flags);
        assert_eq!(
            loaded.profile.endpoints().chat.host_str(),
            Some(host),
            "flag {flag:?}, env {env:?}, profile {in_profile}"
        );
    }
}

/// (flag, environment, profile) → the model used.
#[test]
fn model_matrix() {
    let cases: [(Option<&str>, Option<&str>, &str); 3] = [
        (Some("flag-model"), Some("env-model"), "flag-model"),
        (None, Some("env-model"), "env-model"),
        (None, None, "profile-model"),
    ];
    for (flag, env, expected) in cases {
        let mut flags = Overrides::new();
        if let Some(flag) = flag {
            flags = flags.model(flag);
        }
        let mut vars = MapEnv::new().set("OPENAI_API_KEY", "k");
        if let Some(env) = env {
            vars = vars.set("OPENAI_MODEL", env);
        }
        assert_eq!(load_ok(PROFILE, vars, flags).profile.model(), expected);
    }
}

#[test]
fn empty_environment_variables_count_as_unset() {
    let vars = MapEnv::new()
        .set("OPENAI_BASE_URL", "")
        .set("OPENAI_MODEL", " ")
        .set("OPENAI_API_KEY", "k");
    let loaded = load_ok(PROFILE, vars, Overrides::new());
    assert_eq!(loaded.profile.model(), "profile-model");
    assert_eq!(
        loaded.profile.endpoints().chat.host_str(),
        Some("profile.example.com")
    );
}

#[test]
fn provider_flag_wins_over_profile() {
    let toml = r#"
[profiles.p]
provider = "openai-native"
base_url = "https://gateway.example.com/v1"
model = "m"
"#;
    let vars = MapEnv::new().set("OPENAI_API_KEY", "k");
    let from_profile = load_ok(toml, vars.clone(), Overrides::new()).profile;
    assert_eq!(from_profile.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        from_profile.provider_reason(),
        "openai-native: set by profiles.p.provider"
    );
    let from_flag = load_ok(
        toml,
        vars,
        Overrides::new().provider(ProviderChoice::Compatible),
    )
    .profile;
    assert_eq!(from_flag.provider(), ProviderChoice::Compatible);
    assert_eq!(from_flag.provider_reason(), "compatible: set by --provider");
}

#[test]
fn endpoint_mode_flag_wins_over_profile() {
    let toml = r#"
[profiles.p]
base_url = "https://gw.example.com/api/v2/models/chat"
endpoint_mode = "base"
model = "m"
"#;
    let vars = MapEnv::new().set("OPENAI_API_KEY", "k");
    let from_profile = load_ok(toml, vars.clone(), Overrides::new()).profile;
    assert_eq!(
        from_profile.endpoints().chat.as_str(),
        "https://gw.example.com/api/v2/models/chat/chat/completions"
    );
    let from_flag = load_ok(
        toml,
        vars,
        Overrides::new().endpoint_mode(EndpointMode::Full),
    )
    .profile;
    assert_eq!(
        from_flag.endpoints().chat.as_str(),
        "https://gw.example.com/api/v2/models/chat"
    );
}

#[test]
fn header_flags_win_over_profile_headers_by_name() {
    let toml = r#"
[profiles.p]
base_url = "http://localhost:8080/v1"
model = "m"

[profiles.p.headers]
X-Title = "from profile"
HTTP-Referer = "https://example.com"
"#;
    let flags = Overrides::new()
        .header("x-title: from flag")
        .header("X-Extra: 1");
    let headers = load_ok(toml, MapEnv::new(), flags)
        .profile
        .headers()
        .clone();
    assert_eq!(headers.get("X-Title"), Some("from flag"));
    assert_eq!(headers.get("HTTP-Referer"), Some("https://example.com"));
    assert_eq!(headers.get("X-Extra"), Some("1"));
    assert_eq!(headers.len(), 3);
}

/// Key: `--api-key-env` > the profile's source > `OPENAI_API_KEY`.
#[test]
fn api_key_matrix() {
    let with_source = r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "m"
"#;
    let without_source =
        "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";
    let vars = MapEnv::new()
        .set("OPENAI_API_KEY", "from-openai-env")
        .set("TOGETHER_API_KEY", "from-profile-env")
        .set("FLAG_KEY", "from-flag-env");
    let cases = [
        (
            with_source,
            Overrides::new().api_key_env("FLAG_KEY"),
            "from-flag-env",
            "--api-key-env (`FLAG_KEY`)",
        ),
        (
            without_source,
            Overrides::new().api_key_env("FLAG_KEY"),
            "from-flag-env",
            "--api-key-env (`FLAG_KEY`)",
        ),
        (
            with_source,
            Overrides::new(),
            "from-profile-env",
            "profiles.p.api_key_env (`TOGETHER_API_KEY`)",
        ),
        (
            without_source,
            Overrides::new(),
            "from-openai-env",
            "OPENAI_API_KEY",
        ),
    ];
    for (toml, flags, key, source) in cases {
        let profile = load_ok(toml, vars.clone(), flags).profile;
        assert_eq!(
            profile.api_key().as_ref().map(|k| k.expose_secret()),
            Some(key)
        );
        assert_eq!(profile.key_source(), Some(source));
    }
}

#[test]
fn profile_choice_matrix() {
    let toml = r#"
default_profile = "b"

[profiles.a]
base_url = "http://localhost:1/v1"
model = "a"

[profiles.b]
base_url = "http://localhost:2/v1"
model = "b"

[profiles.c]
base_url = "http://localhost:3/v1"
model = "c"
"#;
    let cases = [
        (Some("a"), Some("c"), "a"),
        (None, Some("c"), "c"),
        (None, None, "b"),
    ];
    for (flag, env, expected) in cases {
        let mut flags = Overrides::new();
        if let Some(flag) = flag {
            flags = flags.profile(flag);
        }
        let mut vars = MapEnv::new();
        if let Some(env) = env {
            vars = vars.set("OAC_PROFILE", env);
        }
        let profile = load_ok(toml, vars, flags).profile;
        assert_eq!(profile.name(), Some(expected));
        assert_eq!(profile.model(), expected);
    }
}

#[test]
fn the_only_profile_is_used_without_default_profile() {
    let toml = "[profiles.only]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\n";
    let profile = load_ok(toml, MapEnv::new(), Overrides::new()).profile;
    assert_eq!(profile.name(), Some("only"));
}

#[test]
fn several_profiles_without_a_choice_is_an_error() {
    let toml = r#"
[profiles.a]
model = "a"

[profiles.b]
model = "b"
"#;
    let problems = crate::common::load_problems(toml, MapEnv::new(), Overrides::new());
    insta::assert_snapshot!("no_profile_chosen", problems);
}

#[test]
fn unknown_profile_from_flag_lists_profiles_with_did_you_mean() {
    let toml = r#"
[profiles.together]
model = "a"

[profiles.local]
model = "b"
"#;
    let problems =
        crate::common::load_problems(toml, MapEnv::new(), Overrides::new().profile("togther"));
    insta::assert_snapshot!("unknown_profile_flag", problems);
}

#[test]
fn unknown_profile_from_environment() {
    let toml = "[profiles.together]\nmodel = \"a\"\n";
    let problems = crate::common::load_problems(
        toml,
        MapEnv::new().set("OAC_PROFILE", "openrouter"),
        Overrides::new(),
    );
    insta::assert_snapshot!("unknown_profile_env", problems);
}

#[test]
fn defaults_table() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";
    let p = load_ok(toml, MapEnv::new(), Overrides::new()).profile;
    assert_eq!(p.provider(), ProviderChoice::Compatible);
    assert_eq!(*p.auth(), AuthStyle::Bearer);
    assert!(p.api_key().is_none());
    assert!(p.headers().is_empty());
    assert!(p.query().is_empty());
    assert!(p.streaming());
    assert_eq!(p.include_usage(), oac_config::IncludeUsage::Auto);
    assert_eq!(p.max_tokens_field(), oac_config::MaxTokensField::MaxTokens);
    assert!(!p.include_max_tokens());
    assert_eq!(p.max_tokens(), None);
    assert_eq!(p.temperature(), None);
    assert_eq!(p.reasoning_effort(), None);
    assert!(!p.r1_format());
    assert!(p.parse_think_tags());
    assert_eq!(p.timeouts().total.as_secs(), 600);
    assert_eq!(p.timeouts().connect.as_secs(), 10);
    assert_eq!(p.timeouts().stream_idle.as_secs(), 120);
    assert_eq!(p.max_retries(), 2);
    assert_eq!(p.proxy(), None);
    assert_eq!(p.ca_cert(), None);
    assert_eq!(p.azure(), None);
    assert_eq!(*p.model_info(), oac_config::ModelInfo::compatible_default());
    assert_eq!(p.model_info().context_window, 128_000);
    assert!(p.model_info().supports_images);
    assert!(!p.model_info().supports_computer_use);
    assert!(!p.model_info().supports_prompt_cache);
    assert_eq!(p.model_info().prices.input_price, None);
    assert_eq!(p.model_info().prices.output_price, None);
}

#[test]
fn no_config_file_uses_environment_and_defaults() {
    let vars = MapEnv::new()
        .set("OPENAI_API_KEY", "k")
        .set("OPENAI_MODEL", "gpt-4o-mini");
    let loaded = oac_config::Loader::new().env(vars).load().unwrap();
    assert_eq!(loaded.profile.name(), None);
    assert_eq!(loaded.profile.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        loaded.profile.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );
    assert!(matches!(
        loaded.source,
        oac_config::ConfigSource::NoFile { looked_at: None }
    ));
}

// ---- what the environment changes behind a profile's back ----

fn warnings_of(loaded: &Loaded, kind: WarningKind) -> Vec<String> {
    loaded
        .warnings
        .iter()
        .filter(|w| w.kind == kind)
        .map(ToString::to_string)
        .collect()
}

const TOGETHER_WITH_KEY: &str = r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "m"
"#;

#[test]
fn openai_base_url_replacing_the_profile_url_warns_that_the_key_goes_there() {
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", "https://gw.example.net/v1")
        .set("TOGETHER_API_KEY", "k");
    let loaded = load_ok(TOGETHER_WITH_KEY, env, Overrides::new());
    assert_eq!(
        loaded.profile.endpoints().chat.host_str(),
        Some("gw.example.net")
    );
    let shown = warnings_of(&loaded, WarningKind::SettingOverridden);
    assert_eq!(shown.len(), 1, "{shown:?}");
    insta::assert_snapshot!("openai_base_url_replaces_profile_url", shown.join("\n"));
}

#[test]
fn openai_base_url_replacing_a_profile_url_without_a_key_still_warns() {
    let toml = "[profiles.p]\nbase_url = \"http://localhost:8080/v1\"\nmodel = \"m\"\n";
    let env = MapEnv::new().set("OPENAI_BASE_URL", "http://localhost:11434/v1");
    let loaded = load_ok(toml, env, Overrides::new());
    assert_eq!(
        warnings_of(&loaded, WarningKind::SettingOverridden),
        [
            "OPENAI_BASE_URL: OPENAI_BASE_URL replaces profiles.p.base_url: requests go to http://localhost:11434 instead of http://localhost:8080; unset OPENAI_BASE_URL to use the profile's URL, or pass --base-url to choose on purpose"
        ]
    );
}

#[test]
fn openai_base_url_on_the_profile_server_does_not_warn() {
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", "https://API.together.xyz/v1/")
        .set("TOGETHER_API_KEY", "k");
    let loaded = load_ok(TOGETHER_WITH_KEY, env, Overrides::new());
    assert_eq!(loaded.warnings, []);
}

#[test]
fn base_url_flag_replacing_the_profile_url_does_not_warn() {
    let env = MapEnv::new().set("TOGETHER_API_KEY", "k");
    let flags = Overrides::new().base_url("https://gw.example.net/v1");
    let loaded = load_ok(TOGETHER_WITH_KEY, env, flags);
    assert_eq!(loaded.warnings, []);
}

#[test]
fn openai_api_key_sent_to_a_profile_host_that_is_not_openai_warns() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";
    let env = MapEnv::new().set("OPENAI_API_KEY", "sk-openai");
    let loaded = load_ok(toml, env, Overrides::new());
    assert_eq!(loaded.profile.key_source(), Some("OPENAI_API_KEY"));
    let shown = warnings_of(&loaded, WarningKind::OpenAiKeyToOtherHost);
    assert_eq!(shown.len(), 1, "{shown:?}");
    insta::assert_snapshot!("openai_api_key_to_profile_host", shown.join("\n"));
}

#[test]
fn openai_api_key_for_openai_local_or_environment_urls_does_not_warn() {
    let cases = [
        (
            "[profiles.p]\nbase_url = \"https://api.openai.com/v1\"\nmodel = \"gpt-4o\"\n",
            MapEnv::new(),
        ),
        (
            "[profiles.p]\nbase_url = \"http://127.0.0.1:8080/v1\"\nmodel = \"m\"\n",
            MapEnv::new(),
        ),
        (
            "[profiles.p]\nmodel = \"m\"\n",
            MapEnv::new().set("OPENAI_BASE_URL", "https://api.together.xyz/v1"),
        ),
    ];
    for (toml, env) in cases {
        let loaded = load_ok(
            toml,
            env.set("OPENAI_API_KEY", "sk-openai"),
            Overrides::new(),
        );
        assert_eq!(loaded.warnings, [], "{toml}");
    }
}

// ---- no profile can be chosen: the other problems are still reported ----

#[test]
fn unknown_profile_is_reported_with_flag_problems() {
    let toml = "[profiles.together]\nmodel = \"a\"\n";
    let flags = Overrides::new()
        .profile("togther")
        .base_url("ftp://api.together.xyz/v1")
        .api_key_env("MISSING_KEY")
        .header("no colon");
    let problems = load_problems(toml, MapEnv::new(), flags);
    insta::assert_snapshot!("unknown_profile_with_flag_problems", problems);
}

#[test]
fn no_profile_chosen_is_reported_with_environment_problems() {
    let toml = "[profiles.a]\nmodel = \"a\"\n\n[profiles.b]\nmodel = \"b\"\n";
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", "api.together.xyz/v1")
        .set("OPENAI_MODEL", " ");
    let problems = load_problems(toml, env, Overrides::new().model(""));
    insta::assert_snapshot!("no_profile_chosen_with_environment_problems", problems);
}

#[test]
fn unreadable_catalogue_is_reported_with_other_problems() {
    let toml = "catalog = \"/nonexistent/oac-test/catalog.toml\"\n\n[profiles.p]\nmodel = \"m\"\n";
    let flags = Overrides::new().base_url("api.provider.com/v1");
    let problems = load_problems(toml, MapEnv::new(), flags);
    insta::assert_snapshot!("unreadable_catalogue_with_other_problems", problems);
}

#[test]
fn catalogue_problems_are_reported_with_an_unknown_profile() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = write(
        dir.path(),
        "catalog.toml",
        "[models.\"o9\"]\ncontext_window = 0\nunknown_field = 1\n",
    );
    let toml = "[profiles.p]\nmodel = \"m\"\n";
    let flags = Overrides::new().profile("q").catalog(&catalog);
    let problems =
        load_problems(toml, MapEnv::new(), flags).replace(dir.path().to_str().unwrap(), "<DIR>");
    insta::assert_snapshot!("catalogue_problems_with_unknown_profile", problems);
}

// ---- a profile's model_info describes the profile's own model ----

const PRICED: &str = r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
model = "llama"

[profiles.p.model_info]
context_window = 131072
input_price = 0.88
output_price = 0.88
"#;

#[test]
fn model_info_applies_to_the_profiles_own_model() {
    let loaded = load_ok(PRICED, MapEnv::new(), Overrides::new());
    assert_eq!(loaded.profile.model_info().context_window, 131_072);
    assert_eq!(
        loaded
            .profile
            .model_info()
            .prices
            .input_price
            .map(|p| p.to_string()),
        Some("0.88".to_owned())
    );
    assert!(warnings_of(&loaded, WarningKind::SettingIgnored).is_empty());
}

#[test]
fn model_info_is_set_aside_when_a_flag_picks_another_model() {
    let loaded = load_ok(PRICED, MapEnv::new(), Overrides::new().model("qwen"));
    assert_eq!(loaded.profile.model(), "qwen");
    // Another model's prices would give a wrong cost: unknown is honest.
    assert_eq!(loaded.profile.model_info().prices.input_price, None);
    assert_eq!(loaded.profile.model_info().context_window, 128_000);
    assert_eq!(
        warnings_of(&loaded, WarningKind::SettingIgnored),
        [
            "profiles.p.model_info: profiles.p.model_info describes `llama`, but the model in use is `qwen` (from --model), so its limits and prices are not used; drop --model to use `llama`, or give `qwen` a profile of its own"
        ]
    );
}

#[test]
fn model_info_is_set_aside_when_openai_model_picks_another_model() {
    let env = MapEnv::new().set("OPENAI_MODEL", "qwen");
    let loaded = load_ok(PRICED, env, Overrides::new());
    assert_eq!(loaded.profile.model_info().prices.output_price, None);
    assert_eq!(warnings_of(&loaded, WarningKind::SettingIgnored).len(), 1);
}

#[test]
fn model_info_applies_when_the_flag_names_the_same_model() {
    let loaded = load_ok(PRICED, MapEnv::new(), Overrides::new().model("llama"));
    assert_eq!(loaded.profile.model_info().context_window, 131_072);
    assert!(warnings_of(&loaded, WarningKind::SettingIgnored).is_empty());
}

#[test]
fn model_info_of_a_profile_without_a_model_applies_to_any_model() {
    let toml = "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\n[profiles.p.model_info]\ninput_price = 1\noutput_price = 2\n";
    let loaded = load_ok(toml, MapEnv::new(), Overrides::new().model("qwen"));
    assert_eq!(
        loaded
            .profile
            .model_info()
            .prices
            .output_price
            .map(|p| p.to_string()),
        Some("2".to_owned())
    );
}
