//! `pbft-sim run` and `pbft-sim sweep`: drive the engine and write results.
//!
//! Results go to stdout only; progress and (with `--trace`) the run's summary go to stderr, so
//! stdout is always exactly one format: the table, CSV, JSON lines, or trace JSON lines. A sweep
//! writes each point as soon as it and every point before it are done, so a long sweep's output
//! streams and a pipe such as `| head` sees the first lines early.

use crate::args::{Args, Format, UsageError};
use crate::output::{csv_header, csv_row, json_line, point_columns, run_columns};
use crate::parallel;
use crate::progress::Progress;
use crate::scenario::{engine_error, Scenario};
use crate::table;
use pbft_engine::{ConfigError, Simulation, SweepPoint};
use std::cell::RefCell;
use std::io::{self, Write};

/// Why a command stopped.
#[derive(Debug)]
pub enum Failure {
    /// A bad flag or value: one line on stderr, exit status 2.
    Usage(UsageError),
    /// stdout or stderr could not be written.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Failure {
        Failure::Usage(engine_error(e.field(), &e))
    }
}

/// One run: the summary on `out`; with `--trace` the trace on `out` and the summary on `err`.
pub fn run(
    args: &Args,
    scenario: &Scenario,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), Failure> {
    let config = &scenario.config;
    let trial = args.options.trial;
    let trace = args.options.trace;
    let mut sim = Simulation::new(config, trial)?.with_trace(trace);
    while let Some(events) = sim.step() {
        for event in events {
            writeln!(out, "{}", event.to_json())?;
        }
    }
    let outcome = sim.outcome().expect("a finished run has an outcome");
    let summary = match args.options.format {
        Format::Table => table::run_summary(outcome, config, trial),
        Format::Csv => {
            let columns = run_columns(outcome, config, trial);
            format!("{}\n{}\n", csv_header(&columns), csv_row(&columns))
        }
        Format::Json => format!("{}\n", json_line(&run_columns(outcome, config, trial))),
    };
    if trace {
        out.flush()?;
        err.write_all(summary.as_bytes())?;
        err.flush()?;
    } else {
        out.write_all(summary.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// A sweep over `scenario.counts`, `config.trials` runs each, on `--jobs` threads.
pub fn sweep(args: &Args, scenario: &Scenario, out: &mut impl Write) -> Result<(), Failure> {
    let config = &scenario.config;
    let format = args.options.format;
    // Checked before the sweep, so a bad --compare fails at once, not after a long sweep.
    let plot = crate::plot::Plan::new(args, scenario)?;
    let total = scenario.counts.len() as u64 * u64::from(config.trials);
    let progress = RefCell::new(Progress::new(total, args.options.quiet));
    let mut points: Vec<SweepPoint> = Vec::new();
    if format == Format::Table {
        out.write_all(table::header(config).as_bytes())?;
        out.flush()?;
    }
    parallel::sweep(
        config,
        &scenario.counts,
        args.options.jobs,
        |done, _| progress.borrow_mut().update(done),
        |point| -> Result<(), Failure> {
            // Erase the bar first so a result never lands on the bar's line of a terminal.
            progress.borrow_mut().before_output();
            match format {
                Format::Table => writeln!(out, "{}", table::point_line(&point))?,
                Format::Csv => {
                    let columns = point_columns(&point, config);
                    if points.is_empty() {
                        writeln!(out, "{}", csv_header(&columns))?;
                    }
                    writeln!(out, "{}", csv_row(&columns))?;
                }
                Format::Json => writeln!(out, "{}", json_line(&point_columns(&point, config)))?,
            }
            out.flush()?;
            points.push(point);
            Ok(())
        },
    )?;
    progress.borrow_mut().clear();
    if format == Format::Table {
        out.write_all(table::extra_block(&points).as_bytes())?;
        out.flush()?;
    }
    plot.write(args, points)
}
