//! Custom rules: `[[rule]]` entries a team writes in its policy, checked
//! with the same machinery as the built-in rules.
//!
//! A rule has an id (kebab-case, unique, never a built-in id), a default
//! level, optional crate-name globs, a message, a help text and one
//! requirement (`require`) from a small vocabulary (see [`Condition`]):
//! manifest values, dependencies, files in the package and their size or
//! text, composed with `all`, `any` and `not`. Everything is compiled at
//! load; regexes are the `regex` crate's (linear time) and file text is
//! read with a bound, so no rule can hang or read without limit. A rule
//! whose requirement does not hold reports one finding, pointing at what
//! made it fail (a manifest key, a dependency, a file).
//!
//! Rule ids are interned once per distinct id for the life of the process,
//! so findings of custom rules carry a `&'static str` id like built-in
//! ones.

mod condition;
mod deps;
mod files;
mod manifest;
mod scalar;
#[cfg(test)]
mod tests;

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use condition::Condition;

use super::spans::Found;
use super::{Ctx, Report, Scan};
use crate::crate_file::Keep;
use crate::diag::Location;
use crate::policy::Level;
use crate::policy::checked::{Checked, Compile, Problem, fields};
use crate::policy::ids;
use crate::policy::values::Glob;

/// Longest custom rule id.
const MAX_ID_LEN: usize = 64;

/// One `[[rule]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CustomRule {
    pub id: Checked<RuleId>,
    #[serde(default = "deny")]
    pub level: Level,
    /// Canonical crate-name globs the rule applies to; empty = every crate.
    #[serde(default)]
    pub crates: Vec<Checked<Glob>>,
    pub message: String,
    pub help: String,
    pub require: Condition,
}
fields!(validate CustomRule { id, crates, require });

fn deny() -> Level {
    Level::Deny
}

/// A custom rule id: kebab-case, not a built-in id; interned.
#[derive(Debug, Clone, Copy)]
pub struct RuleId(pub &'static str);

impl Compile for RuleId {
    fn compile(text: &str) -> Result<Self, String> {
        let kebab = text.starts_with(|c: char| c.is_ascii_lowercase())
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !text.ends_with('-')
            && !text.contains("--");
        if !kebab || text.len() > MAX_ID_LEN {
            return Err(format!(
                "a rule id is kebab-case (`acme-team-required`): lowercase letters, digits and single `-`, a letter first, at most {MAX_ID_LEN} characters"
            ));
        }
        if ids::find(text).is_some() {
            return Err(
                "clashes with a built-in rule id (`crategate policy explain` lists them)"
                    .to_owned(),
            );
        }
        Ok(Self(intern(text)))
    }
}

/// The one `&'static str` for `id`, leaked once per distinct id.
fn intern(id: &str) -> &'static str {
    static IDS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut ids = IDS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = ids.get(id) {
        return known;
    }
    let leaked: &'static str = Box::leak(id.to_owned().into_boxed_str());
    ids.insert(leaked);
    leaked
}

impl CustomRule {
    /// The rule's id (only on a loaded policy).
    #[must_use]
    pub fn id(&self) -> &'static str {
        self.id.get().0
    }

    fn applies_to(&self, canonical: &str) -> bool {
        self.crates.is_empty() || self.crates.iter().any(|g| g.get().matches(canonical))
    }
}

/// Duplicate ids among `rules`, each reported at its second use.
pub(crate) fn check_ids(rules: &[Spanned<CustomRule>], out: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    for rule in rules {
        let id = rule.get_ref().id.text();
        if !seen.insert(id) {
            out.push(Problem {
                span: Some(rule.get_ref().id.span()),
                message: format!("rule id `{id}` is used by an earlier [[rule]]"),
            });
        }
    }
}

/// What the reader must keep for these rules' file-text requirements.
pub(crate) fn keep(rules: &[CustomRule]) -> Keep {
    let mut patterns = Vec::new();
    for rule in rules {
        rule.require.keep(&mut patterns);
    }
    Keep::new(patterns)
}

/// What a rule's requirement is evaluated against: the crate, and its
/// manifests parsed with spans, each at most once per crate.
pub(super) struct Input<'c, 'a> {
    ctx: &'c Ctx<'a>,
    orig: OnceCell<Option<Spanned<DeTable<'a>>>>,
}

/// What a path of keys leads to, looked up without the tree.
pub(super) enum Lookup<'a> {
    /// This value, parsed on its own.
    Value(Spanned<DeValue<'a>>),
    /// Nothing: the key is missing, or the path leads through a value
    /// that is not a table.
    Absent,
}

impl<'a> Lookup<'a> {
    fn value(&self) -> Option<&Spanned<DeValue<'a>>> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent => None,
        }
    }
}

/// A packaged manifest file a condition reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ManifestFile {
    /// The normalized manifest `cargo package` wrote.
    #[default]
    #[serde(rename = "Cargo.toml")]
    Packaged,
    /// The manifest as the author wrote it.
    #[serde(rename = "Cargo.toml.orig")]
    Orig,
}

impl ManifestFile {
    fn name(self) -> &'static str {
        match self {
            Self::Packaged => "Cargo.toml",
            Self::Orig => "Cargo.toml.orig",
        }
    }
}

impl<'a> Input<'_, 'a> {
    fn krate(&self) -> &'a crate::crate_file::CrateFile {
        self.ctx.krate
    }

    /// Whether `file` was parsed into a tree already (then looking in it
    /// costs less than any shortcut).
    fn has_tree(&self, file: ManifestFile) -> bool {
        match file {
            ManifestFile::Packaged => self.ctx.tree.get().is_some(),
            ManifestFile::Orig => self.orig.get().is_some(),
        }
    }

    /// The text of `Cargo.toml.orig`, if kept and UTF-8.
    fn orig_text(&self) -> Option<&'a str> {
        self.ctx
            .krate
            .kept
            .get("Cargo.toml.orig")
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The value at `keys` in the packaged manifest, found without parsing
    /// the manifest into a tree; `None` when only the tree can tell
    /// (another file, a table made by headers, a tree already parsed).
    fn value_at(&self, file: ManifestFile, keys: &[&str]) -> Option<Lookup<'a>> {
        if file != ManifestFile::Packaged {
            return None;
        }
        let text = self.ctx.krate.manifest_text.as_str();
        match self.ctx.scan(keys) {
            Scan::Missing => Some(Lookup::Absent),
            Scan::At(Found::Value(span)) => DeValue::parse(text.get(span)?).ok().map(Lookup::Value),
            Scan::At(Found::Table(_)) | Scan::Tree => None,
        }
    }

    /// The text and table of a manifest; `None` when it is missing, was
    /// not kept, or does not parse.
    fn manifest(&self, file: ManifestFile) -> Option<(&'a str, &Spanned<DeTable<'a>>)> {
        match file {
            ManifestFile::Packaged => {
                Some((self.ctx.krate.manifest_text.as_str(), self.ctx.tree()?))
            }
            ManifestFile::Orig => {
                let text = self.orig_text();
                let table = self
                    .orig
                    .get_or_init(|| text.and_then(|t| DeTable::parse(t).ok()))
                    .as_ref()?;
                Some((text?, table))
            }
        }
    }

    /// Where `key` is in `file`, for a finding.
    fn locate(&self, file: ManifestFile, key: &[&str]) -> Option<Location> {
        if file == ManifestFile::Packaged {
            return self.ctx.locate(key);
        }
        let (text, table) = self.manifest(file)?;
        let root = self.ctx.manifest_path.trim_end_matches("Cargo.toml");
        let label = format!("{root}{}", file.name());
        crate::diag::locate::locate_in(table, &crate::diag::locate::Lines::new(text), &label, key)
    }
}

/// Checks every custom rule that applies to the crate in `ctx`.
pub(super) fn check(rules: &[CustomRule], ctx: &mut Ctx<'_>) {
    let mut failed = Vec::new();
    {
        let input = Input {
            ctx,
            orig: OnceCell::new(),
        };
        for rule in rules.iter().filter(|r| r.applies_to(&ctx.canonical)) {
            let level = ctx
                .settings
                .levels
                .get(rule.id())
                .map_or(rule.level, |l| *l.get_ref());
            if level == Level::Allow {
                continue;
            }
            let outcome = rule.require.eval(&input);
            if !outcome.holds {
                failed.push((rule, level, outcome.witness));
            }
        }
    }
    for (rule, level, witness) in failed {
        let mut report =
            Report::new(&rule.message, &rule.help).policy(format!("[[rule]] {}", rule.id()));
        if let Some(w) = witness {
            if let Some(value) = w.value {
                report = report.value(value);
            }
            if let Some(location) = w.location {
                report = report.at(location);
            }
        }
        ctx.report_at(rule.id(), level, report);
    }
}

/// What `policy explain <ID>` prints for a custom rule.
#[must_use]
pub fn explain(rule: &CustomRule) -> String {
    let crates = if rule.crates.is_empty() {
        "every crate".to_owned()
    } else {
        rule.crates
            .iter()
            .map(Checked::text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "{id}\n  family:        custom ([[rule]] in the policy)\n  default level: {level}\n  crates:        {crates}\n\n  {message}\n  help: {help}\n\n  requires:\n",
        id = rule.id(),
        level = rule.level.as_str(),
        message = rule.message,
        help = rule.help,
    );
    rule.require.describe(2, &mut out);
    out
}
