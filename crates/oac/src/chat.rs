//! [`ChatBuilder`]: a chat request built fluently on a client, then sent or streamed.

use oac_provider::{ChatRequest, ChatResponse, ContentPart, Message, Tool, UserContent};

use crate::client::Client;
use crate::error::Error;
use crate::stream::ReplyStream;

/// A chat request being built on a [`Client`] ([`Client::chat`]). Only what is set
/// is sent; the profile supplies the rest (model, max tokens, temperature, effort).
///
/// It has the everyday setters (messages, tools); every other option of the
/// request (max tokens, temperature, response format, headers, …) is set on the
/// [`ChatRequest`] itself with [`with_request`](Self::with_request).
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
///     .with_request(|r| r.max_tokens(16).temperature(0.2))
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

    /// Offers a function the model may call.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.request = self.request.tool(tool);
        self
    }

    /// Any other option of the request, set on the [`ChatRequest`] itself (max
    /// tokens, temperature, stop sequences, tool choice, response format, reasoning
    /// effort, service tier, extra body fields, headers, `previous_response_id`, …),
    /// so this builder need not repeat every setter:
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
