//! The charts as a PNG ([`render_png`]): plotters' bitmap backend for the shapes, text drawn
//! here with ab_glyph from an embedded Noto Sans Regular, and the `png` crate's encoder.
//!
//! Why text is drawn here and not by plotters' own `ab_glyph` feature: plotters 0.3.7 places
//! each glyph at the pen position without its left side bearing and truncates every offset to a
//! whole pixel, so letters drift apart and together ("Byzan tine nodes (coun t)"), and it scales
//! the font to `size` pixels of ascent-to-descent height where the SVG backend writes
//! `font-size = size / 1.24`. [`TextRaster`] wraps the bitmap backend ([`WithText`]) and replaces only its
//! two text methods: glyphs are laid out with their advances and kerning and rasterised at their
//! sub-pixel positions, at the SVG's em, anchored the way the SVG anchors its `<text>` (the same
//! `dy` of 0.76 em, 0.5 ex or −0.5 ex; start, middle or end) and rotated as the SVG's
//! `rotate(...)` would. Text is measured with the same font, so the legend box and the axis label
//! areas fit what is drawn.
//!
//! No system fonts, fontconfig or FreeType are involved: the font is the TTF file shipped by the
//! `ttf-noto-sans` crate (Noto Sans 1.04, Apache-2.0), compiled into the binary. Every family
//! the charts ask for (they only use [`crate::frame::FONT`], "sans-serif") is drawn with it.
//!
//! Native only, behind the `png` feature: the browser draws the same charts on a `<canvas>`.

use crate::text_backend::{TextHandler, WithText};
use crate::{draw_all, ChartData};
use ab_glyph::{point, Font, FontRef, Glyph, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};
use plotters_bitmap::{BitMapBackend, BitMapBackendError};

/// The TTF every label is drawn with.
pub const FONT_TTF: &[u8] = ttf_noto_sans::REGULAR;

/// The SVG backend's em for a plotters font size (it writes `font-size = size / 1.24`).
fn em_px(size: f64) -> f32 {
    (size / 1.24) as f32
}

/// The embedded font, laid out and rasterised as the SVG would show it (see the module docs).
pub struct EmbeddedFont {
    font: FontRef<'static>,
    /// The font's x-height over its em (for the SVG's `0.5ex`), from the outline of `x`.
    ex_per_em: f32,
}

/// plotters' bitmap backend with text drawn from the embedded font. Every other drawing call is
/// passed through unchanged.
pub type TextRaster<'a> = WithText<BitMapBackend<'a>, EmbeddedFont>;

impl<'a> TextRaster<'a> {
    /// A backend drawing into `buf`: `width × height` pixels of 8-bit RGB, row by row.
    pub fn with_buffer(buf: &'a mut [u8], (width, height): (u32, u32)) -> Self {
        WithText {
            inner: BitMapBackend::with_buffer(buf, (width, height)),
            text: EmbeddedFont::new(),
        }
    }
}

impl EmbeddedFont {
    fn new() -> EmbeddedFont {
        let font = FontRef::try_from_slice(FONT_TTF).expect("the embedded TTF parses");
        let units = font.units_per_em().unwrap_or(1000.0);
        let ex_per_em = font
            .outline(font.glyph_id('x'))
            .map(|o| o.bounds.max.y / units)
            .filter(|ex| *ex > 0.0)
            .unwrap_or(0.5);
        EmbeddedFont { font, ex_per_em }
    }

    /// The ab_glyph scale (pixels from ascent to descent) whose em is `em` pixels.
    fn scale(&self, em: f32) -> PxScale {
        let units = self.font.units_per_em().unwrap_or(1000.0);
        PxScale::from(em * self.font.height_unscaled() / units)
    }

    /// `text`'s glyphs on a baseline at y = 0 starting at x = 0, and the advance width.
    fn layout(&self, text: &str, scale: PxScale) -> (Vec<Glyph>, f32) {
        let font = self.font.as_scaled(scale);
        let mut glyphs = Vec::with_capacity(text.len());
        let mut x = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(previous) = previous {
                x += font.kern(previous, id);
            }
            glyphs.push(id.with_scale_and_position(scale, point(x, 0.0)));
            x += font.h_advance(id);
            previous = Some(id);
        }
        (glyphs, x)
    }
}

impl<'a> TextHandler<BitMapBackend<'a>> for EmbeddedFont {
    /// The advance width, and the font's ascent-to-descent line height (as a browser's font
    /// bounding box), at the SVG's em.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        _inner: &BitMapBackend<'a>,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<BitMapBackendError>> {
        let scale = self.scale(em_px(style.size()));
        let (_, width) = self.layout(text, scale);
        let height = self.font.as_scaled(scale).height();
        Ok((width.ceil() as u32, height.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &self,
        inner: &mut BitMapBackend<'a>,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<BitMapBackendError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let em = em_px(style.size());
        let (glyphs, width) = self.layout(text, self.scale(em));
        // Where the text's origin (start of its baseline) sits relative to `pos`, before the
        // rotation: SVG's text-anchor, and its dy of 0.76em (top), 0.5ex (centre), -0.5ex
        // (bottom).
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let ex = self.ex_per_em * em;
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * ex,
            VPos::Bottom => -0.5 * ex,
        };
        let transform = style.transform();
        let mut result = Ok(());
        for mut glyph in glyphs {
            glyph.position = point(glyph.position.x + dx, glyph.position.y + dy);
            let Some(outline) = self.font.outline_glyph(glyph) else {
                continue; // a space
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|x, y, coverage| {
                if coverage <= 0.0 || result.is_err() {
                    return;
                }
                let (rx, ry) = transform.transform(left + x as i32, top + y as i32);
                let ink = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                result = inner.draw_pixel((pos.0 + rx, pos.1 + ry), ink);
            });
            if result.is_err() {
                break;
            }
        }
        result
    }
}

/// All three charts stacked in `width × height` pixels of 8-bit RGB (row by row), as
/// `render_svg` lays them out.
pub fn render_rgb(data: &ChartData, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = TextRaster::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw_all(&root, data).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(rgb)
}

/// All three charts stacked in one PNG image of `width × height` pixels (8-bit RGB).
pub fn render_png(data: &ChartData, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let rgb = render_rgb(data, width, height)?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(png)
}
