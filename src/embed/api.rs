//! The page API over `postMessage` (docs/embedding.md), in the style of YouTube's iframe API:
//! commands in from the page that frames the simulator, events out to it.
//!
//! Commands (`{type: ...}`): `load` with `params` (an object or a query string, checked like URL
//! parameters), `play`, `pause`, `step`, `back`, `seek` with `time_ms`, `tour` with `name` and
//! `step` (from 1). Events (every one tagged `source: "pbft-simulator"` and the frame's `id`):
//! `ready`, `state` (time and playing), `commit`, `view-change`, `end` (the outcome), `tour` (the
//! tour's step on screen), and `error` with the sentence for a command that cannot be done. A bad
//! command changes nothing.
//!
//! [`parse`] is pure (tested natively); the browser glue reads the message's fields and posts
//! events to `window.parent`.

use super::options::EmbedOptions;
use crate::url;

/// Every event's `source` field.
pub const SOURCE: &str = "pbft-simulator";

/// The commands, as [`parse`] checked them.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Open this query (scenario and embed options, with `?`).
    Load(String),
    Play,
    Pause,
    Step,
    Back,
    /// Go to this time, in µs of virtual time.
    Seek(u64),
    /// Open tour `name` at step `step`, counted from 0 here (the message counts from 1).
    Tour {
        name: String,
        step: usize,
    },
}

/// The fields of a command message, as the glue read them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Message {
    pub kind: String,
    pub time_ms: Option<f64>,
    /// `params` of `load`, as (name, value) pairs.
    pub params: Option<Vec<(String, String)>>,
    pub name: Option<String>,
    pub step: Option<f64>,
}

const KINDS: &str = "load, play, pause, step, back, seek, tour";

/// The command `m` asks for, or the sentence saying why it cannot be done.
pub fn parse(m: &Message) -> Result<Command, String> {
    match m.kind.as_str() {
        "play" => Ok(Command::Play),
        "pause" => Ok(Command::Pause),
        "step" => Ok(Command::Step),
        "back" => Ok(Command::Back),
        "seek" => match m.time_ms {
            Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Command::Seek((ms * 1000.0) as u64)),
            _ => Err("seek needs time_ms, a time in ms of the run (0 or more)".into()),
        },
        "load" => load(m.params.as_deref().unwrap_or_default()),
        "tour" => {
            let name = m.name.clone().unwrap_or_default();
            if name.is_empty() {
                return Err("tour needs a name, like name: 'normal-case'".into());
            }
            let step = match m.step {
                None => 0,
                Some(s) if s >= 1.0 && s.fract() == 0.0 => s as usize - 1,
                Some(s) => {
                    return Err(format!(
                        "a tour's step is a whole number from 1 (its first step), not {s}"
                    ))
                }
            };
            Ok(Command::Tour { name, step })
        }
        "" => Err(format!("a command needs a type: one of {KINDS}")),
        other => Err(format!("unknown command '{other}': one of {KINDS}")),
    }
}

/// `load`: the parameters checked exactly as a link's would be; any problem refuses the whole
/// command (a page wants what it asked for, not a default in its place).
fn load(params: &[(String, String)]) -> Result<Command, String> {
    let query = url::query_string(params);
    let (options, scenario, mut problems) = EmbedOptions::split(&query);
    let pairs = url::query_pairs(&scenario);
    let (config, scenario_problems) = url::config_from_pairs(&pairs);
    problems.extend(scenario_problems);
    problems.extend(url::view_params(&pairs, config.nodes).1);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let options = EmbedOptions {
        embed: true,
        ..options
    };
    Ok(Command::Load(super::options::with_pairs(
        &scenario,
        &options.pairs(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(kind: &str) -> Message {
        Message {
            kind: kind.into(),
            ..Message::default()
        }
    }

    #[test]
    fn commands_parse_and_bad_ones_say_why() {
        assert_eq!(parse(&msg("play")), Ok(Command::Play));
        assert_eq!(parse(&msg("back")), Ok(Command::Back));
        let seek = Message {
            time_ms: Some(140.5),
            ..msg("seek")
        };
        assert_eq!(parse(&seek), Ok(Command::Seek(140_500)));
        assert!(parse(&msg("seek")).unwrap_err().contains("time_ms"));
        assert!(parse(&msg("jump"))
            .unwrap_err()
            .starts_with("unknown command 'jump'"));
        let tour = Message {
            name: Some("normal-case".into()),
            step: Some(2.0),
            ..msg("tour")
        };
        assert_eq!(
            parse(&tour),
            Ok(Command::Tour {
                name: "normal-case".into(),
                step: 1
            })
        );
        let zero = Message {
            step: Some(0.0),
            ..tour
        };
        assert!(parse(&zero).unwrap_err().contains("from 1"));
    }

    #[test]
    fn load_is_checked_like_a_link() {
        let pairs = |p: &[(&str, &str)]| {
            Some(
                p.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let ok = Message {
            params: pairs(&[("protocol", "pbft"), ("nodes", "4"), ("autoplay", "1")]),
            ..msg("load")
        };
        assert_eq!(
            parse(&ok),
            Ok(Command::Load(
                "?protocol=pbft&nodes=4&embed=1&autoplay=1".into()
            ))
        );
        let bad = Message {
            params: pairs(&[("nodes", "many")]),
            ..msg("load")
        };
        let e = parse(&bad).unwrap_err();
        assert!(e.contains("nodes"), "{e}");
        let unknown = Message {
            params: pairs(&[("colour", "red")]),
            ..msg("load")
        };
        assert!(parse(&unknown)
            .unwrap_err()
            .contains("unknown parameter 'colour'"));
    }
}
