//! Component tests in a real browser (wasm-bindgen-test in headless Chromium; `cargo xtask test`
//! runs them). Each test mounts into its own `<div>` appended to the page — never replacing
//! `document.body`, which holds the test runner's output.
//!
//! Message dots: SVG `.msg[data-phase]` elements for a few dots, the canvas (with its
//! `data-mode`, `data-dots` and `data-phases` hooks) for many (src/components/dots/mod.rs).
//!
//! Natively this file compiles to nothing: the reducer and view-model logic it builds on are
//! unit-tested natively in `src/`.
#![cfg(target_arch = "wasm32")]

use pbft_web::components::{banner, controls::Controls, graph::Graph};
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
    // Few dots: SVG elements, and the canvas's hooks say the same.
    let canvas = root.query_selector("canvas.msg-layer").unwrap().unwrap();
    assert_eq!(canvas.get_attribute("data-mode").as_deref(), Some("svg"));
    let n = state.frame.dots.len().to_string();
    assert_eq!(
        canvas.get_attribute("data-dots").as_deref(),
        Some(n.as_str())
    );
    assert!(canvas
        .get_attribute("data-phases")
        .unwrap()
        .starts_with("pre-prepare="));
}

#[wasm_bindgen_test]
async fn many_dots_go_to_the_canvas_with_counts_by_phase() {
    use pbft_web::components::dots::{phase_counts, SVG_DOTS_MAX};
    let mut state = std::rc::Rc::new(AppState::from_query(
        "?nodes=16&processing=concurrent&min-delay-ms=300&max-delay-ms=600",
    ));
    // Seek forward until more messages are in flight than the SVG layer draws.
    let mut t = 0;
    while state.frame.dots.len() <= SVG_DOTS_MAX && t < 5_000_000 {
        t += 20_000;
        state = yew::Reducible::reduce(state, Action::Seek(t));
    }
    let dots = &state.frame.dots;
    assert!(dots.len() > SVG_DOTS_MAX, "{} dots at {t} µs", dots.len());
    let root = mount_point();
    let props = pbft_web::components::graph::Props {
        scene: state.scene.clone(),
        frame: state.frame.clone(),
        dispatch: noop(),
    };
    yew::Renderer::<Graph>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(count(&root, ".msg"), 0, "no SVG dots in canvas mode");
    let canvas = root
        .query_selector("canvas.msg-layer")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .unwrap();
    assert_eq!(canvas.get_attribute("data-mode").as_deref(), Some("canvas"));
    let n = dots.len().to_string();
    assert_eq!(
        canvas.get_attribute("data-dots").as_deref(),
        Some(n.as_str())
    );
    let phases = canvas.get_attribute("data-phases").unwrap();
    assert_eq!(phases, phase_counts(dots));
    assert!(phases.contains("prepare="), "{phases}");
    // The dots are really drawn: some pixels are not transparent.
    let ctx = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::CanvasRenderingContext2d>()
        .unwrap();
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    let px = ctx.get_image_data(0.0, 0.0, w, h).unwrap().data().0;
    let drawn = px.chunks_exact(4).filter(|p| p[3] > 0).count();
    assert!(
        drawn > dots.len(),
        "{drawn} pixels drawn for {} dots",
        dots.len()
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
    let expected = pbft_engine::PARAMS.len() - 1;
    assert_eq!(count(&root, ".field label[for]") as usize, expected);
}

#[wasm_bindgen_test]
async fn banner_lists_url_problems() {
    let root = mount_point();
    #[derive(Properties, PartialEq)]
    struct BannerProps {
        props: banner::Props,
    }
    #[function_component(Banner)]
    fn mounted(p: &BannerProps) -> Html {
        banner::banner(&p.props)
    }
    let props = banner::Props {
        notices: vec!["unknown parameter 'colour' (ignored)".into()],
        alarm: Some("Safety violated".into()),
        warning: Some("2 Byzantine nodes exceed f = 1".into()),
        dispatch: noop(),
    };
    yew::Renderer::<Banner>::with_root_and_props(root.clone(), BannerProps { props }).render();
    settle().await;
    assert_eq!(count(&root, "[data-testid=url-notice] li"), 1);
    assert_eq!(count(&root, "[data-testid=alarm]"), 1);
    assert_eq!(count(&root, "[data-testid=over-f]"), 1);
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

#[wasm_bindgen_test]
async fn the_page_claims_space_for_play() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(" ");
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&e).unwrap();
    // A passive listener could not stop the page from scrolling.
    assert!(e.default_prevented(), "space plays instead of scrolling");
}

#[wasm_bindgen_test]
fn the_browser_reads_back_the_links_it_writes() {
    use pbft_web::url::{config_from_pairs, query_for, query_pairs, query_string};
    let q = query_string(&[("partition", "0,1@100-500;3@0-50"), ("x", "a b&c=d")]);
    assert_eq!(q, "?partition=0,1@100-500%3B3@0-50&x=a+b%26c%3Dd");
    let pairs = query_pairs(&q);
    assert_eq!(pairs[0].1, "0,1@100-500;3@0-50");
    assert_eq!(pairs[1].1, "a b&c=d");
    let (config, problems) = config_from_pairs(&query_pairs(
        "?nodes=7&byzantine-nodes=1%2C4&partition=0@5-9",
    ));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        config_from_pairs(&query_pairs(&query_for(&config))).0,
        config
    );
}

/// A trace made by the engine (as `pbft-sim run --trace` writes it) re-simulates identically
/// from its own header; an edited event or a foreign file is reported as such.
#[wasm_bindgen_test]
fn a_dropped_trace_is_checked_against_a_re_simulation() {
    use pbft_web::export::{check_trace, trace_text, TraceCheck};
    let mut config = pbft_engine::Config::for_protocol(pbft_engine::Protocol::Pbft);
    config.set("byzantine-nodes", "0").unwrap();
    config.byzantine = 1;
    let text = trace_text(&config, false).unwrap();
    match check_trace(&text) {
        TraceCheck::Identical {
            config: c,
            trial,
            events,
        } => {
            assert_eq!(
                (c, trial, events),
                (config.clone(), 0, text.lines().count() - 1)
            );
        }
        other => panic!("{other:?}"),
    }
    let edited = text.replacen(
        "\"kind\":\"deliver\",\"id\":0,",
        "\"kind\":\"deliver\",\"id\":9,",
        1,
    );
    assert_ne!(edited, text);
    assert!(matches!(check_trace(&edited), TraceCheck::Differs { .. }));
    assert!(matches!(check_trace("hello\n"), TraceCheck::Unreadable(_)));
    let shiviz = trace_text(&config, true).unwrap();
    assert_eq!(shiviz.lines().nth(1), Some(""));
    assert!(
        shiviz.contains("asks for view 1 (VIEW-CHANGE)"),
        "a view change under a silent primary"
    );
}

#[wasm_bindgen_test]
async fn the_trace_panel_offers_both_downloads_and_a_file_picker() {
    use pbft_web::components::trace::{Props, TraceFiles};
    let root = mount_point();
    let props = Props {
        config: pbft_engine::Config::default(),
    };
    yew::Renderer::<TraceFiles>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(count(&root, "[data-testid=trace-jsonl]"), 1);
    assert_eq!(count(&root, "[data-testid=trace-shiviz]"), 1);
    assert_eq!(count(&root, "input[type=file][data-testid=trace-file]"), 1);
}
