//! JSON output for CI. Schema (version 1), one object:
//!
//! ```text
//! {
//!   "schema": 1,
//!   "accepted": bool,            // false when any finding is an error
//!   "errors": int, "warnings": int,
//!   "findings": [{
//!     "rule": "license-not-allowed",   // stable id, `crategate policy explain`
//!     "severity": "error" | "warning",
//!     "file": "foo-1.0.0.crate",       // path in the crate repository
//!     "crate": "foo@1.0.0" | null,     // null when the file was unreadable
//!     "value": string | null,          // the offending value
//!     "location": null | {             // the key in the packaged Cargo.toml
//!       "path": "foo-1.0.0/Cargo.toml", "key": "package.license",
//!       "line": int, "column": int, "width": int,
//!       "source_line": string },       // at most 512 bytes of a longer line
//!     "policy_key": string | null,     // e.g. "licenses.allow"
//!     "message": string, "help": string
//!   }]
//! }
//! ```

use serde::Serialize;

use super::{Finding, Severity, Verdict};

/// The JSON schema version written.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema: u32,
    accepted: bool,
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

/// The verdict as one JSON document (pretty-printed, newline-terminated).
#[must_use]
pub fn render(verdict: &Verdict) -> String {
    let doc = Doc {
        schema: SCHEMA,
        accepted: verdict.accepted,
        errors: verdict.count(Severity::Error),
        warnings: verdict.count(Severity::Warning),
        findings: &verdict.findings,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("findings serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_schema() {
        let v = Verdict::from_findings(vec![Finding {
            rule: "name-reserved",
            severity: Severity::Error,
            file: "std-1.0.0.crate".into(),
            krate: Some("std@1.0.0".into()),
            value: Some("std".into()),
            location: None,
            policy_key: Some("names.reserved".into()),
            message: "reserved".into(),
            help: "rename".into(),
        }]);
        let doc: serde_json::Value = serde_json::from_str(&render(&v)).expect("json");
        assert_eq!(doc["schema"], 1);
        assert_eq!(doc["accepted"], false);
        assert_eq!(doc["errors"], 1);
        assert_eq!(doc["findings"][0]["crate"], "std@1.0.0");
        assert_eq!(doc["findings"][0]["severity"], "error");
        assert_eq!(doc["findings"][0]["location"], serde_json::Value::Null);
    }
}
