//! `oac demo`: chat (streamed), models and cost against the built-in simulator on a
//! loopback port. No network, no key, no configuration.

use std::time::Duration;

use oac::{Client, ModelInfo, parse_price};
use oac_testkit::{RecordedRequest, Reply, Simulator};
use serde_json::{Value, json};

use crate::commands::cost;
use crate::failure::Failure;
use crate::output::{Output, record};
use crate::prices::PriceSource;
use crate::reply;

/// The model the demo talks to, and the others the simulator lists.
const MODELS: [&str; 3] = ["demo-chat", "demo-reasoner", "demo-mini"];
const PROMPT: &str = "What can oac do for me?";

pub async fn run(out: &mut Output) -> Result<(), Failure> {
    let sim = Simulator::builder()
        .models(MODELS)
        .default_reply_with(demo_reply)
        .try_start()
        .await
        .map_err(|error| {
            Failure::Internal(format!(
                "cannot start the built-in simulator on a loopback port: {error}; check that this machine allows listening on 127.0.0.1"
            ))
        })?;
    let info = demo_model_info()?;
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(MODELS[0])
        .profile(|p| p.model_info(info.clone()))
        .build()?;

    out.note(&format!(
        "oac demo: the built-in simulator at {} plays the provider (no network, no API key).",
        sim.base_url()
    ));
    out.note(&format!("\n── chat, streamed: \"{PROMPT}\""));
    let spinner = out.spinner("connecting to the simulator…");
    let stream = client
        .chat()
        .system("You are the oac simulator. Be friendly and brief.")
        .user(PROMPT)
        .stream()
        .await?;
    spinner.set_message("waiting for the first token…");
    let shown = reply::show_stream(out, stream, spinner).await?;
    reply::show_end(out, &shown, &client.known_model().await)?;

    out.note("\n── models");
    for model in client.models().await? {
        if out.is_json() {
            out.record(&record! { "id": model.id })?;
        } else {
            out.line(&model.id)?;
        }
    }

    let Some(usage) = shown.usage.map(|report| report.usage) else {
        out.note("the simulator reported no usage, so there is nothing to price");
        return Ok(());
    };
    out.note("\n── cost of that reply, exact");
    let source = PriceSource {
        prices: info.prices.clone(),
        from: "the demo's model info: $0.15 in, $0.075 cached, $0.60 out per 1M tokens".into(),
        fix: "the demo's prices are built in".into(),
    };
    cost::show(out, MODELS[0], &source, &usage)?;
    show_responses_api(out, &sim, &info).await?;

    out.note(
        "\nNext, a real provider:\n  \
         export OPENAI_BASE_URL=https://api.together.xyz/v1   # or http://localhost:11434/v1 for Ollama…\n  \
         export OPENAI_API_KEY=…                              # not needed for local servers\n  \
         export OPENAI_MODEL=meta-llama/Llama-3.3-70B-Instruct-Turbo\n  \
         oac doctor        # checks the setup step by step\n  \
         oac chat \"Hello\"",
    );
    Ok(())
}

/// The same request through the Responses API (`--api responses`): the same
/// caller code, another wire form.
async fn show_responses_api(
    out: &mut Output,
    sim: &Simulator,
    info: &ModelInfo,
) -> Result<(), Failure> {
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(MODELS[1])
        .profile(|p| p.model_info(info.clone()).api(oac::ApiChoice::Responses))
        .build()?;
    out.note(&format!(
        "\n── the same chat through the Responses API (--api responses: POST {}/responses)",
        sim.base_url()
    ));
    let spinner = out.spinner("waiting for the first token…");
    let stream = client
        .chat()
        .system("You are the oac simulator. Be friendly and brief.")
        .user("And through the Responses API?")
        .stream()
        .await?;
    let shown = reply::show_stream(out, stream, spinner).await?;
    reply::show_end(out, &shown, &client.known_model().await)
}

/// Prices like a small hosted model, so the demo shows a real cost.
fn demo_model_info() -> Result<ModelInfo, Failure> {
    let price = |text: &str| {
        parse_price(text).map_err(|error| Failure::Internal(format!("demo price {text}: {error}")))
    };
    let mut info = ModelInfo::compatible_default();
    info.context_window = 128_000;
    info.max_output_tokens = Some(16_384);
    info.prices.input_price = Some(price("0.15")?);
    info.prices.cache_read_price = Some(price("0.075")?);
    info.prices.output_price = Some(price("0.60")?);
    Ok(info)
}

/// The simulator's answer to any chat: a short reasoning, a friendly reply that
/// quotes the prompt, and usage estimated at four characters per token.
fn demo_reply(request: &RecordedRequest) -> Reply {
    let prompt = last_user_text(request.body.as_ref()).unwrap_or_else(|| "hello".to_owned());
    let reasoning = "The user wants a tour; keep it short and point to the next step.";
    let answer = format!(
        "Hello! I'm the simulator built into oac, answering \"{prompt}\" from your own machine.\n\
         With a real provider, oac streams replies like this one, keeps the reasoning apart \
         from the answer, lists models, prices every request exactly and shows which URL it calls \
         (`oac resolve`). When something is off, `oac doctor` says what to fix."
    );
    let prompt_chars: usize = messages(request.body.as_ref()).map_or(0, |messages| {
        messages
            .iter()
            .filter_map(|m| m.get("content").and_then(Value::as_str))
            .map(str::len)
            .sum()
    });
    let prompt_tokens = tokens(prompt_chars) + 8;
    let reasoning_tokens = tokens(reasoning.len());
    let completion_tokens = tokens(answer.len()) + reasoning_tokens;
    Reply::new()
        .reasoning_content(reasoning)
        .content(answer)
        .usage(json!({
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
        }))
        .usage_chunk_with_empty_choices(true)
        .text_chunk_chars(12)
        .delay(Duration::from_millis(8))
}

fn tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

/// The conversation of a chat body (`messages`) or a Responses body (`input`).
fn messages(body: Option<&Value>) -> Option<&Vec<Value>> {
    let body = body?;
    body.get("messages")
        .or_else(|| body.get("input"))?
        .as_array()
}

fn last_user_text(body: Option<&Value>) -> Option<String> {
    messages(body)?
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))?
        .get("content")?
        .as_str()
        .map(str::to_owned)
}
