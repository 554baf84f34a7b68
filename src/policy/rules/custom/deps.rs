//! Dependency requirements: some dependency of the packaged `Cargo.toml`
//! (or `Cargo.toml.orig`) matches a filter. Every field of the filter
//! that is set must match; `not = { dependency = ... }` forbids.
//!
//! Dependencies are read from `[dependencies]`, `[dev-dependencies]`,
//! `[build-dependencies]` (and their old `_` spellings), also under
//! `[target.'…']`. A dependency's name is its `package` when renamed; its
//! requirement is `*` when it has none; its registry is its
//! `registry-index` (normalized), else its `registry` name, else crates.io;
//! its source is `git` or `path` when it has that key, else `registry`.

use std::fmt::{self, Write as _};

use cargo_util_schemas::manifest::{InheritableDependency, TomlDependency, TomlManifest};
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::super::spans;
use super::condition::{Outcome, Witness};
use super::{Input, ManifestFile};
use crate::crate_name::canonical;
use crate::index::line::CRATES_IO_INDEX;
use crate::policy::checked::{Checked, fields};
use crate::policy::values::{Glob, Pattern, normalize_registry};

/// A dependency kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Normal,
    Dev,
    Build,
}

/// Where a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Registry,
    Git,
    Path,
}

const TABLES: &[(&str, Kind)] = &[
    ("dependencies", Kind::Normal),
    ("dev-dependencies", Kind::Dev),
    ("dev_dependencies", Kind::Dev),
    ("build-dependencies", Kind::Build),
    ("build_dependencies", Kind::Build),
];

/// `dependency = { ... }`: which dependencies match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DepFilter {
    pub file: ManifestFile,
    /// Canonical-name globs of the crate depended on.
    pub name: Vec<Checked<Glob>>,
    pub kinds: Vec<Kind>,
    /// A regex searched in the `[target.'…']` key; platform-independent
    /// dependencies never match it.
    pub target: Option<Checked<Pattern>>,
    /// A regex searched in the version requirement.
    pub req: Option<Checked<Pattern>>,
    /// Whether the dependency has a version requirement at all.
    pub has_version: Option<bool>,
    /// Registry index URLs, registry names, or `crates-io`.
    pub registry: Vec<String>,
    pub source: Vec<Source>,
    /// The dependency enables one of these features.
    pub features: Vec<String>,
    pub default_features: Option<bool>,
    pub optional: Option<bool>,
}
fields!(validate DepFilter { name, target, req });

/// One dependency as written.
struct Dep<'t, 'a> {
    key: Vec<&'t str>,
    kind: Kind,
    target: Option<&'t str>,
    name: &'t str,
    value: &'t DeValue<'a>,
}

impl<'t> Dep<'t, '_> {
    fn field(&self, key: &str) -> Option<&'t DeValue<'_>> {
        match self.value {
            DeValue::Table(t) => t.get(key).map(Spanned::get_ref),
            _ => None,
        }
    }

    fn flag(&self, keys: &[&str]) -> Option<bool> {
        keys.iter()
            .find_map(|k| self.field(k))
            .and_then(DeValue::as_bool)
    }

    fn req(&self) -> Option<&str> {
        match self.value {
            DeValue::String(s) => Some(s),
            _ => self.field("version").and_then(DeValue::as_str),
        }
    }

    fn registry(&self) -> String {
        if let Some(index) = self.field("registry-index").and_then(DeValue::as_str) {
            normalize_registry(index)
        } else if let Some(name) = self.field("registry").and_then(DeValue::as_str) {
            name.to_owned()
        } else {
            CRATES_IO_INDEX.to_owned()
        }
    }

    fn source(&self) -> Source {
        if self.field("git").is_some() {
            Source::Git
        } else if self.field("path").is_some() {
            Source::Path
        } else {
            Source::Registry
        }
    }
}

fn collect<'t, 'a>(
    table: &'t DeTable<'a>,
    prefix: &[&'t str],
    target: Option<&'t str>,
    out: &mut Vec<Dep<'t, 'a>>,
) {
    for (table_key, kind) in TABLES {
        let Some((k, deps)) = table.get_key_value(*table_key) else {
            continue;
        };
        let Some(deps) = deps.get_ref().as_table() else {
            continue;
        };
        for (name, value) in deps {
            let mut key = prefix.to_vec();
            key.extend([k.get_ref().as_ref(), name.get_ref().as_ref()]);
            let renamed = match value.get_ref() {
                DeValue::Table(t) => t.get("package").and_then(|p| p.get_ref().as_str()),
                _ => None,
            };
            let name = renamed.unwrap_or(name.get_ref().as_ref());
            out.push(Dep {
                key,
                kind: *kind,
                target,
                name,
                value: value.get_ref(),
            });
        }
    }
}

/// Every dependency of a manifest, in manifest order by table.
fn all<'t, 'a>(root: &'t DeTable<'a>) -> Vec<Dep<'t, 'a>> {
    let mut out = Vec::new();
    collect(root, &[], None, &mut out);
    let targets = root
        .get_key_value("target")
        .and_then(|(k, v)| Some((k, v.get_ref().as_table()?)));
    if let Some((target_key, targets)) = targets {
        for (cfg, platform) in targets {
            if let Some(platform) = platform.get_ref().as_table() {
                let cfg = cfg.get_ref().as_ref();
                collect(
                    platform,
                    &[target_key.get_ref().as_ref(), cfg],
                    Some(cfg),
                    &mut out,
                );
            }
        }
    }
    out
}

impl DepFilter {
    fn matches(&self, dep: &Dep<'_, '_>) -> bool {
        let name = canonical(dep.name);
        let req = dep.req();
        let features = dep.field("features").and_then(DeValue::as_array);
        let enables = |f: &String| {
            features.is_some_and(|a| a.iter().any(|v| v.get_ref().as_str() == Some(f)))
        };
        (self.name.is_empty() || self.name.iter().any(|g| g.get().matches(&name)))
            && (self.kinds.is_empty() || self.kinds.contains(&dep.kind))
            && self
                .target
                .as_ref()
                .is_none_or(|re| dep.target.is_some_and(|t| re.get().0.is_match(t)))
            && self
                .req
                .as_ref()
                .is_none_or(|re| re.get().0.is_match(req.unwrap_or("*")))
            && self.has_version.is_none_or(|has| req.is_some() == has)
            && (self.registry.is_empty()
                || self
                    .registry
                    .iter()
                    .any(|r| registry_is(r, &dep.registry())))
            && (self.source.is_empty() || self.source.contains(&dep.source()))
            && (self.features.is_empty() || self.features.iter().any(enables))
            && self.default_features.is_none_or(|d| {
                dep.flag(&["default-features", "default_features"])
                    .unwrap_or(true)
                    == d
            })
            && self
                .optional
                .is_none_or(|o| dep.flag(&["optional"]).unwrap_or(false) == o)
    }

    pub(super) fn eval(&self, input: &Input<'_, '_>) -> Outcome {
        if !input.has_tree(self.file) {
            let excluded = match self.file {
                ManifestFile::Packaged => !self.may_name(&input.krate().manifest.toml),
                ManifestFile::Orig => input.orig_text().is_some_and(|text| {
                    !self
                        .required_keys()
                        .iter()
                        .all(|keys| spans::may_have_key(text, keys))
                }),
            };
            if excluded {
                return Outcome::new(false, None);
            }
        }
        let Some((_, table)) = input.manifest(self.file) else {
            return Outcome::new(false, None);
        };
        match all(table.get_ref()).iter().find(|d| self.matches(d)) {
            Some(dep) => Outcome::new(
                true,
                Some(Witness {
                    value: Some(dep.name.to_owned()),
                    location: input.locate(self.file, &dep.key),
                }),
            ),
            None => Outcome::new(false, None),
        }
    }

    pub(super) fn describe(&self, pad: &str, out: &mut String) {
        let _ = writeln!(out, "{pad}a dependency {self}");
    }

    /// Keys a dependency must have to match: for each list, one of its
    /// keys. When the text has no such key anywhere, nothing matches.
    fn required_keys(&self) -> Vec<&'static [&'static str]> {
        let mut out: Vec<&[&str]> = Vec::new();
        match (
            self.source.contains(&Source::Git),
            self.source.contains(&Source::Path),
            self.source.contains(&Source::Registry),
        ) {
            (_, _, true) | (false, false, false) => {}
            (true, false, false) => out.push(&["git"]),
            (false, true, false) => out.push(&["path"]),
            (true, true, false) => out.push(&["git", "path"]),
        }
        if !self.features.is_empty() {
            out.push(&["features"]);
        }
        if self.optional == Some(true) {
            out.push(&["optional"]);
        }
        if self.default_features == Some(false) {
            out.push(&["default-features", "default_features"]);
        }
        out
    }

    /// Whether some dependency of the packaged manifest, typed by cargo's
    /// schema (parsed from the same text), may have a name the filter
    /// asks for: when not, no dependency matches and the manifest need
    /// not be parsed again into a tree. Every dependency table, in both
    /// spellings, is looked at; a dependency inherited from a workspace
    /// (refused elsewhere) may be renamed by a key the schema does not
    /// type, so it may match.
    fn may_name(&self, m: &TomlManifest) -> bool {
        if self.name.is_empty() {
            return true;
        }
        let named = |name: &str| {
            let name = canonical(name);
            self.name.iter().any(|g| g.get().matches(&name))
        };
        let platforms = m.target.iter().flatten().map(|(_, p)| {
            [
                &p.dependencies,
                &p.dev_dependencies,
                &p.dev_dependencies2,
                &p.build_dependencies,
                &p.build_dependencies2,
            ]
        });
        [
            &m.dependencies,
            &m.dev_dependencies,
            &m.dev_dependencies2,
            &m.build_dependencies,
            &m.build_dependencies2,
        ]
        .into_iter()
        .chain(platforms.flatten())
        .flatten()
        .flatten()
        .any(|(key, dep)| match dep {
            InheritableDependency::Inherit(_) => true,
            InheritableDependency::Value(TomlDependency::Simple(_)) => named(key.as_str()),
            InheritableDependency::Value(TomlDependency::Detailed(d)) => {
                named(d.package.as_ref().map_or(key.as_str(), |p| p.as_str()))
            }
        })
    }
}

/// Whether a policy's registry entry names the dependency's registry.
fn registry_is(entry: &str, registry: &str) -> bool {
    if entry == "crates-io" {
        registry == CRATES_IO_INDEX
    } else {
        normalize_registry(entry) == registry
    }
}

impl fmt::Display for DepFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.file == ManifestFile::Orig {
            parts.push("in Cargo.toml.orig".to_owned());
        }
        let list = |v: Vec<String>| v.join(" or ");
        if !self.name.is_empty() {
            parts.push(format!(
                "named {}",
                list(self.name.iter().map(|g| g.text().to_owned()).collect())
            ));
        }
        if !self.kinds.is_empty() {
            parts.push(format!(
                "of kind {}",
                list(
                    self.kinds
                        .iter()
                        .map(|k| format!("{k:?}").to_lowercase())
                        .collect()
                )
            ));
        }
        if let Some(re) = &self.target {
            parts.push(format!("for a target matching /{}/", re.text()));
        }
        if let Some(re) = &self.req {
            parts.push(format!("with a requirement matching /{}/", re.text()));
        }
        if let Some(has) = self.has_version {
            parts.push(
                if has {
                    "with a version"
                } else {
                    "without a version"
                }
                .to_owned(),
            );
        }
        if !self.registry.is_empty() {
            parts.push(format!("from {}", list(self.registry.clone())));
        }
        if !self.source.is_empty() {
            parts.push(format!(
                "with source {}",
                list(
                    self.source
                        .iter()
                        .map(|s| format!("{s:?}").to_lowercase())
                        .collect()
                )
            ));
        }
        if !self.features.is_empty() {
            parts.push(format!("enabling feature {}", list(self.features.clone())));
        }
        if let Some(d) = self.default_features {
            parts.push(format!("with default-features = {d}"));
        }
        if let Some(o) = self.optional {
            parts.push(format!("with optional = {o}"));
        }
        if parts.is_empty() {
            parts.push("(any)".to_owned());
        }
        f.write_str(&parts.join(", "))
    }
}
