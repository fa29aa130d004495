//! What a sweep's exports are called and what their caption says: the protocol, strategy, n,
//! Byzantine counts, trials and seed of the sweep that made the results (and the compared
//! parameter), so a saved file says how to make it again.

use pbft_engine::experiment::counts_text;
use pbft_engine::Config;

/// The file name stem of a sweep's exports, e.g.
/// `tutorial-sweep_strategy-tutorial_n10_m0-9_100trials_seed11_vs_strategy-silent`
/// (`configs[0]` is the base sweep).
pub fn file_stem(configs: &[Config], counts: &[u32], compare: Option<&str>) -> String {
    let Some(c) = configs.first() else {
        return "pbft-sweep".into();
    };
    let range = counts_text(counts).replace("..=", "-").replace(',', "_");
    let mut stem = format!(
        "{}-sweep_strategy-{}_n{}_m{range}_{}trials_seed{}",
        c.protocol.name(),
        c.strategy.name(),
        c.nodes,
        c.trials,
        c.seed
    );
    if let Some(other) = compare {
        stem.push_str("_vs_");
        stem.push_str(&safe(other));
    }
    stem
}

/// `text` with every character a file name should not hold replaced by `-`.
fn safe(text: &str) -> String {
    text.chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '.' {
                ch
            } else {
                '-'
            }
        })
        .collect()
}

/// The caption of a sweep's charts in words, e.g. "tutorial protocol, strategy tutorial, n = 10,
/// m = 0..=9, 100 trials per point, seed 11; compared with strategy=silent".
pub fn caption(configs: &[Config], counts: &[u32], compare: Option<&str>) -> String {
    let Some(c) = configs.first() else {
        return String::new();
    };
    let mut text = format!(
        "{} protocol, strategy {}, n = {}, m = {}, {} trials per point, seed {}",
        c.protocol.name(),
        c.strategy.name(),
        c.nodes,
        counts_text(counts),
        c.trials,
        c.seed
    );
    if let Some(other) = compare {
        text.push_str("; compared with ");
        text.push_str(other);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_protocol_strategy_n_range_trials_and_seed() {
        let c = Config {
            trials: 100,
            ..Config::default()
        };
        let counts: Vec<u32> = (0..=9).collect();
        assert_eq!(
            file_stem(std::slice::from_ref(&c), &counts, Some("strategy=silent")),
            "tutorial-sweep_strategy-tutorial_n10_m0-9_100trials_seed11_vs_strategy-silent"
        );
        assert_eq!(
            file_stem(std::slice::from_ref(&c), &[0, 2, 4], None),
            "tutorial-sweep_strategy-tutorial_n10_m0_2_4_100trials_seed11"
        );
        assert_eq!(
            caption(&[c], &counts, Some("protocol=pbft")),
            "tutorial protocol, strategy tutorial, n = 10, m = 0..=9, 100 trials per point, \
             seed 11; compared with protocol=pbft"
        );
        assert_eq!(file_stem(&[], &[], None), "pbft-sweep");
    }
}
