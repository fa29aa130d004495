//! The results table under the charts, laid out like the tutorial's printout:
//! `malicious= 0 | success=6/6 | avg_latency=0.2209 | digest_agreement=6/6` (mean latency of
//! the successful runs in seconds, NA with none; agreements over successes), then the figures the
//! tutorial does not print (p50/p95 latency in ms, messages per run, safety violations).

use super::state::ExpState;
use yew::prelude::*;

fn seconds(ms: Option<f64>) -> String {
    ms.map_or_else(|| "NA".into(), |ms| format!("{:.4}", ms / 1000.0))
}

fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "NA".into(), |ms| format!("{ms:.1}"))
}

pub fn results(s: &ExpState) -> Html {
    let series = &s.results.series;
    if series.iter().all(|x| x.points.is_empty()) {
        return html! {};
    }
    let n = s.config.nodes;
    html! {
        <div class="exp-table-wrap">
            <p class="exp-theory">{ format!(
                "n={n} => PBFT theoretical max f = floor((n-1)/3) = {}", s.config.f()) }</p>
            <table class="exp-table" data-testid="exp-table">
                <thead><tr>
                    <th>{ "series" }</th><th>{ "malicious" }</th><th>{ "success" }</th>
                    <th>{ "avg_latency (s)" }</th><th>{ "digest_agreement" }</th>
                    <th>{ "p50 (ms)" }</th><th>{ "p95 (ms)" }</th><th>{ "messages" }</th>
                    <th>{ "safety violations" }</th>
                </tr></thead>
                <tbody>
                    { for series.iter().flat_map(|x| x.points.iter().map(move |p| html! {
                        <tr data-m={p.byzantine.to_string()}>
                            <td>{ &x.label }</td>
                            <td>{ p.byzantine }</td>
                            <td>{ format!("{}/{}", p.successes, p.trials) }</td>
                            <td>{ seconds(p.latency_ms_mean) }</td>
                            <td>{ format!("{}/{}", p.agreements, p.successes.max(1)) }</td>
                            <td>{ millis(p.latency_ms_p50) }</td>
                            <td>{ millis(p.latency_ms_p95) }</td>
                            <td>{ format!("{:.1}", p.messages_mean) }</td>
                            <td>{ p.safety_violations }</td>
                        </tr>
                    })) }
                </tbody>
            </table>
        </div>
    }
}
