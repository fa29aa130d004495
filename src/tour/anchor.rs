//! A tour step's moment: an event of the run, found by its kind, some of its fields and which
//! occurrence it is (`send phase=pre-prepare from=0 #2`: the second PRE-PREPARE replica 0 sent).
//!
//! Events are matched through their JSON line (`TraceEvent::to_json`, a flat object), so an
//! anchor can name any field the trace format documents, including kinds added after this file
//! was written, without a table here to keep in step with the engine.

/// Where a step stands in its run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Before the first event.
    Start,
    /// After the run's last event.
    End,
    /// Just after the `nth` (1-based) event of kind `kind` whose fields equal `fields`.
    Event {
        kind: String,
        fields: Vec<(String, String)>,
        nth: usize,
    },
}

/// Why an `at:` line does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnchorError(pub String);

impl std::fmt::Display for AnchorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Anchor {
    /// `start`, `end`, or `KIND [field=value …] [#N]`.
    pub fn parse(s: &str) -> Result<Anchor, AnchorError> {
        let mut words = s.split_whitespace();
        let kind = words
            .next()
            .ok_or_else(|| AnchorError("`at:` names no event (try `at: start`)".into()))?;
        let (mut fields, mut nth) = (Vec::new(), 1);
        for w in words {
            if let Some(n) = w.strip_prefix('#') {
                nth =
                    n.parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
                        AnchorError(format!("`{w}` is not an occurrence like #2"))
                    })?;
            } else if let Some((k, v)) = w.split_once('=') {
                fields.push((k.to_string(), v.to_string()));
            } else {
                return Err(AnchorError(format!("`{w}` is neither field=value nor #N")));
            }
        }
        match kind {
            "start" | "end" if !fields.is_empty() || nth != 1 => Err(AnchorError(format!(
                "`{kind}` takes no fields or occurrence"
            ))),
            "start" => Ok(Anchor::Start),
            "end" => Ok(Anchor::End),
            _ => Ok(Anchor::Event {
                kind: kind.to_string(),
                fields,
                nth,
            }),
        }
    }

    /// Whether the event whose JSON line (`TraceEvent::to_json`) is `json` is of this anchor's
    /// kind with its fields (not counting occurrences): each `"key":value` found as written,
    /// quoted or not, and ended (so `seq=1` does not match `"seq":12`).
    pub fn matches_json(&self, json: &str) -> bool {
        let has = |k: &str, v: &str| {
            [
                format!("\"{k}\":\"{v}\""),
                format!("\"{k}\":{v},"),
                format!("\"{k}\":{v}}}"),
            ]
            .iter()
            .any(|p| json.contains(p.as_str()))
        };
        match self {
            Anchor::Start | Anchor::End => false,
            Anchor::Event { kind, fields, .. } => {
                has("kind", kind) && fields.iter().all(|(k, v)| has(k, v))
            }
        }
    }

    /// Where the anchor stands in `events`: `Ok(None)` before the first event (`start`),
    /// `Ok(Some(i))` just after event `i`, and an error naming the anchor when the run has no
    /// such event. The tests' oracle, over a stored trace; the page finds every step's moment in
    /// one pass while the run goes (`crate::state::tour::positions`), storing no events.
    #[cfg(test)]
    pub fn locate(&self, events: &[pbft_engine::TraceEvent]) -> Result<Option<usize>, String> {
        match self {
            Anchor::Start => Ok(None),
            Anchor::End => Ok(events.len().checked_sub(1)),
            Anchor::Event { nth, .. } => events
                .iter()
                .enumerate()
                .filter(|(_, e)| self.matches_json(&e.to_json()))
                .nth(nth - 1)
                .map(|(i, _)| Some(i))
                .ok_or_else(|| format!("the run has no event `{self}`")),
        }
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Anchor::Start => f.write_str("start"),
            Anchor::End => f.write_str("end"),
            Anchor::Event { kind, fields, nth } => {
                f.write_str(kind)?;
                for (k, v) in fields {
                    write!(f, " {k}={v}")?;
                }
                if *nth != 1 {
                    write!(f, " #{nth}")?;
                }
                Ok(())
            }
        }
    }
}
