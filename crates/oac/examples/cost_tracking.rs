//! Track usage and exact cost over a conversation — runs offline against the built-in
//! simulator, so it needs no key:
//!
//! ```sh
//! cargo run -p oac --example cost_tracking
//! ```
//!
//! With a real provider, build the client as usual and give the model's prices
//! (USD per 1M tokens) in its model info, or in the profile's `[model_info]`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use oac::{Client, Message, ModelInfo, parse_price};
use oac_testkit::{Reply, Simulator};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A local stand-in for the provider; replies report usage like OpenAI's do.
    let sim = Simulator::start().await;
    sim.push(Reply::text("Paris.").usage_tokens(2_006, 300));
    sim.push(Reply::text("About 2.1 million people.").usage(oac::json!({
        "prompt_tokens": 2_040, "completion_tokens": 12, "total_tokens": 2_052,
        "prompt_tokens_details": {"cached_tokens": 1_920}
    })));

    // gpt-4o's prices: $2.50 in, $1.25 cached, $10 out per 1M tokens.
    let mut info = ModelInfo::compatible_default();
    info.context_window = 128_000;
    info.prices.input_price = Some(parse_price("2.50")?);
    info.prices.cache_read_price = Some(parse_price("1.25")?);
    info.prices.output_price = Some(parse_price("10")?);
    let client = Client::builder()
        .base_url(sim.base_url()) // a real provider's base URL here
        .model("gpt-4o")
        .profile(|p| p.model_info(info))
        .build()?;

    let mut conversation = vec![Message::user("Capital of France?")];
    let first = client.chat().messages(conversation.clone()).send().await?;
    println!("> {}", first.text());
    if let Some(report) = &first.usage {
        println!("  this request: {} · {}", report.usage, report.cost);
    }
    conversation.push(first.to_message());
    conversation.push(Message::user("How many people live there?"));
    let second = client.chat().messages(conversation).send().await?;
    println!("> {}", second.text());

    let tracker = client.tracker();
    println!("\n{} requests · {}", tracker.requests(), tracker.usage());
    println!(
        "total cost: {} (exact: {})",
        tracker.cost(),
        tracker.cost().known
    );
    if let Some(context) = tracker.context_use() {
        println!("context window: {context}");
    }
    Ok(())
}
