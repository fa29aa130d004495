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
    let views = node_views(&d, Some(3));
    assert_eq!(views.len(), 10);
    assert!(views[0].primary);
    assert!(views[3].selected);
    assert!(views.iter().all(|v| v.committed && v.status == "committed"));
    assert!(views.iter().all(|v| v.commits >= v.quorum));
    assert_eq!(views[0].quorum, 7);
    assert!(views[1].counters().starts_with("P "));
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
    let (rows, total) = log_rows(&d.timeline.events, &d.names(), node, Some("commit"));
    assert!(total >= 1 && rows.iter().all(|r| r.kind == "commit"));
    assert!(rows
        .iter()
        .all(|r| r.text.starts_with(&format!("node {} ", node.unwrap()))));
    let (all, n) = log_rows(&d.timeline.events, &d.names(), None, None);
    assert_eq!(n, d.timeline.events.len());
    assert_eq!(all.len(), n.min(MAX_LOG_ROWS));
    assert_eq!(all[0].kind, "end", "newest first");
}

#[test]
fn seek_inverts_lane_x() {
    assert_eq!(
        seek_time(lane_x(5_000, 20_000) / LANES_WIDTH, 20_000),
        5_000
    );
}
