//! Findings and their rendering.
//!
//! A [`Finding`] is the policy saying no (or warning): it is collected,
//! never propagated as an error. A [`Verdict`] holds every finding of one
//! judgement; it refuses when any finding is an error. Three renderings
//! exist: [`human`] (cargo-like, for terminals), [`plain`] (hooks: no
//! colour, one line per finding, capped) and [`json`] (CI, documented
//! schema).

pub mod human;
pub mod json;
pub mod locate;
pub mod plain;

use serde::Serialize;

/// How serious a finding is. `Error` refuses the push; `Warning` is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// Where in a packaged `Cargo.toml` a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path inside the package, e.g. `foo-1.0.0/Cargo.toml`.
    pub path: String,
    /// The manifest key, dotted, e.g. `package.license`.
    pub key: String,
    /// 1-based line and column of the key's value.
    pub line: usize,
    pub column: usize,
    /// Width of the value in characters on that line (at least 1).
    pub width: usize,
    /// The source line, for the caret drawing: the whole line, or a
    /// window of it around the value when the line is very long.
    pub source_line: String,
    /// Characters of the line before `source_line` starts (0 unless it is
    /// a window).
    #[serde(skip)]
    pub shown_from: usize,
}

/// One rule saying no (or warning) about one pushed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case rule id (`crategate policy explain <ID>`).
    pub rule: &'static str,
    pub severity: Severity,
    /// The file in the crate repository, e.g. `foo-1.0.0.crate`.
    pub file: String,
    /// `name@version`, when the file could be read that far.
    #[serde(rename = "crate")]
    pub krate: Option<String>,
    /// The offending value, as found.
    pub value: Option<String>,
    /// The manifest key it comes from, with its position.
    pub location: Option<Location>,
    /// The policy key responsible, e.g. `licenses.allow`.
    pub policy_key: Option<String>,
    /// What is wrong, one sentence.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Everything decided about one push (or one dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub accepted: bool,
    pub findings: Vec<Finding>,
}

impl Verdict {
    /// A verdict from all findings: accepted unless one is an error.
    /// Errors come first, then warnings, each in the order found.
    #[must_use]
    pub fn from_findings(mut findings: Vec<Finding>) -> Self {
        findings.sort_by_key(|f| f.severity);
        let accepted = findings.iter().all(|f| f.severity != Severity::Error);
        Self { accepted, findings }
    }

    /// Number of findings with this severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
