//! `pbft-sim run` and `pbft-sim sweep`: drive the engine and write results.
//!
//! Results go to stdout only; progress, the `--url` link and (with `--trace`) the run's summary
//! go to stderr, so stdout is always exactly one format: the table, CSV, JSON lines, or the
//! trace. A sweep writes each point as soon as it and every point before it are done, so a long
//! sweep's output streams and a pipe such as `| head` sees the first lines early. The columns
//! are the engine's (`pbft_engine::export`), the browser's downloads' too; JSON is serde_json's.

use crate::args::{Args, Format, TraceFormat, UsageError};
use crate::parallel;
use crate::progress::Progress;
use crate::scenario::{engine_error, Scenario};
use crate::table;
use pbft_engine::export::shiviz::ShiViz;
use pbft_engine::export::{self, point_columns, run_columns, Columns, Row};
use pbft_engine::words::Names;
use pbft_engine::{Config, ConfigError, Simulation, SweepPoint};
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
        Failure::Usage(engine_error(&e))
    }
}

/// One result as a JSON object on one line.
fn json(columns: Columns) -> String {
    serde_json::to_string(&Row(columns)).expect("columns always serialize")
}

/// The CSV header and row of one result.
fn csv(columns: &Columns) -> String {
    format!(
        "{}\n{}\n",
        export::csv_header(columns),
        export::csv_row(columns)
    )
}

/// The browser link of `config` under `base`: the live view reads the same parameters.
pub fn url(base: &str, config: &Config) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(config.to_params());
    let base = base.split(['?', '#']).next().unwrap_or(base);
    format!("{base}?{}", query.finish())
}

/// Writes the trace of `sim` on `out` as it runs.
fn write_trace(
    sim: &mut Simulation,
    format: TraceFormat,
    config: &Config,
    trial: u32,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut shiviz = ShiViz::new(Names::of(sim, config.f()));
    match format {
        TraceFormat::Jsonl => writeln!(out, "{}", export::trace::header(config, trial))?,
        TraceFormat::Shiviz => out.write_all(ShiViz::header().as_bytes())?,
    }
    while let Some(events) = sim.step() {
        for event in events {
            match format {
                TraceFormat::Jsonl => writeln!(out, "{}", event.to_json())?,
                TraceFormat::Shiviz => {
                    if let Some(line) = shiviz.line(event) {
                        writeln!(out, "{line}")?;
                    }
                }
            }
        }
    }
    Ok(())
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
    let mut sim = Simulation::new(config, trial)?.with_trace(trace.is_some());
    match trace {
        Some(format) => write_trace(&mut sim, format, config, trial, out)?,
        None => while sim.step().is_some() {},
    }
    let outcome = sim.outcome().expect("a finished run has an outcome");
    let summary = match args.options.format {
        Format::Table => table::run_summary(outcome, config, trial),
        Format::Csv => csv(&run_columns(outcome, config, trial)),
        Format::Json => format!("{}\n", json(run_columns(outcome, config, trial))),
    };
    if trace.is_some() {
        out.flush()?;
        err.write_all(summary.as_bytes())?;
    } else {
        out.write_all(summary.as_bytes())?;
        out.flush()?;
    }
    if let Some(base) = &args.options.url {
        writeln!(err, "open in the browser: {}", url(base, config))?;
    }
    err.flush()?;
    Ok(())
}

/// A sweep over `scenario.counts`, `config.trials` runs each, on `--jobs` threads.
pub fn sweep(args: &Args, scenario: &Scenario, out: &mut impl Write) -> Result<(), Failure> {
    let config = &scenario.config;
    let format = args.options.format;
    // Checked before the sweep, so a bad --compare fails at once, not after a long sweep.
    let plot = crate::plot::Plan::new(args, scenario);
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
            let columns = point_columns(&point, config);
            let text = match format {
                Format::Table => format!("{}\n", table::point_line(&point)),
                Format::Csv if points.is_empty() => csv(&columns),
                Format::Csv => format!("{}\n", export::csv_row(&columns)),
                Format::Json => format!("{}\n", json(columns)),
            };
            // The bar is erased while the line prints, so they never share a terminal line.
            progress.borrow().suspend(|| {
                out.write_all(text.as_bytes())?;
                out.flush()
            })?;
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
