//! The embed's own URL parameters, beside the scenario's and the moment's (`t`, `speed` and
//! `node`, which the live view reads itself: [`crate::url::view_params`]): `embed=1` (this
//! layout), `autoplay=1`, `controls=0|1` (the transport shown or not), `loop=1` (start again at
//! the end) and `id=NAME` (the name every page-API message of this frame carries, so a page with
//! several frames tells them apart). They are split off the query before the live view reads
//! it, so its reader never sees them; a bad value is reported in words and its default used, as
//! for the scenario's parameters.

use crate::url;

/// The embed parameters' names.
pub const NAMES: &[&str] = &["embed", "autoplay", "controls", "loop", "id"];

#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    pub embed: bool,
    pub autoplay: bool,
    pub controls: bool,
    pub looping: bool,
    /// The frame's name in page-API messages (empty: none given).
    pub id: String,
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions {
            embed: false,
            autoplay: false,
            controls: true,
            looping: false,
            id: String::new(),
        }
    }
}

/// `1`/`true`/`yes` or `0`/`false`/`no` (empty: `default`).
fn flag(name: &str, value: &str, default: bool) -> Result<bool, String> {
    match value.trim() {
        "" => Ok(default),
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        other => Err(format!(
            "{name} must be 0 or 1, not '{other}'; using the default"
        )),
    }
}

impl EmbedOptions {
    /// The embed options in `query`, the rest of the query (the scenario), and one sentence per
    /// bad value.
    pub fn split(query: &str) -> (EmbedOptions, String, Vec<String>) {
        let mut o = EmbedOptions::default();
        let mut rest = Vec::new();
        let mut problems = Vec::new();
        for (k, v) in url::query_pairs(query) {
            let result = match k.as_str() {
                "embed" => flag(&k, &v, true).map(|b| o.embed = b),
                "autoplay" => flag(&k, &v, true).map(|b| o.autoplay = b),
                "controls" => flag(&k, &v, true).map(|b| o.controls = b),
                "loop" => flag(&k, &v, true).map(|b| o.looping = b),
                "id" => {
                    o.id = v.chars().take(64).collect();
                    Ok(())
                }
                _ => {
                    rest.push((k, v));
                    Ok(())
                }
            };
            if let Err(e) = result {
                problems.push(e);
            }
        }
        (o, url::query_string(&rest), problems)
    }

    /// The query of these options (defaults left out), to append to a scenario's query.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.embed {
            out.push(("embed", "1".to_string()));
        }
        if self.autoplay {
            out.push(("autoplay", "1".to_string()));
        }
        if !self.controls {
            out.push(("controls", "0".to_string()));
        }
        if self.looping {
            out.push(("loop", "1".to_string()));
        }
        if !self.id.is_empty() {
            out.push(("id", self.id.clone()));
        }
        out
    }
}

/// `scenario` (a query with `?`) with `extra` pairs appended.
pub fn with_pairs(scenario: &str, extra: &[(&str, String)]) -> String {
    let mut pairs = url::query_pairs(scenario);
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    url::query_string(&pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_split_off_the_scenario_and_the_moment_stays() {
        let (o, rest, problems) = EmbedOptions::split(
            "?embed=1&nodes=4&autoplay=1&t=140.5&controls=0&loop=1&id=left&seed=3",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rest, "?nodes=4&t=140.5&seed=3");
        assert!(o.embed && o.autoplay && o.looping && !o.controls);
        assert_eq!(o.id, "left");
        assert_eq!(
            with_pairs(&rest, &o.pairs()),
            "?nodes=4&t=140.5&seed=3&embed=1&autoplay=1&controls=0&loop=1&id=left"
        );
    }

    #[test]
    fn bad_values_are_explained_and_defaults_used() {
        let (o, rest, problems) = EmbedOptions::split("?embed=1&autoplay=perhaps&controls=maybe");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("autoplay must be 0 or 1"));
        assert!(o.controls && !o.autoplay);
        assert_eq!(rest, "?");
    }
}
