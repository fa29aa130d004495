//! The parameter table: every scenario parameter once, with everything each face needs.
//!
//! [`PARAMS`] is the only list of parameters. `Config::set`/`param` read and write through it,
//! `Config::validate` checks its bounds, `ConfigError` words its messages from it, the CLI builds
//! its flags and help from it, and the browser builds its URL and form from it; so a new
//! parameter is one entry here (plus its `Config` field and default), and the faces cannot drift.

use super::values::{fmt_num, parse_number, parse_u64};
use super::{Config, Protocol};
use crate::error::ConfigError;

mod table;
pub use table::PARAMS;

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// One of a fixed set of names (a `<select>` in the form).
    Choice(&'static [&'static str]),
    /// A whole number from `min` to `max`.
    Integer { min: u64, max: u64 },
    /// A number from `min` to `max`, in the spec's unit.
    Number { min: f64, max: f64 },
    /// A probability, from 0 to 1.
    Probability,
    /// Text with its own syntax (node lists, partitions).
    Text,
}

/// One scenario parameter.
pub struct ParamSpec {
    /// The shared name: CLI flag without `--`, URL parameter, form field.
    pub name: &'static str,
    /// A person's label (the form's), without the unit.
    pub label: &'static str,
    /// The unit of a number (`ms`), if it has one.
    pub unit: Option<&'static str>,
    /// The value's placeholder in the CLI's help (`MS`, `ID,ID,..`); a choice's is its names.
    value_name: &'static str,
    /// One line on what it does.
    pub help: &'static str,
    pub kind: Kind,
    /// What the empty text means, for parameters that may be unset ("random", "none").
    pub unset: Option<&'static str>,
    /// An example value, for a form's placeholder.
    pub example: Option<&'static str>,
    /// The protocol it applies to, when only one uses it.
    pub only: Option<Protocol>,
    field: Field,
}

/// Where a parameter lives in `Config`. Numbers share one parser and writer, reached through
/// accessors (a field's address), so the table costs little code in the browser's wasm.
enum Field {
    U32(fn(&Config) -> &u32, fn(&mut Config) -> &mut u32),
    F64(fn(&Config) -> &f64, fn(&mut Config) -> &mut f64),
    /// A number, or empty / `auto` for "derive it".
    OptF64(
        fn(&Config) -> &Option<f64>,
        fn(&mut Config) -> &mut Option<f64>,
    ),
    /// Anything else: its own parser and writer.
    Text(
        fn(&mut Config, &str) -> Result<(), ConfigError>,
        fn(&Config) -> String,
    ),
}

impl ParamSpec {
    /// Parses `value` into `config`; on error `config` is unchanged.
    pub fn set(&self, config: &mut Config, value: &str) -> Result<(), ConfigError> {
        let (name, value) = (self.name, value.trim());
        match self.field {
            Field::U32(_, field) => *field(config) = count(name, value)?,
            Field::F64(_, field) => *field(config) = parse_number(name, value)?,
            Field::OptF64(_, field) => {
                *field(config) = match value {
                    "" | "auto" => None,
                    v => Some(parse_number(name, v)?),
                }
            }
            Field::Text(set, _) => set(config, value)?,
        }
        Ok(())
    }

    /// The text that `set` reads back to `config`'s value (empty: unset).
    pub fn get(&self, config: &Config) -> String {
        match self.field {
            Field::U32(field, _) => field(config).to_string(),
            Field::F64(field, _) => fmt_num(*field(config)),
            Field::OptF64(field, _) => field(config).map(fmt_num).unwrap_or_default(),
            Field::Text(_, get) => get(config),
        }
    }

    /// The numeric value `validate` checks against the bounds (`None`: unset or not a number).
    fn number(&self, config: &Config) -> Option<f64> {
        match self.field {
            Field::U32(field, _) => Some(f64::from(*field(config))),
            Field::F64(field, _) => Some(*field(config)),
            Field::OptF64(field, _) => *field(config),
            Field::Text(..) => None,
        }
    }

    /// The default text under `protocol`.
    pub fn default_text(&self, protocol: Protocol) -> String {
        let text = self.get(&Config::for_protocol(protocol));
        match (text.is_empty(), self.unset) {
            (true, Some(unset)) => unset.to_string(),
            _ => text,
        }
    }

    /// The value's placeholder in a usage line: `MS`, or `tutorial|pbft` for a choice.
    pub fn value_name(&self) -> String {
        match self.kind {
            Kind::Choice(names) => names.join("|"),
            _ => self.value_name.to_string(),
        }
    }

    /// A form's placeholder: what leaving the field empty means and an example, if any.
    pub fn placeholder(&self) -> String {
        match (self.unset, self.example) {
            (Some(unset), Some(example)) => format!("{unset}, or e.g. {example}"),
            (Some(unset), None) => unset.to_string(),
            (None, Some(example)) => format!("e.g. {example}"),
            (None, None) => "default".to_string(),
        }
    }

    /// The label with its unit: "Min delay (ms)".
    pub fn label_with_unit(&self) -> String {
        match self.unit {
            Some(unit) => format!("{} ({unit})", self.label),
            None => self.label.to_string(),
        }
    }

    /// The choices of a `Choice` parameter.
    pub fn choices(&self) -> Option<&'static [&'static str]> {
        match self.kind {
            Kind::Choice(names) => Some(names),
            _ => None,
        }
    }

    /// The value's bounds as words: "between 1 and 512".
    pub fn range_text(&self) -> String {
        let unit = self.unit.map(|u| format!(" {u}")).unwrap_or_default();
        match self.kind {
            Kind::Integer { min, max } => format!("between {min} and {max}{unit}"),
            Kind::Number { min, max } => {
                format!("between {} and {}{unit}", fmt_num(min), fmt_num(max))
            }
            Kind::Probability => "between 0 and 1".into(),
            Kind::Choice(names) => format!("one of {}", names.join(", ")),
            Kind::Text => "valid".into(),
        }
    }

    /// Whether `config`'s value is inside the bounds.
    pub(super) fn check(&self, config: &Config) -> Result<(), ConfigError> {
        let Some(v) = self.number(config) else {
            return Ok(());
        };
        let inside = match self.kind {
            Kind::Integer { min, max } => (min as f64..=max as f64).contains(&v),
            Kind::Number { min, max } => (min..=max).contains(&v),
            Kind::Probability => (0.0..=1.0).contains(&v),
            Kind::Choice(_) | Kind::Text => true,
        };
        if inside {
            return Ok(());
        }
        Err(ConfigError::OutOfRange {
            field: self.name,
            given: fmt_num(v),
        })
    }
}

/// The spec of parameter `name`.
pub fn spec(name: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The parameter names, in the order a form shows them.
pub fn names() -> impl Iterator<Item = &'static str> {
    PARAMS.iter().map(|p| p.name)
}

/// A whole number that must fit a u32 field: a larger one is out of range, not "not a number".
fn count(field: &'static str, value: &str) -> Result<u32, ConfigError> {
    let v = parse_u64(field, value)?;
    u32::try_from(v).map_err(|_| ConfigError::OutOfRange {
        field,
        given: value.to_string(),
    })
}
