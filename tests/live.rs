//! The live view's truth in a real browser (wasm-bindgen-test in headless Chromium; `cargo xtask
//! test` runs them): each scenario's state built by the reducer from its URL, its components
//! mounted into their own `<div>`, and the hooks read back.
//!
//! Assertions are about what any faithful PBFT shows (a latency that includes the view change,
//! the ring moving at the new view), not about exact numbers the protocol work may move.
#![cfg(target_arch = "wasm32")]

use pbft_web::components::graph::Graph;
use pbft_web::state::Scene;
use pbft_web::state::{Action, AppState};
use pbft_web::view::Shared;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen_test::*;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

fn count(root: &web_sys::Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn attr(root: &web_sys::Element, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector).ok()??.get_attribute(name)
}

/// The state of `query` after `actions`, every seek carried to its end.
fn state(query: &str, actions: &[Action]) -> Rc<AppState> {
    let mut s = Rc::new(AppState::from_query(query));
    let mut wall = 0.0;
    for a in actions.iter().cloned() {
        s = s.reduce(a);
        while s.frame.seek_us.is_some() {
            wall += 16.0;
            s = s.reduce(Action::Tick(wall));
        }
    }
    s
}

async fn mount_graph(s: &AppState) -> web_sys::Element {
    let root = mount_point();
    let props = pbft_web::components::graph::Props {
        scene: s.scene.clone(),
        frame: s.frame.clone(),
        dispatch: yew::Callback::from(|_| {}),
    };
    yew::Renderer::<Graph>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

#[derive(yew::Properties, PartialEq)]
struct OutcomeProps {
    scene: Shared<Scene>,
}

/// The outcome line is a plain function of the scene; this mounts it.
#[yew::function_component(Outcome)]
fn outcome(p: &OutcomeProps) -> yew::Html {
    pbft_web::components::outcome::outcome(&p.scene)
}

async fn mount_outcome(s: &AppState) -> web_sys::Element {
    let root = mount_point();
    let props = OutcomeProps {
        scene: s.scene.clone(),
    };
    yew::Renderer::<Outcome>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

const SILENT: &str = "?protocol=pbft&nodes=4&seed=1&byzantine-nodes=0&byzantine=1&strategy=silent";

#[wasm_bindgen_test]
async fn silent_primary_the_ring_moves_at_the_new_view_and_the_latency_includes_it() {
    // Mid view change: replicas ask for view 1, timers run, the ring is still on node 0.
    let mut s = Rc::new(AppState::from_query(SILENT));
    loop {
        s = s.reduce(Action::StepPhase);
        if s.scene.nodes.iter().any(|v| v.state == "view-changing") || s.frame.finished {
            break;
        }
    }
    let root = mount_graph(&s).await;
    assert_eq!(count(&root, ".client"), 1);
    assert!(count(&root, ".node[data-state=\"view-changing\"]") >= 1);
    assert!(
        count(&root, ".timer[data-node]") >= 1,
        "timers drawn as arcs"
    );
    assert_eq!(
        attr(&root, ".node.primary", "data-node").as_deref(),
        Some("0")
    );
    assert_eq!(
        attr(&root, ".node[data-node=\"0\"]", "data-byzantine").as_deref(),
        Some("true")
    );
    // At the end: the ring on node 1, success, a latency that includes the view change.
    let end = s.frame.end_us;
    let s = state(SILENT, &[Action::Seek(end)]);
    let root = mount_graph(&s).await;
    assert_eq!(
        attr(&root, ".node.primary", "data-node").as_deref(),
        Some("1")
    );
    let root = mount_outcome(&s).await;
    assert_eq!(
        attr(&root, "[data-outcome]", "data-outcome").as_deref(),
        Some("success")
    );
    let text = root.text_content().unwrap();
    let latency: f64 = text
        .split("latency ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .expect("a latency in the outcome line");
    assert!(latency >= 280.0, "{text}");
}

#[wasm_bindgen_test]
async fn collusion_beyond_f_sets_the_safety_violation_outcome() {
    // Whether the colluders split the honest replicas depends on the network's draws; seed 0
    // is one where they do (the engine's property test checks that some seed always does).
    let q = "?protocol=pbft&nodes=4&seed=0&byzantine-nodes=0,1&byzantine=2&strategy=collude";
    let end = AppState::from_query(q).frame.end_us;
    let s = state(q, &[Action::Seek(end)]);
    let root = mount_outcome(&s).await;
    assert_eq!(
        attr(&root, "[data-outcome]", "data-outcome").as_deref(),
        Some("safety-violation")
    );
}

#[wasm_bindgen_test]
async fn step_then_back_restores_time_and_node_states() {
    let s = state(SILENT, &[Action::Seek(150_000)]);
    let before = (
        s.frame.now_us,
        s.scene.nodes.clone(),
        s.scene.clients.clone(),
    );
    let s = state(
        SILENT,
        &[
            Action::Seek(150_000),
            Action::Step,
            Action::StepPhase,
            Action::Back,
            Action::Back,
        ],
    );
    assert_eq!(
        (
            s.frame.now_us,
            s.scene.nodes.clone(),
            s.scene.clients.clone()
        ),
        before
    );
    let root = mount_graph(&s).await;
    assert_eq!(count(&root, ".node"), 4);
}

#[wasm_bindgen_test]
async fn a_t_link_opens_at_that_time_with_the_node_selected() {
    let s = state(
        &format!("{SILENT}&t=200.5&node=2&speed=0.2"),
        &[Action::Tick(0.0)],
    );
    assert_eq!(s.frame.now_us, 200_500);
    assert_eq!(s.selected, Some(2));
    assert!((s.speed - 0.2).abs() < 1e-9);
    assert!(s.scene.inspector.as_ref().is_some_and(|i| i.id == 2));
}

const TUTORIAL: &str = "?nodes=7&seed=3";

/// The tutorial's model, as well as PBFT: success in green words, and a Byzantine primary's run
/// failing with its reason (the tutorial has no view change).
#[wasm_bindgen_test]
async fn the_tutorial_succeeds_and_a_byzantine_primary_fails_with_its_reason() {
    let end = AppState::from_query(TUTORIAL).frame.end_us;
    let s = state(TUTORIAL, &[Action::Seek(end)]);
    assert!(s.scene.clients.is_empty(), "the tutorial has no client");
    let root = mount_outcome(&s).await;
    assert_eq!(
        attr(&root, "[data-outcome]", "data-outcome").as_deref(),
        Some("success")
    );
    let q = format!("{TUTORIAL}&byzantine-nodes=0&byzantine=1");
    let end = AppState::from_query(&q).frame.end_us;
    let s = state(&q, &[Action::Seek(end)]);
    let root = mount_outcome(&s).await;
    assert_eq!(
        attr(&root, "[data-outcome]", "data-outcome").as_deref(),
        Some("timeout")
    );
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("no view change"), "{text}");
}

/// Step back and a `t=` link in the tutorial too.
#[wasm_bindgen_test]
async fn the_tutorial_steps_back_exactly_and_opens_at_its_t() {
    let s = state(&format!("{TUTORIAL}&t=40"), &[Action::Tick(0.0)]);
    assert_eq!(s.frame.now_us, 40_000);
    let before = (s.frame.now_us, s.scene.nodes.clone());
    let s = state(
        &format!("{TUTORIAL}&t=40"),
        &[
            Action::Tick(0.0),
            Action::StepPhase,
            Action::Step,
            Action::Back,
            Action::Back,
        ],
    );
    assert_eq!((s.frame.now_us, s.scene.nodes.clone()), before);
}

/// Every row of the log, for every kind of event (a lossy PBFT run with checkpoints has them
/// all), is a sentence, never the event's JSON.
#[wasm_bindgen_test]
async fn no_log_row_is_raw_json() {
    let q = "?protocol=pbft&nodes=4&seed=11&drop=0.2&requests=25&checkpoint-interval=5";
    let end = AppState::from_query(q).frame.end_us;
    let s = state(q, &[Action::Seek(end)]);
    let log = &s.scene.detail.log;
    let mut kinds = std::collections::BTreeSet::new();
    for i in 0..log.len() {
        let row = log.row(i).unwrap();
        assert!(
            !row.text.contains('{') && !row.text.contains("\":"),
            "{}",
            row.text
        );
        kinds.insert(row.kind);
    }
    assert_eq!(kinds.len(), pbft_engine::words::KINDS.len(), "{kinds:?}");
}
