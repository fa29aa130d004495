use super::*;
use pbft_engine::{Simulation, TraceEvent};

const SAMPLE: &str = "\
# a comment
title: The normal case
params: protocol=pbft&nodes=4&seed=1
summary: One request, start to finish.

## The client sends its request
at: start
focus: client, 0
The client signs its request
and sends it.

Second paragraph.

## The primary proposes
at: send phase=pre-prepare from=0 #2
phases: pre-prepare prepare
It assigns sequence number 1.
";

#[test]
fn parses_headers_steps_and_paragraphs() {
    let t = parse("normal", SAMPLE).unwrap();
    assert_eq!(t.name, "normal");
    assert_eq!(t.title, "The normal case");
    assert_eq!(t.params, "protocol=pbft&nodes=4&seed=1");
    assert_eq!(t.summary, "One request, start to finish.");
    assert_eq!(t.steps.len(), 2);
    let s = &t.steps[0];
    assert_eq!(s.heading, "The client sends its request");
    assert_eq!(s.at, Anchor::Start);
    assert_eq!(s.focus, vec![Focus::Client, Focus::Replica(0)]);
    assert_eq!(
        s.paragraphs,
        vec![
            "The client signs its request and sends it.".to_string(),
            "Second paragraph.".to_string()
        ]
    );
    let s = &t.steps[1];
    assert_eq!(
        s.at,
        Anchor::Event {
            kind: "send".into(),
            fields: vec![
                ("phase".into(), "pre-prepare".into()),
                ("from".into(), "0".into())
            ],
            nth: 2
        }
    );
    assert_eq!(s.phases, vec!["pre-prepare", "prepare"]);
    assert_eq!(s.at.to_string(), "send phase=pre-prepare from=0 #2");
}

#[test]
fn errors_name_the_line() {
    let no_at = "title: t\nparams: nodes=4\n\n## Step\nSome text.\n";
    assert_eq!(parse("x", no_at).unwrap_err().line, 4);
    let bad_focus = "title: t\nparams: nodes=4\n## Step\nat: start\nfocus: 0, bob\ntext\n";
    let e = parse("x", bad_focus).unwrap_err();
    assert_eq!(e.line, 5);
    assert!(e.message.contains("bob"), "{e}");
    let bad_anchor = "title: t\nparams: nodes=4\n## Step\nat: send #0\ntext\n";
    assert_eq!(parse("x", bad_anchor).unwrap_err().line, 4);
    assert!(parse("x", "title: t\nparams: nodes=4\n").is_err());
    assert!(parse("x", "params: nodes=4\n## S\nat: start\ntext\n").is_err());
    assert!(parse("x", "title: t\nwhat: x\n").is_err());
}

#[test]
fn anchors_parse_and_reject() {
    assert_eq!(Anchor::parse(" end ").unwrap(), Anchor::End);
    assert!(Anchor::parse("").is_err());
    assert!(Anchor::parse("start #2").is_err());
    assert!(Anchor::parse("send phase").is_err());
    assert!(Anchor::parse("send #x").is_err());
}

#[test]
fn anchors_match_the_trace_json() {
    let json = r#"{"time_us":10,"kind":"send","id":3,"from":0,"to":2,"phase":"pre-prepare","seq":12,"deliver_us":20,"duplicate":false}"#;
    let yes = |a: &str| Anchor::parse(a).unwrap().matches_json(json);
    assert!(yes("send"));
    assert!(yes("send phase=pre-prepare from=0 to=2"));
    assert!(yes("send duplicate=false #3"));
    assert!(!yes("send seq=1"), "a prefix of a number does not match");
    assert!(
        !yes("send phase=prepare"),
        "a prefix of a string does not match"
    );
    assert!(!yes("deliver from=0"));
    assert!(!yes("send missing=1"));
    assert!(!Anchor::Start.matches_json(json));
}

#[test]
fn index_lists_names_in_order() {
    assert_eq!(
        parse_index("# tours\nnormal-case.tour\n\nview-change\n"),
        vec!["normal-case", "view-change"]
    );
}

/// Every event of trial 0 of a tour's scenario, as the page runs it.
fn run_events(tour: &Tour) -> Vec<TraceEvent> {
    run(tour).0
}

/// Trial 0 of a tour's scenario run to its end: its events and its outcome.
fn run(tour: &Tour) -> (Vec<TraceEvent>, pbft_engine::RunOutcome) {
    let (config, problems) = crate::url::config_from_pairs(&param_pairs(&tour.params));
    assert!(
        problems.is_empty(),
        "tour {}: its params have problems: {problems:?}",
        tour.name
    );
    let mut sim = Simulation::new(&config, 0)
        .expect("validated")
        .with_trace(true);
    let mut events = Vec::new();
    while let Some(step) = sim.step() {
        events.extend_from_slice(step);
    }
    let outcome = sim
        .outcome()
        .expect("a finished run has an outcome")
        .clone();
    (events, outcome)
}

/// The shipped tour `name`, parsed.
fn shipped(name: &str) -> Tour {
    let (_, text) = super::shipped()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("www/tours/index.txt lists no {name}"));
    parse(name, &text).unwrap_or_else(|e| panic!("{name}.tour {e}"))
}

/// The numbers the narrations state are the runs' own: the client's latency each tour quotes
/// ("after 220 ms, not 50"), whether it succeeded, and the colluders' broken safety. An engine
/// change that moves them fails here rather than leaving a tour that says what the page
/// contradicts.
#[test]
fn the_numbers_tours_quote_are_their_runs_numbers() {
    let cases: [(&str, bool, Option<u64>); 5] = [
        ("normal-case", true, Some(50_000)),
        ("quorums", true, Some(50_000)),
        ("equivocating-primary", true, Some(50_000)),
        ("silent-primary", true, Some(220_000)),
        ("lossy-network", true, Some(50_000)),
    ];
    for (name, success, latency_us) in cases {
        let (_, outcome) = run(&shipped(name));
        assert_eq!(outcome.success, success, "{name}: success");
        assert_eq!(
            outcome.latency_us, latency_us,
            "{name}: the client's latency"
        );
        assert!(!outcome.safety_violation, "{name}: no safety violation");
    }
    let (_, colluders) = run(&shipped("colluders"));
    assert!(
        colluders.safety_violation,
        "colluders: f + 1 colluders break safety"
    );
    // The lossy tour's last step: replica 1 executes 2 and 3 only after the state transfer.
    let (events, _) = run(&shipped("lossy-network"));
    let late: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e.kind {
            pbft_engine::TraceKind::Commit { node: 1, seq, .. } if seq >= 2 => {
                Some((e.time_us, seq))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        late,
        [(147_500, 2), (147_500, 3)],
        "lossy-network: replica 1 catches up"
    );
}

/// The tours the app ships: every file in the index parses, and every step's moment is an event
/// of its run, later than the step before. An engine change that moves or removes an anchored
/// event fails here, naming the tour and the step, instead of leaving a tour that narrates
/// something the reader cannot see.
#[test]
fn every_shipped_tour_anchors_in_its_run() {
    let tours = super::shipped();
    assert!(tours.len() >= 8, "issue 13 asks for at least eight tours");
    for (name, text) in tours {
        let tour = parse(&name, &text).unwrap_or_else(|e| panic!("{name}.tour {e}"));
        let events = run_events(&tour);
        let mut previous: Option<usize> = None;
        for (k, step) in tour.steps.iter().enumerate() {
            let at = step
                .at
                .locate(&events)
                .unwrap_or_else(|e| panic!("{name}.tour step {} ({}): {e}", k + 1, step.heading));
            assert!(
                k == 0 || at > previous,
                "{name}.tour step {} ({}) is not later than the step before",
                k + 1,
                step.heading
            );
            previous = at;
        }
    }
}
