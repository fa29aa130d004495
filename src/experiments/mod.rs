//! The Experiments view: the tutorial's experiment (latency and success against the number of
//! Byzantine nodes m) swept in the browser, charted with plotters on `<canvas>` with a reading in
//! words under each chart, exported as CSV, JSON and PNG under names that say which sweep they
//! hold ([`names`]), with the results table under the charts.
//!
//! The view is chosen by `?view=experiments` (`crate::root`); the rest of the query is the same
//! scenario parameters as the live view, plus `byzantine` as a range (`0..=9`), `trials` and
//! `compare` (`strategy=silent`), the CLI's names, read by the engine's `Experiment` (see
//! [`state`]). The sweep runs in slices, one per turn of the event loop (`browser::NextTurn`);
//! f = floor((n − 1)/3) is marked on every chart (Castro & Liskov, OSDI 1999 §2: n ≥ 3f + 1
//! replicas tolerate f faults).

mod backend;
mod browser;
pub mod chart;
pub mod names;
mod readout;
pub mod state;
mod table;

use crate::components::controls::Controls;
use crate::export::{download_text, points_csv, points_json};
use crate::state::Action;
use crate::url;
use browser::{write_query, NextTurn};
use chart::ChartCanvas;
use pbft_engine::{Config, SweepPoint};
use state::{ExpAction, ExpState, COMPARE, TRIALS};
use yew::prelude::*;

/// The Experiments view's link for the scenario `config` (from the live view).
pub fn link_for(config: &Config) -> String {
    let q = url::query_for(&Config {
        byzantine: 0,
        byzantine_nodes: None,
        trials: Config::for_protocol(config.protocol).trials,
        ..config.clone()
    });
    // A query-only link keeps the page's own path: it works under any sub-path, and in the
    // one-file copy opened from the disk (`standalone.html`), where `./` would name the folder.
    q.replacen('?', "?view=experiments&", 1)
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

/// The export file names' stem and the charts' caption, for the sweep on screen.
fn stem_and_caption(s: &ExpState) -> (AttrValue, AttrValue) {
    let compare = s.result_compare.as_deref();
    let (configs, counts) = (&s.result_configs, &s.result_counts);
    (
        names::file_stem(configs, counts, compare).into(),
        names::caption(configs, counts, compare).into(),
    )
}

/// The page title, what n tolerates, and the way back to the live view.
fn header(s: &ExpState) -> Html {
    let f = s.config.f();
    html! {
        <header class="top">
            <div class="title">
                <h1>{ "PBFT experiments" }</h1>
                <p class="subtitle">{ format!(
                    "Latency and success against the number of Byzantine nodes m: n = {} tolerates f = {f}.",
                    s.config.nodes) }</p>
            </div>
            <a class="view-link" href={url::query_for(&Config { byzantine: f, ..s.config.clone() })}>
                { "← Live view" }
            </a>
        </header>
    }
}

/// One of the experiment's own fields (trials, compare).
fn field(
    s: &ExpState,
    dispatch: &Callback<ExpAction>,
    name: &'static str,
    label: &str,
    hint: &str,
) -> Html {
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
                placeholder={hint.to_string()} {onchange} spellcheck="false" />
            if let Some(msg) = error { <p class="field-error" role="alert">{ msg }</p> }
        </div>
    }
}

/// The scenario form (shared with the live view) and the experiment's fields.
fn form(s: &ExpState, dispatch: &Callback<ExpAction>, controls: Callback<Action>) -> Html {
    html! {
        <aside class="panel controls-panel">
            <Controls texts={s.texts.clone()} errors={s.errors.clone()}
                byzantine_nodes={None::<Vec<u32>>} dispatch={controls} />
            <div class="controls exp-fields">
                <h2>{ "Experiment" }</h2>
                <p class="exp-note">{ "Byzantine nodes above: a count, a range 0..=9 or a list 0,2,4." }</p>
                { field(s, dispatch, TRIALS, "Trials per point", "100") }
                { field(s, dispatch, COMPARE, "Compare with", "e.g. strategy=silent or protocol=pbft") }
            </div>
        </aside>
    }
}

/// The sweep's progress in words.
fn status(s: &ExpState) -> String {
    let pct = 100.0 * s.runs_done as f64 / s.runs_total.max(1) as f64;
    if s.running {
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
    }
}

/// Run, Cancel, the progress bar and the status line.
fn run_bar(s: &ExpState, dispatch: &Callback<ExpAction>) -> Html {
    let start = dispatch.reform(|_: MouseEvent| ExpAction::Start(state::now_ms()));
    let cancel = dispatch.reform(|_: MouseEvent| ExpAction::Cancel);
    html! {
        <div class="exp-run">
            <button class="primary-btn" data-testid="exp-run" onclick={start}
                disabled={!s.runnable()}>{ "Run sweep" }</button>
            <button data-testid="exp-cancel" onclick={cancel} disabled={!s.running}>{ "Cancel" }</button>
            <progress data-testid="exp-progress" max={s.runs_total.max(1).to_string()}
                value={s.runs_done.to_string()} aria-label="Sweep progress" />
            <span class="exp-status" role="status" data-testid="exp-status"
                data-running={s.running.to_string()} data-elapsed-ms={format!("{:.1}", s.elapsed_ms)}
                data-compute-ms={format!("{:.1}", s.compute_ms)}>
                { format!("{} · {:.2} s", status(s), s.elapsed_ms / 1000.0) }
            </span>
        </div>
    }
}

/// A click on a chart opens trial 0 of that count of the first series in the live view, in a
/// new tab (the results stay here); the table links every series' run.
fn open_live(state: UseReducerHandle<ExpState>) -> Callback<u32> {
    Callback::from(move |m: u32| {
        if state.results.series.is_empty() {
            return;
        }
        if let Some(w) = web_sys::window() {
            let _ = w.open_with_url_and_target(&state.live_query(0, m), "_blank");
        }
    })
}

/// The CSV and JSON export buttons, files named for the sweep.
fn export_bar(state: &UseReducerHandle<ExpState>, stem: &AttrValue) -> Html {
    let save =
        |ext: &'static str, mime: &'static str, text: fn(&[(&SweepPoint, &Config)]) -> String| {
            let (state, file) = (state.clone(), format!("{stem}.{ext}"));
            Callback::from(move |_: MouseEvent| download_text(&file, mime, &text(&rows(&state))))
        };
    let has_points = state.results.series.iter().any(|x| !x.points.is_empty());
    html! {
        <div class="exp-export">
            <button data-testid="export-csv" onclick={save("csv", "text/csv", points_csv)}
                disabled={!has_points}>{ "Export CSV" }</button>
            <button data-testid="export-json" onclick={save("jsonl", "application/json", points_json)}
                disabled={!has_points}>{ "Export JSON" }</button>
        </div>
    }
}

/// The scenario form's actions, as the Experiments view's: a changed field or a new seed.
fn controls_callback(d: Callback<ExpAction>) -> Callback<Action> {
    Callback::from(move |a: Action| match a {
        Action::SetParam(k, v) => d.emit(ExpAction::SetParam(k, v)),
        Action::NewSeed(seed) => d.emit(ExpAction::SetParam("seed".into(), seed.to_string())),
        _ => {}
    })
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
    // Memoised, so the form is not re-rendered by every slice of a running sweep.
    let controls = {
        let d = dispatch.clone();
        (*use_memo((), move |_| controls_callback(d))).clone()
    };
    let s = &*state;
    let (stem, caption) = stem_and_caption(s);
    let on_pick = open_live(state.clone());
    html! {
        <div class="app experiments">
            { header(s) }
            if !s.notices.is_empty() {
                <div class="banner notices" role="status">
                    { for s.notices.iter().map(|n| html! { <p>{ n }</p> }) }
                </div>
            }
            <main class="layout exp-layout">
                { form(s, &dispatch, controls) }
                <section class="stage exp-stage">
                    { run_bar(s, &dispatch) }
                    <div class="exp-charts">
                        { for (0..3).map(|which| html! {
                            <ChartCanvas {which} data={s.results.clone()} configs={s.result_configs.clone()}
                                running={s.running} on_pick={on_pick.clone()}
                                caption={caption.clone()} stem={stem.clone()} />
                        }) }
                    </div>
                    <p class="exp-note">{ "Hover a chart to see a point's numbers beside the pointer; click to open trial 0 of that point in the live view (the live view always shows trial 0)." }</p>
                    { export_bar(&state, &stem) }
                    { table::results(s) }
                </section>
            </main>
        </div>
    }
}
