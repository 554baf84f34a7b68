//! The requirement vocabulary and its evaluation.
//!
//! A requirement holds or fails; when it fails, its witness is what the
//! finding points at. Each kind also gives the witness that makes it hold
//! where there is one (the dependency or file that exists), so that `not`
//! can point at what it forbids.

use std::fmt::Write as _;

use serde::Deserialize;
use toml::Spanned;

use super::Input;
use super::deps::DepFilter;
use super::files::{FileSize, FileText, Files};
use super::manifest::ManifestTest;
use crate::diag::Location;
use crate::policy::checked::{Problem, Validate};

/// One requirement: exactly one of these keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub enum Condition {
    /// Every listed requirement holds.
    All(Spanned<Vec<Condition>>),
    /// At least one listed requirement holds.
    Any(Spanned<Vec<Condition>>),
    /// The requirement does not hold.
    Not(Box<Condition>),
    /// A value (or values) in the packaged `Cargo.toml` or
    /// `Cargo.toml.orig` passes tests.
    Manifest(ManifestTest),
    /// Some dependency matches the filter.
    Dependency(DepFilter),
    /// Some file of the package matches one of the globs.
    HasFile(Files),
    /// No file of the package matches any of the globs.
    NoFile(Files),
    /// Every matching file is at most `max` bytes.
    FileSize(FileSize),
    /// Every matching file's text (its first `max-read` bytes) matches, or
    /// does not match, a regex.
    FileText(FileText),
}

/// What a finding points at.
#[derive(Debug, Clone, Default)]
pub(super) struct Witness {
    pub value: Option<String>,
    pub location: Option<Location>,
}

impl Witness {
    pub fn value(value: impl Into<String>) -> Self {
        Self {
            value: Some(value.into()),
            location: None,
        }
    }
}

/// Whether a requirement holds, and what shows it.
pub(super) struct Outcome {
    pub holds: bool,
    pub witness: Option<Witness>,
}

impl Outcome {
    pub fn new(holds: bool, witness: Option<Witness>) -> Self {
        Self { holds, witness }
    }
}

impl Condition {
    pub(super) fn eval(&self, input: &Input<'_, '_>) -> Outcome {
        match self {
            Self::All(all) => all
                .get_ref()
                .iter()
                .map(|c| c.eval(input))
                .find(|o| !o.holds)
                .unwrap_or(Outcome::new(true, None)),
            Self::Any(any) => {
                let mut first_failure = None;
                for c in any.get_ref() {
                    let outcome = c.eval(input);
                    if outcome.holds {
                        return outcome;
                    }
                    first_failure.get_or_insert(outcome.witness);
                }
                Outcome::new(false, first_failure.flatten())
            }
            Self::Not(inner) => {
                let outcome = inner.eval(input);
                Outcome::new(!outcome.holds, outcome.witness)
            }
            Self::Manifest(test) => test.eval(input),
            Self::Dependency(filter) => filter.eval(input),
            Self::HasFile(files) => files.exists(input.krate()),
            Self::NoFile(files) => {
                let exists = files.exists(input.krate());
                Outcome::new(!exists.holds, exists.witness)
            }
            Self::FileSize(size) => size.eval(input.krate()),
            Self::FileText(text) => text.eval(input.krate()),
        }
    }

    /// The (glob regex, byte bound) pairs the reader must keep.
    pub(super) fn keep(&self, out: &mut Vec<(regex::Regex, u64)>) {
        match self {
            Self::All(list) | Self::Any(list) => list.get_ref().iter().for_each(|c| c.keep(out)),
            Self::Not(inner) => inner.keep(out),
            Self::FileText(text) => text.keep(out),
            Self::Manifest(_)
            | Self::Dependency(_)
            | Self::HasFile(_)
            | Self::NoFile(_)
            | Self::FileSize(_) => {}
        }
    }

    /// A readable form, one requirement a line, indented by `depth`.
    pub(super) fn describe(&self, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        let (word, list) = match self {
            Self::All(list) => ("all of:", list.get_ref().as_slice()),
            Self::Any(list) => ("any of:", list.get_ref().as_slice()),
            Self::Not(inner) => {
                let _ = writeln!(out, "{pad}not:");
                inner.describe(depth + 1, out);
                return;
            }
            Self::Manifest(test) => return test.describe(&pad, out),
            Self::Dependency(filter) => return filter.describe(&pad, out),
            Self::HasFile(files) => {
                let _ = writeln!(out, "{pad}a file matching {files}");
                return;
            }
            Self::NoFile(files) => {
                let _ = writeln!(out, "{pad}no file matching {files}");
                return;
            }
            Self::FileSize(size) => {
                let _ = writeln!(out, "{pad}{size}");
                return;
            }
            Self::FileText(text) => {
                let _ = writeln!(out, "{pad}{text}");
                return;
            }
        };
        let _ = writeln!(out, "{pad}{word}");
        for c in list {
            c.describe(depth + 1, out);
        }
    }
}

impl Validate for Condition {
    fn validate(&self, out: &mut Vec<Problem>) {
        match self {
            Self::All(list) | Self::Any(list) => {
                if list.get_ref().is_empty() {
                    out.push(Problem {
                        span: Some(list.span()),
                        message: "`all` and `any` need at least one requirement".to_owned(),
                    });
                }
                list.validate(out);
            }
            Self::Not(inner) => inner.validate(out),
            Self::Manifest(test) => test.validate(out),
            Self::Dependency(filter) => filter.validate(out),
            Self::HasFile(files) | Self::NoFile(files) => files.validate(out),
            Self::FileSize(size) => size.validate(out),
            Self::FileText(text) => text.validate(out),
        }
    }
}
