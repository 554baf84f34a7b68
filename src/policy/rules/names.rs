//! Name rules: crates.io's reserved names, a pattern, required prefixes,
//! canonical collisions with the registry, and names that would shadow a
//! public (crates.io) crate. The character set and length are the
//! reader's (`crate::crate_name::CrateName`).

use super::{Ctx, Earlier, Report};
use crate::crate_name::canonical;
use crate::policy::RegistryState;

/// Names crates.io reserves (canonical form), besides Windows devices.
const RESERVED: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];
/// Windows device names crates.io reserves.
const WINDOWS: &[&str] = &[
    "aux", "con", "nul", "prn", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

pub(super) fn check(state: &RegistryState, earlier: &Earlier, ctx: &mut Ctx<'_>) {
    let name = ctx.krate.manifest.name.to_string();
    let key = ["package", "name"];
    reserved(ctx, &name);
    pattern_and_prefixes(ctx, &name);
    let existing = state
        .crates
        .get(&ctx.canonical)
        .map(|c| c.name.as_str())
        .or(earlier.name.as_deref());
    match existing {
        Some(other) if other != name => {
            let (message, help) = (
                format!(
                    "`{name}` is the same crate name as `{other}` already in the registry (names compare lowercase, with `-` equal to `_`)"
                ),
                format!("publish it as `{other}`, or choose another name"),
            );
            ctx.report(
                "name-collision",
                Report::new(message, help).value(&name).key(&key),
            );
        }
        Some(_) => {}
        None => shadows_public(ctx, &name),
    }
}

fn pattern_and_prefixes(ctx: &mut Ctx<'_>, name: &str) {
    let key = ["package", "name"];
    let names = &ctx.settings.names;
    if let Some(pattern) = &names.pattern
        && !pattern.get().0.is_match(name)
    {
        let help = format!("rename the crate to match `{}`", pattern.text());
        ctx.report(
            "name-pattern",
            Report::new(
                format!("`{name}` does not match the required name pattern"),
                help,
            )
            .value(name)
            .key(&key)
            .policy("names.pattern"),
        );
    }
    let prefixes = &names.required_prefixes;
    if !prefixes.is_empty()
        && !prefixes
            .iter()
            .any(|p| ctx.canonical.starts_with(&canonical(p)))
    {
        let list = prefixes
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.report(
            "name-prefix",
            Report::new(
                format!("`{name}` does not start with a required prefix"),
                format!("rename the crate to start with one of {list}"),
            )
            .value(name)
            .key(&key)
            .policy("names.required-prefixes"),
        );
    }
}

fn reserved(ctx: &mut Ctx<'_>, name: &str) {
    let c = &ctx.canonical;
    let by_policy = ctx
        .settings
        .names
        .reserved
        .iter()
        .any(|r| canonical(r) == *c);
    let why = if RESERVED.contains(&c.as_str()) {
        "reserved by Rust"
    } else if WINDOWS.contains(&c.as_str()) {
        "a Windows device name"
    } else if by_policy {
        "reserved by the registry policy"
    } else {
        return;
    };
    let policy = if by_policy { "names.reserved" } else { "names" };
    ctx.report(
        "name-reserved",
        Report::new(format!("`{name}` is {why}"), "choose another name")
            .value(name)
            .key(&["package", "name"])
            .policy(policy),
    );
}

fn shadows_public(ctx: &mut Ctx<'_>, name: &str) {
    let names = &ctx.settings.names;
    let Some(public) = &names.public_names else {
        return;
    };
    if !public.contains(&ctx.canonical)
        || names
            .public_allow
            .iter()
            .any(|a| canonical(a) == ctx.canonical)
    {
        return;
    }
    ctx.report(
        "name-shadows-public",
        Report::new(
            format!("`{name}` is the name of a public crate: dependents could pick up the wrong one"),
            "choose a name that is not on crates.io, or add it to names.public-allow if the overlap is intended",
        )
        .value(name)
        .key(&["package", "name"])
        .policy("names.public-names-file"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{added, judge, krate, policy, render, rules};
    use crate::checksum::Checksum;
    use crate::policy::{PublishedCrate, PublishedVersion, RegistryState, decide};

    #[test]
    fn reserved_names() {
        for name in ["std", "proc-macro", "NUL", "com1"] {
            assert_eq!(
                rules(&judge("", krate(name, "1.0.0", ""))),
                ["name-reserved"],
                "{name}"
            );
        }
        let v = judge(
            "names.reserved = [\"our-core\"]",
            krate("our_core", "1.0.0", ""),
        );
        insta::assert_snapshot!(render(&v));
        assert!(judge("", krate("stdx", "1.0.0", "")).accepted);
    }

    #[test]
    fn pattern_and_prefixes() {
        let text = "[names]\npattern = \"^[a-z-]+$\"\nrequired-prefixes = [\"acme-\"]\n";
        let v = judge(text, krate("Other_1", "1.0.0", ""));
        assert_eq!(rules(&v), ["name-pattern", "name-prefix"]);
        insta::assert_snapshot!(render(&v));
        assert!(judge(text, krate("acme-tools", "1.0.0", "")).accepted);
        assert!(judge(text, krate("acme_tools", "1.0.0", "")).findings.len() == 1);
    }

    #[test]
    fn canonical_collisions_with_registry_and_push() {
        let mut state = RegistryState::default();
        let version = PublishedVersion {
            version: "1.0.0".parse().expect("v"),
            checksum: Checksum::of(b"x"),
            yanked: false,
        };
        state.crates.insert(
            "foo_bar".into(),
            PublishedCrate {
                name: "foo_bar".into(),
                versions: vec![version],
            },
        );
        let p = policy("");
        let v = decide(&p, &state, &[added(krate("Foo-Bar", "2.0.0", ""))]);
        assert_eq!(rules(&v), ["name-collision"]);
        insta::assert_snapshot!(render(&v));
        assert!(decide(&p, &state, &[added(krate("foo_bar", "2.0.0", ""))]).accepted);
        let both = [
            added(krate("a-b", "1.0.0", "")),
            added(krate("A_b", "1.0.1", "")),
        ];
        assert_eq!(
            rules(&decide(&p, &RegistryState::default(), &both)),
            ["name-collision"]
        );
    }

    #[test]
    fn public_names_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("public.txt"), "serde\n# comment\nTokio\n").expect("write");
        let path = dir.path().join("p.toml");
        let text =
            "schema = 1\n[names]\npublic-names-file = \"public.txt\"\npublic-allow = [\"serde\"]\n";
        let p = crate::policy::Policy::from_str(text, &path.display().to_string()).expect("loads");
        let judge = |name| {
            decide(
                &p,
                &RegistryState::default(),
                &[added(krate(name, "1.0.0", ""))],
            )
        };
        let v = judge("tokio");
        assert_eq!(rules(&v), ["name-shadows-public"]);
        insta::assert_snapshot!(render(&v));
        assert!(judge("serde").accepted);
        assert!(judge("ours").accepted);
    }
}
