//! [`TurnStream`]: a streamed reply of a conversation, recorded in its history
//! however it ends.

use std::fmt;

use oac_provider::{StreamEvent, UsageReport};

use super::{AssistantReply, Conversation, Cut};
use crate::error::Error;
use crate::stream::ReplyStream;

/// The events of a conversation's reply as they stream ([`Conversation::stream`]).
///
/// What arrives is gathered, and the reply is recorded in the conversation once:
/// when the stream ends (complete), when it fails (cut, [`Cut::Failed`], with what
/// came before the error), or when it is [interrupted](TurnStream::interrupt) or
/// dropped before its end (cut, [`Cut::Interrupted`]; the connection is closed
/// first, so the server stops generating). Usage the server reported before the cut
/// is kept with its cost.
///
/// ```
/// use oac::{Client, Conversation, Cut, StreamEvent};
/// # use oac_testkit::{Reply, Simulator};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let sim = Simulator::start().await;
/// # sim.push(Reply::text("one two three four").text_chunk_chars(4));
/// # let client = Client::builder().base_url(sim.base_url()).model("sim-model").build()?;
/// let mut conversation = Conversation::for_client(&client);
/// conversation.push_user("Count to four.");
/// let mut turn = conversation.stream(&client).await?;
/// while let Some(event) = turn.next().await {
///     if let StreamEvent::TextDelta(_) = event? {
///         break; // enough: stop after the first piece (Ctrl-C, say)
///     }
/// }
/// let reply = turn.interrupt();
/// assert_eq!(reply.text, "one ");
/// assert_eq!(reply.cut, Some(Cut::Interrupted));
/// # Ok(())
/// # }
/// ```
pub struct TurnStream<'c> {
    conversation: Option<&'c mut Conversation>,
    stream: Option<ReplyStream>,
    reply: AssistantReply,
    usage: Option<UsageReport>,
}

impl fmt::Debug for TurnStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnStream")
            .field("stream", &self.stream)
            .field("reply", &self.reply)
            .finish_non_exhaustive()
    }
}

impl<'c> TurnStream<'c> {
    pub(super) fn new(
        conversation: &'c mut Conversation,
        stream: ReplyStream,
        model: &str,
    ) -> TurnStream<'c> {
        TurnStream {
            conversation: Some(conversation),
            stream: Some(stream),
            reply: AssistantReply::from_parts(model, None, None),
            usage: None,
        }
    }

    /// The next event; `None` once the reply is complete and recorded (or after an
    /// error, which recorded it cut).
    pub async fn next(&mut self) -> Option<Result<StreamEvent, Error>> {
        let stream = self.stream.as_mut()?;
        match stream.next().await {
            Some(Ok(event)) => {
                self.note(&event);
                Some(Ok(event))
            }
            Some(Err(error)) => {
                self.finish(Some(Cut::failed(&error)));
                Some(Err(error))
            }
            None => {
                self.finish(None);
                None
            }
        }
    }

    /// The reply so far: text, reasoning, tool calls and usage that arrived.
    pub fn partial(&self) -> &AssistantReply {
        &self.reply
    }

    /// Stops the reply: closes the connection and records what arrived, cut
    /// ([`Cut::Interrupted`]). After the stream's end it returns the recorded reply.
    pub fn interrupt(mut self) -> &'c AssistantReply {
        if self.stream.is_some() {
            self.finish(Some(Cut::Interrupted));
        }
        let conversation = self.conversation.take();
        match conversation.and_then(|c| c.last_reply()) {
            Some(reply) => reply,
            // `finish` recorded the reply in the conversation, which is only
            // taken here.
            None => unreachable!("a finished turn has recorded its reply"),
        }
    }

    /// Reads the rest of the stream and returns the recorded reply (also on an
    /// error: the reply is recorded cut before the error is returned).
    pub async fn collect(mut self) -> Result<&'c AssistantReply, Error> {
        while let Some(event) = self.next().await {
            event?;
        }
        Ok(self.interrupt())
    }

    fn note(&mut self, event: &StreamEvent) {
        let reply = &mut self.reply;
        match event {
            StreamEvent::TextDelta(text) => reply.text.push_str(text),
            StreamEvent::ReasoningDelta(text) => {
                reply
                    .reasoning
                    .get_or_insert_with(String::new)
                    .push_str(text);
            }
            StreamEvent::ToolCall(call) => reply.tool_calls.push(call.clone()),
            StreamEvent::Reasoning(item) => reply.reasoning_items.push(item.clone()),
            StreamEvent::Finish(reason) => reply.finish_reason = Some(reason.clone()),
            StreamEvent::Usage(report) => self.usage = Some((**report).clone()),
            _ => {}
        }
    }

    /// Closes the stream (when still open) and records the reply, once.
    fn finish(&mut self, cut: Option<Cut>) {
        // Dropped first: the connection closes and the usage recorder is told.
        self.stream = None;
        let Some(conversation) = self.conversation.as_deref_mut() else {
            return;
        };
        let usage = self.usage.take();
        let mut reply =
            std::mem::replace(&mut self.reply, AssistantReply::from_parts("", None, None));
        let priced = AssistantReply::from_parts(&reply.model, usage.as_ref(), None);
        reply.usage = priced.usage;
        reply.usage_repaired = priced.usage_repaired;
        reply.cost = priced.cost;
        reply.cut = cut;
        conversation.record(reply);
        // Recorded: a later drop or interrupt changes nothing.
        self.reply = conversation
            .last_reply()
            .cloned()
            .unwrap_or_else(|| AssistantReply::from_parts("", None, None));
    }
}

impl Drop for TurnStream<'_> {
    fn drop(&mut self) {
        if self.stream.is_some() {
            self.finish(Some(Cut::Interrupted));
        }
    }
}
