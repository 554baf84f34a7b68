//! Plain output for hooks: no colour (git prefixes `remote:` and colours a
//! leading `error:`/`warning:` itself), one line per finding naming the
//! file, `crate@version`, rule id and fix, capped at a number of findings
//! with a count of what was left out, then a summary line.

use std::fmt::Write as _;

use super::human::plural;
use super::{Severity, Verdict};

/// At most `cap` finding lines, then the count left out and a summary.
#[must_use]
pub fn render(verdict: &Verdict, cap: usize) -> String {
    let mut out = String::new();
    for f in verdict.findings.iter().take(cap) {
        let who = f.krate.as_ref().map_or_else(|| f.file.clone(), |k| format!("{} ({k})", f.file));
        let at = f.location.as_ref().map(|l| format!(" at {}:{}:{}", l.path, l.line, l.column)).unwrap_or_default();
        let _ = writeln!(out, "{}: {who} [{}]: {}{at}; fix: {}", f.severity.as_str(), f.rule, f.message, f.help);
    }
    let left = verdict.findings.len().saturating_sub(cap);
    if left > 0 {
        let _ = writeln!(out, "error: ... and {left} more finding{} not shown (run `crategate check` locally to see all)", plural(left));
    }
    let errors = verdict.count(Severity::Error);
    let warnings = verdict.count(Severity::Warning);
    if verdict.accepted {
        if warnings > 0 {
            let _ = writeln!(out, "warning: accepted with {warnings} warning{}", plural(warnings));
        }
    } else {
        let _ = writeln!(out, "error: refused by policy: {errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Finding;

    fn finding(rule: &'static str, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            file: "a-1.0.0.crate".into(),
            krate: Some("a@1.0.0".into()),
            value: None,
            location: None,
            policy_key: None,
            message: "something is wrong".into(),
            help: "fix it".into(),
        }
    }

    #[test]
    fn capped_and_summarised() {
        let v = Verdict::from_findings(vec![
            finding("name-reserved", Severity::Error),
            finding("metadata-missing", Severity::Error),
            finding("license-deprecated-id", Severity::Warning),
        ]);
        insta::assert_snapshot!(render(&v, 2));
        assert!(!render(&v, 10).contains("more finding"));
    }

    #[test]
    fn accepted_is_quiet() {
        assert_eq!(render(&Verdict::from_findings(vec![]), 5), "");
        let warned = Verdict::from_findings(vec![finding("license-deprecated-id", Severity::Warning)]);
        assert!(render(&warned, 5).ends_with("warning: accepted with 1 warning\n"));
    }
}
