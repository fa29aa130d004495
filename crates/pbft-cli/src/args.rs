//! Command-line parsing with clap: `pbft-sim <run|sweep|help> [--flag value | --flag=value]...`.
//!
//! There is one vocabulary. The scenario flags are built from the engine's parameter table
//! ([`pbft_engine::PARAMS`]: name, value placeholder, help, default per protocol), kept in the
//! order given as (name, value) pairs, and read by the engine ([`pbft_engine::Experiment`]), so
//! the engine's parser and its error sentences are the CLI's and a parameter the engine adds is
//! a flag here with no change. Only the flags in [`crate::flags`] belong to the CLI itself.
//!
//! `--help` anywhere prints the reference with the defaults of the `--protocol` given (clap
//! builds it; the text after the flags is [`AFTER_HELP`]). Every usage error is one line on
//! stderr naming the flag, and exit status 2.

use crate::flags::{cli_flags, AFTER_HELP};
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, ArgMatches, Command as Clap};
use pbft_engine::{Protocol, PARAMS};
use std::fmt;

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// One run: a summary, and the event trace with `--trace`.
    Run,
    /// `trials` runs per Byzantine count, one aggregated point per count.
    Sweep,
    /// The flag reference.
    Help,
}

/// How results are printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The tutorial's printout, then a few extra figures.
    Table,
    /// A header line, then one row per result.
    Csv,
    /// One JSON object per line per result.
    Json,
}

/// How `run --trace` writes the events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// JSON Lines after a header line with the config (docs/trace-format.md).
    Jsonl,
    /// A ShiViz log: the parser expression, then host, vector clock and description per event.
    Shiviz,
}

/// The CLI-only settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub format: Format,
    pub jobs: usize,
    pub trial: u32,
    /// `--trace` or `--trace-format`: print the run's events.
    pub trace: Option<TraceFormat>,
    pub quiet: bool,
    /// `--plot`: where to write the sweep's charts (SVG or PNG, by the extension).
    pub plot: Option<String>,
    /// `--compare`: the overlaid second sweep, `NAME=VALUE` (read by the engine).
    pub compare: Option<String>,
    /// `--url`: the browser page to link the run to.
    pub url: Option<String>,
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub command: Command,
    /// Scenario parameters in the order given, names without `--`.
    pub params: Vec<(String, String)>,
    pub options: Options,
}

/// A usage error: which flag (if any) and the sentence explaining it. Printed as one line on
/// stderr; the process exits with status 2.
#[derive(Clone, Debug, PartialEq)]
pub struct UsageError {
    pub flag: Option<String>,
    pub message: String,
}

impl UsageError {
    pub fn new(flag: Option<&str>, message: impl Into<String>) -> UsageError {
        UsageError {
            flag: flag.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.flag {
            Some(flag) => write!(f, "pbft-sim: --{flag}: {}", self.message),
            None => write!(f, "pbft-sim: {}", self.message),
        }
    }
}

/// The whole command, with the defaults of `protocol` in the help.
pub fn command(protocol: Protocol) -> Clap {
    let mut cmd = Clap::new("pbft-sim")
        .about("pbft-sim: a deterministic PBFT simulator (the asyncio tutorial's model and more)")
        .long_about(
            "pbft-sim: a deterministic PBFT simulator (the asyncio tutorial's model and more).\n\
             With no flags, `pbft-sim sweep` reproduces the tutorial's main(): n=10, malicious \
             0..=9, 6 trials, delays 5-35 ms, reorder 0.05, timeout 2 s.",
        )
        .override_usage("pbft-sim <run|sweep|help> [FLAGS]")
        .disable_version_flag(true)
        .arg(
            Arg::new("command")
                .value_name("COMMAND")
                .help("run: one run; sweep: `trials` runs per Byzantine count; help: this text")
                .value_parser(["run", "sweep", "help"]),
        )
        .next_help_heading(format!(
            "Scenario flags (also the browser's URL parameters; defaults of --protocol {})",
            protocol.name()
        ));
    for p in PARAMS {
        let only = p
            .only
            .map(|q| format!("{}: ", q.name()))
            .unwrap_or_default();
        cmd = cmd.arg(
            Arg::new(p.name)
                .long(p.name)
                .value_name(p.value_name())
                .help(format!(
                    "{only}{} [default: {}]",
                    p.help,
                    p.default_text(protocol)
                ))
                .num_args(1)
                .allow_negative_numbers(true)
                .action(ArgAction::Append),
        );
    }
    cmd.next_help_heading("Output and execution")
        .args(cli_flags())
        .after_help(AFTER_HELP)
}

/// `--protocol`'s value, read before parsing so that `--help` shows that protocol's defaults.
fn protocol_given(argv: &[String]) -> Protocol {
    let mut last = None;
    for (i, a) in argv.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--protocol=") {
            last = Some(v.to_string());
        } else if a == "--protocol" {
            last = argv.get(i + 1).cloned();
        }
    }
    last.and_then(|v| Protocol::from_name(v.trim()))
        .unwrap_or_default()
}

/// One line from clap's error: its message and tip, without the usage block.
fn clap_error(e: &clap::Error) -> UsageError {
    let text = e.render().to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"))
        .map(|l| l.trim_start_matches("error: "))
        .collect();
    UsageError::new(
        None,
        format!("{} (pbft-sim --help lists every flag)", lines.join("; ")),
    )
}

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Args, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let argv: Vec<String> = args.into_iter().map(Into::into).collect();
    let protocol = protocol_given(&argv);
    let matches = match command(protocol)
        .no_binary_name(true)
        .try_get_matches_from(&argv)
    {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => return Ok(help(protocol)),
        Err(e) => return Err(clap_error(&e)),
    };
    let command = match matches.get_one::<String>("command").map(String::as_str) {
        Some("run") => Command::Run,
        Some("sweep") => Command::Sweep,
        Some(_) => return Ok(help(protocol)),
        None => {
            return Err(UsageError::new(
                None,
                "no command given; use run, sweep or help (pbft-sim --help)",
            ))
        }
    };
    let parsed = Args {
        command,
        params: scenario_params(&matches),
        options: options(&matches),
    };
    check_command(&parsed)?;
    Ok(parsed)
}

/// A request for help; its `protocol` parameter picks the defaults shown.
fn help(protocol: Protocol) -> Args {
    Args {
        command: Command::Help,
        params: vec![("protocol".into(), protocol.name().into())],
        options: options(&ArgMatches::default()),
    }
}

/// The `--help` text, with the defaults of the protocol the command line names.
pub fn help_text(args: &Args) -> String {
    let given: Vec<String> = args
        .params
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.clone()])
        .collect();
    command(protocol_given(&given))
        .render_long_help()
        .to_string()
}

/// The scenario flags in the order they were given.
fn scenario_params(matches: &ArgMatches) -> Vec<(String, String)> {
    let mut given: Vec<(usize, String, String)> = Vec::new();
    for p in PARAMS {
        let (Some(at), Some(values)) = (
            matches.indices_of(p.name),
            matches.get_many::<String>(p.name),
        ) else {
            continue;
        };
        given.extend(
            at.zip(values)
                .map(|(i, v)| (i, p.name.to_string(), v.clone())),
        );
    }
    given.sort_by_key(|(i, _, _)| *i);
    given.into_iter().map(|(_, k, v)| (k, v)).collect()
}

fn options(m: &ArgMatches) -> Options {
    let get = |name: &str| m.try_get_one::<String>(name).ok().flatten().cloned();
    let flag = |name: &str| m.try_get_one::<bool>(name).ok().flatten() == Some(&true);
    let trace_format = m.try_get_one::<TraceFormat>("trace-format").ok().flatten();
    Options {
        format: m
            .try_get_one::<Format>("format")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(Format::Table),
        jobs: m
            .try_get_one::<usize>("jobs")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(1),
        trial: m
            .try_get_one::<u32>("trial")
            .ok()
            .flatten()
            .copied()
            .unwrap_or(0),
        trace: match (trace_format, flag("trace")) {
            (Some(f), _) => Some(*f),
            (None, true) => Some(TraceFormat::Jsonl),
            (None, false) => None,
        },
        quiet: flag("quiet"),
        plot: get("plot"),
        compare: get("compare"),
        url: get("url"),
    }
}

/// Flags that only make sense for one command are refused on the other, rather than ignored.
fn check_command(args: &Args) -> Result<(), UsageError> {
    let o = &args.options;
    let refuse = |flag: &str, why: &str| Err(UsageError::new(Some(flag), why));
    match args.command {
        Command::Sweep if o.trace.is_some() => refuse(
            "trace",
            "only `pbft-sim run` prints a trace; a sweep would print millions of events",
        ),
        Command::Sweep if o.trial != 0 => refuse(
            "trial",
            "only `pbft-sim run` picks one trial; a sweep runs trials 0..trials",
        ),
        Command::Sweep if o.url.is_some() => refuse(
            "url",
            "only `pbft-sim run` links to the browser's live view; open the Experiments view for a sweep",
        ),
        Command::Run if o.plot.is_some() => refuse(
            "plot",
            "only `pbft-sim sweep` draws charts; they plot a sweep against m",
        ),
        Command::Run if o.url.is_some() && o.trial != 0 => refuse(
            "url",
            "the browser shows trial 0 of a scenario; drop --trial, or vary --seed instead",
        ),
        _ if o.compare.is_some() && o.plot.is_none() => refuse(
            "compare",
            "--compare overlays a second sweep on the charts, so it needs --plot FILE.svg|FILE.png",
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_and_order_are_kept() {
        let a = parse([
            "sweep",
            "--nodes",
            "7",
            "--seed=3",
            "--format",
            "csv",
            "--nodes=4",
        ])
        .unwrap();
        assert_eq!(a.command, Command::Sweep);
        let names: Vec<_> = a.params.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(names, ["nodes=7", "seed=3", "nodes=4"]);
        assert_eq!(a.options.format, Format::Csv);
    }

    #[test]
    fn missing_value_and_unknown_flag_name_the_flag() {
        for argv in [&["run", "--nodes"][..], &["run", "--nodes", "--seed", "1"]] {
            let e = parse(argv.iter().copied()).unwrap_err().to_string();
            assert!(e.contains("--nodes"), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
        let e = parse(["run", "--bogus", "1"]).unwrap_err();
        assert!(e.to_string().contains("--bogus"), "{e}");
        let e = parse(["run", "--node", "1"]).unwrap_err();
        assert!(e.to_string().contains("'--nodes'"), "a suggestion: {e}");
        let e = parse(["run", "--trace=yes"]).unwrap_err();
        assert!(e.to_string().contains("--trace"), "{e}");
    }

    #[test]
    fn a_negative_value_reaches_the_engine() {
        let a = parse(["run", "--seed", "-1"]).unwrap();
        assert_eq!(a.params, [("seed".to_string(), "-1".to_string())]);
    }

    #[test]
    fn bad_cli_values() {
        for argv in [
            ["sweep", "--jobs", "0"],
            ["sweep", "--format", "xml"],
            ["run", "--trial", "x"],
            ["run", "--trace-format", "svg"],
            ["run", "--url", "example.org"],
        ] {
            let e = parse(argv).unwrap_err().to_string();
            assert!(e.contains(argv[1]), "{e}");
        }
        assert!(parse(["sweep", "--trace"]).is_err());
        assert!(parse(["run", "--url", "https://x/", "--trial", "2"]).is_err());
        assert!(parse(["frobnicate"]).is_err());
        assert!(parse(Vec::<String>::new()).is_err());
        assert!(parse(["--nodes", "3"]).is_err());
        let a = parse(["run", "--trace-format", "shiviz"]).unwrap();
        assert_eq!(a.options.trace, Some(TraceFormat::Shiviz));
    }

    #[test]
    fn help_anywhere() {
        for argv in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["sweep", "--help"],
            &["--protocol", "tutorial", "--help"],
        ] {
            assert_eq!(
                parse(argv.iter().copied()).unwrap().command,
                Command::Help,
                "{argv:?}"
            );
        }
    }

    #[test]
    fn every_flag_is_listed_with_a_default() {
        let help = command(Protocol::Tutorial).render_long_help().to_string();
        let names = PARAMS
            .iter()
            .map(|p| p.name)
            .chain(["format", "jobs", "trial", "url"]);
        for name in names {
            let at = help
                .find(&format!("--{name} "))
                .unwrap_or_else(|| panic!("--{name} is not listed"));
            let rest = &help[at..];
            let entry = &rest[..rest[3..].find("\n  --").map_or(rest.len(), |i| i + 3)];
            assert!(entry.contains("[default: "), "--{name}: {entry}");
        }
        let pbft = command(Protocol::Pbft).render_long_help().to_string();
        assert!(
            pbft.contains("cluster size n; f = floor((n-1)/3) [default: 4]"),
            "{pbft}"
        );
        assert!(help.contains("[default: 10]"));
    }
}
