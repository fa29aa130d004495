//! Machine-readable results: one list of named columns per result, for CSV and JSON.
//!
//! [`point_columns`] (a sweep point) and [`run_columns`] (one run) are the single place where a
//! result becomes fields, for `pbft-sim --format csv|json`, the charts' exports and the browser's
//! downloads alike, so every face carries the same columns in the same order, and a new metric
//! is one line here. CSV is written here (RFC 4180); JSON by whoever holds a JSON writer: the
//! CLI through serde (feature `serde`, which implements `Serialize` for [`Row`]), the browser
//! through its own `JSON.stringify`, so the engine carries no JSON code into the wasm.

use crate::{Config, NodeId, Phase, RunOutcome, SweepPoint};

pub mod shiviz;
pub mod trace;

/// One field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Int(u64),
    Float(f64),
    /// `None` when there is nothing to measure (latency with no successful run).
    OptFloat(Option<f64>),
    Bool(bool),
    /// Node ids: a JSON array; in CSV the `0,2,4` text `--byzantine-nodes` reads.
    Ids(Vec<NodeId>),
}

/// Named fields of one result, in output order.
pub type Columns = Vec<(String, Value)>;

/// One result's columns, as one JSON object when serialized (feature `serde`).
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Columns);

#[cfg(feature = "serde")]
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Str(v) => s.serialize_str(v),
            Value::Int(n) => s.serialize_u64(*n),
            // Non-finite floats have no JSON form.
            Value::Float(x) | Value::OptFloat(Some(x)) if x.is_finite() => s.serialize_f64(*x),
            Value::Float(_) | Value::OptFloat(_) => s.serialize_none(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Ids(ids) => s.collect_seq(ids),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Row {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

fn col(name: &str, value: Value) -> (String, Value) {
    (name.to_string(), value)
}

/// `messages_pre_prepare`-style column name of a phase.
fn phase_column(phase: Phase, suffix: &str) -> String {
    format!("messages_{}{suffix}", phase.name().replace('-', "_"))
}

/// The columns of one sweep point.
pub fn point_columns(p: &SweepPoint, config: &Config) -> Columns {
    use Value::*;
    let mut c = vec![
        col("protocol", Str(p.protocol.name().to_string())),
        col("nodes", Int(p.nodes.into())),
        col("f", Int(p.f.into())),
        col("byzantine", Int(p.byzantine.into())),
        col("strategy", Str(config.strategy.name().to_string())),
        col("seed", Int(config.seed)),
        col("trials", Int(p.trials)),
        col("successes", Int(p.successes)),
        col("success_rate", Float(p.success_rate)),
        col("agreements", Int(p.agreements)),
        col("safety_violations", Int(p.safety_violations)),
        col("latency_ms_mean", OptFloat(p.latency_ms_mean)),
        col("latency_ms_p5", OptFloat(p.latency_ms_p5)),
        col("latency_ms_p50", OptFloat(p.latency_ms_p50)),
        col("latency_ms_p95", OptFloat(p.latency_ms_p95)),
        col("latency_ms_max", OptFloat(p.latency_ms_max)),
        col("commit_latency_ms_mean", OptFloat(p.commit_latency_ms_mean)),
        col("honest_caught_up_mean", Float(p.honest_caught_up_mean)),
        col("view_changes_mean", Float(p.view_changes_mean)),
        col("throughput_rps_mean", OptFloat(p.throughput_rps_mean)),
        col("messages_mean", Float(p.messages_mean)),
        col("delivered_mean", Float(p.delivered_mean)),
        col("dropped_mean", Float(p.dropped_mean)),
    ];
    for (phase, mean) in Phase::ALL.iter().zip(p.messages_by_phase_mean) {
        c.push((phase_column(*phase, "_mean"), Float(mean)));
    }
    c
}

/// The columns of one run (trial `trial` of `config`).
pub fn run_columns(run: &RunOutcome, config: &Config, trial: u32) -> Columns {
    use Value::*;
    let mut c = vec![
        col("protocol", Str(config.protocol.name().to_string())),
        col("nodes", Int(config.nodes.into())),
        col("f", Int(config.f().into())),
        col("byzantine", Int(config.byzantine_count().into())),
        col("byzantine_nodes", Ids(run.byzantine_nodes.clone())),
        col("strategy", Str(config.strategy.name().to_string())),
        col("seed", Int(config.seed)),
        col("trial", Int(trial.into())),
        col("success", Bool(run.success)),
        col("agreement", Bool(run.agreement)),
        col("safety_violation", Bool(run.safety_violation)),
        col("latency_ms", OptFloat(run.latency_ms())),
        col("commit_latency_ms", OptFloat(run.commit_latency_ms())),
        col("view_changes", Int(run.view_changes)),
        col("throughput_rps", OptFloat(run.throughput_rps)),
        col("requests_accepted", Int(run.requests_accepted)),
        col("end_reason", Str(run.end_reason.name().to_string())),
        col("end_ms", Float(run.end_us as f64 / 1000.0)),
        col("honest_committed", Int(run.honest_committed.into())),
        col("honest_caught_up", Int(run.honest_caught_up.into())),
        col("honest_total", Int(run.honest_total.into())),
        col("messages", Int(run.messages)),
        col("delivered", Int(run.delivered)),
        col("dropped", Int(run.dropped)),
    ];
    for (phase, n) in Phase::ALL.iter().zip(run.messages_by_phase) {
        c.push((phase_column(*phase, ""), Int(n)));
    }
    c
}

/// A float as JSON/CSV text that parses back to the same f64; non-finite values have no JSON
/// form and become `null`.
pub fn float_text(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let s = format!("{v}");
    Some(if s.contains(['.', 'e', 'E']) {
        s
    } else {
        s + ".0"
    })
}

fn ids_text(ids: &[NodeId], sep: &str) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(sep)
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV header of rows with these columns.
pub fn csv_header(columns: &Columns) -> String {
    let names: Vec<String> = columns.iter().map(|(n, _)| csv_field(n)).collect();
    names.join(",")
}

/// The CSV of many results with the same columns: the header, then one row each.
pub fn csv(rows: &[Columns]) -> String {
    let mut out = String::new();
    for (i, columns) in rows.iter().enumerate() {
        if i == 0 {
            out.push_str(&csv_header(columns));
            out.push('\n');
        }
        out.push_str(&csv_row(columns));
        out.push('\n');
    }
    out
}

/// The columns of points from one or more sweeps, each with the config of its sweep (its
/// strategy and seed are columns).
pub fn points_columns(rows: &[(&SweepPoint, &Config)]) -> Vec<Columns> {
    rows.iter().map(|(p, c)| point_columns(p, c)).collect()
}

/// One CSV row; a missing value is an empty field.
pub fn csv_row(columns: &Columns) -> String {
    let fields: Vec<String> = columns
        .iter()
        .map(|(_, value)| match value {
            Value::Str(s) => csv_field(s),
            Value::Int(n) => n.to_string(),
            Value::Float(x) => float_text(*x).unwrap_or_default(),
            Value::OptFloat(x) => x.and_then(float_text).unwrap_or_default(),
            Value::Bool(b) => b.to_string(),
            Value::Ids(ids) => csv_field(&ids_text(ids, ",")),
        })
        .collect();
    fields.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_trip_and_look_like_floats() {
        for v in [
            0.0,
            1.0,
            0.1,
            220.9,
            1e-7,
            123456789.125,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let s = float_text(v).unwrap();
            assert!(s.contains(['.', 'e']), "{s}");
            assert_eq!(s.parse::<f64>().unwrap(), v);
        }
        assert_eq!(float_text(6.0).as_deref(), Some("6.0"));
        assert_eq!(float_text(f64::NAN), None);
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let cols: Columns = vec![
            col("a", Value::Str("x,y".into())),
            col("b", Value::OptFloat(None)),
            col("c", Value::Ids(vec![1, 3])),
            col("d", Value::Bool(true)),
            col("e", Value::Float(2.5)),
        ];
        assert_eq!(csv_header(&cols), "a,b,c,d,e");
        assert_eq!(csv_row(&cols), "\"x,y\",,\"1,3\",true,2.5");
        assert_eq!(csv(&[cols.clone(), cols]).lines().count(), 3);
    }
}
