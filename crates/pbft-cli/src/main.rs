//! `pbft-sim`: the native command line of the PBFT simulator.
//!
//! Parses the flags with clap from the engine's parameter table (`args`), reads them into the
//! engine's `Experiment` (`scenario`), and runs one simulation or a sweep (`commands`,
//! `parallel`, `progress`), printing the tutorial's table, the engine's CSV/JSON columns, or a
//! trace (JSON Lines or ShiViz). `pbft-sim --help` lists every flag.
//!
//! Exit status: 0 on success (also when stdout is closed early, as by `| head`), 1 when output
//! cannot be written, 2 for a bad command line, with one line on stderr naming the flag.

mod args;
mod commands;
mod flags;
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
            out.write_all(args::help_text(args).as_bytes())?;
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
