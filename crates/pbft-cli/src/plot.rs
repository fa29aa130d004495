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
//! parameter changed, then overlays it on every chart: `--compare protocol=pbft` shows what view
//! change does to success for m ≤ f, `--compare strategy=silent` how a crash differs from the
//! tutorial's lying nodes. The engine builds the second scenario (`pbft_engine::Compare`, the
//! browser's rule too): parameters left at their defaults take the compared scenario's own.
//! Only the first sweep is printed on stdout; the second is only drawn.

use crate::args::{Args, UsageError};
use crate::commands::Failure;
use crate::parallel;
use crate::progress::Progress;
use crate::scenario::Scenario;
use pbft_charts::{render_png, render_svg, ChartData, Series};
use pbft_engine::experiment::series;
use pbft_engine::{Config, SweepPoint};
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

/// What `--plot` will draw, checked before the first sweep runs.
pub struct Plan {
    /// (label of the first sweep, the second sweep's config and label), when plotting.
    plot: Option<(String, Option<(Config, String)>)>,
}

impl Plan {
    pub fn new(args: &Args, scenario: &Scenario) -> Plan {
        if args.options.plot.is_none() {
            return Plan { plot: None };
        }
        let mut series = series(&scenario.config, scenario.compare.as_ref()).into_iter();
        let (first, _) = series.next().expect("a sweep has a first series");
        let second = series.next().map(|(label, config)| (config, label));
        Plan {
            plot: Some((first, second)),
        }
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
    }
}
