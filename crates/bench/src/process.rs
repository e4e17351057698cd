//! The processes the harness starts, each waited for within a time limit: a client
//! that hangs (a server that stops answering, a deadlock) is killed and named
//! instead of stalling `cargo xtask bench` for ever.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one client process may take (20 requests of 10,000 chunks take well
/// under a second; the 1,000-stream process a few seconds).
pub const CLIENT_LIMIT: Duration = Duration::from_secs(300);

/// How long one run under valgrind may take (tens of seconds on two cores).
pub const VALGRIND_LIMIT: Duration = Duration::from_secs(1800);

/// How long the server may take to say where it listens.
pub const SERVER_START_LIMIT: Duration = Duration::from_secs(30);

/// How long `callgrind_annotate` may take over one output file.
pub const ANNOTATE_LIMIT: Duration = Duration::from_secs(120);

/// The most standard output kept of one process (a client writes one JSON line,
/// `callgrind_annotate` a few hundred KiB); more is read and dropped, and is an
/// error.
pub const MAX_OUTPUT_BYTES: u64 = 16 << 20;

/// What a finished process wrote to its standard output, and how it ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Everything it wrote to standard output (standard error is passed through).
    pub stdout: Vec<u8>,
}

/// Runs `command` to its end, its standard output captured and its standard error
/// passed through; kills it once `limit` has passed. `what` names it in errors.
pub fn run_within(command: &mut Command, limit: Duration, what: &str) -> Result<Finished, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{what}: {e}"))?;
    let Some(mut stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(format!("{what}: no standard output"));
    };
    // Read while it runs, so a child writing more than a pipe holds never blocks;
    // past the cap, what it writes is drained, not kept.
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        (&mut stdout)
            .take(MAX_OUTPUT_BYTES + 1)
            .read_to_end(&mut bytes)?;
        std::io::copy(&mut stdout, &mut std::io::sink())?;
        Ok::<_, std::io::Error>(bytes)
    });
    let status = wait_within(&mut child, limit, what)?;
    let stdout = reader
        .join()
        .map_err(|_| format!("{what}: the reader of its output panicked"))?
        .map_err(|e| format!("{what}: reading its output: {e}"))?;
    if stdout.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(format!(
            "{what} wrote more than {} MiB to its standard output",
            MAX_OUTPUT_BYTES >> 20
        ));
    }
    Ok(Finished { status, stdout })
}

/// The first line `child` writes to its standard output (taken from it), within
/// `limit`; the child is left running.
pub fn first_line_within(child: &mut Child, limit: Duration, what: &str) -> Result<String, String> {
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| format!("{what}: no standard output"))?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        // The receiver is gone only if it stopped waiting: nothing to tell.
        let _ = sender.send(read);
    });
    match receiver.recv_timeout(limit) {
        Ok(Ok(line)) => Ok(line),
        Ok(Err(e)) => Err(format!("{what}: {e}")),
        Err(_) => Err(format!("{what} said nothing within {limit:?}")),
    }
}

/// Waits for `child` to end; kills it once `limit` has passed.
fn wait_within(child: &mut Child, limit: Duration, what: &str) -> Result<ExitStatus, String> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                stop(child);
                return Err(format!(
                    "{what} did not finish within {limit:?}, and was killed"
                ));
            }
            Err(e) => {
                stop(child);
                return Err(format!("{what}: {e}"));
            }
        }
    }
}

/// Kills a child of ours and reaps it.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_ends_gives_its_output() {
        let done = run_within(
            Command::new("sh").args(["-c", "echo one; echo two"]),
            Duration::from_secs(10),
            "sh",
        )
        .unwrap();
        assert!(done.status.success());
        assert_eq!(done.stdout, b"one\ntwo\n");
    }

    #[test]
    fn output_past_the_cap_is_an_error_not_memory() {
        let script = format!("head -c {} /dev/zero", MAX_OUTPUT_BYTES + 1);
        let err = run_within(
            Command::new("sh").args(["-c", &script]),
            Duration::from_secs(60),
            "the flood",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "the flood wrote more than 16 MiB to its standard output"
        );
    }

    #[test]
    fn a_process_past_its_limit_is_killed_and_named() {
        let started = Instant::now();
        let err = run_within(
            Command::new("sleep").arg("30"),
            Duration::from_millis(200),
            "the sleeper",
        )
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(
            err,
            "the sleeper did not finish within 200ms, and was killed"
        );
    }

    #[test]
    fn a_silent_server_is_reported() {
        let mut child = Command::new("sleep")
            .arg("30")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let err = first_line_within(&mut child, Duration::from_millis(200), "the server");
        stop(&mut child);
        assert_eq!(err.unwrap_err(), "the server said nothing within 200ms");
    }
}
