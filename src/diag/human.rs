//! Terminal output in the shape of cargo's own diagnostics:
//!
//! ```text
//! error[license-not-allowed]: license `GPL-3.0-only` is not allowed
//!   --> foo-1.0.0/Cargo.toml:3:11
//!    |
//!  3 | license = "GPL-3.0-only"
//!    |           ^^^^^^^^^^^^^^
//!    |
//!    = note: foo@1.0.0 in foo-1.0.0.crate; policy key `licenses.allow`
//!    = help: relicense, or allow the license for this crate in an [[override]]
//! ```

use std::fmt::Write as _;

use super::{Finding, Severity, Verdict};

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

struct Paint(bool);

impl Paint {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

/// Every finding, then a one-line summary.
#[must_use]
pub fn render(verdict: &Verdict, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    for f in &verdict.findings {
        finding(&mut out, f, &paint);
        out.push('\n');
    }
    out.push_str(&summary(verdict, &paint));
    out
}

fn finding(out: &mut String, f: &Finding, p: &Paint) {
    let (style, word) = match f.severity {
        Severity::Error => (RED, "error"),
        Severity::Warning => (YELLOW, "warning"),
    };
    let _ = writeln!(
        out,
        "{}{}",
        p.paint(style, &format!("{word}[{}]", f.rule)),
        p.paint(BOLD, &format!(": {}", f.message))
    );
    let what = match &f.krate {
        Some(k) => format!("{k} in {}", f.file),
        None => f.file.clone(),
    };
    let gutter_width = f.location.as_ref().map_or(1, |l| l.line.to_string().len());
    let pad = " ".repeat(gutter_width);
    let bar = p.paint(BLUE, "|");
    if let Some(loc) = &f.location {
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            p.paint(BLUE, "-->"),
            loc.path,
            loc.line,
            loc.column
        );
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {}",
            p.paint(BLUE, &loc.line.to_string()),
            loc.source_line
        );
        let caret = format!(
            "{}{}",
            " ".repeat((loc.column - 1).saturating_sub(loc.shown_from)),
            "^".repeat(loc.width)
        );
        let _ = writeln!(out, "{pad} {bar} {}", p.paint(style, &caret));
        let _ = writeln!(out, "{pad} {bar}");
    } else {
        let _ = writeln!(out, "{pad}{} {what}", p.paint(BLUE, "-->"));
    }
    let mut note = String::new();
    if f.location.is_some() {
        note.push_str(&what);
    }
    if let Some(value) = &f.value {
        push_part(&mut note, &format!("value `{value}`"));
    }
    if let Some(key) = &f.policy_key {
        push_part(&mut note, &format!("policy key `{key}`"));
    }
    let eq = p.paint(BLUE, "=");
    if !note.is_empty() {
        let _ = writeln!(out, "{pad} {eq} {}: {note}", p.paint(BOLD, "note"));
    }
    let _ = writeln!(out, "{pad} {eq} {}: {}", p.paint(BOLD, "help"), f.help);
}

fn push_part(note: &mut String, part: &str) {
    if !note.is_empty() {
        note.push_str("; ");
    }
    note.push_str(part);
}

fn summary(verdict: &Verdict, p: &Paint) -> String {
    let errors = verdict.count(Severity::Error);
    let warnings = verdict.count(Severity::Warning);
    let counts = format!(
        "{} error{}, {} warning{}",
        errors,
        plural(errors),
        warnings,
        plural(warnings)
    );
    if verdict.accepted {
        format!("{}: accepted ({counts})\n", p.paint(BOLD, "ok"))
    } else {
        format!("{}: refused ({counts})\n", p.paint(RED, "error"))
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;

    fn sample() -> Verdict {
        Verdict::from_findings(vec![
            Finding {
                rule: "tarball-too-large",
                severity: Severity::Warning,
                file: "a-1.0.0.crate".into(),
                krate: Some("a@1.0.0".into()),
                value: Some("11".into()),
                location: None,
                policy_key: Some("tarball.max-compressed-size".into()),
                message: "too large".into(),
                help: "make it smaller".into(),
            },
            Finding {
                rule: "license-not-allowed",
                severity: Severity::Error,
                file: "a-1.0.0.crate".into(),
                krate: Some("a@1.0.0".into()),
                value: Some("GPL-3.0-only".into()),
                location: Some(Location {
                    path: "a-1.0.0/Cargo.toml".into(),
                    key: "package.license".into(),
                    line: 10,
                    column: 11,
                    width: 14,
                    source_line: "license = \"GPL-3.0-only\"".into(),
                    shown_from: 0,
                }),
                policy_key: Some("licenses.allow".into()),
                message: "license `GPL-3.0-only` is not allowed".into(),
                help: "relicense".into(),
            },
        ])
    }

    #[test]
    fn looks_like_cargo() {
        insta::assert_snapshot!(render(&sample(), false));
    }

    #[test]
    fn colours_only_when_asked() {
        assert!(render(&sample(), true).contains("\x1b[1;31merror[license-not-allowed]"));
        assert!(!render(&sample(), false).contains('\x1b'));
    }
}
