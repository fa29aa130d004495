//! One chart of the experiment on a `<canvas>`: drawn by `pbft-charts` (the same code as
//! `pbft-sim sweep --plot`) through plotters-canvas, redrawn whenever the results change (so
//! points appear as they finish), with its reading in words under it. The pointer's column picks
//! a Byzantine count: hovering shows its numbers beside the pointer ([`readout`]), a click opens
//! one of its runs in the live view. A button saves the chart as PNG with the sweep's caption and
//! the reading under it.

use super::browser::png_with_caption;
use super::readout::{self, Pointer};
use crate::export::download;
use pbft_charts::plotters::prelude::*;
use pbft_charts::{ChartData, PlotLayout};
use pbft_engine::Config;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The canvas's drawing size in pixels (CSS scales it to the column's width).
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 400;
/// The drawing size on a phone-width screen, where 720 pixels scaled down to the column would
/// leave the labels about 5 px high.
pub const NARROW_WIDTH: u32 = 460;
pub const NARROW_HEIGHT: u32 = 380;
/// Below this window width (CSS px) the charts are drawn at the narrow size.
const NARROW_BELOW_PX: f64 = 600.0;

/// The drawing size for the current window width.
fn drawing_size() -> (u32, u32) {
    let narrow = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|w| w < NARROW_BELOW_PX);
    if narrow {
        (NARROW_WIDTH, NARROW_HEIGHT)
    } else {
        (WIDTH, HEIGHT)
    }
}

/// The file-name stem and `data-chart` hook of each chart.
pub const NAMES: [&str; 3] = ["latency", "success", "messages"];

/// Least wall time between two redraws of a chart while its sweep runs: points still appear
/// as they finish, but drawing does not eat the time the sweep itself needs.
pub const REDRAW_MS: f64 = 150.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// 0 latency, 1 success and agreement, 2 messages.
    pub which: usize,
    pub data: Rc<ChartData>,
    /// The config each series ran (for the reading and the readout).
    pub configs: Rc<Vec<Config>>,
    /// While a sweep runs, redraws are at most every [`REDRAW_MS`]; the final one always runs.
    pub running: bool,
    pub on_pick: Callback<u32>,
    /// The sweep in words and the exports' file-name stem (see `names`).
    pub caption: AttrValue,
    pub stem: AttrValue,
}

/// Draws chart `which` of `data` on `canvas`; the layout maps the pointer back to counts.
fn draw(canvas: &HtmlCanvasElement, which: usize, data: &ChartData) -> Option<PlotLayout> {
    let root = super::backend::chart_backend(canvas)?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    let layout = match which {
        0 => pbft_charts::latency::draw(&root, data),
        1 => pbft_charts::success::draw(&root, data),
        _ => pbft_charts::messages::draw(&root, data),
    }
    .ok()?;
    root.present().ok()?;
    Some(layout)
}

/// Where the pointer of `e` is over `el` and which count's column that is.
fn pointer_at(el: &HtmlCanvasElement, layout: &PlotLayout, e: &MouseEvent) -> Option<Pointer> {
    let (w, h) = (el.client_width().max(1), el.client_height().max(1));
    let scale = f64::from(el.width()) / f64::from(w);
    let x = (f64::from(e.offset_x()) * scale).round() as i32;
    Some(Pointer {
        m: layout.byzantine_at(x)?,
        x: e.offset_x(),
        y: e.offset_y(),
        left: e.offset_x() > w / 2,
        // The box is about 150 px tall: below the pointer only in the chart's upper part.
        up: e.offset_y() > h * 2 / 5,
    })
}

/// Draws chart `which` of `data` on `canvas` whenever the data or the drawing size change (at
/// most every [`REDRAW_MS`] while a sweep runs); the layout of the last drawing.
#[hook]
fn use_drawing(
    canvas: &NodeRef,
    which: usize,
    data: &Rc<ChartData>,
    running: bool,
    size: (u32, u32),
) -> Rc<std::cell::RefCell<Option<PlotLayout>>> {
    let layout = use_mut_ref(|| None::<PlotLayout>);
    let last_draw_ms = use_mut_ref(|| f64::NEG_INFINITY);
    let (canvas, out) = (canvas.clone(), layout.clone());
    // A new size rewrites the canvas's width and height, which clears it: redraw then too.
    use_effect_with((data.clone(), running, size), move |(data, running, _)| {
        let now = super::state::now_ms();
        if *running && now - *last_draw_ms.borrow() < REDRAW_MS {
            return;
        }
        if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
            *layout.borrow_mut() = draw(&el, which, data);
            *last_draw_ms.borrow_mut() = now;
        }
    });
    out
}

/// Saves the chart on `canvas` as `file`, with `caption` and `reading` printed under it.
fn save_png(
    canvas: &NodeRef,
    file: String,
    caption: AttrValue,
    reading: String,
) -> Callback<MouseEvent> {
    let canvas = canvas.clone();
    Callback::from(move |_: MouseEvent| {
        let url = canvas
            .cast::<HtmlCanvasElement>()
            .and_then(|c| png_with_caption(&c, &[caption.as_str(), reading.as_str()]));
        if let Some(url) = url {
            download(&file, &url);
        }
    })
}

#[function_component(ChartCanvas)]
pub fn chart_canvas(p: &Props) -> Html {
    let canvas = use_node_ref();
    let pointer = use_state_eq(|| None::<Pointer>);
    let (width, height) = drawing_size();
    let layout = use_drawing(&canvas, p.which, &p.data, p.running, (width, height));
    // Trial 0's outcome per series at the hovered count: a run each, so once per count.
    let hovered = pointer.map(|at| at.m);
    let outcomes = use_memo((hovered, p.configs.clone()), |(m, configs)| match m {
        Some(m) => configs.iter().map(|c| readout::trial0(c, *m)).collect(),
        None => Vec::new(),
    });
    let locate = {
        let (canvas, layout) = (canvas.clone(), layout.clone());
        move |e: &MouseEvent| -> Option<Pointer> {
            pointer_at(
                &canvas.cast::<HtmlCanvasElement>()?,
                layout.borrow().as_ref()?,
                e,
            )
        }
    };
    let onmousemove = {
        let (locate, pointer) = (locate.clone(), pointer.clone());
        Callback::from(move |e: MouseEvent| pointer.set(locate(&e)))
    };
    let onclick = {
        let pick = p.on_pick.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(at) = locate(&e) {
                pick.emit(at.m);
            }
        })
    };
    let onmouseleave = {
        let pointer = pointer.clone();
        Callback::from(move |_: MouseEvent| pointer.set(None))
    };
    let name = NAMES[p.which.min(2)];
    let reading = pbft_charts::reading(p.which, &p.data, &p.configs);
    let save = save_png(
        &canvas,
        format!("{}_{name}.png", p.stem),
        p.caption.clone(),
        reading.clone(),
    );
    let title = pbft_charts::chart_titles(&p.data)[p.which.min(2)];
    html! {
        <figure class="exp-chart">
            <canvas ref={canvas} width={width.to_string()} height={height.to_string()}
                data-chart={name} role="img" aria-label={title}
                aria-describedby={format!("reading-{name}")}
                {onmousemove} {onmouseleave} {onclick} />
            if let Some(at) = *pointer {
                { readout::readout(&p.data, &p.configs, at, &outcomes) }
            }
            <figcaption>
                <p class="exp-reading" id={format!("reading-{name}")} data-testid={format!("reading-{name}")}>
                    { reading }
                </p>
                <button class="small" onclick={save} data-testid={format!("png-{name}")}>
                    { "Save PNG" }
                </button>
            </figcaption>
        </figure>
    }
}
