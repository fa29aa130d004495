//! Latency against the number of Byzantine nodes: the mean over successful runs as a line, and
//! the band from the 5th to the 95th percentile around it.
//!
//! What a point's latency is depends on the protocol, and the title and axis say which
//! ([`title`]): for `tutorial`, from the proposal to the last honest replica's commit (the
//! tutorial's own measure; Castro & Liskov, OSDI 1999 §4.2 for the commit); for `pbft`, the
//! latency the client sees, from the request's first send to its acceptance on f + 1 matching
//! replies (§4.1), every view change included. A point where no run succeeded has no latency:
//! the line and the band stop there (a gap), they never drop to zero.

use crate::frame::{self, series_style, PlotLayout, Stroke};
use crate::legend::{self, Entry, Sample};
use crate::ChartData;
use pbft_engine::Protocol;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The title of a chart of tutorial runs (and of an empty chart).
pub const TITLE: &str = "Commit latency against Byzantine nodes";
/// The title of a chart of pbft runs.
pub const CLIENT_TITLE: &str = "Latency seen by the client against Byzantine nodes";
/// The title when tutorial and pbft series are compared.
pub const MIXED_TITLE: &str = "Latency against Byzantine nodes: commit (tutorial), client (pbft)";

/// Which protocols the data's points ran: (any tutorial, any pbft).
fn protocols(data: &ChartData) -> (bool, bool) {
    data.points()
        .fold((false, false), |(t, p), x| match x.protocol {
            Protocol::Tutorial => (true, p),
            Protocol::Pbft => (t, true),
        })
}

/// The chart's title for the protocols in `data`: a latency named for what it measures.
pub fn title(data: &ChartData) -> &'static str {
    match protocols(data) {
        (true, true) => MIXED_TITLE,
        (false, true) => CLIENT_TITLE,
        _ => TITLE,
    }
}

/// The y axis's description for the protocols in `data`.
fn y_desc(data: &ChartData) -> &'static str {
    match protocols(data) {
        (true, true) => "latency (ms), successful runs",
        (false, true) => "client latency (ms), successful runs",
        _ => "commit latency (ms), successful runs",
    }
}

/// Draws the latency chart on `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> Result<PlotLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let top = frame::max_or(
        data.points()
            .flat_map(|p| [p.latency_ms_mean, p.latency_ms_p95])
            .flatten(),
        1.0,
    );
    let mut chart = frame::build(
        area,
        data,
        title(data),
        0.0..top * 1.15,
        y_desc(data),
        &frame::y_labels(data.points().next().is_some(), top * 1.15),
    )?;
    let mut legend = Vec::new();
    for (i, series) in data.series.iter().enumerate() {
        let (color, _) = series_style(i);
        let band: Vec<(u32, Option<(f64, f64)>)> = series
            .points
            .iter()
            .map(|p| (p.byzantine, p.latency_ms_p5.zip(p.latency_ms_p95)))
            .collect();
        let fill = color.mix(0.18).filled();
        for run in frame::runs_with_values(&band) {
            if let [(m, (lo, hi))] = run[..] {
                // A lone point has no area: its band is a thick vertical bar.
                let x = f64::from(m);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    color.mix(0.35).stroke_width(6),
                )))?;
                continue;
            }
            let upper = run.iter().map(|&(m, (_, hi))| (f64::from(m), hi));
            let lower = run.iter().rev().map(|&(m, (lo, _))| (f64::from(m), lo));
            chart.draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                fill,
            )))?;
        }
        legend.push(Entry {
            label: format!("{}: p5–p95", series.label),
            sample: Sample::Band(fill),
        });
        let mean: Vec<(u32, Option<f64>)> = series
            .points
            .iter()
            .map(|p| (p.byzantine, p.latency_ms_mean))
            .collect();
        frame::draw_line(
            &mut chart,
            &mean,
            (i, frame::dodge(i, data.series.len())),
            Stroke::Solid,
            format!("{}: mean", series.label),
            &mut legend,
        )?;
    }
    frame::draw_f_marker(&mut chart, data)?;
    legend::draw(&chart, &legend)?;
    Ok(frame::layout(&chart))
}
