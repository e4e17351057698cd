//! Showing a reply: the answer on standard output as it streams, reasoning apart on
//! standard error, then the usage line (or, with `--json`, one event per line).

use oac::pricing::{ContextUse, exact_string, format_tokens};
use oac::{
    ChatResponse, Cost, FinishReason, InfoSource, KnownModel, ReplyStream, StreamEvent, ToolCall,
    UsageReport, format_usd,
};

use serde_json::Value;

use crate::failure::Failure;
use crate::output::{Output, Record, record};
use crate::spinner::Spinner;

/// What a shown reply ended with.
#[derive(Debug, Default)]
pub struct Shown {
    /// Why the model stopped, when said.
    pub finish: Option<FinishReason>,
    /// Usage and cost, when reported.
    pub usage: Option<UsageReport>,
}

/// Writes the events of `stream` as they arrive; the spinner stops at the first one.
pub async fn show_stream(
    out: &mut Output,
    mut stream: ReplyStream,
    mut spinner: Spinner,
) -> Result<Shown, Failure> {
    let mut view = View::default();
    while let Some(event) = stream.next().await {
        spinner.stop();
        view.event(out, event?)?;
    }
    spinner.stop();
    view.finish(out)
}

/// Writes a complete (non-streamed) reply the way a stream would be shown.
pub fn show_response(out: &mut Output, response: &ChatResponse) -> Result<Shown, Failure> {
    let mut view = View::default();
    if let Some(reasoning) = &response.reasoning {
        view.event(out, StreamEvent::ReasoningDelta(reasoning.clone()))?;
    }
    view.event(out, StreamEvent::TextDelta(response.content.clone()))?;
    for call in &response.tool_calls {
        view.event(out, StreamEvent::ToolCall(call.clone()))?;
    }
    if let Some(reason) = &response.finish_reason {
        view.event(out, StreamEvent::Finish(reason.clone()))?;
    }
    if let Some(usage) = &response.usage {
        view.event(out, StreamEvent::Usage(Box::new(usage.clone())))?;
    }
    view.finish(out)
}

/// The state of a reply being shown, event by event (the interactive chat feeds it
/// the events of a conversation's turn).
#[derive(Default)]
pub struct View {
    shown: Shown,
    /// Reasoning was written to standard error and its line is still open.
    reasoning_open: bool,
    reasoning_seen: bool,
}

impl View {
    /// Shows one event.
    pub fn event(&mut self, out: &mut Output, event: StreamEvent) -> Result<(), Failure> {
        match event {
            StreamEvent::TextDelta(text) => {
                if out.is_json() {
                    if !text.is_empty() {
                        out.record(&record! {"type": "text", "text": text})?;
                    }
                } else {
                    if !text.is_empty() {
                        self.close_reasoning(out);
                    }
                    out.answer(&text)?;
                }
            }
            StreamEvent::ReasoningDelta(text) if text.is_empty() => {}
            StreamEvent::ReasoningDelta(text) => {
                if out.is_json() {
                    out.record(&record! {"type": "reasoning", "text": text})?;
                } else {
                    if !self.reasoning_seen {
                        out.side("reasoning: ");
                        self.reasoning_seen = true;
                    }
                    out.side(&text);
                    self.reasoning_open = !text.ends_with('\n');
                }
            }
            StreamEvent::ToolCall(call) => {
                if out.is_json() {
                    out.record(&tool_call_json(&call))?;
                } else {
                    self.close_reasoning(out);
                    out.end_answer()?;
                    out.line(&format!(
                        "tool call {} {} (id {})",
                        call.name, call.arguments, call.id
                    ))?;
                }
            }
            StreamEvent::Finish(reason) => self.shown.finish = Some(reason),
            StreamEvent::Usage(report) => {
                if out.is_json() {
                    out.record(&usage_json(Some(&report)))?;
                }
                self.shown.usage = Some(*report);
            }
            // Fragments of tool calls are shown once complete; unknown fields are not shown.
            _ => {}
        }
        Ok(())
    }

    fn close_reasoning(&mut self, out: &mut Output) {
        if self.reasoning_open {
            out.side("\n");
            self.reasoning_open = false;
        }
    }

    /// Ends the shown reply (closes its lines) and says what it ended with.
    pub fn finish(mut self, out: &mut Output) -> Result<Shown, Failure> {
        self.close_reasoning(out);
        if out.is_json() {
            if self.shown.usage.is_none() {
                out.record(&usage_json(None))?;
            }
        } else {
            out.end_answer()?;
        }
        Ok(self.shown)
    }
}

/// Ends a shown reply: the usage line (human) or the `done` event (JSON), and a note
/// when the model stopped for a reason other than finishing.
pub fn show_end(out: &mut Output, shown: &Shown, known: &KnownModel) -> Result<(), Failure> {
    if out.is_json() {
        return out.record(&record! {
            "type": "done",
            "finish_reason": shown.finish.as_ref().map(FinishReason::as_str),
            "context_window": known.info.context_window,
            "context_window_source": known.sources.context_window.to_string(),
            "prices_source": known.sources.prices.to_string(),
        });
    }
    if let Some(report) = &shown.usage {
        for repair in &report.repairs {
            out.warn(&format!(
                "the provider's usage was repaired ({repair}), so its cost is an estimate"
            ));
        }
    }
    out.note(&usage_line(shown.usage.as_ref(), known));
    match &shown.finish {
        Some(FinishReason::Length) => out.note(
            "note: the reply stopped at the output token limit (finish reason `length`); raise --max-tokens",
        ),
        Some(FinishReason::ContentFilter) => {
            out.note("note: the provider withheld part of the reply (finish reason `content_filter`)")
        }
        _ => {}
    }
    Ok(())
}

/// `usage: 2,006 in · 1,920 cached · 300 out · 0 reasoning · cost $0.005615 · context …`.
/// A context window or prices the server reported say so: `context 11 of 2,048
/// tokens (0.5%), window from llama.cpp /props`, `cost $0.75 (prices from LiteLLM /model/info)`.
pub fn usage_line(usage: Option<&UsageReport>, known: &KnownModel) -> String {
    let info = &known.info;
    let Some(report) = usage else {
        return "usage: not reported by the provider · cost unknown".to_owned();
    };
    let u = &report.usage;
    let mut parts = vec![
        format!("{} in", format_tokens(u.input_total)),
        format!("{} cached", format_tokens(u.cache_read)),
    ];
    if u.cache_write > 0 {
        parts.push(format!("{} cache write", format_tokens(u.cache_write)));
    }
    parts.push(format!("{} out", format_tokens(u.output_total)));
    parts.push(format!("{} reasoning", format_tokens(u.reasoning)));
    parts.push(match &report.cost {
        Cost::Known(breakdown) if report.is_repaired() => format!(
            "cost ≈{} (an estimate: the usage was repaired)",
            format_usd(breakdown.total)
        ),
        Cost::Known(breakdown) => match known.sources.prices {
            InfoSource::Server(source) => {
                format!(
                    "cost {} (prices from {source})",
                    format_usd(breakdown.total)
                )
            }
            _ => format!("cost {}", format_usd(breakdown.total)),
        },
        Cost::Unknown(unknown) => format!("cost unknown ({})", unknown.reason),
        _ => "cost unknown".to_owned(),
    });
    if let Some(reported) = report.cost.reported_cost() {
        parts.push(format!("provider says {}", format_usd(reported)));
    }
    if let Some(context) = ContextUse::new(u.input_total, u64::from(info.context_window)) {
        match known.sources.context_window {
            InfoSource::Server(source) => {
                parts.push(format!("context {context}, window from {source}"))
            }
            _ => parts.push(format!("context {context}")),
        }
    }
    format!("usage: {}", parts.join(" · "))
}

/// The `usage` JSON event; every field `null` when the provider reported none.
pub fn usage_json(usage: Option<&UsageReport>) -> Record {
    let Some(report) = usage else {
        return record! {
            "type": "usage",
            "input_tokens": Value::Null,
            "cached_tokens": Value::Null,
            "cache_write_tokens": Value::Null,
            "output_tokens": Value::Null,
            "reasoning_tokens": Value::Null,
            "cost": Value::Null,
            "reported_cost": Value::Null,
            "cost_exact": Value::Null,
            "estimated_cost": Value::Null,
            "usage_repaired": false,
            "usage_repairs": Vec::<String>::new(),
        };
    };
    let u = &report.usage;
    let total = report.cost.total();
    // A cost from repaired counts is an estimate, never shown as the exact cost.
    let (definite, estimated) = if report.is_repaired() {
        (None, total)
    } else {
        (total, None)
    };
    record! {
        "type": "usage",
        "input_tokens": u.input_total,
        "cached_tokens": u.cache_read,
        "cache_write_tokens": u.cache_write,
        "output_tokens": u.output_total,
        "reasoning_tokens": u.reasoning,
        "cost": definite.map(|t| format_usd(t).trim_start_matches('$').to_owned()),
        "reported_cost": report.cost.reported_cost().map(exact_string),
        "cost_exact": definite.map(exact_string),
        "estimated_cost": estimated.map(exact_string),
        "usage_repaired": report.is_repaired(),
        "usage_repairs": report.repairs.iter().map(ToString::to_string).collect::<Vec<_>>(),
    }
}

fn tool_call_json(call: &ToolCall) -> Record {
    record! {
        "type": "tool_call",
        "id": call.id,
        "name": call.name,
        "arguments": call.arguments,
    }
}
