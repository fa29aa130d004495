//! Golden trace hashes: one config and seed must give exactly the same run natively (x86_64) and
//! in WebAssembly (wasm32, run by `wasm-bindgen-test-runner`), today and after any refactor that
//! claims not to change behaviour.
//!
//! The cases cover the tutorial (faulty network; partition) and PBFT: a view change after a
//! silent primary, checkpoints with retransmission and state transfer under loss and
//! equivocation, and a 64-replica cluster whose thousands of events in flight go through the
//! calendar queue.
//!
//! Each case steps a traced [`Simulation`] to its end, hashes every [`TraceEvent`] with
//! [`trace_hash`] (FNV-1a over the events' JSON lines) and compares the hash, the event count and
//! the outcome with constants recorded from a native run. The same constants are checked on both
//! targets, so a passing wasm run proves cross-platform determinism. If a change to the engine
//! alters runs on purpose, update the constants from the failure message (it prints the new
//! values, the config and the seed) and say why in the commit.

use pbft_engine::{
    trace_hash, Config, EndReason, Partition, Protocol, Simulation, Strategy, TraceEvent,
};

/// What one traced run must reproduce.
struct Golden {
    hash: u64,
    events: usize,
    success: bool,
    end_reason: EndReason,
    latency_us: Option<u64>,
    messages: u64,
    dropped: u64,
}

/// Runs trial 0 of `cfg` with tracing on, stepping one event at a time as the browser does.
fn traced_run(cfg: &Config) -> (Vec<TraceEvent>, pbft_engine::RunOutcome) {
    let mut sim = Simulation::new(cfg, 0)
        .unwrap_or_else(|e| panic!("golden config rejected: {e}\nconfig: {cfg:?}"))
        .with_trace(true);
    let mut events = Vec::new();
    while let Some(step) = sim.step() {
        events.extend_from_slice(step);
    }
    let outcome = sim
        .outcome()
        .cloned()
        .expect("a finished run has an outcome");
    (events, outcome)
}

fn check(name: &str, cfg: &Config, want: &Golden) {
    let (events, outcome) = traced_run(cfg);
    let hash = trace_hash(&events);
    let got = (
        hash,
        events.len(),
        outcome.success,
        outcome.end_reason,
        outcome.latency_us,
        outcome.messages,
        outcome.dropped,
    );
    let expected = (
        want.hash,
        want.events,
        want.success,
        want.end_reason,
        want.latency_us,
        want.messages,
        want.dropped,
    );
    assert!(
        got == expected,
        "golden case `{name}` changed (seed {seed}, trial 0)\n\
         got:      hash {:#018x}, {} events, success {}, end {:?}, latency_us {:?}, messages {}, dropped {}\n\
         expected: hash {:#018x}, {} events, success {}, end {:?}, latency_us {:?}, messages {}, dropped {}\n\
         config: {cfg:?}\n\
         first events: {}\n\
         If the engine changed runs on purpose, update the constants in tests/golden.rs.",
        got.0,
        got.1,
        got.2,
        got.3,
        got.4,
        got.5,
        got.6,
        expected.0,
        expected.1,
        expected.2,
        expected.3,
        expected.4,
        expected.5,
        expected.6,
        events
            .iter()
            .take(3)
            .map(|e| e.to_json())
            .collect::<Vec<_>>()
            .join(" "),
        seed = cfg.seed,
    );
}

/// The tutorial's defaults with two Byzantine nodes and every network fault switched on.
fn faulty_network_config() -> Config {
    Config {
        byzantine: 2,
        drop: 0.05,
        duplicate: 0.05,
        reorder: 0.05,
        seed: 20_240_601,
        ..Config::default()
    }
}

/// No Byzantine node, but nodes 8 and 9 are cut off from 40 to 120 ms, when most PRE-PREPAREs
/// have landed (delays are 5–35 ms), so they miss PREPAREs and COMMITs but still commit.
fn partition_config() -> Config {
    Config {
        byzantine: 0,
        partitions: vec![Partition {
            nodes: vec![8, 9],
            from_ms: 40.0,
            until_ms: 120.0,
        }],
        seed: 7,
        ..Config::default()
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_byzantine_2_with_drop_duplicate_reorder() {
    check(
        "byzantine 2, drop/duplicate/reorder 0.05",
        &faulty_network_config(),
        &Golden {
            hash: 0x62ba_d90b_12d5_4cac,
            events: 252,
            success: false,
            end_reason: EndReason::Quiescent,
            latency_us: None,
            messages: 120,
            dropped: 8,
        },
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_byzantine_0_with_partition() {
    check(
        "byzantine 0, nodes 8,9 partitioned 40-120 ms",
        &partition_config(),
        &Golden {
            hash: 0xddab_7e0d_c7ab_a308,
            events: 938,
            success: true,
            end_reason: EndReason::Committed,
            latency_us: Some(210_304),
            messages: 510,
            dropped: 94,
        },
    );
}

/// PBFT with a silent primary: the client retransmits, the backups change view, and the new
/// primary's NEW-VIEW carries the request prepared before (three requests, random delays).
fn pbft_view_change_config() -> Config {
    Config {
        byzantine_nodes: Some(vec![0]),
        requests: 3,
        seed: 20_261_201,
        ..Config::for_protocol(Protocol::Pbft)
    }
}

/// PBFT with two clients, a checkpoint every 2 sequence numbers and 10 % loss: checkpoints
/// become stable, the log is collected, and lost messages come back through STATUS (and state
/// transfer, for a replica left behind).
fn pbft_checkpoints_config() -> Config {
    Config {
        nodes: 7,
        byzantine: 2,
        strategy: Strategy::Equivocate,
        clients: 2,
        requests: 4,
        checkpoint_interval: 2,
        drop: 0.1,
        seed: 31,
        ..Config::for_protocol(Protocol::Pbft)
    }
}

/// n = 64: over a thousand events in flight at once, so the calendar queue orders them.
fn pbft_large_config() -> Config {
    Config {
        nodes: 64,
        byzantine: 5,
        seed: 64,
        ..Config::for_protocol(Protocol::Pbft)
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_pbft_view_change() {
    check(
        "pbft, silent primary, 3 requests",
        &pbft_view_change_config(),
        &Golden {
            hash: 0x8a9c_53c7_ac24_b32c,
            events: 259,
            success: true,
            end_reason: EndReason::Committed,
            latency_us: Some(316_245),
            messages: 87,
            dropped: 0,
        },
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_pbft_checkpoints_and_loss() {
    check(
        "pbft n = 7, equivocate m = 2, 2 clients, K = 2, drop 0.1",
        &pbft_checkpoints_config(),
        &Golden {
            hash: 0xf35a_6904_efd1_30e8,
            events: 2_214,
            success: true,
            end_reason: EndReason::Committed,
            latency_us: Some(126_394),
            messages: 991,
            dropped: 69,
        },
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn golden_pbft_64_nodes_calendar_queue() {
    check(
        "pbft n = 64, 5 silent",
        &pbft_large_config(),
        &Golden {
            hash: 0x96b0_f4af_7c3e_067e,
            events: 23_603,
            success: true,
            end_reason: EndReason::Committed,
            latency_us: Some(705_401),
            messages: 11_455,
            dropped: 0,
        },
    );
}
