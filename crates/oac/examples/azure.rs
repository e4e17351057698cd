//! Azure OpenAI: the resource URL, a deployment and an `api-version`; the key goes
//! in the `api-key` header.
//!
//! ```sh
//! export AZURE_OPENAI_ENDPOINT=https://my-resource.openai.azure.com
//! export AZURE_OPENAI_API_KEY=…
//! export AZURE_OPENAI_DEPLOYMENT=gpt4o-prod
//! export AZURE_OPENAI_API_VERSION=2024-10-21      # optional (default 2024-08-01-preview)
//! cargo run -p oac --example azure -- "Hello, Azure!"
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use oac::{AzureSettings, Client};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (Some(endpoint), Some(deployment)) =
        (var("AZURE_OPENAI_ENDPOINT"), var("AZURE_OPENAI_DEPLOYMENT"))
    else {
        eprintln!(
            "Set AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com), AZURE_OPENAI_DEPLOYMENT \
             and AZURE_OPENAI_API_KEY; AZURE_OPENAI_API_VERSION is optional."
        );
        return ExitCode::from(2);
    };
    let mut azure = AzureSettings::new().deployment(&deployment);
    if let Some(version) = var("AZURE_OPENAI_API_VERSION") {
        azure = azure.api_version(version);
    }
    let client = match Client::builder()
        .base_url(endpoint)
        .api_key_env("AZURE_OPENAI_API_KEY")
        .model(deployment)
        .profile(|p| p.azure(azure))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    // What will be called, and why — before anything is sent.
    eprintln!("{}\n", client.endpoints());

    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.is_empty() {
        "Say hello.".to_owned()
    } else {
        prompt
    };
    match client.chat().user(prompt).text().await {
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
