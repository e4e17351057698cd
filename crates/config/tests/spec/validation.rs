//! Validation: every problem names its field and the fix, all are reported together.

use insta::assert_snapshot;
use oac_config::{ConfigError, ConfigFile, MapEnv, Overrides, ProblemKind};

use crate::common::{load, load_problems, parse_problems};

fn kinds(err: &ConfigError) -> Vec<ProblemKind> {
    err.problems().iter().map(|p| p.kind).collect()
}

#[test]
fn unknown_key_suggests_the_closest_key() {
    let problems = parse_problems(
        r#"
[profiles.together]
base_ur = "https://api.together.xyz/v1"
model = "m"
"#,
    );
    assert_snapshot!("unknown_key_did_you_mean", problems);
}

#[test]
fn unknown_key_without_a_close_match_lists_the_valid_keys() {
    let problems = parse_problems(
        r#"
[profiles.p.azure]
region = "eastus"
"#,
    );
    assert_snapshot!("unknown_key_lists_valid_keys", problems);
}

#[test]
fn unknown_key_in_model_info_suggests_the_price_field() {
    let problems = parse_problems(
        r#"
[profiles.p.model_info]
input_prise = 0.88
"#,
    );
    assert_snapshot!("unknown_key_in_model_info", problems);
}

#[test]
fn profile_setting_at_the_top_level_says_where_it_belongs() {
    let problems = parse_problems(
        r#"
base_url = "https://api.together.xyz/v1"
"#,
    );
    assert_snapshot!("profile_setting_at_top_level", problems);
}

#[test]
fn misspelled_profiles_table_is_suggested() {
    let problems = parse_problems(
        r#"
[profile.p]
model = "m"
"#,
    );
    assert_snapshot!("misspelled_profiles_table", problems);
}

#[test]
fn string_where_a_number_belongs() {
    let problems = parse_problems(
        r#"
[profiles.p.model_info]
context_window = "131072"
"#,
    );
    assert_snapshot!("wrong_type_string_for_number", problems);
}

#[test]
fn boolean_where_a_price_belongs() {
    let problems = parse_problems(
        r#"
[profiles.p.model_info]
input_price = true
"#,
    );
    assert_snapshot!("wrong_type_boolean_for_price", problems);
}

#[test]
fn string_where_a_boolean_belongs() {
    let problems = parse_problems(
        r#"
[profiles.p]
streaming = "yes"
"#,
    );
    assert_snapshot!("wrong_type_string_for_boolean", problems);
}

#[test]
fn decimal_where_a_whole_number_belongs() {
    let problems = parse_problems(
        r#"
[profiles.p]
max_tokens = 1.5
"#,
    );
    assert_snapshot!("wrong_type_decimal_for_whole", problems);
}

#[test]
fn price_text_that_is_not_a_number() {
    let problems = parse_problems(
        r#"
[profiles.p.model_info]
output_price = "$0.88"
"#,
    );
    assert_snapshot!("price_not_a_number", problems);
}

#[test]
fn negative_price() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
input_price = -0.5
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::NegativePrice]);
    assert_snapshot!("negative_price", crate::common::problems(&err));
}

#[test]
fn negative_price_in_a_tier() {
    let problems = parse_problems(
        r#"
[[profiles.p.model_info.tiers]]
above_input_tokens = 200000
output_price = "-15"
"#,
    );
    assert_snapshot!("negative_tier_price", problems);
}

#[test]
fn tier_thresholds_must_ascend() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
input_price = 1.25

[[profiles.p.model_info.tiers]]
above_input_tokens = 200000
input_price = 2.5

[[profiles.p.model_info.tiers]]
above_input_tokens = 128000
input_price = 2
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::TiersNotAscending]);
    assert_snapshot!("tiers_not_ascending", crate::common::problems(&err));
}

#[test]
fn tier_without_threshold() {
    let problems = parse_problems(
        r#"
[[profiles.p.model_info.tiers]]
input_price = 2.5
"#,
    );
    assert_snapshot!("tier_without_threshold", problems);
}

#[test]
fn temperature_out_of_range() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p]
temperature = 2.5
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::TemperatureOutOfRange]);
    assert_snapshot!("temperature_out_of_range", crate::common::problems(&err));
}

#[test]
fn negative_temperature() {
    let problems = parse_problems("[profiles.p]\ntemperature = -0.1\n");
    assert_snapshot!("negative_temperature", problems);
}

#[test]
fn timeout_below_a_nanosecond_reports_the_value_typed() {
    let problems = parse_problems(
        "[profiles.p]\ntimeout_secs = 1e-10\nstream_idle_timeout_secs = 0.0000000001\n",
    );
    assert_snapshot!("timeout_below_a_nanosecond", problems);
}

#[test]
fn max_output_tokens_above_context_window() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
context_window = 8192
max_output_tokens = 16384
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::MaxOutputAboveContext]);
    assert_snapshot!("max_output_above_context", crate::common::problems(&err));
}

#[test]
fn max_output_tokens_above_the_default_context_window() {
    let problems = load_problems(
        r#"
[profiles.p]
base_url = "http://localhost:8080/v1"
model = "m"

[profiles.p.model_info]
max_output_tokens = 200000
"#,
        MapEnv::new(),
        Overrides::new(),
    );
    assert_snapshot!("max_output_above_default_context", problems);
}

#[test]
fn context_window_of_zero() {
    let problems = parse_problems("[profiles.p.model_info]\ncontext_window = 0\n");
    assert_snapshot!("zero_context_window", problems);
}

#[test]
fn empty_model_id() {
    let err = ConfigFile::parse_toml("[profiles.p]\nmodel = \"  \"\n").unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::EmptyModel]);
    assert_snapshot!("empty_model", crate::common::problems(&err));
}

#[test]
fn empty_model_id_from_a_flag() {
    let problems = load_problems(
        "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\n",
        MapEnv::new(),
        Overrides::new().model(""),
    );
    assert_snapshot!("empty_model_flag", problems);
}

#[test]
fn missing_model_id() {
    let err = load(
        "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\n",
        MapEnv::new(),
        Overrides::new(),
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::MissingModel]);
    assert_snapshot!("missing_model", crate::common::problems(&err));
}

#[test]
fn two_key_sources() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p]
api_key = "sk-inline"
api_key_env = "TOGETHER_API_KEY"
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::TwoKeySources]);
    assert_snapshot!("two_key_sources", crate::common::problems(&err));
}

#[test]
fn three_key_sources() {
    let problems = parse_problems(
        r#"
[profiles.p]
api_key = "sk-inline"
api_key_env = "TOGETHER_API_KEY"
api_key_file = "key.txt"
"#,
    );
    assert_snapshot!("three_key_sources", problems);
}

#[test]
fn key_variable_not_set() {
    let err = load(
        r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "m"
"#,
        MapEnv::new(),
        Overrides::new(),
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::KeyEnvNotSet]);
    assert_snapshot!("key_variable_not_set", crate::common::problems(&err));
}

#[test]
fn key_variable_set_but_empty() {
    let problems = load_problems(
        r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
model = "m"
"#,
        MapEnv::new().set("TOGETHER_API_KEY", "  "),
        Overrides::new(),
    );
    assert_snapshot!("key_variable_empty", problems);
}

#[test]
fn key_variable_from_the_flag_not_set() {
    let problems = load_problems(
        "[profiles.p]\nbase_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n",
        MapEnv::new(),
        Overrides::new().api_key_env("MY_KEY"),
    );
    assert_snapshot!("api_key_env_flag_not_set", problems);
}

#[test]
fn key_file_missing() {
    let err = load(
        r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_file = "/nonexistent/oac-test/together.key"
model = "m"
"#,
        MapEnv::new(),
        Overrides::new(),
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::KeyFileUnreadable]);
    assert_snapshot!("key_file_missing", crate::common::problems(&err));
}

#[test]
fn base_url_without_scheme() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p]
base_url = "api.provider.com/v1"
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::InvalidUrl]);
    assert_snapshot!("base_url_without_scheme", crate::common::problems(&err));
}

#[test]
fn base_url_with_credentials() {
    let problems = parse_problems(
        r#"
[profiles.p]
base_url = "https://user:hunter2@api.provider.com/v1"
"#,
    );
    assert!(!problems.contains("hunter2"), "{problems}");
    assert_snapshot!("base_url_with_credentials", problems);
}

#[test]
fn base_url_with_unsupported_scheme() {
    let problems = parse_problems("[profiles.p]\nbase_url = \"ftp://api.provider.com/v1\"\n");
    assert_snapshot!("base_url_ftp", problems);
}

#[test]
fn bad_models_url_names_models_url() {
    let problems = parse_problems(
        r#"
[profiles.p]
base_url = "https://api.provider.com/v1"
models_url = "api.provider.com/v1/models"
"#,
    );
    assert_snapshot!("bad_models_url", problems);
}

#[test]
fn bad_base_url_from_the_environment() {
    let problems = load_problems(
        "[profiles.p]\nmodel = \"m\"\n",
        MapEnv::new().set("OPENAI_BASE_URL", "localhost:11434/v1"),
        Overrides::new(),
    );
    assert_snapshot!("bad_base_url_env", problems);
}

#[test]
fn compatible_provider_without_base_url() {
    let problems = load_problems(
        "[profiles.p]\nprovider = \"compatible\"\nmodel = \"m\"\n",
        MapEnv::new(),
        Overrides::new(),
    );
    assert_snapshot!("compatible_without_base_url", problems);
}

#[test]
fn unknown_word_suggests_the_closest() {
    let problems = parse_problems(
        r#"
[profiles.p]
include_usage = "alway"
provider = "compatable"
reasoning_effort = "hihg"
"#,
    );
    assert_snapshot!("unknown_words", problems);
}

#[test]
fn invalid_header_in_profile() {
    let err = ConfigFile::parse_toml(
        r#"
[profiles.p.headers]
"X Title" = "app"
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::InvalidHeader]);
    assert_snapshot!("invalid_header_name", crate::common::problems(&err));
}

#[test]
fn invalid_header_flag() {
    let problems = load_problems(
        "[profiles.p]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\n",
        MapEnv::new(),
        Overrides::new().header("X-Title my app"),
    );
    assert_snapshot!("invalid_header_flag", problems);
}

#[test]
fn api_key_env_holding_a_key_is_not_echoed() {
    let problems = parse_problems("[profiles.p]\napi_key_env = \"sk-live-abc123\"\n");
    assert!(!problems.contains("sk-live-abc123"), "{problems}");
    assert_snapshot!("api_key_env_looks_like_a_key", problems);
}

#[test]
fn invalid_proxy() {
    let problems = parse_problems("[profiles.p]\nproxy = \"ftp://proxy.example.com\"\n");
    assert_snapshot!("invalid_proxy", problems);
}

#[test]
fn zero_and_negative_timeouts() {
    let problems = parse_problems(
        r#"
[profiles.p]
timeout_secs = 0
connect_timeout_secs = -1
headers_timeout_secs = 0
first_content_timeout_secs = -5
"#,
    );
    assert_snapshot!("bad_timeouts", problems);
}

#[test]
fn missing_ca_cert() {
    let problems = load_problems(
        r#"
[profiles.p]
base_url = "https://gw.corp.example/v1"
model = "m"
api_key_env = "K"
ca_cert = "/nonexistent/oac-test/root.pem"
"#,
        MapEnv::new().set("K", "k"),
        Overrides::new(),
    );
    assert_snapshot!("missing_ca_cert", problems);
}

#[test]
fn unknown_default_profile() {
    let err = ConfigFile::parse_toml(
        r#"
default_profile = "togther"

[profiles.together]
model = "m"

[profiles.local]
model = "m"
"#,
    )
    .unwrap_err();
    assert_eq!(kinds(&err), [ProblemKind::UnknownProfile]);
    assert_snapshot!("unknown_default_profile", crate::common::problems(&err));
}

#[test]
fn json_wrong_type_names_an_object() {
    let err = ConfigFile::parse_json(r#"{"profiles": {"p": "https://api.provider.com/v1"}}"#)
        .unwrap_err();
    assert_snapshot!("json_wrong_type_object", crate::common::problems(&err));
}

#[test]
fn toml_syntax_error() {
    let err = ConfigFile::parse_toml("[profiles.p]\nmodel = \n").unwrap_err();
    assert!(
        matches!(err, ConfigError::Syntax { line: 2, .. }),
        "{err:?}"
    );
    assert_snapshot!("toml_syntax_error", err.to_string());
}

#[test]
fn json_syntax_error() {
    let err = ConfigFile::parse_json("{\n  \"profiles\": {,\n}").unwrap_err();
    assert!(
        matches!(err, ConfigError::Syntax { line: 2, .. }),
        "{err:?}"
    );
    assert_snapshot!("json_syntax_error", err.to_string());
}

#[test]
fn json_duplicate_key() {
    let err =
        ConfigFile::parse_json("{\"profiles\": {\"p\": {\"model\": \"a\", \"model\": \"b\"}}}")
            .unwrap_err();
    assert_snapshot!("json_duplicate_key", err.to_string());
}

#[test]
fn all_problems_are_reported_together_in_file_order() {
    let err = ConfigFile::parse_toml(
        r#"
default_profile = "together"

[profiles.together]
base_ur = "https://api.together.xyz/v1"
api_key = "sk-inline"
api_key_env = "TOGETHER_API_KEY"
model = ""
temperature = 3
streaming = "yes"

[profiles.together.model_info]
context_window = 8192
max_output_tokens = 16384
input_price = -1
output_price = "free"

[[profiles.together.model_info.tiers]]
above_input_tokens = 200000

[[profiles.together.model_info.tiers]]
above_input_tokens = 100000

[profiles.local]
base_url = "localhost:11434/v1"
model = "qwen2.5-coder:7b"
"#,
    )
    .unwrap_err();
    assert_eq!(err.problems().len(), 10, "{err}");
    assert_snapshot!("all_problems_together", err.to_string());
}

#[test]
fn file_and_environment_problems_are_reported_together() {
    let problems = load_problems(
        r#"
[profiles.p]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
temperature = 9

[profiles.p.model_info]
input_price = true
"#,
        MapEnv::new(),
        Overrides::new().header("bad"),
    );
    assert_snapshot!("file_and_environment_problems", problems);
}

#[test]
fn one_problem_displays_on_one_line() {
    let err = ConfigFile::parse_toml("[profiles.p]\nmodel = \"\"\n").unwrap_err();
    assert_eq!(err.to_string().lines().count(), 1, "{err}");
}

/// Every problem a price table can have, nested at each depth, in both formats: the
/// field rules are `oac-pricing`'s, the places and fixes the config reader's.
#[test]
fn every_price_table_problem_names_its_place_and_fix() {
    let toml = ConfigFile::parse_toml(
        r#"
[profiles.p.model_info]
input_price = true
output_price = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"
cache_read_price = "1,5"

[[profiles.p.model_info.tiers]]
above_input_tokens = -5
input_prise = 1

[[profiles.p.model_info.tiers]]
above_input_tokens = 1.5

[[profiles.p.model_info.tiers]]
above_input_tokens = "10"

[[profiles.p.model_info.tiers]]
output_price = 2
currency = "EUR"

[profiles.p.model_info.service_tiers.Flex]
input_price = 1

[profiles.p.model_info.service_tiers.priority]
input_price = -1
tiers = 3

[profiles.p.model_info.service_tiers.priority.service_tiers.flex]
input_price = 1

[profiles.q.model_info]
tiers = [1]
service_tiers = 3

[profiles.r.model_info.service_tiers]
flex = 2
"#,
    )
    .unwrap_err();
    let json = ConfigFile::parse_json(
        r#"{"profiles": {"p": {"model_info": {
  "input_price": [1],
  "tiers": [{"above_input_tokens": 10, "inputprice": 1}, {"input_price": 1}],
  "service_tiers": {"flex": {"tiers": {"above_input_tokens": 1}}, "priority": null}
}}}}"#,
    )
    .unwrap_err();
    let text = format!(
        "{}\n--- json\n{}",
        crate::common::problems(&toml),
        crate::common::problems(&json)
    );
    assert_snapshot!("every_price_table_problem", text);
}
