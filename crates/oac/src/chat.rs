//! [`ChatBuilder`]: a chat request built fluently on a client, then sent or streamed.

use oac_config::ReasoningEffort;
use oac_provider::{
    ChatRequest, ChatResponse, ContentPart, Message, ResponseFormat, Tool, ToolChoice, UserContent,
};
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;
use crate::stream::ReplyStream;

/// A chat request being built on a [`Client`] ([`Client::chat`]). Only what is set
/// is sent; the profile supplies the rest (model, max tokens, temperature, effort).
///
/// ```
/// use oac::{Client, StreamEvent};
/// # use oac_testkit::Simulator;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), oac::Error> {
/// # let sim = Simulator::start().await; // echoes the last user message
/// # let client = Client::builder().base_url(sim.base_url()).model("sim-model").build()?;
/// let answer = client
///     .chat()
///     .system("Answer in one word.")
///     .user("Hello?")
///     .max_tokens(16)
///     .temperature(0.2)
///     .text()
///     .await?;
/// assert_eq!(answer, "Hello?");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a chat request does nothing until it is sent or streamed"]
pub struct ChatBuilder<'a> {
    client: &'a Client,
    request: ChatRequest,
}

impl<'a> ChatBuilder<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ChatBuilder {
            client,
            request: ChatRequest::new(),
        }
    }

    /// Appends a system message.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.request = self.request.system(text);
        self
    }

    /// Appends a developer message (OpenAI reasoning models).
    pub fn developer(mut self, text: impl Into<String>) -> Self {
        self.request = self.request.developer(text);
        self
    }

    /// Appends a user message: text, or parts (`Vec<ContentPart>`).
    pub fn user(mut self, content: impl Into<UserContent>) -> Self {
        self.request = self.request.user(content);
        self
    }

    /// Appends a user message of `text` followed by images given by URL (`https://…`
    /// or `data:` URLs). A model whose info says it takes no images refuses this
    /// before any request is sent.
    pub fn user_with_images<I, S>(self, text: impl Into<String>, image_urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut parts = vec![ContentPart::text(text)];
        parts.extend(image_urls.into_iter().map(ContentPart::image_url));
        self.user(parts)
    }

    /// Appends an assistant message.
    pub fn assistant(mut self, text: impl Into<String>) -> Self {
        self.request = self.request.assistant(text);
        self
    }

    /// Appends the result of the tool call `tool_call_id`.
    pub fn tool_result(
        mut self,
        tool_call_id: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        self.request = self.request.tool_result(tool_call_id, content);
        self
    }

    /// Appends any message (e.g. a previous reply's
    /// [`to_message`](ChatResponse::to_message)).
    pub fn message(mut self, message: Message) -> Self {
        self.request = self.request.message(message);
        self
    }

    /// Appends several messages (a conversation so far).
    pub fn messages(mut self, messages: impl IntoIterator<Item = Message>) -> Self {
        self.request = self.request.messages(messages);
        self
    }

    /// Maximum output tokens.
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.request = self.request.max_tokens(max_tokens);
        self
    }

    /// Sampling temperature (never sent to models that refuse it).
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.request = self.request.temperature(temperature);
        self
    }

    /// Nucleus sampling.
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.request = self.request.top_p(top_p);
        self
    }

    /// Adds a stop sequence.
    pub fn stop(mut self, stop: impl Into<String>) -> Self {
        self.request = self.request.stop(stop);
        self
    }

    /// Sampling seed.
    pub fn seed(mut self, seed: i64) -> Self {
        self.request = self.request.seed(seed);
        self
    }

    /// Offers a function the model may call.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.request = self.request.tool(tool);
        self
    }

    /// Which tool the model must or may call.
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.request = self.request.tool_choice(choice);
        self
    }

    /// Whether the model may call several tools in one turn.
    pub fn parallel_tool_calls(mut self, parallel: bool) -> Self {
        self.request = self.request.parallel_tool_calls(parallel);
        self
    }

    /// Output format (JSON object or JSON schema).
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.request = self.request.response_format(format);
        self
    }

    /// Reasoning effort (sent only when the model accepts it).
    pub fn reasoning_effort(mut self, effort: ReasoningEffort) -> Self {
        self.request = self.request.reasoning_effort(effort);
        self
    }

    /// End-user id, sent as `user`.
    pub fn end_user(mut self, id: impl Into<String>) -> Self {
        self.request = self.request.end_user(id);
        self
    }

    /// A field merged into the JSON body last (it wins over everything else).
    pub fn extra_body(mut self, key: impl Into<String>, value: Value) -> Self {
        self.request = self.request.extra_body(key, value);
        self
    }

    /// A header for this request only (wins over the profile's headers).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    /// A query parameter for this request only.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.request = self.request.query(name, value);
        self
    }

    /// Any other option of the request, set on the [`ChatRequest`] itself (the
    /// reasoning summary, verbosity, service tier, `previous_response_id`,
    /// `store`, …), so this builder need not repeat every setter:
    ///
    /// ```no_run
    /// # async fn run(client: &oac::Client) -> Result<(), oac::Error> {
    /// use oac::{ReasoningSummary, ServiceTier};
    ///
    /// let reply = client
    ///     .chat()
    ///     .user("Summarise the plot of Hamlet.")
    ///     .with_request(|r| r.service_tier(ServiceTier::Flex).reasoning_summary(ReasoningSummary::Auto))
    ///     .send()
    ///     .await?;
    /// # let _ = reply; Ok(()) }
    /// ```
    pub fn with_request(mut self, edit: impl FnOnce(ChatRequest) -> ChatRequest) -> Self {
        self.request = edit(self.request);
        self
    }

    /// The request as built so far.
    pub fn request(&self) -> &ChatRequest {
        &self.request
    }

    /// The request, to send later with [`Client::send`] or [`Client::stream`].
    pub fn into_request(self) -> ChatRequest {
        self.request
    }

    /// Sends the request and waits for the complete reply (non-streaming).
    pub async fn send(self) -> Result<ChatResponse, Error> {
        self.client.send(self.request).await
    }

    /// Sends the request and returns the reply's events as they stream.
    pub async fn stream(self) -> Result<ReplyStream, Error> {
        self.client.stream(self.request).await
    }

    /// Sends the request (non-streaming) and returns only the answer text.
    pub async fn text(self) -> Result<String, Error> {
        Ok(self.send().await?.content)
    }
}
