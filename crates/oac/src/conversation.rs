//! [`Conversation`]: a multi-turn chat as a value — the history (system prompt, user
//! turns with text and images, the model's replies with their tool calls and
//! reasoning), the model in use, the usage and exact cost of every reply and their
//! total, the context budget, and a versioned JSON form to save it in.
//!
//! A reply is sent whole ([`Conversation::send`]) or streamed
//! ([`Conversation::stream`], a [`TurnStream`]) through a [`Client`], and recorded
//! in the history when it ends. A reply cut short — the caller stopped it
//! ([`TurnStream::interrupt`], or the stream dropped), the stream failed, or the
//! request failed before any answer — is kept too, with a [`Cut`] marker, so the
//! history never loses what arrived.

mod budget;
mod format;
mod turn;

use oac_pricing::{Decimal, Usage, exact_add};
use oac_provider::{
    ChatRequest, ChatResponse, FinishReason, Message, ReasoningItem, ToolCall, UsageReport,
    UserContent,
};

use crate::client::Client;
use crate::error::Error;
use crate::record::RecordedCost;

pub use budget::{Fit, FitPolicy};
pub use format::{CONVERSATION_FORMAT, CONVERSATION_FORMAT_VERSION, FormatError};
pub use turn::TurnStream;

/// The longest error message kept in a [`Cut::Failed`] marker, in bytes.
const MAX_CUT_MESSAGE_BYTES: usize = 1024;

/// A multi-turn conversation with one model at a time: its history, what each
/// reply used and cost, and the running total.
///
/// ```
/// use oac::{Client, Conversation, FitPolicy, StreamEvent};
/// # use oac_testkit::{Reply, Simulator};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = Simulator::start().await;
/// # sim.push(Reply::text("Paris.").usage_tokens(20, 2));
/// # sim.push(Reply::text("About 2.1 million.").usage_tokens(30, 6));
/// # let base_url = sim.base_url();
/// let mut info = oac::ModelInfoOverrides::default(); // USD per million tokens
/// info.prices = oac::ModelPrices::new()
///     .with_input_price(oac::parse_price("0.15")?)
///     .with_output_price(oac::parse_price("0.60")?);
/// let client = Client::builder()
///     .base_url(base_url)
///     .model("sim-model")
///     .profile(|p| p.model_info_overrides(info))
///     .build()?;
/// let mut conversation = Conversation::for_client(&client).with_system("Be brief.");
///
/// conversation.push_user("Capital of France?");
/// let reply = conversation.send(&client).await?;
/// assert_eq!(reply.text, "Paris.");
///
/// conversation.push_user("Its population?");
/// conversation.fit(&client, FitPolicy::Refuse)?; // typed error when it no longer fits
/// let mut turn = conversation.stream(&client).await?;
/// while let Some(event) = turn.next().await {
///     if let StreamEvent::TextDelta(text) = event? {
///         print!("{text}");
///     }
/// }
/// drop(turn);
///
/// // Both turns and both replies, each with its usage and exact cost.
/// assert_eq!(conversation.entries().len(), 4);
/// let total = conversation.total();
/// assert_eq!(total.usage.input_total, 50);
/// assert_eq!(total.known_cost.to_string(), "0.0000123"); // (50 × 0.15 + 8 × 0.60) / 1M, exactly
///
/// // Saved and read back (the session format, `docs/sessions.md`).
/// let saved = conversation.to_json();
/// assert_eq!(Conversation::from_json(&saved)?, conversation);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    model: String,
    system: Option<String>,
    entries: Vec<Entry>,
    /// The first entry sent with the next request: the ones before it were left
    /// out of the context (by [`Conversation::fit`] or
    /// [`Conversation::clear_context`]) but are kept, with their cost.
    context_start: usize,
}

/// One entry of a conversation's history.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
// Half the entries of a history are replies: boxing them would only add an
// allocation to each.
#[allow(clippy::large_enum_variant)]
pub enum Entry {
    /// What the user said: text, or text and images.
    User(UserContent),
    /// What the model answered (complete, or cut short).
    Assistant(AssistantReply),
    /// The result of one of the model's tool calls, given by the program.
    ToolResult {
        /// The id of the call this answers.
        tool_call_id: String,
        /// The result.
        content: String,
    },
}

/// One reply of the model, as recorded in the history.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AssistantReply {
    /// The answer text (what arrived, for a reply cut short).
    pub text: String,
    /// The reasoning the model returned, when any.
    pub reasoning: Option<String>,
    /// Complete tool calls.
    pub tool_calls: Vec<ToolCall>,
    /// Reasoning items of the Responses API, passed back on the next turn.
    pub reasoning_items: Vec<ReasoningItem>,
    /// The model the request was sent for.
    pub model: String,
    /// Why the model stopped, when it said.
    pub finish_reason: Option<FinishReason>,
    /// The usage the server reported (`None`: not reported — never zero).
    pub usage: Option<Usage>,
    /// The server's usage had to be repaired, so `cost` is an estimate.
    pub usage_repaired: bool,
    /// The exact cost of the request, or unknown with why.
    pub cost: RecordedCost,
    /// Set when the reply did not end normally.
    pub cut: Option<Cut>,
}

/// Why a reply was cut short.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cut {
    /// The caller stopped it: [`TurnStream::interrupt`], or the stream was dropped
    /// (Ctrl-C in `oac chat`).
    Interrupted,
    /// The request or its stream failed.
    Failed {
        /// The [`ErrorKind`](crate::ErrorKind) as its snake_case name.
        kind: String,
        /// The error's message (at most 1 KiB).
        message: String,
    },
}

impl Cut {
    fn failed(error: &Error) -> Cut {
        Cut::Failed {
            kind: error.kind().as_str().to_owned(),
            message: crate::record::cap(&error.to_string(), MAX_CUT_MESSAGE_BYTES),
        }
    }
}

impl std::fmt::Display for Cut {
    /// `interrupted`, or `failed: <message>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cut::Interrupted => f.write_str("interrupted"),
            Cut::Failed { message, .. } => write!(f, "failed: {message}"),
        }
    }
}

impl AssistantReply {
    /// A complete reply of `model` with `text` and nothing else (usage not
    /// reported, so cost unknown): for a program that builds a history itself, e.g.
    /// from another tool's log.
    pub fn new(model: impl Into<String>, text: impl Into<String>) -> AssistantReply {
        let mut reply = AssistantReply::from_parts("", None, None);
        reply.model = model.into();
        reply.text = text.into();
        reply
    }

    /// The reply `response` brings, from a request for `model` (for a program that
    /// sends the conversation's [`request`](Conversation::request) itself, then
    /// [`push_reply`](Conversation::push_reply)s this).
    pub fn from_response(model: &str, response: &ChatResponse) -> AssistantReply {
        let mut reply = AssistantReply::from_parts(model, response.usage.as_ref(), None);
        reply.text.clone_from(&response.content);
        reply.reasoning.clone_from(&response.reasoning);
        reply.tool_calls.clone_from(&response.tool_calls);
        reply.reasoning_items.clone_from(&response.reasoning_items);
        reply.finish_reason.clone_from(&response.finish_reason);
        reply
    }

    /// An empty reply cut short by `error` (a request that failed before any
    /// answer), from a request for `model`.
    pub fn failed(model: &str, error: &Error) -> AssistantReply {
        AssistantReply::from_parts(model, None, Some(Cut::failed(error)))
    }

    /// A reply made from what a request produced (`usage` as reported).
    fn from_parts(model: &str, usage: Option<&UsageReport>, cut: Option<Cut>) -> AssistantReply {
        AssistantReply {
            text: String::new(),
            reasoning: None,
            tool_calls: Vec::new(),
            reasoning_items: Vec::new(),
            model: model.to_owned(),
            finish_reason: None,
            usage: usage.map(|report| report.usage.clone()),
            usage_repaired: usage.is_some_and(UsageReport::is_repaired),
            cost: RecordedCost::of(usage),
            cut,
        }
    }

    /// The message this reply becomes in the next request: the whole reply; for a
    /// reply cut short only its text (its tool calls may lack their results), and
    /// nothing when no text arrived.
    fn to_message(&self) -> Option<Message> {
        if self.cut.is_some() {
            return (!self.text.is_empty()).then(|| Message::assistant(self.text.clone()));
        }
        let content =
            (!self.text.is_empty() || self.tool_calls.is_empty()).then(|| self.text.clone());
        let mut message = Message::assistant_tool_calls(content, self.tool_calls.clone());
        if let Message::Assistant {
            reasoning_content,
            reasoning_items,
            ..
        } = &mut message
        {
            reasoning_content.clone_from(&self.reasoning);
            reasoning_items.clone_from(&self.reasoning_items);
        }
        Some(message)
    }
}

/// The usage and cost of a conversation's replies, summed exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConversationTotal {
    /// Replies recorded (cut ones included).
    pub replies: u64,
    /// Token counts summed over the replies whose usage was reported.
    pub usage: Usage,
    /// The exact sum of the known costs.
    pub known_cost: Decimal,
    /// Replies whose cost is in `known_cost`.
    pub priced_replies: u64,
    /// Replies with usage but an unknown cost (no prices): not in `known_cost`.
    pub unknown_cost_replies: u64,
    /// Replies whose usage was not reported.
    pub unreported_replies: u64,
    /// Some of `known_cost` comes from repaired usage, so it is an estimate.
    pub estimated: bool,
}

impl ConversationTotal {
    /// True when every reply was priced (`known_cost` is the whole cost).
    pub fn is_complete(&self) -> bool {
        self.unknown_cost_replies == 0 && self.unreported_replies == 0
    }

    fn add(&mut self, reply: &AssistantReply) {
        self.replies = self.replies.saturating_add(1);
        match &reply.usage {
            Some(usage) => self.usage.add_tokens(usage),
            None => self.unreported_replies = self.unreported_replies.saturating_add(1),
        }
        match reply
            .cost
            .known()
            .and_then(|c| exact_add(self.known_cost, c))
        {
            Some(sum) => {
                self.known_cost = sum;
                self.priced_replies = self.priced_replies.saturating_add(1);
                self.estimated |= reply.usage_repaired;
            }
            None if reply.usage.is_some() => {
                self.unknown_cost_replies = self.unknown_cost_replies.saturating_add(1);
            }
            None => {}
        }
    }
}

/// Why a conversation could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConversationError {
    /// The history and the reply's reserved tokens exceed the context window.
    #[error(
        "the conversation is about {} tokens ({} estimate) and {} are reserved for the reply, more than the {}-token context window{}: leave the oldest turns out (FitPolicy::DropOldestTurns; in `oac chat`, /clear) or start a new conversation",
        .budget.prompt.tokens, .budget.prompt.method, .budget.reserved_output, .budget.context_window,
        if *.last_turn_alone { " even with only the last turn" } else { "" }
    )]
    TooLong {
        /// The estimate against the window.
        budget: oac_provider::budget::Budget,
        /// True when even the last turn alone does not fit (dropping cannot help).
        last_turn_alone: bool,
    },
    /// Nothing to answer: the history ends with a reply, or is empty.
    #[error(
        "the conversation has nothing to answer: add a user message (push_user) or tool result first"
    )]
    NothingToSend,
    /// The request failed (recorded in the history as a reply cut short).
    #[error(transparent)]
    Request(#[from] Error),
}

impl Conversation {
    /// An empty conversation with `model`.
    pub fn new(model: impl Into<String>) -> Conversation {
        Conversation {
            model: model.into(),
            system: None,
            entries: Vec::new(),
            context_start: 0,
        }
    }

    /// An empty conversation with the model of `client`.
    pub fn for_client(client: &Client) -> Conversation {
        Conversation::new(client.model())
    }

    /// This conversation with a system prompt.
    #[must_use]
    pub fn with_system(mut self, text: impl Into<String>) -> Conversation {
        self.system = Some(text.into());
        self
    }

    /// The model in use: the one the last reply came from, or the one set.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Switches the model (a program builds its client for it; sending through a
    /// client sets it to that client's model).
    pub fn set_model(&mut self, model: impl Into<String>) {
        self.model = model.into();
    }

    /// The system prompt, sent first with every request.
    pub fn system(&self) -> Option<&str> {
        self.system.as_deref()
    }

    /// Sets or removes the system prompt.
    pub fn set_system(&mut self, text: Option<String>) {
        self.system = text;
    }

    /// Adds a user turn: text, or parts with images (`Vec<ContentPart>`).
    pub fn push_user(&mut self, content: impl Into<UserContent>) {
        self.entries.push(Entry::User(content.into()));
    }

    /// Adds the result of the tool call `tool_call_id`.
    pub fn push_tool_result(
        &mut self,
        tool_call_id: impl Into<String>,
        content: impl Into<String>,
    ) {
        self.entries.push(Entry::ToolResult {
            tool_call_id: tool_call_id.into(),
            content: content.into(),
        });
    }

    /// Adds a reply obtained some other way (e.g. through [`Client::send`]).
    pub fn push_reply(&mut self, reply: AssistantReply) {
        self.entries.push(Entry::Assistant(reply));
    }

    /// The whole history, also the entries left out of the context.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries the next request sends (after the system prompt).
    pub fn context_entries(&self) -> &[Entry] {
        &self.entries[self.context_start..]
    }

    /// How many entries at the start of the history are left out of the context.
    pub fn context_start(&self) -> usize {
        self.context_start
    }

    /// Leaves the whole history out of the next requests (they start afresh, with
    /// the system prompt); the entries stay in [`entries`](Self::entries) and in
    /// the total.
    pub fn clear_context(&mut self) {
        self.context_start = self.entries.len();
    }

    /// The replies of the history, oldest first.
    pub fn replies(&self) -> impl Iterator<Item = &AssistantReply> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Assistant(reply) => Some(reply),
            _ => None,
        })
    }

    /// The last reply, when any.
    pub fn last_reply(&self) -> Option<&AssistantReply> {
        self.replies().last()
    }

    /// Usage and exact cost summed over every reply (also those left out of the
    /// context).
    pub fn total(&self) -> ConversationTotal {
        let mut total = ConversationTotal::default();
        self.replies().for_each(|reply| total.add(reply));
        total
    }

    /// The messages of the next request: the system prompt, then the context
    /// entries (a reply cut short sends only its text; one with no text is left
    /// out).
    pub fn messages(&self) -> Vec<Message> {
        let system = self.system.iter().map(Message::system);
        let entries = self
            .context_entries()
            .iter()
            .filter_map(|entry| match entry {
                Entry::User(content) => Some(Message::user(content.clone())),
                Entry::Assistant(reply) => reply.to_message(),
                Entry::ToolResult {
                    tool_call_id,
                    content,
                } => Some(Message::tool(tool_call_id.clone(), content.clone())),
            });
        system.chain(entries).collect()
    }

    /// The next request: [`messages`](Self::messages) and no other option (the
    /// client's profile supplies them).
    pub fn request(&self) -> ChatRequest {
        ChatRequest::new().messages(self.messages())
    }

    /// Sends the next request whole and records the reply.
    pub async fn send(&mut self, client: &Client) -> Result<&AssistantReply, ConversationError> {
        self.send_with(client, |request| request).await
    }

    /// Like [`send`](Self::send), with the request changed by `edit` first (max
    /// tokens, temperature, tools…).
    pub async fn send_with(
        &mut self,
        client: &Client,
        edit: impl FnOnce(ChatRequest) -> ChatRequest,
    ) -> Result<&AssistantReply, ConversationError> {
        let request = self.next_request(client, edit)?;
        match client.send(request).await {
            Ok(response) => {
                Ok(self.record(AssistantReply::from_response(client.model(), &response)))
            }
            Err(error) => {
                self.record_failure(client.model(), &error);
                Err(error.into())
            }
        }
    }

    /// Sends the next request streamed: read the events from the [`TurnStream`];
    /// the reply is recorded when it ends, fails, is interrupted or dropped.
    pub async fn stream(&mut self, client: &Client) -> Result<TurnStream<'_>, ConversationError> {
        self.stream_with(client, |request| request).await
    }

    /// Like [`stream`](Self::stream), with the request changed by `edit` first.
    pub async fn stream_with(
        &mut self,
        client: &Client,
        edit: impl FnOnce(ChatRequest) -> ChatRequest,
    ) -> Result<TurnStream<'_>, ConversationError> {
        let request = self.next_request(client, edit)?;
        match client.stream(request).await {
            Ok(stream) => Ok(TurnStream::new(self, stream, client.model())),
            Err(error) => {
                self.record_failure(client.model(), &error);
                Err(error.into())
            }
        }
    }

    /// Records that a request for the next reply was stopped before anything
    /// arrived (its future dropped: Ctrl-C while connecting), as an empty reply
    /// cut short — a no-op when the history does not wait for a reply.
    pub fn record_interrupted(&mut self, model: &str) {
        if self.awaits_reply() {
            self.record(AssistantReply::from_parts(
                model,
                None,
                Some(Cut::Interrupted),
            ));
        }
    }

    fn next_request(
        &mut self,
        client: &Client,
        edit: impl FnOnce(ChatRequest) -> ChatRequest,
    ) -> Result<ChatRequest, ConversationError> {
        if !self.awaits_reply() {
            return Err(ConversationError::NothingToSend);
        }
        self.model = client.model().to_owned();
        Ok(edit(self.request()))
    }

    /// True when the last context entry is a user turn or a tool result.
    fn awaits_reply(&self) -> bool {
        matches!(
            self.context_entries().last(),
            Some(Entry::User(_) | Entry::ToolResult { .. })
        )
    }

    fn record_failure(&mut self, model: &str, error: &Error) {
        self.record(AssistantReply::from_parts(
            model,
            None,
            Some(Cut::failed(error)),
        ));
    }

    fn record(&mut self, reply: AssistantReply) -> &AssistantReply {
        self.entries.push(Entry::Assistant(reply));
        match self.entries.last() {
            Some(Entry::Assistant(reply)) => reply,
            // An assistant entry was pushed on the line above.
            _ => unreachable!("the entry just pushed is a reply"),
        }
    }
}
