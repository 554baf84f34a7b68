//! The `deps` of an index line, as cargo reports them to crates.io.
//!
//! Every dependency table counts: `[dependencies]`, `[dev-dependencies]`,
//! `[build-dependencies]` (each also in its old `_` spelling, the `-` one
//! winning when both exist, as in cargo) and the same three under every
//! `[target.'…']`. A dependency's `name` is its manifest key; when the key
//! renames a crate (`package = "real"`) the real crate goes to `package`.
//! `req` is the requirement parsed and re-printed by `semver` (`1.0` becomes
//! `^1.0`), `*` when an old manifest gives none; `target` is the `[target]` key
//! exactly as written, once cargo's own `cargo-platform` has accepted it.
//! (Lines published before late 2023 carry the key re-printed in cargo's
//! spacing, `cfg(any(unix, windows))`; crates.io's lines since then, e.g.
//! ring 0.17 and libp2p 0.57, keep the manifest's spelling, and so do we.)
//!
//! Order: crates.io sorts by `name`, then kind (`normal` < `build` <
//! `dev`), then `req`, `optional`, `default_features`, `target`, `package`,
//! `features`; `registry` (never set on crates.io) breaks the last ties.
//!
//! `registry` depends on the [`Mode`]. A mirror writes crates.io's lines: no
//! `registry` for crates.io dependencies (also one whose `registry-index`
//! is crates.io's), the `registry-index` URL for others. An alternate registry names crates.io's index for dependencies
//! without `registry-index` and none for dependencies on itself. Whether a
//! `registry-index` means this registry (or crates.io) is decided on the URL
//! with `sparse+`, a trailing `/` and a trailing `.git` removed: cargo
//! reaches the same index through its git and its sparse URL, and a line
//! must not send it to a second source for the same crates.

use std::collections::BTreeMap;
use std::str::FromStr;

use cargo_util_schemas::manifest::{
    InheritableDependency, PackageName, TomlDependency, TomlManifest,
};
use serde::{Deserialize, Serialize};

use super::{CRATES_IO_INDEX, LineError, Mode};

/// crates.io's sparse index, the other URL cargo knows crates.io by.
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// Which table a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

/// One entry of `deps`, fields in cargo's and crates.io's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDep {
    pub name: String,
    pub req: String,
    pub features: Vec<String>,
    pub optional: bool,
    pub default_features: bool,
    pub target: Option<String>,
    pub kind: DepKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

type Table = BTreeMap<PackageName, InheritableDependency>;

/// Every dependency of the manifest, sorted as crates.io sorts them.
pub(super) fn collect(toml: &TomlManifest, mode: &Mode) -> Result<Vec<IndexDep>, LineError> {
    let mut deps = Vec::new();
    let mut add = |table: Option<&Table>, kind, target: Option<&str>| -> Result<(), LineError> {
        for (key, dep) in table.into_iter().flatten() {
            deps.push(entry(key, dep, kind, target, mode)?);
        }
        Ok(())
    };
    let dev = toml
        .dev_dependencies
        .as_ref()
        .or(toml.dev_dependencies2.as_ref());
    let build = toml
        .build_dependencies
        .as_ref()
        .or(toml.build_dependencies2.as_ref());
    add(toml.dependencies.as_ref(), DepKind::Normal, None)?;
    add(build, DepKind::Build, None)?;
    add(dev, DepKind::Dev, None)?;
    for (key, platform) in toml.target.iter().flatten() {
        check_target(key)?;
        let target = Some(key.as_str());
        add(platform.dependencies.as_ref(), DepKind::Normal, target)?;
        add(platform.build_dependencies(), DepKind::Build, target)?;
        add(platform.dev_dependencies(), DepKind::Dev, target)?;
    }
    deps.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    Ok(deps)
}

type SortKey<'a> = (
    &'a str,
    DepKind,
    &'a str,
    bool,
    bool,
    Option<&'a str>,
    Option<&'a str>,
    &'a [String],
    Option<&'a str>,
);

fn sort_key(dep: &IndexDep) -> SortKey<'_> {
    (
        &dep.name,
        dep.kind,
        &dep.req,
        dep.optional,
        dep.default_features,
        dep.target.as_deref(),
        dep.package.as_deref(),
        &dep.features,
        dep.registry.as_deref(),
    )
}

/// Refuses a target key cargo would not parse.
fn check_target(key: &str) -> Result<(), LineError> {
    cargo_platform::Platform::from_str(key)
        .map(drop)
        .map_err(|e| LineError::BadTarget {
            target: key.to_owned(),
            reason: e.to_string(),
        })
}

fn entry(
    key: &PackageName,
    dep: &InheritableDependency,
    kind: DepKind,
    target: Option<&str>,
    mode: &Mode,
) -> Result<IndexDep, LineError> {
    let name = key.to_string();
    let InheritableDependency::Value(dep) = dep else {
        return Err(LineError::InheritedDependency { dep: name });
    };
    let detail = match dep {
        TomlDependency::Simple(version) => {
            return Ok(IndexDep {
                req: requirement(&name, Some(version))?,
                features: Vec::new(),
                optional: false,
                default_features: true,
                target: target.map(str::to_owned),
                kind,
                registry: registry(None, mode),
                package: None,
                name,
            });
        }
        TomlDependency::Detailed(detail) => detail,
    };
    if detail.version.is_none() {
        let via = if detail.path.is_some() {
            Some("path")
        } else if detail.git.is_some() {
            Some("git repository")
        } else {
            None
        };
        if let Some(via) = via {
            return Err(LineError::NoVersion { dep: name, via });
        }
    }
    if let (Some(registry), None) = (&detail.registry, &detail.registry_index) {
        return Err(LineError::RegistryName {
            dep: name,
            registry: registry.to_string(),
        });
    }
    Ok(IndexDep {
        req: requirement(&name, detail.version.as_deref())?,
        features: detail.features.clone().unwrap_or_default(),
        optional: detail.optional.unwrap_or(false),
        default_features: detail.default_features().unwrap_or(true),
        target: target.map(str::to_owned),
        kind,
        registry: registry(detail.registry_index.as_deref(), mode),
        package: detail.package.as_ref().map(ToString::to_string),
        name,
    })
}

/// `version` parsed and re-printed; no version at all means any (`*`).
fn requirement(dep: &str, version: Option<&str>) -> Result<String, LineError> {
    let Some(version) = version else {
        return Ok("*".to_owned());
    };
    semver::VersionReq::parse(version)
        .map(|req| req.to_string())
        .map_err(|e| LineError::BadRequirement {
            dep: dep.to_owned(),
            req: version.to_owned(),
            reason: e.to_string(),
        })
}

/// The `registry` of a dependency with this `registry-index`.
fn registry(index: Option<&str>, mode: &Mode) -> Option<String> {
    let crates_io = index
        .is_none_or(|url| same_index(url, CRATES_IO_INDEX) || same_index(url, CRATES_IO_SPARSE));
    match mode {
        Mode::Mirror if crates_io => None,
        Mode::Alternate { .. } if crates_io => Some(CRATES_IO_INDEX.to_owned()),
        Mode::Alternate { index_url } if index.is_some_and(|url| same_index(url, index_url)) => {
            None
        }
        Mode::Mirror | Mode::Alternate { .. } => index.map(str::to_owned),
    }
}

/// Whether two index URLs name the same index (see the module notes).
fn same_index(a: &str, b: &str) -> bool {
    fn plain(url: &str) -> &str {
        let url = url.strip_prefix("sparse+").unwrap_or(url);
        let url = url.trim_end_matches('/');
        url.strip_suffix(".git").unwrap_or(url)
    }
    plain(a) == plain(b)
}
