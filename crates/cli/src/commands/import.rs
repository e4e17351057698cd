//! `oac config import FILE`: a Kilo Code / Roo Code settings export becomes profiles.
//! Keys go to owner-only key files, never into the config file; an existing config
//! file is never overwritten unless asked.

use std::path::{Path, PathBuf};

use openai_compat::config::{
    ENV_CONFIG, Environment, ProcessEnv, default_config_path, import_kilo,
};
use serde_json::json;

use crate::args::{GlobalArgs, ImportArgs};
use crate::failure::Failure;
use crate::output::{Output, record};

pub fn run(global: &GlobalArgs, args: &ImportArgs, out: &mut Output) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| Failure::File {
        what: "cannot read the settings export",
        path: args.file.clone(),
        source,
    })?;
    let mut import = import_kilo(&text)?;

    let target = if args.print {
        None
    } else {
        Some(target(global, args)?)
    };
    let keys_dir = match (&args.keys_dir, &target) {
        (Some(dir), _) => dir.clone(),
        (None, Some(target)) => target.parent().unwrap_or(Path::new(".")).join("keys"),
        (None, None) => default_config_path(&ProcessEnv)
            .and_then(|path| path.parent().map(|dir| dir.join("keys")))
            .ok_or_else(|| {
                Failure::Usage(
                    "no home directory to keep the API keys in: pass --keys-dir DIR".into(),
                )
            })?,
    };
    let key_files = if import.keys.is_empty() {
        Vec::new()
    } else {
        import.store_keys(&keys_dir)?
    };
    let toml = import.config.to_toml_string()?;
    match &target {
        Some(path) => write_config(path, &toml)?,
        None if out.is_json() => {}
        None => out.answer(&toml)?,
    }

    let profiles = import.config.profile_names();
    if out.is_json() {
        return out.record(&record! {
            "type": "import",
            "config": target.as_ref().map(|p| p.display().to_string()),
            "toml": target.is_none().then_some(&toml),
            "profiles": profiles,
            "default_profile": import.config.default_profile,
            "key_files": key_files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "skipped": import.skipped.iter().map(|s| json!({"name": s.name, "api_provider": s.api_provider})).collect::<Vec<_>>(),
            "ignored": import.ignored,
            "warnings": import.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
    }
    let place = target
        .as_ref()
        .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    out.note(&format!(
        "imported {} profile{} into {place}: {}",
        profiles.len(),
        if profiles.len() == 1 { "" } else { "s" },
        if profiles.is_empty() {
            "(none)".to_owned()
        } else {
            profiles.join(", ")
        }
    ));
    if let Some(default) = &import.config.default_profile {
        out.note(&format!("default profile: {default}"));
    }
    for path in &key_files {
        out.note(&format!(
            "API key saved to {} (readable by you only)",
            path.display()
        ));
    }
    for skipped in &import.skipped {
        out.note(&format!("skipped {skipped}"));
    }
    if !import.ignored.is_empty() {
        out.note(&format!(
            "ignored {} setting{} with no equivalent: {}",
            import.ignored.len(),
            if import.ignored.len() == 1 { "" } else { "s" },
            import.ignored.join(", ")
        ));
    }
    for warning in &import.warnings {
        out.warn(&warning.to_string());
    }
    if target.is_some() && !profiles.is_empty() {
        out.note("next: `oac doctor` checks the default profile; `oac --profile NAME doctor` another one");
    }
    Ok(())
}

/// Where the profiles are written: `--output`, else `--config`, else `$OAC_CONFIG`,
/// else the platform config file. An existing file needs `--force`.
fn target(global: &GlobalArgs, args: &ImportArgs) -> Result<PathBuf, Failure> {
    let env = ProcessEnv;
    let path = args
        .output
        .clone()
        .or_else(|| global.config.clone())
        .or_else(|| {
            env.var(ENV_CONFIG)
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| default_config_path(&env))
        .ok_or_else(|| {
            Failure::Usage("no home directory for the config file: pass --output FILE".into())
        })?;
    if !path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"))
    {
        return Err(Failure::Usage(format!(
            "imported profiles are written as TOML: name the output file `….toml` (got {})",
            path.display()
        )));
    }
    if path.exists() && !args.force {
        return Err(Failure::Usage(format!(
            "{} already exists and is left as it is: write elsewhere with --output FILE, replace it with --force, or use --print and merge by hand",
            path.display()
        )));
    }
    Ok(path)
}

fn write_config(path: &Path, toml: &str) -> Result<(), Failure> {
    let failed = |source| Failure::File {
        what: "cannot write the config file",
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    std::fs::write(path, toml).map_err(failed)
}
