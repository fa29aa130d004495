//! The charts drawn natively on plotters' SVG backend and read back: titles and axis labels with
//! units, every series drawn and named in the legend, the f marker on the tick of f, gaps (not
//! zeros) where no run succeeded, and never a NaN or infinity in the document.

use pbft_charts::frame::PALETTE;
use pbft_charts::{render_one_svg, render_svg, ChartData, Series, CHART_TITLES};
use pbft_engine::{Config, PointStats, Strategy, Sweep, SweepPoint};
use std::collections::BTreeMap;

const W: u32 = 900;
const H: u32 = 500;

type Attrs = BTreeMap<String, String>;

/// The attributes of every `<tag ...>` element, in document order.
fn elements(svg: &str, tag: &str) -> Vec<Attrs> {
    let open = format!("<{tag} ");
    svg.match_indices(&open)
        .map(|(at, _)| {
            let body = &svg[at + open.len()..];
            let body = &body[..body.find('>').expect("element closes")];
            attrs(body)
        })
        .collect()
}

fn attrs(body: &str) -> Attrs {
    let mut out = Attrs::new();
    let mut rest = body;
    while let Some(eq) = rest.find("=\"") {
        let key = rest[..eq].trim().to_string();
        let after = &rest[eq + 2..];
        let end = after.find('"').expect("attribute closes");
        out.insert(key, after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// Every `<text>` element: its attributes and its trimmed content.
fn texts(svg: &str) -> Vec<(Attrs, String)> {
    svg.match_indices("<text ")
        .map(|(at, _)| {
            let body = &svg[at + 6..];
            let close = body.find('>').unwrap();
            let end = body.find("</text>").unwrap();
            (
                attrs(&body[..close]),
                body[close + 1..end].trim().to_string(),
            )
        })
        .collect()
}

fn has_text(svg: &str, want: &str) -> bool {
    texts(svg).iter().any(|(_, t)| t == want)
}

fn points_of(poly: &Attrs) -> Vec<(i32, i32)> {
    poly["points"]
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn sweep(config: &Config, counts: &[u32]) -> Vec<SweepPoint> {
    Sweep::new(config, counts).unwrap().run_all()
}

/// The tutorial at n = 10 (f = 3), 30 trials, m = 0..=9: no run succeeds for m ≥ 4.
fn tutorial() -> Vec<SweepPoint> {
    let config = Config {
        trials: 30,
        ..Config::default()
    };
    sweep(&config, &(0..=9).collect::<Vec<_>>())
}

fn compare() -> ChartData {
    let silent = Config {
        trials: 30,
        strategy: Strategy::Silent,
        ..Config::default()
    };
    ChartData {
        series: vec![
            Series {
                label: "tutorial".into(),
                points: tutorial(),
            },
            Series {
                label: "silent".into(),
                points: sweep(&silent, &(0..=9).collect::<Vec<_>>()),
            },
        ],
    }
}

/// A hand-made point at count `m` with mean latency `latency_ms` (None: no success). Built from
/// an empty `PointStats` so fields the engine adds later keep their defaults.
fn point(m: u32, latency_ms: Option<f64>) -> SweepPoint {
    let ok = latency_ms.is_some();
    let mut p = PointStats::default().finish(&Config::default(), m);
    p.trials = 10;
    p.successes = if ok { 10 } else { 0 };
    p.success_rate = if ok { 1.0 } else { 0.0 };
    p.agreements = p.successes;
    p.latency_ms_mean = latency_ms;
    p.latency_ms_p5 = latency_ms.map(|l| l * 0.8);
    p.latency_ms_p50 = latency_ms;
    p.latency_ms_p95 = latency_ms.map(|l| l * 1.2);
    p.latency_ms_max = latency_ms.map(|l| l * 1.3);
    p.messages_mean = 100.0;
    p
}

#[test]
fn each_chart_has_its_title_and_axes_with_units() {
    let data = ChartData::single("tutorial", tutorial());
    let y_desc = [
        "commit latency (ms), successful runs",
        "runs (%)",
        "messages per run (mean)",
    ];
    for (which, title) in CHART_TITLES.iter().enumerate() {
        let svg = render_one_svg(which, &data, W, H).unwrap();
        assert!(has_text(&svg, title), "chart {which}: no title");
        assert!(has_text(&svg, "Byzantine nodes m (count)"), "chart {which}");
        assert!(has_text(&svg, y_desc[which]), "chart {which}: no y label");
        for m in 0..=9 {
            assert!(has_text(&svg, &m.to_string()), "chart {which}: no tick {m}");
        }
    }
    let all = render_svg(&data, W, 3 * H).unwrap();
    for title in CHART_TITLES {
        assert!(has_text(&all, title), "stacked: {title}");
    }
}

#[test]
fn every_series_is_drawn_and_named_in_the_legend() {
    let data = compare();
    let legends = [
        &[
            "tutorial: mean",
            "tutorial: p5–p95",
            "silent: mean",
            "silent: p5–p95",
        ][..],
        &[
            "tutorial: success",
            "tutorial: agreement",
            "silent: success",
            "silent: agreement",
        ],
        &["tutorial: messages", "silent: messages"],
    ];
    for (which, names) in legends.iter().enumerate() {
        let svg = render_one_svg(which, &data, W, H).unwrap();
        for name in *names {
            assert!(has_text(&svg, name), "chart {which}: legend lacks {name}");
        }
        for (i, series) in data.series.iter().enumerate() {
            let colour = hex(PALETTE[i]);
            let lines = elements(&svg, "polyline")
                .into_iter()
                .filter(|p| p["stroke"] == colour && p["stroke-width"] == "2")
                .count();
            assert!(
                lines >= 1,
                "chart {which}: series {} has no line",
                series.label
            );
        }
    }
    // The first series' filled circles: one per point with a value, plus one legend marker.
    let circles = |svg: &str| {
        elements(svg, "circle")
            .into_iter()
            .filter(|c| c["fill"] == hex(PALETTE[0]))
            .count()
    };
    let succeeded = data.series[0]
        .points
        .iter()
        .filter(|p| p.latency_ms_mean.is_some())
        .count();
    assert_eq!(succeeded, 4, "the tutorial succeeds only for m <= f = 3");
    assert_eq!(
        circles(&render_one_svg(0, &data, W, H).unwrap()),
        succeeded + 1
    );
    assert_eq!(circles(&render_one_svg(2, &data, W, H).unwrap()), 10 + 1);
}

/// The x of the f marker's vertical line, and the x of the x-axis tick labelled `label`.
fn marker_and_tick_x(svg: &str, label: &str) -> (Vec<i32>, i32) {
    let grey = hex(pbft_charts::frame::F_MARKER_COLOR);
    let markers: Vec<i32> = elements(svg, "polyline")
        .into_iter()
        .filter(|p| p["stroke"] == grey)
        .map(|p| {
            let pts = points_of(&p);
            assert_eq!(pts.len(), 2);
            assert_eq!(pts[0].0, pts[1].0, "the f marker is vertical");
            assert!((pts[0].1 - pts[1].1).abs() > 100, "it spans the plot");
            pts[0].0
        })
        .collect();
    let tick = texts(svg)
        .into_iter()
        .filter(|(a, t)| t == label && a["text-anchor"] == "middle")
        .map(|(a, _)| a["x"].parse::<i32>().unwrap())
        .next()
        .unwrap_or_else(|| panic!("no x tick {label}"));
    (markers, tick)
}

#[test]
fn the_f_marker_stands_on_the_tick_of_f() {
    let data = ChartData::single("tutorial", tutorial());
    for which in 0..3 {
        let svg = render_one_svg(which, &data, W, H).unwrap();
        let (markers, tick) = marker_and_tick_x(&svg, "3");
        assert_eq!(markers, [tick], "chart {which}: f = 3 marker");
        // Its label stands at the line's foot on the left, clear of the legend (top right).
        let (label, _) = texts(&svg)
            .into_iter()
            .find(|(_, t)| t == "f = 3")
            .unwrap_or_else(|| panic!("chart {which}: no f label"));
        let (x, y): (f64, f64) = (label["x"].parse().unwrap(), label["y"].parse().unwrap());
        assert!(
            x < f64::from(tick),
            "chart {which}: label x {x} not left of {tick}"
        );
        assert!(
            y > f64::from(H) / 2.0,
            "chart {which}: label y {y} not in the lower half"
        );
    }
    // n = 4: f = 1; and a sweep that stops short of f still shows f.
    let small = Config {
        nodes: 4,
        trials: 5,
        ..Config::default()
    };
    let data = ChartData::single("n=4", sweep(&small, &[0, 1, 2, 3, 4]));
    let svg = render_one_svg(1, &data, W, H).unwrap();
    let (markers, tick) = marker_and_tick_x(&svg, "1");
    assert_eq!(markers, [tick]);
    let short = ChartData::single("short", sweep(&Config::default(), &[0, 1]));
    let svg = render_one_svg(0, &short, W, H).unwrap();
    let (markers, tick) = marker_and_tick_x(&svg, "3");
    assert_eq!(
        markers,
        [tick],
        "the axis reaches f even when the sweep does not"
    );
}

#[test]
fn a_point_without_success_is_a_gap_not_a_zero() {
    let points = vec![
        point(0, Some(200.0)),
        point(1, Some(180.0)),
        point(2, None),
        point(3, Some(150.0)),
        point(4, Some(140.0)),
        point(5, None),
    ];
    let data = ChartData::single("gappy", points);
    let svg = render_one_svg(0, &data, W, H).unwrap();
    let colour = hex(PALETTE[0]);
    let lines: Vec<Vec<(i32, i32)>> = elements(&svg, "polyline")
        .iter()
        .filter(|p| p["stroke"] == colour && p["stroke-width"] == "2")
        .map(points_of)
        .collect();
    assert_eq!(lines.len(), 2, "the mean line breaks at m = 2: {lines:?}");
    assert_eq!(lines[0].len(), 2);
    assert_eq!(lines[1].len(), 2);
    let bands = elements(&svg, "polygon")
        .into_iter()
        .filter(|p| p.get("fill") == Some(&colour) && p["opacity"] == "0.18")
        .count();
    assert_eq!(bands, 2, "one p5–p95 band per run of successes");
    // No marker sits on the x axis (latency 0) or above m = 2 or 5.
    let circles = elements(&svg, "circle");
    let ys: Vec<i32> = circles
        .iter()
        .filter(|c| c["fill"] == colour)
        .map(|c| c["cy"].parse().unwrap())
        .collect();
    assert_eq!(ys.len(), 4 + 1, "four points and the legend marker");
    let axis_y = lines.iter().flatten().map(|p| p.1).max().unwrap() + 50;
    assert!(ys.iter().all(|&y| y < axis_y));

    // A series that never succeeds still gets its legend entry and draws no line.
    let none = ChartData::single("never", (0..4).map(|m| point(m, None)).collect());
    let svg = render_one_svg(0, &none, W, H).unwrap();
    assert!(has_text(&svg, "never: mean"));
    assert!(!elements(&svg, "polyline")
        .iter()
        .any(|p| p["stroke"] == colour));
}

#[test]
fn no_nan_or_infinity_anywhere() {
    let cases = [
        ChartData::default(),
        ChartData::single("empty", Vec::new()),
        ChartData::single("never", (0..4).map(|m| point(m, None)).collect()),
        ChartData::single("one", vec![point(2, Some(10.0))]),
        compare(),
    ];
    for (i, data) in cases.iter().enumerate() {
        let svg = render_svg(data, W, 3 * H).unwrap();
        for bad in ["NaN", "inf"] {
            assert!(!svg.contains(bad), "case {i} contains {bad}");
        }
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
}

#[test]
fn layout_maps_pixels_back_to_counts() {
    use plotters::prelude::*;
    let data = ChartData::single("tutorial", tutorial());
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
    let layout = pbft_charts::success::draw(&root, &data).unwrap();
    for m in 0..=9 {
        let px = layout.px_of(m);
        assert_eq!(layout.byzantine_at(px), Some(m));
        assert_eq!(layout.byzantine_at(px + 3), Some(m));
    }
    assert_eq!(layout.byzantine_at(layout.x_px.start - 1), None);
}

#[test]
fn the_engine_exports_one_row_per_point_with_the_cli_columns() {
    let base = Config {
        trials: 5,
        ..Config::default()
    };
    let silent = Config {
        strategy: Strategy::Silent,
        ..base.clone()
    };
    let a = sweep(&base, &[0, 1, 2]);
    let b = sweep(&silent, &[0, 1, 2]);
    let rows: Vec<(&SweepPoint, &Config)> = a
        .iter()
        .map(|p| (p, &base))
        .chain(b.iter().map(|p| (p, &silent)))
        .collect();
    let csv = pbft_engine::export::csv(&pbft_engine::export::points_columns(&rows));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 6);
    assert!(lines[0].starts_with("protocol,nodes,f,byzantine,strategy,seed,trials,successes"));
    assert!(
        lines[4].starts_with("tutorial,10,3,0,silent,"),
        "{}",
        lines[4]
    );
}

#[test]
fn titles_shrink_to_fit_a_phone_width_canvas() {
    let data = ChartData::single("tutorial", tutorial());
    let title_size = |svg: &str, title: &str| -> f64 {
        let (attrs, _) = texts(svg)
            .into_iter()
            .find(|(_, t)| t == title)
            .unwrap_or_else(|| panic!("no title {title:?}"));
        attrs["font-size"].parse().expect("a numeric font-size")
    };
    let mut shrunk = 0;
    for (which, title) in CHART_TITLES.iter().enumerate() {
        let wide = title_size(&render_one_svg(which, &data, W, H).unwrap(), title);
        let size = title_size(&render_one_svg(which, &data, 460, 380).unwrap(), title);
        // About 0.55 em a character in a sans-serif font: the title must fit 460 px less margins.
        let width = title.chars().count() as f64 * size * 0.55;
        assert!(
            size <= wide && width <= 460.0 - 24.0,
            "chart {which} at 460 px: size {size} (wide {wide}), about {width:.0} px wide"
        );
        shrunk += usize::from(size < wide);
    }
    assert!(
        shrunk >= 1,
        "no title needed to shrink at 460 px: the test shows nothing"
    );
}

#[test]
fn overlapping_series_and_quantities_stay_visible() {
    // Two series at 100 % success: their lines stand side by side, not on top of each other.
    let data = compare();
    let svg = render_one_svg(1, &data, W, H).unwrap();
    let first_x = |colour: String| -> i32 {
        elements(&svg, "polyline")
            .into_iter()
            .find(|p| p["stroke"] == colour && p["stroke-width"] == "6")
            .map(|p| points_of(&p)[0].0)
            .expect("a wide success line")
    };
    let (a, b) = (first_x(hex(PALETTE[0])), first_x(hex(PALETTE[1])));
    assert!(
        (a - b).abs() >= 4,
        "series at m = 0 drawn {a} and {b}: one hides the other"
    );
    // Within a series, success is the wide pale line and agreement a narrow dashed one on it.
    let wide = elements(&svg, "polyline")
        .into_iter()
        .filter(|p| p["stroke"] == hex(PALETTE[0]) && p["stroke-width"] == "6")
        .count();
    assert!(wide >= 1, "success is wide");
    let rings = elements(&svg, "circle")
        .into_iter()
        .filter(|c| c["r"] == "7" && c["fill"] == "none")
        .count();
    assert!(rings >= 10, "agreement has large hollow markers ({rings})");
}

#[test]
fn pbft_latency_is_titled_as_the_latency_the_client_sees() {
    let pbft = Config {
        trials: 5,
        ..Config::for_protocol(pbft_engine::Protocol::Pbft)
    };
    let data = ChartData::single("pbft", sweep(&pbft, &[0, 1]));
    let svg = render_one_svg(0, &data, W, H).unwrap();
    assert!(has_text(
        &svg,
        "Latency seen by the client against Byzantine nodes"
    ));
    assert!(has_text(&svg, "client latency (ms), successful runs"));
    assert_eq!(
        pbft_charts::chart_titles(&data)[0],
        pbft_charts::latency::CLIENT_TITLE
    );
    let mut mixed = ChartData::single("tutorial", tutorial());
    mixed.series.extend(data.series);
    assert_eq!(
        pbft_charts::chart_titles(&mixed)[0],
        pbft_charts::latency::MIXED_TITLE
    );
}
