//! The page API's events out, derived after every render from the state the reducer holds:
//! `ready` once, `state` when playing starts or stops, after each step, seek or step back, and
//! about four times a second while time moves, `commit` and `view-change` for each such trace event the run reaches by playing or
//! stepping (a seek jumps over them: a page hears where it landed, not every event on the way),
//! `end` with the outcome when the run reaches its end on screen, `tour` when a tour's step is on
//! screen (and `error` when a tour cannot open: it is fetched after the command was taken).

use super::bridge::{ms, post};
use crate::state::{AppState, PageEvent, TourStatus};
use wasm_bindgen::JsValue;

/// Least wall time between two `state` events while time moves.
const STATE_EVERY_MS: f64 = 250.0;

/// What was last reported.
#[derive(Default)]
pub struct Reporter {
    ready: bool,
    /// Trace events already looked at.
    seen: usize,
    playing: bool,
    finished: bool,
    time_us: u64,
    state_wall_ms: f64,
    /// `end` was posted for the run on screen.
    ended: bool,
    /// The tour step last reported (name, step from 0), or the reason it could not open.
    tour: Option<(String, usize)>,
    tour_error: Option<String>,
}

impl Reporter {
    /// Reports what changed in `s` since the last call; `query` is the run's link (for `ready`).
    pub fn report(&mut self, id: &str, s: &AppState, query: &str, wall_ms: f64) {
        let frame = &s.frame;
        if !self.ready {
            self.ready = true;
            post(
                id,
                "ready",
                &[
                    ("time_ms", ms(frame.now_us)),
                    ("end_ms", ms(frame.end_us)),
                    ("playing", JsValue::from_bool(s.playing)),
                    ("params", JsValue::from_str(query.trim_start_matches('?'))),
                    ("notices", notices(&s.notices)),
                ],
            );
        }
        let len = s.trace_len();
        if frame.seek_us.is_none() {
            for e in s.page_events(self.seen.min(len)) {
                page_event(id, &e);
            }
        }
        // A step or a step back changes the events on screen, if not always the time.
        let stepped = len != self.seen;
        self.seen = len;
        let changed = s.playing != self.playing || frame.finished != self.finished;
        let moved = frame.now_us != self.time_us || stepped;
        let settled = !s.playing && frame.seek_us.is_none();
        if changed || (moved && (settled || wall_ms - self.state_wall_ms >= STATE_EVERY_MS)) {
            post(
                id,
                "state",
                &[
                    ("time_ms", ms(frame.now_us)),
                    ("end_ms", ms(frame.end_us)),
                    ("playing", JsValue::from_bool(s.playing)),
                    ("finished", JsValue::from_bool(frame.finished)),
                    ("events", JsValue::from_f64(len as f64)),
                ],
            );
            self.state_wall_ms = wall_ms;
        }
        // The scene carries the outcome once the run's end is on screen.
        match (&s.scene.outcome, frame.finished) {
            (Some(o), true) if !self.ended => {
                self.ended = true;
                post(
                    id,
                    "end",
                    &[
                        ("time_ms", ms(frame.now_us)),
                        ("outcome", JsValue::from_str(o.verdict)),
                        ("headline", JsValue::from_str(&o.headline)),
                        ("reason", JsValue::from_str(&o.reason)),
                    ],
                );
            }
            (_, false) => self.ended = false,
            _ => {}
        }
        self.playing = s.playing;
        self.finished = frame.finished;
        self.time_us = frame.now_us;
        self.report_tour(id, s);
    }

    /// `tour` once a step is on screen; `error` once a tour fails to open.
    fn report_tour(&mut self, id: &str, s: &AppState) {
        let Some(t) = &s.tour else {
            self.tour = None;
            return;
        };
        match &t.status {
            // Once the step is on screen: a Next plays there first.
            TourStatus::Ready(l) if s.frame.seek_us.is_none() && !s.playing => {
                let shown = Some((t.name.clone(), t.step));
                if self.tour != shown {
                    self.tour = shown;
                    let heading = l.tour.steps.get(t.step).map_or("", |s| s.heading.as_str());
                    post(
                        id,
                        "tour",
                        &[
                            ("name", JsValue::from_str(&t.name)),
                            ("step", JsValue::from_f64((t.step + 1) as f64)),
                            ("steps", JsValue::from_f64(l.at.len() as f64)),
                            ("title", JsValue::from_str(&l.tour.title)),
                            ("heading", JsValue::from_str(heading)),
                        ],
                    );
                }
            }
            TourStatus::Failed(why) if self.tour_error.as_ref() != Some(why) => {
                self.tour = None;
                self.tour_error = Some(why.clone());
                error(id, "tour", why);
            }
            // A new attempt may fail again with the same sentence: report that one too.
            TourStatus::Loading => self.tour_error = None,
            _ => {}
        }
    }
}

fn notices(list: &[String]) -> JsValue {
    list.iter()
        .map(|n| JsValue::from_str(n))
        .collect::<js_sys::Array>()
        .into()
}

fn page_event(id: &str, e: &PageEvent) {
    match *e {
        PageEvent::Commit { time_us, node, seq } => post(
            id,
            "commit",
            &[
                ("time_ms", ms(time_us)),
                ("node", JsValue::from(node)),
                ("seq", JsValue::from_f64(seq as f64)),
            ],
        ),
        PageEvent::ViewChange {
            time_us,
            node,
            view,
            entered,
        } => post(
            id,
            "view-change",
            &[
                ("time_ms", ms(time_us)),
                ("node", JsValue::from(node)),
                ("view", JsValue::from_f64(view as f64)),
                (
                    "stage",
                    JsValue::from_str(if entered { "entered" } else { "asked" }),
                ),
            ],
        ),
    }
}

/// Posts an `error` event with `message`, the sentence saying what was wrong.
pub fn error(id: &str, command: &str, message: &str) {
    post(
        id,
        "error",
        &[
            ("command", JsValue::from_str(command)),
            ("message", JsValue::from_str(message)),
        ],
    );
}
