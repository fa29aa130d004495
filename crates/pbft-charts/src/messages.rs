//! Messages per run against the number of Byzantine nodes: the mean number of messages sent in
//! one run (every phase: request, pre-prepare, prepare, commit, reply, view change, ...).
//!
//! PBFT's normal case costs O(n²) messages per request (the all-to-all prepare and commit
//! phases, Castro & Liskov, OSDI 1999 §4.2); silent or faulty replicas lower the count, view
//! changes (§4.4) raise it.

use crate::frame::{self, PlotLayout, Stroke};
use crate::legend;
use crate::ChartData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const TITLE: &str = "Messages per run against Byzantine nodes";

/// Draws the messages chart on `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> Result<PlotLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let top = frame::max_or(data.points().map(|p| p.messages_mean), 1.0);
    let mut chart = frame::build(
        area,
        data,
        TITLE,
        0.0..top * 1.15,
        "messages per run (mean)",
        &frame::y_labels(data.points().next().is_some(), top * 1.15),
    )?;
    let mut legend = Vec::new();
    for (i, series) in data.series.iter().enumerate() {
        let mean: Vec<(u32, Option<f64>)> = series
            .points
            .iter()
            .map(|p| (p.byzantine, Some(p.messages_mean).filter(|v| v.is_finite())))
            .collect();
        frame::draw_line(
            &mut chart,
            &mean,
            (i, frame::dodge(i, data.series.len())),
            Stroke::Solid,
            format!("{}: messages", series.label),
            &mut legend,
        )?;
    }
    frame::draw_f_marker(&mut chart, data)?;
    legend::draw(&chart, &legend)?;
    Ok(frame::layout(&chart))
}
