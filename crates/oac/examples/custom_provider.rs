//! A `Provider` of your own — here an in-memory echo backend, no HTTP — behind the
//! same `Client`: chat, streaming, models and exact cost tracking work as for the
//! built-in providers. Runs offline:
//!
//! ```sh
//! cargo run -p oac --example custom_provider
//! ```
//!
//! The same shape wraps another API, a cache or a router over several providers.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use oac::provider::{ChatStream, UsageReport, async_trait};
use oac::{
    ChatRequest, ChatResponse, Client, Endpoints, FinishReason, Message, ModelEntry, ModelInfo,
    Provider, ProviderError, StreamEvent, StreamMetadata, Usage, UserContent, parse_price,
};

/// Answers with the last user message; a token is a word.
#[derive(Debug)]
struct Echo {
    info: ModelInfo,
    endpoints: Endpoints,
}

impl Echo {
    fn new() -> Result<Echo, Box<dyn std::error::Error>> {
        let mut info = ModelInfo::compatible_default();
        info.context_window = 4_096;
        info.prices.input_price = Some(parse_price("0.30")?); // USD per 1M tokens
        info.prices.output_price = Some(parse_price("1.20")?);
        // Never called: it only says where the backend "is" (`Client::endpoints`).
        let endpoints = oac::url::resolve("http://127.0.0.1/echo/v1", &Default::default())?;
        Ok(Echo { info, endpoints })
    }

    fn reply_to(&self, request: &ChatRequest) -> Result<(String, UsageReport), ProviderError> {
        let words = |text: &str| text.split_whitespace().count() as u64;
        let mut input = 0;
        let mut last = None;
        for message in &request.messages {
            match message {
                Message::System { content } => input += words(content),
                Message::User {
                    content: UserContent::Text(text),
                } => {
                    input += words(text);
                    last = Some(text.clone());
                }
                _ => {}
            }
        }
        let answer = last.ok_or_else(|| {
            ProviderError::invalid_request("the echo backend needs a user message")
        })?;
        let usage = Usage::new(input, words(&answer));
        Ok((answer, UsageReport::priced(usage, &self.info.prices)))
    }
}

#[async_trait]
impl Provider for Echo {
    // `kind()` keeps its default (`None`): this is neither built-in implementation.

    fn model(&self) -> &str {
        "echo-1"
    }

    fn model_info(&self) -> &ModelInfo {
        &self.info
    }

    fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    async fn chat(&self, request: ChatRequest) -> Result<ChatResponse, ProviderError> {
        let (answer, usage) = self.reply_to(&request)?;
        let mut response = ChatResponse::default();
        response.model = Some("echo-1".into());
        response.content = answer;
        response.finish_reason = Some(FinishReason::Stop);
        response.usage = Some(usage);
        Ok(response)
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<ChatStream, ProviderError> {
        let (answer, usage) = self.reply_to(&request)?;
        // Deltas, then the finish reason, usage last: the order of every stream.
        let mut events: Vec<Result<StreamEvent, ProviderError>> = answer
            .split_inclusive(' ')
            .map(|word| Ok(StreamEvent::TextDelta(word.to_owned())))
            .collect();
        events.push(Ok(StreamEvent::Finish(FinishReason::Stop)));
        events.push(Ok(StreamEvent::Usage(Box::new(usage))));
        let mut meta = StreamMetadata::default();
        meta.model = Some("echo-1".into());
        // Any `Stream<Item = Result<StreamEvent, ProviderError>> + Send + 'static` will do.
        let events = futures_util::stream::iter(events);
        Ok(ChatStream::from_stream(events).with_metadata(meta))
    }

    async fn list_models(&self) -> Result<Vec<ModelEntry>, ProviderError> {
        let mut entry = ModelEntry::new("echo-1");
        entry.context_window = Some(self.info.context_window);
        Ok(vec![entry])
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_provider(Echo::new()?);

    let reply = client
        .chat()
        .system("Be brief.")
        .user("hello world")
        .send()
        .await?;
    println!("> {}", reply.text());

    let mut stream = client.chat().user("streamed word by word").stream().await?;
    print!("> ");
    while let Some(event) = stream.next().await {
        if let StreamEvent::TextDelta(text) = event? {
            print!("{text}");
        }
    }
    println!();

    let ids: Vec<String> = client.models().await?.into_iter().map(|m| m.id).collect();
    println!("models: {}", ids.join(", "));

    let tracker = client.tracker();
    println!(
        "{} requests, {} tokens in, {} out, {}",
        tracker.requests(),
        tracker.usage().input_total,
        tracker.usage().output_total,
        tracker.cost()
    );
    Ok(())
}
