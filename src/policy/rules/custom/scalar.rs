//! Manifest values as the tests read them: as text, as a number, as a
//! length, as a version, and as a finding shows them.

use toml::de::DeValue;

/// A string, number or boolean as text (for regexes and versions).
pub(super) fn scalar_text(value: &DeValue<'_>) -> Option<String> {
    match value {
        DeValue::String(s) => Some(s.to_string()),
        DeValue::Integer(_) | DeValue::Float(_) => number(value).map(|n| n.to_string()),
        DeValue::Boolean(b) => Some(b.to_string()),
        DeValue::Datetime(_) | DeValue::Array(_) | DeValue::Table(_) => None,
    }
}

/// A number, or a string that reads as one (`edition = "2021"`).
pub(super) fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        #[allow(clippy::cast_precision_loss)] // manifest numbers are small
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        DeValue::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Elements of an array, keys of a table, characters of a string.
pub(super) fn length(value: &DeValue<'_>) -> Option<u64> {
    match value {
        DeValue::Array(a) => Some(a.len() as u64),
        DeValue::Table(t) => Some(t.len() as u64),
        DeValue::String(s) => Some(s.chars().count() as u64),
        _ => None,
    }
}

/// Whether a policy value equals a manifest value (numbers by value).
pub(super) fn same(expected: &toml::Value, actual: &DeValue<'_>) -> bool {
    match (expected, actual) {
        (toml::Value::String(e), DeValue::String(a)) => e == a,
        (toml::Value::Boolean(e), DeValue::Boolean(a)) => e == a,
        #[allow(clippy::cast_precision_loss, clippy::float_cmp)] // exact small numbers
        (toml::Value::Integer(e), DeValue::Integer(_) | DeValue::Float(_)) => {
            number(actual) == Some(*e as f64)
        }
        #[allow(clippy::float_cmp)]
        (toml::Value::Float(e), DeValue::Integer(_) | DeValue::Float(_)) => {
            number(actual) == Some(*e)
        }
        _ => false,
    }
}

/// A version as people write them: `1`, `1.70` and `1.70.0` all read.
pub(super) fn lenient_version(text: &str) -> Option<semver::Version> {
    let text = text.trim();
    semver::Version::parse(text)
        .or_else(|_| semver::Version::parse(&format!("{text}.0")))
        .or_else(|_| semver::Version::parse(&format!("{text}.0.0")))
        .ok()
}

/// A manifest value as a finding shows it.
pub(super) fn show(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => s.to_string(),
        DeValue::Array(a) => format!("an array of {}", a.len()),
        DeValue::Table(t) => format!("a table of {} keys", t.len()),
        other => scalar_text(other).unwrap_or_else(|| other.type_str().to_owned()),
    }
}
