//! One chart of the experiment on a `<canvas>`: drawn by `pbft-charts` (the same code as
//! `pbft-sim sweep --plot`) through plotters-canvas, redrawn whenever the results change (so
//! points appear as they finish). The pointer's column picks a Byzantine count: hovering shows
//! its numbers, a click opens one of its runs in the live view. A button saves the chart as PNG
//! (`canvas.toDataURL()`).

use super::download;
use pbft_charts::plotters::prelude::*;
use pbft_charts::{ChartData, PlotLayout, CHART_TITLES};
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
    /// While a sweep runs, redraws are at most every [`REDRAW_MS`]; the final one always runs.
    pub running: bool,
    pub on_hover: Callback<Option<u32>>,
    pub on_pick: Callback<u32>,
}

/// Draws chart `which` of `data` on `canvas`; the layout maps the pointer back to counts.
fn draw(canvas: &HtmlCanvasElement, which: usize, data: &ChartData) -> Option<PlotLayout> {
    let root = super::backend::ChartBackend::new(canvas)?.into_drawing_area();
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

#[function_component(ChartCanvas)]
pub fn chart_canvas(p: &Props) -> Html {
    let canvas = use_node_ref();
    let layout = use_mut_ref(|| None::<PlotLayout>);
    let last_draw_ms = use_mut_ref(|| f64::NEG_INFINITY);
    // A new size rewrites the canvas's width and height, which clears it: redraw then too.
    let (width, height) = drawing_size();
    {
        let (canvas, layout, which) = (canvas.clone(), layout.clone(), p.which);
        let deps = (p.data.clone(), p.running, (width, height));
        use_effect_with(deps, move |(data, running, _)| {
            let now = super::state::now_ms();
            if *running && now - *last_draw_ms.borrow() < REDRAW_MS {
                return;
            }
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                *layout.borrow_mut() = draw(&el, which, data);
                *last_draw_ms.borrow_mut() = now;
            }
        });
    }
    // The Byzantine count whose column is under the pointer.
    let column = {
        let (canvas, layout) = (canvas.clone(), layout.clone());
        move |e: &MouseEvent| -> Option<u32> {
            let el = canvas.cast::<HtmlCanvasElement>()?;
            let scale = f64::from(el.width()) / f64::from(el.client_width().max(1));
            let x = (f64::from(e.offset_x()) * scale).round() as i32;
            layout.borrow().as_ref()?.byzantine_at(x)
        }
    };
    let onmousemove = {
        let (column, hover) = (column.clone(), p.on_hover.clone());
        Callback::from(move |e: MouseEvent| hover.emit(column(&e)))
    };
    let onclick = {
        let pick = p.on_pick.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(m) = column(&e) {
                pick.emit(m);
            }
        })
    };
    let onmouseleave = p.on_hover.reform(|_: MouseEvent| None);
    let name = NAMES[p.which.min(2)];
    let save = {
        let canvas = canvas.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.to_data_url().ok())
            {
                download(&format!("pbft-{name}.png"), &url);
            }
        })
    };
    html! {
        <figure class="exp-chart">
            <canvas ref={canvas} width={width.to_string()} height={height.to_string()}
                data-chart={name} role="img" aria-label={CHART_TITLES[p.which.min(2)]}
                {onmousemove} {onmouseleave} {onclick} />
            <figcaption>
                <button class="small" onclick={save} data-testid={format!("png-{name}")}>
                    { "Save PNG" }
                </button>
            </figcaption>
        </figure>
    }
}
