//! What the loader checks for a native profile beyond the catalogue data: a
//! reasoning effort the model refuses, settings the native provider never sends,
//! and an Azure api-version too old for reasoning models.

use oac_config::{
    MapEnv, Overrides, ProblemKind, ProfileBuilder, ProviderChoice, ReasoningEffort, WarningKind,
};

use crate::common::{load, load_ok, load_problems};

fn env() -> MapEnv {
    MapEnv::new().set("OPENAI_KEY", "sk-test")
}

fn native(lines: &str) -> String {
    format!(
        "[profiles.openai]\nprovider = \"openai-native\"\napi_key_env = \"OPENAI_KEY\"\n{lines}\n"
    )
}

fn warnings(toml: &str, flags: Overrides) -> String {
    load_ok(toml, env(), flags)
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn effort_on_a_model_without_effort_is_a_problem() {
    let toml = native("model = \"gpt-4o\"\nreasoning_effort = \"high\"");
    let err = load(&toml, env(), Overrides::new()).unwrap_err();
    assert_eq!(
        err.problems()[0].kind,
        ProblemKind::UnsupportedReasoningEffort
    );
    insta::assert_snapshot!("effort_on_gpt_4o", crate::common::problems(&err));
}

#[test]
fn effort_outside_the_allowed_levels_is_a_problem() {
    let toml = native("model = \"o3\"\nreasoning_effort = \"xhigh\"");
    insta::assert_snapshot!(
        "effort_xhigh_on_o3",
        load_problems(&toml, env(), Overrides::new())
    );
}

#[test]
fn effort_problem_names_a_model_from_a_flag() {
    // Fine for the profile's model; the flag's model refuses it.
    let toml = native("model = \"o3\"\nreasoning_effort = \"high\"");
    assert!(load(&toml, env(), Overrides::new()).is_ok());
    insta::assert_snapshot!(
        "effort_with_model_flag",
        load_problems(&toml, env(), Overrides::new().model("o1-mini"))
    );
}

#[test]
fn effort_problem_is_reported_with_the_others() {
    let toml = native("model = \"gpt-4o\"\nreasoning_effort = \"low\"\ntemperature = 3");
    let problems = load_problems(&toml, env(), Overrides::new());
    assert_eq!(problems.lines().count(), 2, "{problems}");
    assert!(
        problems.contains("temperature 3 is out of range"),
        "{problems}"
    );
    assert!(
        problems.contains("profiles.openai.reasoning_effort (line 5): `gpt-4o` does not accept"),
        "{problems}"
    );
}

#[test]
fn default_effort_in_model_info_is_checked_too() {
    let toml = format!(
        "{}\n[profiles.openai.model_info]\nreasoning_effort = \"minimal\"\n",
        native("model = \"o4-mini\"")
    );
    let problems = load_problems(&toml, env(), Overrides::new());
    assert!(
        problems.starts_with("profiles.openai.model_info.reasoning_effort (line 7): `o4-mini` does not accept reasoning_effort `minimal`"),
        "{problems}"
    );
}

#[test]
fn effort_the_model_accepts_is_fine() {
    for (model, effort) in [("o3", "high"), ("gpt-5", "minimal"), ("gpt-5.1", "none")] {
        let toml = native(&format!(
            "model = \"{model}\"\nreasoning_effort = \"{effort}\""
        ));
        let loaded = load_ok(&toml, env(), Overrides::new());
        assert!(loaded.warnings.is_empty(), "{model}: {:?}", loaded.warnings);
    }
}

#[test]
fn profile_levels_make_an_unknown_model_checked() {
    let toml = format!(
        "{}\n[profiles.openai.model_info]\nsupports_reasoning_effort = [\"high\"]\n",
        native("model = \"o9-preview\"\nreasoning_effort = \"low\"")
    );
    let problems = load_problems(&toml, env(), Overrides::new());
    assert!(problems.contains("use one of: high"), "{problems}");
    // Without levels, an unknown model's effort goes to the server.
    let toml = native("model = \"o9-preview\"\nreasoning_effort = \"low\"");
    assert!(load(&toml, env(), Overrides::new()).is_ok());
}

#[test]
fn compatible_profile_effort_is_not_checked_against_the_catalogue() {
    let toml = "[profiles.gw]\nbase_url = \"http://localhost:8000/v1\"\nmodel = \"gpt-4o\"\nreasoning_effort = \"high\"\n";
    assert!(load(toml, env(), Overrides::new()).is_ok());
}

#[test]
fn builder_checks_the_effort() {
    let err = ProfileBuilder::new()
        .model("gpt-4o")
        .reasoning_effort(ReasoningEffort::High)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: reasoning_effort: `gpt-4o` does not accept reasoning_effort (`high` is set), so every request would be refused; remove it, or use a model that accepts it (o3, o4-mini, gpt-5, …)"
    );
}

#[test]
fn alias_effort_beats_the_profile_effort_with_a_warning() {
    let toml = native("model = \"o3-mini-high\"\nreasoning_effort = \"low\"");
    insta::assert_snapshot!(
        "alias_beats_profile_effort",
        warnings(&toml, Overrides::new())
    );
    let same = native("model = \"o3-mini-high\"\nreasoning_effort = \"high\"");
    assert_eq!(warnings(&same, Overrides::new()), "");
}

#[test]
fn temperature_on_a_reasoning_model_is_ignored_with_a_warning() {
    let toml = native("model = \"o3-mini\"\ntemperature = 0.2");
    let loaded = load_ok(&toml, env(), Overrides::new());
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].kind, WarningKind::SettingIgnored);
    insta::assert_snapshot!(
        "temperature_on_reasoning_model",
        loaded.warnings[0].to_string()
    );
    // An unknown id by its name, and gpt-5.
    for model in ["o5-preview", "gpt-5"] {
        let w = warnings(&toml, Overrides::new().model(model));
        assert!(w.contains("is a reasoning model"), "{model}: {w}");
    }
}

#[test]
fn temperature_on_other_models_is_sent_without_a_warning() {
    let toml = native("model = \"gpt-4o\"\ntemperature = 0.2");
    assert_eq!(warnings(&toml, Overrides::new()), "");
    let compatible = "[profiles.gw]\nbase_url = \"http://localhost:8000/v1\"\nmodel = \"o3-mini\"\ntemperature = 0.2\n";
    assert_eq!(warnings(compatible, Overrides::new()), "");
}

fn azure(lines: &str) -> String {
    native(&format!(
        "base_url = \"https://my-res.openai.azure.com\"\n{lines}"
    ))
}

#[test]
fn reasoning_model_on_azure_with_the_default_api_version_is_warned_about() {
    let toml = azure("model = \"o3-mini\"");
    let loaded = load_ok(&toml, env(), Overrides::new());
    assert_eq!(loaded.profile.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].kind, WarningKind::ApiVersionTooOld);
    insta::assert_snapshot!("azure_api_version_default", loaded.warnings[0].to_string());
}

#[test]
fn old_configured_api_version_is_warned_about_where_it_is_set() {
    let toml = azure("model = \"gpt-5\"\nazure = { api_version = \"2024-10-21\" }");
    insta::assert_snapshot!(
        "azure_api_version_configured",
        warnings(&toml, Overrides::new())
    );
    let in_url = native(
        "base_url = \"https://my-res.openai.azure.com/openai/deployments/o1/chat/completions?api-version=2024-09-01-preview\"\nmodel = \"o1\"",
    );
    let w = warnings(&in_url, Overrides::new());
    assert!(
        w.starts_with("profiles.openai.base_url: `o1` is a reasoning model")
            && w.contains("api-version 2024-09-01-preview (from the base URL)")
            && w.ends_with("change api-version in the base URL to 2024-12-01-preview (or newer)"),
        "{w}"
    );
}

#[test]
fn new_enough_api_version_or_other_models_are_not_warned_about() {
    for lines in [
        "model = \"o3-mini\"\nazure = { api_version = \"2024-12-01-preview\" }",
        "model = \"o3-mini\"\nazure = { api_version = \"2025-04-01-preview\" }",
        // Not a reasoning model.
        "model = \"gpt-4o\"",
    ] {
        assert_eq!(warnings(&azure(lines), Overrides::new()), "", "{lines}");
    }
    // The v1 API has no api-version.
    let v1 =
        native("base_url = \"https://my-res.openai.azure.com/openai/v1\"\nmodel = \"o3-mini\"");
    assert_eq!(warnings(&v1, Overrides::new()), "");
    // The compatible provider sends no developer role or effort of its own.
    let compatible = "[profiles.az]\nbase_url = \"https://my-res.openai.azure.com\"\napi_key_env = \"OPENAI_KEY\"\nmodel = \"o3-mini\"\n";
    assert_eq!(warnings(compatible, Overrides::new()), "");
}
