//! `oac cost`: price a usage exactly with the model's prices.

use oac::config::{ENV_MODEL, Environment, ProcessEnv};
use oac::pricing::{
    CostBreakdown, PriceKind, STANDARD_SERVICE_TIERS, UnknownReason, exact_string, format_tokens,
};
use oac::{Cost, Decimal, Loader, ProviderChoice, ResolvedProfile, Usage};

use crate::args::{CostArgs, GlobalArgs};
use crate::failure::Failure;
use crate::output::{Output, record};
use crate::prices::{self, PriceSource};
use crate::setup::{self, Need};

pub fn run(global: &GlobalArgs, args: &CostArgs, out: &mut Output) -> Result<(), Failure> {
    let usage = usage(args)?;
    let loaded = setup::load(global, Need::NoRequests, out)?;
    let profile: &ResolvedProfile = &loaded.profile;
    if profile.model().trim().is_empty() {
        return Err(Failure::Usage(
            "no model to price: give --model ID (or set OPENAI_MODEL / the profile's model)".into(),
        ));
    }
    let own = own_model(global);
    let context = prices::Context {
        profile_model: own.as_deref(),
        in_catalogue: in_catalogue(global, profile),
    };
    let source = prices::for_cost(profile, &context)?;
    show(out, profile.model(), &source, &usage)
}

/// The model the profile itself names — the one its `model_info` describes — with
/// `--model` and `OPENAI_MODEL` left out; `None` without a profile model.
fn own_model(global: &GlobalArgs) -> Option<String> {
    let mut overrides = global.overrides();
    overrides.model = None;
    Loader::new()
        .env(Hide(ProcessEnv, ENV_MODEL))
        .overrides(overrides)
        .require_model(false)
        .require_key(false)
        .load()
        .ok()
        .map(|loaded| loaded.profile.model().to_owned())
        .filter(|model| !model.trim().is_empty())
}

/// Whether the OpenAI model catalogue (built-in, or extended by the user's
/// catalogue file) lists the profile's model.
fn in_catalogue(global: &GlobalArgs, profile: &ResolvedProfile) -> bool {
    if profile.provider() == ProviderChoice::OpenAiNative {
        return profile.catalog_entry().is_some();
    }
    Loader::new()
        .overrides(global.overrides().provider(ProviderChoice::OpenAiNative))
        .require_model(false)
        .require_key(false)
        .load()
        .is_ok_and(|loaded| loaded.profile.catalog_entry().is_some())
}

/// The process environment without one variable.
struct Hide(ProcessEnv, &'static str);

impl Environment for Hide {
    fn var(&self, name: &str) -> Option<String> {
        if name == self.1 {
            None
        } else {
            self.0.var(name)
        }
    }
}

/// Prices `usage` for `model` and shows the breakdown (also used by the demo).
pub fn show(
    out: &mut Output,
    model: &str,
    source: &PriceSource,
    usage: &Usage,
) -> Result<(), Failure> {
    let breakdown = match source.prices.cost(usage) {
        Cost::Known(breakdown) => breakdown,
        Cost::Unknown(unknown) => {
            let fix = match &unknown.reason {
                UnknownReason::UnpricedServiceTier { tier } => prices::set_tier_prices(tier),
                _ => source.fix.clone(),
            };
            return Err(Failure::Unpriced(format!(
                "cannot price model `{model}`: {}; {fix}",
                unknown.reason
            )));
        }
        _ => {
            return Err(Failure::Unpriced(format!("cannot price model `{model}`")));
        }
    };
    if out.is_json() {
        return out.record(&record! {
            "model": model,
            "service_tier": usage.service_tier.as_deref(),
            "total": exact_string(breakdown.total),
            "input": exact_string(breakdown.input),
            "cache_read": exact_string(breakdown.cache_read),
            "cache_write": exact_string(breakdown.cache_write),
            "output": exact_string(breakdown.output),
            "reasoning": exact_string(breakdown.reasoning),
        });
    }
    out.line(&format!(
        "model        {model} (prices from {})",
        source.from
    ))?;
    out.line(&format!("usage        {usage}"))?;
    if let Some(tier) = usage
        .service_tier
        .as_deref()
        .filter(|tier| !STANDARD_SERVICE_TIERS.contains(tier))
    {
        out.line(&format!("service tier {tier} (its own prices)"))?;
    }
    if let Some(tier) = breakdown.tier {
        out.line(&format!(
            "tier         above {} input tokens (applies to the whole request)",
            format_tokens(tier.above_input_tokens)
        ))?;
    }
    for line in component_lines(&breakdown) {
        out.line(&line)?;
    }
    out.line(&format!("total        ${}", exact_string(breakdown.total)))?;
    // Reasoning billed at the output price is the norm; a cache price billed at the
    // input price is an upper bound worth saying.
    for fallback in breakdown
        .fallbacks
        .iter()
        .filter(|f| matches!(f.missing, PriceKind::CacheRead | PriceKind::CacheWrite))
    {
        out.note(&format!(
            "note: {} is not set: those tokens are billed at {} (an upper bound)",
            fallback.missing.field(),
            fallback.billed_at.field()
        ));
    }
    Ok(())
}

/// `input        86 × $2.5/M = $0.000215`, one per component that billed tokens.
fn component_lines(b: &CostBreakdown) -> Vec<String> {
    let rows: [(&str, u64, Option<Decimal>, Decimal); 7] = [
        ("input", b.tokens.input, Some(b.prices.input), b.input),
        (
            "cache read",
            b.tokens.cache_read,
            Some(b.prices.cache_read),
            b.cache_read,
        ),
        (
            "cache write",
            b.tokens.cache_write,
            Some(b.prices.cache_write),
            b.cache_write,
        ),
        (
            "input audio",
            b.tokens.input_audio,
            b.prices.input_audio,
            b.input_audio,
        ),
        ("output", b.tokens.output, Some(b.prices.output), b.output),
        (
            "reasoning",
            b.tokens.reasoning,
            Some(b.prices.reasoning),
            b.reasoning,
        ),
        (
            "output audio",
            b.tokens.output_audio,
            b.prices.output_audio,
            b.output_audio,
        ),
    ];
    rows.iter()
        .filter(|(_, tokens, _, _)| *tokens > 0)
        .map(|(name, tokens, price, amount)| {
            let price = price.map_or_else(|| "?".to_owned(), exact_string);
            format!(
                "{name:<12} {} × ${price}/M = ${}",
                format_tokens(*tokens),
                exact_string(*amount)
            )
        })
        .collect()
}

/// The usage the flags describe; parts may not exceed their totals.
fn usage(args: &CostArgs) -> Result<Usage, Failure> {
    let cached = args.cached.saturating_add(args.cache_write);
    if cached > args.input {
        return Err(Failure::Usage(format!(
            "--cached ({}) and --cache-write ({}) together exceed --input ({}): --input counts all input tokens, cached ones included",
            args.cached, args.cache_write, args.input
        )));
    }
    if args.reasoning > args.output {
        return Err(Failure::Usage(format!(
            "--reasoning ({}) exceeds --output ({}): --output counts all output tokens, reasoning included",
            args.reasoning, args.output
        )));
    }
    let usage = Usage::new(args.input, args.output)
        .with_cache_read(args.cached)
        .with_cache_write(args.cache_write)
        .with_reasoning(args.reasoning);
    Ok(match args.service_tier {
        Some(tier) => usage.with_service_tier(tier.as_str()),
        None => usage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(input: u64, output: u64, cached: u64, cache_write: u64, reasoning: u64) -> CostArgs {
        CostArgs {
            input,
            output,
            cached,
            cache_write,
            reasoning,
            service_tier: None,
        }
    }

    #[test]
    fn cached_tokens_above_input_are_refused() {
        let error = usage(&args(100, 10, 80, 30, 0)).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().contains("exceed --input (100)"),
            "{error}"
        );
    }

    #[test]
    fn reasoning_above_output_is_refused() {
        assert!(usage(&args(100, 10, 0, 0, 11)).is_err());
    }

    #[test]
    fn flags_become_canonical_usage() {
        let u = usage(&args(2_100, 1_000, 500, 1_500, 0)).unwrap();
        assert_eq!(
            (u.input_total, u.cache_read, u.cache_write, u.output_total),
            (2_100, 500, 1_500, 1_000)
        );
    }
}
