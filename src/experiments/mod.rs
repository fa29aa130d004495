//! The Experiments view: the tutorial's experiment (latency and success against the number of
//! Byzantine nodes m) swept in the browser, charted with plotters on `<canvas>`, exported as CSV,
//! JSON and PNG, with the results table under the charts.
//!
//! The view is chosen by `?view=experiments` ([`Root`]); the rest of the query is the same
//! scenario parameters as the live view, plus `byzantine` as a range (`0..=9`), `trials` and
//! `compare` (`strategy=silent`), the CLI's names. The sweep runs in slices on a `setTimeout(0)`
//! chain (see [`state`]); f = floor((n − 1)/3) is marked on every chart (Castro & Liskov, OSDI
//! 1999 §2: n ≥ 3f + 1 replicas tolerate f faults).

mod backend;
pub mod chart;
pub mod state;
mod table;

use crate::components::controls::Controls;
use crate::export::{download, download_text, points_csv, points_json};
use crate::url;
use chart::ChartCanvas;
use pbft_engine::{run_once, Config, SweepPoint};
use state::{ExpAction, ExpState, COMPARE, TRIALS};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Picks the view from the URL: the Experiments view or the live visualizer.
#[function_component(Root)]
pub fn root() -> Html {
    let experiments = url::query_pairs(&url::read_location())
        .iter()
        .any(|(k, v)| k == "view" && v == "experiments");
    if experiments {
        html! { <Experiments /> }
    } else {
        html! { <crate::App /> }
    }
}

/// The Experiments view's link for the scenario `config` (from the live view).
pub fn link_for(config: &Config) -> String {
    let q = url::query_for(&Config {
        byzantine: 0,
        byzantine_nodes: None,
        trials: Config::for_protocol(config.protocol).trials,
        ..config.clone()
    });
    format!("./{}", q.replacen('?', "?view=experiments&", 1))
}

/// A pending call on the next turn of the event loop, through a `MessageChannel` (a
/// `setTimeout(0)` chain is clamped to 4 ms per call by browsers). Between two calls the browser
/// paints and handles input; dropping it cancels the call.
struct NextTurn {
    port: web_sys::MessagePort,
    _closure: Closure<dyn FnMut()>,
}

impl NextTurn {
    fn new(f: impl FnMut() + 'static) -> Option<NextTurn> {
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

fn write_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}

/// The rows of every series: (point, config of its sweep).
fn rows(s: &ExpState) -> Vec<(&SweepPoint, &Config)> {
    s.results
        .series
        .iter()
        .zip(s.result_configs.iter())
        .flat_map(|(series, config)| series.points.iter().map(move |p| (p, config)))
        .collect()
}

/// The numbers of count `m` in every series, and a link to trial 0 of each in the live view.
fn details(s: &ExpState, m: u32) -> Html {
    let items = s
        .results
        .series
        .iter()
        .zip(s.result_configs.iter())
        .enumerate()
        .filter_map(|(i, (series, config))| {
            let p = series.points.iter().find(|p| p.byzantine == m)?;
            let ms = |v: Option<f64>| v.map_or("NA".into(), |v| format!("{v:.1} ms"));
            // The live view always shows trial 0: say whether that run committed.
            let trial0 = run_once(&Config { byzantine: m, byzantine_nodes: None, ..config.clone() }, 0)
                .map(|r| if r.success { "committed" } else { "failed" })
                .unwrap_or("invalid");
            Some(html! {
                <li data-series={i.to_string()}>
                    <strong>{ &series.label }</strong>
                    { format!(" · m = {m}: success {}/{} ({:.1} %) · agreement {} · latency mean {} (p5 {}, p95 {}) · {:.1} messages per run · ",
                        p.successes, p.trials, 100.0 * p.success_rate, p.agreements,
                        ms(p.latency_ms_mean), ms(p.latency_ms_p5), ms(p.latency_ms_p95), p.messages_mean) }
                    <a href={format!("./{}", s.live_query(i, m))} target="_blank" rel="noopener">
                        { format!("watch trial 0 ({trial0})") }
                    </a>
                </li>
            })
        });
    html! { <ul class="exp-details" data-testid="exp-details">{ for items }</ul> }
}

#[function_component(Experiments)]
pub fn experiments() -> Html {
    let state = use_reducer(|| ExpState::from_query(&url::read_location()));
    let dispatch: Callback<ExpAction> = {
        let d = state.dispatcher();
        Callback::from(move |a| d.dispatch(a))
    };
    // The cooperative loop: after every slice, the next one is one turn of the event loop away,
    // so the browser paints and handles input in between. Cancelling drops the pending call.
    {
        let d = dispatch.clone();
        use_effect_with((state.running, state.slices), move |&(running, _)| {
            let pending = running
                .then(|| NextTurn::new(move || d.emit(ExpAction::Slice(state::now_ms()))))
                .flatten();
            move || drop(pending)
        });
    }
    use_effect_with(state.query(), |q| write_query(q));

    let s = &*state;
    // Memoised, so the form is not re-rendered by every slice of a running sweep.
    let controls_dispatch = {
        let d = dispatch.clone();
        (*use_memo((), move |_| {
            Callback::from(move |a: crate::state::Action| match a {
                crate::state::Action::SetParam(k, v) => d.emit(ExpAction::SetParam(k, v)),
                crate::state::Action::NewSeed(seed) => {
                    d.emit(ExpAction::SetParam("seed".into(), seed.to_string()))
                }
                _ => {}
            })
        }))
        .clone()
    };
    let field = |name: &'static str, label: &'static str, hint: &'static str| {
        let d = dispatch.clone();
        let onchange = Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            d.emit(ExpAction::SetParam(name.to_string(), v));
        });
        let error = s.errors.get(name);
        html! {
            <div class={classes!("field", error.map(|_| "invalid"))} data-field={name}>
                <label for={format!("x-{name}")}>{ label }</label>
                <input id={format!("x-{name}")} type="text" value={s.texts.get(name).cloned().unwrap_or_default()}
                    placeholder={hint} {onchange} spellcheck="false" />
                if let Some(msg) = error { <p class="field-error" role="alert">{ msg }</p> }
            </div>
        }
    };
    let start = dispatch.reform(|_: MouseEvent| ExpAction::Start(state::now_ms()));
    let cancel = dispatch.reform(|_: MouseEvent| ExpAction::Cancel);
    let on_hover = dispatch.reform(ExpAction::Hover);
    // A click opens trial 0 of that count of the first series in the live view, in a new tab
    // (the results stay here); the details list links every series' run.
    let on_pick = {
        let state = state.clone();
        Callback::from(move |m: u32| {
            if state.results.series.is_empty() {
                return;
            }
            if let Some(w) = web_sys::window() {
                let url = format!("./{}", state.live_query(0, m));
                let _ = w.open_with_url_and_target(&url, "_blank");
            }
        })
    };
    let export_csv = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            download_text("pbft-sweep.csv", "text/csv", &points_csv(&rows(&state)))
        })
    };
    let export_json = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            download_text(
                "pbft-sweep.jsonl",
                "application/json",
                &points_json(&rows(&state)),
            )
        })
    };
    let has_points = s.results.series.iter().any(|x| !x.points.is_empty());
    let pct = 100.0 * s.runs_done as f64 / s.runs_total.max(1) as f64;
    let status = if s.running {
        format!(
            "Running: {} of {} runs ({pct:.0} %)",
            s.runs_done, s.runs_total
        )
    } else if s.cancelled {
        format!("Cancelled after {} of {} runs", s.runs_done, s.runs_total)
    } else if s.runs_total > 0 {
        format!("Done: {} runs", s.runs_done)
    } else {
        "Choose a scenario and run the sweep.".to_string()
    };
    let f = s.config.f();
    html! {
        <div class="app experiments">
            <header class="top">
                <div class="title">
                    <h1>{ "PBFT experiments" }</h1>
                    <p class="subtitle">{ format!(
                        "Latency and success against the number of Byzantine nodes m: n = {} tolerates f = {f}.",
                        s.config.nodes) }</p>
                </div>
                <a class="view-link" href={format!("./{}", url::query_for(&Config { byzantine: f, ..s.config.clone() }))}>
                    { "← Live view" }
                </a>
            </header>
            if !s.notices.is_empty() {
                <div class="banner notices" role="status">
                    { for s.notices.iter().map(|n| html! { <p>{ n }</p> }) }
                </div>
            }
            <main class="layout exp-layout">
                <aside class="panel controls-panel">
                    <Controls texts={s.texts.clone()} errors={s.errors.clone()}
                        byzantine_nodes={None::<Vec<u32>>} dispatch={controls_dispatch} />
                    <div class="controls exp-fields">
                        <h2>{ "Experiment" }</h2>
                        <p class="exp-note">{ "Byzantine nodes above: a count, a range 0..=9 or a list 0,2,4." }</p>
                        { field(TRIALS, "Trials per point", "100") }
                        { field(COMPARE, "Compare with", "e.g. strategy=silent or protocol=pbft") }
                    </div>
                </aside>
                <section class="stage exp-stage">
                    <div class="exp-run">
                        <button class="primary-btn" data-testid="exp-run" onclick={start}
                            disabled={!s.runnable()}>{ "Run sweep" }</button>
                        <button data-testid="exp-cancel" onclick={cancel} disabled={!s.running}>{ "Cancel" }</button>
                        <progress data-testid="exp-progress" max={s.runs_total.max(1).to_string()}
                            value={s.runs_done.to_string()} />
                        <span class="exp-status" role="status" data-testid="exp-status"
                            data-running={s.running.to_string()} data-elapsed-ms={format!("{:.1}", s.elapsed_ms)}
                            data-compute-ms={format!("{:.1}", s.compute_ms)}>
                            { format!("{status} · {:.2} s", s.elapsed_ms / 1000.0) }
                        </span>
                    </div>
                    <div class="exp-charts">
                        { for (0..3).map(|which| html! {
                            <ChartCanvas {which} data={s.results.clone()} running={s.running}
                                on_hover={on_hover.clone()} on_pick={on_pick.clone()} />
                        }) }
                    </div>
                    if let Some(m) = s.hover { { details(s, m) } }
                    <p class="exp-note">{ "Hover a chart to see a point's numbers; click to open trial 0 of that point in the live view (the live view always shows trial 0)." }</p>
                    <div class="exp-export">
                        <button data-testid="export-csv" onclick={export_csv} disabled={!has_points}>{ "Export CSV" }</button>
                        <button data-testid="export-json" onclick={export_json} disabled={!has_points}>{ "Export JSON" }</button>
                    </div>
                    { table::results(s) }
                </section>
            </main>
        </div>
    }
}
