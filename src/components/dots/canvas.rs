//! The dots on a `<canvas>`, composed in wasm and handed over as one `putImageData` a frame.
//!
//! Why pixels and not canvas calls: in headless Chromium with software raster (the benchmark's
//! setting, and any machine without GPU compositing) a 2D canvas records each call and rasters
//! the recording when the frame is committed. At n = 64 (2,500 dots) one path per phase cost
//! ~20 ms of raster a frame, and one `drawImage` of a pre-drawn sprite per dot ~9 ms of calls
//! plus ~10 ms of raster. Copying the same sprites into a pixel buffer here costs about a
//! millisecond, and the browser then only copies one bitmap.
//!
//! The sprites (one per phase, then the same for a dropped message with its dashed red
//! outline, then for a message carrying a conflicting digest, with a dark outline) are drawn once
//! per scale and radius by the canvas itself, so they are anti-aliased
//! exactly as a canvas path would be, and read back with `getImageData`.

use super::outline;
use crate::view::{Dot, GRAPH_SIZE};
use pbft_engine::Phase;
use std::f64::consts::TAU;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// A pre-drawn dot: `side` × `side` RGBA pixels, not premultiplied (as `getImageData` gives).
/// Per row: the span of columns that are not fully transparent, and within it the first run of
/// fully opaque columns (copied whole, without blending).
pub struct Sprite {
    pub side: usize,
    pub px: Vec<u8>,
    pub rows: Vec<[usize; 4]>,
}

impl Sprite {
    pub fn new(side: usize, px: Vec<u8>) -> Sprite {
        let rows = (0..side)
            .map(|y| {
                let alpha = |x: usize| px[(y * side + x) * 4 + 3];
                let Some(a) = (0..side).find(|&x| alpha(x) > 0) else {
                    return [0; 4];
                };
                let b = (a..side).rfind(|&x| alpha(x) > 0).unwrap_or(a) + 1;
                let oa = (a..b).find(|&x| alpha(x) == 255).unwrap_or(b);
                let ob = (oa..b).find(|&x| alpha(x) < 255).unwrap_or(b);
                [a, oa, ob, b]
            })
            .collect();
        Sprite { side, px, rows }
    }
}

/// Source-over of `src` onto `dst` (RGBA runs of equal length, straight alpha), the source's
/// alpha scaled by `fade` / 255.
fn blend(dst: &mut [u8], src: &[u8], fade: u32) {
    for (d, p) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
        let sa = u32::from(p[3]) * fade / 255;
        let da = u32::from(d[3]);
        if sa == 0 {
            continue;
        }
        if sa == 255 || da == 0 {
            d[..3].copy_from_slice(&p[..3]);
            d[3] = sa as u8;
            continue;
        }
        // out = src·sa + dst·da·(1 − sa), renormalised by the output alpha.
        let keep = da * (255 - sa) / 255;
        let oa = sa + keep;
        for c in 0..3 {
            d[c] = ((u32::from(p[c]) * sa + u32::from(d[c]) * keep) / oa) as u8;
        }
        d[3] = oa as u8;
    }
}

/// Draws `sprite` into `buf` (`width` × `height` RGBA, not premultiplied) with its top-left
/// corner at (`x0`, `y0`), source-over, its alpha scaled by `opacity`; clipped to the buffer.
pub fn blit(
    buf: &mut [u8],
    width: usize,
    height: usize,
    s: &Sprite,
    x0: i64,
    y0: i64,
    opacity: f64,
) {
    let fade = (opacity.clamp(0.0, 1.0) * 255.0).round() as u32;
    let (w, h, side) = (width as i64, height as i64, s.side as i64);
    // Clip once: the sprite rows and columns that land inside the buffer.
    let (cx0, cx1) = ((-x0).max(0), (w - x0).min(side));
    let (cy0, cy1) = ((-y0).max(0), (h - y0).min(side));
    if fade == 0 || cx0 >= cx1 || cy0 >= cy1 {
        return;
    }
    for sy in cy0..cy1 {
        let clip = |x: usize| (x as i64).clamp(cx0, cx1) as usize;
        let [a, oa, ob, b] = s.rows[sy as usize].map(clip);
        if a >= b {
            continue;
        }
        let row = (sy * side) as usize;
        let src = |x0: usize, x1: usize| &s.px[(row + x0) * 4..(row + x1) * 4];
        // Buffer offset of sprite column x on this row (x ≥ cx0 keeps it inside the buffer).
        let base = (y0 + sy) * w + x0;
        let at = |x: usize| ((base + x as i64) * 4) as usize;
        if fade == 255 {
            blend(&mut buf[at(a)..at(oa)], src(a, oa), fade);
            buf[at(oa)..at(ob)].copy_from_slice(src(oa, ob));
            blend(&mut buf[at(ob)..at(b)], src(ob, b), fade);
        } else {
            blend(&mut buf[at(a)..at(b)], src(a, b), fade);
        }
    }
}

/// Adds a phase's outline centred at the origin with radius `r` to `ctx`'s path.
fn trace(ctx: &CanvasRenderingContext2d, phase: Phase, r: f64) {
    match outline(phase).split_first() {
        None => {
            ctx.arc(0.0, 0.0, r, 0.0, TAU).ok();
        }
        Some((&(x0, y0), rest)) => {
            ctx.move_to(x0 * r, y0 * r);
            for &(x, y) in rest {
                ctx.line_to(x * r, y * r);
            }
            ctx.close_path();
        }
    }
}

/// The canvas and what it needs to draw a frame.
pub struct Painter {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Fill colour per phase (`Phase::index`), read once from the stylesheet.
    colours: Vec<String>,
    /// Backing-store size in device pixels.
    size: (u32, u32),
    /// The graph's square in device pixels: left, top, side.
    square: (i64, i64, usize),
    buf: Vec<u8>,
    /// Per phase, then per phase dropped, then per phase with a conflicting digest; drawn for
    /// `sprite_key` = (scale, radius).
    sprites: Vec<Sprite>,
    sprite_key: (f64, f64),
    /// Something is drawn (a clear is due when switching to SVG).
    pub dirty: bool,
}

impl Painter {
    pub fn new(canvas: HtmlCanvasElement) -> Option<Painter> {
        let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let window = web_sys::window()?;
        let root = window.document()?.document_element()?;
        let style = window.get_computed_style(&root).ok()??;
        let colours = Phase::ALL
            .iter()
            .map(|p| {
                let c = style
                    .get_property_value(&format!("--{}", p.name()))
                    .unwrap_or_default();
                let c = c.trim();
                if c.is_empty() { "#888" } else { c }.to_string()
            })
            .collect();
        Some(Painter {
            canvas,
            ctx,
            colours,
            size: (0, 0),
            square: (0, 0, 0),
            buf: Vec::new(),
            sprites: Vec::new(),
            sprite_key: (0.0, 0.0),
            dirty: false,
        })
    }

    /// Clears the canvas.
    pub fn clear(&mut self) {
        let (w, h) = self.size;
        self.ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        self.dirty = false;
    }

    /// Matches the backing store to the element's size; returns the scale from the graph's
    /// viewBox to device pixels (the square is centred, aspect kept, as the SVG draws it).
    fn fit(&mut self) -> f64 {
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio().max(1.0));
        let (w, h) = (
            f64::from(self.canvas.client_width().max(0)),
            f64::from(self.canvas.client_height().max(0)),
        );
        let size = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        let k = w.min(h) * dpr / GRAPH_SIZE;
        if size != self.size {
            self.canvas.set_width(size.0);
            self.canvas.set_height(size.1);
            self.size = size;
            let side = size.0.min(size.1) as usize;
            self.square = (
                (i64::from(size.0) - side as i64) / 2,
                (i64::from(size.1) - side as i64) / 2,
                side,
            );
        }
        k
    }

    /// Draws the sprites for scale `k` (device pixels per viewBox unit) and radius `r`: side by
    /// side on one scratch canvas, read back in one `getImageData`.
    fn make_sprites(&mut self, k: f64, r: f64) -> Option<()> {
        let doc = self.canvas.owner_document()?;
        // Room for the largest shape (1.3 r) and its outline.
        let side = ((2.0 * (1.3 * r + 1.0) * k).ceil() + 2.0) as usize;
        let count = 3 * Phase::ALL.len();
        let scratch: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        scratch.set_width((side * count) as u32);
        scratch.set_height(side as u32);
        let ctx: CanvasRenderingContext2d = scratch.get_context("2d").ok()??.dyn_into().ok()?;
        let half = side as f64 / 2.0;
        for i in 0..count {
            let phase = Phase::ALL[i % Phase::ALL.len()];
            let variant = i / Phase::ALL.len();
            ctx.set_transform(k, 0.0, 0.0, k, (i * side) as f64 + half, half)
                .ok()?;
            ctx.begin_path();
            trace(&ctx, phase, r);
            ctx.set_fill_style_str(&self.colours[phase.index()]);
            ctx.fill();
            match variant {
                1 => {
                    let dash = js_sys::Array::of2(&2.0.into(), &1.5.into());
                    ctx.set_line_dash(&dash).ok()?;
                    ctx.set_line_width(1.2);
                    ctx.set_stroke_style_str("#c62828");
                }
                2 => {
                    ctx.set_line_dash(&js_sys::Array::new()).ok()?;
                    ctx.set_line_width(1.6);
                    ctx.set_stroke_style_str("#1d2433");
                }
                _ => {
                    ctx.set_line_width(0.8);
                    ctx.set_stroke_style_str("#fff");
                }
            }
            ctx.stroke();
        }
        let strip = ctx
            .get_image_data(0.0, 0.0, (side * count) as f64, side as f64)
            .ok()?
            .data()
            .0;
        let row = side * count * 4;
        self.sprites = (0..count)
            .map(|i| {
                let px = (0..side)
                    .flat_map(|y| &strip[y * row + i * side * 4..][..side * 4])
                    .copied()
                    .collect();
                Sprite::new(side, px)
            })
            .collect();
        self.sprite_key = (k, r);
        Some(())
    }

    /// Draws every dot at whole device pixels, lost ones at their fading opacity.
    pub fn paint(&mut self, dots: &[Dot], r: f64) {
        let k = self.fit();
        if self.sprite_key != (k, r) && self.make_sprites(k, r).is_none() {
            return;
        }
        let (left, top, side) = self.square;
        self.buf.clear();
        self.buf.resize(side * side * 4, 0);
        let phases = Phase::ALL.len();
        // Graph coordinates are relative to the square, whose side is GRAPH_SIZE × k.
        let half = self.sprites[0].side as f64 / 2.0;
        for d in dots {
            let variant = if d.dropped { 1 } else { usize::from(d.alt) * 2 };
            let s = &self.sprites[d.phase.index() + variant * phases];
            let (x, y) = ((k * d.x - half).round(), (k * d.y - half).round());
            let o = if d.dropped { d.opacity } else { 1.0 };
            blit(&mut self.buf, side, side, s, x as i64, y as i64, o);
        }
        let data = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&self.buf),
            side as u32,
            side as u32,
        );
        if let Ok(data) = data {
            self.ctx.put_image_data(&data, left as f64, top as f64).ok();
        }
        self.dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sprite(rgba: [u8; 4]) -> Sprite {
        Sprite::new(2, rgba.repeat(4))
    }

    #[test]
    fn blit_copies_opaque_pixels_and_clips() {
        let mut buf = vec![0u8; 3 * 3 * 4];
        blit(&mut buf, 3, 3, &sprite([10, 20, 30, 255]), 2, -1, 1.0);
        // Only the pixel at (2, 0) is inside.
        assert_eq!(&buf[2 * 4..3 * 4], &[10, 20, 30, 255]);
        assert_eq!(buf.iter().filter(|&&b| b != 0).count(), 4);
        // Past the top-left corner: only the sprite's bottom-right pixel lands, at (0, 0).
        let mut buf = vec![0u8; 3 * 3 * 4];
        blit(&mut buf, 3, 3, &sprite([1, 2, 3, 255]), -1, -1, 1.0);
        assert_eq!(&buf[..4], &[1, 2, 3, 255]);
        assert_eq!(buf.iter().filter(|&&b| b != 0).count(), 4);
        // Past the bottom-right corner.
        let mut buf = vec![0u8; 3 * 3 * 4];
        blit(&mut buf, 3, 3, &sprite([1, 2, 3, 255]), 2, 2, 1.0);
        assert_eq!(&buf[8 * 4..], &[1, 2, 3, 255]);
        assert_eq!(buf.iter().filter(|&&b| b != 0).count(), 4);
    }

    #[test]
    fn blit_fades_and_composes_source_over() {
        let mut buf = vec![0u8; 2 * 2 * 4];
        blit(&mut buf, 2, 2, &sprite([255, 0, 0, 255]), 0, 0, 0.5);
        assert_eq!(&buf[..4], &[255, 0, 0, 128]);
        blit(&mut buf, 2, 2, &sprite([0, 0, 255, 255]), 0, 0, 0.5);
        // Half blue over half red: alpha 128 + 128·127/255 = 191, colour mostly blue.
        assert_eq!(buf[3], 191);
        assert!(buf[2] > buf[0] && buf[0] > 0, "{:?}", &buf[..4]);
    }

    #[test]
    fn sprite_rows_skip_transparent_columns() {
        let mut px = vec![0u8; 3 * 3 * 4];
        px[(3 + 1) * 4 + 3] = 255; // only (1, 1) is visible
        let s = Sprite::new(3, px);
        assert_eq!(s.rows, vec![[0; 4], [1, 1, 2, 2], [0; 4]]);
    }
}
