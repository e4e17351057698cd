//! The spending ledger: one JSON line per request `oac` makes (the facade's
//! [`RequestRecord`], format in `docs/ledger.md`), appended to
//! `<data dir>/oac/ledger.jsonl` or the file `OAC_LEDGER` names, and read back line
//! by line by `oac usage`.
//!
//! Appends are safe when several `oac` run at once: the file is opened in append
//! mode (`O_APPEND`), each record is one `write` of a complete line, made while an
//! exclusive advisory lock is held. A line torn by a killed writer never spoils the
//! next record (a line break is written first when the file does not end in one)
//! and never stops a reader (it is counted as damaged). A ledger that cannot be
//! written is a warning, never a failure of the command.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use oac::config::{CONFIG_FOLDER, Environment, data_dir};
use oac::provider::files::{FileError, ShownPath, check_regular, open_regular};
use oac::{Client, RecordError, RequestRecord, UsageRecorder};

use crate::output::Output;

/// `OAC_LEDGER`: `off` (or `0`, `false`, `no`, `none`) records nothing; a path
/// records there instead of the default file.
pub const ENV_LEDGER: &str = "OAC_LEDGER";

/// The ledger's file name in `<data dir>/oac/`.
pub const LEDGER_FILE: &str = "ledger.jsonl";

/// The longest line read back; a longer one is damaged (a record is a few hundred
/// bytes: every text field of it is capped by the facade).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// How long an append waits for another `oac` holding the lock.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Where records go, from `OAC_LEDGER` and the platform data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `OAC_LEDGER=off`: nothing is recorded.
    Off,
    /// This file (the default one, or `OAC_LEDGER`'s).
    File(PathBuf),
    /// No data directory is known (no `HOME`) and `OAC_LEDGER` names no file.
    Nowhere,
}

impl Setting {
    /// The setting `env` describes.
    pub fn from_env(env: &dyn Environment) -> Setting {
        let value = env.var(ENV_LEDGER).unwrap_or_default();
        let value = value.trim();
        let word = value.to_ascii_lowercase();
        if ["off", "0", "false", "no", "none"].contains(&word.as_str()) {
            return Setting::Off;
        }
        if !value.is_empty() && !["on", "1", "true", "yes"].contains(&word.as_str()) {
            return Setting::File(PathBuf::from(value));
        }
        match default_file(env) {
            Some(path) => Setting::File(path),
            None => Setting::Nowhere,
        }
    }

    /// The file `oac usage` reads: `OAC_LEDGER`'s, else the default one (also when
    /// recording is off: it may hold earlier records).
    pub fn file_to_read(env: &dyn Environment) -> Option<PathBuf> {
        match Setting::from_env(env) {
            Setting::File(path) => Some(path),
            Setting::Off | Setting::Nowhere => default_file(env),
        }
    }
}

/// `<data dir>/oac/ledger.jsonl`.
fn default_file(env: &dyn Environment) -> Option<PathBuf> {
    data_dir(env).map(|dir| dir.join(CONFIG_FOLDER).join(LEDGER_FILE))
}

/// Why a record could not be appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// No file to write to.
    #[error(
        "no data directory is known (HOME is not set); set {ENV_LEDGER} to a file, or {ENV_LEDGER}=off"
    )]
    Nowhere,
    /// The folder could not be made.
    #[error("cannot create its folder: {0}")]
    Folder(io::Error),
    /// A directory, FIFO or device where the ledger belongs.
    #[error("{0}")]
    NotAFile(FileError),
    /// Opening, locking or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Another process held the lock for too long.
    #[error("another process has kept it locked for {} s", LOCK_WAIT.as_secs())]
    Locked,
}

/// The ledger of this run: where it writes, and what went wrong writing it.
#[derive(Debug)]
pub struct Ledger {
    setting: Setting,
    problems: Mutex<Problems>,
}

/// The first failure to append, and how many records were lost.
#[derive(Debug, Default)]
struct Problems {
    first: Option<AppendError>,
    lost: u64,
}

impl Ledger {
    /// The ledger `env` describes.
    pub fn from_env(env: &dyn Environment) -> Arc<Ledger> {
        Arc::new(Ledger {
            setting: Setting::from_env(env),
            problems: Mutex::default(),
        })
    }

    /// `client` recording each request in this ledger (unchanged when it is off).
    pub fn attach(self: &Arc<Self>, client: Client) -> Client {
        if self.setting == Setting::Off {
            return client;
        }
        client.with_usage_recorder(Recorder(Arc::clone(self)))
    }

    /// Appends `record` (a failure is kept for [`warn`](Ledger::warn)).
    fn record(&self, record: &RequestRecord) {
        let result = match &self.setting {
            Setting::Off => Ok(()),
            Setting::Nowhere => Err(AppendError::Nowhere),
            Setting::File(path) => append(path, &record.to_json_line()),
        };
        if let Err(error) = result {
            let mut problems = self.problems.lock().unwrap_or_else(PoisonError::into_inner);
            problems.lost = problems.lost.saturating_add(1);
            problems.first.get_or_insert(error);
        }
    }

    /// Warns, once, when records could not be written.
    pub fn warn(&self, out: &mut Output) {
        let problems = self.problems.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(error) = &problems.first else {
            return;
        };
        let what = match problems.lost {
            1 => "this request was".to_owned(),
            n => format!("{n} requests were"),
        };
        let place = match &self.setting {
            Setting::File(path) => format!(" {}", ShownPath(path)),
            _ => String::new(),
        };
        out.warn(&format!(
            "{what} not recorded in the usage ledger{place}: {error}; point {ENV_LEDGER} at a writable file, or set {ENV_LEDGER}=off to record nothing"
        ));
    }
}

/// The facade's hook writing to a [`Ledger`].
struct Recorder(Arc<Ledger>);

impl UsageRecorder for Recorder {
    fn record(&self, record: &RequestRecord) {
        self.0.record(record);
    }
}

/// Appends `line` and a line break to the ledger at `path`, in one write, under an
/// exclusive lock; the folder and the file are made when missing (the file readable
/// by its owner only).
pub fn append(path: &Path, line: &str) -> Result<(), AppendError> {
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder).map_err(AppendError::Folder)?;
    }
    match check_regular(path) {
        Ok(_) => {}
        Err(FileError::Io(error)) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(AppendError::NotAFile(error)),
    }
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut lock = fd_lock::RwLock::new(options.open(path)?);
    let started = Instant::now();
    loop {
        match lock.try_write() {
            Ok(mut file) => return write_line(&mut file, line),
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(AppendError::Locked);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            // A file system without locks (some network mounts): one append-mode
            // write of a whole line still lands in one piece.
            Err(_) => break,
        }
    }
    write_line(&mut lock.into_inner(), line)
}

/// One `write` of `line` and its line break, after a line break of its own when
/// the file does not end with one (a torn last line stays alone).
fn write_line(file: &mut File, line: &str) -> Result<(), AppendError> {
    let mut bytes = Vec::with_capacity(line.len() + 2);
    if file.metadata()?.len() > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            bytes.push(b'\n');
        }
    }
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    file.write_all(&bytes)?;
    Ok(())
}

/// What reading a ledger met besides records.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Lines that are not records (torn, edited, too long, not UTF-8).
    pub damaged: u64,
    /// The line numbers of the first damaged lines (at most [`SHOWN_LINES`]).
    pub damaged_lines: Vec<u64>,
    /// Records of a newer format version.
    pub newer: u64,
    /// The highest newer version.
    pub newer_version: Option<u64>,
}

/// How many damaged line numbers are kept to be shown.
pub const SHOWN_LINES: usize = 5;

impl Skipped {
    fn damaged_line(&mut self, number: u64) {
        self.damaged = self.damaged.saturating_add(1);
        if self.damaged_lines.len() < SHOWN_LINES {
            self.damaged_lines.push(number);
        }
    }
}

/// Reads the ledger at `path` line by line (never more than [`MAX_LINE_BYTES`] of
/// one line in memory), handing each record to `each`; blank lines are skipped.
pub fn read(path: &Path, mut each: impl FnMut(RequestRecord)) -> Result<Skipped, FileError> {
    let mut reader = BufReader::new(open_regular(path)?);
    let mut skipped = Skipped::default();
    let mut buf = Vec::new();
    let mut number = 0u64;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(skipped);
        }
        number = number.saturating_add(1);
        if buf.last() != Some(&b'\n') && buf.len() > MAX_LINE_BYTES {
            skip_rest_of_line(&mut reader)?;
            skipped.damaged_line(number);
            continue;
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            skipped.damaged_line(number);
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match RequestRecord::from_json_line(text) {
            Ok(record) => each(record),
            Err(RecordError::Version { found }) if found > oac::RECORD_FORMAT_VERSION => {
                skipped.newer = skipped.newer.saturating_add(1);
                skipped.newer_version = skipped.newer_version.max(Some(found));
            }
            Err(_) => skipped.damaged_line(number),
        }
    }
}

/// Consumes the rest of an over-long line, up to and including its line break.
fn skip_rest_of_line(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let len = chunk.len();
                reader.consume(len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use oac::config::MapEnv;

    use super::*;

    fn a_line(n: usize) -> String {
        format!(
            r#"{{"v":1,"time":"2026-12-01T10:00:00.000Z","api":"chat","streamed":false,"profile":null,"host":"h","model":"m{n}","served_model":null,"outcome":"ok","error":null,"request_id":null,"usage":{{"input_total":{n},"output_total":1}},"usage_repaired":false,"cost":"0.5","cost_unknown":null}}"#
        )
    }

    #[test]
    fn the_setting_comes_from_oac_ledger_and_the_data_dir() {
        let home = MapEnv::new().set("HOME", "/home/ada");
        let default = data_dir(&home).unwrap().join("oac").join("ledger.jsonl");
        assert_eq!(Setting::from_env(&home), Setting::File(default.clone()));
        for off in ["off", "OFF", " false ", "0", "no", "none"] {
            let env = home.clone().set(ENV_LEDGER, off);
            assert_eq!(Setting::from_env(&env), Setting::Off, "{off}");
            assert_eq!(Setting::file_to_read(&env), Some(default.clone()));
        }
        for on in ["", "  ", "on", "1", "true", "YES"] {
            let env = home.clone().set(ENV_LEDGER, on);
            assert_eq!(
                Setting::from_env(&env),
                Setting::File(default.clone()),
                "{on:?}"
            );
        }
        let env = home.set(ENV_LEDGER, "/tmp/spend.jsonl");
        assert_eq!(
            Setting::from_env(&env),
            Setting::File("/tmp/spend.jsonl".into())
        );
        assert_eq!(Setting::from_env(&MapEnv::new()), Setting::Nowhere);
        assert_eq!(Setting::file_to_read(&MapEnv::new()), None);
    }

    /// Four threads, each with its own open file (so the locks really contend, as
    /// between processes), append 200 records each: 800 whole lines.
    #[test]
    fn concurrent_appends_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("ledger.jsonl");
        std::thread::scope(|scope| {
            for t in 0..4 {
                let path = &path;
                scope.spawn(move || {
                    for i in 0..200 {
                        append(path, &a_line(t * 1000 + i)).unwrap();
                    }
                });
            }
        });
        let mut models = Vec::new();
        let skipped = read(&path, |record| models.push(record.model)).unwrap();
        assert_eq!(skipped, Skipped::default());
        assert_eq!(models.len(), 800);
        models.sort();
        models.dedup();
        assert_eq!(models.len(), 800, "a record was written twice");
    }

    #[test]
    fn a_torn_last_line_stays_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        let torn = &a_line(1)[..30];
        std::fs::write(&path, torn).unwrap();
        append(&path, &a_line(2)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("{torn}\n{}\n", a_line(2)));
        let mut n = 0;
        let skipped = read(&path, |_| n += 1).unwrap();
        assert_eq!((n, skipped.damaged, skipped.damaged_lines), (1, 1, vec![1]));
    }

    #[test]
    fn long_lines_are_skipped_whole_and_only_five_numbers_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        let mut text = String::new();
        for _ in 0..7 {
            text.push_str(&"y".repeat(MAX_LINE_BYTES + 10));
            text.push('\n');
        }
        text.push_str(&a_line(3));
        text.push('\n');
        // A line of exactly the cap (and its line break) is still read.
        let padded = |n, width: usize| {
            let line = a_line(n);
            format!("{line}{}\n", " ".repeat(width - line.len()))
        };
        text.push_str(&padded(4, MAX_LINE_BYTES));
        text.push_str(&padded(5, MAX_LINE_BYTES + 1));
        std::fs::write(&path, text).unwrap();
        let mut models = Vec::new();
        let skipped = read(&path, |record| models.push(record.model)).unwrap();
        assert_eq!(models, ["m3", "m4"]);
        assert_eq!(skipped.damaged, 8);
        assert_eq!(skipped.damaged_lines, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_ledger_that_is_not_a_file_is_refused_before_opening() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            append(dir.path(), &a_line(1)),
            Err(AppendError::NotAFile(_))
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), |_| {}),
            Err(FileError::NotAFile { .. })
        ));
    }
}
