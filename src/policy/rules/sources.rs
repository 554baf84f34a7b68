//! Source rules: which registries dependencies may come from (URLs
//! normalized), the dependency-confusion guard (a crates.io dependency
//! whose name belongs to this registry), and `*` requirements.

use super::deps::{self, Dep};
use super::{Ctx, Report};
use crate::crate_name::canonical;
use crate::index::line::CRATES_IO_INDEX;
use crate::policy::RegistryState;
use crate::policy::values::normalize_registry;

pub(super) fn check(state: &RegistryState, ctx: &mut Ctx<'_>) {
    let this = state.index_url.as_deref().map(normalize_registry);
    let listed = &ctx.settings.sources.allow_registries;
    let mut reports = Vec::new();
    for dep in deps::all(&ctx.krate.manifest.toml) {
        let key = dep.key();
        let source = dep
            .registry_index
            .map_or_else(|| CRATES_IO_INDEX.to_owned(), normalize_registry);
        let allowed = this.as_deref() == Some(source.as_str())
            || if listed.is_empty() {
                source == CRATES_IO_INDEX
            } else {
                listed.iter().any(|r| r.get().0 == source)
            };
        if dep.local {
            let message = format!("dependency `{}` is a path or git dependency", dep.name);
            reports.push((
                "source-not-allowed",
                Report::new(message, "depend on a published version instead").key(&key),
            ));
        } else if !allowed {
            let message = format!(
                "dependency `{}` comes from `{source}`, which is not an allowed registry",
                dep.name
            );
            let help = "depend on a crate from an allowed registry, or add the registry to sources.allow-registries";
            reports.push((
                "source-not-allowed",
                Report::new(message, help)
                    .value(&source)
                    .key(&key)
                    .policy("sources.allow-registries"),
            ));
        } else if source == CRATES_IO_INDEX {
            reports.extend(
                confusion(state, ctx, &dep).map(|r| ("source-dependency-confusion", r.key(&key))),
            );
        }
        if is_wildcard(&dep) {
            let message = format!("dependency `{}` accepts any version (`*`)", dep.name);
            reports.push((
                "dependency-wildcard",
                Report::new(message, "give a version requirement, e.g. \"1.2\"")
                    .value("*")
                    .key(&key),
            ));
        }
        for (rule, report) in reports.drain(..) {
            ctx.report(rule, report);
        }
    }
}

fn confusion(state: &RegistryState, ctx: &Ctx<'_>, dep: &Dep<'_>) -> Option<Report> {
    let name = canonical(dep.name);
    let why = if state.crates.contains_key(&name) {
        "a crate of this registry has that name".to_owned()
    } else {
        let prefix = ctx
            .settings
            .sources
            .reserved_prefixes
            .iter()
            .find(|p| name.starts_with(&canonical(p)))?;
        format!("names starting with `{prefix}` belong to this registry")
    };
    let message = format!(
        "dependency `{}` is taken from crates.io, but {why}",
        dep.name
    );
    let help = "depend on it from this registry (set `registry = \"...\"` on the dependency)";
    Some(
        Report::new(message, help)
            .value(dep.name)
            .policy("sources.reserved-prefixes"),
    )
}

fn is_wildcard(dep: &Dep<'_>) -> bool {
    !dep.local && dep.req.is_none_or(|r| r.trim() == "*")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{added, judge, krate, policy, render, rules};
    use crate::policy::{PublishedCrate, RegistryState, decide};

    #[test]
    fn registries_and_wildcards() {
        let rest = "[dependencies]\nserde = \"1\"\nany = \"*\"\nold = {}\n[dev-dependencies.local-only]\npath = \"../x\"\n[dev-dependencies.old-style]\npath = \"../y\"\nversion = \"0.1\"\n[build-dependencies.gitdep]\ngit = \"https://x.test/r\"\n[target.'cfg(unix)'.dependencies.other]\nversion = \"1\"\nregistry-index = \"https://elsewhere.test/index\"\n[dev-dependencies.ours]\nversion = \"1\"\nregistry-index = \"sparse+https://reg.test/index/\"\n";
        let state = RegistryState {
            index_url: Some("https://reg.test/index".into()),
            ..RegistryState::default()
        };
        let v = decide(&policy(""), &state, &[added(krate("foo", "1.0.0", rest))]);
        assert_eq!(
            rules(&v),
            [
                "dependency-wildcard",
                "dependency-wildcard",
                "source-not-allowed",
                "source-not-allowed"
            ]
        );
        insta::assert_snapshot!(render(&v));
        let listed =
            "sources.allow-registries = [\"crates-io\", \"https://elsewhere.test/index/\"]\n";
        let v = decide(
            &policy(listed),
            &state,
            &[added(krate("foo", "1.0.0", rest))],
        );
        assert_eq!(
            rules(&v),
            [
                "dependency-wildcard",
                "dependency-wildcard",
                "source-not-allowed"
            ]
        );
    }

    #[test]
    fn dependency_confusion() {
        let mut state = RegistryState::default();
        state.crates.insert(
            "acme_core".into(),
            PublishedCrate {
                name: "acme-core".into(),
                versions: vec![],
            },
        );
        let p = policy("sources.reserved-prefixes = [\"corp-\"]\n");
        let rest = "[dependencies]\nacme-core = \"1\"\ncorp_util = \"1\"\nserde = \"1\"\n";
        let v = decide(&p, &state, &[added(krate("foo", "1.0.0", rest))]);
        assert_eq!(
            rules(&v),
            ["source-dependency-confusion", "source-dependency-confusion"]
        );
        insta::assert_snapshot!(render(&v));
        assert!(
            judge(
                "",
                krate("foo", "1.0.0", "[dependencies]\nacme-core = \"1\"\n")
            )
            .accepted
        );
    }
}
