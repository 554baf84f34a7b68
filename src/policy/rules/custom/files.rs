//! Requirements on the files of a package: one must exist, none may, a
//! size limit, and a regex over each matching file's text, read with a
//! bound (the reader keeps the first `max-read` bytes of matching files;
//! see `crate::crate_file::Keep`).

use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::condition::{Outcome, Witness};
use crate::crate_file::{CrateFile, Entry, EntryKind};
use crate::policy::checked::{Checked, Compile, Problem, Validate, fields};
use crate::policy::values::{PathGlob, one_line};

/// Default `max-read`: as much as the reader keeps of its own small files.
const DEFAULT_MAX_READ: u64 = 64 * 1024;
/// Largest `max-read`.
const MAX_MAX_READ: u64 = 1024 * 1024;

/// A glob over paths relative to the package root (`src/**/*.rs`): `*`
/// and `?` stay within a `/`-separated component, `**` crosses them.
#[derive(Debug, Clone)]
pub struct FileGlob(PathGlob);

impl Compile for FileGlob {
    fn compile(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.starts_with('/') {
            return Err("a file pattern is relative to the package root (`LICENSE*`, `src/**/*.rs`) and not empty".to_owned());
        }
        PathGlob::compile(text).map(Self)
    }
}

/// One or more file globs; a file matches when any does. The globs are
/// also compiled into one regex, so a path is matched once per condition
/// however many globs it lists.
#[derive(Debug, Clone)]
pub struct Files {
    globs: Spanned<Vec<Checked<FileGlob>>>,
    /// `None` when a glob failed to compile (the policy does not load).
    any: Option<regex::Regex>,
}

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let globs = Spanned::<Vec<Checked<FileGlob>>>::deserialize(deserializer)?;
        let mut sources = Vec::new();
        for glob in globs.get_ref() {
            match FileGlob::compile(glob.text()) {
                Ok(g) => sources.push(format!("(?:{})", g.0.regex().as_str())),
                Err(_) => return Ok(Self { globs, any: None }),
            }
        }
        let any = regex::Regex::new(&sources.join("|")).ok();
        Ok(Self { globs, any })
    }
}

impl Files {
    fn matches(&self, path: &str) -> bool {
        self.any
            .as_ref()
            .expect("a Policy is only built when every glob compiled")
            .is_match(path)
    }

    /// The package's files that match, in archive order.
    fn matching<'k>(&self, krate: &'k CrateFile) -> impl Iterator<Item = &'k Entry> {
        krate
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::File && self.matches(&e.path))
    }

    /// Holds when a file matches; the witness is the first one.
    pub(super) fn exists(&self, krate: &CrateFile) -> Outcome {
        match self.matching(krate).next() {
            Some(e) => Outcome::new(true, Some(Witness::value(&e.path))),
            None => Outcome::new(false, Some(Witness::value(self.to_string()))),
        }
    }
}

impl fmt::Display for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let globs: Vec<&str> = self.globs.get_ref().iter().map(Checked::text).collect();
        f.write_str(&globs.join(" or "))
    }
}

impl Validate for Files {
    fn validate(&self, out: &mut Vec<Problem>) {
        if self.globs.get_ref().is_empty() {
            out.push(Problem {
                span: Some(self.globs.span()),
                message: "list at least one file pattern".to_owned(),
            });
        }
        self.globs.validate(out);
    }
}

/// `file-size = { files = [...], max = <bytes> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSize {
    pub files: Files,
    pub max: u64,
}
fields!(validate FileSize { files });

impl FileSize {
    pub(super) fn eval(&self, krate: &CrateFile) -> Outcome {
        match self.files.matching(krate).find(|e| e.size > self.max) {
            Some(e) => Outcome::new(
                false,
                Some(Witness::value(format!("{} ({} bytes)", e.path, e.size))),
            ),
            None => Outcome::new(true, None),
        }
    }
}

impl fmt::Display for FileSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "every file matching {} is at most {} bytes",
            self.files, self.max
        )
    }
}

/// A regular expression over file bytes (searched, not anchored).
#[derive(Debug, Clone)]
pub struct TextPattern(regex::bytes::Regex);

impl Compile for TextPattern {
    fn compile(text: &str) -> Result<Self, String> {
        regex::bytes::Regex::new(text)
            .map(Self)
            .map_err(|e| format!("not a regular expression: {}", one_line(&e.to_string())))
    }
}

/// `file-text = { files = [...], matches | not-matches = "regex", max-read = <bytes> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileText {
    pub files: Files,
    pub matches: Option<Checked<TextPattern>>,
    pub not_matches: Option<Checked<TextPattern>>,
    pub max_read: Option<Spanned<u64>>,
}

impl FileText {
    fn max_read(&self) -> u64 {
        self.max_read
            .as_ref()
            .map_or(DEFAULT_MAX_READ, |m| *m.get_ref())
    }

    /// The text the rule reads of `entry`: at most `max-read` bytes.
    fn text<'k>(&self, krate: &'k CrateFile, entry: &Entry) -> &'k [u8] {
        let all = if entry.path == "Cargo.toml" {
            krate.manifest_text.as_bytes()
        } else {
            krate.kept.get(&entry.path).map_or(&[][..], Vec::as_slice)
        };
        &all[..all.len().min(self.max_read() as usize)]
    }

    pub(super) fn eval(&self, krate: &CrateFile) -> Outcome {
        for entry in self.files.matching(krate) {
            let text = self.text(krate, entry);
            if let Some(re) = &self.matches
                && !re.get().0.is_match(text)
            {
                return Outcome::new(false, Some(Witness::value(&entry.path)));
            }
            if let Some(re) = &self.not_matches
                && let Some(m) = re.get().0.find(text)
            {
                let line = text[..m.start()].split(|b| *b == b'\n').count();
                let value = format!("{}:{line}", entry.path);
                return Outcome::new(false, Some(Witness::value(value)));
            }
        }
        Outcome::new(true, None)
    }

    pub(super) fn keep(&self, out: &mut Vec<(regex::Regex, u64)>) {
        if let Some(any) = &self.files.any {
            out.push((any.clone(), self.max_read()));
        }
    }
}

impl fmt::Display for FileText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the first {} bytes of every file matching {}",
            self.max_read(),
            self.files
        )?;
        if let Some(re) = &self.matches {
            write!(f, " match /{}/", re.text())?;
        }
        if let Some(re) = &self.not_matches {
            let and = if self.matches.is_some() { " and" } else { "" };
            write!(f, "{and} do not match /{}/", re.text())?;
        }
        Ok(())
    }
}

impl Validate for FileText {
    fn validate(&self, out: &mut Vec<Problem>) {
        self.files.validate(out);
        self.matches.validate(out);
        self.not_matches.validate(out);
        if self.matches.is_none() && self.not_matches.is_none() {
            out.push(Problem {
                span: Some(self.files.globs.span()),
                message: "file-text needs `matches` or `not-matches`".to_owned(),
            });
        }
        if let Some(m) = &self.max_read
            && (*m.get_ref() == 0 || *m.get_ref() > MAX_MAX_READ)
        {
            out.push(Problem {
                span: Some(m.span()),
                message: format!("max-read is between 1 and {MAX_MAX_READ} bytes"),
            });
        }
    }
}
