//! A tour step's moment: an event of the run, found by its kind, some of its fields and which
//! occurrence it is (`send phase=pre-prepare from=0 #2`: the second PRE-PREPARE replica 0 sent).
//!
//! Events are matched through their JSON line (`TraceEvent::to_json`, a flat object), so an
//! anchor can name any field the trace format documents, including kinds added after this file
//! was written, without a table here to keep in step with the engine.

use pbft_engine::TraceEvent;

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

    /// Whether `event` is of this anchor's kind with its fields (not counting occurrences).
    pub fn matches(&self, event: &FlatEvent) -> bool {
        match self {
            Anchor::Start | Anchor::End => false,
            Anchor::Event { kind, fields, .. } => {
                event.get("kind") == Some(kind.as_str())
                    && fields.iter().all(|(k, v)| event.get(k) == Some(v.as_str()))
            }
        }
    }

    /// Where the anchor stands in `events`: `Ok(None)` before the first event (`start`),
    /// `Ok(Some(i))` just after event `i`, and an error naming the anchor when the run has no
    /// such event.
    pub fn locate(&self, events: &[TraceEvent]) -> Result<Option<usize>, String> {
        match self {
            Anchor::Start => Ok(None),
            Anchor::End => Ok(events.len().checked_sub(1)),
            Anchor::Event { nth, .. } => events
                .iter()
                .enumerate()
                .filter(|(_, e)| self.matches(&FlatEvent::of(e)))
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

/// A trace event as the flat `key → text` pairs of its JSON line (strings unquoted).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatEvent(Vec<(String, String)>);

impl FlatEvent {
    pub fn of(event: &TraceEvent) -> FlatEvent {
        FlatEvent::parse(&event.to_json())
    }

    /// Reads a flat JSON object of numbers, booleans, null and strings without escapes (what
    /// the trace writes). Anything else ends the reading at that point.
    pub fn parse(json: &str) -> FlatEvent {
        let mut pairs = Vec::new();
        let body = json.trim().trim_start_matches('{').trim_end_matches('}');
        let mut rest = body;
        while let Some(start) = rest.find('"') {
            let after_key = &rest[start + 1..];
            let Some(key_end) = after_key.find('"') else {
                break;
            };
            let key = &after_key[..key_end];
            let Some(value_part) = after_key[key_end + 1..].trim_start().strip_prefix(':') else {
                break;
            };
            let value_part = value_part.trim_start();
            let (value, remaining) = match value_part.strip_prefix('"') {
                Some(s) => match s.find('"') {
                    Some(end) => (&s[..end], &s[end + 1..]),
                    None => break,
                },
                None => {
                    let end = value_part.find(',').unwrap_or(value_part.len());
                    (value_part[..end].trim(), &value_part[end..])
                }
            };
            pairs.push((key.to_string(), value.to_string()));
            rest = remaining;
        }
        FlatEvent(pairs)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
