//! A one-line reading of each chart in words: what the curve does, with the measured numbers, and
//! why, in the terms of the protocol that ran. The browser prints it under each chart, so a
//! student reads the curve right: why the tutorial's latency falls with m (a node handles one
//! message at a time, and fewer honest nodes send fewer votes to process), why its success falls
//! like 1 − m/n (no view change: a run fails whenever the fixed primary is Byzantine), why PBFT
//! succeeds up to f (a view change replaces a faulty primary: Castro & Liskov, OSDI 1999 §4.4) and
//! not beyond (2f + 1 honest replicas are needed for a quorum, §4.2).
//!
//! Every claim is checked against the data before it is made: a "why" is only said when the
//! numbers show the effect it explains; otherwise the reading states the numbers alone.

use crate::{ChartData, Series};
use pbft_engine::{Config, Processing, Protocol, Strategy, SweepPoint};

/// The reading of chart `which` (0 latency, 1 success, 2 messages) of `data`, whose series `i`
/// ran `configs[i]`. Empty when there is nothing to read yet.
pub fn reading(which: usize, data: &ChartData, configs: &[Config]) -> String {
    let mut parts = Vec::new();
    for (i, (series, config)) in data.series.iter().zip(configs).enumerate() {
        if series.points.is_empty() {
            continue;
        }
        let text = match which {
            0 => latency(series, config, i == 0),
            1 => success(series, config, i == 0),
            _ => messages(series, config, i == 0),
        };
        if i > 0 {
            parts.push(format!("{}: {text}", series.label));
        } else {
            parts.push(text);
        }
    }
    if which == 1 {
        parts.extend(safety(data));
    }
    parts.join(" ")
}

/// How a curve moves from its first to its last value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trend {
    Falls,
    Flat,
    Rises,
}

/// Falls or rises when the last value differs from the first by more than 10 %.
fn trend(first: f64, last: f64) -> Trend {
    if last < first * 0.9 {
        Trend::Falls
    } else if last > first * 1.1 {
        Trend::Rises
    } else {
        Trend::Flat
    }
}

fn ms(v: f64) -> String {
    format!("{v:.0} ms")
}

/// Whether a Byzantine primary stops the normal case under `strategy` (every strategy but
/// `slow`, whose nodes are honest apart from their delay).
fn faulty_primary_stalls(strategy: Strategy) -> bool {
    match strategy {
        Strategy::Tutorial
        | Strategy::Silent
        | Strategy::Equivocate
        | Strategy::Collude
        | Strategy::Forge => true,
        Strategy::Slow => false,
    }
}

/// The points with a latency: (m, mean).
fn latencies(points: &[SweepPoint]) -> Vec<(u32, f64)> {
    points
        .iter()
        .filter_map(|p| Some((p.byzantine, p.latency_ms_mean?)))
        .collect()
}

fn latency(series: &Series, config: &Config, first: bool) -> String {
    let values = latencies(&series.points);
    let (Some(&(m0, l0)), Some(&(m1, l1))) = (values.first(), values.last()) else {
        return "No run succeeded, so there is no latency to plot.".into();
    };
    let gap = series
        .points
        .iter()
        .any(|p| p.byzantine > m1 && p.latency_ms_mean.is_none());
    let stop = if gap {
        format!(" No run succeeds past m = {m1}, so the line stops there.")
    } else {
        String::new()
    };
    if m0 == m1 {
        return format!(
            "{} at m = {m0}, the only count where runs succeeded.",
            ms(l0)
        );
    }
    let numbers = format!("{} at m = {m0}, {} at m = {m1}", ms(l0), ms(l1));
    let view_change = config.protocol == Protocol::Pbft
        && trend(l0, l1) == Trend::Rises
        && faulty_primary_stalls(config.strategy);
    if !first {
        // A compared series: its numbers, and the one-word reason when it is PBFT's view change.
        let why = if view_change {
            " (the client waits out a view change when the primary is Byzantine)"
        } else {
            ""
        };
        return format!("{numbers}{why}.");
    }
    let why = match (config.protocol, trend(l0, l1)) {
        (Protocol::Tutorial, Trend::Falls) if config.processing == Processing::Sequential => {
            format!(
                "Latency falls as m grows ({numbers}): in the tutorial's model a node handles one \
                 message at a time, so fewer honest nodes means fewer votes, less to process."
            )
        }
        (Protocol::Pbft, Trend::Rises) if view_change => format!(
            "The client waits longer as m grows ({numbers}): the more Byzantine replicas, the \
             likelier the primary is one of them, and the client then also waits for the \
             view-change timer and a new view."
        ),
        (_, Trend::Rises) if config.strategy == Strategy::Slow => format!(
            "Latency rises as m grows ({numbers}): each slow node's messages take {} longer, and \
             quorums wait for them once too few fast nodes remain.",
            ms(config.slow_ms)
        ),
        (_, Trend::Flat) => format!("Latency barely moves with m ({numbers})."),
        (_, Trend::Falls) => format!("Latency falls as m grows ({numbers})."),
        (_, Trend::Rises) => format!("Latency rises as m grows ({numbers})."),
    };
    why + &stop
}

fn percent(p: &SweepPoint) -> f64 {
    100.0 * p.successes as f64 / p.trials.max(1) as f64
}

/// Whether every measured success rate at m ≤ f lies within sampling error of 1 − m/n.
fn follows_honest_primary_odds(points: &[SweepPoint]) -> bool {
    let within_f: Vec<&SweepPoint> = points.iter().filter(|p| p.byzantine <= p.f).collect();
    within_f.len() >= 2
        && within_f.iter().all(|p| {
            let expect = 1.0 - f64::from(p.byzantine) / f64::from(p.nodes);
            let sd = (expect * (1.0 - expect) / p.trials.max(1) as f64).sqrt();
            (p.success_rate - expect).abs() <= 3.0 * sd + 0.02
        })
}

fn success(series: &Series, config: &Config, first: bool) -> String {
    let points = &series.points;
    let f = config.f();
    let none_past_f = points
        .iter()
        .filter(|p| p.byzantine > f)
        .all(|p| p.successes == 0);
    let any_past_f = points.iter().any(|p| p.byzantine > f);
    let past = if any_past_f && none_past_f {
        format!(
            " Past f = {f} fewer than 2f + 1 = {} honest nodes remain: no run succeeds.",
            config.quorum()
        )
    } else {
        String::new()
    };
    let all_within_f = points
        .iter()
        .filter(|p| p.byzantine <= f)
        .all(|p| p.successes == p.trials);
    let example = points
        .iter()
        .rfind(|p| p.byzantine >= 1 && p.byzantine <= f);
    if !first {
        // A compared series: its own numbers only, the reason was given for the first.
        return match example {
            Some(_) if all_within_f => format!("every run succeeds up to m = f = {f}."),
            Some(p) => format!("{:.0} % at m = {}.", percent(p), p.byzantine),
            None => String::new(),
        };
    }
    let head = match (config.protocol, example) {
        (Protocol::Tutorial, Some(p))
            if faulty_primary_stalls(config.strategy) && follows_honest_primary_odds(points) =>
        {
            format!(
                "Success falls like 1 − m/n (m = {}: {:.0} % measured, {:.0} % expected): the \
                 tutorial has no view change, so a run fails whenever its fixed primary, node 0, \
                 is Byzantine.",
                p.byzantine,
                percent(p),
                100.0 * (1.0 - f64::from(p.byzantine) / f64::from(p.nodes))
            )
        }
        (Protocol::Pbft, Some(_)) if all_within_f => format!(
            "Every run succeeds up to m = f = {f}: a view change replaces a faulty primary, and \
             2f + 1 = {} honest replicas still form every quorum.",
            config.quorum()
        ),
        _ => {
            let listed: Vec<String> = points
                .iter()
                .filter(|p| p.byzantine <= f + 1)
                .map(|p| format!("{:.0} % at m = {}", percent(p), p.byzantine))
                .collect();
            format!("Runs that succeeded: {}.", listed.join(", "))
        }
    };
    head + &past
}

/// A sentence on agreement for the whole chart: equal to success everywhere, or where honest
/// nodes committed different requests.
fn safety(data: &ChartData) -> Option<String> {
    let broken: Vec<(&Series, &SweepPoint)> = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (s, p)))
        .filter(|(_, p)| p.safety_violations > 0)
        .collect();
    if let Some((s, p)) = broken.first() {
        let who = if data.series.len() > 1 {
            format!(" ({})", s.label)
        } else {
            String::new()
        };
        return Some(format!(
            "Safety broke{who} at m = {}: in {} of {} runs honest nodes committed different \
             requests, so agreement (dashed) falls below success.",
            p.byzantine, p.safety_violations, p.trials
        ));
    }
    // Nothing to say before a sweep has run (`all` of no points would claim agreement).
    let ran = data.points().next().is_some();
    let equal = data.points().all(|p| p.agreements == p.successes);
    (ran && equal).then(|| {
        "Agreement (dashed, hollow markers) lies on success: no honest nodes disagreed.".to_string()
    })
}

fn messages(series: &Series, config: &Config, first: bool) -> String {
    let points = &series.points;
    let (Some(a), Some(b)) = (points.first(), points.last()) else {
        return String::new();
    };
    let numbers = format!(
        "{:.0} at m = {}, {:.0} at m = {}",
        a.messages_mean, a.byzantine, b.messages_mean, b.byzantine
    );
    if !first || a.byzantine == b.byzantine {
        return format!("{numbers}.");
    }
    let n = config.nodes;
    match trend(a.messages_mean, b.messages_mean) {
        Trend::Falls => format!(
            "Messages per run fall as m grows ({numbers}): PREPARE and COMMIT go from every \
             node to every node (n² = {} pairs at n = {n}), and Byzantine nodes send fewer votes.",
            n * n
        ),
        Trend::Rises if config.protocol == Protocol::Pbft => format!(
            "Messages per run rise as m grows ({numbers}): a faulty primary costs a view change, \
             whose VIEW-CHANGE and NEW-VIEW messages come on top of the normal case's."
        ),
        Trend::Rises => format!("Messages per run rise as m grows ({numbers})."),
        Trend::Flat => format!("Messages per run barely move with m ({numbers})."),
    }
}
