//! The charts' canvas backend: plotters-canvas's `CanvasBackend`, except that text is measured
//! with the canvas's own `measureText`.
//!
//! Why: plotters measures text in the browser by appending a `<span>` to the page and reading its
//! `offsetHeight`, which forces a layout of the whole document for every label. A chart has about
//! thirty labels and a running sweep redraws three charts every 150 ms, so that was most of the
//! page's own work during a sweep (5 % of all samples in `offsetHeight` alone, and the layouts it
//! forced). `measureText` needs no layout. Every drawing call is passed through unchanged
//! ([`WithText`], shared with the CLI's PNG rasteriser).

use pbft_charts::plotters::prelude::DrawingBackend;
use pbft_charts::text_backend::{TextHandler, WithText};
use plotters_backend::{BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// plotters-canvas keeps its error type private; this is its name.
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// `CanvasBackend` with layout-free text measurement.
pub type ChartBackend = WithText<CanvasBackend, MeasureText>;

/// Measures text on the canvas's own 2-D context; drawing stays plotters-canvas's.
pub struct MeasureText {
    context: CanvasRenderingContext2d,
}

/// A backend drawing on `canvas`; `None` if it has no 2-D context.
pub fn chart_backend(canvas: &HtmlCanvasElement) -> Option<ChartBackend> {
    let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
    Some(WithText {
        inner,
        text: MeasureText { context },
    })
}

/// The CSS font of a plotters text style, as `CanvasBackend::draw_text` sets it.
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str()
    )
}

impl TextHandler<CanvasBackend> for MeasureText {
    /// Width from `measureText`; height from the font's ascent plus descent, which is the line
    /// box the `<span>` measurement gave (so the charts' margins stay as they were).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        _inner: &CanvasBackend,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        self.context.set_font(&css_font(style));
        let metrics = self
            .context
            .measure_text(text)
            .map_err(|_| DrawingErrorKind::FontError("the canvas cannot measure text".into()))?;
        let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        // Browsers without font bounding boxes report 0: fall back to the usual line height.
        let height = if height > 0.0 {
            height
        } else {
            1.15 * style.size()
        };
        Ok((metrics.width().ceil() as u32, height.ceil() as u32))
    }
}
