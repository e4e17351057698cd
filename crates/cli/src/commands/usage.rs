//! `oac usage`: what the recorded requests used and cost, by day (UTC), profile and
//! model, from the spending ledger.

use std::collections::BTreeMap;
use std::time::SystemTime;

use oac::config::ProcessEnv;
use oac::pricing::{exact_add, exact_string, format_tokens};
use oac::provider::files::{FileError, ShownPath};
use oac::{Decimal, Outcome, RecordedCost, RequestRecord, Usage, format_usd};
use serde_json::Value;

use crate::args::{GlobalArgs, UsageArgs};
use crate::failure::Failure;
use crate::ledger::{self, ENV_LEDGER, Setting, Skipped};
use crate::output::{Output, Record, record};

/// Distinct reasons of unknown costs kept apart; the rest are counted as "other".
const MAX_REASONS: usize = 16;

pub fn run(global: &GlobalArgs, args: &UsageArgs, out: &mut Output) -> Result<(), Failure> {
    let env = ProcessEnv;
    let Some(path) = Setting::file_to_read(&env) else {
        return Err(Failure::Usage(format!(
            "no data directory is known (HOME is not set), so there is no ledger to read: set {ENV_LEDGER} to the ledger file"
        )));
    };
    if Setting::from_env(&env) == Setting::Off {
        out.note(&format!(
            "note: {ENV_LEDGER}=off: new requests are not recorded; reading {}",
            ShownPath(&path)
        ));
    }
    let filter = Filter {
        since: args.since,
        profile: global.profile.clone(),
        model: global.model.clone(),
    };
    let mut summary = Summary::default();
    let skipped = match ledger::read(&path, |record| summary.add(&filter, &record)) {
        Ok(skipped) => skipped,
        Err(FileError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
            out.note(&format!(
                "no requests recorded yet ({} does not exist)",
                ShownPath(&path)
            ));
            Skipped::default()
        }
        Err(source) => {
            return Err(Failure::File {
                what: "cannot read the usage ledger",
                path,
                source,
            });
        }
    };
    warn_skipped(out, &path, &skipped);
    if out.is_json() {
        for (key, sums) in &summary.groups {
            out.record(&group_json(key, sums))?;
        }
        out.record(&total_json(&summary, &filter, &skipped, &path))?;
    } else {
        show_table(out, &summary)?;
        notes(out, &summary.total);
    }
    Ok(())
}

/// Which records count.
struct Filter {
    since: Option<SystemTime>,
    profile: Option<String>,
    model: Option<String>,
}

impl Filter {
    fn keeps(&self, record: &RequestRecord) -> bool {
        self.since.is_none_or(|since| record.time >= since)
            && self
                .profile
                .as_ref()
                .is_none_or(|p| record.profile.as_ref() == Some(p))
            && self
                .model
                .as_ref()
                .is_none_or(|m| record.model == *m || record.served_model.as_ref() == Some(m))
    }
}

/// A row: day (UTC), profile, model as sent.
type Key = (String, Option<String>, String);

#[derive(Default)]
struct Summary {
    groups: BTreeMap<Key, Sums>,
    total: Sums,
}

impl Summary {
    fn add(&mut self, filter: &Filter, record: &RequestRecord) {
        if !filter.keeps(record) {
            return;
        }
        let mut day = record.time_rfc3339();
        day.truncate(10);
        let key = (day, record.profile.clone(), record.model.clone());
        self.groups.entry(key).or_default().add(record);
        self.total.add(record);
    }
}

/// The sums of some records: tokens saturate, costs add exactly; a cost that is
/// unknown (or beyond exact arithmetic) is counted apart, never as $0.
#[derive(Default)]
struct Sums {
    requests: u64,
    errors: u64,
    cut: u64,
    without_usage: u64,
    usage: Usage,
    known: Decimal,
    priced: u64,
    unknown: u64,
    estimated: u64,
    reasons: BTreeMap<String, u64>,
}

impl Sums {
    fn add(&mut self, record: &RequestRecord) {
        self.requests = self.requests.saturating_add(1);
        match record.outcome {
            Outcome::Error(_) => self.errors = self.errors.saturating_add(1),
            Outcome::Cut => self.cut = self.cut.saturating_add(1),
            _ => {}
        }
        match &record.usage {
            Some(usage) => add_tokens(&mut self.usage, usage),
            None => self.without_usage = self.without_usage.saturating_add(1),
        }
        let reason = match &record.cost {
            RecordedCost::Known(amount) => match exact_add(self.known, *amount) {
                Some(sum) => {
                    self.known = sum;
                    self.priced = self.priced.saturating_add(1);
                    if record.usage_repaired {
                        self.estimated = self.estimated.saturating_add(1);
                    }
                    return;
                }
                None => "the sum is beyond exact decimal range".to_owned(),
            },
            RecordedCost::Unknown { reason } => reason.clone().unwrap_or_else(|| "not said".into()),
            _ => "not said".into(),
        };
        self.unknown = self.unknown.saturating_add(1);
        let reason = if self.reasons.len() < MAX_REASONS || self.reasons.contains_key(&reason) {
            reason
        } else {
            "other reasons".to_owned()
        };
        let count = self.reasons.entry(reason).or_default();
        *count = count.saturating_add(1);
    }

    /// The cost cell: `$0.001800`, `$0.001800 + 2 unknown`, `unknown (2 requests)`.
    fn cost_text(&self) -> String {
        let estimate = if self.estimated > 0 { "≈" } else { "" };
        match (self.priced, self.unknown) {
            (0, 0) => "-".to_owned(),
            (0, 1) => "unknown (1 request)".to_owned(),
            (0, n) => format!("unknown ({} requests)", format_tokens(n)),
            (_, 0) => format!("{estimate}{}", format_usd(self.known)),
            (_, n) => format!(
                "{estimate}{} + {} unknown",
                format_usd(self.known),
                format_tokens(n)
            ),
        }
    }
}

fn add_tokens(sum: &mut Usage, usage: &Usage) {
    sum.input_total = sum.input_total.saturating_add(usage.input_total);
    sum.cache_read = sum.cache_read.saturating_add(usage.cache_read);
    sum.cache_write = sum.cache_write.saturating_add(usage.cache_write);
    sum.output_total = sum.output_total.saturating_add(usage.output_total);
    sum.reasoning = sum.reasoning.saturating_add(usage.reasoning);
}

/// Damaged lines and records of a newer format, on standard error.
fn warn_skipped(out: &mut Output, path: &std::path::Path, skipped: &Skipped) {
    if skipped.damaged > 0 {
        let lines: Vec<String> = skipped.damaged_lines.iter().map(u64::to_string).collect();
        let more = if skipped.damaged > lines.len() as u64 {
            ", …"
        } else {
            ""
        };
        let (count, lines_word) = match skipped.damaged {
            1 => ("1 line".to_owned(), "line"),
            n => (format!("{} lines", format_tokens(n)), "lines"),
        };
        out.warn(&format!(
            "{count} of {} damaged, not counted ({lines_word} {}{more}): a write cut short, or an edit",
            ShownPath(path),
            lines.join(", ")
        ));
    }
    if skipped.newer > 0 {
        let records = match skipped.newer {
            1 => "1 record".to_owned(),
            n => format!("{} records", format_tokens(n)),
        };
        out.warn(&format!(
            "{records} of a newer format (up to v{}) not counted: update oac to read them",
            skipped.newer_version.unwrap_or_default()
        ));
    }
}

/// The human table on standard output: one row per day, profile and model, then
/// the total.
fn show_table(out: &mut Output, summary: &Summary) -> Result<(), Failure> {
    if summary.groups.is_empty() {
        out.note("no recorded requests match");
        return Ok(());
    }
    let header = [
        "day (UTC)",
        "profile",
        "model",
        "requests",
        "failed",
        "input",
        "cached",
        "output",
        "reasoning",
        "cost",
    ];
    let mut rows: Vec<[String; 10]> = vec![header.map(str::to_owned)];
    for ((day, profile, model), sums) in &summary.groups {
        rows.push(row(day, profile.as_deref().unwrap_or("-"), model, sums));
    }
    rows.push(row("total", "", "", &summary.total));
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for cells in &rows {
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match i {
                0..=2 | 9 => format!("{cell:<width$}", width = widths[i]),
                _ => format!("{cell:>width$}", width = widths[i]),
            })
            .collect();
        out.line(line.join("  ").trim_end())?;
    }
    Ok(())
}

fn row(day: &str, profile: &str, model: &str, sums: &Sums) -> [String; 10] {
    [
        day.to_owned(),
        profile.to_owned(),
        model.to_owned(),
        format_tokens(sums.requests),
        format_tokens(sums.errors),
        format_tokens(sums.usage.input_total),
        format_tokens(sums.usage.cache_read),
        format_tokens(sums.usage.output_total),
        format_tokens(sums.usage.reasoning),
        sums.cost_text(),
    ]
}

/// What the total leaves out, on standard error.
fn notes(out: &mut Output, total: &Sums) {
    if total.unknown > 0 {
        let reasons: Vec<String> = total
            .reasons
            .iter()
            .map(|(reason, n)| format!("{reason}: {}", format_tokens(*n)))
            .collect();
        let requests = match total.unknown {
            1 => "1 request with unknown cost is".to_owned(),
            n => format!("{} requests with unknown cost are", format_tokens(n)),
        };
        out.note(&format!(
            "{requests} not in the cost ({})",
            reasons.join("; ")
        ));
    }
    if total.estimated > 0 {
        out.note(&format!(
            "≈: {} requests' usage was repaired, so their cost is an estimate",
            format_tokens(total.estimated)
        ));
    }
    if total.cut > 0 {
        out.note(&format!(
            "{} requests were cut (the reply was stopped before it ended)",
            format_tokens(total.cut)
        ));
    }
}

/// The sums as JSON fields, after `head`.
fn sums_json(mut head: Record, sums: &Sums) -> Record {
    let cost = (sums.priced > 0).then(|| exact_string(sums.known));
    head.0.extend(
        record! {
            "requests": sums.requests,
            "errors": sums.errors,
            "cut": sums.cut,
            "without_usage": sums.without_usage,
            "input_tokens": sums.usage.input_total,
            "cached_tokens": sums.usage.cache_read,
            "cache_write_tokens": sums.usage.cache_write,
            "output_tokens": sums.usage.output_total,
            "reasoning_tokens": sums.usage.reasoning,
            "cost": cost,
            "priced_requests": sums.priced,
            "unknown_cost_requests": sums.unknown,
            "estimated_cost_requests": sums.estimated,
        }
        .0,
    );
    head
}

fn group_json((day, profile, model): &Key, sums: &Sums) -> Record {
    sums_json(
        record! {"type": "group", "day": day, "profile": profile, "model": model},
        sums,
    )
}

fn total_json(
    summary: &Summary,
    filter: &Filter,
    skipped: &Skipped,
    path: &std::path::Path,
) -> Record {
    let since = filter.since.map(humantime_text);
    let mut total = sums_json(record! {"type": "total"}, &summary.total);
    let reasons: serde_json::Map<String, Value> = summary
        .total
        .reasons
        .iter()
        .map(|(reason, n)| (reason.clone(), Value::from(*n)))
        .collect();
    total.0.extend(
        record! {
            "unknown_cost_reasons": reasons,
            "groups": summary.groups.len(),
            "since": since,
            "profile": filter.profile,
            "model": filter.model,
            "damaged_lines": skipped.damaged,
            "newer_format_records": skipped.newer,
            "ledger": ShownPath(path).to_string(),
        }
        .0,
    );
    total
}

/// A time as the ledger writes it.
fn humantime_text(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}
