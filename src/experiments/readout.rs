//! The hover readout: a small box beside the pointer over a chart with the numbers of the
//! Byzantine count under it, one row per series, and whether the run a click opens (trial 0,
//! the one the live view shows) succeeded.

use pbft_charts::ChartData;
use pbft_engine::{run_once, Config, Protocol, SweepPoint};
use yew::prelude::*;

/// Where the pointer is over a chart: the count under it and its position in CSS pixels from the
/// chart's top left, with the box's side chosen so it stays inside the chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pointer {
    pub m: u32,
    pub x: i32,
    pub y: i32,
    /// The box goes left of the pointer (right half of the chart) / above it (lower half).
    pub left: bool,
    pub up: bool,
}

/// "committed" or "failed" for trial 0 of count `m` under `config` (what the live view shows).
pub fn trial0(config: &Config, m: u32) -> &'static str {
    let c = Config {
        byzantine: m,
        byzantine_nodes: None,
        ..config.clone()
    };
    match run_once(&c, 0) {
        Ok(r) if r.success => "succeeded",
        Ok(_) => "failed",
        Err(_) => "invalid",
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "none".into(), |v| format!("{v:.0} ms"))
}

/// One series' numbers at its point `p`, in two short lines.
fn row(label: &str, protocol: Protocol, p: &SweepPoint, trial0: &str) -> Html {
    let latency = match protocol {
        Protocol::Tutorial => "commit latency",
        Protocol::Pbft => "client latency",
    };
    let band = match (p.latency_ms_p5, p.latency_ms_p95) {
        (Some(lo), Some(hi)) => format!(" ({lo:.0}–{hi:.0})"),
        _ => String::new(),
    };
    html! {
        <li>
            <strong>{ label }</strong>
            <span>{ format!("{} of {} succeeded ({:.0} %), {} agreed", p.successes, p.trials,
                100.0 * p.successes as f64 / p.trials.max(1) as f64, p.agreements) }</span>
            <span>{ format!("{latency} {}{band} · {:.0} messages · trial 0 {trial0}",
                ms(p.latency_ms_mean), p.messages_mean) }</span>
        </li>
    }
}

/// The readout at `at` over data whose series `i` ran `configs[i]`; `outcomes` holds trial 0's
/// outcome per series at `at.m`.
pub fn readout(data: &ChartData, configs: &[Config], at: Pointer, outcomes: &[&str]) -> Html {
    let rows = data
        .series
        .iter()
        .zip(configs)
        .zip(outcomes)
        .filter_map(|((s, c), o)| {
            let p = s.points.iter().find(|p| p.byzantine == at.m)?;
            Some(row(&s.label, c.protocol, p, o))
        });
    let first = data.series.first().map(|s| s.label.as_str()).unwrap_or("");
    html! {
        <div class={classes!("exp-readout", at.left.then_some("left"), at.up.then_some("up"))}
            style={format!("left: {}px; top: {}px", at.x, at.y)} data-testid="exp-readout"
            aria-hidden="true">
            <p class="exp-readout-head">{ format!("m = {} Byzantine nodes", at.m) }</p>
            <ul>{ for rows }</ul>
            <p class="exp-readout-foot">{ format!("Click to watch trial 0 ({first})") }</p>
        </div>
    }
}
