//! Requirements on manifest values: a dotted path selects values in the
//! packaged `Cargo.toml` (or `Cargo.toml.orig`), and tests check them.
//!
//! Path segments are table keys (quote a key holding `.`:
//! `target."cfg(unix)".dependencies`) or `*`, every key of a table or
//! element of an array. A missing key selects one absent value; a `*` over
//! a missing or empty value selects nothing. With `select = "every"` (the
//! default) every selected value must pass, so an empty selection passes;
//! with `select = "some"` at least one must. An absent value passes only
//! `present = false`.

use std::fmt::{self, Write as _};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::condition::{Outcome, Witness};
use super::scalar::{length, lenient_version, number, same, scalar_text, show};
use super::{Input, ManifestFile};
use crate::policy::checked::{Checked, Compile, Problem, Validate};
use crate::policy::values::{Pattern, Req};

/// The top-level keys of a cargo manifest: the roots a path may start at.
const ROOTS: &[&str] = &[
    "cargo-features",
    "package",
    "project",
    "lib",
    "bin",
    "example",
    "test",
    "bench",
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
    "target",
    "features",
    "badges",
    "patch",
    "replace",
    "profile",
    "workspace",
    "lints",
    "hints",
];

/// One path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Any,
}

/// A dotted path into a manifest, its root a known top-level key.
#[derive(Debug, Clone)]
pub struct KeyPath(Vec<Segment>);

impl Compile for KeyPath {
    fn compile(text: &str) -> Result<Self, String> {
        let segments = split(text)?;
        match segments.first() {
            Some(Segment::Key(root)) if !ROOTS.contains(&root.as_str()) => Err(format!(
                "unknown path root `{root}`: a path starts at a top-level key of Cargo.toml ({})",
                ROOTS.join(", ")
            )),
            Some(_) => Ok(Self(segments)),
            None => Err("an empty path".to_owned()),
        }
    }
}

/// Splits a dotted path, honouring `"quoted"` keys.
fn split(text: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let (segment, after) = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').ok_or("an unterminated quoted key")?;
            (Segment::Key(quoted[..end].to_owned()), &quoted[end + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() {
                return Err("an empty key in the path (two dots, or a dot at an end)".to_owned());
            }
            let segment = if key == "*" {
                Segment::Any
            } else {
                Segment::Key(key.to_owned())
            };
            (segment, &rest[end..])
        };
        out.push(segment);
        if after.is_empty() {
            return Ok(out);
        }
        rest = after
            .strip_prefix('.')
            .ok_or("a quoted key must be followed by `.` or end the path")?;
    }
}

/// Whether every selected value must pass, or some.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Select {
    #[default]
    Every,
    Some,
}

/// `manifest = { path = "...", <tests> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ManifestTest {
    pub path: Checked<KeyPath>,
    #[serde(default)]
    pub file: ManifestFile,
    #[serde(default)]
    pub select: Select,
    pub present: Option<bool>,
    pub equals: Option<Spanned<toml::Value>>,
    pub one_of: Option<Vec<Spanned<toml::Value>>>,
    pub matches: Option<Checked<Pattern>>,
    pub not_matches: Option<Checked<Pattern>>,
    /// The value read as a version (`1.70` is `1.70.0`) satisfies this.
    pub version: Option<Checked<Req>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
}

/// A selected value: its key path and, unless absent, the value.
type Selected<'t, 'a> = (Vec<&'t str>, Option<&'t Spanned<DeValue<'a>>>);

/// Array elements appear in key paths as this segment.
const ELEMENT: &str = "*";

fn walk<'t, 'a>(
    table: Option<&'t DeTable<'a>>,
    value: Option<&'t Spanned<DeValue<'a>>>,
    segments: &'t [Segment],
    key: &mut Vec<&'t str>,
    out: &mut Vec<Selected<'t, 'a>>,
) {
    let Some((first, rest)) = segments.split_first() else {
        out.push((key.clone(), value));
        return;
    };
    let table = table.or_else(|| value.and_then(|v| v.get_ref().as_table()));
    let mut visit = |k: &'t str, child: Option<&'t Spanned<DeValue<'a>>>, out: &mut Vec<_>| {
        key.push(k);
        walk(None, child, rest, key, out);
        key.pop();
    };
    match (first, table) {
        (Segment::Key(k), Some(t)) => match t.get_key_value(k.as_str()) {
            Some((k, v)) => visit(k.get_ref(), Some(v), out),
            None => visit(k, None, out),
        },
        (Segment::Key(k), None) => visit(k, None, out),
        (Segment::Any, Some(t)) => {
            for (k, v) in t {
                visit(k.get_ref(), Some(v), out);
            }
        }
        (Segment::Any, None) => {
            for item in value
                .and_then(|v| v.get_ref().as_array())
                .into_iter()
                .flat_map(|a| a.iter())
            {
                visit(ELEMENT, Some(item), out);
            }
        }
    }
}

impl ManifestTest {
    pub(super) fn eval(&self, input: &Input<'_, '_>) -> Outcome {
        // A path of keys only selects one value, which can often be found
        // without the tree.
        let keys: Option<Vec<&str>> = (self.path.get().0.iter())
            .map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Any => None,
            })
            .collect();
        let found = keys
            .as_ref()
            .and_then(|k| Some((k, input.value_at(self.file, k)?)));
        let empty = DeTable::default();
        let mut selected = Vec::new();
        if let Some((keys, value)) = &found {
            selected.push(((*keys).clone(), value.value()));
        } else {
            let table = input.manifest(self.file).map(|(_, t)| t.get_ref());
            walk(
                Some(table.unwrap_or(&empty)),
                None,
                &self.path.get().0,
                &mut Vec::new(),
                &mut selected,
            );
        }
        let mut first = None;
        for (key, value) in &selected {
            let passes = self.passes(value.map(Spanned::get_ref));
            if passes == (self.select == Select::Some) {
                return Outcome::new(passes, Some(self.witness(input, key, *value)));
            }
            first.get_or_insert((key, *value));
        }
        let witness = first.map(|(key, value)| self.witness(input, key, value));
        Outcome::new(self.select == Select::Every, witness)
    }

    fn witness(
        &self,
        input: &Input<'_, '_>,
        key: &[&str],
        value: Option<&Spanned<DeValue<'_>>>,
    ) -> Witness {
        let shown = value.map_or_else(
            || format!("{} (missing)", key.join(".")),
            |v| show(v.get_ref()),
        );
        // Array elements and missing keys are shown at what holds them.
        let mut located = key
            .iter()
            .position(|k| *k == ELEMENT)
            .map_or(key, |i| &key[..i]);
        loop {
            if let Some(location) = input.locate(self.file, located) {
                return Witness {
                    value: Some(shown),
                    location: Some(location),
                };
            }
            match located.split_last() {
                Some((_, parent)) if !parent.is_empty() => located = parent,
                _ => return Witness::value(shown),
            }
        }
    }

    /// Whether one selected value passes every test.
    fn passes(&self, value: Option<&DeValue<'_>>) -> bool {
        let Some(value) = value else {
            return self.present == Some(false);
        };
        if self.present == Some(false) {
            return false;
        }
        let text = scalar_text(value);
        let number = number(value);
        self.equals
            .as_ref()
            .is_none_or(|e| same(e.get_ref(), value))
            && self
                .one_of
                .as_ref()
                .is_none_or(|l| l.iter().any(|e| same(e.get_ref(), value)))
            && self
                .matches
                .as_ref()
                .is_none_or(|re| text.as_deref().is_some_and(|t| re.get().0.is_match(t)))
            && self
                .not_matches
                .as_ref()
                .is_none_or(|re| text.as_deref().is_some_and(|t| !re.get().0.is_match(t)))
            && self.version.as_ref().is_none_or(|req| {
                text.as_deref()
                    .and_then(lenient_version)
                    .is_some_and(|v| req.get().0.matches(&v))
            })
            && self.min.is_none_or(|min| number.is_some_and(|n| n >= min))
            && self.max.is_none_or(|max| number.is_some_and(|n| n <= max))
            && self
                .min_len
                .is_none_or(|min| length(value).is_some_and(|n| n >= min))
            && self
                .max_len
                .is_none_or(|max| length(value).is_some_and(|n| n <= max))
    }

    pub(super) fn describe(&self, pad: &str, out: &mut String) {
        let file = match self.file {
            ManifestFile::Packaged => "",
            ManifestFile::Orig => " in Cargo.toml.orig",
        };
        let select = match self.select {
            Select::Every => "every value at",
            Select::Some => "some value at",
        };
        let _ = writeln!(out, "{pad}{select} `{}`{file}: {self}", self.path.text());
    }
}

impl fmt::Display for ManifestTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tests = Vec::new();
        match self.present {
            Some(true) => tests.push("present".to_owned()),
            Some(false) => tests.push("absent".to_owned()),
            None => {}
        }
        if let Some(e) = &self.equals {
            tests.push(format!("equals {}", e.get_ref()));
        }
        if let Some(l) = &self.one_of {
            let values: Vec<String> = l.iter().map(|v| v.get_ref().to_string()).collect();
            tests.push(format!("one of {}", values.join(", ")));
        }
        if let Some(re) = &self.matches {
            tests.push(format!("matches /{}/", re.text()));
        }
        if let Some(re) = &self.not_matches {
            tests.push(format!("does not match /{}/", re.text()));
        }
        if let Some(req) = &self.version {
            tests.push(format!("is a version {}", req.text()));
        }
        for (word, bound) in [("at least", self.min), ("at most", self.max)] {
            if let Some(b) = bound {
                tests.push(format!("{word} {b}"));
            }
        }
        for (word, bound) in [("at least", self.min_len), ("at most", self.max_len)] {
            if let Some(b) = bound {
                tests.push(format!("length {word} {b}"));
            }
        }
        f.write_str(&tests.join(", "))
    }
}

impl Validate for ManifestTest {
    fn validate(&self, out: &mut Vec<Problem>) {
        self.path.validate(out);
        self.matches.validate(out);
        self.not_matches.validate(out);
        self.version.validate(out);
        let mut problem = |span, message: &str| {
            out.push(Problem {
                span: Some(span),
                message: message.to_owned(),
            });
        };
        for v in self.equals.iter().chain(self.one_of.iter().flatten()) {
            if matches!(
                v.get_ref(),
                toml::Value::Array(_) | toml::Value::Table(_) | toml::Value::Datetime(_)
            ) {
                problem(v.span(), "compare with a string, a number or a boolean");
            }
        }
        let value_tests = self.to_string();
        if value_tests.is_empty() {
            problem(
                self.path.span(),
                "a manifest requirement needs a test: present, equals, one-of, matches, not-matches, version, min, max, min-len or max-len",
            );
        } else if self.present == Some(false) && value_tests != "absent" {
            problem(
                self.path.span(),
                "`present = false` cannot be combined with tests of the value",
            );
        }
    }
}
