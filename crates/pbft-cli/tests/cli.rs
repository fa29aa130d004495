//! End-to-end tests of the `pbft-sim` binary: output formats, determinism across `--jobs`, the
//! tutorial's table and defaults, traces, and bad input (exit 2, the engine's sentence, nothing on
//! stdout). Trial counts are small so the whole file runs in about a second.

use pbft_engine::ConfigError;
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

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

const MIXED: &[&str] = &[
    "sweep",
    "--byzantine",
    "0..=5",
    "--trials",
    "23",
    "--drop",
    "0.02",
    "--duplicate",
    "0.05",
    "--seed",
    "99",
    "--quiet",
];

#[test]
fn jobs_give_byte_identical_sweeps() {
    for format in ["json", "table", "csv"] {
        let with = |jobs: &str| ok(&[MIXED, &["--format", format, "--jobs", jobs]].concat());
        let one = with("1");
        assert!(one.lines().count() >= 6, "{one}");
        for jobs in ["2", "3", "8"] {
            assert_eq!(
                with(jobs),
                one,
                "--format {format} --jobs {jobs} differs from --jobs 1"
            );
        }
    }
}

#[test]
fn sweep_json_fields_and_types() {
    let points = json_lines(&ok(&[MIXED, &["--format", "json"]].concat()));
    assert_eq!(points.len(), 6);
    for (m, p) in points.iter().enumerate() {
        let ctx = format!("{MIXED:?} point {m}: {p}");
        for key in ["protocol", "strategy"] {
            assert!(p[key].is_string(), "{key}: {ctx}");
        }
        for key in [
            "nodes",
            "f",
            "byzantine",
            "trials",
            "successes",
            "agreements",
            "safety_violations",
            "seed",
        ] {
            assert!(p[key].is_u64(), "{key}: {ctx}");
        }
        for key in [
            "success_rate",
            "messages_mean",
            "delivered_mean",
            "dropped_mean",
            "messages_prepare_mean",
        ] {
            assert!(p[key].is_f64(), "{key}: {ctx}");
        }
        assert_eq!(p["byzantine"].as_u64(), Some(m as u64), "{ctx}");
        assert_eq!(
            (p["nodes"].as_u64(), p["f"].as_u64(), p["trials"].as_u64()),
            (Some(10), Some(3), Some(23))
        );
        let successes = p["successes"].as_u64().unwrap();
        let rate = p["success_rate"].as_f64().unwrap();
        assert!((rate - successes as f64 / 23.0).abs() < 1e-12, "{ctx}");
        assert!(p["agreements"].as_u64().unwrap() <= successes, "{ctx}");
        for key in [
            "latency_ms_mean",
            "latency_ms_p5",
            "latency_ms_p50",
            "latency_ms_p95",
            "latency_ms_max",
        ] {
            if successes == 0 {
                assert!(p[key].is_null(), "{key}: {ctx}");
            } else {
                assert!(p[key].as_f64().unwrap() > 0.0, "{key}: {ctx}");
            }
        }
        if successes > 0 {
            let q = |k: &str| p[k].as_f64().unwrap();
            assert!(
                q("latency_ms_p5") <= q("latency_ms_p50")
                    && q("latency_ms_p50") <= q("latency_ms_p95"),
                "{ctx}"
            );
            assert!(q("latency_ms_p95") <= q("latency_ms_max"), "{ctx}");
        }
        assert!(
            p["dropped_mean"].as_f64().unwrap() > 0.0,
            "drop 0.02 loses messages: {ctx}"
        );
    }
    // Byzantine nodes never send COMMIT in the tutorial's model, so with m > f fewer than 2f + 1
    // nodes vote and no run can commit; with m = 0 most runs do despite the 2 % loss.
    assert!(
        points[0]["successes"].as_u64().unwrap() > 11,
        "{}",
        points[0]
    );
    for p in &points[4..] {
        assert_eq!(p["successes"].as_u64(), Some(0), "{p}");
    }
}

#[test]
fn csv_has_the_json_columns() {
    let json = json_lines(&ok(&[MIXED, &["--format", "json"]].concat()));
    let csv = ok(&[MIXED, &["--format", "csv"]].concat());
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keys: Vec<&str> = json[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = header.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, keys, "serde_json sorts keys; the sets must match");
    assert_eq!(lines.count(), json.len());
}

#[test]
fn defaults_reproduce_the_tutorial_main() {
    let out = ok(&["sweep", "--quiet"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "n=10 => PBFT theoretical max f = floor((n-1)/3) = 3"
    );
    assert!(
        lines[1].starts_with("Theory: safety/liveness typically assumed"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "");
    for (m, line) in lines[3..13].iter().enumerate() {
        // malicious= 0 | success=6/6 | avg_latency=0.2209 | digest_agreement=6/6
        let fields: Vec<&str> = line.split(" | ").collect();
        assert_eq!(fields.len(), 4, "{line}");
        assert_eq!(fields[0], format!("malicious={m:2}"));
        let (s, trials) = fields[1]
            .strip_prefix("success=")
            .unwrap()
            .split_once('/')
            .unwrap();
        assert_eq!(trials, "6", "{line}");
        let s: u32 = s.parse().unwrap();
        let lat = fields[2].strip_prefix("avg_latency=").unwrap();
        if s == 0 {
            assert_eq!(lat, "NA", "{line}");
            assert!(fields[3].ends_with("/1"), "{line}");
        } else {
            let (int, dec) = lat.split_once('.').unwrap();
            assert_eq!((int, dec.len()), ("0", 4), "{line}");
            assert!(fields[3].ends_with(&format!("/{s}")), "{line}");
        }
        assert!(fields[3].starts_with("digest_agreement="), "{line}");
    }
    // m = 9 is the last point; then the extra block.
    assert_eq!(lines[13], "");
    assert!(!out.contains("malicious=10"));
    let json = json_lines(&ok(&["sweep", "--format", "json", "--quiet"]));
    let counts: Vec<u64> = json
        .iter()
        .map(|p| p["byzantine"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, (0..=9).collect::<Vec<_>>());
    assert!(json.iter().all(|p| p["trials"].as_u64() == Some(6)));
}

#[test]
fn run_json_and_its_agreement_with_the_sweep() {
    let mut successes = 0;
    for trial in ["0", "1", "2", "3"] {
        let run = json_lines(&ok(&[
            "run",
            "--byzantine",
            "3",
            "--trial",
            trial,
            "--format",
            "json",
        ]));
        assert_eq!(run.len(), 1);
        let r = &run[0];
        for key in ["success", "agreement", "safety_violation"] {
            assert!(r[key].is_boolean(), "{key}: {r}");
        }
        assert!(
            r["latency_ms"].is_f64() || (r["latency_ms"].is_null() && r["success"] == false),
            "{r}"
        );
        assert!(
            r["messages"].is_u64() && r["delivered"].is_u64() && r["dropped"].is_u64(),
            "{r}"
        );
        assert_eq!(r["byzantine_nodes"].as_array().unwrap().len(), 3, "{r}");
        assert!(r["end_reason"].is_string(), "{r}");
        let by_phase: u64 = r
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("messages_"))
            .map(|(_, v)| v.as_u64().unwrap())
            .sum();
        assert_eq!(Some(by_phase), r["messages"].as_u64(), "{r}");
        successes += u64::from(r["success"] == true);
    }
    // Trial t of `run` is trial t of the sweep point.
    let point = json_lines(&ok(&[
        "sweep",
        "--byzantine",
        "3",
        "--trials",
        "4",
        "--format",
        "json",
    ]));
    assert_eq!(point[0]["successes"].as_u64(), Some(successes));
}

#[test]
fn run_trace_is_json_lines_ending_with_end() {
    let args = [
        "run",
        "--byzantine",
        "1",
        "--seed",
        "5",
        "--trace",
        "--format",
        "json",
    ];
    let out = pbft_sim(&args);
    assert!(out.status.success());
    let mut events = json_lines(&String::from_utf8(out.stdout.clone()).unwrap());
    // The first line says how to reproduce the trace.
    let header = events.remove(0);
    assert_eq!(header["format"], "pbft-sim-trace");
    assert_eq!(header["trial"], 0);
    assert_eq!(header["config"]["seed"], "5");
    assert_eq!(header["config"]["byzantine"], "1");
    assert!(events.len() > 50, "{} events", events.len());
    let mut last_us = 0;
    for e in &events {
        let t = e["time_us"].as_u64().unwrap();
        assert!(t >= last_us, "time goes backwards at {e}");
        last_us = t;
        assert!(e["kind"].is_string(), "{e}");
    }
    let end = events.last().unwrap();
    assert_eq!(end["kind"], "end", "{end}");
    assert_eq!(events.iter().filter(|e| e["kind"] == "end").count(), 1);
    // The summary is on stderr, in the chosen format, and agrees with the end event.
    let summary = json_lines(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["success"], end["success"]);
    assert_eq!(
        summary[0]["end_ms"].as_f64().unwrap() * 1000.0,
        last_us as f64
    );
    // Same flags, same trace.
    assert_eq!(pbft_sim(&args).stdout, out.stdout);
}

#[test]
fn bad_input_exits_2_with_the_engine_sentence() {
    let cases: Vec<(Vec<&str>, String, &str)> = vec![
        (
            vec!["--nodes", "0"],
            ConfigError::OutOfRange {
                field: "nodes",
                given: "0".into(),
            }
            .to_string(),
            "--nodes",
        ),
        (
            vec!["--min-delay-ms", "50", "--max-delay-ms", "10"],
            ConfigError::DelayOrder {
                min_delay_ms: 50.0,
                max_delay_ms: 10.0,
            }
            .to_string(),
            "--min-delay-ms",
        ),
        (
            vec!["--drop", "1.5"],
            ConfigError::OutOfRange {
                field: "drop",
                given: "1.5".into(),
            }
            .to_string(),
            "--drop",
        ),
        (
            vec!["--protocol", "paxos"],
            ConfigError::UnknownChoice {
                field: "protocol",
                given: "paxos".into(),
            }
            .to_string(),
            "--protocol",
        ),
        (
            vec!["--byzantine", "11"],
            ConfigError::ByzantineExceedsNodes {
                byzantine: 11,
                nodes: 10,
            }
            .to_string(),
            "--byzantine",
        ),
        (
            vec!["--byzantine-nodes", "12"],
            ConfigError::ByzantineNodeOutOfRange { id: 12, nodes: 10 }.to_string(),
            "--byzantine-nodes",
        ),
        (
            vec!["--timeout-ms", "abc"],
            ConfigError::NotANumber {
                field: "timeout-ms",
                given: "abc".into(),
            }
            .to_string(),
            "--timeout-ms",
        ),
        (
            vec!["--byzantine", "5..2"],
            ConfigError::BadByzantineRange {
                given: "5..2".into(),
            }
            .to_string(),
            "--byzantine",
        ),
        (
            vec!["--trials", "0"],
            ConfigError::OutOfRange {
                field: "trials",
                given: "0".into(),
            }
            .to_string(),
            "--trials",
        ),
        (
            vec!["--frobnicate", "1"],
            "unexpected argument".into(),
            "--frobnicate",
        ),
        (vec!["--seed"], "a value is required".into(), "--seed"),
        (
            vec!["--format", "xml"],
            "choose table, csv, json".into(),
            "--format",
        ),
        (vec!["--jobs", "0"], "from 1".into(), "--jobs"),
    ];
    for command in ["run", "sweep"] {
        for (flags, sentence, flag) in &cases {
            let args = [&[command][..], flags].concat();
            let out = pbft_sim(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "pbft-sim {args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "pbft-sim {args:?} printed to stdout");
            assert_eq!(stderr.lines().count(), 1, "pbft-sim {args:?}: {stderr}");
            assert!(
                stderr.contains(sentence.as_str()),
                "pbft-sim {args:?}: {stderr} lacks {sentence}"
            );
            assert!(
                stderr.contains(flag),
                "pbft-sim {args:?}: {stderr} does not name {flag}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    for args in [
        &["sweep", "--trace"][..],
        &["run", "--byzantine", "0..=3"],
        &["nonsense"],
        &[],
    ] {
        let out = pbft_sim(args);
        assert_eq!(out.status.code(), Some(2), "pbft-sim {args:?}");
        assert!(out.stdout.is_empty(), "pbft-sim {args:?}");
    }
}

#[test]
fn help_lists_every_flag() {
    let help = ok(&["--help"]);
    for name in pbft_engine::PARAMS.iter().map(|p| p.name).chain([
        "format",
        "jobs",
        "trace",
        "quiet",
        "trial",
        "trace-format",
        "url",
    ]) {
        assert!(
            help.contains(&format!("--{name}")),
            "--{name} missing from help"
        );
    }
    assert_eq!(ok(&["help"]), help);
    assert_eq!(ok(&["sweep", "--nodes", "4", "--help"]), help);
}
