//! `oac chat -i` (or `oac chat` with no prompt on a terminal): a conversation
//! (the facade's [`Conversation`]) typed at a line editor, each reply streamed and
//! shown as one-shot chat shows it, its usage line and the running total after it;
//! `--session NAME` / `--continue` keep it in a session file. With a prompt and a
//! session, one turn of the session is sent without the editor ([`one_turn`]).

use std::io::IsTerminal;
use std::sync::Arc;

use oac::config::ProcessEnv;
use oac::pricing::format_tokens;
use oac::{
    AssistantReply, ChatRequest, Client, ContentPart, Conversation, ConversationError,
    ConversationTotal, Entry, FitPolicy, KnownModel, UserContent, format_usd,
};

use super::editor::{Input, LineEditor};
use super::slash::{self, COMMANDS, Command, Line};
use super::{image_part, prompt, with_options};
use crate::args::{ChatArgs, GlobalArgs};
use crate::failure::Failure;
use crate::ledger::Ledger;
use crate::output::Output;
use crate::reply::{self, Shown, View};
use crate::sessions::{SessionName, Sessions};
use crate::setup::{self, Need};

/// How many entries of a resumed session are shown.
const SHOWN_ON_RESUME: usize = 20;

/// True when `oac chat` should open an interactive session.
pub fn wanted(global: &GlobalArgs, args: &ChatArgs) -> bool {
    args.interactive
        || (!global.json
            && args.prompt.is_empty()
            && std::io::stdin().is_terminal()
            && std::io::stdout().is_terminal())
}

/// True when the conversation lives in a session.
pub fn in_session(args: &ChatArgs) -> bool {
    args.session.is_some() || args.continue_last
}

/// The interactive session.
pub async fn run(
    global: &GlobalArgs,
    args: &ChatArgs,
    ledger: &Arc<Ledger>,
    out: &mut Output,
) -> Result<(), Failure> {
    if global.json {
        return Err(Failure::Usage(
            "--json is for one-shot chat (`oac chat --json \"…\"`); the interactive chat prints for people"
                .into(),
        ));
    }
    let mut chat = Chat::start(global, args, ledger, out).await?;
    chat.greet(out);
    let mut editor = LineEditor::new(chat.earlier_messages())?;
    if !args.prompt.is_empty() {
        chat.turn(args.prompt.join(" "), out).await?;
    }
    loop {
        let text = match editor.read().await? {
            Input::Text(text) => text,
            Input::Cleared => continue,
            Input::End => break,
        };
        if text.trim().is_empty() {
            continue;
        }
        match slash::parse(&text) {
            Line::Message(message) => {
                chat.turn(message, out).await?;
            }
            Line::Command(Command::Exit) => break,
            Line::Command(command) => chat.command(command, out).await?,
            Line::Missing { command, what } => {
                out.note(&format!("{command} needs {what}: `/help` lists the commands"));
            }
            Line::Unknown { typed, nearest } => out.note(&match nearest {
                Some(nearest) => format!("unknown command {typed}: did you mean {nearest}? (`/help` lists them)"),
                None => format!("unknown command {typed}: `/help` lists the commands (`//…` sends a message starting with `/`)"),
            }),
        }
    }
    chat.goodbye(out);
    Ok(())
}

/// `oac chat --session NAME PROMPT` (or `--continue`, or the prompt on standard
/// input): one more turn of the session, shown like one-shot chat.
pub async fn one_turn(
    global: &GlobalArgs,
    args: &ChatArgs,
    ledger: &Arc<Ledger>,
    out: &mut Output,
) -> Result<(), Failure> {
    let mut chat = Chat::start(global, args, ledger, out).await?;
    let text = prompt(args, out)?;
    match chat.turn(text, out).await? {
        Ended::Done => Ok(()),
        Ended::Cut | Ended::CutBeforeStart => Err(Failure::Interrupted),
        Ended::Failed(failure) => Err(failure),
    }
}

/// How a turn ended.
enum Ended {
    Done,
    Cut,
    /// Ctrl-C before the stream started: the cut reply is not recorded yet.
    CutBeforeStart,
    /// Shown already in the interactive session; returned by [`one_turn`].
    Failed(Failure),
}

/// The state of a chat: the client for the model in use, the conversation, the
/// session it is saved in, the images for the next message.
struct Chat<'a> {
    global: &'a GlobalArgs,
    args: &'a ChatArgs,
    ledger: &'a Arc<Ledger>,
    client: Client,
    known: KnownModel,
    streaming: bool,
    conversation: Conversation,
    session: Option<(Sessions, SessionName)>,
    resumed: bool,
    images: Vec<ContentPart>,
}

impl<'a> Chat<'a> {
    /// Loads the session (when one is named), the profile (with the session's
    /// model unless `--model` is given) and the client.
    async fn start(
        global: &'a GlobalArgs,
        args: &'a ChatArgs,
        ledger: &'a Arc<Ledger>,
        out: &mut Output,
    ) -> Result<Chat<'a>, Failure> {
        let session = open_session(args)?;
        let saved = match &session {
            Some((sessions, name)) => sessions.load(name)?,
            None => None,
        };
        let mut overrides = global.overrides();
        if let (None, Some(saved)) = (&global.model, &saved) {
            overrides = overrides.model(saved.model());
        }
        let loaded = setup::load_with(overrides, Need::Model, out)?;
        let streaming = loaded.profile.streaming() && !args.no_stream;
        let client = ledger.attach(setup::client_for(loaded.profile)?);
        let resumed = saved.is_some();
        let mut conversation = saved.unwrap_or_else(|| Conversation::for_client(&client));
        conversation.set_model(client.model());
        if let Some(system) = &args.system {
            conversation.set_system(Some(system.clone()));
        }
        let images = args
            .images
            .iter()
            .map(|image| image_part(image))
            .collect::<Result<_, _>>()?;
        let mut spinner = out.spinner(format!("connecting to {}…", setup::host_of(&client)));
        let known = client.known_model().await;
        spinner.stop();
        Ok(Chat {
            global,
            args,
            ledger,
            client,
            known,
            streaming,
            conversation,
            session,
            resumed,
            images,
        })
    }

    /// The user's earlier messages, for the editor's history.
    fn earlier_messages(&self) -> Vec<&str> {
        self.conversation
            .entries()
            .iter()
            .filter_map(|entry| match entry {
                Entry::User(UserContent::Text(text)) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn greet(&self, out: &mut Output) {
        out.note(&format!(
            "oac chat with {} at {} · /help for commands · Ctrl-D to leave",
            self.client.model(),
            setup::host_of(&self.client)
        ));
        if let (true, Some((_, name))) = (self.resumed, &self.session) {
            out.note(&format!(
                "resumed session {name}: {} · {}",
                plural(self.conversation.replies().count(), "reply", "replies"),
                total_line(&self.conversation.total())
            ));
            self.show_history(out);
        }
    }

    /// The last entries of the context, as a reminder of where it stood.
    fn show_history(&self, out: &mut Output) {
        let entries = self.conversation.context_entries();
        let skipped = entries.len().saturating_sub(SHOWN_ON_RESUME);
        if skipped > 0 {
            out.note(&format!("… {skipped} earlier entries"));
        }
        for entry in &entries[skipped..] {
            match entry {
                Entry::User(content) => {
                    out.note(&format!("{}{}", super::editor::PROMPT, user_text(content)))
                }
                Entry::Assistant(reply) => {
                    out.note(&reply.text);
                    if let Some(cut) = &reply.cut {
                        out.note(&format!("[reply cut: {cut}]"));
                    }
                }
                Entry::ToolResult { tool_call_id, .. } => {
                    out.note(&format!("[tool result for {tool_call_id}]"));
                }
                _ => {}
            }
        }
    }

    fn goodbye(&self, out: &mut Output) {
        out.note(&total_line(&self.conversation.total()));
        if let Some((sessions, name)) = &self.session {
            out.note(&format!(
                "session {name} saved in {}; `oac chat --continue` resumes it",
                oac::provider::files::ShownPath(&sessions.path(name))
            ));
        }
    }

    /// Sends `text` (with the attached images) and shows the reply; a failure is
    /// shown and the session goes on (only a closed output ends it).
    async fn turn(&mut self, text: String, out: &mut Output) -> Result<Ended, Failure> {
        let content = if self.images.is_empty() {
            UserContent::Text(text)
        } else {
            let mut parts = vec![ContentPart::text(text)];
            parts.append(&mut self.images);
            UserContent::Parts(parts)
        };
        self.conversation.push_user(content);
        self.fit(out);
        let (shown, mut ended) = if self.streaming {
            self.streamed(out).await?
        } else {
            self.whole(out).await?
        };
        if matches!(ended, Ended::CutBeforeStart) {
            let model = self.client.model().to_owned();
            self.conversation.record_interrupted(&model);
            ended = Ended::Cut;
        }
        self.known = self.client.known_model().await;
        match &ended {
            Ended::Failed(failure) if self.editor_session() => out.failure(failure),
            Ended::Cut => out.note("[reply cut: interrupted; what arrived is kept in the history]"),
            _ => {}
        }
        if !matches!(ended, Ended::Failed(_)) {
            reply::show_end(out, &shown, &self.known)?;
        }
        if self.editor_session() {
            out.note(&total_line(&self.conversation.total()));
        }
        self.save(out);
        Ok(ended)
    }

    /// True in the interactive session (not a single turn of `one_turn`).
    fn editor_session(&self) -> bool {
        wanted(self.global, self.args)
    }

    /// Leaves the oldest turns out of the context when the history no longer
    /// fits, and says so.
    fn fit(&mut self, out: &mut Output) {
        let options = self.options();
        match self
            .conversation
            .fit_with(&self.client, FitPolicy::DropOldestTurns, &options)
        {
            Ok(fit) if fit.dropped_turns > 0 => out.note(&format!(
                "note: the history no longer fits the {}-token context window: the oldest {} left out of the context (still in the session and the cost; /clear starts afresh)",
                format_tokens(fit.budget.context_window),
                plural(fit.dropped_turns, "turn is", "turns are"),
            )),
            Ok(_) => {}
            Err(error @ ConversationError::TooLong { .. }) => {
                out.warn(&format!("{error}; the provider will likely refuse it"));
            }
            Err(error) => out.warn(&error.to_string()),
        }
    }

    /// The request options of the command line (max tokens, temperature, effort,
    /// service tier).
    fn options(&self) -> impl Fn(ChatRequest) -> ChatRequest + 'a {
        let args = self.args;
        move |request| with_options(args, request)
    }

    /// A streamed reply; Ctrl-C stops it (the stream is dropped, the connection
    /// closed, what arrived kept as cut).
    async fn streamed(&mut self, out: &mut Output) -> Result<(Shown, Ended), Failure> {
        let mut spinner = out.spinner("waiting for the first token…");
        let options = self.options();
        // One listener for the whole turn, so a Ctrl-C between two events is not
        // missed.
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let started = tokio::select! {
            started = self.conversation.stream_with(&self.client, options) => Some(started),
            Ok(()) = &mut ctrl_c => None,
        };
        let mut turn = match started {
            Some(Ok(turn)) => turn,
            Some(Err(error)) => {
                spinner.stop();
                return Ok((Shown::default(), Ended::Failed(failure_of(error))));
            }
            None => {
                spinner.stop();
                // Recorded by the caller: the stream's borrow of the conversation
                // lasts to the end of this function.
                return Ok((Shown::default(), Ended::CutBeforeStart));
            }
        };
        let mut view = View::default();
        let ended = loop {
            let next = tokio::select! {
                next = turn.next() => next,
                Ok(()) = &mut ctrl_c => break Ended::Cut,
            };
            spinner.stop();
            match next {
                None => break Ended::Done,
                Some(Ok(event)) => view.event(out, event)?,
                Some(Err(error)) => break Ended::Failed(error.into()),
            }
        };
        spinner.stop();
        if matches!(ended, Ended::Cut) {
            turn.interrupt();
        }
        Ok((view.finish(out)?, ended))
    }

    /// A whole (non-streamed) reply; Ctrl-C drops the request.
    async fn whole(&mut self, out: &mut Output) -> Result<(Shown, Ended), Failure> {
        let mut spinner = out.spinner(format!(
            "waiting for {} to answer…",
            setup::host_of(&self.client)
        ));
        let model = self.client.model().to_owned();
        let request = (self.options())(self.conversation.request());
        let result = tokio::select! {
            result = self.client.send(request) => Some(result),
            Ok(()) = tokio::signal::ctrl_c() => None,
        };
        spinner.stop();
        match result {
            Some(Ok(response)) => {
                self.conversation
                    .push_reply(AssistantReply::from_response(&model, &response));
                Ok((reply::show_response(out, &response)?, Ended::Done))
            }
            Some(Err(error)) => {
                self.conversation
                    .push_reply(AssistantReply::failed(&model, &error));
                Ok((Shown::default(), Ended::Failed(error.into())))
            }
            None => {
                self.conversation.record_interrupted(&model);
                Ok((Shown::default(), Ended::Cut))
            }
        }
    }

    /// Saves the session, when there is one; a failure is a warning (the
    /// conversation goes on, unsaved).
    fn save(&self, out: &mut Output) {
        if let Some((sessions, name)) = &self.session
            && let Err(error) = sessions.save(name, &self.conversation)
        {
            out.warn(&format!("{error}; the conversation goes on unsaved"));
        }
    }

    /// Runs a command typed at the prompt.
    async fn command(&mut self, command: Command, out: &mut Output) -> Result<(), Failure> {
        match command {
            Command::Model(None) => out.note(&format!("model: {}", self.client.model())),
            Command::Model(Some(id)) => self.switch_model(&id, out).await,
            Command::System(None) => out.note(&match self.conversation.system() {
                Some(system) => format!("system prompt: {system}"),
                None => "no system prompt (`/system TEXT` sets one)".to_owned(),
            }),
            Command::System(Some(text)) if text == "-" => {
                self.conversation.set_system(None);
                out.note("system prompt removed");
            }
            Command::System(Some(text)) => {
                self.conversation.set_system(Some(text));
                out.note("system prompt set; it is sent first with every message");
            }
            Command::Image(image) => match image_part(&image) {
                Ok(part) => {
                    self.images.push(part);
                    out.note(&format!(
                        "{} attached to your next message",
                        plural(self.images.len(), "image", "images")
                    ));
                }
                Err(failure) => out.failure(&failure),
            },
            Command::Clear => {
                self.conversation.clear_context();
                out.note(
                    "the context starts afresh (earlier turns stay in the session and in /cost)",
                );
            }
            Command::Cost => self.show_cost(out),
            Command::Save(name) => self.save_as(&name, out),
            Command::Help => {
                for (command, what) in COMMANDS {
                    out.note(&format!("{command:<20} {what}"));
                }
                out.note("A line ending in \\ continues on the next line; Ctrl-C stops a reply or clears the line; Ctrl-D leaves.");
            }
            Command::Exit => {}
        }
        self.save(out);
        Ok(())
    }

    async fn switch_model(&mut self, id: &str, out: &mut Output) {
        let overrides = self.global.overrides().model(id);
        let loaded = match setup::load_with(overrides, Need::Model, out) {
            Ok(loaded) => loaded,
            Err(failure) => return out.failure(&failure),
        };
        let streaming = loaded.profile.streaming() && !self.args.no_stream;
        match setup::client_for(loaded.profile) {
            Ok(client) => {
                self.client = self.ledger.attach(client);
                self.streaming = streaming;
                self.known = self.client.known_model().await;
                self.conversation.set_model(self.client.model());
                out.note(&format!("model: {}", self.client.model()));
            }
            Err(failure) => out.failure(&failure),
        }
    }

    fn show_cost(&self, out: &mut Output) {
        let total = self.conversation.total();
        out.note(&total_line(&total));
        let last_input = self
            .conversation
            .last_reply()
            .and_then(|reply| reply.usage.as_ref())
            .map(|usage| usage.input_total);
        let window = u64::from(self.known.info.context_window);
        if let Some(context) =
            last_input.and_then(|used| oac::pricing::ContextUse::new(used, window))
        {
            out.note(&format!("context of the last reply: {context}"));
        }
    }

    fn save_as(&mut self, name: &str, out: &mut Output) {
        let named = SessionName::parse(name)
            .map_err(Failure::from)
            .and_then(|name| Ok((Sessions::from_env(&ProcessEnv)?, name)));
        match named {
            Ok((sessions, name)) => match sessions.save(&name, &self.conversation) {
                Ok(()) => {
                    out.note(&format!(
                        "saved as session {name} ({}); later turns are saved there too",
                        oac::provider::files::ShownPath(&sessions.path(&name))
                    ));
                    self.session = Some((sessions, name));
                }
                Err(error) => out.failure(&error.into()),
            },
            Err(failure) => out.failure(&failure),
        }
    }
}

/// The session `--session` names or `--continue` finds, when either is given.
fn open_session(args: &ChatArgs) -> Result<Option<(Sessions, SessionName)>, Failure> {
    if !in_session(args) {
        return Ok(None);
    }
    let sessions = Sessions::from_env(&ProcessEnv)?;
    let name = match &args.session {
        Some(name) => SessionName::parse(name)?,
        None => sessions.last()?,
    };
    Ok(Some((sessions, name)))
}

fn failure_of(error: ConversationError) -> Failure {
    match error {
        ConversationError::Request(error) => error.into(),
        other => Failure::Usage(other.to_string()),
    }
}

/// A user message as one line of the resumed history.
fn user_text(content: &UserContent) -> String {
    match content {
        UserContent::Text(text) => text.clone(),
        UserContent::Parts(parts) => parts
            .iter()
            .map(|part| match part {
                ContentPart::Text(text) => text.clone(),
                _ => "[image]".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// `total: 2 replies · 50 in · 8 out · cost $0.000012`, with the replies whose cost
/// is unknown counted apart.
fn total_line(total: &ConversationTotal) -> String {
    let mut line = format!(
        "total: {} · {} in · {} out · cost {}{}",
        plural(
            usize::try_from(total.replies).unwrap_or(usize::MAX),
            "reply",
            "replies"
        ),
        format_tokens(total.usage.input_total),
        format_tokens(total.usage.output_total),
        if total.estimated { "≈" } else { "" },
        format_usd(total.known_cost),
    );
    if total.unknown_cost_replies > 0 {
        line.push_str(&format!(
            " + {} of unknown cost (no prices)",
            total.unknown_cost_replies
        ));
    }
    if total.unreported_replies > 0 {
        line.push_str(&format!(" + {} without usage", total.unreported_replies));
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
