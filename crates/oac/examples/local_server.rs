//! A local server — Ollama, LM Studio, vLLM, llama.cpp — needs no key.
//!
//! ```sh
//! ollama serve & ollama pull qwen2.5-coder:7b
//! cargo run -p oac --example local_server -- "Write a haiku about Rust"
//!
//! # LM Studio: LOCAL_BASE_URL=http://localhost:1234/v1, llama.cpp: http://localhost:8080/v1
//! LOCAL_BASE_URL=http://localhost:1234/v1 LOCAL_MODEL=qwen2.5-7b-instruct cargo run -p oac --example local_server
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;

use oac::{Client, ErrorKind, StreamEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let var = |name: &str, default: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| default.to_owned())
    };
    let base_url = var("LOCAL_BASE_URL", "http://localhost:11434/v1");
    let model = var("LOCAL_MODEL", "qwen2.5-coder:7b");
    let client = match Client::builder().base_url(&base_url).model(&model).build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };

    match client.models().await {
        Ok(models) => {
            let ids: Vec<String> = models.into_iter().map(|m| m.id).collect();
            eprintln!("models at {base_url}: {}", ids.join(", "));
            if !ids.contains(&model) {
                eprintln!("`{model}` is not among them: set LOCAL_MODEL to one of those");
            }
        }
        Err(error) if error.kind() == ErrorKind::Connection => {
            eprintln!(
                "{error}\n\nIs the server running? Start Ollama with `ollama serve`, or set LOCAL_BASE_URL."
            );
            return ExitCode::from(6);
        }
        Err(error) => eprintln!("listing models failed: {error}"),
    }

    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.is_empty() {
        "Say hello in five words.".to_owned()
    } else {
        prompt
    };
    let mut stream = match client.chat().user(prompt).stream().await {
        Ok(stream) => stream,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    while let Some(event) = stream.next().await {
        match event {
            Ok(StreamEvent::TextDelta(text)) => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            Ok(StreamEvent::ReasoningDelta(text)) => eprint!("{text}"),
            Ok(_) => {}
            Err(error) => {
                eprintln!("\nerror: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!();
    ExitCode::SUCCESS
}
