//! Every dependency of a packaged manifest, flattened: normal, build and
//! dev, also under `[target.'cfg(..)'.*]`, with the manifest key path that
//! locates it for diagnostics.

use cargo_util_schemas::manifest::{InheritableDependency, TomlDependency, TomlManifest};
use std::collections::BTreeMap;

/// One dependency as packaged.
pub(super) struct Dep<'a> {
    /// Key path of the dependency's entry, e.g. `["dependencies", "foo"]`.
    pub path: Vec<String>,
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
        push(&mut out, &[kind], table);
    }
    for (cfg, platform) in m.target.iter().flatten() {
        for (kind, table) in kinds(
            platform.dependencies.as_ref(),
            platform.dev_dependencies(),
            platform.build_dependencies(),
        ) {
            push(&mut out, &["target", cfg, kind], table);
        }
    }
    out.retain(|d| !d.ignored);
    out
}

fn push<'a>(out: &mut Vec<Dep<'a>>, prefix: &[&str], table: Option<&'a Table>) {
    for (key, dep) in table.into_iter().flatten() {
        let InheritableDependency::Value(dep) = dep else {
            continue;
        };
        let path = prefix
            .iter()
            .map(|s| (*s).to_owned())
            .chain([key.to_string()])
            .collect();
        out.push(match dep {
            TomlDependency::Simple(req) => Dep {
                path,
                name: key.as_str(),
                req: Some(req),
                registry_index: None,
                local: false,
                ignored: false,
            },
            TomlDependency::Detailed(d) => Dep {
                path,
                name: d.package.as_ref().map_or(key.as_str(), |p| p.as_str()),
                req: d.version.as_deref(),
                registry_index: d.registry_index.as_deref(),
                local: (d.path.is_some() || d.git.is_some()) && d.version.is_none(),
                ignored: prefix.last() == Some(&"dev-dependencies") && d.version.is_none(),
            },
        });
    }
}

impl Dep<'_> {
    /// The key path as `&str`s, for `Report::key`.
    pub fn key(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }
}
