//! The Experiments view's browser plumbing: a chart saved as PNG with its caption under it, the
//! next turn of the event loop, and the URL kept in step. (Saving a file through a temporary
//! link is `crate::export`'s, shared with the live view's trace downloads.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Caption text size and line height on the saved PNG, in canvas pixels.
const CAPTION_PX: f64 = 15.0;
const LINE_PX: f64 = 20.0;
const PAD_PX: f64 = 12.0;

/// `chart` as a PNG data URL with `paragraphs` printed under it, each wrapped to the width (a
/// saved chart says which sweep it shows and how to read it). `None` if the browser refuses.
pub fn png_with_caption(chart: &HtmlCanvasElement, paragraphs: &[&str]) -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let out: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    let ctx = context(&out)?;
    let width = f64::from(chart.width());
    let font = format!("{CAPTION_PX}px sans-serif");
    ctx.set_font(&font);
    let lines: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| wrap(&ctx, p, width - 2.0 * PAD_PX))
        .collect();
    let extra = 2.0 * PAD_PX + LINE_PX * lines.len() as f64;
    out.set_width(chart.width());
    out.set_height(chart.height() + extra.ceil() as u32);
    // Resizing a canvas resets its context's state.
    let ctx = context(&out)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, width, f64::from(out.height()));
    ctx.draw_image_with_html_canvas_element(chart, 0.0, 0.0)
        .ok()?;
    ctx.set_font(&font);
    ctx.set_fill_style_str("#222222");
    let top = f64::from(chart.height()) + PAD_PX + CAPTION_PX;
    for (i, line) in lines.iter().enumerate() {
        ctx.fill_text(line, PAD_PX, top + LINE_PX * i as f64).ok()?;
    }
    out.to_data_url().ok()
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// `text` broken at spaces into lines at most `max` pixels wide in `ctx`'s font.
fn wrap(ctx: &CanvasRenderingContext2d, text: &str, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let fits = ctx
            .measure_text(&candidate)
            .map_or(true, |m| m.width() <= max);
        if fits || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A pending call on the next turn of the event loop, through a `MessageChannel` (a
/// `setTimeout(0)` chain is clamped to 4 ms per call by browsers). Between two calls the browser
/// paints and handles input; dropping it cancels the call.
pub struct NextTurn {
    port: web_sys::MessagePort,
    _closure: Closure<dyn FnMut()>,
}

impl NextTurn {
    pub fn new(f: impl FnMut() + 'static) -> Option<NextTurn> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let closure = Closure::<dyn FnMut()>::new(f);
        let port = channel.port1();
        port.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::NULL)
            .ok()?;
        Some(NextTurn {
            port,
            _closure: closure,
        })
    }
}

impl Drop for NextTurn {
    fn drop(&mut self) {
        self.port.set_onmessage(None);
        self.port.close();
    }
}

/// Replaces the page's URL (no new history entry) with `query`.
pub fn write_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}
