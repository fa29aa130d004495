//! `pbft-sim sweep --plot FILE.svg [--compare NAME=VALUE]`: the file is a complete SVG document
//! with the three charts' titles, every series in the legends, the same stdout as without
//! `--plot`, and bad values refused before any sweep runs (exit 2, nothing written).

use std::path::PathBuf;
use std::process::{Command, Output};

fn pbft_sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pbft-sim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A fresh path under the target directory's temp area.
fn out_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plot-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

const TITLES: [&str; 3] = [
    "Commit latency against Byzantine nodes",
    "Success and agreement rate against Byzantine nodes",
    "Messages per run against Byzantine nodes",
];

fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .map(|t| {
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            body.trim().to_string()
        })
        .collect()
}

#[test]
fn plot_writes_an_svg_with_the_three_charts() {
    let path = out_path("sweep.svg");
    let sweep = ["sweep", "--trials", "12", "--format", "csv", "--quiet"];
    let out = pbft_sim(&[&sweep[..], &["--plot", path.to_str().unwrap()]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plain = pbft_sim(&sweep);
    assert_eq!(out.stdout, plain.stdout, "--plot does not change stdout");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains(r#"width="900" height="1500""#));
    let texts = texts(&svg);
    for title in TITLES {
        assert_eq!(
            texts.iter().filter(|t| *t == title).count(),
            1,
            "{title} in {texts:?}"
        );
    }
    assert_eq!(texts.iter().filter(|t| *t == "f = 3").count(), 3);
    assert!(
        texts.iter().any(|t| t == "tutorial, n=10: mean"),
        "{texts:?}"
    );
    assert!(!svg.contains("NaN"));
}

#[test]
fn compare_overlays_a_second_sweep() {
    let path = out_path("compare.svg");
    let out = pbft_sim(&[
        "sweep",
        "--trials",
        "8",
        "--byzantine",
        "0..=5",
        "--quiet",
        "--format",
        "json",
        "--plot",
        path.to_str().unwrap(),
        "--compare",
        "strategy=silent",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 6, "only the first sweep is printed");
    let texts = texts(&std::fs::read_to_string(&path).unwrap());
    for label in [
        "strategy=tutorial: mean",
        "strategy=silent: mean",
        "strategy=tutorial: success",
        "strategy=silent: agreement",
        "strategy=silent: messages",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
}

#[test]
fn bad_plot_flags_exit_2_before_running() {
    let png = out_path("nope.png");
    let svg = out_path("nope.svg");
    for (args, flag) in [
        (vec!["sweep", "--plot", png.to_str().unwrap()], "--plot"),
        (vec!["run", "--plot", svg.to_str().unwrap()], "--plot"),
        (vec!["sweep", "--compare", "strategy=silent"], "--compare"),
        (
            vec![
                "sweep",
                "--plot",
                svg.to_str().unwrap(),
                "--compare",
                "strategy=bogus",
            ],
            "--compare",
        ),
        (
            vec![
                "sweep",
                "--plot",
                svg.to_str().unwrap(),
                "--compare",
                "nodes=0",
            ],
            "--compare",
        ),
    ] {
        let out = pbft_sim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!png.exists() && !svg.exists(), "{args:?} wrote a file");
    }
}
