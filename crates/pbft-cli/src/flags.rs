//! The CLI's own flags (output format, threads, trial, tracing, the browser link, progress,
//! charts), their value parsers with one sentence per mistake, and the text after the flags in
//! `--help`. The scenario flags come from the engine's parameter table (see `args`).

use crate::args::{Format, TraceFormat};
use clap::{Arg, ArgAction};

/// The text after the flags in `--help`.
pub const AFTER_HELP: &str = "\
Output:
  table  the tutorial's lines (malicious= 0 | success=6/6 | avg_latency=0.2209 s | ...),
         then p50/p95/max latency (ms), mean messages and safety violations per count
  csv    a header, then one row per count (run: one row)
  json   one object per line per count (run: one object); latency fields are null
         when no run succeeded
  run --trace prints only the trace on stdout (a header line with the config, then one
  JSON line per event; docs/trace-format.md) and the summary, in the chosen format, on
  stderr. A sweep shows a progress bar on stderr when it is a terminal (--quiet: never).

Exit status: 0 on success, 2 for a bad flag or value (one line on stderr naming the flag).

Examples:
  pbft-sim sweep
  pbft-sim sweep --byzantine 0..=10 --trials 1000 --format json --jobs 2
  pbft-sim run --byzantine 2 --trial 3 --trace
  pbft-sim run --protocol pbft --byzantine-nodes 0 --trace-format shiviz > run.log
  pbft-sim run --protocol pbft --nodes 7 --url https://example.org/pbft/";

fn choose<T: Copy>(value: &str, options: &[(&str, T)]) -> Result<T, String> {
    let value = value.trim();
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    options
        .iter()
        .find(|(n, _)| *n == value)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("choose {}; '{value}' is none of these", names.join(", ")))
}

fn format(value: &str) -> Result<Format, String> {
    let options = [
        ("table", Format::Table),
        ("csv", Format::Csv),
        ("json", Format::Json),
    ];
    choose(value, &options)
}

fn trace_format(value: &str) -> Result<TraceFormat, String> {
    let options = [
        ("jsonl", TraceFormat::Jsonl),
        ("shiviz", TraceFormat::Shiviz),
    ];
    choose(value, &options)
}

fn jobs(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(n @ 1..=1024) => Ok(n),
        _ => Err(format!(
            "jobs must be a whole number from 1 to 1024; '{value}' is not"
        )),
    }
}

fn trial(value: &str) -> Result<u32, String> {
    value.trim().parse::<u32>().map_err(|_| {
        format!(
            "trial must be a trial index from 0 to {}; '{value}' is not",
            u32::MAX
        )
    })
}

fn plot(value: &str) -> Result<String, String> {
    crate::plot::check_path(value).map_err(|e| e.message)
}

fn url(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.starts_with("http://") || v.starts_with("https://") || v.starts_with("file://") {
        return Ok(v.to_string());
    }
    Err(format!(
        "'{v}' is not the address of the page (http://, https:// or file://)"
    ))
}

/// A CLI-only flag with a value: name, placeholder, help, default text.
fn valued(name: &'static str, value: &'static str, help: &'static str, default: &str) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name(value)
        .help(format!("{help} [default: {default}]"))
        .num_args(1)
}

/// The flags that are not scenario parameters.
pub fn cli_flags() -> Vec<Arg> {
    let switch = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .help(help)
            .action(ArgAction::SetTrue)
    };
    vec![
        valued("format", "table|csv|json", "how results are printed on stdout", "table")
            .value_parser(format),
        valued("jobs", "N", "sweep: threads to run trials on; output is identical for every N", "1")
            .value_parser(jobs),
        valued("trial", "T", "run: which trial to run (trial T of a sweep point, same seed stream)", "0")
            .value_parser(trial),
        switch("trace", "run: print every event on stdout (JSON Lines after a config line); the summary goes to stderr"),
        valued("trace-format", "jsonl|shiviz", "run: the trace as JSON Lines, or as a ShiViz log (implies --trace)", "jsonl")
            .value_parser(trace_format),
        valued("url", "BASE", "run: also print (on stderr) the link that opens this run in the browser page at BASE", "none")
            .value_parser(url),
        switch("quiet", "sweep: never show the progress bar on stderr"),
        valued("plot", "FILE.svg|FILE.png", "sweep: also draw latency, success/agreement and messages against m, stacked in one 900x1500 image; the extension picks SVG or PNG (text drawn with a built-in font)", "none")
            .value_parser(plot),
        valued("compare", "NAME=VALUE", "sweep --plot: a second sweep with one parameter changed (e.g. strategy=silent, protocol=pbft), overlaid on every chart; parameters left at their defaults take the compared scenario's own; only the first sweep is printed", "none"),
    ]
}
