//! The native model catalogue (`docs/catalog.md`): the data, aliases,
//! user catalogue files, and how the loader uses it for native profiles.

use oac_config::{
    Catalog, ConfigError, ConfigFile, EffortSupport, Loader, MapEnv, ModelFamily, Overrides,
    ProfileBuilder, ProviderChoice, ReasoningEffort, SystemPrompt, WarningKind,
};
use oac_pricing::{Decimal, Usage};

use crate::common::{load, load_ok, problems, write};

use ReasoningEffort::{High, Low, Medium, Minimal, None as NoEffort};

/// One row of the catalogue table of `docs/catalog.md`.
struct Row {
    id: &'static str,
    wire: &'static str,
    /// "reasoning_effort sent" for aliases.
    alias: Option<ReasoningEffort>,
    max_output: u32,
    context: u32,
    images: bool,
    input: &'static str,
    cache_read: &'static str,
    output: &'static str,
    /// The default effort, sent when nothing else sets one.
    default_effort: Option<ReasoningEffort>,
    /// Allowed levels; empty: reasoning_effort not accepted.
    allowed: &'static [ReasoningEffort],
    family: ModelFamily,
    system_prompt: SystemPrompt,
}

const LOW_HIGH: &[ReasoningEffort] = &[Low, Medium, High];
const MINIMAL_HIGH: &[ReasoningEffort] = &[Minimal, Low, Medium, High];
const NONE_HIGH: &[ReasoningEffort] = &[NoEffort, Minimal, Low, Medium, High];

#[allow(clippy::too_many_arguments)]
const fn row(
    id: &'static str,
    wire: &'static str,
    alias: Option<ReasoningEffort>,
    (max_output, context, images): (u32, u32, bool),
    (input, cache_read, output): (&'static str, &'static str, &'static str),
    default_effort: Option<ReasoningEffort>,
    allowed: &'static [ReasoningEffort],
    (family, system_prompt): (ModelFamily, SystemPrompt),
) -> Row {
    Row {
        id,
        wire,
        alias,
        max_output,
        context,
        images,
        input,
        cache_read,
        output,
        default_effort,
        allowed,
        family,
        system_prompt,
    }
}

const O: (ModelFamily, SystemPrompt) = (ModelFamily::OSeries, SystemPrompt::Developer);
const O_USER: (ModelFamily, SystemPrompt) = (ModelFamily::OSeries, SystemPrompt::FirstUserMessage);
const GPT5: (ModelFamily, SystemPrompt) = (ModelFamily::Gpt5, SystemPrompt::Developer);
const OTHER: (ModelFamily, SystemPrompt) = (ModelFamily::Other, SystemPrompt::System);
const O3_MINI: (u32, u32, bool) = (100_000, 200_000, false);
const O_200K: (u32, u32, bool) = (100_000, 200_000, true);
const GPT4O: (u32, u32, bool) = (16_384, 128_000, true);
const GPT41: (u32, u32, bool) = (32_768, 1_047_576, true);
const GPT5_400K: (u32, u32, bool) = (128_000, 400_000, true);

/// The catalogue table of `docs/catalog.md`, transcribed.
const SPEC: &[Row] = &[
    // Required.
    row(
        "o3-mini",
        "o3-mini",
        None,
        O3_MINI,
        ("1.10", "0.55", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o3-mini-high",
        "o3-mini",
        Some(High),
        O3_MINI,
        ("1.10", "0.55", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o3-mini-low",
        "o3-mini",
        Some(Low),
        O3_MINI,
        ("1.10", "0.55", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o1",
        "o1",
        None,
        O_200K,
        ("15", "7.50", "60"),
        None,
        LOW_HIGH,
        O,
    ),
    row(
        "o1-preview",
        "o1-preview",
        None,
        (32_768, 128_000, true),
        ("15", "7.50", "60"),
        None,
        &[],
        O_USER,
    ),
    row(
        "o1-mini",
        "o1-mini",
        None,
        (65_536, 128_000, true),
        ("1.10", "0.55", "4.40"),
        None,
        &[],
        O_USER,
    ),
    row(
        "gpt-4.5-preview",
        "gpt-4.5-preview",
        None,
        GPT4O,
        ("75", "37.50", "150"),
        None,
        &[],
        OTHER,
    ),
    row(
        "gpt-4o",
        "gpt-4o",
        None,
        GPT4O,
        ("2.50", "1.25", "10"),
        None,
        &[],
        OTHER,
    ),
    row(
        "gpt-4o-mini",
        "gpt-4o-mini",
        None,
        GPT4O,
        ("0.15", "0.075", "0.60"),
        None,
        &[],
        OTHER,
    ),
    // Also included.
    row(
        "gpt-4.1",
        "gpt-4.1",
        None,
        GPT41,
        ("2", "0.50", "8"),
        None,
        &[],
        OTHER,
    ),
    row(
        "gpt-4.1-mini",
        "gpt-4.1-mini",
        None,
        GPT41,
        ("0.40", "0.10", "1.60"),
        None,
        &[],
        OTHER,
    ),
    row(
        "gpt-4.1-nano",
        "gpt-4.1-nano",
        None,
        GPT41,
        ("0.10", "0.025", "0.40"),
        None,
        &[],
        OTHER,
    ),
    row(
        "o3",
        "o3",
        None,
        O_200K,
        ("2", "0.50", "8"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o3-high",
        "o3",
        Some(High),
        O_200K,
        ("2", "0.50", "8"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o3-low",
        "o3",
        Some(Low),
        O_200K,
        ("2", "0.50", "8"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o4-mini",
        "o4-mini",
        None,
        O_200K,
        ("1.10", "0.275", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o4-mini-high",
        "o4-mini",
        Some(High),
        O_200K,
        ("1.10", "0.275", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o4-mini-low",
        "o4-mini",
        Some(Low),
        O_200K,
        ("1.10", "0.275", "4.40"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "gpt-5",
        "gpt-5",
        None,
        GPT5_400K,
        ("1.25", "0.125", "10"),
        Some(Medium),
        MINIMAL_HIGH,
        GPT5,
    ),
    row(
        "gpt-5-mini",
        "gpt-5-mini",
        None,
        GPT5_400K,
        ("0.25", "0.025", "2"),
        Some(Medium),
        MINIMAL_HIGH,
        GPT5,
    ),
    row(
        "gpt-5-nano",
        "gpt-5-nano",
        None,
        GPT5_400K,
        ("0.05", "0.005", "0.40"),
        Some(Medium),
        MINIMAL_HIGH,
        GPT5,
    ),
    row(
        "gpt-5.1",
        "gpt-5.1",
        None,
        GPT5_400K,
        ("1.25", "0.125", "10"),
        Some(Medium),
        NONE_HIGH,
        GPT5,
    ),
    // Served only by the Responses API ("" = no cached-input price).
    row(
        "gpt-5-pro",
        "gpt-5-pro",
        None,
        (272_000, 400_000, true),
        ("15", "", "120"),
        Some(High),
        &[High],
        GPT5,
    ),
    row(
        "gpt-5-codex",
        "gpt-5-codex",
        None,
        GPT5_400K,
        ("1.25", "0.125", "10"),
        Some(Medium),
        LOW_HIGH,
        GPT5,
    ),
    row(
        "o3-pro",
        "o3-pro",
        None,
        O_200K,
        ("20", "", "80"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "o1-pro",
        "o1-pro",
        None,
        O_200K,
        ("150", "", "600"),
        Some(Medium),
        LOW_HIGH,
        O,
    ),
    row(
        "computer-use-preview",
        "computer-use-preview",
        None,
        (1_024, 8_192, true),
        ("3", "", "12"),
        None,
        &[],
        OTHER,
    ),
];

/// The models OpenAI serves only through the Responses API.
const RESPONSES_ONLY: [&str; 5] = [
    "gpt-5-pro",
    "gpt-5-codex",
    "o3-pro",
    "o1-pro",
    "computer-use-preview",
];

#[test]
fn responses_only_models_say_so_and_the_others_do_not() {
    for r in SPEC {
        let expected = RESPONSES_ONLY
            .contains(&r.id)
            .then_some(oac_url::WireApi::Responses);
        assert_eq!(entry(r.id).api, expected, "{}", r.id);
    }
}

#[test]
fn api_auto_picks_the_responses_api_for_a_responses_only_native_model() {
    let pro = load_ok("", MapEnv::new(), Overrides::new().model("gpt-5-pro"));
    assert_eq!(pro.profile.api(), oac_url::WireApi::Responses);
    assert_eq!(
        pro.profile.api_reason(),
        "api is auto and the catalogue says `gpt-5-pro` is served only by the Responses API"
    );
    let plain = load_ok("", MapEnv::new(), Overrides::new().model("gpt-5"));
    assert_eq!(plain.profile.api(), oac_url::WireApi::Chat);
    let forced = load_ok(
        "",
        MapEnv::new(),
        Overrides::new()
            .model("gpt-5")
            .api(oac_config::ApiChoice::Responses),
    );
    assert_eq!(forced.profile.api(), oac_url::WireApi::Responses);
    assert_eq!(forced.profile.api_reason(), "--api = responses");
    let by_url = load_ok(
        "",
        MapEnv::new(),
        Overrides::new()
            .model("m")
            .base_url("https://api.provider.com/v1/responses"),
    );
    assert_eq!(by_url.profile.api(), oac_url::WireApi::Responses);
    let refused = load(
        "",
        MapEnv::new(),
        Overrides::new()
            .model("m")
            .base_url("https://h.example.com/api/v2/models/chat")
            .api(oac_config::ApiChoice::Responses),
    )
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("the Responses API cannot be used with this URL"),
        "{refused}"
    );
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn entry(id: &str) -> &'static oac_config::CatalogEntry {
    Catalog::builtin()
        .lookup(id)
        .unwrap_or_else(|| panic!("`{id}` is missing from the built-in catalogue"))
}

#[test]
fn catalogue_holds_exactly_the_spec_ids() {
    let mut spec: Vec<&str> = SPEC.iter().map(|r| r.id).collect();
    spec.sort_unstable();
    let builtin: Vec<&str> = Catalog::builtin().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(builtin, spec);
}

#[test]
fn wire_model_of_every_entry() {
    for r in SPEC {
        assert_eq!(entry(r.id).wire_model, r.wire, "{}", r.id);
    }
}

#[test]
fn alias_effort_of_every_entry() {
    for r in SPEC {
        assert_eq!(entry(r.id).alias_effort, r.alias, "{}", r.id);
    }
}

#[test]
fn max_output_of_every_entry() {
    for r in SPEC {
        assert_eq!(
            entry(r.id).info.max_output_tokens,
            Some(r.max_output),
            "{}",
            r.id
        );
    }
}

#[test]
fn context_window_of_every_entry() {
    for r in SPEC {
        assert_eq!(entry(r.id).info.context_window, r.context, "{}", r.id);
    }
}

#[test]
fn image_support_of_every_entry() {
    for r in SPEC {
        assert_eq!(entry(r.id).info.supports_images, r.images, "{}", r.id);
    }
}

#[test]
fn prices_of_every_entry() {
    for r in SPEC {
        let prices = &entry(r.id).info.prices;
        assert_eq!(prices.input_price, Some(dec(r.input)), "{} input", r.id);
        assert_eq!(
            prices.cache_read_price,
            (!r.cache_read.is_empty()).then(|| dec(r.cache_read)),
            "{} cache read",
            r.id
        );
        assert_eq!(prices.output_price, Some(dec(r.output)), "{} output", r.id);
        assert_eq!(prices.cache_write_price, None, "{} cache write", r.id);
        assert!(prices.tiers.is_empty(), "{} tiers", r.id);
    }
}

#[test]
fn effort_default_and_allowed_levels_of_every_entry() {
    for r in SPEC {
        let info = &entry(r.id).info;
        assert_eq!(info.reasoning_effort, r.default_effort, "{} default", r.id);
        let expected = if r.allowed.is_empty() {
            EffortSupport::No
        } else {
            EffortSupport::Levels(r.allowed.to_vec())
        };
        assert_eq!(info.supports_reasoning_effort, expected, "{} allowed", r.id);
    }
}

#[test]
fn family_and_system_prompt_of_every_entry() {
    for r in SPEC {
        let e = entry(r.id);
        assert_eq!(e.family, r.family, "{} family", r.id);
        assert_eq!(e.system_prompt, r.system_prompt, "{} system prompt", r.id);
        // The name-based rule for unknown ids agrees with the data.
        assert_eq!(
            ModelFamily::of_id(r.id),
            r.family,
            "{} inferred family",
            r.id
        );
        assert_eq!(
            SystemPrompt::of_id(r.id, r.family),
            r.system_prompt,
            "{} inferred system prompt",
            r.id
        );
    }
}

#[test]
fn only_computer_use_preview_claims_computer_use() {
    for r in SPEC {
        assert_eq!(
            entry(r.id).info.supports_computer_use,
            r.id == "computer-use-preview",
            "{}",
            r.id
        );
    }
}

#[test]
fn o3_mini_high_is_o3_mini_with_effort_high() {
    let e = entry("o3-mini-high");
    assert_eq!(e.wire_model, "o3-mini");
    assert_eq!(e.alias_effort, Some(High));
    assert_eq!(e.info, entry("o3-mini").info);
}

#[test]
fn aliases_share_their_model_info() {
    for (alias, model) in [
        ("o3-mini-low", "o3-mini"),
        ("o3-high", "o3"),
        ("o3-low", "o3"),
        ("o4-mini-high", "o4-mini"),
        ("o4-mini-low", "o4-mini"),
    ] {
        assert_eq!(entry(alias).info, entry(model).info, "{alias}");
        assert_eq!(entry(alias).wire_model, model, "{alias}");
    }
}

const NATIVE: &str = r#"
[profiles.openai]
provider = "openai-native"
api_key_env = "OPENAI_KEY"
model = "gpt-4o"
"#;

fn env() -> MapEnv {
    MapEnv::new().set("OPENAI_KEY", "sk-test")
}

#[test]
fn native_profile_gets_the_catalogue_info() {
    let loaded = load_ok(NATIVE, env(), Overrides::new());
    let p = &loaded.profile;
    assert_eq!(*p.model_info(), entry("gpt-4o").info);
    assert_eq!(p.catalog_entry(), Some(entry("gpt-4o")));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn native_alias_keeps_the_configured_id_and_names_the_wire_model() {
    let loaded = load_ok(NATIVE, env(), Overrides::new().model("o3-mini-high"));
    let p = &loaded.profile;
    assert_eq!(p.model(), "o3-mini-high");
    let e = p.catalog_entry().unwrap();
    assert_eq!(e.wire_model, "o3-mini");
    assert_eq!(e.alias_effort, Some(High));
    assert_eq!(p.model_info().context_window, 200_000);
}

#[test]
fn cost_of_a_native_model_needs_no_user_prices() {
    // Vector 2 of `docs/pricing.md`, with gpt-4o's catalogue prices.
    let loaded = load_ok(NATIVE, env(), Overrides::new());
    let usage = Usage::new(2_006, 300).with_cache_read(1_920);
    let cost = loaded.profile.model_info().prices.cost(&usage);
    assert_eq!(cost.total(), Some(dec("0.005615")));
}

#[test]
fn cost_vectors_priced_from_the_catalogue() {
    // The vectors of `docs/pricing.md` whose prices are a catalogue model's.
    let cases = [
        ("gpt-4o-mini", Usage::new(1_000, 500), "0.00045"),
        (
            "o3-mini",
            Usage::new(150, 8_500).with_reasoning(8_200),
            "0.037565",
        ),
        (
            "o1",
            Usage::new(10_000, 3_000)
                .with_cache_read(4_096)
                .with_reasoning(2_500),
            "0.29928",
        ),
        (
            "gpt-4.5-preview",
            Usage::new(10_000, 1_000).with_cache_read(8_192),
            "0.5928",
        ),
    ];
    for (model, usage, expected) in cases {
        let loaded = load_ok(NATIVE, env(), Overrides::new().model(model));
        let cost = loaded.profile.model_info().prices.cost(&usage);
        assert_eq!(cost.total(), Some(dec(expected)), "{model}");
    }
}

#[test]
fn profile_model_info_overrides_the_catalogue_field_by_field() {
    let toml = format!(
        "{NATIVE}\n[profiles.openai.model_info]\ninput_price = 2.00\nsupports_images = false\n"
    );
    let p = load_ok(&toml, env(), Overrides::new()).profile;
    assert_eq!(p.model_info().prices.input_price, Some(dec("2")));
    assert!(!p.model_info().supports_images);
    // Everything else is the catalogue's.
    assert_eq!(p.model_info().prices.output_price, Some(dec("10")));
    assert_eq!(p.model_info().prices.cache_read_price, Some(dec("1.25")));
    assert_eq!(p.model_info().context_window, 128_000);
    assert_eq!(p.model_info().max_output_tokens, Some(16_384));
    // The entry itself is the catalogue's, untouched.
    assert_eq!(p.catalog_entry(), Some(entry("gpt-4o")));
}

#[test]
fn profile_max_output_above_the_catalogue_context_is_a_problem() {
    let toml = format!("{NATIVE}\n[profiles.openai.model_info]\nmax_output_tokens = 200000\n");
    let problems = crate::common::load_problems(&toml, env(), Overrides::new());
    assert!(
        problems.starts_with("profiles.openai.model_info.max_output_tokens (line 8): max_output_tokens 200000 is larger than context_window 128000"),
        "{problems}"
    );
}

#[test]
fn compatible_profile_ignores_the_catalogue() {
    let toml = r#"
[profiles.gw]
base_url = "https://gateway.example.com/v1"
api_key_env = "OPENAI_KEY"
model = "gpt-4o"
"#;
    let loaded = load_ok(toml, env(), Overrides::new());
    assert_eq!(loaded.profile.provider(), ProviderChoice::Compatible);
    assert!(loaded.profile.catalog_entry().is_none());
    assert_eq!(loaded.profile.model_info().prices.input_price, None);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn native_gateway_base_url_still_uses_the_catalogue() {
    let loaded = load_ok(
        NATIVE,
        env(),
        Overrides::new().base_url("https://gateway.example.com/openai/v1"),
    );
    let p = &loaded.profile;
    assert_eq!(p.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        p.endpoints().chat.as_str(),
        "https://gateway.example.com/openai/v1/chat/completions"
    );
    assert_eq!(*p.model_info(), entry("gpt-4o").info);
}

#[test]
fn auto_provider_explains_its_choice() {
    let toml = "[profiles.p]\napi_key_env = \"OPENAI_KEY\"\nmodel = \"gpt-4o\"\n";
    let p = load_ok(toml, env(), Overrides::new()).profile;
    assert_eq!(p.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        p.provider_reason(),
        "openai-native: provider is auto and no base URL is set, so the OpenAI API is used"
    );
    assert!(p.catalog_entry().is_some());

    let p = load_ok(
        toml,
        env(),
        Overrides::new().base_url("https://api.openai.com/v1"),
    )
    .profile;
    assert_eq!(
        p.provider_reason(),
        "openai-native: provider is auto and the host is api.openai.com"
    );

    let p = load_ok(
        toml,
        env(),
        Overrides::new().base_url("http://localhost:11434/v1"),
    )
    .profile;
    assert_eq!(p.provider(), ProviderChoice::Compatible);
    assert_eq!(
        p.provider_reason(),
        "compatible: provider is auto and the host `localhost` is not api.openai.com"
    );
}

#[test]
fn unknown_native_id_gets_defaults_and_a_warning() {
    let loaded = load_ok(NATIVE, env(), Overrides::new().model("gpt-7-turbo"));
    let p = &loaded.profile;
    assert!(p.catalog_entry().is_none());
    assert_eq!(*p.model_info(), oac_config::ModelInfo::compatible_default());
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].kind, WarningKind::UnknownModel);
    insta::assert_snapshot!("unknown_native_model", loaded.warnings[0].to_string());
}

#[test]
fn unknown_native_id_spelled_like_a_known_one_gets_a_suggestion() {
    let loaded = load_ok(NATIVE, env(), Overrides::new().model("gpt4o-mini"));
    assert!(
        loaded.warnings[0]
            .message
            .contains("did you mean `gpt-4o-mini`?"),
        "{}",
        loaded.warnings[0]
    );
}

#[test]
fn unknown_native_snapshot_id_points_at_based_on() {
    let loaded = load_ok(NATIVE, env(), Overrides::new().model("gpt-4o-2024-11-20"));
    insta::assert_snapshot!("unknown_native_snapshot", loaded.warnings[0].to_string());
}

#[test]
fn unknown_native_id_described_in_the_profile_is_not_warned_about() {
    let toml = r#"
[profiles.openai]
provider = "openai-native"
api_key_env = "OPENAI_KEY"
model = "gpt-7-turbo"

[profiles.openai.model_info]
context_window = 1000000
input_price = 3
output_price = 12
"#;
    let loaded = load_ok(toml, env(), Overrides::new());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.profile.model_info().context_window, 1_000_000);
}

const MINE: &str = r#"
[models."gpt-4o"]
input_price = 2.00

[models."gpt-7-turbo"]
family = "gpt-5"
context_window = 1000000
max_output_tokens = 100000
supports_reasoning_effort = ["low", "high"]
input_price = 3
output_price = 12

[models."o3-mini-2025-01-31"]
based_on = "o3-mini"
"#;

#[test]
fn catalogue_file_from_the_config_extends_the_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "mine.toml", MINE);
    let config = format!("catalog = \"mine.toml\"\n{NATIVE}");
    let path = write(dir.path(), "config.toml", &config);
    let load = |model: &str| {
        Loader::new()
            .env(env())
            .overrides(Overrides::new().config(&path).model(model))
            .load()
            .unwrap()
    };

    let gpt_4o = load("gpt-4o");
    assert_eq!(
        gpt_4o.profile.model_info().prices.input_price,
        Some(dec("2"))
    );
    assert_eq!(
        gpt_4o.profile.model_info().prices.output_price,
        Some(dec("10"))
    );

    let new = load("gpt-7-turbo");
    assert!(new.warnings.is_empty(), "{:?}", new.warnings);
    let e = new.profile.catalog_entry().unwrap();
    assert_eq!(e.family, ModelFamily::Gpt5);
    assert_eq!(e.system_prompt, SystemPrompt::Developer);
    assert_eq!(e.wire_model, "gpt-7-turbo");
    assert_eq!(
        e.info.supports_reasoning_effort,
        EffortSupport::Levels(vec![Low, High])
    );
    assert_eq!(new.profile.model_info().context_window, 1_000_000);

    let dated = load("o3-mini-2025-01-31").profile;
    let e = dated.catalog_entry().unwrap();
    assert_eq!(e.wire_model, "o3-mini-2025-01-31");
    assert_eq!(e.info, entry("o3-mini").info);

    // Models the file does not name are the built-in ones.
    assert_eq!(*load("o1").profile.model_info(), entry("o1").info);
}

#[test]
fn oac_catalog_wins_over_the_config_key_and_the_flag_over_both() {
    let dir = tempfile::tempdir().unwrap();
    let from_env = write(
        dir.path(),
        "env.toml",
        "[models.\"gpt-4o\"]\ninput_price = 1\n",
    );
    let from_flag = write(
        dir.path(),
        "flag.json",
        r#"{"models": {"gpt-4o": {"input_price": "0.5"}}}"#,
    );
    write(dir.path(), "mine.toml", MINE);
    let config = write(
        dir.path(),
        "config.toml",
        &format!("catalog = \"mine.toml\"\n{NATIVE}"),
    );
    let price = |flags: Overrides, env: MapEnv| {
        Loader::new()
            .env(env)
            .overrides(flags.config(&config))
            .load()
            .unwrap()
            .profile
            .model_info()
            .prices
            .input_price
            .unwrap()
    };
    let with_env = env().set("OAC_CATALOG", from_env.to_str().unwrap());
    assert_eq!(price(Overrides::new(), env()), dec("2"));
    assert_eq!(price(Overrides::new(), with_env.clone()), dec("1"));
    assert_eq!(
        price(Overrides::new().catalog(&from_flag), with_env),
        dec("0.5")
    );
}

#[test]
fn catalogue_given_in_code_is_used() {
    let mut catalog = Catalog::builtin().clone();
    catalog
        .extend_from_toml_str("[models.\"gpt-4o\"]\ncontext_window = 64000\n")
        .unwrap();
    let file = ConfigFile::parse_toml(NATIVE).unwrap();
    let loaded = Loader::new()
        .env(env())
        .config_file(file)
        .catalog(catalog.clone())
        .load()
        .unwrap();
    assert_eq!(loaded.profile.model_info().context_window, 64_000);

    let built = ProfileBuilder::new()
        .model("gpt-4o")
        .catalog(catalog)
        .build()
        .unwrap();
    assert_eq!(built.model_info().context_window, 64_000);
}

#[test]
fn profile_builder_uses_the_builtin_catalogue_for_native() {
    let p = ProfileBuilder::new().model("o1-mini").build().unwrap();
    assert_eq!(p.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(*p.model_info(), entry("o1-mini").info);
    assert_eq!(
        p.catalog_entry().unwrap().system_prompt,
        SystemPrompt::FirstUserMessage
    );
}

#[test]
fn missing_catalogue_file_names_the_path() {
    let err = load(
        &format!("catalog = \"/nonexistent/catalog.toml\"\n{NATIVE}"),
        env(),
        Overrides::new(),
    )
    .unwrap_err();
    assert!(
        matches!(err, ConfigError::UnreadableCatalog { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("cannot read the model catalogue file /nonexistent/catalog.toml: "),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with("; check the path (--catalog, OAC_CATALOG, or `catalog` in the config file) and its permissions"),
        "{err}"
    );
}

#[test]
fn catalogue_file_problems_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.toml",
        r#"
[models.gpt-4.1]
input_price = 1

[models."o3-mini-max"]
based_on = "o3-minii"
alias_effort = "max"

[models."gpt-4o"]
alias_effort = "high"
outptu_price = 3
input_price = -1

[models."o3-extra"]
based_on = "o3"
alias_effort = "minimal"

[gpt-4o]
input_price = 1
"#,
    );
    let mut catalog = Catalog::builtin().clone();
    let before = catalog.clone();
    let err = catalog.extend_from_file(&path).unwrap_err();
    assert_eq!(catalog, before, "a failed extension changes nothing");
    assert!(err.problems().iter().all(|p| p.line.is_some()), "{err}");
    insta::assert_snapshot!("catalogue_file_problems", problems(&err));
}

#[test]
fn catalogue_syntax_error_has_the_place() {
    let err = Catalog::from_toml_str("[models.\"gpt-4o\"\ninput_price = 1\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::Syntax { line: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn catalogue_json_and_toml_are_equivalent() {
    let toml = Catalog::from_toml_str(
        "[models.\"m\"]\nfamily = \"o-series\"\nsystem_prompt = \"user\"\ninput_price = 0.1\n",
    )
    .unwrap();
    let mut json = Catalog::new();
    json.extend_from_json_str(
        r#"{"models": {"m": {"family": "o-series", "system_prompt": "user", "input_price": 0.1}}}"#,
    )
    .unwrap();
    assert_eq!(toml, json);
    let m = toml.lookup("m").unwrap();
    assert_eq!(m.system_prompt, SystemPrompt::FirstUserMessage);
    assert_eq!(m.info.prices.input_price, Some(dec("0.1")));
}

#[test]
fn new_entry_family_sets_its_system_prompt() {
    let catalog = Catalog::from_toml_str(
        "[models.\"my-reasoner\"]\nfamily = \"o-series\"\n[models.\"plain\"]\n",
    )
    .unwrap();
    let reasoner = catalog.lookup("my-reasoner").unwrap();
    assert_eq!(reasoner.system_prompt, SystemPrompt::Developer);
    let plain = catalog.lookup("plain").unwrap();
    assert_eq!(plain.family, ModelFamily::Other);
    assert_eq!(plain.system_prompt, SystemPrompt::System);
    assert_eq!(plain.info, oac_config::ModelInfo::compatible_default());
}

#[test]
fn config_catalog_key_is_read_and_written() {
    let file = ConfigFile::parse_toml(&format!("catalog = \"~/models.toml\"\n{NATIVE}")).unwrap();
    assert_eq!(
        file.catalog.as_deref(),
        Some(std::path::Path::new("~/models.toml"))
    );
    let written = file.to_toml_string().unwrap();
    assert!(
        written.contains("catalog = \"~/models.toml\"\n"),
        "{written}"
    );
    assert_eq!(ConfigFile::parse_toml(&written).unwrap(), file);
}

#[test]
fn catalog_key_inside_a_profile_is_an_unknown_key() {
    let problems =
        crate::common::parse_problems("[profiles.p]\nmodel = \"m\"\ncatalog = \"x.toml\"\n");
    assert!(problems.contains("unknown key `catalog`"), "{problems}");
}

#[test]
fn only_o1_preview_and_o1_mini_reject_tools() {
    for r in SPEC {
        let rejects = matches!(r.id, "o1-preview" | "o1-mini");
        assert_eq!(entry(r.id).info.supports_tools, !rejects, "{}", r.id);
    }
}

#[test]
fn supports_tools_is_a_model_info_key() {
    let toml = format!("{NATIVE}\n[profiles.openai.model_info]\nsupports_tools = false\n");
    let p = load_ok(&toml, env(), Overrides::new()).profile;
    assert!(!p.model_info().supports_tools);
    let file = ConfigFile::parse_toml(&toml).unwrap();
    let written = file.to_toml_string().unwrap();
    assert!(written.contains("supports_tools = false\n"), "{written}");
}

#[test]
fn override_of_a_model_reaches_its_aliases() {
    let mut catalog = Catalog::builtin().clone();
    catalog
        .extend_from_toml_str("[models.\"o3-mini\"]\ninput_price = 0.5\n")
        .unwrap();
    for id in ["o3-mini", "o3-mini-high", "o3-mini-low"] {
        let e = catalog.lookup(id).unwrap();
        assert_eq!(e.info.prices.input_price, Some(dec("0.5")), "{id}");
        assert_eq!(e.info.prices.output_price, Some(dec("4.40")), "{id}");
        assert_eq!(e.wire_model, "o3-mini", "{id}");
    }
    assert_eq!(
        catalog.lookup("o3-mini-high").unwrap().alias_effort,
        Some(High)
    );
    assert_eq!(
        catalog.lookup("o3-mini-high").unwrap().based_on.as_deref(),
        Some("o3-mini")
    );
    // Other families are untouched.
    assert_eq!(catalog.lookup("o3-high").unwrap().info, entry("o3").info);
}

#[test]
fn alias_keeps_the_fields_it_overrides_itself() {
    let mut catalog = Catalog::builtin().clone();
    catalog
        .extend_from_toml_str(
            "[models.\"o3-mini-high\"]\ninput_price = 0.9\n\n[models.\"o3-mini\"]\ninput_price = 0.5\ncontext_window = 150000\n",
        )
        .unwrap();
    let high = catalog.lookup("o3-mini-high").unwrap();
    assert_eq!(high.info.prices.input_price, Some(dec("0.9")));
    assert_eq!(
        high.info.context_window, 150_000,
        "the rest follows o3-mini"
    );
    let low = catalog.lookup("o3-mini-low").unwrap();
    assert_eq!(low.info.prices.input_price, Some(dec("0.5")));

    // A later file's override of the base still leaves the alias's own field.
    catalog
        .extend_from_toml_str("[models.\"o3-mini\"]\ninput_price = 0.4\n")
        .unwrap();
    let high = catalog.lookup("o3-mini-high").unwrap();
    assert_eq!(high.info.prices.input_price, Some(dec("0.9")));
    assert_eq!(high.info.context_window, 150_000);
    assert_eq!(
        catalog
            .lookup("o3-mini-low")
            .unwrap()
            .info
            .prices
            .input_price,
        Some(dec("0.4"))
    );
}

#[test]
fn override_in_a_later_file_reaches_entries_of_an_earlier_one() {
    let mut catalog = Catalog::builtin().clone();
    catalog
        .extend_from_toml_str("[models.\"o3-mini-2025-01-31\"]\nbased_on = \"o3-mini\"\n")
        .unwrap();
    catalog
        .extend_from_toml_str("[models.\"o3-mini\"]\noutput_price = 4\n")
        .unwrap();
    let dated = catalog.lookup("o3-mini-2025-01-31").unwrap();
    assert_eq!(dated.info.prices.output_price, Some(dec("4")));
    assert_eq!(dated.wire_model, "o3-mini-2025-01-31");
}

#[test]
fn loader_sees_the_override_on_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "mine.toml",
        "[models.\"o3-mini\"]\ninput_price = 0.5\n",
    );
    let config = write(
        dir.path(),
        "config.toml",
        &format!("catalog = \"mine.toml\"\n{NATIVE}"),
    );
    let loaded = Loader::new()
        .env(env())
        .overrides(Overrides::new().config(&config).model("o3-mini-high"))
        .load()
        .unwrap();
    assert_eq!(
        loaded.profile.model_info().prices.input_price,
        Some(dec("0.5"))
    );
}

#[test]
fn base_override_an_alias_no_longer_fits_is_a_problem() {
    let mut catalog = Catalog::builtin().clone();
    let before = catalog.clone();
    let err = catalog
        .extend_from_toml_str(
            "[models.\"o3-mini\"]\nsupports_reasoning_effort = [\"low\", \"medium\"]\n",
        )
        .unwrap_err();
    assert_eq!(catalog, before, "a failed extension changes nothing");
    insta::assert_snapshot!("base_override_breaks_an_alias", problems(&err));
}

#[test]
fn inserted_entry_reaches_entries_based_on_it() {
    let mut catalog = Catalog::builtin().clone();
    let mut o3 = entry("o3").clone();
    o3.info.context_window = 300_000;
    let old = catalog.insert(o3).unwrap();
    assert_eq!(old.info.context_window, 200_000);
    assert_eq!(
        catalog.lookup("o3-high").unwrap().info.context_window,
        300_000
    );
    assert_eq!(catalog.lookup("o3-high").unwrap().wire_model, "o3");
}

#[test]
fn gateway_prefixed_id_finds_the_entry_and_keeps_the_prefix() {
    let e = Catalog::builtin().entry_for("openai/o3-mini-high").unwrap();
    assert_eq!(e.id, "openai/o3-mini-high");
    assert_eq!(e.wire_model, "openai/o3-mini");
    assert_eq!(e.alias_effort, Some(High));
    assert_eq!(e.info, entry("o3-mini").info);
    // An exact id wins.
    assert_eq!(
        Catalog::builtin().entry_for("gpt-4o").unwrap(),
        *entry("gpt-4o")
    );
    assert!(Catalog::builtin().entry_for("openai/gpt-7").is_none());
}

#[test]
fn gateway_prefixed_unknown_id_infers_its_family() {
    assert_eq!(
        ModelFamily::of_id("openai/o5-preview"),
        ModelFamily::OSeries
    );
    assert_eq!(
        ModelFamily::of_id("azure/openai/gpt-5-codex"),
        ModelFamily::Gpt5
    );
    assert_eq!(
        SystemPrompt::of_id("openrouter/o1-mini-2024", ModelFamily::OSeries),
        SystemPrompt::FirstUserMessage
    );
}

#[test]
fn native_profile_with_a_gateway_prefixed_id_uses_the_catalogue() {
    let loaded = load_ok(
        NATIVE,
        env(),
        Overrides::new()
            .base_url("https://gateway.example.com/v1")
            .model("openai/gpt-4o"),
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let p = &loaded.profile;
    assert_eq!(*p.model_info(), entry("gpt-4o").info);
    assert_eq!(p.catalog_entry().unwrap().wire_model, "openai/gpt-4o");
}

/// Flex and priority prices (per 1M: input, cached input, output) of the entries
/// that have them, as OpenAI publishes them; aliases inherit their base's.
#[test]
fn service_tier_prices_are_listed_for_the_models_that_have_them() {
    let expect = [
        ("gpt-5", "flex", ("0.625", "0.0625", "5")),
        ("gpt-5", "priority", ("2.50", "0.25", "20")),
        ("gpt-5-mini", "flex", ("0.125", "0.0125", "1")),
        ("gpt-5-mini", "priority", ("0.45", "0.045", "3.60")),
        ("gpt-5-nano", "flex", ("0.025", "0.0025", "0.20")),
        ("gpt-5.1", "priority", ("2.50", "0.25", "20")),
        ("gpt-5-codex", "priority", ("2.50", "0.25", "20")),
        ("gpt-4.1", "priority", ("3.50", "0.875", "14")),
        ("gpt-4o", "priority", ("4.25", "2.125", "17")),
        ("gpt-4o-mini", "priority", ("0.25", "0.125", "1.00")),
        ("o3", "flex", ("1.00", "0.25", "4.00")),
        ("o3-high", "priority", ("3.50", "0.875", "14")),
        ("o4-mini", "flex", ("0.55", "0.138", "2.20")),
        ("o4-mini-low", "priority", ("2.00", "0.50", "8.00")),
    ];
    for (id, tier, (input, cached, output)) in expect {
        let entry = Catalog::builtin()
            .entry_for(id)
            .unwrap_or_else(|| panic!("{id} is listed"));
        let sheet = entry
            .info
            .prices
            .for_service_tier(Some(tier))
            .unwrap_or_else(|| panic!("{id} has {tier} prices"));
        let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
        assert_eq!(sheet.input_price, d(input), "{id} {tier}");
        assert_eq!(sheet.cache_read_price, d(cached), "{id} {tier}");
        assert_eq!(sheet.output_price, d(output), "{id} {tier}");
    }
    // A tier a model does not list is unknown, never standard.
    let nano = Catalog::builtin().entry_for("gpt-5-nano").unwrap();
    let usage = Usage::new(1_000, 10).with_service_tier("priority");
    assert_eq!(oac_pricing::cost(&usage, &nano.info.prices).total(), None);
}
