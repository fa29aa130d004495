//! Traces in and out of the live view: "Download trace" as JSON Lines (the file `pbft-sim run
//! --trace` writes, docs/trace-format.md) or as a ShiViz log (`--trace-format shiviz`, for
//! ShiViz's space-time viewer), and a drop zone (or file picker) for a `.jsonl` trace: its first
//! line names the config, seed and trial, the engine re-simulates them, and the panel says
//! whether every event is identical, and if not, the first that differs.
//!
//! The files are made and checked in [`crate::export`]; this component only holds the verdict.

use crate::export::{check_trace, download_text, trace_name, trace_text, TraceCheck};
use crate::url::query_for;
use pbft_engine::Config;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario on screen (its trial 0 is what the live view shows).
    pub config: Config,
}

/// The verdict on a checked trace, in words, with a link to open its run when the live view
/// can show it.
fn verdict(check: &TraceCheck) -> Html {
    let open = |config: &Config, trial: u32| {
        if trial == 0 {
            html! { <a href={format!("./{}", query_for(config))}>{ "Open this run" }</a> }
        } else {
            html! { <span>{ format!("(trial {trial}: the live view shows trial 0)") }</span> }
        }
    };
    match check {
        TraceCheck::Identical {
            config,
            trial,
            events,
        } => html! {
            <p class="trace-verdict ok" data-verdict="identical" role="status">
                { format!("Identical: re-simulating its config (protocol {}, n = {}, seed {}, trial {trial}) gives all {events} events exactly. ",
                    config.protocol.name(), config.nodes, config.seed) }
                { open(config, *trial) }
            </p>
        },
        TraceCheck::Differs {
            config,
            trial,
            index,
            simulated,
            file,
        } => html! {
            <p class="trace-verdict bad" data-verdict="differs" role="status">
                { format!("Not identical: event {} differs. The engine gives {}; the file has {}. ",
                    index + 1,
                    simulated.as_deref().unwrap_or("no more events"),
                    file.as_deref().unwrap_or("no more events")) }
                { open(config, *trial) }
            </p>
        },
        TraceCheck::Unreadable(why) => html! {
            <p class="trace-verdict bad" data-verdict="unreadable" role="status">
                { format!("Cannot check this file: {why}.") }
            </p>
        },
    }
}

/// Reads the first file of `files` and reports its check.
fn check_first(files: Option<web_sys::FileList>, report: UseStateHandle<Option<TraceCheck>>) {
    let Some(file) = files.and_then(|f| f.get(0)) else {
        return;
    };
    yew::platform::spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        report.set(Some(match text {
            Some(text) => check_trace(&text),
            None => TraceCheck::Unreadable("the browser could not read it".into()),
        }));
    });
}

#[function_component(TraceFiles)]
pub fn trace_files(p: &Props) -> Html {
    let report = use_state(|| None::<TraceCheck>);
    let save = |shiviz: bool| {
        let (config, report) = (p.config.clone(), report.clone());
        let (extension, mime) = match shiviz {
            true => ("log", "text/plain"),
            false => ("jsonl", "application/x-ndjson"),
        };
        Callback::from(move |_: MouseEvent| match trace_text(&config, shiviz) {
            Ok(text) => download_text(&trace_name(&config, extension), mime, &text),
            Err(e) => report.set(Some(TraceCheck::Unreadable(e))),
        })
    };
    let on_pick = {
        let report = report.clone();
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            check_first(input.and_then(|i| i.files()), report.clone());
        })
    };
    let on_drop = {
        let report = report.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            check_first(e.data_transfer().and_then(|d| d.files()), report.clone());
        })
    };
    // Without this the browser opens a dropped file instead of handing it to the page.
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    html! {
        <section class="trace-files" aria-labelledby="trace-files-title">
            <h2 id="trace-files-title">{ "Trace" }</h2>
            <div class="trace-buttons">
                <button class="small" data-testid="trace-jsonl" onclick={save(false)}>
                    { "Download trace (JSON Lines)" }
                </button>
                <button class="small" data-testid="trace-shiviz" onclick={save(true)}>
                    { "Download trace (ShiViz)" }
                </button>
            </div>
            <label class="trace-drop" ondragover={on_drag_over} ondrop={on_drop}>
                { "Check a trace: drop a .jsonl file here, or " }
                <input type="file" accept=".jsonl,.json,application/x-ndjson"
                    data-testid="trace-file" onchange={on_pick} />
            </label>
            if let Some(check) = &*report {
                { verdict(check) }
            }
        </section>
    }
}
