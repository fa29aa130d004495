//! `pbft-sim`: the native command line of the PBFT simulator.
//!
//! Parses the flags (`args`), builds the engine's `Config` through `Config::set` (`scenario`),
//! and runs one simulation or a sweep (`commands`, `parallel`, `progress`), printing the
//! tutorial's table, CSV or JSON lines (`table`, `output`). `pbft-sim --help` lists every flag.
//!
//! Exit status: 0 on success (also when stdout is closed early, as by `| head`), 1 when output
//! cannot be written, 2 for a bad command line, with one line on stderr naming the flag.

mod args;
mod commands;
mod help;
mod output;
mod parallel;
mod plot;
mod progress;
mod scenario;
mod table;

use args::Command;
use commands::Failure;
use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    let result = args::parse(argv)
        .map_err(Failure::Usage)
        .and_then(|args| execute(&args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("pbft-sim: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn execute(args: &args::Args) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.command {
        Command::Help => {
            // `--protocol p --help` shows p's defaults; an unknown p falls back to the default.
            let protocol = args
                .params
                .iter()
                .rev()
                .find(|(name, _)| name == "protocol")
                .and_then(|(_, value)| pbft_engine::Protocol::parse(value.trim()).ok())
                .unwrap_or_default();
            out.write_all(help::text(protocol).as_bytes())?;
            out.flush()?;
            Ok(())
        }
        Command::Run => {
            let scenario = scenario::build(args).map_err(Failure::Usage)?;
            commands::run(args, &scenario, &mut out, &mut io::stderr().lock())
        }
        Command::Sweep => {
            let scenario = scenario::build(args).map_err(Failure::Usage)?;
            commands::sweep(args, &scenario, &mut out)
        }
    }
}
