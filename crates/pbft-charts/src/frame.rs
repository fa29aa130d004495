//! What the three charts share: the x axis (Byzantine count m, one tick per whole count), the
//! vertical marker at f = floor((n − 1)/3) (PBFT tolerates at most f faulty replicas out of
//! n ≥ 3f + 1: Castro & Liskov, OSDI 1999 §2), the colour and marker shape of each series, the
//! legend, and the layout handed back to an interactive caller.
//!
//! Overlapping series stay visible: with several series each one's line and markers are moved a
//! small fraction of a count sideways ([`dodge`]), so two series at 100 % are two lines side by
//! side; within a series, a second quantity equal to the first (agreement on success) is a
//! dashed line with larger hollow markers over a wide pale line ([`Stroke::Wide`]).

use crate::legend::{Entry, Sample};
use crate::ChartData;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::{DashedPathElement, Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};
use std::ops::Range;

/// The family every label uses: generic, so no particular font file is needed by the SVG or the
/// canvas (the PNG renderer, `raster`, draws every family with its embedded Noto Sans).
pub const FONT: &str = "sans-serif";

/// Series colours (colour-blind-safe blue, vermillion, green, purple), cycled past four.
pub const PALETTE: [RGBColor; 4] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];

/// The colour of the f marker (grey: it is a reference line, not data).
pub const F_MARKER_COLOR: RGBColor = RGBColor(110, 110, 110);

/// A point marker's shape; with the colour it tells the series apart even in grey print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Triangle,
    Square,
    Cross,
}

const SHAPES: [Shape; 4] = [Shape::Circle, Shape::Triangle, Shape::Square, Shape::Cross];

/// Colour and marker shape of series `i`.
pub fn series_style(i: usize) -> (RGBColor, Shape) {
    (PALETTE[i % PALETTE.len()], SHAPES[i % SHAPES.len()])
}

/// A point marker: `shape` centred at `at` (chart coordinates). Its own element type, so one
/// series can pick its shape at run time without boxing.
pub struct Marker<C> {
    pub at: C,
    pub shape: Shape,
    pub style: ShapeStyle,
    /// Radius in pixels (a triangle is one pixel larger, so shapes look alike in size).
    pub size: i32,
}

/// A marker's usual radius, and the larger hollow one drawn around it for a second quantity.
pub const MARKER_PX: i32 = 4;
pub const RING_PX: i32 = 7;

impl<'b, C> PointCollection<'b, C> for &'b Marker<C> {
    type Point = &'b C;
    type IntoIter = std::iter::Once<&'b C>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend, C> Drawable<DB> for Marker<C> {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        parent: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match pos.next() {
            Some(at) => draw_shape(self.shape, self.size, at, self.style, backend, parent),
            None => Ok(()),
        }
    }
}

/// Draws `shape` of radius `r` at backend pixel `at` through plotters' own point elements.
fn draw_shape<DB: DrawingBackend>(
    shape: Shape,
    r: i32,
    (x, y): BackendCoord,
    style: ShapeStyle,
    backend: &mut DB,
    parent: (u32, u32),
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    let here = std::iter::once((x, y));
    match shape {
        Shape::Circle => Circle::new((0, 0), r, style).draw(here, backend, parent),
        Shape::Triangle => backend.fill_polygon(triangle(r + 1, (x, y)), &style.color),
        Shape::Cross => Cross::new((0, 0), r, style).draw(here, backend, parent),
        Shape::Square => Rectangle::new([(0, 0), (0, 0)], style).draw(
            [(x - r, y - r), (x + r, y + r)].into_iter(),
            backend,
            parent,
        ),
    }
}

/// The cosines and sines of -90°, -210° and -330°, as std computes them: the corners of
/// plotters' `TriangleMarker`, drawn here without its `sin`/`cos` (libm's argument reduction
/// alone is about 2.5 KB gzipped of the browser's bundle). The test checks them against std.
const TRIANGLE: [(f64, f64); 3] = [
    (6.123233995736766e-17, -1.0),
    (-0.8660254037844386, 0.5000000000000001),
    (0.8660254037844384, 0.5000000000000004),
];

/// The corners of an upward triangle of radius `size` around `(x, y)`, as `TriangleMarker`'s.
fn triangle(size: i32, (x, y): BackendCoord) -> [BackendCoord; 3] {
    TRIANGLE.map(|(c, s)| {
        (
            (c * f64::from(size) + f64::from(x)).ceil() as i32,
            (s * f64::from(size) + f64::from(y)).ceil() as i32,
        )
    })
}

/// A legend entry: a short line with the series' marker on it, at backend pixel `at`.
#[derive(Clone, Copy)]
pub struct LegendMark {
    pub at: BackendCoord,
    pub shape: Shape,
    pub line: ShapeStyle,
    pub mark: ShapeStyle,
    pub size: i32,
    pub dashed: bool,
}

impl<'b> PointCollection<'b, BackendCoord> for &'b LegendMark {
    type Point = &'b BackendCoord;
    type IntoIter = std::iter::Once<&'b BackendCoord>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for LegendMark {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        parent: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let Some((x, y)) = pos.next() else {
            return Ok(());
        };
        if self.dashed {
            backend.draw_line((x - 12, y), (x - 5, y), &self.line)?;
            backend.draw_line((x + 5, y), (x + 12, y), &self.line)?;
        } else {
            backend.draw_line((x - 12, y), (x + 12, y), &self.line)?;
        }
        draw_shape(self.shape, self.size, (x, y), self.mark, backend, parent)
    }
}

/// Where a chart's plotting area lies on the backend and which Byzantine counts it spans, so an
/// interactive caller can turn a mouse position into a sweep point.
#[derive(Clone, Debug, PartialEq)]
pub struct PlotLayout {
    /// The plotting area in backend pixels (absolute, as the backend addresses them).
    pub x_px: Range<i32>,
    pub y_px: Range<i32>,
    /// The x range in Byzantine counts (whole counts sit half a step inside the edges).
    pub x_range: Range<f64>,
}

impl PlotLayout {
    /// The Byzantine count whose column holds pixel column `px`, if `px` is inside the plot.
    pub fn byzantine_at(&self, px: i32) -> Option<u32> {
        if !self.x_px.contains(&px) || self.x_px.is_empty() {
            return None;
        }
        let t = f64::from(px - self.x_px.start) / f64::from(self.x_px.end - self.x_px.start);
        let x = self.x_range.start + t * (self.x_range.end - self.x_range.start);
        (x >= -0.5).then(|| x.round().max(0.0) as u32)
    }

    /// The pixel column of Byzantine count `m`.
    pub fn px_of(&self, m: u32) -> i32 {
        let span = self.x_range.end - self.x_range.start;
        let t = (f64::from(m) - self.x_range.start) / span;
        self.x_px.start + (t * f64::from(self.x_px.end - self.x_px.start)).round() as i32
    }
}

/// The counts the x axis covers: every point's m and every f, half a step of margin each side.
fn x_bounds(data: &ChartData) -> (u32, u32) {
    let all = data.points().map(|p| p.byzantine).chain(data.f_values());
    let (lo, hi) = all.fold((u32::MAX, 0), |(lo, hi), m| (lo.min(m), hi.max(m)));
    if lo > hi {
        (0, 1)
    } else {
        (lo, hi.max(lo + 1))
    }
}

/// The x axis in Byzantine counts with half a step of margin, and how many ticks to ask for:
/// at most one per whole count (plotters then picks a step of 1, 2, 5, 10, ...), so every tick
/// is a whole count.
pub fn x_axis(data: &ChartData) -> (Range<f64>, usize) {
    let (lo, hi) = x_bounds(data);
    let ticks = ((hi - lo) as usize + 1).min(12);
    (f64::from(lo) - 0.5..f64::from(hi) + 0.5, ticks)
}

/// The chart type every module draws on.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Builds a chart with its caption and labelled axes; `y_desc` names the quantity and its unit.
pub fn build<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    data: &ChartData,
    title: &str,
    y_range: Range<f64>,
    y_desc: &str,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (x_range, x_ticks) = x_axis(data);
    let caption = caption_size(area, title)?;
    let desc = axis_desc_size(area, y_desc, caption)?;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, caption))
        .margin(MARGIN)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(64)
        .build_cartesian_2d(x_range, y_range)?;
    chart
        .configure_mesh()
        .x_labels(x_ticks)
        .x_max_light_lines(0)
        .y_max_light_lines(1)
        .x_desc("Byzantine nodes m (count)")
        .y_desc(y_desc)
        .axis_desc_style((FONT, desc))
        .label_style((FONT, 15))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(y_format)
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(215, 215, 215))
        .draw()?;
    Ok(chart)
}

/// The caption's font size: 22, or smaller (down to 12) when the title would not fit the
/// width, as on a phone-width canvas.
fn caption_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let room = area.dim_in_pixel().0.saturating_sub(2 * MARGIN);
    fit_size(area, title, 22, room)
}

/// The axis descriptions' font size: 17, or smaller when the y description would run past the
/// plot's height (a short canvas); the x description follows, so both axes read alike.
fn axis_desc_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    y_desc: &str,
    caption: u32,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let room = area
        .dim_in_pixel()
        .1
        .saturating_sub(2 * MARGIN + X_LABEL_AREA + caption + 8);
    fit_size(area, y_desc, 17, room)
}

/// The largest font size from `max` down to 12 at which `text` is at most `room` pixels long.
fn fit_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    max: u32,
    room: u32,
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut size = max;
    while size > 12
        && area
            .estimate_text_size(text, &(FONT, size).into_text_style(area))?
            .0
            > room
    {
        size -= 1;
    }
    Ok(size)
}

/// Space around a chart, and under its plot for the x labels and description, in pixels.
const MARGIN: u32 = 12;
const X_LABEL_AREA: u32 = 44;

/// The vertical line at each f of the data, labelled `f = 3`.
pub fn draw_f_marker<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    data: &ChartData,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let y = chart.y_range();
    for f in data.f_values() {
        let x = f64::from(f);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, y.start), (x, y.end)],
            F_MARKER_COLOR.stroke_width(2),
        )))?;
        // The label sits at the foot of the line, on its left: every chart is empty there (up to
        // f runs succeed with latencies and message counts well above the axis), while the top
        // right is where the legend goes. With f the first count there is no room on the left,
        // so it goes top right.
        let x_range = chart.x_range();
        let nudge = (x_range.end - x_range.start) * 0.006;
        let style = (FONT, 16).into_font().color(&F_MARKER_COLOR);
        let (at, style) = if x - x_range.start > 0.75 {
            let foot = y.start + (y.end - y.start) * 0.02;
            (
                (x - nudge, foot),
                style.pos(Pos::new(HPos::Right, VPos::Bottom)),
            )
        } else {
            ((x + nudge, y.end - (y.end - y.start) * 0.02), style)
        };
        chart.draw_series(std::iter::once(Text::new(format!("f = {f}"), at, style)))?;
    }
    Ok(())
}

/// The layout of a drawn chart.
pub fn layout<DB: DrawingBackend>(chart: &Chart<'_, DB>) -> PlotLayout {
    let (x_px, y_px) = chart.plotting_area().get_pixel_range();
    PlotLayout {
        x_px,
        y_px,
        x_range: chart.x_range(),
    }
}

/// Splits `(m, value)` pairs (in sweep order) into runs of neighbouring points that have a
/// value, so a point with no value (no successful run) breaks the line instead of being drawn as
/// zero.
pub fn runs_with_values<T: Copy>(pairs: &[(u32, Option<T>)]) -> Vec<Vec<(u32, T)>> {
    let mut out: Vec<Vec<(u32, T)>> = Vec::new();
    let mut previous_had_value = false;
    for &(m, v) in pairs {
        match v {
            Some(v) => {
                if !previous_had_value {
                    out.push(Vec::new());
                }
                out.last_mut().expect("pushed above").push((m, v));
                previous_had_value = true;
            }
            None => previous_had_value = false,
        }
    }
    out
}

/// How a line is drawn: solid with filled markers; dashed with larger hollow ones (the second
/// quantity of the same series, e.g. agreement beside success); or wide and pale with filled
/// markers, for a first quantity a dashed one may lie on (both stay visible where they are equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    Dashed,
    Wide,
}

/// How far (in counts) series `series` of `count` is moved sideways: 0 for a lone series,
/// ±0.06 for two, spread evenly for more. Small enough that a point stays over its tick.
pub fn dodge(series: usize, count: usize) -> f64 {
    const STEP: f64 = 0.12;
    (series as f64 - (count.max(1) - 1) as f64 / 2.0) * STEP
}

/// One series' line through `pairs` (gaps where a value is missing), a marker on every point,
/// and its entry `label` added to `legend`. `dodge` moves it sideways (see [`dodge`]).
pub fn draw_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    pairs: &[(u32, Option<f64>)],
    (series, dodge): (usize, f64),
    stroke: Stroke,
    label: String,
    legend: &mut Vec<Entry>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (color, shape) = series_style(series);
    let line = match stroke {
        Stroke::Wide => color.mix(0.35).stroke_width(6),
        Stroke::Solid | Stroke::Dashed => color.stroke_width(2),
    };
    let (mark, size) = match stroke {
        Stroke::Solid | Stroke::Wide => (color.filled(), MARKER_PX),
        Stroke::Dashed => (color.stroke_width(2), RING_PX),
    };
    for run in runs_with_values(pairs) {
        let xy: Vec<(f64, f64)> = run
            .iter()
            .map(|&(m, v)| (f64::from(m) + dodge, v))
            .collect();
        if stroke == Stroke::Dashed {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                xy.clone(),
                6,
                4,
                line,
            )))?;
        } else {
            chart.draw_series(std::iter::once(PathElement::new(xy.clone(), line)))?;
        }
        chart.draw_series(xy.into_iter().map(|at| Marker {
            at,
            shape,
            style: mark,
            size,
        }))?;
    }
    legend.push(Entry {
        label,
        sample: Sample::Line(LegendMark {
            at: (0, 0),
            shape,
            line,
            mark,
            size,
            dashed: stroke == Stroke::Dashed,
        }),
    });
    Ok(())
}

/// The largest finite value, or `fallback` when there is none.
/// The y tick labels of a chart whose axis tops out at `top`: none before there is data (an
/// empty chart's axis is a placeholder, not a measurement), one decimal on a small axis (whole
/// numbers would repeat: "0 0 1 1"), whole numbers otherwise.
pub fn y_labels(has_data: bool, top: f64) -> impl Fn(&f64) -> String {
    move |y| {
        if !has_data {
            String::new()
        } else if top < 10.0 {
            format!("{y:.1}")
        } else {
            format!("{y:.0}")
        }
    }
}

pub fn max_or(values: impl Iterator<Item = f64>, fallback: f64) -> f64 {
    let m = values.filter(|v| v.is_finite()).fold(f64::NAN, f64::max);
    if m.is_finite() && m > 0.0 {
        m
    } else {
        fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_labels_are_blank_without_data_and_never_repeat() {
        assert_eq!(y_labels(false, 1.15)(&1.0), "");
        let small = y_labels(true, 3.45);
        let ticks: Vec<String> = [0.0, 0.5, 1.0, 1.5].iter().map(&small).collect();
        assert_eq!(ticks, ["0.0", "0.5", "1.0", "1.5"]);
        assert_eq!(y_labels(true, 250.0)(&100.0), "100");
    }

    #[test]
    fn the_triangle_has_plotters_corners() {
        for (k, deg) in [-90, -210, -330].into_iter().enumerate() {
            let rad = f64::from(deg) * std::f64::consts::PI / 180.0;
            assert_eq!(TRIANGLE[k], (rad.cos(), rad.sin()), "{deg}°");
        }
        assert_eq!(triangle(5, (10, 20)), [(10, 15), (6, 23), (15, 23)]);
    }
}
