//! The files a user names, given by mistake or malice: devices, FIFOs, huge sparse
//! files, keys pasted where a path belongs, and key paths written by `oac config
//! import` that must resolve from any working directory. Real files, the real binary.
// Test code: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use oac_testkit::Simulator;
use support::{Env, Ran};

const KEY: &str = "tg-secret-key-77";
const PASTED: &str = "sk-proj-Ab3dE5gH7jK9mN1pQ3rS5tU7vW9xY1z";

/// A run that must end quickly: a read that hangs (a FIFO with no writer) fails the
/// test instead of the suite.
async fn quick(run: impl std::future::Future<Output = Ran>) -> Ran {
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("oac did not finish within 30 s")
}

fn sparse(path: &Path, len: u64) -> PathBuf {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
    path.to_path_buf()
}

#[cfg(unix)]
fn fifo(path: &Path) -> PathBuf {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
    path.to_path_buf()
}

fn export_for(sim: &Simulator) -> String {
    format!(
        r#"{{"providerProfiles": {{"currentApiConfigName": "sim", "apiConfigs": {{
            "sim": {{"id": "a1", "apiProvider": "openai", "openAiBaseUrl": "{}",
                     "openAiApiKey": "{KEY}", "openAiModelId": "sim-model"}}}}}}}}"#,
        sim.base_url()
    )
}

fn sent_key(sim: &Simulator) -> Option<String> {
    sim.last_request()?
        .header("authorization")
        .map(|value| value.trim_start_matches("Bearer ").to_owned())
}

// ---- item 4: imported key paths resolve from any directory ---------------------------

/// `oac config import` with relative `--output`, `--keys-dir` or `OAC_CONFIG`, run in
/// one directory; the written config then used from another directory reaches the
/// server with the imported key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_key_paths_resolve_from_another_directory() {
    let sim = Simulator::start().await;
    /// Import flags, import variables, where the config is written.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 3] = [
        (&["--output", "sub/config.toml"], &[], "sub/config.toml"),
        (
            &["--output", "sub/config.toml", "--keys-dir", "mykeys"],
            &[],
            "sub/config.toml",
        ),
        (
            &[],
            &[("OAC_CONFIG", "rel/oac/config.toml")],
            "rel/oac/config.toml",
        ),
    ];
    for (flags, vars, written) in cases {
        let mut env = Env::new();
        let work = env.path("work");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::write(work.join("export.json"), export_for(&sim)).unwrap();
        env.cwd = Some(work.clone());
        let mut args = vec!["config", "import", "export.json"];
        args.extend_from_slice(flags);
        let import = quick(env.run_with(vars, &args)).await;
        assert_eq!(import.code, 0, "{flags:?} {vars:?}: {}", import.shown());
        let config = work.join(written);
        let text = std::fs::read_to_string(&config).unwrap();
        assert!(!text.contains(KEY), "the key is in the config file");

        // From a directory that is neither the import's nor the config's.
        let elsewhere = env.path("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        env.cwd = Some(elsewhere);
        let chat = quick(env.run(&["--config", config.to_str().unwrap(), "chat", "hi"])).await;
        assert_eq!(
            chat.code,
            0,
            "{flags:?} {vars:?}:\n{text}\n{}",
            chat.shown()
        );
        assert_eq!(sent_key(&sim).as_deref(), Some(KEY), "{flags:?} {vars:?}");
    }
}

/// The key path written for the default keys folder is relative to the config file,
/// so the folder can move as a whole; one outside it is absolute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_key_paths_are_relative_to_the_config_or_absolute() {
    let sim = Simulator::start().await;
    let mut env = Env::new();
    let work = env.path("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("export.json"), export_for(&sim)).unwrap();
    env.cwd = Some(work.clone());
    let ran = quick(env.run(&[
        "config",
        "import",
        "export.json",
        "--output",
        "a/config.toml",
    ]))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let text = std::fs::read_to_string(work.join("a/config.toml")).unwrap();
    assert!(text.contains("api_key_file = \"keys/sim.key\""), "{text}");

    let ran = quick(env.run(&[
        "config",
        "import",
        "export.json",
        "--output",
        "b/config.toml",
        "--keys-dir",
        "outside",
    ]))
    .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let text = std::fs::read_to_string(work.join("b/config.toml")).unwrap();
    let expected = std::path::absolute(work.join("outside/sim.key")).unwrap();
    assert!(
        text.contains(&format!("api_key_file = \"{}\"", expected.display())),
        "{text}"
    );
}

// ---- item 3: every file read is capped and must be a regular file --------------------

fn config_with_key_file(sim: &Simulator, key_file: &Path) -> String {
    format!(
        "[profiles.p]\nbase_url = \"{}\"\nmodel = \"sim-model\"\napi_key_file = \"{}\"\n",
        sim.base_url(),
        key_file.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_sparse_key_file_is_refused_from_its_size() {
    let sim = Simulator::start().await;
    let env = Env::new();
    let key = sparse(&env.path("big.key"), 1_200_000_000);
    let env = env.config(&config_with_key_file(&sim, &key));
    let ran = quick(env.run(&["chat", "hi"])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("it is 1.1 GiB (1200000000 bytes), more than the 64 KiB a key file may be"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("[HOME]/big.key"), "{}", ran.stderr);
    assert_eq!(sim.request_count(), 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_and_fifos_are_refused_without_reading() {
    let sim = Simulator::start().await;
    let env = Env::new();
    let pipe = fifo(&env.path("pipe.toml"));

    // --config a FIFO with no writer, and /dev/zero.
    for config in [pipe.to_str().unwrap(), "/dev/zero.toml"] {
        let ran = quick(env.run(&["--config", config, "resolve"])).await;
        assert_eq!(ran.code, 2, "{}", ran.shown());
        assert!(
            ran.stderr.contains("cannot read the config file"),
            "{}",
            ran.stderr
        );
    }
    let ran = quick(env.run(&["--config", pipe.to_str().unwrap(), "resolve"])).await;
    assert!(
        ran.stderr
            .contains("it is a named pipe (FIFO), not a regular file"),
        "{}",
        ran.stderr
    );

    // api_key_file = /dev/zero.
    let keyed = Env::new().config(&config_with_key_file(&sim, Path::new("/dev/zero")));
    let ran = quick(keyed.run(&["chat", "hi"])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("it is a character device, not a regular file"),
        "{}",
        ran.stderr
    );

    // oac config import FIFO.
    let ran = quick(env.run(&["config", "import", "--print", pipe.to_str().unwrap()])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains("cannot read the settings file") && ran.stderr.contains("named pipe"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_image_catalogue_or_export_is_refused_with_size_and_cap() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let image = sparse(&env.path("huge.png"), 30 << 20);
    let ran = quick(env.run(&["chat", "--image", image.to_str().unwrap(), "hi"])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("cannot read the image [HOME]/huge.png: it is 30 MiB, more than the 20 MiB an image may be"),
        "{}",
        ran.stderr
    );

    let catalog = sparse(&env.path("catalog.toml"), 100 << 20);
    let ran =
        quick(env.run_with(&[("OAC_CATALOG", catalog.to_str().unwrap())], &["resolve"])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("it is 100 MiB, more than the 16 MiB a model catalogue file may be"),
        "{}",
        ran.stderr
    );

    let export = sparse(&env.path("export.json"), 1 << 30);
    let ran = quick(env.run(&["config", "import", "--print", export.to_str().unwrap()])).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("it is 1 GiB, more than the 16 MiB a settings file may be"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.request_count(), 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_prompt_on_standard_input_stops_at_its_cap() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let ran = quick(env.run_with_stdin_file(&["chat"], Path::new("/dev/zero"))).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains(
            "cannot read the prompt from standard input: it holds more than the 16 MiB a prompt may be"
        ),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.request_count(), 0);
}

// ---- item 8: a key pasted where a path belongs is never echoed -----------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_pasted_into_a_path_setting_is_never_shown() {
    let sim = Simulator::start().await;
    let settings = [
        format!("api_key_file = \"{PASTED}\""),
        format!("ca_cert = \"{PASTED}\"\napi_key_env = \"SIM_KEY\""),
    ];
    for setting in settings {
        let env = Env::new().var("SIM_KEY", KEY).config(&format!(
            "[profiles.p]\nbase_url = \"{}\"\nmodel = \"sim-model\"\n{setting}\n",
            sim.base_url()
        ));
        for args in [
            &["chat", "hi"][..],
            &["resolve"],
            &["doctor"],
            &["--json", "chat", "hi"],
        ] {
            let ran = quick(env.run(args)).await;
            assert!(
                !ran.stdout.contains(PASTED) && !ran.stderr.contains(PASTED),
                "{setting} {args:?}: {}",
                ran.shown()
            );
            if args == ["resolve"] {
                // Explaining URLs needs no key file.
                continue;
            }
            assert_ne!(ran.code, 0, "{setting} {args:?}: {}", ran.shown());
            assert!(
                ran.stderr.contains("not shown because it looks like a key")
                    || ran.stdout.contains("not shown because it looks like a key"),
                "{setting} {args:?}: {}",
                ran.shown()
            );
        }
    }

    // The catalogue and config paths, from the environment and flags.
    let env = Env::new().sim(&sim);
    for (vars, args) in [
        (vec![("OAC_CATALOG", PASTED)], vec!["resolve"]),
        (vec![("OAC_CONFIG", PASTED)], vec!["resolve"]),
        (vec![], vec!["--config", PASTED, "resolve"]),
        (vec![], vec!["--catalog", PASTED, "resolve"]),
        (vec![], vec!["chat", "--image", PASTED, "hi"]),
    ] {
        let ran = quick(env.run_with(&vars, &args)).await;
        assert_ne!(ran.code, 0, "{vars:?} {args:?}: {}", ran.shown());
        assert!(
            !ran.stdout.contains(PASTED) && !ran.stderr.contains(PASTED),
            "{vars:?} {args:?}: {}",
            ran.shown()
        );
    }
    assert_eq!(sim.request_count(), 0);
}
