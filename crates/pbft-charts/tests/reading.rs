//! The one-line readings under the charts, on real sweeps: each says what its curve does with the
//! measured numbers, and the reason only where the data shows the effect it explains.

use pbft_charts::{reading, ChartData, Series};
use pbft_engine::{Config, Protocol, Strategy, Sweep};

fn series(label: &str, config: &Config, counts: &[u32]) -> Series {
    Series {
        label: label.into(),
        points: Sweep::new(config, counts).unwrap().run_all(),
    }
}

fn tutorial() -> Config {
    Config {
        trials: 200,
        ..Config::default()
    }
}

fn pbft() -> Config {
    Config {
        trials: 40,
        ..Config::for_protocol(Protocol::Pbft)
    }
}

#[test]
fn the_tutorial_reads_as_falling_latency_and_success_like_one_minus_m_over_n() {
    let config = tutorial();
    let data = ChartData {
        series: vec![series("tutorial", &config, &(0..=9).collect::<Vec<_>>())],
    };
    let configs = [config];
    let latency = reading(0, &data, &configs);
    assert!(
        latency.starts_with("Latency falls as m grows ("),
        "{latency}"
    );
    assert!(
        latency.contains("fewer honest nodes means fewer votes, less to process"),
        "{latency}"
    );
    assert!(latency.contains("No run succeeds past m = 3"), "{latency}");
    let success = reading(1, &data, &configs);
    assert!(
        success.starts_with("Success falls like 1 − m/n (m = 3: "),
        "{success}"
    );
    assert!(success.contains("no view change"), "{success}");
    assert!(success.contains("70 % expected"), "{success}");
    assert!(
        success.contains("Past f = 3 fewer than 2f + 1 = 7"),
        "{success}"
    );
    assert!(
        success.contains("Agreement (dashed, hollow markers) lies on success: no honest"),
        "{success}"
    );
    let messages = reading(2, &data, &configs);
    assert!(
        messages.starts_with("Messages per run fall as m grows"),
        "{messages}"
    );
}

#[test]
fn pbft_reads_as_every_run_succeeding_up_to_f_and_the_client_waiting_longer() {
    let config = pbft();
    let data = ChartData {
        series: vec![series("pbft", &config, &[0, 1, 2])],
    };
    let configs = [config];
    let success = reading(1, &data, &configs);
    assert!(
        success.starts_with("Every run succeeds up to m = f = 1: a view change"),
        "{success}"
    );
    assert!(success.contains("Past f = 1"), "{success}");
    let latency = reading(0, &data, &configs);
    assert!(
        latency.starts_with("The client waits longer as m grows"),
        "{latency}"
    );
}

#[test]
fn a_compared_series_adds_its_numbers_after_its_label() {
    let base = tutorial();
    let silent = Config {
        strategy: Strategy::Silent,
        ..tutorial()
    };
    let counts: Vec<u32> = (0..=4).collect();
    let data = ChartData {
        series: vec![
            series("tutorial", &base, &counts),
            series("strategy=silent", &silent, &counts),
        ],
    };
    let configs = [base, silent];
    let text = reading(0, &data, &configs);
    assert!(text.contains(" strategy=silent: "), "{text}");
    // The reason is given once, for the first series; the compared one gets its numbers.
    let text = reading(1, &data, &configs);
    assert_eq!(text.matches("no view change").count(), 1, "{text}");
    assert!(text.contains(" strategy=silent: 7"), "{text}");
    assert_eq!(reading(0, &ChartData::default(), &[]), "");
}

#[test]
fn a_compared_pbft_series_says_why_its_client_waits_longer() {
    let base = tutorial();
    let pbft = Config {
        trials: 40,
        ..Config::for_protocol(Protocol::Pbft)
    };
    let counts = [0, 1];
    let data = ChartData {
        series: vec![
            series("tutorial", &base, &counts),
            series(
                "protocol=pbft",
                &Config {
                    nodes: 10,
                    ..pbft.clone()
                },
                &counts,
            ),
        ],
    };
    let text = reading(0, &data, &[base, Config { nodes: 10, ..pbft }]);
    assert!(
        text.contains("protocol=pbft: ") && text.contains("waits out a view change"),
        "{text}"
    );
}

#[test]
fn without_the_effect_no_reason_is_given() {
    // Concurrent handlers: the tutorial's latency no longer falls for the queueing reason.
    let config = Config {
        processing: pbft_engine::Processing::Concurrent,
        ..tutorial()
    };
    let data = ChartData {
        series: vec![series("tutorial", &config, &[0, 1, 2, 3])],
    };
    let text = reading(0, &data, &[config]);
    assert!(!text.contains("less to process"), "{text}");
}

#[test]
fn nothing_is_read_before_a_sweep_has_run() {
    let config = tutorial();
    let data = ChartData {
        series: vec![Series {
            label: "tutorial".into(),
            points: Vec::new(),
        }],
    };
    for which in 0..3 {
        assert_eq!(reading(which, &data, std::slice::from_ref(&config)), "");
    }
}
