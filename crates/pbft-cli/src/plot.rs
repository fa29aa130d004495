//! `pbft-sim sweep --plot FILE.svg|FILE.png [--compare NAME=VALUE]`: the sweep's charts,
//! natively.
//!
//! The three charts of the browser's Experiments view (commit latency with its p5–p95 band,
//! success and agreement rate, messages per run, each against the Byzantine count m with a marker
//! at f = floor((n − 1)/3)) come from the same `pbft-charts` code, stacked top to bottom in one
//! 900 × 1500 image. The file's extension (any case) picks the format:
//!
//! - `.svg`: plotters' SVG backend. Text is written as `<text>` elements, drawn by the viewer's
//!   fonts.
//! - `.png`: the same layout rasterised by plotters' bitmap backend (`pbft_charts::render_png`).
//!   Text is drawn by ab_glyph from a Noto Sans TTF compiled into the binary, so the PNG looks the
//!   same on every machine and needs no system font, fontconfig or FreeType.
//!
//! Any other extension is refused before the sweep runs.
//!
//! `--compare NAME=VALUE` runs a second sweep of the same counts and trials with that one
//! parameter changed (through `Config::set`, as a flag would), then overlays it on every chart:
//! `--compare protocol=pbft` shows what view change does to success for m ≤ f, `--compare
//! strategy=silent` how a crash differs from the tutorial's lying nodes. Only the first sweep is
//! printed on stdout; the second is only drawn.

use crate::args::{Args, UsageError};
use crate::commands::Failure;
use crate::parallel;
use crate::progress::Progress;
use crate::scenario::{engine_error, Scenario};
use pbft_charts::{render_png, render_svg, ChartData, Series};
use pbft_engine::{Config, SweepPoint, PARAMETERS};
use std::cell::RefCell;

/// The image's size in pixels: three charts of 900 × 500.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 1500;

/// What `--plot` writes, from the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotFormat {
    Svg,
    Png,
}

impl PlotFormat {
    /// The format of `path` by its extension (any case); `None` for any other, or for a bare
    /// extension with no name before it.
    pub fn of(path: &str) -> Option<PlotFormat> {
        let (stem, extension) = path.rsplit_once('.')?;
        if stem.is_empty() || stem.ends_with(['/', '\\']) {
            return None;
        }
        match extension.to_ascii_lowercase().as_str() {
            "svg" => Some(PlotFormat::Svg),
            "png" => Some(PlotFormat::Png),
            _ => None,
        }
    }
}

/// `--plot`'s value: a path ending in `.svg` or `.png`.
pub fn check_path(value: &str) -> Result<String, UsageError> {
    let path = value.trim();
    if PlotFormat::of(path).is_some() {
        return Ok(path.to_string());
    }
    Err(UsageError::new(
        Some("plot"),
        format!(
            "'{path}' does not end in .svg or .png; the charts are written as SVG (.svg) or \
             PNG (.png), chosen by the extension"
        ),
    ))
}

/// `--compare`'s value: `NAME=VALUE` with NAME a scenario parameter other than the swept one.
pub fn check_compare(value: &str) -> Result<(String, String), UsageError> {
    let bad = |why: String| Err(UsageError::new(Some("compare"), why));
    let Some((name, v)) = value.split_once('=') else {
        return bad(format!(
            "'{value}' is not NAME=VALUE (for example strategy=silent or protocol=pbft)"
        ));
    };
    let name = name.trim().trim_start_matches("--");
    if !PARAMETERS.contains(&name) {
        return bad(format!(
            "'{name}' is not a scenario parameter (pbft-sim --help lists them)"
        ));
    }
    if matches!(name, "byzantine" | "byzantine-nodes") {
        return bad(format!(
            "'{name}' is the chart's x axis; compare another parameter"
        ));
    }
    Ok((name.to_string(), v.trim().to_string()))
}

/// What `--plot` will draw, checked before the first sweep runs.
pub struct Plan {
    /// (label of the first sweep, the second sweep's config and label), when plotting.
    plot: Option<(String, Option<(Config, String)>)>,
}

impl Plan {
    pub fn new(args: &Args, scenario: &Scenario) -> Result<Plan, Failure> {
        if args.options.plot.is_none() {
            return Ok(Plan { plot: None });
        }
        let config = &scenario.config;
        let Some((name, value)) = &args.options.compare else {
            let label = format!("{}, n={}", config.protocol.name(), config.nodes);
            return Ok(Plan {
                plot: Some((label, None)),
            });
        };
        let mut other = config.clone();
        let usage = |e: pbft_engine::ConfigError| {
            let e = engine_error("compare", &e);
            Failure::Usage(UsageError::new(
                Some("compare"),
                format!("{name}={value}: {}", e.message),
            ))
        };
        other.set(name, value).map_err(usage)?;
        for &m in &scenario.counts {
            Config {
                byzantine: m,
                ..other.clone()
            }
            .validate()
            .map_err(usage)?;
        }
        let base = format!("{name}={}", param_text(config, name));
        let compared = format!("{name}={value}");
        Ok(Plan {
            plot: Some((base, Some((other, compared)))),
        })
    }

    /// Runs the compared sweep if any, draws the charts and writes the file.
    pub fn write(self, args: &Args, points: Vec<SweepPoint>) -> Result<(), Failure> {
        let (Some((label, compare)), Some(path)) = (self.plot, &args.options.plot) else {
            return Ok(());
        };
        let counts: Vec<u32> = points.iter().map(|p| p.byzantine).collect();
        let mut data = ChartData::single(label, points);
        if let Some((config, label)) = compare {
            let total = counts.len() as u64 * u64::from(config.trials);
            let progress = RefCell::new(Progress::new(total, args.options.quiet));
            let mut other = Vec::new();
            parallel::sweep::<Failure>(
                &config,
                &counts,
                args.options.jobs,
                |done, _| progress.borrow_mut().update(done),
                |point| {
                    other.push(point);
                    Ok(())
                },
            )?;
            progress.borrow_mut().clear();
            data.series.push(Series {
                label,
                points: other,
            });
        }
        let image = match PlotFormat::of(path) {
            Some(PlotFormat::Png) => render_png(&data, WIDTH, HEIGHT),
            _ => render_svg(&data, WIDTH, HEIGHT).map(String::into_bytes),
        }
        .map_err(|e| Failure::Io(std::io::Error::other(e)))?;
        std::fs::write(path, image).map_err(|e| {
            Failure::Usage(UsageError::new(
                Some("plot"),
                format!("cannot write '{path}': {e}"),
            ))
        })
    }
}

/// The current value of parameter `name` as text, for the first sweep's legend label.
fn param_text(config: &Config, name: &str) -> String {
    config
        .param(name)
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "default".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_values_are_checked() {
        assert_eq!(check_path(" out.SVG ").unwrap(), "out.SVG");
        assert_eq!(check_path("charts/out.Png").unwrap(), "charts/out.Png");
        assert_eq!(PlotFormat::of("a.b/out.svg"), Some(PlotFormat::Svg));
        assert_eq!(PlotFormat::of("OUT.PNG"), Some(PlotFormat::Png));
        for bad in [
            "out.gif",
            "out.jpg",
            ".svg",
            "dir/.png",
            "out",
            "out.svg.txt",
            "png",
        ] {
            let err = check_path(bad).unwrap_err();
            assert_eq!(err.flag.as_deref(), Some("plot"), "{bad}");
            assert!(
                err.message.contains(".svg or .png"),
                "{bad}: {}",
                err.message
            );
        }
        assert_eq!(
            check_compare("strategy=silent").unwrap(),
            ("strategy".to_string(), "silent".to_string())
        );
        for bad in ["strategy", "colour=red", "byzantine=3"] {
            assert!(check_compare(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_first_label_names_the_current_value() {
        let config = Config::default();
        assert_eq!(param_text(&config, "strategy"), "tutorial");
        assert_eq!(param_text(&config, "drop"), "0");
        assert_eq!(param_text(&config, "nodes"), "10");
    }
}
