//! # pbft-charts
//!
//! The experiment's three charts, drawn from the engine's [`SweepPoint`]s: commit latency
//! ([`latency`]), success and agreement rate ([`success`]) and messages per run ([`messages`]),
//! each against the number of Byzantine nodes m. Each chart is one module with one `draw`
//! function generic over plotters' [`DrawingBackend`], so the browser draws them on a `<canvas>`
//! (plotters-canvas) and the CLI writes them as SVG ([`render_svg`]) or PNG (`render_png`, feature
//! `png`) from the same code.
//!
//! Every chart marks f = floor((n − 1)/3) with a vertical line: PBFT's resilience bound
//! (Castro & Liskov, OSDI 1999 §2 and §4.5: safety and liveness need n ≥ 3f + 1), the point past
//! which the curves are expected to collapse. A [`ChartData`] holds one or more labelled series
//! (say two protocols or two strategies) overlaid in one chart; each series has its own colour
//! and marker shape. Latency is only defined over successful runs: a point with no success is a
//! gap in the latency chart, never a zero.
//!
//! Fonts: plotters is used without its `ttf`/`ab_glyph` features, so nothing loads system fonts.
//! The SVG backend writes text as `<text>` elements (the viewer's fonts render them) and on wasm
//! plotters measures and draws text with the browser's canvas fonts. The `png` feature (native
//! only, off by default, enabled by the CLI) draws text itself, with ab_glyph and a Noto Sans TTF
//! compiled in (module `raster`); it changes nothing in the SVG or canvas paths.

pub mod frame;
pub mod latency;
pub mod legend;
pub mod messages;
#[cfg(all(feature = "png", not(target_arch = "wasm32")))]
pub mod raster;
pub mod reading;
pub mod success;
pub mod text_backend;

pub use frame::PlotLayout;
use pbft_engine::SweepPoint;
/// The plotters this crate draws with, so callers name the same backend types.
pub use plotters;
use plotters::coord::Shift;
use plotters::prelude::*;
#[cfg(all(feature = "png", not(target_arch = "wasm32")))]
pub use raster::render_png;
pub use reading::reading;

/// One labelled sweep: its points in Byzantine-count order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<SweepPoint>,
}

/// What a chart plots: one or more series overlaid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub series: Vec<Series>,
}

impl ChartData {
    /// One unlabelled-looking series (its label still shows in the legend).
    pub fn single(label: impl Into<String>, points: Vec<SweepPoint>) -> ChartData {
        ChartData {
            series: vec![Series {
                label: label.into(),
                points,
            }],
        }
    }

    /// Every point of every series.
    pub fn points(&self) -> impl Iterator<Item = &SweepPoint> {
        self.series.iter().flat_map(|s| s.points.iter())
    }

    /// The distinct f = floor((n − 1)/3) of the series, ascending (one unless cluster sizes
    /// differ between series).
    pub fn f_values(&self) -> Vec<u32> {
        let mut fs: Vec<u32> = self.points().map(|p| p.f).collect();
        pbft_engine::wasm_size::sort_by_key(&mut fs, |&f| f);
        fs.dedup();
        fs
    }
}

/// The three charts' titles for tutorial runs, top to bottom as [`draw_all`] stacks them.
pub const CHART_TITLES: [&str; 3] = [latency::TITLE, success::TITLE, messages::TITLE];

/// The three charts' titles for `data` (the latency chart's names the protocol's latency).
pub fn chart_titles(data: &ChartData) -> [&'static str; 3] {
    [latency::title(data), success::TITLE, messages::TITLE]
}

/// Draws the three charts stacked in `area` (latency, success, messages); returns their layouts.
pub fn draw_all<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> Result<[PlotLayout; 3], DrawingAreaErrorKind<DB::ErrorType>> {
    let rows = area.split_evenly((3, 1));
    Ok([
        latency::draw(&rows[0], data)?,
        success::draw(&rows[1], data)?,
        messages::draw(&rows[2], data)?,
    ])
}

/// All three charts stacked in one SVG document of `width` × `height` pixels.
#[cfg(feature = "svg")]
pub fn render_svg(data: &ChartData, width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw_all(&root, data).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// One chart alone as an SVG document (`which` is 0 latency, 1 success, 2 messages).
#[cfg(feature = "svg")]
pub fn render_one_svg(
    which: usize,
    data: &ChartData,
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        match which {
            0 => latency::draw(&root, data),
            1 => success::draw(&root, data),
            _ => messages::draw(&root, data),
        }
        .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}
