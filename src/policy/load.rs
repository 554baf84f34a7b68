//! Reading a policy file: parse, check every value and every placement
//! rule, and report all problems together with file, line and column.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::Spanned;

use super::checked::{Problem, Validate};
use super::schema::{Names, Settings};
use super::{ids, Level, Policy, SCHEMA};
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
            write!(f, "{}:{}:{}: {}", self.source, self.line, self.column, self.message)
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
            PolicyErrors(vec![PolicyError { source: source.clone(), line: 0, column: 0, message: format!("cannot read: {e}") }])
        })?;
        Self::from_str(&text, &source)
    }

    /// Compiles policy `text`; `source` names it in errors, and relative
    /// paths inside it (`names.public-names-file`) resolve against its
    /// directory.
    #[allow(clippy::should_implement_trait)] // needs the source name too
    pub fn from_str(text: &str, source: &str) -> Result<Self, PolicyErrors> {
        let fail = |problems: Vec<Problem>| {
            PolicyErrors(problems.into_iter().map(|p| locate(text, source, p)).collect())
        };
        let mut root: Settings = toml::from_str(text).map_err(|e| {
            fail(vec![Problem { span: e.span(), message: super::values::one_line(e.message()) }])
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
        let overrides = std::mem::take(&mut root.overrides).into_iter().map(Spanned::into_inner).collect();
        let owners = root.owners.take().map(Spanned::into_inner).unwrap_or_default();
        let limits = limits(&root);
        Ok(Self { source: source.to_owned(), base: root, overrides, owners, limits })
    }
}

fn locate(text: &str, source: &str, problem: Problem) -> PolicyError {
    let (line, column) = problem.span.map_or((0, 0), |s| {
        let (line, column, _) = line_col(text, s.start);
        (line, column)
    });
    PolicyError { source: source.to_owned(), line, column, message: problem.message }
}

fn problem(span: Range<usize>, message: impl Into<String>) -> Problem {
    Problem { span: Some(span), message: message.into() }
}

/// `schema` and reader limits at the top only, `crates` in overrides only,
/// known rule ids, safety rules never lowered.
fn check_placement(root: &Settings, out: &mut Vec<Problem>) {
    match &root.schema {
        None => out.push(Problem { span: Some(0..0), message: format!("missing `schema = {SCHEMA}` at the top of the policy") }),
        Some(s) if *s.get_ref() != SCHEMA => out.push(problem(s.span(), format!("unsupported schema {}; this crategate reads schema {SCHEMA}", s.get_ref()))),
        Some(_) => {}
    }
    if let Some(g) = root.crates.first() {
        out.push(problem(g.span(), "`crates` belongs in an [[override]]"));
    }
    check_levels(root, out);
    for o in &root.overrides {
        let span = o.span();
        let o = o.get_ref();
        if o.crates.is_empty() {
            out.push(problem(span.clone(), "an [[override]] needs `crates = [\"glob\", ...]`"));
        }
        let top_only = [
            o.schema.as_ref().map(|s| (s.span(), "schema")),
            o.overrides.first().map(|s| (s.span(), "override")),
            o.owners.as_ref().map(|s| (s.span(), "owners")),
            o.tarball.max_unpacked_size.as_ref().map(|s| (s.span(), "tarball.max-unpacked-size")),
            o.tarball.max_entries.as_ref().map(|s| (s.span(), "tarball.max-entries")),
            o.tarball.max_manifest_size.as_ref().map(|s| (s.span(), "tarball.max-manifest-size")),
        ];
        for (span, key) in top_only.into_iter().flatten() {
            out.push(problem(span, format!("`{key}` is only valid at the top level, not in an [[override]]")));
        }
        check_levels(o, out);
    }
}

fn check_levels(settings: &Settings, out: &mut Vec<Problem>) {
    for (id, level) in &settings.levels {
        match ids::find(id) {
            None => out.push(problem(level.span(), format!("unknown rule id `{id}` (see `crategate policy explain`)"))),
            Some(info) if info.fixed && *level.get_ref() != Level::Deny => out.push(problem(
                level.span(),
                format!("`{id}` is a tarball safety rule: it is always deny"),
            )),
            Some(_) => {}
        }
    }
}

fn read_public_names(names: &mut Names, base_dir: &Path, out: &mut Vec<Problem>) {
    let Some(file) = &names.public_names_file else { return };
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
        Err(e) => out.push(problem(file.span(), format!("cannot read `{}`: {e}", file.get_ref()))),
    }
}

fn limits(root: &Settings) -> Limits {
    let d = Limits::default();
    let t = &root.tarball;
    let get = |v: &Option<Spanned<u64>>, default: u64| v.as_ref().map_or(default, |s| *s.get_ref());
    Limits {
        max_unpacked_size: get(&t.max_unpacked_size, d.max_unpacked_size),
        max_entries: usize::try_from(get(&t.max_entries, d.max_entries as u64)).unwrap_or(usize::MAX),
        max_manifest_size: get(&t.max_manifest_size, d.max_manifest_size),
    }
}
