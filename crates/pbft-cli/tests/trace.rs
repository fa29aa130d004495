//! `pbft-sim run`'s traces and links: the JSON Lines trace reproduces itself through the engine,
//! the ShiViz log starts with its parser expression, and `--url` links to the same scenario.

use serde_json::Value;
use std::process::{Command, Output};

fn pbft_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pbft-sim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs `args`, expecting success; returns stdout.
fn ok(args: &[&str]) -> String {
    let out = pbft_sim(args);
    assert!(
        out.status.success(),
        "pbft-sim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// The trace's header reads back, through the engine, to the config that made it, and the
/// events compare identical when re-simulated (what the browser does with a dropped trace).
#[test]
fn a_trace_reproduces_itself() {
    let args = [
        "run",
        "--protocol",
        "pbft",
        "--nodes",
        "7",
        "--byzantine-nodes",
        "0",
        "--drop",
        "0.02",
        "--trial",
        "3",
        "--trace",
    ];
    let text = ok(&args);
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = header["config"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let config = pbft_engine::Config::from_params(&pairs).unwrap();
    assert_eq!(
        (config.nodes, config.byzantine_nodes.clone()),
        (7, Some(vec![0]))
    );
    let trial = header["trial"].as_u64().unwrap() as u32;
    assert_eq!(
        pbft_engine::export::trace::compare(&config, trial, lines).unwrap(),
        pbft_engine::export::trace::Comparison::Identical {
            events: text.lines().count() - 1
        }
    );
}

/// A ShiViz log: the parser expression, an empty delimiter line, then one line per event on a
/// host (the run's end is no host's event).
#[test]
fn shiviz_logs_start_with_the_parser_expression() {
    let text = ok(&["run", "--protocol", "pbft", "--trace-format", "shiviz"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], pbft_engine::export::shiviz::REGEX);
    assert_eq!(lines[1], "");
    assert!(lines[2..]
        .iter()
        .all(|l| l.starts_with("node") || l.starts_with("client")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("receives node 0's PRE-PREPARE")),
        "{text}"
    );
}

/// `--url` prints a link whose query reads back, through the engine, to the same scenario.
#[test]
fn the_url_opens_the_same_run() {
    let args = [
        "run",
        "--nodes",
        "7",
        "--byzantine-nodes",
        "1,4",
        "--partition",
        "0,1@100-500",
        "--url",
        "https://example.org/pbft/?old=1",
    ];
    let out = pbft_sim(&args);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let link = stderr
        .lines()
        .find_map(|l| l.strip_prefix("open in the browser: "))
        .unwrap_or_else(|| panic!("no link: {stderr}"));
    let query = link.strip_prefix("https://example.org/pbft/?").expect(link);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let from_link = pbft_engine::Config::from_params(&pairs).unwrap();
    let flags: Vec<(String, String)> = [
        ("nodes", "7"),
        ("byzantine-nodes", "1,4"),
        ("partition", "0,1@100-500"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .to_vec();
    assert_eq!(from_link, pbft_engine::Config::from_params(&flags).unwrap());
}
