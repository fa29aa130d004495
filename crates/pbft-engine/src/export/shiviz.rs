//! A run as a ShiViz log: ShiViz (Beschastnikh et al., "Debugging distributed systems", CACM
//! 2016) draws a space-time diagram from any log whose lines carry a host, a vector clock and a
//! description, given the regular expression that reads them.
//!
//! The file starts with that expression on its first line and an empty second line (no
//! delimiter between executions: one file is one run), as ShiViz expects of an uploaded file.
//! Each event then is one line, `node2 {"node0":3,"node2":5} 30000 node 2 receives node 0's
//! PREPARE`: host, vector clock (JSON), virtual time in µs, and the sentence the
//! browser's log shows for the event ([`crate::words`]). Hosts are `node<i>` for replicas,
//! `client<j>` for clients; a message's send and loss are its sender's events, its delivery the
//! receiver's. The clocks follow Lamport/Fidge/Mattern: every event ticks its host's own
//! entry by one (ShiViz requires exactly one), and a delivery first merges the clock its message
//! was sent with, so ShiViz draws each delivered message as an edge. A lost message is an event
//! on its sender only; the end of the run is not a host's event and is left out.

use crate::words::{describe, event_nodes, Names};
use crate::{Config, ConfigError, NodeId, Simulation, TraceEvent, TraceKind};
use std::collections::BTreeMap;

/// The parser expression ShiViz needs, with the virtual time as an extra field.
pub const REGEX: &str = r"(?<host>\S+) (?<clock>\{[^}]*\}) (?<time_us>\d+) (?<event>.*)";

/// Turns trace events into ShiViz lines, one run at a time.
pub struct ShiViz {
    names: Names,
    /// Each host's vector clock, by node id (grown as hosts appear).
    clocks: Vec<Vec<u64>>,
    /// The sender's clock when message `id` was sent (the first copy's, for a duplicate).
    sent: BTreeMap<u64, Vec<u64>>,
}

impl ShiViz {
    /// For a run whose endpoints are `names`.
    pub fn new(names: Names) -> ShiViz {
        ShiViz {
            names,
            clocks: Vec::new(),
            sent: BTreeMap::new(),
        }
    }

    /// The whole log of trial `trial` of `config`.
    pub fn log(config: &Config, trial: u32) -> Result<String, ConfigError> {
        let names = Names::of(&Simulation::new(config, trial)?, config.f());
        let mut shiviz = ShiViz::new(names);
        let mut out = ShiViz::header();
        for line in super::trace::events(config, trial)?
            .iter()
            .filter_map(|e| shiviz.line(e))
        {
            out.push_str(&line);
            out.push('\n');
        }
        Ok(out)
    }

    /// The two lines before the events: the expression and the (empty) delimiter.
    pub fn header() -> String {
        format!("{REGEX}\n\n")
    }

    fn host(&self, id: NodeId) -> String {
        match self.names.is_client(id) {
            false => format!("node{id}"),
            true => format!("client{}", id - self.names.replicas),
        }
    }

    /// Ticks `id`'s clock, after merging `merge` (a delivered message's send clock).
    fn tick(&mut self, id: NodeId, merge: Option<&[u64]>) -> Vec<u64> {
        let i = id as usize;
        if self.clocks.len() <= i {
            self.clocks.resize(i + 1, Vec::new());
        }
        let clock = &mut self.clocks[i];
        if let Some(other) = merge {
            if clock.len() < other.len() {
                clock.resize(other.len(), 0);
            }
            for (mine, theirs) in clock.iter_mut().zip(other) {
                *mine = (*mine).max(*theirs);
            }
        }
        if clock.len() <= i {
            clock.resize(i + 1, 0);
        }
        clock[i] += 1;
        clock.clone()
    }

    fn clock_json(&self, clock: &[u64]) -> String {
        let entries: Vec<String> = clock
            .iter()
            .enumerate()
            .filter(|(_, &t)| t > 0)
            .map(|(id, t)| format!("\"{}\":{t}", self.host(id as NodeId)))
            .collect();
        format!("{{{}}}", entries.join(","))
    }

    /// The ShiViz line of one event (no newline), or `None` for an event on no host (the end).
    pub fn line(&mut self, e: &TraceEvent) -> Option<String> {
        let host = match (&e.kind, event_nodes(e)?) {
            (TraceKind::Deliver { to, .. }, _) => *to,
            (_, (node, _)) => node,
        };
        let merge = match &e.kind {
            TraceKind::Deliver { id, .. } => self.sent.get(id).cloned(),
            _ => None,
        };
        let clock = self.tick(host, merge.as_deref());
        if let TraceKind::Send { id, .. } = &e.kind {
            self.sent.entry(*id).or_insert_with(|| clock.clone());
        }
        Some(format!(
            "{} {} {} {}",
            self.host(host),
            self.clock_json(&clock),
            e.time_us,
            describe(e, &self.names)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(config: &Config) -> Vec<String> {
        let text = ShiViz::log(config, 0).unwrap();
        text.lines().skip(2).map(str::to_string).collect()
    }

    #[test]
    fn every_host_ticks_by_one_and_deliveries_merge_the_send() {
        let config = Config::for_protocol(crate::Protocol::Pbft);
        let lines = log(&config);
        assert!(lines.len() > 20);
        let mut own: BTreeMap<String, u64> = BTreeMap::new();
        for line in &lines {
            let (host, rest) = line.split_once(' ').unwrap();
            let (clock, _) = rest.split_once("} ").unwrap();
            let key = format!("\"{host}\":");
            let at = clock
                .find(&key)
                .expect("a host's clock holds its own entry");
            let digits: String = clock[at + key.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let tick = own.entry(host.to_string()).or_insert(0);
            *tick += 1;
            assert_eq!(digits.parse::<u64>().unwrap(), *tick, "{line}");
        }
        assert!(own.contains_key("client0"), "{own:?}");
        let deliver = lines.iter().find(|l| l.contains(" receives ")).unwrap();
        assert!(deliver.matches(':').count() >= 2, "merged: {deliver}");
        assert_eq!(ShiViz::header().lines().count(), 2);
    }
}
