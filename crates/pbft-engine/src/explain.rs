//! Why a run ended, in words a student can check against the run: the verdict (success, timeout,
//! safety violation), a headline with the figures that decide it, and the likely cause of a
//! failure, from the config and the outcome alone.
//!
//! The causes are the textbook ones, tried in order:
//!
//! - **More than f Byzantine nodes** (OSDI 1999 §4.5.1, quorum intersection): two quorums of
//!   2f + 1 out of 3f + 1 share at least f + 1 nodes, so with m ≤ f they share an honest one and
//!   cannot commit different requests; with m > f they can (`collude`), and the n − m honest
//!   nodes may not even form a quorum on their own.
//! - **A Byzantine primary under the tutorial's protocol**, which has no view change: whatever
//!   the primary does wrong stops the run.
//! - **Lost messages**: the loss rate or a partition.
//! - **The run's timeout**, when nothing else explains it.

use crate::config::{Config, Protocol, Strategy};
use crate::metrics::RunOutcome;
use crate::trace::EndReason;

/// How a run ended, in three kinds (the browser's `data-outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Success,
    /// No success: the timeout came first, or nothing was left to happen.
    Timeout,
    /// Two honest nodes committed different requests at one sequence number.
    SafetyViolation,
}

impl Verdict {
    pub fn of(outcome: &RunOutcome) -> Verdict {
        if outcome.safety_violation {
            Verdict::SafetyViolation
        } else if outcome.success {
            Verdict::Success
        } else {
            Verdict::Timeout
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Success => "success",
            Verdict::Timeout => "timeout",
            Verdict::SafetyViolation => "safety-violation",
        }
    }
}

/// A run's ending in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub verdict: Verdict,
    /// What happened, with its figures: "Committed: all 7 honest nodes agree".
    pub headline: String,
    /// Why (for a failure), or what the result rests on (for a success).
    pub reason: String,
}

/// The latency to show for a run: the client's (request sent to reply accepted) under PBFT, the
/// tutorial's own (first proposal to last honest commit) otherwise; both are the outcome's
/// `latency_us`.
pub fn shown_latency_us(_config: &Config, outcome: &RunOutcome) -> Option<u64> {
    outcome.latency_us
}

/// "2f + 1 = 3", or for a PBFT cluster larger than 3f + 1 the quorum it really uses.
fn quorum_text(config: &Config) -> String {
    let q = config.quorum();
    if q == 2 * config.f() + 1 {
        format!("2f + 1 = {q}")
    } else {
        format!("⌈(n + f + 1)/2⌉ = {q}")
    }
}

/// Every client request of a PBFT run: clients × requests.
fn total_requests(config: &Config) -> u64 {
    u64::from(config.clients) * u64::from(config.requests)
}

fn clients_word(config: &Config) -> &'static str {
    if config.clients == 1 {
        "the client"
    } else {
        "the clients"
    }
}

/// The warning a config deserves before it runs: more Byzantine nodes than the protocol
/// tolerates.
pub fn over_threshold(config: &Config) -> Option<String> {
    let (m, f) = (config.byzantine_count(), config.f());
    (m > f).then(|| {
        format!(
            "{m} Byzantine nodes exceed f = {f}, the most {} nodes tolerate: no guarantee holds, \
             safety and liveness included",
            config.nodes
        )
    })
}

/// Explains `outcome`, a run of `config`.
pub fn explain(config: &Config, outcome: &RunOutcome) -> Explanation {
    let verdict = Verdict::of(outcome);
    let headline = headline(config, outcome, verdict);
    let reason = match verdict {
        Verdict::Success => success_reason(config, outcome),
        Verdict::SafetyViolation => safety_reason(config),
        Verdict::Timeout => failure_reason(config, outcome),
    };
    Explanation {
        verdict,
        headline,
        reason,
    }
}

fn ms(us: u64) -> String {
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

fn headline(config: &Config, o: &RunOutcome, verdict: Verdict) -> String {
    let latency = shown_latency_us(config, o).map(ms);
    match (verdict, config.protocol) {
        (Verdict::SafetyViolation, _) => {
            "Safety violated: honest nodes committed different requests at one sequence number"
                .to_string()
        }
        (Verdict::Success, Protocol::Pbft) => {
            let total = total_requests(config);
            let what = match total {
                1 => "its request".to_string(),
                r => format!("all {r} requests"),
            };
            let each = if total == 1 {
                ""
            } else {
                " (mean per request)"
            };
            format!(
                "Success: {} accepted {what}{}",
                clients_word(config),
                latency.map_or(String::new(), |l| format!(
                    ", latency {l}{each} as the client saw it"
                ))
            )
        }
        (Verdict::Success, Protocol::Tutorial) => format!(
            "Committed: all {} honest nodes agree{}",
            o.honest_total,
            latency.map_or(String::new(), |l| format!(", latency {l}"))
        ),
        (Verdict::Timeout, Protocol::Pbft) => format!(
            "{}: {} accepted {} of {} request{}",
            ending(o),
            clients_word(config),
            o.requests_accepted,
            total_requests(config),
            plural(total_requests(config))
        ),
        (Verdict::Timeout, Protocol::Tutorial) => format!(
            "{}: {} of {} honest nodes committed",
            ending(o),
            o.honest_committed,
            o.honest_total
        ),
    }
}

fn ending(o: &RunOutcome) -> String {
    match o.end_reason {
        EndReason::Quiescent => "Stalled".to_string(),
        EndReason::Timeout | EndReason::Committed => format!("Timed out at {}", ms(o.end_us)),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn success_reason(config: &Config, o: &RunOutcome) -> String {
    let reason = success_rule(config, o);
    let (m, f) = (config.byzantine_count(), config.f());
    if m > f {
        // The rule above is what honest replicas did; past f it guarantees nothing, and a
        // student must not read this run's success as PBFT's promise.
        format!(
            "{reason}; with {m} Byzantine nodes, more than f = {f}, that is this run's luck, not a guarantee"
        )
    } else {
        reason
    }
}

fn success_rule(config: &Config, o: &RunOutcome) -> String {
    let q = config.quorum();
    match config.protocol {
        Protocol::Pbft if o.view_changes > 0 => format!(
            "f + 1 = {} matching replies for every request; {} view change{} replaced a primary \
             that made no progress, and the client's latency includes {}",
            config.f() + 1,
            o.view_changes,
            plural(o.view_changes),
            if o.view_changes == 1 { "it" } else { "them" }
        ),
        Protocol::Pbft => format!(
            // Each reply comes from a replica that executed the request, which it does once it
            // holds a quorum of matching COMMITs (not once that many replicas committed it).
            "f + 1 = {} matching replies for every request, each from a replica that held {} \
             matching COMMITs",
            config.f() + 1,
            quorum_text(config)
        ),
        Protocol::Tutorial => format!(
            "every honest node saw 2f + 1 = {q} matching PREPAREs and COMMITs for the primary's \
             digest"
        ),
    }
}

fn safety_reason(config: &Config) -> String {
    let (m, f, q) = (config.byzantine_count(), config.f(), config.quorum());
    if m > f {
        format!(
            "{m} Byzantine nodes exceed f = {f}: two quorums of {} then overlap in \
             Byzantine nodes only, so the colluders voted for one request in one quorum and for \
             another in the other",
            quorum_text(config)
        )
    } else {
        format!(
            "with {m} Byzantine nodes (f = {f}) every two quorums of {q} share an honest node; \
             a violation here is a bug in the simulated protocol"
        )
    }
}

fn failure_reason(config: &Config, o: &RunOutcome) -> String {
    let (m, f, q) = (config.byzantine_count(), config.f(), config.quorum());
    let honest = config.nodes - m.min(config.nodes);
    let primary_byzantine = o.byzantine_nodes.contains(&0);
    let mut causes: Vec<String> = Vec::new();
    if m > f && honest < q {
        causes.push(format!(
            "{m} Byzantine nodes exceed f = {f}: the {honest} honest nodes cannot form a \
             2f + 1 = {q} quorum without Byzantine votes"
        ));
    }
    if config.protocol == Protocol::Tutorial && primary_byzantine {
        causes.push(match config.strategy {
            Strategy::Silent => "the primary (node 0) is Byzantine and silent, so nothing was \
                                 proposed; the tutorial protocol has no view change to replace it"
                .to_string(),
            Strategy::Slow => format!(
                "the primary (node 0) is slow (+{} ms a message) and the tutorial protocol has \
                 no view change to replace it",
                config.slow_ms
            ),
            _ => format!(
                "the Byzantine primary (node 0) sent every node a different digest, so no \
                 2f + 1 = {q} nodes matched; the tutorial protocol has no view change to replace it"
            ),
        });
    } else if config.protocol == Protocol::Tutorial && m > 0 && causes.is_empty() {
        causes.push(format!(
            "Byzantine nodes never send COMMIT and drop or fake PREPAREs, leaving {honest} \
             honest voters for a 2f + 1 = {q} quorum"
        ));
    }
    if o.dropped > 0 {
        let cause = match (config.drop > 0.0, config.partitions.is_empty()) {
            (true, true) => "random loss",
            (false, false) => "a partition",
            _ => "loss and partitions",
        };
        causes.push(format!(
            "{} of {} messages were lost to {cause}",
            o.dropped, o.messages
        ));
    }
    if config.protocol == Protocol::Pbft && o.view_changes > 0 {
        causes.push(format!(
            "the replicas completed {} view change{} without finishing",
            o.view_changes,
            plural(o.view_changes)
        ));
    }
    if causes.is_empty() {
        causes.push(match o.end_reason {
            EndReason::Quiescent => "no message or timer was left to make progress".to_string(),
            _ => format!(
                "the run's timeout ({}) came first",
                ms((config.timeout_ms * 1000.0).round() as u64)
            ),
        });
    }
    let mut text = causes.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_ascii_uppercase() + &text[1..];
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::run_once;

    fn run(pairs: &[(&str, &str)]) -> (Config, RunOutcome) {
        let protocol = pairs
            .iter()
            .find(|(k, _)| *k == "protocol")
            .map_or(Protocol::Tutorial, |(_, v)| Protocol::parse(v).unwrap());
        let mut c = Config::for_protocol(protocol);
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        let o = run_once(&c, 0).unwrap();
        (c, o)
    }

    #[test]
    fn tutorial_success_and_byzantine_primary() {
        let (c, o) = run(&[]);
        let e = explain(&c, &o);
        assert_eq!(e.verdict, Verdict::Success);
        assert!(e.headline.starts_with("Committed: all 10 honest"), "{e:?}");
        let (c, o) = run(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
        let e = explain(&c, &o);
        assert_eq!(e.verdict, Verdict::Timeout);
        assert!(e.reason.contains("different digest"), "{e:?}");
        assert!(e.reason.contains("no view change"), "{e:?}");
    }

    #[test]
    fn pbft_silent_primary_succeeds_through_a_view_change() {
        let (c, o) = run(&[("protocol", "pbft"), ("byzantine-nodes", "0")]);
        let e = explain(&c, &o);
        assert_eq!(e.verdict, Verdict::Success, "{e:?}");
        assert!(e.headline.contains("as the client saw it"), "{e:?}");
        assert!(e.reason.contains("view change"), "{e:?}");
    }

    #[test]
    fn collusion_beyond_f_is_a_safety_violation_with_its_reason() {
        let (c, o) = run(&[
            ("protocol", "pbft"),
            ("strategy", "collude"),
            ("byzantine-nodes", "0,1"),
        ]);
        let e = explain(&c, &o);
        assert_eq!(e.verdict, Verdict::SafetyViolation, "{o:?}");
        assert_eq!(e.verdict.name(), "safety-violation");
        assert!(e.reason.contains("exceed f = 1"), "{e:?}");
        assert!(over_threshold(&c).is_some());
    }

    #[test]
    fn success_beyond_f_is_called_luck_not_a_guarantee() {
        // Whether colluders split the honest replicas depends on the network's draws: some
        // seeds end in success, and the outcome must not read as PBFT's promise.
        let lucky = (0..40u64)
            .map(|seed| {
                let seed = seed.to_string();
                run(&[
                    ("protocol", "pbft"),
                    ("strategy", "collude"),
                    ("byzantine-nodes", "0,1"),
                    ("seed", seed.as_str()),
                ])
            })
            .find(|(_, o)| o.success)
            .expect("some seed in 0..40 lets the colluders' run succeed");
        let e = explain(&lucky.0, &lucky.1);
        assert_eq!(e.verdict, Verdict::Success, "{e:?}");
        assert!(
            e.reason
                .ends_with("more than f = 1, that is this run's luck, not a guarantee"),
            "{e:?}"
        );
        let (c, o) = run(&[("protocol", "pbft"), ("byzantine-nodes", "0")]);
        assert!(!explain(&c, &o).reason.contains("luck"));
    }

    #[test]
    fn losses_are_named() {
        let (c, o) = run(&[("drop", "0.6"), ("seed", "3")]);
        let e = explain(&c, &o);
        assert_eq!(e.verdict, Verdict::Timeout);
        assert!(e.reason.contains("lost to random loss"), "{e:?}");
        assert!(over_threshold(&c).is_none());
    }
}
