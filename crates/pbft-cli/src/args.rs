//! Command-line parsing: `pbft-sim <run|sweep|help> [--flag value | --flag=value]...`.
//!
//! There is one vocabulary. Every flag whose name is in [`pbft_engine::PARAMETERS`] is a scenario
//! parameter: it is kept, in order, as a (name, value) pair and later applied with
//! `Config::set(name, value)` (see `scenario`), so the engine's parser and its error sentences are
//! the CLI's, and a parameter the engine adds later is a flag here with no change. Only the flags
//! in [`CLI_FLAGS`] belong to the CLI itself (output format, threads, tracing, progress). Adding
//! one (for example `--plot FILE`) is one entry in that table and one field in [`Options`].

use pbft_engine::PARAMETERS;
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

/// A CLI-only flag: its name, the placeholder of its value (`None` for a switch), its default
/// and what it does.
pub struct FlagSpec {
    pub name: &'static str,
    pub value: Option<&'static str>,
    pub default: &'static str,
    pub help: &'static str,
}

/// The flags that are not scenario parameters.
pub const CLI_FLAGS: &[FlagSpec] = &[
    FlagSpec {
        name: "format",
        value: Some("table|csv|json"),
        default: "table",
        help: "how results are printed on stdout",
    },
    FlagSpec {
        name: "jobs",
        value: Some("N"),
        default: "1",
        help: "sweep: threads to run trials on; output is identical for every N",
    },
    FlagSpec {
        name: "trial",
        value: Some("T"),
        default: "0",
        help: "run: which trial index to run (trial T of a sweep point, same seed stream)",
    },
    FlagSpec {
        name: "trace",
        value: None,
        default: "off",
        help: "run: print every event as a JSON line on stdout; the summary goes to stderr",
    },
    FlagSpec {
        name: "quiet",
        value: None,
        default: "off",
        help: "sweep: never show the progress bar on stderr",
    },
    FlagSpec {
        name: "plot",
        value: Some("FILE.svg|FILE.png"),
        default: "none",
        help: "sweep: also draw latency, success/agreement and messages against m, stacked in one \
               900x1500 image; the extension picks SVG or PNG (text drawn with a built-in font)",
    },
    FlagSpec {
        name: "compare",
        value: Some("NAME=VALUE"),
        default: "none",
        help: "sweep --plot: run a second sweep with one parameter changed (e.g. strategy=silent, \
               protocol=pbft) and overlay it on every chart; only the first sweep is printed",
    },
];

/// The CLI-only settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub format: Format,
    pub jobs: usize,
    pub trial: u32,
    pub trace: bool,
    pub quiet: bool,
    /// `--plot`: where to write the sweep's charts (SVG or PNG, by the extension).
    pub plot: Option<String>,
    /// `--compare`: the (parameter, value) of the overlaid second sweep.
    pub compare: Option<(String, String)>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            format: Format::Table,
            jobs: 1,
            trial: 0,
            trace: false,
            quiet: false,
            plot: None,
            compare: None,
        }
    }
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

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Args, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let all: Vec<String> = args.into_iter().map(Into::into).collect();
    let wants_help = all.iter().any(|a| a == "--help" || a == "-h");
    let mut args = all.into_iter().peekable();
    // With --help anywhere, no command is needed (`pbft-sim --protocol p --help` shows p's
    // defaults), so a leading flag is left for the flag loop.
    let command = match args
        .next_if(|a| !(wants_help && a.starts_with("--")))
        .as_deref()
    {
        Some("run") => Command::Run,
        Some("sweep") => Command::Sweep,
        Some("help" | "--help" | "-h") => Command::Help,
        Some(other) => {
            return Err(UsageError::new(
                None,
                format!("unknown command '{other}'; use run, sweep or help (pbft-sim --help)"),
            ))
        }
        None if wants_help => Command::Help,
        None => {
            return Err(UsageError::new(
                None,
                "no command given; use run, sweep or help (pbft-sim --help)",
            ))
        }
    };
    let mut parsed = Args {
        command,
        params: Vec::new(),
        options: Options::default(),
    };
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            parsed.command = Command::Help;
            continue;
        }
        let Some(body) = arg.strip_prefix("--").filter(|b| !b.is_empty()) else {
            return Err(UsageError::new(
                None,
                format!("unexpected argument '{arg}'; flags are written --name value"),
            ));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        let spec = CLI_FLAGS.iter().find(|s| s.name == name);
        let takes_value = spec.is_none_or(|s| s.value.is_some());
        if spec.is_none() && !PARAMETERS.contains(&name.as_str()) {
            return Err(UsageError::new(
                None,
                format!("unknown flag '--{name}' (pbft-sim --help lists every flag)"),
            ));
        }
        let value = if takes_value {
            match inline {
                Some(v) => v,
                // A value may start with one '-' (the engine then explains a negative number),
                // but "--x" is the next flag, so the value is missing.
                None => match args.next_if(|next| !next.starts_with("--")) {
                    Some(v) => v,
                    None => return Err(UsageError::new(Some(&name), "this flag needs a value")),
                },
            }
        } else {
            if inline.is_some() {
                return Err(UsageError::new(Some(&name), "this flag takes no value"));
            }
            String::new()
        };
        if spec.is_some() {
            set_option(&mut parsed.options, &name, &value)?;
        } else {
            parsed.params.push((name, value));
        }
    }
    check_command(&parsed)?;
    Ok(parsed)
}

fn set_option(options: &mut Options, name: &str, value: &str) -> Result<(), UsageError> {
    let bad = |message: String| Err(UsageError::new(Some(name), message));
    match name {
        "format" => {
            options.format = match value.trim() {
                "table" => Format::Table,
                "csv" => Format::Csv,
                "json" => Format::Json,
                other => {
                    return bad(format!(
                        "choose table, csv or json; '{other}' is none of these"
                    ))
                }
            }
        }
        "jobs" => match value.trim().parse::<usize>() {
            Ok(n @ 1..=1024) => options.jobs = n,
            _ => {
                return bad(format!(
                    "jobs must be a whole number from 1 to 1024; '{value}' is not"
                ))
            }
        },
        "trial" => match value.trim().parse::<u32>() {
            Ok(t) => options.trial = t,
            _ => {
                return bad(format!(
                    "trial must be a trial index from 0 to {}; '{value}' is not",
                    u32::MAX
                ))
            }
        },
        "trace" => options.trace = true,
        "quiet" => options.quiet = true,
        "plot" => options.plot = Some(crate::plot::check_path(value)?),
        "compare" => options.compare = Some(crate::plot::check_compare(value)?),
        _ => unreachable!("every CLI_FLAGS entry is handled"),
    }
    Ok(())
}

/// Flags that only make sense for one command are refused on the other, rather than ignored.
fn check_command(args: &Args) -> Result<(), UsageError> {
    if args.command == Command::Sweep && args.options.trace {
        return Err(UsageError::new(
            Some("trace"),
            "only `pbft-sim run` prints a trace; a sweep would print millions of events",
        ));
    }
    if args.command == Command::Run && args.options.plot.is_some() {
        return Err(UsageError::new(
            Some("plot"),
            "only `pbft-sim sweep` draws charts; they plot a sweep against m",
        ));
    }
    if args.options.compare.is_some() && args.options.plot.is_none() {
        return Err(UsageError::new(
            Some("compare"),
            "--compare overlays a second sweep on the charts, so it needs --plot FILE.svg|FILE.png",
        ));
    }
    if args.command == Command::Sweep && args.options.trial != 0 {
        return Err(UsageError::new(
            Some("trial"),
            "only `pbft-sim run` picks one trial; a sweep runs trials 0..trials",
        ));
    }
    Ok(())
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
        let e = parse(["run", "--nodes"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("nodes"));
        let e = parse(["run", "--nodes", "--seed", "1"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("nodes"));
        let e = parse(["run", "--bogus", "1"]).unwrap_err();
        assert!(e.to_string().contains("--bogus"), "{e}");
        let e = parse(["run", "--trace=yes"]).unwrap_err();
        assert_eq!(e.flag.as_deref(), Some("trace"));
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
        ] {
            let e = parse(argv).unwrap_err();
            assert_eq!(e.flag.as_deref(), Some(argv[1].trim_start_matches('-')));
        }
        assert!(parse(["sweep", "--trace"]).is_err());
        assert!(parse(["frobnicate"]).is_err());
        assert!(parse(Vec::<String>::new()).is_err());
        assert!(parse(["--nodes", "3"]).is_err());
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
}
