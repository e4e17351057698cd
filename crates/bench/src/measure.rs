//! What is measured in a client process: its CPU time (user + system, all threads,
//! `getrusage(RUSAGE_SELF)`), its peak RSS (`ru_maxrss`) and its current RSS
//! (`/proc/self/statm`).

use std::time::Duration;

/// CPU time and peak RSS of this process so far.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// User plus system time of every thread.
    pub cpu: Duration,
    /// System time alone.
    pub sys: Duration,
    /// Minor page faults.
    pub minor_faults: u64,
    /// Peak resident set size, in KiB.
    pub max_rss_kib: u64,
}

/// This process's CPU time and peak RSS.
#[allow(unsafe_code)]
pub fn usage() -> Usage {
    let mut raw = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` writes a whole `rusage` into the pointer it is given,
    // which points at memory of that type; RUSAGE_SELF never fails.
    let raw = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, raw.as_mut_ptr());
        raw.assume_init()
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64)
            .saturating_add(Duration::from_micros(t.tv_usec.max(0) as u64))
    };
    Usage {
        cpu: time(raw.ru_utime).saturating_add(time(raw.ru_stime)),
        sys: time(raw.ru_stime),
        minor_faults: raw.ru_minflt.max(0) as u64,
        max_rss_kib: raw.ru_maxrss.max(0) as u64,
    }
}

/// The resident set size now, in KiB (0 if `/proc` cannot be read).
pub fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * page_kib()
}

/// The resident set now, split into anonymous memory (heap, stacks, written
/// statics: what the process allocated) and file-backed pages (the binary's and
/// libc's code and read-only data, mapped in by page faults and shared with the
/// page cache), in KiB, from `/proc/self/status` (zeros if it cannot be read).
pub fn rss_split_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("RssAnon:"), field("RssFile:"))
}

#[allow(unsafe_code)]
fn page_kib() -> u64 {
    // SAFETY: `sysconf` only reads a configuration value.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    (size.max(4096) as u64) / 1024
}

/// Raises the open-file limit to its hard limit (1,000 streams need 1,000 sockets).
#[allow(unsafe_code)]
pub fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls read or write exactly one `rlimit`, owned here.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
