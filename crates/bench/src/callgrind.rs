//! Instructions per chunk of the decode path alone (bytes in memory → events),
//! ours ([`oac::provider::EventDecoder`]) against the floor's decoder, counted by
//! `valgrind --tool=callgrind`. Counts repeat exactly from run to run, so they show
//! per-chunk costs that CPU time on a shared machine hides.
//!
//! Only `decode_run` is counted (`--toggle-collect`), and each decoder runs twice,
//! with two stream lengths: the difference divided by the difference in chunks is
//! the cost of one chunk, without any fixed cost.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::server::{events, split_events};
use crate::{Impl, Sink, floor, ours, process};

/// Read size of the large-body framing (a typical socket read).
const READ: usize = 16 * 1024;

/// The `decode` subcommand: decode a `chunks`-chunk stream from memory once.
pub fn decode(which: Impl, framing: &str, chunks: usize) -> Result<(), String> {
    let body = events(chunks);
    let pieces: Vec<&[u8]> = match framing {
        "chunked" => split_events(&body),
        "body" => body.chunks(READ).collect(),
        other => return Err(format!("--framing is `chunked` or `body`, not `{other}`")),
    };
    let mut sink = Sink::new(true);
    decode_run(which, black_box(&pieces), &mut sink)?;
    let expected = oac_testkit::fixtures::long_stream_text(chunks);
    sink.check_and_clear(chunks, &expected)
}

/// The counted part: every piece through the decoder, every event into the sink.
#[inline(never)]
fn decode_run(which: Impl, pieces: &[&[u8]], sink: &mut Sink) -> Result<(), String> {
    match which {
        Impl::Ours => ours::decode(pieces, sink),
        Impl::Floor => {
            let mut decoder = floor::FloorDecoder::default();
            for piece in pieces {
                decoder.feed(piece, sink)?;
            }
            Ok(())
        }
    }
}

/// The `callgrind` subcommand: the table of instructions per chunk.
pub fn run(quick: bool) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let dir = exe
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("callgrind");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (small, large) = if quick { (200, 2_200) } else { (1_000, 11_000) };
    println!("instructions per chunk, decode path alone (valgrind --tool=callgrind),");
    println!(
        "({large} - {small} chunks) / {} ; files in {}",
        large - small,
        dir.display()
    );
    println!();
    println!(
        "| framing | floor instr/chunk | ours instr/chunk | ours/floor |\n|---|---:|---:|---:|"
    );
    let mut annotate = Vec::new();
    for framing in ["chunked", "body"] {
        let mut per_chunk = [0f64; 2];
        for (slot, which) in [Impl::Floor, Impl::Ours].into_iter().enumerate() {
            let count = |chunks: usize| -> Result<(u64, PathBuf), String> {
                let out = dir.join(format!("callgrind.{}.{framing}.{chunks}", which.name()));
                Ok((instructions(&exe, &out, which, framing, chunks)?, out))
            };
            let (a, _) = count(small)?;
            let (b, file) = count(large)?;
            per_chunk[slot] = b.saturating_sub(a) as f64 / (large - small) as f64;
            if which == Impl::Ours {
                annotate.push(file);
            }
        }
        println!(
            "| {} | {:.0} | {:.0} | {:.2}× |",
            if framing == "chunked" {
                "one piece per event"
            } else {
                "16 KiB pieces"
            },
            per_chunk[0],
            per_chunk[1],
            per_chunk[1] / per_chunk[0]
        );
    }
    whole_clients(&exe, &dir, quick)?;
    for file in annotate {
        println!("\n==> callgrind_annotate {} (top of ours)", file.display());
        let output = process::run_within(
            Command::new("callgrind_annotate").arg(&file),
            process::ANNOTATE_LIMIT,
            "callgrind_annotate",
        )?;
        let text = String::from_utf8_lossy(&output.stdout);
        for line in text
            .lines()
            .skip_while(|l| !l.contains("file:function"))
            .take(28)
        {
            println!("{line}");
        }
    }
    Ok(())
}

/// The whole client over loopback (HTTP, runtime, polling and decoding; the server
/// is another process, not counted): instructions per chunk from two runs of the
/// `client` process, with one and with three measured requests. Close from run to
/// run, not exact (how the socket reads split the stream varies).
fn whole_clients(exe: &Path, dir: &Path, quick: bool) -> Result<(), String> {
    let chunks = if quick { 1_000 } else { 5_000 };
    let server = crate::run::Server::start(exe, chunks)?;
    println!();
    println!(
        "whole client over loopback, instructions per chunk ({chunks}-chunk streams, 3 - 1 requests):"
    );
    println!(
        "| framing, runtime | floor instr/chunk | ours instr/chunk | ours/floor |\n|---|---:|---:|---:|"
    );
    for (framing, runtime) in [
        ("chunked", "ct"),
        ("chunked", "mt"),
        ("body", "ct"),
        ("body", "mt"),
    ] {
        let mut per_chunk = [0f64; 2];
        for (slot, which) in [Impl::Floor, Impl::Ours].into_iter().enumerate() {
            let mut totals = [0u64; 2];
            for (n, requests) in [1usize, 3].into_iter().enumerate() {
                let out = dir.join(format!(
                    "callgrind.client.{}.{framing}.{runtime}.{requests}",
                    which.name()
                ));
                let args = [
                    "--runtime".to_owned(),
                    runtime.into(),
                    "--url".into(),
                    format!("{}/{framing}/v1", server.url),
                    "--requests".into(),
                    requests.to_string(),
                    "--chunks".into(),
                    chunks.to_string(),
                ];
                totals[n] = valgrind(&crate::client::binary(exe, which)?, &out, &args, false)?;
            }
            per_chunk[slot] = totals[1].saturating_sub(totals[0]) as f64 / (2 * chunks) as f64;
        }
        println!(
            "| {framing}, {runtime} | {:.0} | {:.0} | {:.2}× |",
            per_chunk[0],
            per_chunk[1],
            per_chunk[1] / per_chunk[0]
        );
    }
    Ok(())
}

/// Instructions counted in `decode_run` for one decode.
fn instructions(
    exe: &Path,
    out: &Path,
    which: Impl,
    framing: &str,
    chunks: usize,
) -> Result<u64, String> {
    let args = [
        "decode".to_owned(),
        "--impl".into(),
        which.name().into(),
        "--framing".into(),
        framing.into(),
        "--chunks".into(),
        chunks.to_string(),
    ];
    valgrind(exe, out, &args, true)
}

/// Runs `exe args` under callgrind (only `decode_run` counted when `toggle`) and
/// returns the instructions counted.
fn valgrind(exe: &Path, out: &Path, args: &[String], toggle: bool) -> Result<u64, String> {
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg("--quiet");
    if toggle {
        command.arg("--toggle-collect=*decode_run*");
    }
    let output = process::run_within(
        command.arg(exe).args(args),
        process::VALGRIND_LIMIT,
        "valgrind (is it installed? /usr/bin/valgrind)",
    )?;
    if !output.status.success() {
        return Err(format!("valgrind {} failed", args.join(" ")));
    }
    let text = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no totals in {}", out.display()))
}
