//! The `run` subcommand: starts the server process, runs every client process and
//! prints the table of ratios.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::client::Runtime;
use crate::{Impl, process};

/// Sizes of one bench run.
struct Plan {
    chunks: usize,
    requests: usize,
    runs: usize,
    streams: usize,
}

/// One mode: framing (the server path) and runtime.
#[derive(Clone, Copy)]
struct Mode {
    framing: &'static str,
    runtime: Runtime,
    label: &'static str,
}

const MODES: [Mode; 6] = [
    Mode {
        framing: "chunked",
        runtime: Runtime::CurrentThread,
        label: "one HTTP chunk per event, current_thread",
    },
    Mode {
        framing: "chunked",
        runtime: Runtime::MultiThread,
        label: "one HTTP chunk per event, multi-thread (spawned)",
    },
    Mode {
        framing: "body",
        runtime: Runtime::CurrentThread,
        label: "one large body, current_thread",
    },
    Mode {
        framing: "body",
        runtime: Runtime::MultiThread,
        label: "one large body, multi-thread (spawned)",
    },
    Mode {
        framing: "chunked",
        runtime: Runtime::MultiThreadBlockOn,
        label: "one HTTP chunk per event, multi-thread, block_on (pitfall)",
    },
    Mode {
        framing: "body",
        runtime: Runtime::MultiThreadBlockOn,
        label: "one large body, multi-thread, block_on (pitfall)",
    },
];

/// The server process, killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub(crate) url: String,
}

impl Server {
    /// Starts `exe serve --chunks N` and reads the address it listens on.
    pub(crate) fn start(exe: &Path, chunks: usize) -> Result<Self, String> {
        let child = Command::new(exe)
            .args(["serve", "--chunks", &chunks.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("server: {e}"))?;
        // Owned from here on, so every error below kills it (on drop).
        let mut server = Server {
            child,
            url: String::new(),
        };
        let line =
            process::first_line_within(&mut server.child, process::SERVER_START_LIMIT, "server")?;
        server.url = line
            .trim()
            .strip_prefix("listening ")
            .ok_or_else(|| format!("server said `{}`", line.trim()))?
            .to_owned();
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one child (killed past [`process::CLIENT_LIMIT`]) and parses its JSON line.
fn child(exe: &Path, args: &[String]) -> Result<Value, String> {
    let what = format!("`{} {}`", exe.display(), args.join(" "));
    let output = process::run_within(Command::new(exe).args(args), process::CLIENT_LIMIT, &what)?;
    if !output.status.success() {
        return Err(format!("`{} {}` failed", exe.display(), args.join(" ")));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).map_err(|e| format!("client said `{text}`: {e}"))
}

fn number(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The `run` subcommand.
pub fn run(quick: bool, no_many: bool) -> Result<(), String> {
    let plan = if quick {
        Plan {
            chunks: 2_000,
            requests: 3,
            runs: 1,
            streams: 50,
        }
    } else {
        Plan {
            chunks: 10_000,
            requests: 20,
            runs: 5,
            streams: 1_000,
        }
    };
    let exe: PathBuf = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let clients = [
        crate::client::binary(&exe, Impl::Ours)?,
        crate::client::binary(&exe, Impl::Floor)?,
    ];
    let server = Server::start(&exe, plan.chunks)?;
    println!(
        "{} chunks per stream, {} requests per process, {} runs; client CPU (getrusage) per chunk, median of runs",
        plan.chunks, plan.requests, plan.runs
    );
    // (mode, impl) -> per-run ns/chunk, and the memory figures of each run.
    let mut cpu: BTreeMap<(usize, &str), Vec<f64>> = BTreeMap::new();
    let mut memory: BTreeMap<(usize, &str), Vec<Memory>> = BTreeMap::new();
    for run in 0..plan.runs {
        for (m, mode) in MODES.iter().enumerate() {
            let order = if (run + m) % 2 == 0 {
                [Impl::Floor, Impl::Ours]
            } else {
                [Impl::Ours, Impl::Floor]
            };
            for which in order {
                let args: Vec<String> = [
                    "--runtime",
                    mode.runtime.name(),
                    "--url",
                    &format!("{}/{}/v1", server.url, mode.framing),
                    "--requests",
                    &plan.requests.to_string(),
                    "--chunks",
                    &plan.chunks.to_string(),
                ]
                .map(str::to_owned)
                .to_vec();
                let binary = match which {
                    Impl::Ours => &clients[0],
                    Impl::Floor => &clients[1],
                };
                let out = child(binary, &args)?;
                let per_chunk = number(&out, "cpu_ns") / number(&out, "chunks");
                cpu.entry((m, which.name())).or_default().push(per_chunk);
                memory
                    .entry((m, which.name()))
                    .or_default()
                    .push(Memory::of(&out));
            }
        }
    }
    let medians: BTreeMap<(usize, &str), f64> = cpu
        .iter_mut()
        .map(|(key, values)| (*key, median(values)))
        .collect();
    print_table(&medians, &cpu);
    print_memory(&memory, plan.chunks);
    if no_many {
        return Ok(());
    }
    many(&exe, &server, &plan, &medians)
}

fn print_table(medians: &BTreeMap<(usize, &str), f64>, all: &BTreeMap<(usize, &str), Vec<f64>>) {
    println!();
    println!(
        "| mode (runtime) | floor ns/chunk | ours ns/chunk | ours/floor | median of run ratios | runs ours/floor |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for (m, mode) in MODES.iter().enumerate() {
        let floor = medians[&(m, "floor")];
        let ours = medians[&(m, "ours")];
        // Each run measures both clients back to back, in alternating order.
        let mut ratios: Vec<f64> = all[&(m, "ours")]
            .iter()
            .zip(&all[&(m, "floor")])
            .map(|(o, f)| o / f)
            .collect();
        let runs: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "| {} | {floor:.0} | {ours:.0} | {:.2}× | {:.2}× | {} |",
            mode.label,
            ours / floor,
            median(&mut ratios),
            runs.join(" ")
        );
    }
    println!();
    for (framing, spawned, blocked) in
        [("one HTTP chunk per event", 1, 4), ("one large body", 3, 5)]
    {
        println!(
            "block_on pitfall, {framing}: block_on on the main thread costs {:.2}× a spawned task (ours), {:.2}× (floor)",
            medians[&(blocked, "ours")] / medians[&(spawned, "ours")],
            medians[&(blocked, "floor")] / medians[&(spawned, "floor")],
        );
    }
}

/// What one client process reports of its memory, in KiB.
#[derive(Clone, Copy)]
struct Memory {
    /// Peak RSS (`ru_maxrss`).
    peak: f64,
    /// Peak RSS less the RSS at the process's start (the binary and libc mapped).
    growth: f64,
    /// Anonymous RSS at the end (heap, stacks: what the process allocated).
    anon: f64,
    /// File-backed RSS at the end (code and read-only data paged in).
    file: f64,
}

impl Memory {
    fn of(out: &Value) -> Memory {
        Memory {
            peak: number(out, "max_rss_kib"),
            growth: number(out, "max_rss_kib") - number(out, "rss_start_kib"),
            anon: number(out, "rss_anon_end_kib"),
            file: number(out, "rss_file_end_kib"),
        }
    }
}

/// Peak RSS per mode (median of runs), and its split into anonymous and
/// file-backed memory.
fn print_memory(memory: &BTreeMap<(usize, &str), Vec<Memory>>, chunks: usize) {
    println!();
    println!(
        "memory of one client process, {chunks}-chunk streams, each client in a binary of its own (MiB, median of runs):"
    );
    println!(
        "| mode (runtime) | peak RSS floor | peak RSS ours | ours/floor | growth floor / ours | anonymous at end floor / ours | file-backed at end floor / ours |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mib = |kib: f64| kib / 1024.0;
    for (m, mode) in MODES.iter().enumerate().take(4) {
        let figure = |which: &str, field: fn(&Memory) -> f64| {
            let mut values: Vec<f64> = memory[&(m, which)].iter().map(field).collect();
            mib(median(&mut values))
        };
        let peak = |which| figure(which, |m| m.peak);
        println!(
            "| {} | {:.1} | {:.1} | {:.2}× | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} |",
            mode.label,
            peak("floor"),
            peak("ours"),
            peak("ours") / peak("floor"),
            figure("floor", |m| m.growth),
            figure("ours", |m| m.growth),
            figure("floor", |m| m.anon),
            figure("ours", |m| m.anon),
            figure("floor", |m| m.file),
            figure("ours", |m| m.file),
        );
    }
}

/// The many-stream run, both clients, against the single-stream figures.
fn many(
    exe: &Path,
    server: &Server,
    plan: &Plan,
    medians: &BTreeMap<(usize, &str), f64>,
) -> Result<(), String> {
    println!();
    println!(
        "{} concurrent streams of {} chunks over one client (multi-thread runtime, one task per stream, one HTTP chunk per event):",
        plan.streams, plan.chunks
    );
    println!(
        "| client | ns/chunk | vs single stream | KiB per open stream | KiB per stream at peak | slowest/median wall |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for which in [Impl::Floor, Impl::Ours] {
        let args: Vec<String> = [
            "many",
            "--impl",
            which.name(),
            "--url",
            &format!("{}/chunked/v1", server.url),
            "--streams",
            &plan.streams.to_string(),
            "--chunks",
            &plan.chunks.to_string(),
        ]
        .map(str::to_owned)
        .to_vec();
        let out = child(exe, &args)?;
        let per_chunk = number(&out, "cpu_ns") / number(&out, "chunks");
        let single = medians[&(1, which.name())];
        let streams = plan.streams as f64;
        let before = number(&out, "rss_before_kib");
        println!(
            "| {} | {per_chunk:.0} | {:.2}× | {:.1} | {:.1} | {:.2}× |",
            which.name(),
            per_chunk / single,
            (number(&out, "rss_open_kib") - before) / streams,
            (number(&out, "max_rss_kib") - before) / streams,
            number(&out, "slowest_wall_ms") / number(&out, "median_wall_ms"),
        );
    }
    Ok(())
}
