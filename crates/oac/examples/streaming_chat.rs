//! Stream a reply from any OpenAI-compatible provider.
//!
//! ```sh
//! export OPENAI_BASE_URL=https://api.together.xyz/v1   # any provider's base URL
//! export OPENAI_API_KEY=…                              # not needed for local servers
//! export OPENAI_MODEL=meta-llama/Llama-3.3-70B-Instruct-Turbo
//! cargo run -p oac --example streaming_chat -- "Why is the sky blue?"
//! ```
//!
//! A config file profile works too: `OAC_PROFILE=together` (see the README).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;

use oac::{Client, StreamEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.is_empty() {
        "Say hello in five words.".to_owned()
    } else {
        prompt
    };

    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}\n");
            eprintln!(
                "Set OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL (or OAC_PROFILE) first."
            );
            return ExitCode::from(2);
        }
    };
    match run(&client, &prompt).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nerror: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(client: &Client, prompt: &str) -> Result<(), oac::Error> {
    let mut stream = client.chat().user(prompt).stream().await?;
    let mut stdout = std::io::stdout();
    while let Some(event) = stream.next().await {
        match event? {
            StreamEvent::ReasoningDelta(text) => eprint!("{text}"),
            StreamEvent::TextDelta(text) => {
                print!("{text}");
                let _ = stdout.flush();
            }
            StreamEvent::Usage(report) => eprintln!("\n[{} · {}]", report.usage, report.cost),
            _ => {}
        }
    }
    println!();
    Ok(())
}
