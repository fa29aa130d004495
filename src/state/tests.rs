//! Native tests of the reducer: actions in, view-model out.

use super::*;

fn reduce(s: AppState, a: Action) -> AppState {
    Rc::try_unwrap(Rc::new(s).reduce(a)).ok().unwrap()
}

/// The log as shown: its length and its newest rows.
fn rows(s: &AppState) -> (usize, Vec<crate::view::log::LogRow>) {
    let log = &s.scene.detail.log;
    (
        log.len(),
        (0..log.len().min(40)).filter_map(|r| log.row(r)).collect(),
    )
}

#[test]
fn ticks_advance_by_wall_time_times_speed() {
    let mut s = AppState::from_query("?nodes=4");
    s = reduce(s, Action::SetSpeed(0.1));
    s = reduce(s, Action::Play);
    assert!(s.playing);
    s = reduce(s, Action::Tick(1000.0));
    s = reduce(s, Action::Tick(1050.0));
    // 50 ms × 0.1 = 5 ms of virtual time.
    assert_eq!(s.frame.now_us, 5_000);
    assert!(!s.scene.detail.log.is_empty());
}

#[test]
fn invalid_value_shows_by_its_field_and_never_runs() {
    let mut s = AppState::from_query("");
    s = reduce(s, Action::SetParam("drop".into(), "1.5".into()));
    assert!(s.errors["drop"].contains("probability"));
    assert_eq!(s.texts["drop"], "1.5");
    s = reduce(s, Action::Play);
    assert!(!s.playing);
    s = reduce(s, Action::SetParam("nodes".into(), "x".into()));
    assert!(s.errors["nodes"].contains("must be a number"));
    s = reduce(s, Action::SetParam("nodes".into(), "7".into()));
    assert!(s.errors.is_empty());
    assert_eq!(s.scene.nodes.len(), 7);
}

#[test]
fn seeking_back_replays_the_same_run() {
    let mut s = AppState::from_query("?nodes=7&drop=0.1");
    s = reduce(s, Action::Seek(40_000));
    let log_at_40 = rows(&s);
    s = reduce(s, Action::Seek(80_000));
    s = reduce(s, Action::Seek(40_000));
    assert_eq!(s.frame.now_us, 40_000);
    assert_eq!(rows(&s), log_at_40);
}

#[test]
fn toggling_byzantine_places_it_explicitly() {
    let mut s = AppState::from_query("");
    s = reduce(s, Action::ToggleByzantine(3));
    assert_eq!(s.config.byzantine_nodes, Some(vec![3]));
    assert!(s.scene.nodes[3].byzantine);
    s = reduce(s, Action::ToggleByzantine(3));
    assert_eq!(s.config.byzantine_count(), 0);
}

#[test]
fn speed_slider_is_logarithmic() {
    assert_eq!(speed_to_slider(MIN_SPEED), 0);
    assert_eq!(speed_to_slider(MAX_SPEED), 1000);
    assert!((slider_to_speed(speed_to_slider(0.1)) - 0.1).abs() < 1e-3);
    assert_eq!(speed_to_slider(1.0), 667);
}

#[test]
fn step_and_play_reach_commit() {
    let mut s = AppState::from_query("?nodes=4");
    s = reduce(s, Action::Step);
    assert!(!s.scene.detail.log.is_empty());
    s = reduce(s, Action::SetSpeed(10.0));
    s = reduce(s, Action::Play);
    let mut t = 0.0;
    while s.playing {
        t += 16.0;
        s = reduce(s, Action::Tick(t));
    }
    assert!(s.frame.finished);
    assert!(
        s.scene.status.starts_with("Committed"),
        "{}",
        s.scene.status
    );
}

/// A pbft run of about 21,000 engine steps: a seek to its end takes six frames' budgets.
const LARGE: &str = "?nodes=32&protocol=pbft&requests=10";

/// Engine steps processed so far (what the per-frame budget counts).
fn steps(s: &AppState) -> u64 {
    s.driver.borrow().version
}

/// Ticks a frame at a time until no seek is pending, checking each frame keeps to the budget.
/// Returns the state and the number of ticks taken.
fn settle(mut s: AppState, wall_ms: &mut f64) -> (AppState, usize) {
    let mut ticks = 0;
    while s.frame.seek_us.is_some() {
        assert!(s.animating(), "the loop runs while a seek is pending");
        let before = steps(&s);
        *wall_ms += 16.0;
        s = reduce(s, Action::Tick(*wall_ms));
        assert!(steps(&s) - before <= EVENTS_PER_FRAME as u64);
        ticks += 1;
        assert!(ticks < 10_000, "the seek never ends");
    }
    (s, ticks)
}

/// The state after an unbudgeted advance to `t_us`, drawn from scratch: what a seek must equal.
fn advanced(query: &str, t_us: u64) -> AppState {
    let s = AppState::from_query(query);
    s.driver.borrow_mut().advance(t_us, usize::MAX);
    let mut s = s;
    s.derive(true, None);
    s
}

fn assert_same_view(a: &AppState, b: &AppState) {
    {
        let (da, db) = (a.driver.borrow(), b.driver.borrow());
        assert_eq!(da.cursor_us, db.cursor_us);
        assert_eq!(da.version, db.version);
        assert!(da.timeline.events.iter().eq(db.timeline.events.iter()));
    }
    assert_eq!(*a.frame, *b.frame);
    assert_eq!(a.scene.nodes, b.scene.nodes);
    assert_eq!(a.scene.status, b.scene.status);
    assert_eq!(a.scene.inspector, b.scene.inspector);
    assert_eq!(
        (a.scene.sent, a.scene.delivered, a.scene.dropped),
        (b.scene.sent, b.scene.delivered, b.scene.dropped)
    );
    assert_eq!(rows(a), rows(b));
    assert_eq!(a.scene.detail.lanes, b.scene.detail.lanes);
}

#[test]
fn a_seek_to_the_end_of_a_large_run_takes_several_budgeted_ticks() {
    let mut s = AppState::from_query(LARGE);
    let (end, scene) = (s.frame.end_us, s.scene.clone());
    s = reduce(s, Action::Seek(end));
    assert!(steps(&s) <= EVENTS_PER_FRAME as u64);
    assert_eq!(s.frame.seek_us, Some(end), "the scrubber shows the target");
    assert!(s.frame.now_us < end, "the time shown is the one reached");
    assert!(!s.playing && s.animating());
    let mut wall = 0.0;
    s = reduce(s, Action::Tick(wall));
    assert!(s.frame.seek_us.is_some());
    assert!(
        s.scene == scene,
        "the scene holds while the seek is under way"
    );
    let (s, ticks) = settle(s, &mut wall);
    assert!(ticks >= 2, "{} ticks", ticks + 1);
    assert!(s.frame.finished && !s.playing && !s.animating());
    assert_same_view(&s, &advanced(LARGE, end));
}

#[test]
fn seeking_back_then_forward_equals_a_fresh_seek() {
    let mut wall = 0.0;
    let fresh = AppState::from_query(LARGE);
    let (end, mid) = (fresh.frame.end_us, fresh.frame.end_us / 2);
    let (fresh, _) = settle(reduce(fresh, Action::Seek(mid)), &mut wall);
    assert_same_view(&fresh, &advanced(LARGE, mid));

    let s = AppState::from_query(LARGE);
    let (s, _) = settle(reduce(s, Action::Seek(end)), &mut wall);
    let (s, _) = settle(reduce(s, Action::Seek(mid / 4)), &mut wall);
    let (s, _) = settle(reduce(s, Action::Seek(mid)), &mut wall);
    assert_same_view(&s, &fresh);
}

#[test]
fn another_seek_replaces_a_pending_one() {
    let mut wall = 0.0;
    let s = AppState::from_query(LARGE);
    let (end, later) = (s.frame.end_us, s.frame.end_us * 3 / 4);
    let s = reduce(reduce(s, Action::Seek(end)), Action::Tick(1.0));
    // Forward of the cursor: carries on from it.
    let before = steps(&s);
    let s = reduce(s, Action::Seek(later));
    assert!(steps(&s) > before, "no replay from time 0");
    assert_eq!(s.frame.seek_us, Some(later));
    let (s, _) = settle(s, &mut wall);
    assert_same_view(&s, &advanced(LARGE, later));
    // Behind the cursor while pending: replays, and a small seek ends within the action.
    let s = reduce(s, Action::Seek(end));
    assert!(s.frame.seek_us.is_some());
    let s = reduce(s, Action::Seek(1_000));
    assert_eq!(s.frame.seek_us, None);
    assert!(!s.animating());
    assert_same_view(&s, &advanced(LARGE, 1_000));
}

#[test]
fn a_small_seek_ends_within_the_action() {
    let mut s = AppState::from_query("?nodes=7&drop=0.1");
    s = reduce(s, Action::Seek(40_000));
    assert_eq!((s.frame.now_us, s.frame.seek_us), (40_000, None));
    assert!(!s.animating());
    assert_same_view(&s, &advanced("?nodes=7&drop=0.1", 40_000));
}

#[test]
fn playing_or_paused_holds_once_the_target_is_reached() {
    let mut wall = 1_000.0;
    let s = reduce(AppState::from_query(LARGE), Action::Play);
    let mid = s.frame.end_us / 2;
    let s = reduce(s, Action::Tick(wall));
    let s = reduce(s, Action::Seek(mid));
    assert!(s.playing && s.frame.seek_us.is_some());
    let (s, _) = settle(s, &mut wall);
    // Frames went to the seek, not to playing: the target exactly, then play resumes from it.
    assert_eq!(s.frame.now_us, mid);
    assert!(s.playing && s.animating());
    let s = reduce(s, Action::Tick(wall + 16.0));
    let s = reduce(s, Action::Tick(wall + 32.0));
    let played = (16.0 * 1000.0 * DEFAULT_SPEED) as u64;
    assert_eq!(s.frame.now_us, mid + played);

    // Paused, Play while the seek is pending: the seek goes on, then the run plays.
    let s = reduce(AppState::from_query(LARGE), Action::Seek(mid));
    let s = reduce(s, Action::Play);
    assert_eq!(s.frame.seek_us, Some(mid));
    let (s, _) = settle(s, &mut wall);
    assert!(s.playing && s.frame.now_us == mid);
    // Pause while pending: paused at the target, and the loop stops.
    let s = reduce(reduce(s, Action::Seek(mid * 3 / 2)), Action::Pause);
    let (s, _) = settle(s, &mut wall);
    assert!(!s.playing && !s.animating() && s.frame.now_us == mid * 3 / 2);
}

#[test]
fn step_reset_and_a_hidden_tab_during_a_seek() {
    let s = AppState::from_query(LARGE);
    let end = s.frame.end_us;
    let s = reduce(s, Action::Seek(end));
    // Hidden: no loop, and a stray frame does nothing.
    let s = reduce(s, Action::Hidden(true));
    assert!(!s.animating());
    let before = steps(&s);
    let s = reduce(s, Action::Tick(16.0));
    assert_eq!(steps(&s), before);
    let s = reduce(s, Action::Hidden(false));
    assert!(s.animating());
    // Step cancels the seek and steps from the time shown.
    let now = s.frame.now_us;
    let s = reduce(s, Action::Step);
    assert_eq!(s.frame.seek_us, None);
    assert!(s.frame.now_us >= now && s.frame.now_us < end);
    assert!(!s.animating());
    // Reset cancels it and goes back to time 0.
    let s = reduce(reduce(s, Action::Seek(end)), Action::Reset);
    assert_eq!((s.frame.seek_us, s.frame.now_us, steps(&s)), (None, 0, 0));
    assert!(!s.animating());
    // So does a new scenario.
    let s = reduce(reduce(s, Action::Seek(end)), Action::NewSeed(99));
    assert_eq!((s.frame.seek_us, s.frame.now_us), (None, 0));
}

const SILENT: &str = "?protocol=pbft&nodes=4&byzantine-nodes=0&byzantine=1&strategy=silent";

/// What the screen shows of the run: time, node and client states, the log.
fn shown(s: &AppState) -> impl PartialEq + std::fmt::Debug {
    (
        s.frame.now_us,
        s.scene.nodes.clone(),
        s.scene.clients.clone(),
        s.frame.timers.clone(),
        rows(s),
    )
}

#[test]
fn step_and_next_phase_then_back_are_exact() {
    let mut s = AppState::from_query(SILENT);
    for _ in 0..12 {
        s = reduce(s, Action::Step);
    }
    let here = shown(&s);
    s = reduce(s, Action::Step);
    s = reduce(s, Action::Back);
    assert_eq!(shown(&s), here, "Step, Back");
    s = reduce(s, Action::StepPhase);
    s = reduce(s, Action::StepPhase);
    s = reduce(s, Action::Back);
    s = reduce(s, Action::Back);
    assert_eq!(shown(&s), here, "two phases forward, two back");
}

#[test]
fn back_after_playing_undoes_the_newest_step() {
    let mut s = AppState::from_query(SILENT);
    for _ in 0..30 {
        s = reduce(s, Action::Step);
    }
    let here = shown(&s);
    s = reduce(s, Action::Step);
    s = reduce(s, Action::Play);
    s = reduce(s, Action::Pause);
    s = reduce(s, Action::Back);
    assert_eq!(shown(&s), here);
}

#[test]
fn a_t_link_opens_at_its_time_and_the_url_follows_the_moment() {
    let s = AppState::from_query(&format!("{SILENT}&t=120.25&node=1"));
    assert_eq!((s.frame.now_us, s.selected), (120_250, Some(1)));
    assert!(s.notices.is_empty(), "{:?}", s.notices);
    let s = reduce(s, Action::Step);
    assert!(s.query().contains("&t="), "{}", s.query());
    assert!(s.query().contains("&node=1"));
    let again = AppState::from_query(&s.query());
    assert_eq!(again.frame.now_us, s.frame.now_us);
}

#[test]
fn a_log_row_and_an_arrow_go_to_their_moment() {
    let mut s = AppState::from_query(SILENT);
    s = reduce(s, Action::Seek(200_000));
    let row = s.scene.detail.log.row(2).unwrap();
    s = reduce(s, Action::GoToEvent(row.index));
    assert_eq!(s.frame.now_us, row.time_us);
    assert_eq!(s.scene.detail.log.row(0).unwrap().time_us, row.time_us);
    let back = reduce(s, Action::Back);
    assert_eq!(
        back.frame.now_us, 200_000,
        "Back returns to before the jump"
    );
    // A click far from every arrow seeks to that time.
    let s = reduce(
        back,
        Action::PickArrow {
            x: 500.0,
            lane: 4.9,
        },
    );
    assert!(s.frame.now_us > 0);
}

#[test]
fn the_outcome_and_caption_tell_the_run() {
    let s = AppState::from_query(SILENT);
    let end = s.frame.end_us;
    let mut s = reduce(s, Action::Seek(end));
    let mut wall = 0.0;
    while s.frame.seek_us.is_some() {
        wall += 16.0;
        s = reduce(s, Action::Tick(wall));
    }
    let o = s.scene.outcome.clone().unwrap();
    assert_eq!(o.verdict, "success");
    assert!(
        o.headline.contains("as the client saw it"),
        "{}",
        o.headline
    );
    assert!(!s.scene.caption.is_empty());
    assert_eq!(s.scene.view_line.as_deref(), Some("view 1 · primary 1"));
}
