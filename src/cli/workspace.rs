//! The cargo workspace `publish` runs in, as `cargo metadata` describes
//! it: which members may be published, in which order (a member after
//! the members it depends on), and what cargo would package wrongly or
//! not at all (a dependency with only a `path`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde::Deserialize;

/// What `cargo metadata --no-deps --format-version 1` says.
#[derive(Debug, Deserialize)]
pub struct Workspace {
    pub packages: Vec<Member>,
    #[serde(rename = "workspace_members")]
    pub members: Vec<String>,
    #[serde(rename = "workspace_root")]
    pub root: PathBuf,
    pub target_directory: PathBuf,
}

/// One package of the workspace.
#[derive(Debug, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub version: semver::Version,
    pub manifest_path: PathBuf,
    /// `None`: any registry; empty: never published.
    pub publish: Option<Vec<String>>,
    pub dependencies: Vec<Dependency>,
}

/// One dependency of a member.
#[derive(Debug, Deserialize)]
pub struct Dependency {
    pub name: String,
    pub req: String,
    /// `None` for normal dependencies, else `dev` or `build`.
    pub kind: Option<String>,
    pub path: Option<PathBuf>,
    /// The index URL of the registry it comes from (`None`: crates.io).
    pub registry: Option<String>,
}

impl Workspace {
    /// Runs `cargo metadata` in `dir`.
    pub fn load(cargo: &Path, dir: &Path) -> anyhow::Result<Self> {
        let out = Command::new(cargo)
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .current_dir(dir)
            .output()
            .context("running cargo metadata")?;
        if !out.status.success() {
            bail!(
                "cargo metadata failed in {}:\n{}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        serde_json::from_slice(&out.stdout).context("reading cargo metadata's output")
    }

    /// The members to publish, dependencies first: the one named, or
    /// every member whose `publish` allows `registry` (any registry when
    /// `None`).
    pub fn to_publish(
        &self,
        only: Option<&str>,
        registry: Option<&str>,
    ) -> anyhow::Result<Vec<&Member>> {
        let members: Vec<&Member> = self
            .packages
            .iter()
            .filter(|p| self.members.contains(&p.id))
            .collect();
        if let Some(name) = only {
            let member = members.iter().find(|m| m.name == name).with_context(|| {
                format!("the workspace has no package `{name}` (see `cargo metadata`)")
            })?;
            if !member.may_publish(registry) {
                bail!("{name}'s Cargo.toml does not allow publishing it here (`package.publish`)");
            }
            return Ok(vec![member]);
        }
        let chosen: Vec<&Member> = members
            .into_iter()
            .filter(|m| m.may_publish(registry))
            .collect();
        if chosen.is_empty() {
            bail!("no package of this workspace may be published (`package.publish`)");
        }
        Ok(in_dependency_order(&chosen))
    }
}

/// The index URL the members are published to, as their dependencies on
/// each other name it (a member depends on a sibling through this
/// registry). For judging without the server: it tells this registry's
/// own crates from foreign ones.
#[must_use]
pub fn sibling_registry(members: &[&Member]) -> Option<String> {
    let dirs: BTreeSet<&Path> = members.iter().map(|m| m.dir()).collect();
    members
        .iter()
        .flat_map(|m| &m.dependencies)
        .filter(|d| d.path.as_deref().is_some_and(|p| dirs.contains(p)))
        .find_map(|d| d.registry.clone())
}

impl Member {
    fn may_publish(&self, registry: Option<&str>) -> bool {
        match (&self.publish, registry) {
            (None, _) => true,
            (Some(list), Some(r)) => list.iter().any(|l| l == r),
            (Some(list), None) => !list.is_empty(),
        }
    }

    /// Dependencies cargo cannot package: a `path` and no `version`
    /// (dev-dependencies are dropped from the package, so they may).
    pub fn path_only(&self) -> Vec<&Dependency> {
        self.dependencies
            .iter()
            .filter(|d| d.path.is_some() && d.req == "*" && d.kind.as_deref() != Some("dev"))
            .collect()
    }

    /// The member's directory.
    pub fn dir(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new("."))
    }
}

/// Members after the members they depend on through a `path` (normal
/// and build dependencies); ties keep the workspace's order.
fn in_dependency_order<'m>(members: &[&'m Member]) -> Vec<&'m Member> {
    let dirs: BTreeMap<PathBuf, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.dir().to_owned(), i))
        .collect();
    let needs: Vec<BTreeSet<usize>> = members
        .iter()
        .map(|m| {
            m.dependencies
                .iter()
                .filter(|d| d.kind.as_deref() != Some("dev"))
                .filter_map(|d| d.path.as_ref().and_then(|p| dirs.get(p)).copied())
                .collect()
        })
        .collect();
    let mut done = vec![false; members.len()];
    let mut order = Vec::with_capacity(members.len());
    while order.len() < members.len() {
        // A cycle cannot pass `cargo package`; take the first left then.
        let next = (0..members.len())
            .find(|&i| !done[i] && needs[i].iter().all(|&d| done[d] || d == i))
            .or_else(|| (0..members.len()).find(|&i| !done[i]))
            .expect("a member is left while the order is short");
        done[next] = true;
        order.push(members[next]);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, deps: &[(&str, &str, Option<&str>)], publish: Option<&[&str]>) -> Member {
        Member {
            id: format!("path+file:///ws/{name}#0.1.0"),
            name: name.into(),
            version: semver::Version::new(0, 1, 0),
            manifest_path: PathBuf::from(format!("/ws/{name}/Cargo.toml")),
            publish: publish.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
            dependencies: deps
                .iter()
                .map(|(dep, req, kind)| Dependency {
                    name: (*dep).into(),
                    req: (*req).into(),
                    kind: kind.map(str::to_owned),
                    path: Some(PathBuf::from(format!("/ws/{dep}"))),
                    registry: Some(format!("sparse+https://{dep}.example/")),
                })
                .collect(),
        }
    }

    #[test]
    fn orders_by_path_dependencies_and_filters_publish() {
        let app = member(
            "app",
            &[("util", "^0.1", None), ("core", "^0.1", None)],
            None,
        );
        let util = member("util", &[("core", "^0.1", Some("build"))], Some(&["cg"]));
        let core = member("core", &[("app", "^0.1", Some("dev"))], None);
        let private = member("private", &[], Some(&[]));
        let ws = Workspace {
            members: [&app, &util, &core, &private]
                .iter()
                .map(|m| m.id.clone())
                .collect(),
            packages: vec![app, util, core, private],
            root: "/ws".into(),
            target_directory: "/ws/target".into(),
        };
        let names = |v: Vec<&Member>| v.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(ws.to_publish(None, None).expect("some")),
            ["core", "util", "app"]
        );
        assert_eq!(
            names(ws.to_publish(None, Some("other")).expect("some")),
            ["core", "app"]
        );
        assert_eq!(
            names(ws.to_publish(Some("util"), None).expect("one")),
            ["util"]
        );
        assert!(ws.to_publish(Some("private"), None).is_err());
        assert!(ws.to_publish(Some("nope"), None).is_err());
        let all = ws.to_publish(None, None).expect("some");
        assert_eq!(
            sibling_registry(&all).as_deref(),
            Some("sparse+https://app.example/")
        );
        assert_eq!(sibling_registry(&all[..1]), None);
    }

    #[test]
    fn path_only_dependencies() {
        let m = member(
            "a",
            &[("b", "*", None), ("c", "^1", None), ("d", "*", Some("dev"))],
            None,
        );
        let names: Vec<_> = m.path_only().iter().map(|d| d.name.clone()).collect();
        assert_eq!(names, ["b"]);
    }
}
