//! Profiles built in code follow the same rules as files.

use oac_config::{
    AuthStyle, Decimal, MapEnv, ModelInfo, ModelPrices, PriceTier, ProblemKind, ProfileBuilder,
    ProviderChoice,
};

#[test]
fn minimal_profile() {
    let p = ProfileBuilder::new()
        .base_url("https://api.together.xyz/v1")
        .model("m")
        .build()
        .unwrap();
    assert_eq!(p.provider(), ProviderChoice::Compatible);
    assert_eq!(*p.auth(), AuthStyle::Bearer);
    assert_eq!(
        p.endpoints().chat.as_str(),
        "https://api.together.xyz/v1/chat/completions"
    );
}

#[test]
fn no_base_url_means_the_openai_api() {
    let p = ProfileBuilder::new().model("gpt-4o-mini").build().unwrap();
    assert_eq!(p.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        p.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );
}

#[test]
fn openai_variables_are_not_read() {
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", "http://localhost:1/v1")
        .set("OPENAI_API_KEY", "k");
    let p = ProfileBuilder::new().env(env).model("m").build().unwrap();
    assert_eq!(p.endpoints().chat.host_str(), Some("api.openai.com"));
    assert!(p.api_key().is_none());
}

#[test]
fn api_key_env_reads_the_given_environment() {
    use oac_config::ExposeSecret;
    let p = ProfileBuilder::new()
        .env(MapEnv::new().set("TOGETHER_API_KEY", "tg"))
        .base_url("https://api.together.xyz/v1")
        .model("m")
        .api_key_env("TOGETHER_API_KEY")
        .build()
        .unwrap();
    assert_eq!(p.api_key().unwrap().expose_secret(), "tg");
}

#[test]
fn model_info_is_used_whole() {
    let mut info = ModelInfo::compatible_default();
    info.context_window = 32_768;
    info.max_output_tokens = Some(4096);
    info.prices = ModelPrices::new()
        .with_input_price(Decimal::new(15, 2))
        .with_output_price(Decimal::new(60, 2));
    let p = ProfileBuilder::new()
        .base_url("http://localhost:1/v1")
        .model("m")
        .model_info(info.clone())
        .build()
        .unwrap();
    assert_eq!(*p.model_info(), info);
}

#[test]
fn invalid_values_from_code_are_reported_together() {
    let mut info = ModelInfo::compatible_default();
    info.context_window = 1000;
    info.max_output_tokens = Some(2000);
    info.prices = ModelPrices::new()
        .with_input_price(Decimal::from(-1))
        .with_tier(PriceTier::above(200_000))
        .with_tier(PriceTier::above(100_000));
    let err = ProfileBuilder::new()
        .base_url("api.provider.com/v1")
        .model(" ")
        .temperature(2.5)
        .header("Bad Name", "v")
        .model_info(info)
        .build()
        .unwrap_err();
    let kinds: Vec<ProblemKind> = err.problems().iter().map(|p| p.kind).collect();
    for kind in [
        ProblemKind::EmptyModel,
        ProblemKind::TemperatureOutOfRange,
        ProblemKind::InvalidHeader,
        ProblemKind::MaxOutputAboveContext,
        ProblemKind::NegativePrice,
        ProblemKind::TiersNotAscending,
        ProblemKind::InvalidUrl,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from {kinds:?}");
    }
    insta::assert_snapshot!("builder_problems", err.to_string());
}

#[test]
fn warnings_are_returned() {
    let (_, warnings) = ProfileBuilder::new()
        .base_url("https://api.together.xyz/v1")
        .model("m")
        .build_with_warnings()
        .unwrap();
    assert_eq!(warnings.len(), 1);
}
