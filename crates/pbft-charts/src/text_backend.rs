//! A drawing backend whose text is handled apart: [`WithText`] passes every drawing call to an
//! inner backend unchanged, except the two text calls, which go to a [`TextHandler`].
//!
//! Both places the charts are drawn need exactly this: the browser's canvas measures text with
//! `measureText` instead of plotters' page-layout measurement (src/experiments/backend.rs in the
//! web app), and the PNG rasteriser draws and measures text with an embedded font
//! ([`crate::raster`]). One wrapper serves both, so the thirteen pass-through methods of
//! `DrawingBackend` are written once.

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// How a [`WithText`] measures and draws text over its inner backend `B`.
pub trait TextHandler<B: DrawingBackend> {
    /// Width and height of `text` in `style`, in pixels.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        inner: &B,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>>;

    /// Draws `text` at `pos`; by default the inner backend draws it.
    fn draw_text<S: BackendTextStyle>(
        &self,
        inner: &mut B,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        inner.draw_text(text, style, pos)
    }
}

/// `inner`, with its text measured (and maybe drawn) by `text`.
pub struct WithText<B, T> {
    pub inner: B,
    pub text: T,
}

type Result2<B> = Result<(), DrawingErrorKind<<B as DrawingBackend>::ErrorType>>;

impl<B: DrawingBackend, T: TextHandler<B>> DrawingBackend for WithText<B, T> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result2<B> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result2<B> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result2<B> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result2<B> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result2<B> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result2<B> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result2<B> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result2<B> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result2<B> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result2<B> {
        self.text.draw_text(&mut self.inner, text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        self.text.estimate_text_size(&self.inner, text, style)
    }
}
