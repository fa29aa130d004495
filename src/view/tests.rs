//! Tests of the view-model: layout, scene, counters, formatting.

use super::*;
use pbft_engine::TraceKind;

#[test]
fn lane_x_prints_like_the_float_rounded_to_a_tenth() {
    for (t, end) in [
        (0, 1),
        (1, 3),
        (2, 3),
        (5_000, 20_000),
        (1_069_794, 1_069_794),
        (123_456, 789_012),
    ] {
        assert_eq!(
            LaneX::at(t, end).to_string(),
            format!("{:.1}", lane_x(t, end)),
            "t = {t}, end = {end}"
        );
    }
    assert_eq!(
        LaneX::at(7, 0).to_string(),
        "7000.0",
        "end 0 counts as 1 µs"
    );
}

#[test]
fn fmt_ms_prints_like_the_float_with_three_decimals() {
    for t in [0, 1, 999, 1_000, 1_069_794, 12_345_678_901] {
        assert_eq!(fmt_ms(t), format!("{:.3} ms", t as f64 / 1000.0));
    }
}
use pbft_engine::Config;

#[test]
fn ring_puts_node_zero_on_top() {
    let p = ring_layout(4);
    assert!((p[0].0 - GRAPH_SIZE / 2.0).abs() < 1e-9);
    assert!(p[0].1 < p[2].1);
    assert!(p[1].0 > p[3].0, "clockwise");
}

#[test]
fn dots_move_from_sender_to_receiver() {
    let pos = ring_layout(4);
    let m = Msg {
        id: 1,
        from: 0,
        to: 2,
        phase: Phase::Prepare,
        seq: 1,
        alt: false,
        delivered_event: None,
        sent_us: 1_000,
        deliver_us: Some(3_000),
    };
    let a = dot_for(&m, 1_000, 5_000, &pos, false);
    let b = dot_for(&m, 2_000, 5_000, &pos, false);
    assert_eq!((a.x, a.y), pos[0]);
    let mid = ((pos[0].0 + pos[2].0) / 2.0, (pos[0].1 + pos[2].1) / 2.0);
    assert!((b.x - mid.0).abs() < 1e-9 && (b.y - mid.1).abs() < 1e-9);
    let still = dot_for(&m, 1_000, 5_000, &pos, true);
    assert!((still.y - mid.1).abs() < 1e-9, "reduced motion: no travel");
}

#[test]
fn drops_fade_out() {
    let pos = ring_layout(4);
    let m = Msg {
        id: 1,
        from: 0,
        to: 2,
        phase: Phase::Commit,
        seq: 1,
        alt: false,
        delivered_event: None,
        sent_us: 0,
        deliver_us: None,
    };
    assert_eq!(dot_for(&m, 0, 1_000, &pos, false).opacity, 1.0);
    assert!(dot_for(&m, 900, 1_000, &pos, false).opacity < 0.2);
}

#[test]
fn finished_tutorial_run_shows_committed_nodes() {
    let mut d = Driver::new(&Config::default()).unwrap();
    d.advance(u64::MAX, usize::MAX);
    let views = nodes::node_views(&d, Some(3));
    assert_eq!(views.len(), 10);
    assert!(views[0].primary);
    assert!(views[3].selected);
    assert!(views.iter().all(|v| v.state == "committed"));
    assert!(views.iter().all(|v| v.commits >= v.commits_needed));
    assert_eq!(views[0].commits_needed, 7);
    assert!(
        views[1].lines()[0].starts_with("P 7/7"),
        "{:?}",
        views[1].lines()
    );
}

#[test]
fn lanes_and_log_fill_up() {
    let mut c = Config::default();
    c.set("drop", "0.1").unwrap();
    let mut d = Driver::new(&c).unwrap();
    d.advance(u64::MAX, usize::MAX);
    let l = lanes(&d);
    assert!(!l.arrows.is_empty() && !l.drops.is_empty());
    // A node that committed in this run (which ones do depends on the seed's draws).
    let node = d.timeline.events.iter().find_map(|e| match e.kind {
        TraceKind::Commit { node, .. } => Some(node),
        _ => None,
    });
    let filter = LogFilter {
        node,
        kind: Some("commit".into()),
    };
    let log = LogView::new(d.timeline.events.view(), d.names(), &filter);
    assert!(!log.is_empty());
    let texts: Vec<String> = (0..log.len()).map(|r| log.row(r).unwrap().text).collect();
    assert!(texts
        .iter()
        .all(|t| t.starts_with(&format!("node {} commits", node.unwrap()))));
    let all = LogView::new(d.timeline.events.view(), d.names(), &LogFilter::default());
    assert_eq!(all.len(), d.timeline.events.len());
    assert_eq!(all.row(0).unwrap().kind, "end", "newest first");
}

#[test]
fn seek_inverts_lane_x() {
    assert_eq!(
        seek_time(lane_x(5_000, 20_000) / LANES_WIDTH, 20_000),
        5_000
    );
}

#[test]
fn n1_rounds_to_a_tenth_like_the_float_format() {
    for x in [0.0, 1.25, 123.456, 599.95, 7.04] {
        assert_eq!(
            n1(x),
            format!("{:.1}", (x * 10.0_f64).round() / 10.0),
            "{x}"
        );
    }
    assert_eq!(n1(-3.26), "-3.3");
    assert_eq!(n1(-0.04), "0.0");
}

/// A node that executed seq 1 and waits at seq 2 says so beside its counts for seq 2 (the
/// colluders' run: honest node 2 committed seq 1 in view 0, and its seq 2 stays idle).
#[test]
fn a_node_waiting_at_a_later_seq_shows_what_it_executed() {
    use crate::state::{Action, AppState};
    use yew::Reducible;
    let q = "?protocol=pbft&nodes=4&seed=0&byzantine-nodes=0,1&byzantine=2&strategy=collude";
    let mut s = std::rc::Rc::new(AppState::from_query(q));
    let end = s.frame.end_us;
    s = s.reduce(Action::Seek(end));
    let mut wall = 0.0;
    while s.frame.seek_us.is_some() {
        wall += 16.0;
        s = s.reduce(Action::Tick(wall));
    }
    let node = &s.scene.nodes[2];
    assert_eq!((node.seq, node.executed), (2, 1));
    assert_eq!(node.lines()[0], "executed 1");
    // Its seq 2 holds a PREPARE but no PRE-PREPARE (the colluders left it out): not prepared,
    // and the counters say why.
    assert_eq!(node.lines()[1], "no PP");
    assert!(
        node.label()
            .contains("seq 2, executed 1, no PRE-PREPARE yet, P 1/2"),
        "{}",
        node.label()
    );
}
