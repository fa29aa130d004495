//! Guided tours: a fixed scenario and seed, told in steps pinned to moments of the run.
//!
//! A tour is a plain-text file in `www/tours/` (copied beside the app, fetched when a reader
//! opens it, so tours cost the wasm nothing and a teacher can add one without building). The
//! list of tours is `www/tours/index.txt`, one file name per line, in reading order.
//!
//! ```text
//! title: The normal case
//! params: protocol=pbft&nodes=4&seed=1&min-delay-ms=10&max-delay-ms=10
//! summary: One request travels REQUEST, PRE-PREPARE, PREPARE, COMMIT and REPLY.
//!
//! ## The client sends its request
//! at: send phase=request
//! focus: client, 0
//! phases: request
//! The client signs its request and sends it to the primary, replica 0.
//! ```
//!
//! Header lines (`key: value`) come before the first `## ` heading; each heading starts a step.
//! A step's `at:` line names the moment it shows ([`Anchor`]: an event of the run, never a wall
//! time), `focus:` the endpoints the text talks about (replica ids, `client`, `primary`),
//! `phases:` the message phases to highlight; the remaining lines are the narration, with blank
//! lines between paragraphs. Lines starting with `#` before the first step are comments.
//!
//! The page side: [`fetch`] loads the files, [`index`] lists them, [`panel`] narrates the open
//! tour; the reducer's part (Next, Back, the steps as positions of the run) is
//! `crate::state::tour`.

mod anchor;
pub mod fetch;
pub mod index;
pub mod panel;
#[cfg(test)]
mod tests;

pub use anchor::{Anchor, AnchorError};

/// One tour, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    /// The file's name without `.tour`: the `tour=` URL parameter.
    pub name: String,
    pub title: String,
    /// The scenario: the same `name=value&…` pairs as the page's URL.
    pub params: String,
    pub summary: String,
    pub steps: Vec<Step>,
}

/// One narrated moment of a tour.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub heading: String,
    pub at: Anchor,
    /// Endpoints to highlight: replica ids, and `client` / `primary` by name.
    pub focus: Vec<Focus>,
    /// Message phases to highlight (names as in the trace: `pre-prepare`, `view-change`…).
    pub phases: Vec<String>,
    /// Paragraphs of narration.
    pub paragraphs: Vec<String>,
}

/// Something a step points at on the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Replica(u32),
    /// The first client (clients are numbered from `nodes`).
    Client,
    /// Whichever replica is primary at that moment.
    Primary,
}

/// Why a tour file could not be read, with its line number (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TourError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for TourError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn error(line: usize, message: impl Into<String>) -> TourError {
    TourError {
        line,
        message: message.into(),
    }
}

/// The tours the app ships, read from `www/tours` for the tests: each name of `index.txt`, in
/// its order, with its file's text (a file that does not read fails the test, naming it).
#[cfg(test)]
pub(crate) fn shipped() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/tours");
    let index = std::fs::read_to_string(dir.join("index.txt")).expect("www/tours/index.txt");
    parse_index(&index)
        .into_iter()
        .map(|name| {
            let path = dir.join(format!("{name}.tour"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect()
}

/// The names listed in `index.txt`: one per line, blank lines and `#` comments ignored.
pub fn parse_index(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_end_matches(".tour").to_string())
        .collect()
}

/// Parses the tour file `text` named `name`.
pub fn parse(name: &str, text: &str) -> Result<Tour, TourError> {
    let mut tour = Tour {
        name: name.to_string(),
        title: String::new(),
        params: String::new(),
        summary: String::new(),
        steps: Vec::new(),
    };
    let mut step: Option<(usize, StepDraft)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end();
        if let Some(heading) = line.strip_prefix("## ") {
            if let Some((at_line, draft)) = step.take() {
                tour.steps.push(draft.finish(at_line)?);
            }
            step = Some((line_no, StepDraft::new(heading.trim())));
            continue;
        }
        match step.as_mut() {
            None => header_line(&mut tour, line, line_no)?,
            Some((_, draft)) => draft.line(line, line_no)?,
        }
    }
    if let Some((at_line, draft)) = step.take() {
        tour.steps.push(draft.finish(at_line)?);
    }
    let missing = |what: &str| error(1, format!("the tour has no `{what}:` line"));
    if tour.title.is_empty() {
        return Err(missing("title"));
    }
    if tour.params.is_empty() {
        return Err(missing("params"));
    }
    if tour.steps.is_empty() {
        return Err(error(1, "the tour has no steps (a step starts with `## `)"));
    }
    Ok(tour)
}

fn header_line(tour: &mut Tour, line: &str, line_no: usize) -> Result<(), TourError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(());
    }
    let Some((key, value)) = line.split_once(':') else {
        return Err(error(
            line_no,
            format!("expected `key: value`, found `{line}`"),
        ));
    };
    let value = value.trim().to_string();
    match key.trim() {
        "title" => tour.title = value,
        "params" => tour.params = value,
        "summary" => tour.summary = value,
        other => {
            return Err(error(
                line_no,
                format!("unknown header `{other}` (title, params or summary)"),
            ))
        }
    }
    Ok(())
}

/// A step while its lines are read.
struct StepDraft {
    heading: String,
    at: Option<Anchor>,
    focus: Vec<Focus>,
    phases: Vec<String>,
    paragraphs: Vec<String>,
    /// The paragraph being read.
    open: String,
}

impl StepDraft {
    fn new(heading: &str) -> StepDraft {
        StepDraft {
            heading: heading.to_string(),
            at: None,
            focus: Vec::new(),
            phases: Vec::new(),
            paragraphs: Vec::new(),
            open: String::new(),
        }
    }

    fn line(&mut self, line: &str, line_no: usize) -> Result<(), TourError> {
        let in_text = !self.open.is_empty() || !self.paragraphs.is_empty();
        if !in_text {
            if let Some(rest) = line.strip_prefix("at:") {
                let anchor = Anchor::parse(rest).map_err(|e| error(line_no, e.to_string()))?;
                self.at = Some(anchor);
                return Ok(());
            }
            if let Some(rest) = line.strip_prefix("focus:") {
                self.focus = parse_focus(rest).map_err(|m| error(line_no, m))?;
                return Ok(());
            }
            if let Some(rest) = line.strip_prefix("phases:") {
                self.phases = list(rest).map(str::to_string).collect();
                return Ok(());
            }
        }
        let text = line.trim();
        if text.is_empty() {
            self.close_paragraph();
        } else {
            if !self.open.is_empty() {
                self.open.push(' ');
            }
            self.open.push_str(text);
        }
        Ok(())
    }

    fn close_paragraph(&mut self) {
        if !self.open.is_empty() {
            self.paragraphs.push(std::mem::take(&mut self.open));
        }
    }

    fn finish(mut self, line_no: usize) -> Result<Step, TourError> {
        self.close_paragraph();
        let at = self.at.ok_or_else(|| {
            error(
                line_no,
                format!("step `{}` has no `at:` line", self.heading),
            )
        })?;
        if self.paragraphs.is_empty() {
            return Err(error(
                line_no,
                format!("step `{}` has no text", self.heading),
            ));
        }
        Ok(Step {
            heading: self.heading,
            at,
            focus: self.focus,
            phases: self.phases,
            paragraphs: self.paragraphs,
        })
    }
}

/// Comma- or space-separated items.
fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ' ']).map(str::trim).filter(|x| !x.is_empty())
}

fn parse_focus(s: &str) -> Result<Vec<Focus>, String> {
    list(s)
        .map(|item| match item {
            "client" => Ok(Focus::Client),
            "primary" => Ok(Focus::Primary),
            id => id
                .parse()
                .map(Focus::Replica)
                .map_err(|_| format!("focus `{id}` is not a replica id, `client` or `primary`")),
        })
        .collect()
}

/// The `name=value` pairs of a tour's `params` line (values are plain: no percent-encoding).
pub fn param_pairs(params: &str) -> Vec<(String, String)> {
    params
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (p.trim().to_string(), String::new()),
        })
        .collect()
}
