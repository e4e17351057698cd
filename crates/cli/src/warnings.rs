//! The library crates report some problems only as `tracing` warnings (a key about to
//! travel over plain http, a usage object that could not be read). `oac` shows those
//! of the provider crate on standard error as `warning: …` lines; the configuration's
//! warnings are returned to it and printed by [`crate::setup`], so they are not
//! shown twice.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// Shows the provider crate's warnings on standard error for the rest of the run.
pub fn show_provider_warnings() {
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .event_format(Plain::default());
    // Fails only when a subscriber is already set, which then keeps its job.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(Targets::new().with_target("oac_provider", Level::WARN)))
        .try_init();
}

/// `warning: <message> <fields>`: the same shape as `oac`'s own warnings; a warning
/// already shown (e.g. once per URL of the same host) is not repeated.
#[derive(Default)]
struct Plain {
    shown: Mutex<HashSet<String>>,
}

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut line = String::new();
        ctx.field_format()
            .format_fields(Writer::new(&mut line), event)?;
        let new = self
            .shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(line.clone());
        if new {
            writeln!(writer, "warning: {}", crate::controls::escape(&line))?;
        }
        Ok(())
    }
}
