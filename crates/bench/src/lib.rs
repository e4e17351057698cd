//! The performance harness behind `cargo xtask bench` (the `oac-bench` binary and the
//! two small client binaries it starts, `oac-bench-ours` and `oac-bench-floor`).
//!
//! Every figure is client CPU time (`getrusage`, user + system, all threads) of a
//! client process of its own, divided by the chunks it decoded; the loopback server
//! is another process, so its CPU is never counted. Our client (`oac::Client` …
//! `.stream()`) is measured against a floor client written directly on reqwest
//! (`floor.rs`) over the same stream, in the same run, and only their ratio is read.
//!
//! Subcommands (the first two are what `cargo xtask bench` runs; the others are the
//! processes they start):
//!
//! - `run [--quick] [--no-many]` (`--no-many`, skipping the 1,000-stream run, only
//!   when the harness is run by hand: `target/release/oac-bench run --no-many`): the table of ratios in the four mode/runtime combinations, the
//!   `block_on` pitfall, peak RSS, and the 1,000-stream run;
//! - `callgrind [--quick]`: instructions per chunk of the decode path alone (bytes
//!   in memory → events), ours against the floor's decoder, under valgrind;
//! - `serve --chunks N`: the loopback server;
//! - `oac-bench-ours` / `oac-bench-floor` `--runtime ct|mt|mt-block-on --url URL --requests N --chunks N`:
//!   one client process, each its own small binary that links only its client, so
//!   that its peak RSS is what a program streaming with that client needs (the
//!   harness binary, holding the server, the testkit and both clients, starts at
//!   ~4 MiB resident before any client is built);
//! - `many --impl ours|floor --url URL --streams N --chunks N`;
//! - `decode --impl ours|floor --framing chunked|body --chunks N`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod callgrind;
pub mod client;
pub mod floor;
pub mod many;
pub mod measure;
pub mod ours;
pub mod process;
pub mod run;
pub mod server;

use std::collections::HashMap;

/// Which client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// Ours, through the facade.
    Ours,
    /// The plain-reqwest floor.
    Floor,
}

impl Impl {
    /// Parses `ours` or `floor`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "ours" => Ok(Impl::Ours),
            "floor" => Ok(Impl::Floor),
            other => Err(format!("--impl is `ours` or `floor`, not `{other}`")),
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Ours => "ours",
            Impl::Floor => "floor",
        }
    }
}

/// What a client does with the events: the same for both clients.
#[derive(Debug, Default)]
pub struct Sink {
    /// Keep the answer (single streams, checked exactly) or only count it.
    pub keep_text: bool,
    /// The answer so far.
    pub answer: String,
    /// Bytes of answer seen.
    pub text_bytes: usize,
    /// Text deltas seen.
    pub texts: usize,
    /// Input and output tokens, once reported.
    pub usage: Option<(u64, u64)>,
    /// The stream ended properly.
    pub done: bool,
}

impl Sink {
    /// A sink that keeps the answer when `keep_text`.
    pub fn new(keep_text: bool) -> Self {
        Sink {
            keep_text,
            ..Sink::default()
        }
    }

    /// One text delta.
    pub fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.texts += 1;
        self.text_bytes += text.len();
        if self.keep_text {
            self.answer.push_str(text);
        }
    }

    /// Checks that the whole reply of `chunks` chunks and text `expected` arrived,
    /// then empties the sink.
    pub fn check_and_clear(&mut self, chunks: usize, expected: &str) -> Result<(), String> {
        if self.texts != chunks || self.text_bytes != expected.len() {
            return Err(format!(
                "{} text deltas ({} bytes), expected {chunks} ({} bytes)",
                self.texts,
                self.text_bytes,
                expected.len()
            ));
        }
        if self.keep_text && self.answer != expected {
            return Err("the answer differs from the text sent".into());
        }
        if self.usage.is_none() || !self.done {
            return Err(format!(
                "usage {:?}, ended properly: {}",
                self.usage, self.done
            ));
        }
        *self = Sink::new(self.keep_text);
        Ok(())
    }
}

/// `--name value` pairs.
pub struct Flags(HashMap<String, String>);

impl Flags {
    /// Parses `args` (without the program and subcommand).
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut map = HashMap::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument `{arg}`"));
            };
            if name == "quick" || name == "no-many" {
                map.insert(name.to_owned(), "true".to_owned());
                continue;
            }
            let value = iter
                .next()
                .ok_or_else(|| format!("--{name} needs a value"))?;
            map.insert(name.to_owned(), value.clone());
        }
        Ok(Flags(map))
    }

    /// The value of `--name`.
    pub fn get(&self, name: &str) -> Result<&str, String> {
        self.0
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("--{name} is required"))
    }

    /// The value of `--name`, a number.
    pub fn number(&self, name: &str) -> Result<usize, String> {
        self.get(name)?
            .parse()
            .map_err(|_| format!("--{name} must be a number"))
    }

    /// `--quick` was given.
    pub fn quick(&self) -> bool {
        self.0.contains_key("quick")
    }

    /// `--NAME` (a flag without a value) was given.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}
