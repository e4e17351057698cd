//! `oac config import FILE`: a Kilo Code / Roo Code settings export, or a Kilo Code 7
//! config (`kilo.json` / `kilo.jsonc`), becomes profiles.
//! Keys go to owner-only key files, never into the config file (nor, with `--print`,
//! anywhere at all); an existing config file or key file is never overwritten
//! unless asked.

use std::path::{Path, PathBuf};

use oac::config::{
    ENV_CONFIG, Environment, Import, KeySource, ProcessEnv, WarningKind, default_config_path,
    import_kilo_at, path_for_config,
};
use oac::provider::files::{FileKind, read_capped_string};
use serde_json::json;

use crate::args::{GlobalArgs, ImportArgs};
use crate::failure::Failure;
use crate::output::{Output, record};

pub fn run(global: &GlobalArgs, args: &ImportArgs, out: &mut Output) -> Result<(), Failure> {
    let text = read_capped_string(&args.file, FileKind::SettingsExport).map_err(|source| {
        Failure::File {
            what: "cannot read the settings file",
            path: args.file.clone(),
            source,
        }
    })?;
    // Absolute, so a key file the file names relative to itself (`{file:…}` in a
    // kilo.json) is found from any directory, also in what --print prints.
    let source = std::path::absolute(&args.file).unwrap_or_else(|_| args.file.clone());
    let mut import = import_kilo_at(&text, &source)?;

    let (target, keys) = if args.print {
        (None, Keys::InVariables(name_key_variables(&mut import)))
    } else {
        let target = target(global, args)?;
        let keys_dir = match &args.keys_dir {
            Some(dir) => dir.clone(),
            None => target.parent().unwrap_or(Path::new(".")).join("keys"),
        };
        let files = store_keys(&mut import, &keys_dir, args.force)?;
        point_keys_from(&mut import, &target);
        (Some(target), Keys::InFiles(files))
    };
    let mut toml = import.config.to_toml_string()?;
    if let Keys::InVariables(variables) = &keys
        && !variables.is_empty()
    {
        toml.insert_str(0, &variables_comment(variables));
    }
    match &target {
        Some(path) => write_config(path, &toml)?,
        None if out.is_json() => {}
        None => out.answer(&toml)?,
    }

    if out.is_json() {
        return json_report(out, &import, target.as_deref(), &toml, &keys);
    }
    human_report(out, &import, target.as_deref(), &keys);
    Ok(())
}

/// The `--json` record of an import.
fn json_report(
    out: &mut Output,
    import: &Import,
    target: Option<&Path>,
    toml: &str,
    keys: &Keys,
) -> Result<(), Failure> {
    let (files, variables) = match keys {
        Keys::InFiles(files) => (files.as_slice(), &[][..]),
        Keys::InVariables(variables) => (&[][..], variables.as_slice()),
    };
    out.record(&record! {
        "type": "import",
        "format": import.format.as_str(),
        "config": target.map(|p| p.display().to_string()),
        "toml": target.is_none().then_some(toml),
        "profiles": import.config.profile_names(),
        "default_profile": import.config.default_profile,
        "key_files": files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "key_variables": variables.iter().map(|(profile, variable)| json!({"profile": profile, "variable": variable})).collect::<Vec<_>>(),
        "skipped": import.skipped.iter().map(|s| json!({"name": s.name, "api_provider": s.api_provider, "field": s.field, "reason": s.reason})).collect::<Vec<_>>(),
        "ignored": import.ignored,
        "warnings": import.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// What an import did, as notes on standard error.
fn human_report(out: &mut Output, import: &Import, target: Option<&Path>, keys: &Keys) {
    let profiles = import.config.profile_names();
    let place = target.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
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
    match keys {
        Keys::InFiles(files) => {
            for path in files {
                out.note(&format!(
                    "API key saved to {} (readable by you only)",
                    path.display()
                ));
            }
        }
        Keys::InVariables(variables) => {
            for (profile, variable) in variables {
                out.note(&format!(
                    "the API key of `{profile}` was not written anywhere: the profile reads it from {variable} (`export {variable}=…`), or import without --print to save it to an owner-only key file"
                ));
            }
        }
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
    if import
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::ImportNoModel)
    {
        out.note("`oac --profile NAME models` lists the models a profile's server has");
    }
    if target.is_some() && !profiles.is_empty() {
        out.note("next: `oac doctor` checks the default profile; `oac --profile NAME doctor` another one");
    }
}

/// Rewrites each profile's `api_key_file` (relative to the current directory, as
/// written) to what the loader resolves to the same file when it reads `config`:
/// `--output sub/config.toml` or `--keys-dir mykeys` then work from any directory.
fn point_keys_from(import: &mut Import, config: &Path) {
    for profile in import.config.profiles.values_mut() {
        if let Some(KeySource::File(path)) = &profile.key {
            profile.key = Some(KeySource::File(path_for_config(path, config)));
        }
    }
}

/// Where the export's API keys went.
enum Keys {
    /// Owner-only key files (written).
    InFiles(Vec<PathBuf>),
    /// Nowhere: each profile names an environment variable instead
    /// (`(profile, variable)`), for `--print`.
    InVariables(Vec<(String, String)>),
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

/// Writes each key of `import` to an owner-only file in `keys_dir` and points its
/// profile at it. A key file that already exists is replaced only with `force`;
/// otherwise nothing is written and the error names every such file.
///
/// The keys are first written to a fresh directory inside `keys_dir` (by the config
/// crate, which names the files), then moved into place once no name collides.
fn store_keys(import: &mut Import, keys_dir: &Path, force: bool) -> Result<Vec<PathBuf>, Failure> {
    if import.keys.is_empty() {
        return Ok(Vec::new());
    }
    let staging = Staging::new(keys_dir);
    let staged = import.store_keys(&staging.0)?;
    let moves: Vec<(PathBuf, PathBuf)> = staged
        .into_iter()
        .filter_map(|from| {
            let to = keys_dir.join(from.file_name()?);
            Some((from, to))
        })
        .collect();
    let existing: Vec<String> = moves
        .iter()
        .filter(|(_, to)| to.symlink_metadata().is_ok())
        .map(|(_, to)| to.display().to_string())
        .collect();
    if !existing.is_empty() && !force {
        let (files, are) = match existing.len() {
            1 => ("key file", "exists and is left as it is"),
            _ => ("key files", "exist and are left as they are"),
        };
        return Err(Failure::Usage(format!(
            "the {files} {} already {are}: replace {} with --force, or keep the new keys elsewhere with --keys-dir DIR",
            existing.join(", "),
            if existing.len() == 1 { "it" } else { "them" },
        )));
    }
    let mut written = Vec::with_capacity(moves.len());
    for (from, to) in moves {
        std::fs::rename(&from, &to).map_err(|source| Failure::File {
            what: "cannot move the key file into place at",
            path: to.clone(),
            source: source.into(),
        })?;
        for profile in import.config.profiles.values_mut() {
            if matches!(&profile.key, Some(KeySource::File(path)) if *path == from) {
                profile.key = Some(KeySource::File(to.clone()));
            }
        }
        written.push(to);
    }
    Ok(written)
}

/// A directory for keys being written; removed with whatever it still holds.
struct Staging(PathBuf);

impl Staging {
    fn new(keys_dir: &Path) -> Staging {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = keys_dir.join(format!(".oac-import-{}-{nanos}", std::process::id()));
        // Only a crashed run of this very process id could have left it.
        let _ = std::fs::remove_dir_all(&dir);
        Staging(dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// For `--print`: no key is written; each profile with a key reads it from an
/// environment variable named for it instead. Returns `(profile, variable)`.
fn name_key_variables(import: &mut Import) -> Vec<(String, String)> {
    let mut named: Vec<(String, String)> = Vec::new();
    for (profile, _) in std::mem::take(&mut import.keys) {
        let base = key_variable(&profile);
        let mut variable = base.clone();
        let mut n = 1;
        while named.iter().any(|(_, taken)| *taken == variable) {
            n += 1;
            variable = format!("{}_{n}_API_KEY", base.trim_end_matches("_API_KEY"));
        }
        if let Some(settings) = import.config.profiles.get_mut(&profile) {
            settings.key = Some(KeySource::Env(variable.clone()));
        }
        named.push((profile, variable));
    }
    named
}

/// `together` → `TOGETHER_API_KEY`; `my-local.box` → `MY_LOCAL_BOX_API_KEY`. Always a
/// valid shell variable name.
fn key_variable(profile: &str) -> String {
    let mut name = String::new();
    for c in profile.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_uppercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_end_matches('_');
    match name.chars().next() {
        None => "OAC_API_KEY".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("OAC_{name}_API_KEY"),
        Some(_) => format!("{name}_API_KEY"),
    }
}

/// The comment heading printed profiles whose keys were left out.
fn variables_comment(variables: &[(String, String)]) -> String {
    let mut comment = String::from(
        "# The API keys of the imported file are not in this one: each profile below reads\n\
         # its key from the environment variable its api_key_env names:\n",
    );
    for (profile, variable) in variables {
        comment.push_str(&format!("#   {profile}: export {variable}=…\n"));
    }
    comment.push('\n');
    comment
}

fn write_config(path: &Path, toml: &str) -> Result<(), Failure> {
    let failed = |source: std::io::Error| Failure::File {
        what: "cannot write the config file",
        path: path.to_path_buf(),
        source: source.into(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    std::fs::write(path, toml).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_variables_are_valid_shell_names() {
        assert_eq!(key_variable("together"), "TOGETHER_API_KEY");
        assert_eq!(key_variable("my-local.box"), "MY_LOCAL_BOX_API_KEY");
        assert_eq!(key_variable("  spaced  out "), "SPACED_OUT_API_KEY");
        assert_eq!(key_variable("4o"), "OAC_4O_API_KEY");
        assert_eq!(key_variable("日本"), "OAC_API_KEY");
    }
}
