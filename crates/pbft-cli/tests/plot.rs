//! `pbft-sim sweep --plot FILE.svg|FILE.png [--compare NAME=VALUE]`: an SVG file is a complete
//! document with the three charts' titles and every series in the legends, a PNG file a valid
//! 900 × 1500 image with the charts drawn; stdout is the same as without `--plot`, and bad values
//! (an extension other than .svg or .png among them) are refused before any sweep runs (exit 2,
//! nothing written).

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
fn plot_writes_a_png_when_the_file_ends_in_png() {
    let path = out_path("sweep.PNG");
    let sweep = ["sweep", "--trials", "4", "--byzantine", "0..=5", "--quiet"];
    let out = pbft_sim(&[&sweep[..], &["--plot", path.to_str().unwrap()]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.stdout,
        pbft_sim(&sweep).stdout,
        "--plot does not change stdout"
    );
    let bytes = std::fs::read(&path).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes[..]));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader
        .next_frame(&mut pixels)
        .expect("the image data decodes");
    assert_eq!((info.width, info.height), (900, 1500));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let pixels = &pixels[..info.buffer_size()];
    let dark = pixels
        .chunks(3)
        .filter(|p| p.iter().all(|&c| c < 100))
        .count();
    let white = pixels.chunks(3).filter(|p| p == &[255, 255, 255]).count();
    assert!(dark > 5_000, "{dark} dark pixels: text and axes");
    assert!(
        white < 900 * 1500 * 19 / 20,
        "{white} white pixels: nearly blank"
    );
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
    let gif = out_path("nope.gif");
    let svg = out_path("nope.svg");
    for (args, flag) in [
        (vec!["sweep", "--plot", gif.to_str().unwrap()], "--plot"),
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
        assert!(!gif.exists() && !svg.exists(), "{args:?} wrote a file");
    }
    let out = pbft_sim(&["sweep", "--plot", gif.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not end in .svg or .png"),
        "the message names the formats: {err}"
    );
}
