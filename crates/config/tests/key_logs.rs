//! The key never reaches a log line. Its own test binary: tracing caches each
//! callsite's interest process-wide, so in a binary whose other tests run on other
//! threads without a subscriber, the warning's callsite could be cached as "never"
//! while this test listens (a flaky failure seen on a loaded machine).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

use std::sync::{Arc, Mutex};

use oac_config::{MapEnv, Overrides};

#[path = "spec/common.rs"]
#[allow(dead_code)] // shared with the spec suite, which uses the rest
mod common;

use common::{KEY, assert_no_key, load_ok};

const BASE: &str = "base_url = \"https://api.together.xyz/v1\"\nmodel = \"m\"\n";

/// A log writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn logged_warnings_never_contain_the_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    // `auth = "none"` with a key configured produces a warning naming the key's source.
    let toml = format!("[profiles.p]\n{BASE}auth = \"none\"\napi_key_env = \"K\"\n");
    let env = MapEnv::new().set("K", KEY);
    let loaded = tracing::subscriber::with_default(subscriber, || {
        // Tracing caches each callsite's interest process-wide, computed by the
        // first thread to reach it: another test's thread, without a subscriber,
        // may have cached "never" for the warning's callsite. Ask again.
        tracing::callsite::rebuild_interest_cache();
        load_ok(&toml, env, Overrides::new())
    });
    assert_eq!(loaded.warnings.len(), 1);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("never sent"), "{log}");
    assert_no_key(&log);
}
