//! Every requirement kind, failing and passing, with snapshots of what the
//! findings say; load errors; levels and overrides.

use super::super::testing::{added, file, judge, krate, policy, render, rules};
use crate::diag::{Severity, json};
use crate::policy::{Policy, RegistryState, decide};

/// A rule with this id and requirement (TOML inline value).
fn rule(id: &str, require: &str) -> String {
    format!(
        "[[rule]]\nid = \"{id}\"\nmessage = \"{id} fails\"\nhelp = \"fix {id}\"\nrequire = {require}\n"
    )
}

const GOOD: &str = "edition = \"2021\"\nrust-version = \"1.75\"\ndescription = \"A tool\"\nkeywords = [\"acme\", \"cli\"]\n\
    [package.metadata.acme]\nteam = \"platform\"\n\
    [dependencies.tokio]\nversion = \"1\"\ndefault-features = false\nfeatures = [\"rt\"]\n\
    [target.'cfg(windows)'.dependencies.winapi]\nversion = \"0.3\"\n";

#[test]
fn manifest_values() {
    let text = [
        rule("team", r#"{ manifest = { path = "package.metadata.acme.team", one-of = ["platform", "data"] } }"#),
        rule("edition", r#"{ manifest = { path = "package.edition", version = ">=2021" } }"#),
        rule("edition-number", r#"{ manifest = { path = "package.edition", min = 2021 } }"#),
        rule("msrv", r#"{ manifest = { path = "package.rust-version", present = true } }"#),
        rule("no-todo", r#"{ manifest = { path = "package.description", not-matches = "(?i)todo" } }"#),
        rule("keywords", r#"{ manifest = { path = "package.keywords.*", select = "some", equals = "acme" } }"#),
        rule("keyword-count", r#"{ manifest = { path = "package.keywords", min-len = 1, max-len = 3 } }"#),
        rule("no-links", r#"{ manifest = { path = "package.links", present = false } }"#),
        rule("tokio-slim", r#"{ manifest = { path = "dependencies.*.default-features", equals = false } }"#),
    ]
    .concat();
    assert!(
        judge(&text, krate("good", "1.0.0", GOOD))
            .findings
            .is_empty()
    );
    let bad = "edition = \"2018\"\ndescription = \"TODO: describe\"\nkeywords = [\"cli\"]\nlinks = \"z\"\n\
        [package.metadata.acme]\nteam = \"ops\"\n[dependencies.serde]\nversion = \"1\"\n";
    let v = judge(&text, krate("bad", "1.0.0", bad));
    assert_eq!(
        rules(&v),
        [
            "team",
            "edition",
            "edition-number",
            "msrv",
            "no-todo",
            "keywords",
            "no-links",
            "tokio-slim"
        ]
    );
    insta::assert_snapshot!(render(&v));
}

#[test]
fn original_manifest_and_dependencies() {
    let text = [
        "[sources]\nallow-registries = [\"crates-io\", \"https://index.acme.example\"]\n".to_owned(),
        rule("tokio-default", r#"{ not = { dependency = { name = ["tokio"], default-features = true } } }"#),
        rule("no-git-without-version", r#"{ not = { dependency = { file = "Cargo.toml.orig", source = ["git", "path"], has-version = false } } }"#),
        rule("windows-only-winapi", r#"{ not = { dependency = { name = ["winapi"], kinds = ["normal"], target = "^x86_64" } } }"#),
        rule("telemetry", r#"{ dependency = { name = ["acme-telemetry"], registry = ["https://index.acme.example/"], features = ["otel"] } }"#),
        rule("orig-edition", r#"{ manifest = { file = "Cargo.toml.orig", path = "package.edition", equals = "2021" } }"#),
    ]
    .concat();
    let telemetry = "[dependencies.acme-telemetry]\nversion = \"2\"\nregistry-index = \"sparse+https://index.acme.example\"\nfeatures = [\"otel\"]\n";
    let mut good = krate("good", "1.0.0", &format!("{GOOD}{telemetry}"));
    good.kept.insert("Cargo.toml.orig".into(), b"[package]\nedition = \"2021\"\n[dependencies]\nx = { path = \"../x\", version = \"1\" }\n".to_vec());
    assert!(judge(&text, good).findings.is_empty());
    let bad = "[dependencies.tokio]\nversion = \"1\"\n[target.x86_64-pc-windows-msvc.dependencies.winapi]\nversion = \"0.3\"\n[dependencies.acme-telemetry]\nversion = \"2\"\n";
    let mut k = krate("bad", "1.0.0", bad);
    k.kept.insert("Cargo.toml.orig".into(), b"[package]\nedition = \"2018\"\n\n[dependencies]\nx = { git = \"https://example.com/x\" }\n".to_vec());
    let v = judge(&text, k);
    assert_eq!(
        rules(&v),
        [
            "tokio-default",
            "no-git-without-version",
            "windows-only-winapi",
            "telemetry",
            "orig-edition"
        ]
    );
    insta::assert_snapshot!(render(&v));
}

#[test]
fn package_files() {
    let text = [
        rule("license-file", r#"{ has-file = ["LICENSE*", "COPYING*"] }"#),
        rule(
            "no-binaries",
            r#"{ no-file = ["**.so", "**.dll", "**.exe"] }"#,
        ),
        rule(
            "small-data",
            r#"{ file-size = { files = ["data/**"], max = 1000 } }"#,
        ),
        rule(
            "no-todo-in-src",
            r#"{ file-text = { files = ["src/**.rs"], not-matches = "TODO", max-read = 100 } }"#,
        ),
        rule(
            "readme-title",
            r#"{ file-text = { files = ["README.md"], matches = "^# " } }"#,
        ),
    ]
    .concat();
    let p = policy(&text);
    assert!(!p.keep_patterns().is_empty());
    let mut good = krate("good", "1.0.0", "");
    good.entries.extend([
        file("LICENSE-MIT", 10, b""),
        file("README.md", 10, b""),
        file("data/a.bin", 1000, b""),
    ]);
    good.kept.insert("README.md".into(), b"# good\n".to_vec());
    let long = [&[b'x'; 100][..], b"TODO beyond the bound"].concat();
    good.kept.insert("src/lib.rs".into(), long);
    assert!(
        decide(&p, &RegistryState::default(), &[added(good)])
            .findings
            .is_empty()
    );
    let mut bad = krate("bad", "1.0.0", "");
    bad.entries.extend([
        file("lib/libfoo.so", 10, b"\x7fELF"),
        file("README.md", 10, b""),
        file("data/big.bin", 1001, b""),
    ]);
    bad.kept.insert("README.md".into(), b"no title\n".to_vec());
    bad.kept
        .insert("src/lib.rs".into(), b"fn f() {}\n// TODO: later\n".to_vec());
    let v = decide(&p, &RegistryState::default(), &[added(bad)]);
    assert_eq!(
        rules(&v),
        [
            "license-file",
            "no-binaries",
            "small-data",
            "no-todo-in-src",
            "readme-title"
        ]
    );
    insta::assert_snapshot!(render(&v));
}

#[test]
fn composition() {
    let text = rule(
        "sys-links",
        r#"{ any = [ { not = { manifest = { path = "package.name", matches = "-sys$" } } }, { all = [ { manifest = { path = "package.links", present = true } }, { has-file = ["build.rs"] } ] } ] }"#,
    );
    let crates = "[[rule]]\nid = \"only-acme\"\ncrates = [\"acme-*\"]\nmessage = \"m\"\nhelp = \"h\"\nrequire = { has-file = [\"NOTICE\"] }\n";
    let text = format!("{text}{crates}");
    assert!(
        judge(&text, krate("plain", "1.0.0", ""))
            .findings
            .is_empty()
    );
    let mut linked = krate("foo-sys", "1.0.0", "links = \"foo\"\n");
    linked.entries.push(file("build.rs", 1, b""));
    assert!(judge(&text, linked).findings.is_empty());
    let v = judge(&text, krate("acme-sys", "1.0.0", ""));
    assert_eq!(rules(&v), ["sys-links", "only-acme"]);
    insta::assert_snapshot!(render(&v));
}

#[test]
fn levels_and_overrides() {
    let base = rule("readme", r#"{ has-file = ["README*"] }"#);
    let v = judge(&base, krate("a", "1.0.0", ""));
    assert_eq!(v.findings[0].severity, Severity::Error);
    assert!(!v.accepted);
    let warn = format!("[levels]\nreadme = \"warn\"\n{base}");
    let v = judge(&warn, krate("a", "1.0.0", ""));
    assert_eq!(
        (v.accepted, v.findings[0].severity),
        (true, Severity::Warning)
    );
    let level = base.replace("[[rule]]\n", "[[rule]]\nlevel = \"allow\"\n");
    assert!(judge(&level, krate("a", "1.0.0", "")).findings.is_empty());
    let overridden =
        format!("{base}[[override]]\ncrates = [\"legacy-*\"]\nlevels.readme = \"allow\"\n");
    assert!(
        judge(&overridden, krate("legacy-x", "1.0.0", ""))
            .findings
            .is_empty()
    );
    let v = judge(&overridden, krate("a", "1.0.0", ""));
    let doc: serde_json::Value = serde_json::from_str(&json::render(&v)).expect("json");
    assert_eq!(doc["findings"][0]["rule"], "readme");
    assert_eq!(doc["findings"][0]["policy_key"], "[[rule]] readme");
    assert_eq!(doc["findings"][0]["value"], "README*");
    let never = base.replace("[[rule]]\n", "[[rule]]\ncrates = [\"Acme/*\"]\n");
    let p = Policy::from_str(&format!("schema = 1\n{never}"), "p.toml").expect("valid");
    let warnings = p.lint(&format!("schema = 1\n{never}"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("`Acme/*` can never match"));
}

#[test]
fn load_errors_point_at_the_problem() {
    let text = format!(
        "schema = 1\n[levels]\nno-such = \"warn\"\n{}{}{}{}{}{}{}[[override]]\ncrates = [\"x\"]\n{}",
        rule(
            "bad-regex",
            r#"{ manifest = { path = "package.description", matches = "(" } }"#
        ),
        rule(
            "bad-root",
            r#"{ manifest = { path = "pakage.edition", present = true } }"#
        ),
        rule("bad-root", r#"{ has-file = ["x"] }"#),
        rule("license-not-allowed", r#"{ has-file = ["x"] }"#),
        rule("Not_Kebab", r#"{ no-file = ["/abs"] }"#),
        rule(
            "no-test",
            r#"{ all = [ { manifest = { path = "package.name" } }, { any = [] } ] }"#
        ),
        rule("text", r#"{ file-text = { files = ["x"], max-read = 0 } }"#),
        rule("nested", r#"{ has-file = ["x"] }"#).replace("[[rule]]", "[[override.rule]]"),
    );
    let errors = Policy::from_str(&text, "p.toml")
        .expect_err("invalid")
        .to_string();
    insta::assert_snapshot!(errors);
}

#[test]
fn explains_custom_rules() {
    let text = format!(
        "{}{}",
        rule(
            "team",
            r#"{ all = [ { manifest = { path = "package.metadata.acme.team", one-of = ["platform", "data"] } }, { not = { dependency = { name = ["openssl*"], kinds = ["normal", "build"] } } } ] }"#
        ),
        rule(
            "files",
            r#"{ any = [ { has-file = ["LICENSE*"] }, { file-text = { files = ["README.md"], not-matches = "TODO" } }, { file-size = { files = ["**"], max = 10 } }, { no-file = ["*.exe"] } ] }"#
        ),
    );
    let p = policy(&text);
    let shown: Vec<String> = p.custom_rules().iter().map(super::explain).collect();
    insta::assert_snapshot!(shown.join("\n"));
    assert!(p.custom_rule("team").is_some() && p.custom_rule("nope").is_none());
}

#[test]
fn documented_snippets_load() {
    let doc = include_str!("../../../../docs/custom-rules.md");
    let snippets: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .map(|s| s.split("```").next().expect("closed block"))
        .collect();
    assert_eq!(snippets.len(), 2);
    for snippet in snippets {
        let p = policy(snippet);
        assert!(!p.custom_rules().is_empty());
    }
}

#[test]
fn shortcuts_answer_as_the_tree_does() {
    // Paths of keys and dependency names are looked up without parsing
    // the manifest into a tree, unless a rule before them (here `tree`,
    // which always holds) parsed it already: the findings are the same.
    let tree = rule(
        "tree",
        r#"{ manifest = { path = "package.*", present = true } }"#,
    );
    let rules_text = [
        rule(
            "links",
            r#"{ manifest = { path = "package.links", present = true } }"#,
        ),
        rule(
            "deep",
            r#"{ manifest = { path = "package.description.x", present = true } }"#,
        ),
        rule(
            "team",
            r#"{ manifest = { path = "package.metadata.acme", min-len = 3 } }"#,
        ),
        rule(
            "inline",
            r#"{ manifest = { path = "package.metadata.inline.k", equals = 2 } }"#,
        ),
        rule(
            "keywords",
            r#"{ manifest = { path = "package.keywords", max-len = 1 } }"#,
        ),
        rule(
            "old-edition",
            r#"{ manifest = { path = "package.edition", version = "<2021" } }"#,
        ),
        rule(
            "no-win",
            r#"{ not = { dependency = { name = ["win*"], kinds = ["dev"] } } }"#,
        ),
        rule(
            "no-tokio",
            r#"{ not = { dependency = { name = ["tokio"] } } }"#,
        ),
        rule("has-serde", r#"{ dependency = { name = ["serde"] } }"#),
    ]
    .concat();
    let manifests = [
        GOOD,
        "edition = \"2021\"\nmetadata.inline = { k = 1 }\n[dependencies]\nrt = { package = \"Tokio\", version = \"1\" }\n\
         [target.'cfg(windows)'.dev_dependencies]\nwinapi = \"0.3\"\n",
        "description = \"d\"\nkeywords = []\n[package.metadata]\ninline.k = 2\n",
    ];
    for rest in manifests {
        let with_tree = judge(&format!("{tree}{rules_text}"), krate("k", "1.0.0", rest));
        let without = judge(&rules_text, krate("k", "1.0.0", rest));
        assert!(!without.findings.is_empty());
        assert_eq!(render(&with_tree), render(&without), "{rest}");
    }
}

#[test]
fn original_manifest_keys_are_looked_at_before_the_tree() {
    // A filter on Cargo.toml.orig first looks for the keys a match needs
    // (`git` or `path` here, `features`): the findings are those the tree
    // gives when a rule before it (`tree`) parsed it.
    let tree = rule(
        "tree",
        r#"{ manifest = { file = "Cargo.toml.orig", path = "*", select = "some", present = true } }"#,
    );
    let rules_text = [
        rule("no-git", r#"{ not = { dependency = { file = "Cargo.toml.orig", source = ["git", "path"], has-version = false } } }"#),
        rule("rt", r#"{ dependency = { file = "Cargo.toml.orig", features = ["rt"] } }"#),
    ]
    .concat();
    let origs: [&[u8]; 6] = [
        b"[package]\nname = \"k\"\n[dependencies]\nx = { git = \"https://example.com/x\" }\n",
        b"[package]\nname = \"k\"\n[lib]\npath = \"src/lib.rs\"\n[dependencies]\ny = \"1\"\n",
        b"[package]\nname = \"k\"\n[dependencies]\nx.path = \"../x\"\nz = { version = \"1\", features = [\"rt\"] }\n",
        b"[package]\nname = \"k\"\n[target.'cfg(unix)'.build-dependencies.\"x\"]\n\"p\\u0061th\" = \"../x\"\n",
        b"[package\n",
        b"[package]\nname = \"k\"\n",
    ];
    for orig in origs {
        let with = |text: &str| {
            let mut k = krate("k", "1.0.0", "");
            k.kept.insert("Cargo.toml.orig".into(), orig.to_vec());
            let mut findings = judge(text, k).findings;
            findings.retain(|f| f.rule != "tree");
            findings
        };
        let text = String::from_utf8_lossy(orig);
        assert_eq!(
            with(&format!("{tree}{rules_text}")),
            with(&rules_text),
            "{text}"
        );
    }
}
