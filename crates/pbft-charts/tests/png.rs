//! The charts rasterised to PNG (feature `png`, as the CLI builds this crate) and read back: a
//! valid 900 × 1500 RGB image, drawn (not blank), in the series' colours, with real text where
//! the titles and axis labels go, the width the backend measured for it.
//!
//! `cargo test -p pbft-charts --features png` (or any test run that also builds pbft-cli).

#![cfg(all(feature = "png", not(target_arch = "wasm32")))]

use pbft_charts::frame::{FONT, PALETTE};
use pbft_charts::raster::TextRaster;
use pbft_charts::{render_png, ChartData, Series, CHART_TITLES};
use pbft_engine::{Config, Strategy, Sweep, SweepPoint};
use plotters::prelude::*;

const W: u32 = 900;
const H: u32 = 1500;

/// A decoded 8-bit RGB image.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn decode(png_bytes: &[u8]) -> Image {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut rgb).expect("the image data decodes");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        rgb.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn pixel(&self, x: u32, y: u32) -> (u8, u8, u8) {
        let i = 3 * (y * self.width + x) as usize;
        (self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }

    /// Pixels of `rect` (x0, y0, x1, y1; exclusive ends) for which `keep` holds.
    fn select(
        &self,
        (x0, y0, x1, y1): (u32, u32, u32, u32),
        keep: impl Fn((u8, u8, u8)) -> bool,
    ) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for y in y0..y1 {
            for x in x0..x1 {
                if keep(self.pixel(x, y)) {
                    out.push((x, y));
                }
            }
        }
        out
    }
}

/// Text is black or grey ink: dark and unsaturated.
fn ink((r, g, b): (u8, u8, u8)) -> bool {
    let (hi, lo) = (r.max(g).max(b), r.min(g).min(b));
    hi < 110 && hi - lo < 30
}

/// The bounding box (x0, y0, x1, y1; inclusive) of `pixels`.
fn bbox(pixels: &[(u32, u32)]) -> (u32, u32, u32, u32) {
    pixels
        .iter()
        .fold((u32::MAX, u32::MAX, 0, 0), |b, &(x, y)| {
            (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y))
        })
}

fn sweep(config: &Config) -> Vec<SweepPoint> {
    Sweep::new(config, &(0..=6).collect::<Vec<_>>())
        .unwrap()
        .run_all()
}

/// Two small sweeps (tutorial and silent, n = 10, 6 trials, m = 0..=6).
fn data() -> ChartData {
    let tutorial = Config {
        trials: 6,
        ..Config::default()
    };
    let silent = Config {
        strategy: Strategy::Silent,
        ..tutorial.clone()
    };
    ChartData {
        series: vec![
            Series {
                label: "tutorial".into(),
                points: sweep(&tutorial),
            },
            Series {
                label: "silent".into(),
                points: sweep(&silent),
            },
        ],
    }
}

#[test]
fn the_png_decodes_with_the_charts_drawn_and_their_text() {
    let bytes = render_png(&data(), W, H).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let image = Image::decode(&bytes);
    assert_eq!((image.width, image.height), (W, H));

    // Not blank: a good share of the image is drawn (grid, axes, lines, bands, text).
    let drawn = image.select((0, 0, W, H), |p| p != (255, 255, 255)).len();
    assert!(drawn > (W * H / 20) as usize, "{drawn} non-white pixels");
    // Both series' lines, in their own colours.
    for color in &PALETTE[..2] {
        let want = (color.0, color.1, color.2);
        let count = image.select((0, 0, W, H), |p| p == want).len();
        assert!(count > 1000, "{count} pixels of {want:?}");
    }

    // Each chart's title: ink in the strip above its plot, centred, as wide as the backend
    // measures that text at the caption's size (22, frame::build), so the glyphs were
    // rasterised and advanced like the measurement (no overlapping or scattered letters).
    let mut scratch = vec![255u8; 3];
    let backend = TextRaster::with_buffer(&mut scratch, (1, 1));
    let caption: TextStyle = (FONT, 22).into();
    for (i, title) in CHART_TITLES.iter().enumerate() {
        let top = i as u32 * 500;
        let pixels = image.select((0, top, W, top + 44), ink);
        assert!(pixels.len() > 400, "{title}: {} ink pixels", pixels.len());
        let (x0, y0, x1, y1) = bbox(&pixels);
        let (width, _) = backend.estimate_text_size(title, &caption).unwrap();
        let ink_width = x1 - x0 + 1;
        assert!(
            ink_width.abs_diff(width) <= 4,
            "{title}: ink {ink_width} px wide, measured {width}"
        );
        assert!(
            (x0 + x1).abs_diff(W) <= 6,
            "{title}: not centred ({x0}..{x1})"
        );
        assert!(y1 - y0 >= 14 && y1 - y0 <= 26, "{title}: {y0}..{y1}");
    }

    // The rotated y-axis description at the left of the first chart: a tall, narrow run of ink.
    let (x0, y0, x1, y1) = bbox(&image.select((0, 40, 28, 460), ink));
    assert!(
        y1 - y0 > 150 && x1 - x0 < 20,
        "y label: {x0},{y0}..{x1},{y1}"
    );
    // The x-axis description under the last chart.
    let below = image.select((200, H - 26, 700, H), ink);
    assert!(below.len() > 200, "x label: {} ink pixels", below.len());
}

#[test]
fn text_is_measured_with_the_font_it_is_drawn_with() {
    let mut scratch = vec![255u8; 3];
    let backend = TextRaster::with_buffer(&mut scratch, (1, 1));
    let label: TextStyle = (FONT, 15).into();
    let (one, h) = backend.estimate_text_size("m", &label).unwrap();
    let (three, h3) = backend.estimate_text_size("mmm", &label).unwrap();
    assert!(one >= 8 && h >= 12, "{one} x {h}");
    assert!(three.abs_diff(3 * one) <= 2 && h3 == h);
    // Wider than the narrow letter, bigger at a bigger size.
    assert!(backend.estimate_text_size("i", &label).unwrap().0 < one);
    let title: TextStyle = (FONT, 22).into();
    assert!(backend.estimate_text_size("m", &title).unwrap().0 > one);
}
