//! The typed values a policy file holds, each compiled once at load:
//! levels, regular expressions, canonical-name globs, SPDX licensees and
//! expressions, version requirements, normalized registry URLs, sha256
//! digests and manifest field names.

use serde::Deserialize;

use super::checked::{Compile, Merge, Problem, Validate};
use crate::checksum::Checksum;
use crate::crate_name::canonical;
use crate::index::line::CRATES_IO_INDEX;

/// What a rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

impl Level {
    /// The severity of a finding at this level; `None` for `allow`.
    #[must_use]
    pub fn severity(self) -> Option<crate::diag::Severity> {
        match self {
            Self::Allow => None,
            Self::Warn => Some(crate::diag::Severity::Warning),
            Self::Deny => Some(crate::diag::Severity::Error),
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Warn => "warn",
            Self::Allow => "allow",
        }
    }
}

impl Validate for Level {
    fn validate(&self, _: &mut Vec<Problem>) {}
}

/// How `package.license` is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ParseMode {
    /// SPDX 2.3 exactly (deprecated ids are still read, and warned about).
    Strict,
    /// What crates.io accepts: `/` as `OR`, GNU `+` (`GPL-2.0+`).
    #[default]
    CratesIo,
    /// Also imprecise names such as `Apache 2.0` or `BSD`.
    Lax,
}

impl ParseMode {
    #[must_use]
    pub fn spdx(self) -> spdx::ParseMode {
        let lax = self == Self::Lax;
        let crates_io = self != Self::Strict;
        spdx::ParseMode {
            allow_slash_as_or_operator: crates_io,
            allow_imprecise_license_names: lax,
            allow_postfix_plus_on_gpl: crates_io,
            allow_deprecated: true,
            allow_unknown: false,
        }
    }
}

impl Validate for ParseMode {
    fn validate(&self, _: &mut Vec<Problem>) {}
}

/// A regular expression, searched (not anchored) in the value.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl Compile for Pattern {
    fn compile(text: &str) -> Result<Self, String> {
        regex::Regex::new(text)
            .map(Self)
            .map_err(|e| format!("not a regular expression: {}", one_line(&e.to_string())))
    }
}

/// A glob over canonical crate names: `*` any run, `?` one character.
/// The pattern is canonicalized too, so `acme-*` matches `Acme_Foo`.
#[derive(Debug, Clone)]
pub struct Glob(regex::Regex);

impl Glob {
    #[must_use]
    pub fn matches(&self, canonical_name: &str) -> bool {
        self.0.is_match(canonical_name)
    }
}

impl Compile for Glob {
    fn compile(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("an empty pattern matches no crate".to_owned());
        }
        let body: String = canonical(text)
            .chars()
            .map(|c| match c {
                '*' => ".*".to_owned(),
                '?' => ".".to_owned(),
                c => regex::escape(&c.to_string()),
            })
            .collect();
        regex::Regex::new(&format!("^{body}$"))
            .map(Self)
            .map_err(|e| one_line(&e.to_string()))
    }
}

/// A glob over paths in the crate repository: `*` and `?` stay within
/// one `/`-separated component, `**` crosses them.
#[derive(Debug, Clone)]
pub struct PathGlob(regex::Regex);

impl PathGlob {
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        self.0.is_match(path)
    }

    /// The anchored regular expression the glob compiles to.
    #[must_use]
    pub fn regex(&self) -> &regex::Regex {
        &self.0
    }
}

impl Compile for PathGlob {
    fn compile(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.starts_with('/') {
            return Err(
                "a path pattern is relative to the repository root and not empty".to_owned(),
            );
        }
        let mut body = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    body.push_str(".*");
                }
                '*' => body.push_str("[^/]*"),
                '?' => body.push_str("[^/]"),
                c => body.push_str(&regex::escape(&c.to_string())),
            }
        }
        regex::Regex::new(&format!("^{body}$"))
            .map(Self)
            .map_err(|e| one_line(&e.to_string()))
    }
}

/// What a push to a ref other than the tracked branch gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OtherRefs {
    /// Refused: the crate repository holds one branch.
    #[default]
    Refuse,
    /// Let through unjudged (they are never published).
    Ignore,
}

/// An allowed license, optionally `WITH` an exception (strict SPDX).
#[derive(Debug, Clone)]
pub struct Licensee(pub spdx::Licensee);

impl Compile for Licensee {
    fn compile(text: &str) -> Result<Self, String> {
        spdx::Licensee::parse(text)
            .map(Self)
            .map_err(|e| format!("not an SPDX license id: {}", e.reason))
    }
}

/// An SPDX expression written by the operator (strict SPDX).
#[derive(Debug, Clone)]
pub struct LicenseExpr(pub spdx::Expression);

impl Compile for LicenseExpr {
    fn compile(text: &str) -> Result<Self, String> {
        spdx::Expression::parse(text)
            .map(Self)
            .map_err(|e| format!("not an SPDX expression: {}", e.reason))
    }
}

/// A semver version requirement.
#[derive(Debug, Clone)]
pub struct Req(pub semver::VersionReq);

impl Compile for Req {
    fn compile(text: &str) -> Result<Self, String> {
        semver::VersionReq::parse(text)
            .map(Self)
            .map_err(|e| format!("not a version requirement: {e}"))
    }
}

/// A sha256 digest in hex.
#[derive(Debug, Clone)]
pub struct Sha256(pub Checksum);

impl Compile for Sha256 {
    fn compile(text: &str) -> Result<Self, String> {
        Checksum::from_hex(text)
            .map(Self)
            .ok_or_else(|| "not a sha256 (64 hex digits)".to_owned())
    }
}

/// A registry index URL, normalized (see [`normalize_registry`]);
/// `crates-io` names crates.io.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryUrl(pub String);

impl Compile for RegistryUrl {
    fn compile(text: &str) -> Result<Self, String> {
        if text == "crates-io" {
            return Ok(Self(CRATES_IO_INDEX.to_owned()));
        }
        let url = normalize_registry(text);
        let scheme_ok = ["https://", "http://", "file://", "ssh://", "git://"]
            .iter()
            .any(|s| url.starts_with(s));
        if scheme_ok {
            Ok(Self(url))
        } else {
            Err("not a registry URL (or `crates-io`)".to_owned())
        }
    }
}

/// The form in which two spellings of one registry index compare equal:
/// no `sparse+` or `registry+` prefix, no trailing `/` or `.git`, and
/// crates.io's sparse URL read as its git URL.
#[must_use]
pub fn normalize_registry(url: &str) -> String {
    let url = url.trim();
    let url = url
        .strip_prefix("sparse+")
        .or_else(|| url.strip_prefix("registry+"))
        .unwrap_or(url);
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    if url == "https://index.crates.io" {
        return CRATES_IO_INDEX.to_owned();
    }
    url.to_owned()
}

/// A manifest field `metadata.required` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Description,
    License,
    Repository,
    Homepage,
    Documentation,
    Readme,
    Authors,
    RustVersion,
    Edition,
    Keywords,
    Categories,
}

impl Field {
    pub const ALL: [(Self, &'static str); 11] = [
        (Self::Description, "description"),
        (Self::License, "license"),
        (Self::Repository, "repository"),
        (Self::Homepage, "homepage"),
        (Self::Documentation, "documentation"),
        (Self::Readme, "readme"),
        (Self::Authors, "authors"),
        (Self::RustVersion, "rust-version"),
        (Self::Edition, "edition"),
        (Self::Keywords, "keywords"),
        (Self::Categories, "categories"),
    ];

    #[must_use]
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, k)| *k)
            .expect("every field is in ALL")
    }
}

impl Compile for Field {
    fn compile(text: &str) -> Result<Self, String> {
        Field::ALL
            .iter()
            .find(|(_, k)| *k == text)
            .map(|(f, _)| *f)
            .ok_or_else(|| {
                let known: Vec<_> = Field::ALL.iter().map(|(_, k)| *k).collect();
                format!("not a field crategate checks; one of {}", known.join(", "))
            })
    }
}

impl Merge for Level {
    fn merge(&mut self, later: &Self) {
        *self = *later;
    }
}

/// Folds a multi-line message into one line.
pub(crate) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_canonical_names() {
        let g = Glob::compile("Acme-*").expect("glob");
        assert!(g.matches("acme_x"));
        assert!(!g.matches("xacme_x"));
        assert!(Glob::compile("a.b?").expect("glob").matches("a.bc"));
        assert!(Glob::compile("").is_err());
    }

    #[test]
    fn registry_urls_normalize() {
        assert_eq!(
            normalize_registry("sparse+https://index.crates.io/"),
            CRATES_IO_INDEX
        );
        assert_eq!(
            normalize_registry("https://x.test/index.git/"),
            "https://x.test/index"
        );
        assert_eq!(
            RegistryUrl::compile("crates-io").expect("ok").0,
            CRATES_IO_INDEX
        );
        assert!(RegistryUrl::compile("ftp://x").is_err());
    }

    #[test]
    fn values_compile_or_explain() {
        assert!(Licensee::compile("Apache-2.0 WITH LLVM-exception").is_ok());
        assert!(Licensee::compile("MIT OR Apache-2.0").is_err());
        assert!(LicenseExpr::compile("MIT AND ISC").is_ok());
        assert!(Req::compile(">=1, <2").is_ok());
        assert!(Req::compile("one").is_err());
        assert!(Sha256::compile("ab").is_err());
        assert!(Pattern::compile("(").is_err());
        assert_eq!(
            Field::compile("rust-version").expect("ok").key(),
            "rust-version"
        );
        assert!(
            Field::compile("colour")
                .expect_err("unknown")
                .contains("description")
        );
    }
}
