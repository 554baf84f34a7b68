//! Reading a policy file: parse, check every value and every placement
//! rule, and report all problems together with file, line and column.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::checked::{Problem, Validate};
use super::rules::custom;
use super::schema::{Names, Settings};
use super::{Level, Policy, SCHEMA, ids};
use crate::crate_file::Limits;
use crate::crate_name::canonical;
use crate::diag::locate::line_col;

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub source: String,
    /// 1-based; 0 when the problem has no position (e.g. I/O).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.source, self.line, self.column, self.message
            )
        }
    }
}

/// Every problem found in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid policy {}:\n{}", .0.first().map_or("", |e| e.source.as_str()),
    .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl Policy {
    /// Reads and compiles the policy at `path`.
    pub fn load(path: &Path) -> Result<Self, PolicyErrors> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            PolicyErrors(vec![PolicyError {
                source: source.clone(),
                line: 0,
                column: 0,
                message: format!("cannot read: {e}"),
            }])
        })?;
        Self::from_str(&text, &source)
    }

    /// Compiles policy `text`; `source` names it in errors, and relative
    /// paths inside it (`names.public-names-file`) resolve against its
    /// directory.
    #[allow(clippy::should_implement_trait)] // needs the source name too
    pub fn from_str(text: &str, source: &str) -> Result<Self, PolicyErrors> {
        let fail = |mut problems: Vec<Problem>| {
            problems.sort_by_key(|p| p.span.as_ref().map(|s| s.start));
            PolicyErrors(
                problems
                    .into_iter()
                    .map(|p| locate(text, source, p))
                    .collect(),
            )
        };
        let mut root: Settings = toml::from_str(text).map_err(|e| {
            fail(vec![Problem {
                span: e.span(),
                message: super::values::one_line(e.message()),
            }])
        })?;
        let mut problems = Vec::new();
        root.validate(&mut problems);
        check_placement(&root, &mut problems);
        let base_dir = Path::new(source).parent().unwrap_or(Path::new(""));
        read_public_names(&mut root.names, base_dir, &mut problems);
        for o in &mut root.overrides {
            read_public_names(&mut o.get_mut().names, base_dir, &mut problems);
        }
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        let overrides = std::mem::take(&mut root.overrides)
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        let owners = root
            .owners
            .take()
            .map(Spanned::into_inner)
            .unwrap_or_default();
        let push = root
            .push
            .take()
            .map(Spanned::into_inner)
            .unwrap_or_default();
        let custom: Vec<_> = std::mem::take(&mut root.rules)
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        let limits = Limits {
            keep: custom::keep(&custom),
            ..limits(&root)
        };
        Ok(Self {
            source: source.to_owned(),
            base: root,
            overrides,
            owners,
            push,
            limits,
            custom,
        })
    }
}

fn locate(text: &str, source: &str, problem: Problem) -> PolicyError {
    let (line, column) = problem.span.map_or((0, 0), |s| {
        let (line, column, _) = line_col(text, s.start);
        (line, column)
    });
    PolicyError {
        source: source.to_owned(),
        line,
        column,
        message: problem.message,
    }
}

fn problem(span: Range<usize>, message: impl Into<String>) -> Problem {
    Problem {
        span: Some(span),
        message: message.into(),
    }
}

/// `schema` and reader limits at the top only, `crates` in overrides only,
/// known rule ids, safety rules never lowered.
fn check_placement(root: &Settings, out: &mut Vec<Problem>) {
    match &root.schema {
        None => out.push(Problem {
            span: Some(0..0),
            message: format!("missing `schema = {SCHEMA}` at the top of the policy"),
        }),
        Some(s) if *s.get_ref() != SCHEMA => out.push(problem(
            s.span(),
            format!(
                "unsupported schema {}; this crategate reads schema {SCHEMA}",
                s.get_ref()
            ),
        )),
        Some(_) => {}
    }
    if let Some(g) = root.crates.first() {
        out.push(problem(g.span(), "`crates` belongs in an [[override]]"));
    }
    custom::check_ids(&root.rules, out);
    let custom: HashSet<&str> = root.rules.iter().map(|r| r.get_ref().id.text()).collect();
    check_levels(root, &custom, out);
    for o in &root.overrides {
        let span = o.span();
        let o = o.get_ref();
        if o.crates.is_empty() {
            out.push(problem(
                span.clone(),
                "an [[override]] needs `crates = [\"glob\", ...]`",
            ));
        }
        let top_only = [
            o.schema.as_ref().map(|s| (s.span(), "schema")),
            o.overrides.first().map(|s| (s.span(), "override")),
            o.owners.as_ref().map(|s| (s.span(), "owners")),
            o.push.as_ref().map(|s| (s.span(), "push")),
            o.rules.first().map(|s| (s.span(), "rule")),
            o.tarball
                .max_unpacked_size
                .as_ref()
                .map(|s| (s.span(), "tarball.max-unpacked-size")),
            o.tarball
                .max_entries
                .as_ref()
                .map(|s| (s.span(), "tarball.max-entries")),
            o.tarball
                .max_manifest_size
                .as_ref()
                .map(|s| (s.span(), "tarball.max-manifest-size")),
        ];
        for (span, key) in top_only.into_iter().flatten() {
            out.push(problem(
                span,
                format!("`{key}` is only valid at the top level, not in an [[override]]"),
            ));
        }
        check_levels(o, &custom, out);
    }
}

/// Levels name known rules, built-in or `custom`, and never lower a
/// safety rule.
fn check_levels(settings: &Settings, custom: &HashSet<&str>, out: &mut Vec<Problem>) {
    for (id, level) in &settings.levels {
        match ids::find(id) {
            None if custom.contains(id.as_str()) => {}
            None => out.push(problem(
                level.span(),
                format!("unknown rule id `{id}` (see `crategate policy explain`)"),
            )),
            Some(info) if info.fixed && *level.get_ref() != Level::Deny => out.push(problem(
                level.span(),
                format!("`{id}` is a tarball safety rule: it is always deny"),
            )),
            Some(_) => {}
        }
    }
}

fn read_public_names(names: &mut Names, base_dir: &Path, out: &mut Vec<Problem>) {
    let Some(file) = &names.public_names_file else {
        return;
    };
    match std::fs::read_to_string(base_dir.join(file.get_ref())) {
        Ok(text) => {
            let set: HashSet<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(canonical)
                .collect();
            names.public_names = Some(Arc::new(set));
        }
        Err(e) => out.push(problem(
            file.span(),
            format!("cannot read `{}`: {e}", file.get_ref()),
        )),
    }
}

fn limits(root: &Settings) -> Limits {
    let d = Limits::default();
    let t = &root.tarball;
    let get = |v: &Option<Spanned<u64>>, default: u64| v.as_ref().map_or(default, |s| *s.get_ref());
    Limits {
        max_unpacked_size: get(&t.max_unpacked_size, d.max_unpacked_size),
        max_entries: usize::try_from(get(&t.max_entries, d.max_entries as u64))
            .unwrap_or(usize::MAX),
        max_manifest_size: get(&t.max_manifest_size, d.max_manifest_size),
        keep: d.keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        Policy::from_str(text, "p.toml")
            .expect_err("invalid")
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_problem_at_once_with_positions() {
        let text = "schema = 1\n[names]\npattern = \"(\"\n[licenses]\nallow = [\"MIT\", \"Nope-1.0\"]\n[levels]\nno-such-rule = \"warn\"\ntarball-compression-ratio = \"allow\"\n[[bans.deny]]\nname = \"x\"\nversion = \"one\"\n";
        let errs = errors(text);
        assert_eq!(errs.len(), 5, "{errs:#?}");
        insta::assert_snapshot!(errs.join("\n"));
    }

    #[test]
    fn structural_errors_point_at_the_key() {
        let errs = errors("schema = 1\n[names]\npatern = \"x\"\n");
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with("p.toml:3:1: unknown field `patern`"),
            "{}",
            errs[0]
        );
        assert!(errors("[names]\n")[0].contains("missing `schema = 1`"));
        assert!(errors("schema = 2\n")[0].starts_with("p.toml:1:10: unsupported schema 2"));
    }

    #[test]
    fn placement_rules() {
        let text = "schema = 1\ncrates = [\"x\"]\n[[override]]\nschema = 1\ntarball.max-entries = 5\n[override.owners]\nidentity-env = \"X\"\n[[override]]\nlevels.name-pattern = \"warn\"\n";
        let errs = errors(text);
        assert_eq!(errs.len(), 6, "{errs:#?}");
        insta::assert_snapshot!(errs.join("\n"));
    }

    #[test]
    fn overrides_apply_in_order_lists_add_scalars_replace() {
        let text = "schema = 1\n[licenses]\nallow = [\"MIT\"]\nparse-mode = \"strict\"\n[levels]\nname-pattern = \"warn\"\n\
            [[override]]\ncrates = [\"acme-*\"]\nlicenses.allow = [\"ISC\"]\nlevels.name-pattern = \"allow\"\n\
            [[override]]\ncrates = [\"*-sys\"]\nlicenses.parse-mode = \"lax\"\nlevels.name-pattern = \"deny\"\n";
        let p = Policy::from_str(text, "p.toml").expect("valid");
        let s = p.settings_for("acme_foo_sys");
        let allow: Vec<_> = s
            .licenses
            .allow
            .iter()
            .map(super::super::checked::Checked::text)
            .collect();
        assert_eq!(allow, ["MIT", "ISC"]);
        assert_eq!(
            s.licenses.parse_mode,
            Some(super::super::values::ParseMode::Lax)
        );
        assert_eq!(s.level("name-pattern"), Level::Deny);
        assert_eq!(
            p.settings_for("acme_foo").level("name-pattern"),
            Level::Allow
        );
        assert_eq!(p.settings_for("other").level("name-pattern"), Level::Warn);
        assert_eq!(
            p.settings_for("other").level("license-deprecated-id"),
            Level::Warn
        );
        assert_eq!(
            p.settings_for("other").level("tarball-path-traversal"),
            Level::Deny
        );
    }

    #[test]
    fn limits_and_owners_come_from_the_top() {
        let text =
            "schema = 1\n[tarball]\nmax-entries = 7\n[owners]\nidentity-env = \"GL_USERNAME\"\n";
        let p = Policy::from_str(text, "p.toml").expect("valid");
        assert_eq!(p.limits().max_entries, 7);
        assert_eq!(
            p.limits().max_unpacked_size,
            Limits::default().max_unpacked_size
        );
        assert_eq!(p.identity_env(), Some("GL_USERNAME"));
        let missing = Policy::load(Path::new("/nonexistent/policy.toml")).expect_err("missing");
        assert!(missing.to_string().contains("cannot read"));
    }
}
