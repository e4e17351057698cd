//! Writing a config back to TOML: exact, lossless, never a key.

use oac_config::{ConfigFile, Decimal, ModelPrices, PriceTier, Profile};
use proptest::prelude::*;

const RICH: &str = r#"
default_profile = "gw"

[profiles.gw]
provider = "compatible"
base_url = "https://gw.example.com/v1?tenant=a"
endpoint_mode = "base"
models_url = "https://gw.example.com/v1/models"
api_key_file = "~/.config/oac/gw.key"
auth = { header = "X-Api-Key" }
model = "vendor/model \"quoted\" \\ name"
streaming = false
include_usage = "always"
max_tokens_field = "max_completion_tokens"
include_max_tokens = true
max_tokens = 4096
temperature = 0.35
reasoning_effort = "minimal"
r1_format = false
parse_think_tags = false
timeout_secs = 12.25
connect_timeout_secs = 3
stream_idle_timeout_secs = 0.001
max_retries = 0
proxy = "socks5h://proxy.example.com:1080"
ca_cert = "/etc/ssl/corp root.pem"

[profiles.gw.headers]
X-Title = "tab\there"

[profiles.gw.query]
"api version" = "2024-10-21"

[profiles.gw.azure]

[profiles.gw.model_info]
max_output_tokens = 8192
context_window = 1047576
supports_images = false
supports_computer_use = true
supports_prompt_cache = true
supports_tools = false
supports_reasoning_effort = ["none", "xhigh"]
reasoning_effort = "none"
input_price = 0.1234567890123456789012345678
output_price = 10
cache_read_price = 0.0000001
cache_write_price = 3.75
reasoning_price = 12

[[profiles.gw.model_info.tiers]]
above_input_tokens = 200000
input_price = 2.5

[[profiles.gw.model_info.tiers]]
above_input_tokens = 1000000
output_price = 20

[profiles.gw.model_info.service_tiers.flex]
input_price = 0.625
cache_read_price = 0.0625
output_price = 5

[profiles.gw.model_info.service_tiers.priority]
input_price = 2.5
output_price = 20

[[profiles.gw.model_info.service_tiers.priority.tiers]]
above_input_tokens = 272000
input_price = 5

[profiles."my local"]
base_url = "http://localhost:11434/v1"
model = "qwen2.5-coder:7b"
api_key_env = "LOCAL_KEY"
"#;

#[test]
fn every_field_round_trips() {
    let file = ConfigFile::parse_toml(RICH).unwrap();
    let written = file.to_toml_string().unwrap();
    let again = ConfigFile::parse_toml(&written).unwrap();
    assert_eq!(again, file);
    assert_eq!(
        again.to_toml_string().unwrap(),
        written,
        "writing is stable"
    );
    insta::assert_snapshot!("rich_config_toml", written);
}

#[test]
fn empty_config_writes_nothing() {
    assert_eq!(ConfigFile::new().to_toml_string().unwrap(), "");
}

#[test]
fn empty_profile_round_trips() {
    let mut file = ConfigFile::new();
    file.profiles.insert("empty".into(), Profile::new());
    let written = file.to_toml_string().unwrap();
    assert_eq!(written, "[profiles.empty]\n");
    assert_eq!(ConfigFile::parse_toml(&written).unwrap(), file);
}

#[test]
fn whole_prices_beyond_toml_integers_round_trip() {
    for text in [
        "9223372036854775807",
        "10000000000000000000",
        "79228162514264337593543950335",
    ] {
        let price: Decimal = text.parse().unwrap();
        let mut profile = Profile::new();
        profile.model_info.prices = ModelPrices::new().with_input_price(price);
        let mut file = ConfigFile::new();
        file.profiles.insert("p".into(), profile);
        let written = file.to_toml_string().unwrap();
        // Valid TOML for any reader, whose integers stop at i64::MAX, not only ours.
        if let Err(err) = written.parse::<toml::Table>() {
            panic!("{text} is written as invalid TOML:\n{written}\n{err}");
        }
        let again = ConfigFile::parse_toml(&written)
            .unwrap_or_else(|err| panic!("{text} does not read back from\n{written}\n{err}"));
        assert_eq!(
            again.profiles["p"].model_info.prices.input_price,
            Some(price)
        );
    }
}

/// Any price a `Decimal` holds: every mantissa up to 2^96 - 1, every scale.
fn price() -> impl Strategy<Value = Decimal> {
    (
        0i128..=79_228_162_514_264_337_593_543_950_335i128,
        0u32..=28,
    )
        .prop_map(|(mantissa, scale)| Decimal::from_i128_with_scale(mantissa, scale))
}

proptest! {
    #[test]
    fn any_price_round_trips_exactly(input in price(), output in price(), tier in price(), above in any::<u64>()) {
        let mut profile = Profile::new();
        profile.model_info.prices = ModelPrices::new()
            .with_input_price(input)
            .with_output_price(output)
            .with_tier(PriceTier::above(above).with_input_price(tier));
        let mut file = ConfigFile::new();
        file.profiles.insert("p".into(), profile);
        let written = file.to_toml_string().unwrap();
        let again = ConfigFile::parse_toml(&written).unwrap();
        let prices = &again.profiles["p"].model_info.prices;
        prop_assert_eq!(prices.input_price, Some(input));
        prop_assert_eq!(prices.output_price, Some(output));
        prop_assert_eq!(prices.tiers[0].input_price, Some(tier));
        prop_assert_eq!(prices.tiers[0].above_input_tokens, above);
    }

    #[test]
    fn any_string_round_trips(model in any::<String>(), name in "[a-zA-Z0-9 ._\u{e9}\"\\\\-]{0,10}x") {
        let mut profile = Profile::new();
        profile.model = Some(format!("m{model}"));
        let mut file = ConfigFile::new();
        file.profiles.insert(name.clone(), profile);
        let written = file.to_toml_string().unwrap();
        let again = ConfigFile::parse_toml(&written);
        prop_assert!(again.is_ok(), "{}\n{:?}", written, again);
        prop_assert_eq!(again.unwrap(), file);
    }

    #[test]
    fn arbitrary_toml_never_panics(text in any::<String>()) {
        let _ = ConfigFile::parse_toml(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(text in any::<String>()) {
        let _ = ConfigFile::parse_json(&text);
        let _ = oac_config::import_kilo(&text);
    }

    #[test]
    fn arbitrary_values_in_a_profile_never_panic(
        key in prop::sample::select(vec![
            "temperature", "max_tokens", "timeout_secs", "input_price", "model", "auth",
            "headers", "supports_reasoning_effort", "tiers", "api_key_env",
        ]),
        value in prop::sample::select(vec![
            "1", "-1", "1e400", "nan", "inf", "-0.0", "\"x\"", "[]", "[1, \"a\"]", "{}",
            "{ a = 1 }", "true", "18446744073709551616", "0x7fffffffffffffff", "1979-05-27",
        ]),
    ) {
        let profile = format!("[profiles.p]\n{key} = {value}\n");
        let _ = ConfigFile::parse_toml(&profile);
        let info = format!("[profiles.p.model_info]\n{key} = {value}\n");
        let _ = ConfigFile::parse_toml(&info);
    }
}
