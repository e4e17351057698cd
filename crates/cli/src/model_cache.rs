//! The model ids `oac models` listed, per host, kept for shell completion of
//! `--model`: `<data dir>/oac/models-cache.json` (`OAC_MODELS_CACHE` names another
//! file), `{"v":1,"hosts":[{"host":"api.together.xyz","ids":[…]},…]}`, the host
//! listed most recently first.
//!
//! Bounded: at most [`MAX_HOSTS`] hosts, [`MAX_IDS`] ids per host, ids of at most
//! [`MAX_ID_BYTES`] bytes, and a file of at most [`MAX_FILE_BYTES`] is read. A
//! missing or damaged cache gives no suggestions, never an error; a cache that
//! cannot be written is only logged (at debug level).

use std::ffi::OsStr;
use std::io::Read;
use std::path::PathBuf;

use clap_complete::CompletionCandidate;
use oac::config::{CONFIG_FOLDER, Environment, Loader, ProcessEnv, data_dir};
use oac::provider::files::open_regular;
use serde_json::{Value, json};

use crate::atomic;

/// `OAC_MODELS_CACHE`: the cache file to use instead of the default one.
pub const ENV_MODELS_CACHE: &str = "OAC_MODELS_CACHE";

/// The cache's file name in `<data dir>/oac/`.
const CACHE_FILE: &str = "models-cache.json";

/// Hosts kept (the least recently listed is dropped first).
pub const MAX_HOSTS: usize = 16;
/// Ids kept per host.
pub const MAX_IDS: usize = 5_000;
/// Longer ids are not kept.
pub const MAX_ID_BYTES: usize = 256;
/// A larger cache file is not read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The cache format version.
const VERSION: u64 = 1;

/// The cache file, when one is known.
fn cache_file(env: &dyn Environment) -> Option<PathBuf> {
    match env.var(ENV_MODELS_CACHE) {
        Some(path) if !path.trim().is_empty() => Some(PathBuf::from(path.trim())),
        _ => data_dir(env).map(|dir| dir.join(CONFIG_FOLDER).join(CACHE_FILE)),
    }
}

/// The cached hosts with their ids, most recent first; empty when the cache is
/// missing or damaged.
fn read(env: &dyn Environment) -> Vec<(String, Vec<String>)> {
    let Some(path) = cache_file(env) else {
        return Vec::new();
    };
    let Ok(file) = open_regular(&path) else {
        return Vec::new();
    };
    let mut text = String::new();
    if file.take(MAX_FILE_BYTES).read_to_string(&mut text).is_err() {
        return Vec::new();
    }
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return Vec::new();
    };
    if value.get("v").and_then(Value::as_u64) != Some(VERSION) {
        return Vec::new();
    }
    let hosts = value.get("hosts").and_then(Value::as_array);
    hosts
        .into_iter()
        .flatten()
        .take(MAX_HOSTS)
        .filter_map(|entry| {
            let host = entry.get("host")?.as_str()?.to_owned();
            let ids = entry.get("ids")?.as_array()?;
            let ids = ids
                .iter()
                .filter_map(Value::as_str)
                .filter(|id| keepable(id))
                .take(MAX_IDS)
                .map(str::to_owned)
                .collect();
            Some((host, ids))
        })
        .collect()
}

fn keepable(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control)
}

/// Remembers `ids` as what `host` lists now (`oac models`).
pub fn remember<'a>(env: &dyn Environment, host: &str, ids: impl IntoIterator<Item = &'a str>) {
    let Some(path) = cache_file(env) else {
        return;
    };
    let ids: Vec<&str> = ids
        .into_iter()
        .filter(|id| keepable(id))
        .take(MAX_IDS)
        .collect();
    let mut hosts = vec![json!({"host": host, "ids": ids})];
    hosts.extend(
        read(env)
            .into_iter()
            .filter(|(cached, _)| cached != host)
            .take(MAX_HOSTS - 1)
            .map(|(host, ids)| json!({"host": host, "ids": ids})),
    );
    let text = json!({"v": VERSION, "hosts": hosts}).to_string();
    if let Err(error) = atomic::write(&path, text.as_bytes()) {
        tracing::debug!("the model-id cache was not written: {error}");
    }
}

/// `--model` completion: the cached ids of the host the current settings point at
/// (the environment and the config file's default profile), else those of every
/// cached host, that start with what was typed.
pub fn model_ids(typed: &OsStr) -> Vec<CompletionCandidate> {
    let typed = typed.to_string_lossy();
    let cached = read(&ProcessEnv);
    let host = current_host();
    let of_host: Vec<&(String, Vec<String>)> = cached
        .iter()
        .filter(|(h, _)| Some(h) == host.as_ref())
        .collect();
    let chosen = if of_host.is_empty() {
        cached.iter().collect()
    } else {
        of_host
    };
    let mut ids: Vec<&str> = chosen
        .iter()
        .flat_map(|(_, ids)| ids.iter().map(String::as_str))
        .filter(|id| id.starts_with(typed.as_ref()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter().map(CompletionCandidate::new).collect()
}

/// The chat host of the profile `oac` would use now, when it loads.
fn current_host() -> Option<String> {
    let loaded = Loader::new()
        .require_model(false)
        .require_key(false)
        .load()
        .ok()?;
    Some(crate::setup::host_of_url(&loaded.profile.endpoints().chat))
}

#[cfg(test)]
mod tests {
    use oac::config::MapEnv;

    use super::*;

    fn env(dir: &std::path::Path) -> MapEnv {
        MapEnv::new().set(ENV_MODELS_CACHE, dir.join("cache.json").to_str().unwrap())
    }

    #[test]
    fn hosts_are_kept_most_recent_first_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        for n in 0..(MAX_HOSTS + 3) {
            remember(&env, &format!("host{n}"), ["a", "b"]);
        }
        remember(&env, "host5", ["c"]);
        let cached = read(&env);
        assert_eq!(cached.len(), MAX_HOSTS);
        assert_eq!(cached[0], ("host5".to_owned(), vec!["c".to_owned()]));
        assert_eq!(cached[1].0, format!("host{}", MAX_HOSTS + 2));
        assert_eq!(cached.iter().filter(|(h, _)| h == "host5").count(), 1);
    }

    #[test]
    fn odd_ids_are_left_out_and_a_damaged_cache_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        let long = "x".repeat(MAX_ID_BYTES + 1);
        remember(&env, "h", ["good", "", "bad\u{1b}[2J", long.as_str()]);
        assert_eq!(read(&env), [("h".to_owned(), vec!["good".to_owned()])]);
        std::fs::write(dir.path().join("cache.json"), "{not json").unwrap();
        assert!(read(&env).is_empty());
        std::fs::write(dir.path().join("cache.json"), r#"{"v":2,"hosts":[]}"#).unwrap();
        assert!(read(&env).is_empty());
    }
}
