//! The results table under the charts, one row per series and Byzantine count, its columns in
//! words: the runs that succeeded and that agreed out of all runs, the latency (the protocol's
//! own: commit latency for `tutorial`, the client's for `pbft`) as mean, median and 95th
//! percentile over the successful runs, messages per run, runs that broke safety, and a link to
//! watch trial 0 in the live view. It scrolls sideways on a narrow screen, and can be scrolled
//! with the keyboard (it takes focus).

use super::state::ExpState;
use pbft_engine::{Protocol, SweepPoint};
use yew::prelude::*;

fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "—".into(), |ms| format!("{ms:.1} ms"))
}

fn of(count: u64, trials: u64) -> String {
    format!(
        "{count} of {trials} ({:.0} %)",
        100.0 * count as f64 / trials.max(1) as f64
    )
}

/// The latency columns' name for the protocols that ran.
fn latency_name(s: &ExpState) -> &'static str {
    let pbft = s
        .result_configs
        .iter()
        .filter(|c| c.protocol == Protocol::Pbft);
    match (pbft.count(), s.result_configs.len()) {
        (0, _) => "commit latency",
        (p, n) if p == n => "client latency",
        _ => "latency",
    }
}

fn row(s: &ExpState, series: usize, label: &str, p: &SweepPoint) -> Html {
    html! {
        <tr data-m={p.byzantine.to_string()}>
            <th scope="row">{ label }</th>
            <td>{ p.byzantine }</td>
            <td>{ of(p.successes, p.trials) }</td>
            <td>{ of(p.agreements, p.trials) }</td>
            <td>{ millis(p.latency_ms_mean) }</td>
            <td>{ millis(p.latency_ms_p50) }</td>
            <td>{ millis(p.latency_ms_p95) }</td>
            <td>{ format!("{:.1}", p.messages_mean) }</td>
            <td>{ p.safety_violations }</td>
            <td><a href={s.live_query(series, p.byzantine)} target="_blank"
                rel="noopener">{ "trial 0 ↗" }</a></td>
        </tr>
    }
}

pub fn results(s: &ExpState) -> Html {
    let series = &s.results.series;
    if series.iter().all(|x| x.points.is_empty()) {
        return html! {};
    }
    let config = s.result_configs.first().unwrap_or(&s.config);
    let latency = latency_name(s);
    html! {
        <>
        <p class="exp-table-note" id="exp-table-note">{ format!(
            "Each row: {} runs with m Byzantine nodes. n = {} nodes tolerate f = {} (n ≥ 3f + 1); \
             latencies are over the runs that succeeded.",
            config.trials, config.nodes, config.f()) }</p>
        <div class="exp-table-wrap" role="region" aria-label="Results table" tabindex="0">
            <table class="exp-table" data-testid="exp-table" aria-describedby="exp-table-note">
                <thead><tr>
                    <th scope="col">{ "Series" }</th>
                    <th scope="col">{ "Byzantine nodes m" }</th>
                    <th scope="col">{ "Runs that succeeded" }</th>
                    <th scope="col">{ "Runs that agreed (one request everywhere)" }</th>
                    <th scope="col">{ format!("Mean {latency}") }</th>
                    <th scope="col">{ format!("Median {latency}") }</th>
                    <th scope="col">{ format!("95th percentile {latency}") }</th>
                    <th scope="col">{ "Messages per run" }</th>
                    <th scope="col">{ "Runs that broke safety" }</th>
                    <th scope="col">{ "Watch in the live view" }</th>
                </tr></thead>
                <tbody>
                    { for series.iter().enumerate().flat_map(|(i, x)| {
                        x.points.iter().map(move |p| row(s, i, &x.label, p))
                    }) }
                </tbody>
            </table>
        </div>
        </>
    }
}
