//! Success rate and agreement rate against the number of Byzantine nodes, in % of runs.
//!
//! Success: every honest replica committed before the timeout (liveness, Castro & Liskov, OSDI
//! 1999 §4.5); agreement: every honest commit carries the same digest (safety, §4.2). Both are
//! counted over all runs of a point. Agreement implies success, and the two are often equal: so
//! success is a wide pale line with filled markers and agreement a dashed line with larger hollow
//! markers on top, in the series' colour, both visible where they coincide.

use crate::frame::{self, PlotLayout, Stroke};
use crate::legend;
use crate::ChartData;
use plotters::coord::Shift;
use plotters::prelude::*;

pub const TITLE: &str = "Success and agreement rate against Byzantine nodes";

/// Draws the success/agreement chart on `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
) -> Result<PlotLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = frame::build(area, data, TITLE, 0.0..108.0, "runs (%)", &|y| {
        format!("{y:.0}")
    })?;
    let percent =
        |count: u64, trials: u64| (trials > 0).then(|| 100.0 * count as f64 / trials as f64);
    let mut legend = Vec::new();
    for (i, series) in data.series.iter().enumerate() {
        let success: Vec<(u32, Option<f64>)> = series
            .points
            .iter()
            .map(|p| (p.byzantine, percent(p.successes, p.trials)))
            .collect();
        let agreement: Vec<(u32, Option<f64>)> = series
            .points
            .iter()
            .map(|p| (p.byzantine, percent(p.agreements, p.trials)))
            .collect();
        let at = (i, frame::dodge(i, data.series.len()));
        frame::draw_line(
            &mut chart,
            &success,
            at,
            Stroke::Wide,
            format!("{}: success", series.label),
            &mut legend,
        )?;
        frame::draw_line(
            &mut chart,
            &agreement,
            at,
            Stroke::Dashed,
            format!("{}: agreement", series.label),
            &mut legend,
        )?;
    }
    frame::draw_f_marker(&mut chart, data)?;
    legend::draw(&chart, &legend)?;
    Ok(frame::layout(&chart))
}
