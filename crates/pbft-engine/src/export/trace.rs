//! A run's trace as a file that says how to reproduce itself (`docs/trace-format.md`).
//!
//! JSON Lines: the first line is a header naming the format, the trial and every parameter of
//! the scenario in the shared text form; each following line is one [`TraceEvent`] as
//! [`TraceEvent::to_json`] writes it. Since the same config, seed and trial always give the same
//! run, a reader re-simulates from the header and compares line by line ([`compare`]): that is
//! how the browser checks a dropped trace, and what proves a trace was not edited.

use crate::{Config, ConfigError, Simulation, TraceEvent, PARAMS};

/// The header's `format` value.
pub const FORMAT: &str = "pbft-sim-trace";
/// The header's `version`; bumped when the header or an event changes shape.
pub const VERSION: u32 = 1;

/// The parameters the header carries: every one with a value, as `Config::param` writes it. When
/// explicit Byzantine ids are set, `byzantine` is left out: the ids fix the count.
pub fn header_params(config: &Config) -> Vec<(&'static str, String)> {
    PARAMS
        .iter()
        .filter(|p| !(p.name == "byzantine" && config.byzantine_nodes.is_some()))
        .map(|p| (p.name, p.get(config)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The first line: `{"format":"pbft-sim-trace","version":1,"trial":0,"config":{...}}`.
pub fn header(config: &Config, trial: u32) -> String {
    let params: Vec<String> = header_params(config)
        .iter()
        .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
        .collect();
    format!(
        "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"trial\":{trial},\"config\":{{{}}}}}",
        params.join(",")
    )
}

/// Every event of trial `trial` of `config`, in order.
pub fn events(config: &Config, trial: u32) -> Result<Vec<TraceEvent>, ConfigError> {
    let mut sim = Simulation::new(config, trial)?.with_trace(true);
    let mut all = Vec::new();
    while let Some(events) = sim.step() {
        all.extend_from_slice(events);
    }
    Ok(all)
}

/// The whole trace of trial `trial` of `config`: the header, then one line per event.
pub fn jsonl(config: &Config, trial: u32) -> Result<String, ConfigError> {
    let mut out = header(config, trial);
    out.push('\n');
    for e in events(config, trial)? {
        out.push_str(&e.to_json());
        out.push('\n');
    }
    Ok(out)
}

/// What re-simulating a trace found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// Every event matched, and there were this many.
    Identical { events: usize },
    /// Event `index` (0 = the first after the header) differs: what the engine produced and what
    /// the file holds (`None` past either end).
    Differs {
        index: usize,
        simulated: Option<String>,
        file: Option<String>,
    },
}

/// Re-simulates trial `trial` of `config` and compares its events with `lines` (the file's lines
/// after the header; blank lines are ignored).
pub fn compare<'a>(
    config: &Config,
    trial: u32,
    lines: impl IntoIterator<Item = &'a str>,
) -> Result<Comparison, ConfigError> {
    let mut lines = lines.into_iter().map(str::trim).filter(|l| !l.is_empty());
    let simulated = events(config, trial)?;
    for (index, e) in simulated.iter().enumerate() {
        let json = e.to_json();
        match lines.next() {
            Some(line) if line == json => {}
            file => {
                return Ok(Comparison::Differs {
                    index,
                    simulated: Some(json),
                    file: file.map(str::to_string),
                })
            }
        }
    }
    let index = simulated.len();
    Ok(match lines.next() {
        None => Comparison::Identical { events: index },
        Some(extra) => Comparison::Differs {
            index,
            simulated: None,
            file: Some(extra.to_string()),
        },
    })
}

/// `s` as a JSON string literal (RFC 8259 escapes).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_every_set_parameter() {
        let mut c = Config::for_protocol(crate::Protocol::Pbft);
        c.set("byzantine-nodes", "1,3").unwrap();
        let h = header(&c, 7);
        assert!(
            h.starts_with(r#"{"format":"pbft-sim-trace","version":1,"trial":7,"config":{"protocol":"pbft","nodes":"4","byzantine-nodes":"1,3","#),
            "{h}"
        );
        assert!(!h.contains("\"byzantine\":"), "{h}");
        let pairs = header_params(&c);
        assert_eq!(Config::from_params(&pairs).unwrap().byzantine_count(), 2);
        assert_eq!(json_string("a\"b\\\n"), r#""a\"b\\\u000a""#);
    }

    #[test]
    fn a_trace_compares_identical_with_itself_and_not_when_edited() {
        let c = Config::default();
        let text = jsonl(&c, 2).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        let n = lines.len();
        assert_eq!(
            compare(&c, 2, lines.clone()).unwrap(),
            Comparison::Identical { events: n }
        );
        let mut edited = lines.clone();
        let changed = edited[3].replace("\"time_us\":", "\"time_us\":1");
        edited[3] = &changed;
        assert!(matches!(
            compare(&c, 2, edited).unwrap(),
            Comparison::Differs { index: 3, .. }
        ));
        assert!(matches!(
            compare(&c, 2, lines[..n - 1].iter().copied()).unwrap(),
            Comparison::Differs { index, file: None, .. } if index == n - 1
        ));
        assert!(matches!(
            compare(&c, 3, lines).unwrap(),
            Comparison::Differs { .. }
        ));
    }
}
