//! Files in and out: sweep points in the engine's columns (`pbft_engine::export`, the CLI's
//! `--format csv|json` columns), a run's trace as JSON Lines or a ShiViz log (the CLI's
//! `run --trace-format`), a dropped trace checked against a re-simulation, and saving a file
//! through a temporary link.
//!
//! The engine writes the CSV; JSON goes through the browser's own `JSON.stringify`, so no JSON
//! writer is compiled into the wasm. A whole number beyond 2^53 (a hand-picked seed) cannot be a
//! JavaScript number without rounding and is written as a string instead.

use pbft_engine::export::shiviz::ShiViz;
use pbft_engine::export::trace::{self, Comparison};
use pbft_engine::export::{csv, points_columns, Columns, Value};
use pbft_engine::{Config, SweepPoint};
use wasm_bindgen::{JsCast, JsValue};

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// CSV of points from one or more sweeps, each with its sweep's config.
pub fn points_csv(rows: &[(&SweepPoint, &Config)]) -> String {
    csv(&points_columns(rows))
}

/// JSON Lines of points from one or more sweeps: one object per point.
pub fn points_json(rows: &[(&SweepPoint, &Config)]) -> String {
    points_columns(rows)
        .iter()
        .map(|c| json_line(c) + "\n")
        .collect()
}

fn js_value(v: &Value) -> JsValue {
    let number = |x: f64| {
        if x.is_finite() {
            JsValue::from_f64(x)
        } else {
            JsValue::NULL
        }
    };
    match v {
        Value::Str(s) => JsValue::from_str(s),
        Value::Int(n) if *n > MAX_SAFE_INTEGER => JsValue::from_str(&n.to_string()),
        Value::Int(n) => JsValue::from_f64(*n as f64),
        Value::Float(x) => number(*x),
        Value::OptFloat(x) => x.map_or(JsValue::NULL, number),
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Ids(ids) => ids
            .iter()
            .map(|&i| JsValue::from_f64(f64::from(i)))
            .collect::<js_sys::Array>()
            .into(),
    }
}

/// One result as a JSON object on one line.
fn json_line(columns: &Columns) -> String {
    let object = js_sys::Object::new();
    for (name, value) in columns {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), &js_value(value));
    }
    js_sys::JSON::stringify(&object)
        .map(String::from)
        .unwrap_or_default()
}

/// Saves `href` (a data URL) as `filename` through a temporary link.
pub fn download(filename: &str, href: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", href);
    let _ = a.set_attribute("download", filename);
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
        if let Some(el) = a.dyn_ref::<web_sys::HtmlElement>() {
            el.click();
        }
        let _ = body.remove_child(&a);
    }
}

/// Saves `text` as `filename` with MIME type `mime`.
pub fn download_text(filename: &str, mime: &str, text: &str) {
    let encoded = String::from(js_sys::encode_uri_component(text));
    download(filename, &format!("data:{mime};charset=utf-8,{encoded}"));
}

/// What a trace file holds, once re-simulated.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceCheck {
    /// Re-simulating its header gave every event exactly.
    Identical {
        config: Config,
        trial: u32,
        events: usize,
    },
    /// Event `index` differs (`None`: one side ended first).
    Differs {
        config: Config,
        trial: u32,
        index: usize,
        simulated: Option<String>,
        file: Option<String>,
    },
    /// Not a trace this version can read, and why.
    Unreadable(String),
}

/// Reads a `.jsonl` trace (docs/trace-format.md): its first line's config and trial, then
/// re-simulates and compares every event.
pub fn check_trace(text: &str) -> TraceCheck {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let (config, trial) = match read_header(header) {
        Ok(h) => h,
        Err(why) => return TraceCheck::Unreadable(why),
    };
    match trace::compare(&config, trial, lines) {
        Ok(Comparison::Identical { events }) => TraceCheck::Identical {
            config,
            trial,
            events,
        },
        Ok(Comparison::Differs {
            index,
            simulated,
            file,
        }) => TraceCheck::Differs {
            config,
            trial,
            index,
            simulated,
            file,
        },
        Err(e) => TraceCheck::Unreadable(format!("its config cannot run: {e}")),
    }
}

/// The config and trial of a trace's header line, parsed by the browser's `JSON.parse`.
fn read_header(line: &str) -> Result<(Config, u32), String> {
    let not_a_trace = || {
        format!(
            "this is not a pbft-sim trace: its first line must be the header \
             {{\"format\":\"{}\",...}} (docs/trace-format.md)",
            trace::FORMAT
        )
    };
    let header = js_sys::JSON::parse(line).map_err(|_| not_a_trace())?;
    let get = |key: &str| js_sys::Reflect::get(&header, &JsValue::from_str(key)).ok();
    if get("format").and_then(|v| v.as_string()).as_deref() != Some(trace::FORMAT) {
        return Err(not_a_trace());
    }
    let version = get("version").and_then(|v| v.as_f64());
    if version != Some(f64::from(trace::VERSION)) {
        return Err(format!(
            "this trace is version {}; this page reads version {}",
            version.map_or("?".into(), |v| v.to_string()),
            trace::VERSION
        ));
    }
    let trial = get("trial")
        .and_then(|v| v.as_f64())
        .filter(|t| t.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(t))
        .ok_or_else(not_a_trace)? as u32;
    let config = get("config")
        .filter(|c| c.is_object())
        .ok_or_else(not_a_trace)?;
    let pairs: Vec<(String, String)> = js_sys::Object::entries(config.unchecked_ref())
        .iter()
        .map(|entry| {
            let entry = js_sys::Array::from(&entry);
            let text = |i| entry.get(i).as_string().unwrap_or_default();
            (text(0), text(1))
        })
        .collect();
    let config = Config::from_params(&pairs).map_err(|e| format!("its config is invalid: {e}"))?;
    Ok((config, trial))
}

/// A trace file of trial 0 of `config`: JSON Lines (the CLI's `--trace`) or a ShiViz log.
pub fn trace_text(config: &Config, shiviz: bool) -> Result<String, String> {
    match shiviz {
        false => trace::jsonl(config, 0),
        true => ShiViz::log(config, 0),
    }
    .map_err(|e| e.to_string())
}

/// A file name that says which run a download holds.
pub fn trace_name(config: &Config, extension: &str) -> String {
    format!(
        "pbft-trace-{}-n{}-m{}-{}-seed{}.{extension}",
        config.protocol.name(),
        config.nodes,
        config.byzantine_count(),
        config.strategy.name(),
        config.seed
    )
}
