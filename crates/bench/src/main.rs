//! `oac-bench`: the harness behind `cargo xtask bench` (see the library's docs for
//! the subcommands).
#![allow(clippy::print_stderr)]

use oac_bench::{Flags, Impl, callgrind, many, run, server};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some(command) => Flags::parse(&args[1..]).and_then(|flags| dispatch(command, &flags)),
        None => Err("usage: oac-bench run|callgrind|serve|many|decode [--flags]".into()),
    };
    if let Err(message) = result {
        eprintln!("oac-bench: {message}");
        std::process::exit(1);
    }
}

fn dispatch(command: &str, flags: &Flags) -> Result<(), String> {
    match command {
        "run" => run::run(flags.quick(), flags.has("no-many")),
        "callgrind" => callgrind::run(flags.quick()),
        "serve" => server::serve(flags.number("chunks")?),
        "many" => many::run(
            Impl::parse(flags.get("impl")?)?,
            flags.get("url")?,
            flags.number("streams")?,
            flags.number("chunks")?,
        ),
        "decode" => callgrind::decode(
            Impl::parse(flags.get("impl")?)?,
            flags.get("framing")?,
            flags.number("chunks")?,
        ),
        other => Err(format!("unknown command `{other}`")),
    }
}
