//! Component tests in a real browser (wasm-bindgen-test in headless Chromium; `cargo xtask test`
//! runs them). Each test mounts into its own `<div>` appended to the page — never replacing
//! `document.body`, which holds the test runner's output.
//!
//! Natively this file compiles to nothing: the reducer and view-model logic it builds on are
//! unit-tested natively in `src/`.
#![cfg(target_arch = "wasm32")]

use pbft_web::components::{banner::Banner, controls::Controls, graph::Graph};
use pbft_web::state::{texts_for, Action, AppState};
use pbft_web::App;
use std::collections::BTreeMap;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

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

fn noop() -> Callback<Action> {
    Callback::from(|_| {})
}

#[wasm_bindgen_test]
async fn graph_draws_one_node_per_node_with_stable_hooks() {
    let state = AppState::from_query("?nodes=5&byzantine-nodes=2&byzantine=1");
    let root = mount_point();
    let props = pbft_web::components::graph::Props {
        scene: state.scene.clone(),
        frame: state.frame.clone(),
        dispatch: noop(),
    };
    yew::Renderer::<Graph>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(count(&root, ".node"), 5);
    for id in 0..5 {
        assert_eq!(count(&root, &format!(".node[data-node=\"{id}\"]")), 1);
    }
    assert_eq!(
        count(&root, ".node.byz polygon"),
        1,
        "Byzantine is a diamond"
    );
    assert_eq!(count(&root, ".node.primary"), 1);
}

#[wasm_bindgen_test]
async fn dots_carry_their_phase() {
    let mut state = std::rc::Rc::new(AppState::from_query("?nodes=4"));
    // Step until messages are in flight.
    for _ in 0..3 {
        state = yew::Reducible::reduce(state, Action::Step);
    }
    assert!(!state.frame.dots.is_empty());
    let root = mount_point();
    let props = pbft_web::components::graph::Props {
        scene: state.scene.clone(),
        frame: state.frame.clone(),
        dispatch: noop(),
    };
    yew::Renderer::<Graph>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let dots = root.query_selector_all(".msg").unwrap();
    assert_eq!(dots.length() as usize, state.frame.dots.len());
    let first = dots.get(0).unwrap().dyn_into::<web_sys::Element>().unwrap();
    assert_eq!(
        first.get_attribute("data-phase").as_deref(),
        Some("pre-prepare")
    );
}

#[wasm_bindgen_test]
async fn field_errors_show_beside_their_field() {
    let config = pbft_engine::Config::default();
    let mut errors = BTreeMap::new();
    errors.insert(
        "drop".to_string(),
        "drop is a probability and must be between 0 and 1; 2 was given".to_string(),
    );
    let root = mount_point();
    let props = pbft_web::components::controls::Props {
        texts: texts_for(&config),
        errors,
        byzantine_nodes: None,
        dispatch: noop(),
    };
    yew::Renderer::<Controls>::with_root_and_props(root.clone(), props).render();
    settle().await;
    let err = root
        .query_selector("[data-field=\"drop\"] .field-error")
        .unwrap()
        .expect("the error sits in the drop field");
    assert!(err.text_content().unwrap().contains("probability"));
    assert_eq!(count(&root, ".field-error"), 1);
    // Every engine parameter but `trials` has a labelled control.
    let expected = pbft_engine::PARAMETERS.len() - 1;
    assert_eq!(count(&root, ".field label[for]") as usize, expected);
}

#[wasm_bindgen_test]
async fn banner_lists_url_problems() {
    let root = mount_point();
    let props = pbft_web::components::banner::Props {
        notices: vec!["unknown parameter 'colour' (ignored)".into()],
        alarm: Some("Safety violated".into()),
        dispatch: noop(),
    };
    yew::Renderer::<Banner>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(count(&root, "[data-testid=url-notice] li"), 1);
    assert_eq!(count(&root, "[data-testid=alarm]"), 1);
}

#[wasm_bindgen_test]
async fn app_mounts_and_steps_on_the_keyboard() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    assert_eq!(count(&root, ".node"), 10, "the default scenario");
    assert_eq!(count(&root, ".msg"), 0);
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowRight");
    for _ in 0..3 {
        let e =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        web_sys::window().unwrap().dispatch_event(&e).unwrap();
        settle().await;
    }
    assert!(
        count(&root, ".msg") > 0,
        "→ steps the run: messages in flight"
    );
    assert!(count(&root, ".log-row") >= 3);
}
