//! Parsing and checking single parameter values, and writing them back as text.
//!
//! Each function names the parameter it reads, so its error says which field is wrong.

use super::{Partition, MAX_NODES, MAX_TIMEOUT_MS};
use crate::error::ConfigError;
use crate::message::NodeId;

pub(super) fn check_node_ids(ids: &[NodeId], nodes: u32) -> Result<(), ConfigError> {
    let mut seen = vec![false; nodes as usize];
    for &id in ids {
        if id >= nodes {
            return Err(ConfigError::ByzantineNodeOutOfRange {
                id: id as u64,
                nodes,
            });
        }
        if std::mem::replace(&mut seen[id as usize], true) {
            return Err(ConfigError::ByzantineNodeRepeated { id });
        }
    }
    Ok(())
}

pub(super) fn check_partition(p: &Partition, nodes: u32) -> Result<(), ConfigError> {
    let given = format_partitions(std::slice::from_ref(p));
    if let Some(&id) = p.nodes.iter().find(|&&id| id >= nodes) {
        return Err(ConfigError::PartitionNodeOutOfRange { id, nodes });
    }
    if p.nodes.is_empty() {
        return Err(ConfigError::BadPartition {
            given,
            why: "it names no node to cut off",
        });
    }
    if !(p.from_ms >= 0.0 && p.until_ms <= MAX_TIMEOUT_MS && p.from_ms < p.until_ms) {
        return Err(ConfigError::BadPartition {
            given,
            why: "it must start before it ends",
        });
    }
    Ok(())
}

pub(super) fn parse_number(field: &'static str, value: &str) -> Result<f64, ConfigError> {
    match parse_decimal(value) {
        Some(v) => Ok(v),
        None => Err(ConfigError::NotANumber {
            field,
            given: value.to_string(),
        }),
    }
}

pub(super) fn parse_u64(field: &'static str, value: &str) -> Result<u64, ConfigError> {
    value.parse::<u64>().map_err(|_| ConfigError::NotANumber {
        field,
        given: value.to_string(),
    })
}

/// A decimal number (`12`, `-0.05`, `.5`, `2.`, `1e-3`, `+7E2`) as the nearest f64; `None` for
/// anything else (std's `inf`, `NaN`, and a number too large for an f64: a parameter is finite).
///
/// Why not `str::parse::<f64>` everywhere: its exact algorithm and its tables cost the browser's
/// bundle about 8 KB gzipped, and the page already has an exact parser: JavaScript's `Number`,
/// correctly rounded like std's (both give the nearest f64, so a URL written by the CLI opens
/// the same run in the browser, and every value's shortest text reads back as the same value).
/// The grammar is checked here first, the same in both, since `Number` also takes `0x10`, `" 1"`
/// and `Infinity`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        i += usize::from(matches!(b.get(i), Some(b'-' | b'+')));
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    let v = js_sys::parse_float(text);
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    let v = text.parse::<f64>().ok()?;
    v.is_finite().then_some(v)
}

/// `""` clears the list (random placement of `byzantine` nodes); `none` is an explicit empty
/// list (no Byzantine node, whatever `byzantine` says); otherwise comma-separated ids.
pub(super) fn parse_byzantine_nodes(value: &str) -> Result<Option<Vec<NodeId>>, ConfigError> {
    if value.is_empty() {
        return Ok(None);
    }
    if value == "none" {
        return Ok(Some(Vec::new()));
    }
    let ids = parse_id_list("byzantine-nodes", value)?;
    Ok(Some(ids))
}

pub(super) fn parse_id_list(field: &'static str, value: &str) -> Result<Vec<NodeId>, ConfigError> {
    value
        .split(',')
        .map(|s| s.trim())
        .map(|s| {
            s.parse::<u32>().map_err(|_| ConfigError::NotANumber {
                field,
                given: s.to_string(),
            })
        })
        .collect()
}

/// Parses a Byzantine sweep: a count `3`, a range `0..=9` or `0..10`, or a list `0,2,4`.
pub fn parse_byzantine_counts(value: &str) -> Result<Vec<u32>, ConfigError> {
    let bad = || ConfigError::BadByzantineRange {
        given: value.to_string(),
    };
    let value = value.trim();
    let too_large = || ConfigError::ByzantineCountTooLarge {
        given: value.to_string(),
        max: MAX_NODES,
    };
    // Bounded before anything is collected: a mistyped `0..=4294967295` must not allocate.
    let num = |s: &str| match s.trim().parse::<u32>() {
        Ok(m) if m > MAX_NODES => Err(too_large()),
        Ok(m) => Ok(m),
        Err(_) => Err(bad()),
    };
    let counts: Vec<u32> = if let Some((a, b)) = value.split_once("..=") {
        let (a, b) = (num(a)?, num(b)?);
        if a > b {
            return Err(bad());
        }
        (a..=b).collect()
    } else if let Some((a, b)) = value.split_once("..") {
        let (a, b) = (num(a)?, num(b)?);
        if a >= b {
            return Err(bad());
        }
        (a..b).collect()
    } else {
        value.split(',').map(num).collect::<Result<_, _>>()?
    };
    if counts.is_empty() {
        return Err(bad());
    }
    Ok(counts)
}

/// Parses `0,1@100-500;3@0-50`: each group of nodes cut off from `from` to `until` ms.
pub fn parse_partitions(value: &str) -> Result<Vec<Partition>, ConfigError> {
    let mut out = Vec::new();
    for part in value.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let bad = |why| ConfigError::BadPartition {
            given: part.to_string(),
            why,
        };
        let (ids, window) = part.split_once('@').ok_or_else(|| bad("it has no '@'"))?;
        let nodes = parse_id_list("partition", ids).map_err(|_| bad("node ids must be numbers"))?;
        let (from, until) = window
            .split_once('-')
            .ok_or_else(|| bad("the window needs a '-'"))?;
        let ms = |s: &str| parse_decimal(s.trim());
        let (from_ms, until_ms) = match (ms(from), ms(until)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Err(bad("times must be numbers of milliseconds")),
        };
        out.push(Partition {
            nodes,
            from_ms,
            until_ms,
        });
    }
    Ok(out)
}

pub(super) fn format_partitions(parts: &[Partition]) -> String {
    parts
        .iter()
        .map(|p| {
            format!(
                "{}@{}-{}",
                join(&p.nodes),
                fmt_num(p.from_ms),
                fmt_num(p.until_ms)
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

pub(super) fn join(ids: &[NodeId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Shortest text that reads back to the same f64 (Rust's `Display` guarantees the round trip).
pub(super) fn fmt_num(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn decimals_parse_as_std_parses_them() {
        let cases = [
            "0",
            "12",
            "-0.05",
            "0.05",
            ".5",
            "2.",
            "1e-3",
            "+7E2",
            "35",
            "0.001",
            "1069.794",
            "123456789012345",
            "0.1",
            "0.2",
            "0.3",
            "99.99",
            "1e22",
            "5e-22",
            "0.000123",
            "-0",
            "3.14159265358979",
            "600",
            "0.25",
            "1e2",
            "007.5",
        ];
        for c in cases {
            assert_eq!(parse_decimal(c), c.parse::<f64>().ok(), "{c}");
        }
        for bad in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1x",
            "inf",
            "NaN",
            "0x10",
            "1.2.3",
            " 1",
            "1e400",
            "1e99999999999999999999",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(parse_decimal("1e-99999999999999999999"), Some(0.0));
        assert_eq!(
            parse_decimal("0.12345678901234567890123"),
            Some(0.123_456_789_012_345_68)
        );
        // Every value's shortest text (17 significant digits at most) reads back exactly.
        for v in [
            0.36205628259576245,
            0.1 + 0.2,
            1.0 / 3.0,
            5e-324,
            1.7976931348623157e308,
        ] {
            assert_eq!(parse_decimal(&v.to_string()), Some(v));
        }
    }
}
