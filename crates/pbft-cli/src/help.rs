//! `pbft-sim --help`: every flag, what it does and its default.
//!
//! The scenario flags are listed from [`pbft_engine::PARAMETERS`] itself and their defaults are
//! read from `Config::for_protocol(p)` (`pbft-sim --protocol p --help` shows protocol p's), so the
//! reference cannot drift from the engine; a parameter the engine adds before this file learns to
//! describe it still appears.

use crate::args::CLI_FLAGS;
use crate::scenario::default_counts;
use pbft_engine::{Config, Protocol, Strategy, MAX_NODES, PARAMETERS};

/// (value placeholder, description) of a scenario parameter.
fn describe(name: &str) -> (String, &'static str) {
    let choices = |names: &[&str]| names.join("|");
    match name {
        "protocol" => (
            choices(Protocol::NAMES),
            "the protocol the nodes run; applied first, its defaults are the base",
        ),
        "nodes" => (
            format!("N (1..={MAX_NODES})"),
            "cluster size n; f = floor((n-1)/3)",
        ),
        "byzantine" => (
            "M | A..=B | A..B | A,B,..".into(),
            "Byzantine nodes placed at random; sweep: one point per count",
        ),
        "byzantine-nodes" => (
            "ID,ID,..".into(),
            "explicit Byzantine node ids (overrides random placement; fixes the count)",
        ),
        "strategy" => (choices(Strategy::NAMES), "what Byzantine nodes do"),
        "trials" => ("T".into(), "runs per Byzantine count in a sweep"),
        "min-delay-ms" => ("MS".into(), "shortest one-way message delay"),
        "max-delay-ms" => (
            "MS".into(),
            "longest one-way message delay (uniform in between)",
        ),
        "drop" => ("P".into(), "probability a message is lost"),
        "reorder" => (
            "P".into(),
            "probability a message is held back an extra 0-20 ms",
        ),
        "duplicate" => ("P".into(), "probability a message is delivered twice"),
        "timeout-ms" => (
            "MS".into(),
            "a run fails unless every honest node commits by then",
        ),
        "processing" => (
            "concurrent|sequential".into(),
            "sequential: one message at a time, busy until a broadcast lands (the tutorial)",
        ),
        "requests" => ("R".into(), "client requests per run"),
        "partition" => (
            "IDS@FROM-UNTIL;..".into(),
            "cut nodes off from FROM to UNTIL ms, e.g. 0,1@100-500",
        ),
        "seed" => (
            "S".into(),
            "base seed; run (seed, byzantine, trial) is reproducible",
        ),
        "checkpoint-interval" => (
            "K".into(),
            "pbft: a CHECKPOINT every K sequence numbers; high watermark = stable + 2K",
        ),
        "view-timeout-ms" => (
            "MS|auto".into(),
            "pbft: first view-change (and client retry) timer; doubles per view change",
        ),
        "slow-ms" => (
            "MS".into(),
            "strategy slow: extra delay on everything a Byzantine node sends",
        ),
        _ => (
            "VALUE".into(),
            "engine parameter (see pbft_engine::Config::set)",
        ),
    }
}

/// The default of a scenario parameter in `config` (a protocol's defaults), as text.
fn default_text(config: &Config, name: &str) -> String {
    match name {
        "byzantine" => {
            let counts = default_counts(config);
            format!(
                "run: {}; sweep: 0..=min(n, f+6) = 0..={}",
                config.byzantine,
                counts.last().copied().unwrap_or(0)
            )
        }
        "byzantine-nodes" | "partition" => "none".into(),
        "view-timeout-ms" => config.view_timeout_ms.map_or_else(
            || format!("auto = {} here", config.view_timeout_us() as f64 / 1000.0),
            |ms| format!("{ms}"),
        ),
        _ => config
            .param(name)
            .unwrap_or_else(|| "the protocol's".into()),
    }
}

/// The full reference, with the defaults of `protocol`.
pub fn text(protocol: Protocol) -> String {
    let config = Config::for_protocol(protocol);
    let mut out = String::from(
        "pbft-sim: a deterministic PBFT simulator (the asyncio tutorial's model and more)\n\
         \n\
         USAGE:\n\
         \x20 pbft-sim run   [FLAGS]   one run: a summary (--trace: every event as JSON lines)\n\
         \x20 pbft-sim sweep [FLAGS]   `trials` runs per Byzantine count, one result per count\n\
         \x20 pbft-sim help            this text (also --help, -h)\n\
         \n\
         Every flag is written --name value or --name=value. With no flags, `pbft-sim sweep`\n\
         reproduces the tutorial's main(): n=10, malicious 0..=9, 6 trials, delays 5-35 ms,\n\
         reorder 0.05, timeout 2 s.\n\
         \n\
         SCENARIO FLAGS (the browser's URL parameters use the same names):\n",
    );
    out.push_str(&format!(
        "  (defaults of --protocol {}; `pbft-sim --protocol NAME --help` shows another's)\n",
        protocol.name()
    ));
    for name in PARAMETERS {
        let (value, help) = describe(name);
        out.push_str(&format!(
            "  --{name} {value}\n      {help} [default: {}]\n",
            default_text(&config, name)
        ));
    }
    out.push_str("\nOUTPUT AND EXECUTION FLAGS:\n");
    for flag in CLI_FLAGS {
        let value = flag.value.map(|v| format!(" {v}")).unwrap_or_default();
        out.push_str(&format!(
            "  --{}{value}\n      {} [default: {}]\n",
            flag.name, flag.help, flag.default
        ));
    }
    out.push_str(
        "\nOUTPUT:\n\
         \x20 table  the tutorial's lines (malicious= 0 | success=6/6 | avg_latency=0.2209 s | ...),\n\
         \x20        then p50/p95/max latency (ms), mean messages and safety violations per count\n\
         \x20 csv    a header, then one row per count (run: one row)\n\
         \x20 json   one object per line per count (run: one object); latency fields are null\n\
         \x20        when no run succeeded\n\
         \x20 run --trace prints only trace events (JSON lines ending with the `end` event) on\n\
         \x20 stdout and the summary, in the chosen format, on stderr.\n\
         \x20 A sweep shows a progress bar on stderr when it is a terminal (--quiet: never).\n\
         \n\
         EXIT STATUS: 0 on success, 2 for a bad flag or value (one line on stderr naming the flag).\n\
         \n\
         EXAMPLES:\n\
         \x20 pbft-sim sweep\n\
         \x20 pbft-sim sweep --byzantine 0..=10 --trials 1000 --format json --jobs 2\n\
         \x20 pbft-sim run --byzantine 2 --trial 3 --trace\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_listed_with_a_default() {
        let help = text(Protocol::Tutorial);
        for name in PARAMETERS.iter().chain(CLI_FLAGS.iter().map(|f| &f.name)) {
            let at = [format!("  --{name} "), format!("  --{name}\n")]
                .iter()
                .find_map(|head| help.find(head.as_str()))
                .unwrap_or_else(|| panic!("--{name} is not listed"));
            let rest = &help[at..];
            let entry = &rest[..rest[3..].find("\n  --").map_or(rest.len(), |i| i + 3)];
            assert!(entry.contains("[default: "), "--{name}: {entry}");
        }
        assert!(help.contains("sweep: 0..=min(n, f+6) = 0..=9"));
    }
}
