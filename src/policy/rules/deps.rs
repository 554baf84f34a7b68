//! Every dependency of a packaged manifest, flattened: normal, build and
//! dev, also under `[target.'cfg(..)'.*]`, with the manifest key path that
//! locates it for diagnostics.

use cargo_util_schemas::manifest::{InheritableDependency, TomlDependency, TomlManifest};
use std::collections::BTreeMap;

/// One dependency as packaged.
pub(super) struct Dep<'a> {
    /// The `[target.'…']` key the dependency's table is under, if any.
    target: Option<&'a str>,
    /// The dependency's table: `dependencies`, `dev-dependencies` or
    /// `build-dependencies`.
    table: &'static str,
    /// The dependency's key in that table.
    entry: &'a str,
    /// The crate depended on (`package` when renamed, else the key).
    pub name: &'a str,
    /// The version requirement, if any.
    pub req: Option<&'a str>,
    /// `registry-index`: `None` means crates.io.
    pub registry_index: Option<&'a str>,
    /// A `path` or `git` dependency without a version (never valid in a
    /// published crate; with a version, cargo takes it from the registry).
    pub local: bool,
    /// A dev-dependency without a version: `cargo package` drops those,
    /// old versions of cargo left them in, and cargo ignores them when it
    /// resolves a published crate.
    pub ignored: bool,
}

type Table = BTreeMap<cargo_util_schemas::manifest::PackageName, InheritableDependency>;

/// The three dependency tables of a manifest or a target, by key.
fn kinds<'a>(
    deps: Option<&'a Table>,
    dev: Option<&'a Table>,
    build: Option<&'a Table>,
) -> [(&'static str, Option<&'a Table>); 3] {
    [
        ("dependencies", deps),
        ("dev-dependencies", dev),
        ("build-dependencies", build),
    ]
}

/// Every dependency that counts (see [`Dep::ignored`]).
pub(super) fn all(m: &TomlManifest) -> Vec<Dep<'_>> {
    let mut out = Vec::new();
    for (kind, table) in kinds(
        m.dependencies.as_ref(),
        m.dev_dependencies(),
        m.build_dependencies(),
    ) {
        push(&mut out, None, kind, table);
    }
    for (cfg, platform) in m.target.iter().flatten() {
        for (kind, table) in kinds(
            platform.dependencies.as_ref(),
            platform.dev_dependencies(),
            platform.build_dependencies(),
        ) {
            push(&mut out, Some(cfg), kind, table);
        }
    }
    out.retain(|d| !d.ignored);
    out
}

fn push<'a>(
    out: &mut Vec<Dep<'a>>,
    target: Option<&'a str>,
    kind: &'static str,
    table: Option<&'a Table>,
) {
    for (key, dep) in table.into_iter().flatten() {
        let InheritableDependency::Value(dep) = dep else {
            continue;
        };
        let (entry, table) = (key.as_str(), kind);
        out.push(match dep {
            TomlDependency::Simple(req) => Dep {
                target,
                table,
                entry,
                name: key.as_str(),
                req: Some(req),
                registry_index: None,
                local: false,
                ignored: false,
            },
            TomlDependency::Detailed(d) => Dep {
                target,
                table,
                entry,
                name: d.package.as_ref().map_or(key.as_str(), |p| p.as_str()),
                req: d.version.as_deref(),
                registry_index: d.registry_index.as_deref(),
                local: (d.path.is_some() || d.git.is_some()) && d.version.is_none(),
                ignored: kind == "dev-dependencies" && d.version.is_none(),
            },
        });
    }
}

impl Dep<'_> {
    /// Key path of the dependency's entry, e.g. `["dependencies", "foo"]`,
    /// for `Report::key`.
    pub fn key(&self) -> Vec<&str> {
        match self.target {
            Some(cfg) => vec!["target", cfg, self.table, self.entry],
            None => vec![self.table, self.entry],
        }
    }
}
