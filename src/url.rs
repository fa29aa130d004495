//! The scenario in the URL: `?nodes=7&byzantine=2&seed=3`, parameter names shared with the CLI
//! flags (`pbft_engine::PARAMS`), read by the engine's `Config::from_params` (the CLI's reader
//! too) and written back with `Config::to_params`, so a link reproduces the exact run.
//!
//! A bad or unknown parameter never stops the page: it is reported in words and the default is
//! used for it.
//!
//! Besides the scenario, the URL holds the moment on screen ([`VIEW_PARAMS`]): `t` (virtual time
//! in ms), `speed` (× real time) and `node` (the node inspected), so a link opens that moment.

use pbft_engine::{Config, ConfigError, Experiment};

/// The most nodes the browser draws (the engine accepts more, for sweeps).
pub const MAX_BROWSER_NODES: u32 = 64;

/// Parameters the browser ignores on purpose (a single animated run has one trial).
pub const IGNORED: &[&str] = &["trials"];

/// Parameters of the moment on screen rather than of the scenario.
pub const VIEW_PARAMS: &[&str] = &["t", "speed", "node"];

/// A guided tour and its step (`?tour=normal-case&step=3`, steps from 1): the tour's own file
/// gives the scenario (src/state/tour.rs).
pub const TOUR_PARAMS: &[&str] = &["tour", "step"];

/// The moment on screen, as the URL holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewParams {
    pub t_us: Option<u64>,
    pub speed: Option<f64>,
    pub node: Option<u32>,
}

/// The view parameters in `pairs`, and one sentence per bad one (it is left out).
pub fn view_params(pairs: &[(String, String)], nodes: u32) -> (ViewParams, Vec<String>) {
    let mut v = ViewParams::default();
    let mut problems = Vec::new();
    for (k, value) in pairs {
        let number =
            pbft_engine::parse_decimal(value.trim()).filter(|x| x.is_finite() && *x >= 0.0);
        match (k.as_str(), number) {
            ("t", Some(ms)) => v.t_us = Some((ms * 1000.0).round() as u64),
            ("speed", Some(x)) if x > 0.0 => v.speed = Some(x),
            ("node", Some(id)) if id.fract() == 0.0 && id < f64::from(nodes) => {
                v.node = Some(id as u32)
            }
            ("t", None) => problems.push(format!(
                "t must be a time in milliseconds, like t=120.5; '{value}' is not one (ignored)"
            )),
            ("speed", _) => problems.push(format!(
                "speed must be a positive number, like speed=0.1; '{value}' is not one (ignored)"
            )),
            ("node", _) => problems.push(format!(
                "node must be a node id from 0 to {}; '{value}' is not one (ignored)",
                nodes.saturating_sub(1)
            )),
            _ => {}
        }
    }
    (v, problems)
}

/// The query for `config` (what differs from the defaults) followed by the view parameters
/// that are set.
pub fn query_with_view(config: &Config, view: &ViewParams) -> String {
    let mut pairs: Vec<(&str, String)> = config.to_params();
    if let Some(t) = view.t_us {
        // Milliseconds with the microseconds kept: `t=451.558`.
        let ms = if t % 1000 == 0 {
            (t / 1000).to_string()
        } else {
            format!("{}.{:03}", t / 1000, t % 1000)
                .trim_end_matches('0')
                .to_string()
        };
        pairs.push(("t", ms));
    }
    if let Some(s) = view.speed {
        pairs.push(("speed", format!("{}", (s * 1000.0).round() / 1000.0)));
    }
    if let Some(n) = view.node {
        pairs.push(("node", n.to_string()));
    }
    query_string(&pairs)
}

/// Splits `?a=1&b=2` (leading `?` optional) into decoded pairs, as the browser's
/// `URLSearchParams` reads a query.
#[cfg(target_arch = "wasm32")]
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(query) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    for entry in params.entries() {
        let Ok(entry) = entry.map(|e| js_sys::Array::from(&e)) else {
            continue;
        };
        let text = |i| entry.get(i).as_string().unwrap_or_default();
        pairs.push((text(0), text(1)));
    }
    pairs
}

/// The query string (with `?`) holding `pairs`, encoded by the browser's `URLSearchParams`.
#[cfg(target_arch = "wasm32")]
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return "?".into();
    };
    for (k, v) in pairs {
        params.append(k.as_ref(), v.as_ref());
    }
    readable(format!("?{}", String::from(params.to_string())))
}

/// Native builds (the unit tests) read and write queries with the same form encoding.
#[cfg(not(target_arch = "wasm32"))]
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
    readable(format!("?{}", out.finish()))
}

/// Node lists and partitions (`0,3`, `0,1@100-500`) stay legible in a shared link: `,` and `@`
/// may appear unescaped in a query (RFC 3986 §3.4), and their escapes never mean anything else
/// in a form-encoded query, so both readers decode the result to the same pairs.
fn readable(query: String) -> String {
    query.replace("%2C", ",").replace("%40", "@")
}

/// The browser's own limit on top of the engine's rules: it draws at most
/// [`MAX_BROWSER_NODES`] nodes. The message names the field.
pub fn validate(config: &Config) -> Result<(), (&'static str, String)> {
    config.validate().map_err(|e| (e.field(), e.to_string()))?;
    browser_limit(config).map_err(|m| ("nodes", m))
}

fn browser_limit(config: &Config) -> Result<(), String> {
    if config.nodes > MAX_BROWSER_NODES {
        return Err(format!(
            "the browser shows at most {MAX_BROWSER_NODES} nodes; {} was given (the CLI runs more)",
            config.nodes
        ));
    }
    Ok(())
}

/// Why a query cannot be read as it is: the parameter at fault (its pairs are dropped) and the
/// sentence that says why.
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl From<ConfigError> for Problem {
    fn from(e: ConfigError) -> Problem {
        let field = match &e {
            ConfigError::UnknownParameter { given } => given.clone(),
            e => e.field().to_string(),
        };
        Problem {
            field,
            message: e.to_string(),
        }
    }
}

/// Reads `pairs` with the engine's rules (`read`), dropping the parameter at fault and reading
/// again until it succeeds: what a query describes, and one sentence per problem found. A bad
/// link never stops the page.
pub fn lenient<T>(
    pairs: &[(String, String)],
    read: impl Fn(&[(String, String)]) -> Result<T, Problem>,
) -> (T, Vec<String>) {
    let mut usable = pairs.to_vec();
    let mut problems = Vec::new();
    loop {
        match read(&usable) {
            Ok(t) => return (t, problems),
            Err(p) => {
                let known = pbft_engine::config::params::spec(&p.field).is_some()
                    || p.field == pbft_engine::experiment::COMPARE;
                problems.push(match known {
                    true => format!("{}; using the default", p.message),
                    false => format!("{} (ignored)", p.message),
                });
                let before = usable.len();
                usable.retain(|(k, _)| *k != p.field);
                if usable.len() == before {
                    // The culprit is a default clashing with given values: drop them all.
                    usable.clear();
                }
            }
        }
    }
}

/// The config a query describes (`Config::from_params`, the CLI's reader), and one sentence per
/// problem found; every problem falls back to the default for that parameter.
pub fn config_from_pairs(pairs: &[(String, String)]) -> (Config, Vec<String>) {
    let live: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| {
            let k = k.as_str();
            !IGNORED.contains(&k) && !VIEW_PARAMS.contains(&k) && !TOUR_PARAMS.contains(&k)
        })
        .cloned()
        .collect();
    lenient(&live, |pairs| {
        let config = Config::from_params(pairs)?;
        browser_limit(&config).map_err(|message| Problem {
            field: "nodes".into(),
            message,
        })?;
        Ok(config)
    })
}

/// An experiment as the browser reads it: the engine's [`Experiment`], within the browser's
/// limit for every series.
pub fn read_experiment(pairs: &[(String, String)]) -> Result<Experiment, Problem> {
    let x = Experiment::from_params(pairs)?;
    browser_limit(&x.config).map_err(|message| Problem {
        field: "nodes".into(),
        message,
    })?;
    if let Some(c) = &x.compare {
        browser_limit(&c.config).map_err(|message| Problem {
            field: "compare".into(),
            message: format!("compare {}={}: {message}", c.name, c.value),
        })?;
    }
    Ok(x)
}

/// The query string (with `?`) for `config`: only what differs from the defaults.
pub fn query_for(config: &Config) -> String {
    query_string(&config.to_params())
}

/// The text a form field shows for parameter `name`.
pub fn param_text(config: &Config, name: &str) -> String {
    match name {
        // The form shows how many nodes are Byzantine, explicit ids included.
        "byzantine" => config.byzantine_count().to_string(),
        _ => config.param(name).unwrap_or_default(),
    }
}

/// Reads the page's query (browser only).
#[cfg(target_arch = "wasm32")]
pub fn read_location() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Replaces the page's query (`?...`) without a reload or a history entry (browser only).
#[cfg(target_arch = "wasm32")]
pub fn write_location(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(query));
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn read_location() -> String {
    String::new()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn write_location(_query: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> (Config, Vec<String>) {
        config_from_pairs(&query_pairs(q))
    }

    #[test]
    fn the_moment_round_trips_through_the_url() {
        let c = Config::default();
        let view = ViewParams {
            t_us: Some(451_558),
            speed: Some(0.2),
            node: Some(3),
        };
        let q = query_with_view(&c, &view);
        assert!(q.ends_with("t=451.558&speed=0.2&node=3"), "{q}");
        let pairs = query_pairs(&q);
        let (back, problems) = view_params(&pairs, c.nodes);
        assert!(problems.is_empty());
        assert_eq!(back, view);
        let (config, problems) = config_from_pairs(&pairs);
        assert!(
            problems.is_empty(),
            "view parameters are not scenario problems: {problems:?}"
        );
        assert_eq!(config, c);
        let (_, problems) = view_params(&query_pairs("?t=soon&node=99&speed=-1"), 10);
        assert_eq!(problems.len(), 3, "{problems:?}");
        let whole_ms = ViewParams {
            t_us: Some(20_000),
            ..ViewParams::default()
        };
        assert!(query_with_view(&c, &whole_ms).ends_with("&t=20"));
    }

    #[test]
    fn round_trips_through_the_url() {
        let (c, problems) = parse("?nodes=7&byzantine=2&seed=3&drop=0.25&byzantine-nodes=1,4");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.nodes, 7);
        assert_eq!(c.byzantine_nodes, Some(vec![1, 4]));
        let (back, problems) = parse(&query_for(&c));
        assert!(problems.is_empty());
        assert_eq!(back, c);
    }

    #[test]
    fn unknown_and_bad_parameters_fall_back_with_a_message() {
        let (c, problems) = parse("?nodes=abc&colour=red&seed=9");
        assert_eq!(c.nodes, Config::default().nodes);
        assert_eq!(c.seed, 9);
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0].contains("nodes must be a number"),
            "{problems:?}"
        );
        assert!(problems[1].contains("unknown parameter 'colour'"));
    }

    #[test]
    fn conflicts_drop_the_field_at_fault() {
        let (c, problems) = parse("?nodes=4&byzantine=9");
        assert_eq!((c.nodes, c.byzantine), (4, 0));
        assert!(problems[0].contains("cannot exceed"), "{problems:?}");
        let (c, problems) = parse("?max-delay-ms=2");
        assert!(validate(&c).is_ok());
        assert_eq!(problems.len(), 1);
        let (c, problems) = parse("?nodes=65");
        assert_eq!(c.nodes, 10);
        assert!(problems[0].contains("at most 64"));
        let (_, problems) = parse("?protocol=raft");
        assert!(problems[0].contains("unknown protocol 'raft'"));
    }

    #[test]
    fn encoding_and_decoding() {
        let pairs = query_pairs("?p=0%2C1%402-5+x&q=100%25&r");
        let want = [("p", "0,1@2-5 x"), ("q", "100%"), ("r", "")];
        let want: Vec<(String, String)> = want.map(|(k, v)| (k.into(), v.into())).to_vec();
        assert_eq!(pairs, want);
        let q = query_string(&[("partition", "0,1@100-500;3@0-50 x")]);
        assert_eq!(q, "?partition=0,1@100-500%3B3@0-50+x");
        assert_eq!(query_pairs(&q)[0].1, "0,1@100-500;3@0-50 x");
    }

    #[test]
    fn every_parameter_has_text() {
        let c = Config::default();
        for p in pbft_engine::PARAMS.iter().map(|p| p.name) {
            let t = param_text(&c, p);
            let mut probe = c.clone();
            if !t.is_empty() {
                probe.set(p, &t).unwrap();
                assert_eq!(probe, c, "parameter {p} reads back");
            }
        }
    }

    /// One set of rules: a query the CLI's flags would accept gives the CLI's config here, and
    /// one it refuses is reported with the CLI's sentence (then falls back).
    #[test]
    fn the_same_query_gives_the_clis_config_or_its_error() {
        for q in [
            "?nodes=7&byzantine=2&seed=3",
            "?protocol=pbft&nodes=7&byzantine-nodes=0,6&view-timeout-ms=400",
            "?byzantine=2&byzantine-nodes=4,1",
            "?partition=0,1@100-500%3B3@0-50",
            "?byzantine=3&byzantine-nodes=1",
            "?byzantine-nodes=1&byzantine=3",
            "?nodes=4&byzantine=9",
            "?requests=0",
            "?protocol=paxos&nodes=5",
            "?strategy=collude",
        ] {
            let pairs = query_pairs(q);
            let (config, problems) = parse(q);
            match Config::from_params(&pairs) {
                Ok(engine) => {
                    assert!(problems.is_empty(), "{q}: {problems:?}");
                    assert_eq!(config, engine, "{q}");
                }
                Err(e) => {
                    let first = problems.first().unwrap_or_else(|| panic!("{q} accepted"));
                    assert!(first.starts_with(&e.to_string()), "{q}: {first} vs {e}");
                }
            }
        }
        // `?byzantine=3&byzantine-nodes=1` is refused, not silently one node.
        let (c, problems) = parse("?byzantine=3&byzantine-nodes=1");
        assert!(
            problems[0].contains("byzantine-nodes lists 1"),
            "{problems:?}"
        );
        assert_eq!((c.byzantine, c.byzantine_nodes), (3, None));
    }
}
