//! Reading the files a user names (config, key file, catalogue, settings export,
//! image, CA bundle, a prompt on standard input) with one rule: a regular file only,
//! never more than a cap suited to its kind. `/dev/zero`, a FIFO with no writer, a
//! directory or a 1 GB file given by mistake is refused at once with its size and
//! the cap, instead of reading until memory runs out or waiting forever.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// What a file is for; each kind has its own size cap ([`FileKind::cap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A config file (`--config`, `OAC_CONFIG`, the default location): 4 MiB.
    Config,
    /// A file holding one API key (`api_key_file`): 64 KiB.
    KeyFile,
    /// A model catalogue (`catalog`, `--catalog`, `OAC_CATALOG`): 16 MiB.
    Catalog,
    /// A Kilo Code / Roo Code settings export or a Kilo Code 7 config (`oac config
    /// import FILE`): 16 MiB.
    SettingsExport,
    /// An image sent inline with a prompt (`--image FILE`): 20 MiB, the largest
    /// image OpenAI accepts.
    Image,
    /// A PEM bundle of CA certificates (`ca_cert`): 8 MiB.
    CaCert,
    /// A prompt read from standard input: 16 MiB.
    Prompt,
    /// A saved conversation (`oac chat --session NAME`): 64 MiB, room for a few
    /// inline images beside the text.
    Session,
}

impl FileKind {
    /// The largest file of this kind that is read, in bytes.
    ///
    /// ```
    /// use oac_provider::files::FileKind;
    ///
    /// assert_eq!(FileKind::KeyFile.cap(), 64 * 1024);
    /// ```
    pub const fn cap(self) -> u64 {
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * KIB;
        match self {
            FileKind::Config => 4 * MIB,
            FileKind::KeyFile => 64 * KIB,
            FileKind::Catalog | FileKind::SettingsExport | FileKind::Prompt => 16 * MIB,
            FileKind::Image => 20 * MIB,
            FileKind::CaCert => 8 * MIB,
            FileKind::Session => 64 * MIB,
        }
    }

    /// The kind in words: `config file`, `key file`, …
    pub const fn noun(self) -> &'static str {
        match self {
            FileKind::Config => "config file",
            FileKind::KeyFile => "key file",
            FileKind::Catalog => "model catalogue file",
            FileKind::SettingsExport => "settings file",
            FileKind::Image => "image",
            FileKind::CaCert => "CA certificate bundle",
            FileKind::Prompt => "prompt",
            FileKind::Session => "session file",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// Why a file was not read. The message says what the file is, without its path:
/// the caller names the file (with [`ShownPath`]) and the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The operating system refused (no such file, no permission, not UTF-8 text…).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A directory, a named pipe, a device or a socket, where a regular file belongs.
    #[error("it is {what}, not a regular file")]
    NotAFile {
        /// `a directory`, `a named pipe (FIFO)`, `a character device`, …
        what: &'static str,
    },
    /// Larger than the cap for its kind.
    #[error("{}", too_large_text(*kind, *size, *cap))]
    TooLarge {
        /// What the file is for.
        kind: FileKind,
        /// Its size in bytes, when known (a file that grew while read, or standard
        /// input, has none).
        size: Option<u64>,
        /// The cap for its kind ([`FileKind::cap`]).
        cap: u64,
    },
}

/// Reads the regular file at `path`, at most `kind.cap()` bytes.
///
/// A non-regular file is refused before it is opened (so a FIFO with no writer
/// cannot block); a file larger than the cap is refused from its size, and one that
/// grows past the cap while read stops at the cap.
///
/// ```
/// use oac_provider::files::{FileError, FileKind, read_capped};
///
/// let err = read_capped("/dev/zero".as_ref(), FileKind::KeyFile).unwrap_err();
/// assert!(matches!(err, FileError::NotAFile { .. }));
/// ```
pub fn read_capped(path: &Path, kind: FileKind) -> Result<Vec<u8>, FileError> {
    let size = check_file(path, kind)?;
    let file = fs::File::open(path)?;
    read_all_capped(file, kind, usize::try_from(size).unwrap_or(0))
}

/// Checks, without opening it, that `path` is a regular file within `kind`'s cap,
/// and returns its size: what [`read_capped`] checks first, for a file that is read
/// later (a CA bundle checked when a profile loads).
///
/// ```
/// use oac_provider::files::{FileKind, check_file};
///
/// assert!(check_file("/dev/null".as_ref(), FileKind::CaCert).is_err());
/// ```
pub fn check_file(path: &Path, kind: FileKind) -> Result<u64, FileError> {
    let meta = fs::metadata(path)?;
    if let Some(what) = not_regular(&meta) {
        return Err(FileError::NotAFile { what });
    }
    let cap = kind.cap();
    if meta.len() > cap {
        return Err(FileError::TooLarge {
            kind,
            size: Some(meta.len()),
            cap,
        });
    }
    Ok(meta.len())
}

/// Checks, without opening it, that `path` is a regular file, with no size cap, and
/// returns its size: for a file that grows without bound by design (the usage
/// ledger), which is appended to, or read as a stream by a caller that bounds what
/// it keeps. A FIFO or a device there would block or never end, so it is refused.
///
/// ```
/// use oac_provider::files::{FileError, check_regular};
///
/// assert!(matches!(check_regular("/dev/zero".as_ref()), Err(FileError::NotAFile { .. })));
/// ```
pub fn check_regular(path: &Path) -> Result<u64, FileError> {
    let meta = fs::metadata(path)?;
    match not_regular(&meta) {
        Some(what) => Err(FileError::NotAFile { what }),
        None => Ok(meta.len()),
    }
}

/// Opens the regular file at `path` for reading as a stream, with no size cap
/// (see [`check_regular`]): the caller reads it piece by piece and bounds what it
/// keeps (the usage ledger is read line by line, each line capped).
pub fn open_regular(path: &Path) -> Result<fs::File, FileError> {
    check_regular(path)?;
    Ok(fs::File::open(path)?)
}

/// [`read_capped`] as UTF-8 text; text that is not UTF-8 is an [`FileError::Io`]
/// of kind `InvalidData`.
pub fn read_capped_string(path: &Path, kind: FileKind) -> Result<String, FileError> {
    into_text(read_capped(path, kind)?)
}

/// Reads `reader` (standard input, a pipe) to its end as UTF-8 text, refusing more
/// than `kind.cap()` bytes.
///
/// ```
/// use oac_provider::files::{FileKind, read_text_capped};
///
/// assert_eq!(read_text_capped(&b"Hello"[..], FileKind::Prompt)?, "Hello");
/// # Ok::<(), oac_provider::files::FileError>(())
/// ```
pub fn read_text_capped(reader: impl Read, kind: FileKind) -> Result<String, FileError> {
    into_text(read_all_capped(reader, kind, 0)?)
}

fn read_all_capped(
    reader: impl Read,
    kind: FileKind,
    expected: usize,
) -> Result<Vec<u8>, FileError> {
    let cap = kind.cap();
    let mut bytes = Vec::with_capacity(expected);
    // One byte past the cap tells "exactly the cap" from "more".
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > cap {
        return Err(FileError::TooLarge {
            kind,
            size: None,
            cap,
        });
    }
    Ok(bytes)
}

fn into_text(bytes: Vec<u8>) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|_| {
        FileError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is not UTF-8 text",
        ))
    })
}

/// What a non-regular file is, in words; `None` for a regular file.
fn not_regular(meta: &fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a plain file")
}

fn too_large_text(kind: FileKind, size: Option<u64>, cap: u64) -> String {
    let cap = bytes_text(cap);
    let article = if kind == FileKind::Image { "an" } else { "a" };
    match size {
        Some(size) => format!(
            "it is {}, more than the {cap} {article} {kind} may be",
            bytes_text(size)
        ),
        None => format!("it holds more than the {cap} {article} {kind} may be"),
    }
}

/// `512 bytes`, `64 KiB`, `1.2 GiB (1288490188 bytes)`: exact below a KiB and for
/// whole units, rounded with the exact count otherwise.
fn bytes_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            if bytes.is_multiple_of(size) {
                return format!("{} {unit}", bytes / size);
            }
            // Precision loss is fine: this is a rounded figure next to the exact one.
            let value = bytes as f64 / size as f64;
            return format!("{value:.1} {unit} ({bytes} bytes)");
        }
    }
    if bytes == 1 {
        "1 byte".to_owned()
    } else {
        format!("{bytes} bytes")
    }
}

/// A path as messages show it: as written, unless it looks like an API key pasted
/// where a path belongs ([`oac_url::looks_like_key`]), which is described instead.
///
/// ```
/// use std::path::Path;
/// use oac_provider::files::ShownPath;
///
/// assert_eq!(ShownPath(Path::new("keys/openai.key")).to_string(), "keys/openai.key");
/// assert_eq!(
///     ShownPath(Path::new("sk-proj-abc123DEF456ghi789")).to_string(),
///     "(a path of 26 characters, not shown because it looks like a key)"
/// );
/// ```
#[derive(Clone, Copy)]
pub struct ShownPath<'a>(pub &'a Path);

impl ShownPath<'_> {
    /// Whether the path is shown as written.
    pub fn is_shown(&self) -> bool {
        !oac_url::looks_like_key(&self.0.to_string_lossy())
    }
}

impl fmt::Display for ShownPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_shown() {
            write!(f, "{}", self.0.display())
        } else {
            write!(
                f,
                "(a path of {} characters, not shown because it looks like a key)",
                self.0.to_string_lossy().chars().count()
            )
        }
    }
}

impl fmt::Debug for ShownPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_shown() {
            fmt::Debug::fmt(self.0, f)
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("oac-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_within_the_cap_is_read_whole() {
        let path = temp("key", b"sk-test\n");
        assert_eq!(read_capped(&path, FileKind::KeyFile).unwrap(), b"sk-test\n");
        assert_eq!(
            read_capped_string(&path, FileKind::KeyFile).unwrap(),
            "sk-test\n"
        );
    }

    #[test]
    fn a_file_over_the_cap_is_refused_from_its_size() {
        let path = temp("big-key", &vec![b'a'; 64 * 1024 + 1]);
        let err = read_capped(&path, FileKind::KeyFile).unwrap_err();
        assert!(matches!(
            err,
            FileError::TooLarge {
                size: Some(65537),
                cap: 65536,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "it is 64.0 KiB (65537 bytes), more than the 64 KiB a key file may be"
        );
        let exact = temp("exact-key", &vec![b'a'; 64 * 1024]);
        assert_eq!(read_capped(&exact, FileKind::KeyFile).unwrap().len(), 65536);
    }

    #[test]
    fn a_sparse_huge_file_costs_nothing() {
        let path = temp("sparse", b"");
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1_200_000_000)
            .unwrap();
        let err = read_capped(&path, FileKind::Config).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is 1.1 GiB (1200000000 bytes), more than the 4 MiB a config file may be"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused() {
        let err = read_capped(Path::new("/dev/zero"), FileKind::Image).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a character device, not a regular file"
        );
        let err = read_capped(&std::env::temp_dir(), FileKind::Config).unwrap_err();
        assert_eq!(err.to_string(), "it is a directory, not a regular file");
    }

    #[test]
    fn endless_input_stops_at_the_cap() {
        let endless = io::repeat(b'x');
        let err = read_text_capped(endless, FileKind::Prompt).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it holds more than the 16 MiB a prompt may be"
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_named() {
        let err = read_text_capped(&[0xff, 0xfe][..], FileKind::Prompt).unwrap_err();
        assert_eq!(err.to_string(), "it is not UTF-8 text");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(bytes_text(0), "0 bytes");
        assert_eq!(bytes_text(1), "1 byte");
        assert_eq!(bytes_text(1023), "1023 bytes");
        assert_eq!(bytes_text(4 << 20), "4 MiB");
        assert_eq!(
            bytes_text(u64::MAX),
            "17179869184.0 GiB (18446744073709551615 bytes)"
        );
    }
}
