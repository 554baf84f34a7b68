//! Properties on generated input, through the public API only, adding to
//! the unit properties of `src/crate_file/proptests.rs` (raw hostile
//! entries, mutations) and `src/index/line/tests/properties.rs` (dependency
//! tables):
//!
//! - hostile paths carried by a pax `path` record or a GNU long name, and
//!   links with any target, are refused by the reader and by the default
//!   policy's judgement, wherever they sit in the archive;
//! - an index line derived from a generated package (any name and semver
//!   version, `links`, `rust-version`, optional and renamed dependencies
//!   from crates.io, this registry or another one, `dep:` and `?/`
//!   features chained to plain ones) reads back through cargo's own schema
//!   with every value, in both index modes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cargo_util_schemas::index::IndexPackage;
use crategate::checksum::Checksum;
use crategate::crate_file::{Limits, read_crate};
use crategate::index::line::{CRATES_IO_INDEX, IndexLine, Mode, parse_line};
use crategate::judge::upload_from_bytes;
use crategate::manifest::Manifest;
use crategate::policy::{Policy, RegistryState, decide};
use proptest::collection::vec;
use proptest::prelude::*;
use tar::EntryType;

use crate::support::forge::Forge;
use crate::support::hooked::default_policy;

const THIS_INDEX: &str = "sparse+https://registry.example.com/index/";
const OTHER_INDEX: &str = "https://other.example.com/index";

/// Where a hostile path hides.
#[derive(Debug, Clone)]
enum Carrier {
    Pax,
    LongName,
    Symlink(String),
    HardLink(String),
}

fn carrier() -> impl Strategy<Value = Carrier> {
    let target = "[./a-z]{0,30}";
    prop_oneof![
        Just(Carrier::Pax),
        Just(Carrier::LongName),
        target.prop_map(Carrier::Symlink),
        target.prop_map(Carrier::HardLink),
    ]
}

/// A path that leaves the package and the rule refusing it.
fn escape() -> impl Strategy<Value = (String, &'static str)> {
    let parts = || vec("[a-z0-9_-][a-z0-9_.-]{0,9}", 0..5).prop_map(|p| p.join("/"));
    prop_oneof![
        (parts(), parts()).prop_map(|(a, b)| (
            format!("cg-prop-1.0.0/{a}/../../{b}x"),
            "tarball-path-traversal"
        )),
        parts().prop_map(|a| (format!("/{a}x"), "tarball-path-absolute")),
    ]
}

/// `cg-prop 1.0.0` with a hostile entry inserted after `at` clean ones.
fn hostile_crate(carrier: &Carrier, path: &str, at: usize) -> Vec<u8> {
    let root = "cg-prop-1.0.0";
    let clean: [(String, Vec<u8>); 3] = [
        (
            format!("{root}/Cargo.toml"),
            crate::support::forge::manifest("cg-prop", "1.0.0").into_bytes(),
        ),
        (format!("{root}/src/lib.rs"), b"".to_vec()),
        (format!("{root}/README.md"), b"# prop\n".to_vec()),
    ];
    let mut forge = Forge::empty();
    for (n, (p, data)) in clean.iter().enumerate() {
        if n == at {
            forge = add_hostile(forge, carrier, path);
        }
        forge = forge.file(p, data);
    }
    if at >= clean.len() {
        forge = add_hostile(forge, carrier, path);
    }
    forge.build()
}

fn add_hostile(forge: Forge, carrier: &Carrier, path: &str) -> Forge {
    match carrier {
        Carrier::Pax => forge
            .pax(&[("path", path.as_bytes())])
            .file("cg-prop-1.0.0/src/fine.rs", b"x"),
        Carrier::LongName => {
            let padded = format!("{path}/{}", "p".repeat(120));
            forge.file(&padded, b"x")
        }
        Carrier::Symlink(target) => forge.link("cg-prop-1.0.0/src/l", EntryType::Symlink, target),
        Carrier::HardLink(target) => forge.link("cg-prop-1.0.0/src/l", EntryType::Link, target),
    }
}

fn policy() -> Policy {
    Policy::from_str(&default_policy(), "default.toml").expect("the default policy loads")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn hidden_escapes_and_links_are_always_refused(
        carrier in carrier(),
        (path, rule) in escape(),
        at in 0..=3usize,
    ) {
        let bytes = hostile_crate(&carrier, &path, at);
        let limits = Limits::default();
        let refusal = read_crate(&bytes, Some("cg-prop-1.0.0.crate"), &limits)
            .expect_err("a hostile crate is refused");
        let expected = match carrier {
            Carrier::Symlink(_) | Carrier::HardLink(_) => "tarball-entry-type",
            Carrier::Pax | Carrier::LongName => rule,
        };
        prop_assert_eq!(refusal.rule, expected, "{:?}", refusal);
        let upload = upload_from_bytes("cg-prop-1.0.0.crate", &bytes, &limits);
        let verdict = decide(&policy(), &RegistryState::default(), &[upload]);
        prop_assert!(!verdict.accepted);
        prop_assert!(verdict.findings.iter().any(|f| f.rule == expected));
    }
}

/// Where a generated dependency comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    CratesIo,
    ThisRegistry,
    Other,
}

#[derive(Debug, Clone)]
struct Dep {
    table: &'static str,
    kind: &'static str,
    package: Option<String>,
    source: Source,
    optional: bool,
    weak: bool,
}

fn dep() -> impl Strategy<Value = Dep> {
    let table = prop::sample::select(vec![
        ("dependencies", "normal"),
        ("build-dependencies", "build"),
        ("dev-dependencies", "dev"),
        ("target.'cfg(unix)'.dependencies", "normal"),
    ]);
    let source = prop::sample::select(vec![Source::CratesIo, Source::ThisRegistry, Source::Other]);
    (
        table,
        prop::option::of("[a-z][a-z0-9_]{0,8}"),
        source,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|((table, kind), package, source, optional, weak)| Dep {
            table,
            kind,
            package,
            source,
            optional: optional && kind == "normal",
            weak,
        })
}

/// A packaged manifest with these dependencies (`d0`, `d1`, …), a feature
/// per optional one (`dep:` or `?/` syntax) and a plain feature enabling
/// them all, which the split must move along.
fn package_manifest(name: &str, version: &str, extra: &str, deps: &[Dep]) -> String {
    let mut text = format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\n{extra}");
    let mut features = String::from("\n[features]\nplain = []\n");
    let mut all = Vec::new();
    for (i, dep) in deps.iter().enumerate() {
        let _ = write!(text, "\n[{}.d{i}]\nversion = \"1.2\"\n", dep.table);
        if let Some(package) = &dep.package {
            let _ = writeln!(text, "package = \"{package}\"");
        }
        match dep.source {
            Source::CratesIo => {}
            Source::ThisRegistry => {
                let _ = writeln!(text, "registry-index = \"{THIS_INDEX}\"");
            }
            Source::Other => {
                let _ = writeln!(text, "registry-index = \"{OTHER_INDEX}\"");
            }
        }
        if dep.optional {
            let _ = writeln!(text, "optional = true");
            let value = if dep.weak {
                format!("d{i}?/std")
            } else {
                format!("dep:d{i}")
            };
            let _ = writeln!(features, "f{i} = [\"{value}\"]");
            all.push(format!("\"f{i}\""));
        }
    }
    let _ = writeln!(features, "all = [\"plain\", {}]", all.join(", "));
    text + &features
}

fn semver_version() -> impl Strategy<Value = String> {
    let ident = "[0-9A-Za-z-]{1,6}";
    (
        0..100u32,
        0..100u32,
        0..100u32,
        prop::option::of(ident),
        prop::option::of(ident),
    )
        .prop_filter_map("a valid semver version", |(a, b, c, pre, build)| {
            let mut v = format!("{a}.{b}.{c}");
            if let Some(pre) = pre {
                v = format!("{v}-{pre}");
            }
            if let Some(build) = build {
                v = format!("{v}+{build}");
            }
            semver::Version::parse(&v).ok().map(|_| v)
        })
}

/// What the line must say for `dep` in `mode`.
fn expected_registry(dep: &Dep, mode: &Mode) -> Option<&'static str> {
    match (dep.source, mode) {
        (Source::CratesIo, Mode::Alternate { .. }) => Some(CRATES_IO_INDEX),
        (Source::CratesIo, Mode::Mirror) | (Source::ThisRegistry, Mode::Alternate { .. }) => None,
        (Source::ThisRegistry, Mode::Mirror) => Some(THIS_INDEX),
        (Source::Other, _) => Some(OTHER_INDEX),
    }
}

fn check_round_trip(text: &str, deps: &[Dep], mode: &Mode) -> Result<(), TestCaseError> {
    let manifest = Manifest::parse(text).expect("generated manifests parse");
    let sum = Checksum::of(text.as_bytes());
    let line =
        IndexLine::from_manifest(&manifest, &sum, mode, "2024-05-06T07:08:09Z").expect("derivable");
    let json = line.to_json();
    let read: IndexPackage<'_> = serde_json::from_str(&json).expect("cargo reads every line");
    prop_assert_eq!(read.name.as_ref(), manifest.name.to_string());
    prop_assert_eq!(&read.vers, &manifest.version);
    prop_assert_eq!(read.links.as_deref(), manifest.package().links.as_deref());
    prop_assert_eq!(read.deps.len(), deps.len());
    for (i, dep) in deps.iter().enumerate() {
        let key = format!("d{i}");
        let got = read
            .deps
            .iter()
            .find(|d| d.name == key)
            .expect("every dependency is listed");
        prop_assert_eq!(got.package.as_deref(), dep.package.as_deref());
        prop_assert_eq!(got.kind.as_deref().unwrap_or("normal"), dep.kind);
        prop_assert_eq!(got.optional, dep.optional);
        prop_assert_eq!(got.target.is_some(), dep.table.starts_with("target"));
        prop_assert_eq!(
            got.registry.as_deref(),
            expected_registry(dep, mode),
            "{}",
            json
        );
    }
    let mut features: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, values) in read.features.iter().chain(read.features2.iter().flatten()) {
        let values = values.iter().map(ToString::to_string).collect();
        prop_assert!(
            features.insert(name.to_string(), values).is_none(),
            "{} twice",
            name
        );
    }
    let written: BTreeMap<String, Vec<String>> = manifest
        .toml
        .features
        .iter()
        .flatten()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    prop_assert_eq!(features, written);
    let new_syntax = deps.iter().any(|d| d.optional);
    prop_assert_eq!(read.features2.is_some(), new_syntax);
    prop_assert_eq!(read.v, new_syntax.then_some(2));
    prop_assert_eq!(
        read.features.contains_key("all"),
        !new_syntax,
        "`all` moves along"
    );
    let parsed = parse_line(&json).expect("the writer reads its own line");
    prop_assert_eq!(
        (parsed.name, parsed.vers, parsed.cksum, parsed.yanked),
        (
            manifest.name.to_string(),
            manifest.version.clone(),
            sum,
            false
        )
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_packages_round_trip_through_cargos_schema(
        name in "[A-Za-z][A-Za-z0-9_-]{0,30}",
        version in semver_version(),
        links in prop::option::of("[a-z][a-z0-9_]{0,8}"),
        rust_version in prop::option::of("1\\.(0|[1-9][0-9]?)(\\.[0-9])?"),
        deps in vec(dep(), 0..6),
    ) {
        let mut extra = String::from("edition = \"2021\"\n");
        if let Some(links) = &links {
            let _ = writeln!(extra, "links = \"{links}\"");
        }
        if let Some(rust_version) = &rust_version {
            let _ = writeln!(extra, "rust-version = \"{rust_version}\"");
        }
        let text = package_manifest(&name, &version, &extra, &deps);
        let alternate = Mode::Alternate { index_url: THIS_INDEX.to_owned() };
        check_round_trip(&text, &deps, &Mode::Mirror)?;
        check_round_trip(&text, &deps, &alternate)?;
    }
}
