//! `oac completions SHELL`: the script installs by the README's one command in a real
//! shell and completes profile names from the config file, by calling `oac` back.
// Test code: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const OAC: &str = env!("CARGO_BIN_EXE_oac");

const CONFIG: &str = r#"default_profile = "together"

[profiles.together]
base_url = "https://api.together.xyz/v1"
model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"

[profiles.local]
base_url = "http://localhost:11434/v1"
model = "qwen2.5-coder:7b"

[profiles.lmstudio]
base_url = "http://localhost:1234/v1"
model = "qwen2.5-7b-instruct"
"#;

/// Runs `script` in a real, non-interactive bash after `source <(oac completions bash)`
/// (the README's install line), with `config` as the config file; its stdout.
fn in_bash(config: &Path, script: &str) -> Option<String> {
    let bash = which("bash")?;
    let oac = Path::new(OAC);
    let dir = oac.parent().unwrap().display().to_string();
    let path = format!("{dir}:{}", std::env::var("PATH").unwrap_or_default());
    let output = Command::new(bash)
        .env_clear()
        .env("PATH", path)
        .env("HOME", config.parent().unwrap())
        .env("OAC_CONFIG", config)
        .arg("-c")
        .arg(format!("source <(oac completions bash)\n{script}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

/// The lines of `offered`, sorted (bash keeps the order it was given).
fn sorted(offered: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = offered.lines().collect();
    lines.sort_unstable();
    lines
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.is_file())
}

/// What bash offers for the word `current` after `words` (as if TAB was pressed).
fn complete(words: &[&str], current: &str) -> String {
    let mut all: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    all.push(format!("'{current}'"));
    let previous = words.last().unwrap();
    let line = format!("{} {current}", words.join(" "));
    format!(
        "COMP_WORDS=({all}); COMP_CWORD={cword}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_oac oac '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        all = all.join(" "),
        cword = words.len(),
    )
}

#[test]
fn bash_completes_profile_names_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let Some(offered) = in_bash(&config, &complete(&["oac", "--profile"], "l")) else {
        eprintln!("no bash on PATH: skipped");
        return;
    };
    assert_eq!(sorted(&offered), ["lmstudio", "local"]);
    let all = in_bash(&config, &complete(&["oac", "chat", "--profile"], "")).unwrap();
    assert_eq!(sorted(&all), ["lmstudio", "local", "together"]);
}

#[test]
fn bash_completes_commands_and_a_new_profile_appears_without_reinstalling() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let Some(commands) = in_bash(&config, &complete(&["oac"], "co")) else {
        return;
    };
    assert_eq!(sorted(&commands), ["completions", "config", "cost"]);
    // The script calls oac back: a profile added later is offered at once.
    std::fs::write(&config, format!("{CONFIG}\n[profiles.groq]\nbase_url = \"https://api.groq.com/openai/v1\"\nmodel = \"m\"\n")).unwrap();
    let offered = in_bash(&config, &complete(&["oac", "--profile"], "g")).unwrap();
    assert_eq!(offered, "groq\n");
}

#[test]
fn a_broken_or_missing_config_offers_nothing_and_prints_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[profiles.x\nbroken").unwrap();
    let Some(offered) = in_bash(&config, &complete(&["oac", "--profile"], "")) else {
        return;
    };
    assert_eq!(offered, "\n");
    let missing = dir.path().join("none.toml");
    assert_eq!(
        in_bash(&missing, &complete(&["oac", "--profile"], "")).unwrap(),
        "\n"
    );
}

#[test]
fn zsh_and_fish_scripts_call_this_binary_back() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Command::new(OAC)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains("OAC_COMPLETE"), "{shell}: {script}");
        assert!(script.contains(OAC), "{shell}: {script}");
    }
    let wrong = Command::new(OAC)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("possible values: bash, zsh, fish"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}

/// `--model` offers the ids the last `oac models` listed for the profile's host;
/// with no cache (or a damaged one) it offers nothing and prints no error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bash_completes_model_ids_from_the_last_models_listing() {
    let sim = oac_testkit::Simulator::builder()
        .models(["sim-model", "sim-large", "other-model"])
        .start()
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let toml = format!(
        "default_profile = \"sim\"\n[profiles.sim]\nbase_url = \"{}\"\nmodel = \"sim-model\"\n",
        sim.base_url()
    );
    std::fs::write(&config, toml).unwrap();
    let complete_models = {
        let config = config.clone();
        move || in_bash(&config, &complete(&["oac", "chat", "--model"], "sim"))
    };
    let Some(before) = tokio::task::spawn_blocking(complete_models.clone())
        .await
        .unwrap()
    else {
        return;
    };
    assert_eq!(before, "\n", "no cache yet: nothing offered");

    let listed = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(OAC)
                .arg("models")
                .env_clear()
                .env("HOME", config.parent().unwrap())
                .env("OAC_CONFIG", &config)
                .env("OAC_LEDGER", "off")
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let offered = tokio::task::spawn_blocking(complete_models.clone())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sorted(&offered), ["sim-large", "sim-model"]);

    let cache = dir.path().join(".local/share/oac/models-cache.json");
    std::fs::write(&cache, "{\"v\":1,\"hosts\":[{\"host\":").unwrap();
    let damaged = tokio::task::spawn_blocking(complete_models)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(damaged, "\n", "a damaged cache offers nothing");
}
