//! The charts' legend: a box in the plot's top right corner, one row per series quantity, each
//! with its sample (the line and marker, or the band's fill) and its name.
//!
//! Drawn here rather than by plotters' series labels because those measure their text through
//! the font directly, which in the browser means appending a `<span>` to the page and forcing a
//! layout of the whole document per label; this legend measures through the drawing backend,
//! which on a canvas is the canvas's own `measureText` (and on SVG the same estimate plotters
//! used before). The look is plotters' `UpperRight` series labels.

use crate::frame::{Chart, LegendMark, FONT};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How an entry's sample is drawn.
pub enum Sample {
    /// A short line with the series' marker on it.
    Line(LegendMark),
    /// A filled rectangle: an area such as the p5–p95 band.
    Band(ShapeStyle),
}

/// One row of the legend.
pub struct Entry {
    pub label: String,
    pub sample: Sample,
}

/// Pixels between the plot's corner and the box, and inside the box around the rows.
const INSET_PX: i32 = 10;
const PADDING_PX: i32 = 6;
/// The sample's column, and the gap between it and the text.
const SAMPLE_PX: i32 = 30;
const GAP_PX: i32 = 6;
const TEXT_SIZE: u32 = 16;

/// Draws `entries` in the top right corner of `chart`'s plotting area (nothing if empty).
pub fn draw<'a, DB: DrawingBackend + 'a>(
    chart: &Chart<'a, DB>,
    entries: &[Entry],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if entries.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let text = (FONT, TEXT_SIZE)
        .into_font()
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut sizes = Vec::with_capacity(entries.len());
    for e in entries {
        let (w, h) = area.estimate_text_size(&e.label, &text)?;
        sizes.push((w as i32, h as i32));
    }
    let text_w = sizes.iter().map(|s| s.0).max().unwrap_or(0);
    let row_h = sizes
        .iter()
        .map(|s| s.1)
        .max()
        .unwrap_or(0)
        .max(TEXT_SIZE as i32)
        + 4;
    let box_w = PADDING_PX * 2 + SAMPLE_PX + GAP_PX + text_w;
    let box_h = PADDING_PX * 2 + row_h * entries.len() as i32;
    let (plot_w, _) = area.dim_in_pixel();
    let left = plot_w as i32 - INSET_PX - box_w;
    let top = INSET_PX;
    area.draw(&Rectangle::new(
        [(left, top), (left + box_w, top + box_h)],
        WHITE.mix(0.85).filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(left, top), (left + box_w, top + box_h)],
        RGBColor(160, 160, 160),
    ))?;
    for (row, e) in entries.iter().enumerate() {
        let y = top + PADDING_PX + row_h * row as i32 + row_h / 2;
        let x = left + PADDING_PX + SAMPLE_PX / 2;
        match &e.sample {
            Sample::Line(mark) => area.draw(&LegendMark {
                at: (x, y),
                ..*mark
            })?,
            Sample::Band(fill) => {
                area.draw(&Rectangle::new([(x - 10, y - 5), (x + 10, y + 5)], *fill))?
            }
        }
        area.draw(&Text::new(
            e.label.as_str(),
            (left + PADDING_PX + SAMPLE_PX + GAP_PX, y),
            text.clone(),
        ))?;
    }
    Ok(())
}
