//! Commit latency against the number of Byzantine nodes: the mean over successful runs as a
//! line, and the band from the 5th to the 95th percentile around it.
//!
//! Latency is measured from the proposal to the last honest replica's commit (the point at which
//! the request is committed everywhere it must be: Castro & Liskov, OSDI 1999 §4.2). A point
//! where no run succeeded has no latency: the line and the band stop there (a gap), they never
//! drop to zero.

use crate::frame::{self, series_style, PlotLayout, Stroke};
use crate::legend::{self, Entry, Sample};
use crate::ChartData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const TITLE: &str = "Commit latency against Byzantine nodes";

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
        TITLE,
        0.0..top * 1.15,
        "commit latency (ms), successful runs",
        &|y| format!("{y:.0}"),
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
            i,
            Stroke::Solid,
            format!("{}: mean", series.label),
            &mut legend,
        )?;
    }
    frame::draw_f_marker(&mut chart, data)?;
    legend::draw(&chart, &legend)?;
    Ok(frame::layout(&chart))
}
