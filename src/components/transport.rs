//! Play, pause, step, reset; the speed (log scale, 0.01× to 10× real time) and the time
//! scrubber (dragging back replays the run from its seed up to that time; while a seek is under
//! way the scrubber shows its target and the time label the time reached so far).

use super::Dispatch;
use crate::state::{slider_to_speed, speed_to_slider, Action};
use crate::view::fmt_ms;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub playing: bool,
    pub runnable: bool,
    pub speed: f64,
    pub now_us: u64,
    /// The target of a seek under way.
    pub seek_us: Option<u64>,
    pub end_us: u64,
    pub finished: bool,
    pub dispatch: Dispatch,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// `0.05×`, `2×`.
pub fn fmt_speed(speed: f64) -> String {
    if speed < 0.1 {
        format!("{speed:.3}×")
    } else if speed < 1.0 {
        format!("{speed:.2}×")
    } else {
        format!("{speed:.1}×")
    }
}

#[function_component(Transport)]
pub fn transport(p: &Props) -> Html {
    let d = &p.dispatch;
    let play = d.reform(|_| Action::TogglePlay);
    let step = d.reform(|_| Action::Step);
    let reset = d.reform(|_| Action::Reset);
    let speed = d.reform(|e: InputEvent| {
        Action::SetSpeed(slider_to_speed(input_value(&e).parse().unwrap_or(0)))
    });
    let end = p.end_us;
    let seek = d.reform(move |e: InputEvent| {
        let permille: u64 = input_value(&e).parse().unwrap_or(0);
        Action::Seek(end * permille / 1000)
    });
    let shown_us = p.seek_us.unwrap_or(p.now_us);
    let pos = (shown_us * 1000).checked_div(end).unwrap_or(0);
    let play_label = if p.playing {
        "Pause"
    } else if p.finished {
        "Replay"
    } else {
        "Play"
    };
    html! {
        <div class="transport">
            <div class="buttons">
                <button class="primary-btn" onclick={play} disabled={!p.runnable}
                    aria-keyshortcuts="Space" data-testid="play">
                    { if p.playing { "❚❚ " } else { "▶ " } }{ play_label }
                </button>
                <button onclick={step} disabled={!p.runnable || p.finished}
                    aria-keyshortcuts="ArrowRight">{ "Step →" }</button>
                <button onclick={reset} aria-keyshortcuts="r">{ "↺ Reset" }</button>
            </div>
            <div class="slider">
                <label for="speed">{ format!("Speed {}", fmt_speed(p.speed)) }</label>
                <input id="speed" type="range" min="0" max="1000"
                    value={speed_to_slider(p.speed).to_string()} oninput={speed}
                    aria-valuetext={fmt_speed(p.speed)} />
            </div>
            <div class="slider grow">
                <label for="scrub">
                    { "Time " }<span class="mono" data-testid="time">{ fmt_ms(p.now_us) }</span>
                    { format!(" / {}", fmt_ms(end)) }
                </label>
                <input id="scrub" type="range" min="0" max="1000" value={pos.to_string()}
                    oninput={seek} disabled={!p.runnable}
                    aria-valuetext={fmt_ms(shown_us)} />
            </div>
        </div>
    }
}
