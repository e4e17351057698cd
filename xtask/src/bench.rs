//! `cargo xtask bench`: every benchmark of the workspace (criterion), with its figures.

use crate::workspace;

pub fn run(args: &[String]) -> Result<(), String> {
    println!("==> cargo bench --workspace {}", args.join(" "));
    let status = workspace::cargo()
        .args(["bench", "--workspace"])
        .args(args)
        .status()
        .map_err(|e| format!("could not run cargo bench: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("benchmarks failed (see above)".into())
    }
}
