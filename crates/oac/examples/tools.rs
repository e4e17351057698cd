//! A tool loop: the model calls a local function, gets its result, then answers.
//!
//! ```sh
//! export OPENAI_BASE_URL=https://api.openai.com/v1 OPENAI_API_KEY=… OPENAI_MODEL=gpt-4o-mini
//! cargo run -p oac --example tools -- "What's the weather in Paris and in Oslo?"
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use oac::{ChatRequest, Client, Message, Tool, ToolCall, Value, json};

/// The function the model may call: a stand-in for a real weather service.
fn get_weather(arguments: &Value) -> Value {
    let city = arguments["city"].as_str().unwrap_or("somewhere");
    json!({"city": city, "celsius": 18 + city.len() % 10, "sky": "clear"})
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.is_empty() {
        "What's the weather in Paris?".to_owned()
    } else {
        prompt
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(error) => {
            eprintln!(
                "{error}\n\nSet OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL (a model that supports tools)."
            );
            return ExitCode::from(2);
        }
    };
    match run(&client, prompt).await {
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

async fn run(client: &Client, prompt: String) -> Result<String, oac::Error> {
    let weather = Tool::function(
        "get_weather",
        "Current weather of a city",
        json!({
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"]
        }),
    );
    let mut conversation = vec![Message::user(prompt)];
    // A few rounds at most: each round answers every call the model made.
    for _ in 0..5 {
        let request = ChatRequest::new()
            .messages(conversation.clone())
            .tool(weather.clone());
        let reply = client.send(request).await?;
        if reply.tool_calls.is_empty() {
            return Ok(reply.content);
        }
        conversation.push(reply.to_message());
        for call in &reply.tool_calls {
            conversation.push(Message::tool(&call.id, answer(call)));
        }
    }
    Ok("(the model kept calling tools; stopped after 5 rounds)".to_owned())
}

fn answer(call: &ToolCall) -> String {
    eprintln!("→ {}({})", call.name, call.arguments);
    match (call.name.as_str(), call.arguments_json()) {
        ("get_weather", Ok(arguments)) => get_weather(&arguments).to_string(),
        (_, Err(error)) => json!({"error": format!("arguments are not JSON: {error}")}).to_string(),
        (name, _) => json!({"error": format!("no tool named {name}")}).to_string(),
    }
}
