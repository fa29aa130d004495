//! Play, pause, Step back, step one event, step to the next phase, reset; the speed (log scale,
//! 0.01× to 10× real time) and the time scrubber (dragging back replays the run from its seed up
//! to that time; while a seek is under way the scrubber shows its target and the time label the
//! time reached so far).
//!
//! The scrubber spans the run's activity: when the run then only waits for its timeout, the last
//! notch jumps to the end, and the label says so.

use super::Dispatch;
use crate::state::{slider_to_speed, speed_to_slider, Action, AppState};
use crate::view::fmt_ms;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Props {
    pub playing: bool,
    pub runnable: bool,
    pub speed: f64,
    pub now_us: u64,
    /// The target of a seek under way.
    pub seek_us: Option<u64>,
    pub end_us: u64,
    /// The run's activity ends here (`end_us` when it does not wait idle for its timeout).
    pub span_us: u64,
    /// Whether there is anything to go back to.
    pub can_go_back: bool,
    pub finished: bool,
    pub dispatch: Dispatch,
}

impl Props {
    /// The transport of the run `s` holds.
    pub fn of(s: &AppState, dispatch: &Dispatch) -> Props {
        let frame = &s.frame;
        Props {
            playing: s.playing,
            runnable: s.runnable(),
            speed: s.speed,
            now_us: frame.now_us,
            seek_us: frame.seek_us,
            end_us: frame.end_us,
            span_us: frame.span_us,
            can_go_back: frame.events > 0,
            finished: frame.finished,
            dispatch: dispatch.clone(),
        }
    }
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

/// The time at a slider position: linear over the activity, the last notch at the end.
pub fn slider_time(permille: u64, span_us: u64, end_us: u64) -> u64 {
    if permille >= 1000 {
        end_us
    } else {
        span_us * permille / 1000
    }
}

/// The slider position of a time (the inverse of [`slider_time`]).
pub fn slider_pos(t_us: u64, span_us: u64, end_us: u64) -> u64 {
    if t_us >= end_us && end_us > 0 {
        1000
    } else {
        ((t_us * 1000).checked_div(span_us).unwrap_or(0)).min(999)
    }
}

/// A plain function, not a component: it changes with the time on screen every frame anyway,
/// and each component type costs the bundle its own copy of Yew's component machinery.
pub fn transport(p: &Props) -> Html {
    let d = &p.dispatch;
    let play = d.reform(|_| Action::TogglePlay);
    let step = d.reform(|_| Action::Step);
    let phase = d.reform(|_| Action::StepPhase);
    let back = d.reform(|_| Action::Back);
    let reset = d.reform(|_| Action::Reset);
    let speed = d.reform(|e: InputEvent| {
        Action::SetSpeed(slider_to_speed(input_value(&e).parse().unwrap_or(0)))
    });
    let (end, span) = (p.end_us, p.span_us.min(p.end_us));
    let seek = d.reform(move |e: InputEvent| {
        let permille: u64 = input_value(&e).parse().unwrap_or(0);
        Action::Seek(slider_time(permille, span, end))
    });
    let shown_us = p.seek_us.unwrap_or(p.now_us);
    let pos = slider_pos(shown_us, span, end);
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
                <button onclick={back} disabled={!p.runnable || !p.can_go_back}
                    aria-keyshortcuts="ArrowLeft" data-testid="back" title="Back to the previous state (←)">{ "← Back" }</button>
                <button onclick={step} disabled={!p.runnable || p.finished}
                    aria-keyshortcuts="ArrowRight" data-testid="step" title="One event forward (→)">{ "Step →" }</button>
                <button onclick={phase} disabled={!p.runnable || p.finished}
                    aria-keyshortcuts="Shift+ArrowRight" data-testid="step-phase"
                    title="Forward to the next phase: another kind of message, or a decision (shift + →)">{ "Next phase ⇥" }</button>
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
                    if span < end {
                        { format!(" · activity until {}, then idle until the timeout at {}", fmt_ms(span), fmt_ms(end)) }
                    } else {
                        { format!(" / {}", fmt_ms(end)) }
                    }
                </label>
                <input id="scrub" type="range" min="0" max="1000" value={pos.to_string()}
                    oninput={seek} disabled={!p.runnable}
                    aria-valuetext={fmt_ms(shown_us)} />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slider_spans_the_activity_and_its_last_notch_is_the_end() {
        assert_eq!(slider_time(500, 400, 10_000), 200);
        assert_eq!(slider_time(1000, 400, 10_000), 10_000);
        assert_eq!(slider_pos(200, 400, 10_000), 500);
        assert_eq!(slider_pos(10_000, 400, 10_000), 1000);
        assert_eq!(slider_pos(400, 400, 400), 1000);
        assert_eq!(slider_pos(0, 0, 0), 0);
    }
}
