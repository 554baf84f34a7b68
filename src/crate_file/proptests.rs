//! Properties of the reader on generated input: it never panics, whatever
//! the bytes; what it accepts is clean; hostile entries are refused with
//! their own rule id wherever they sit; clean packages with any name,
//! version and paths are accepted.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;
use tar::EntryType;

use super::testing::{CrateBuilder, gzip, manifest};
use super::{CrateFile, EntryKind, Limits, file_name, read_crate};

fn limits() -> Limits {
    Limits {
        max_unpacked_size: 1 << 20,
        max_entries: 1000,
        max_manifest_size: 64 * 1024,
        keep: super::Keep::default(),
    }
}

/// A clean crate using every header shape: directories, a long name, a pax
/// path and size, a kept file.
fn valid_tar() -> Vec<u8> {
    let long = format!("demo-0.1.0/{}/deep.rs", "nested".repeat(20));
    CrateBuilder::package("demo", "0.1.0")
        .file(&long, b"fn deep() {}\n")
        .pax(&[("path", b"demo-0.1.0/pax.rs"), ("size", b"3")])
        .file("demo-0.1.0/p", b"abc")
        .file("demo-0.1.0/.cargo_vcs_info.json", b"{}")
        .tar()
}

#[test]
fn the_crate_to_mutate_is_accepted() {
    let bytes = gzip(&valid_tar());
    let krate = read_crate(&bytes, Some("demo-0.1.0.crate"), &limits()).expect("clean");
    assert_clean(&krate, &bytes);
    assert!(
        krate
            .entries
            .iter()
            .any(|e| e.path == "pax.rs" && e.magic == b"abc")
    );
    assert!(krate.kept.contains_key(".cargo_vcs_info.json"));
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Truncate { at: usize },
    Insert { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len().max(1);
    match *mutation {
        Mutation::Flip { at, bit } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= 1 << bit;
            }
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
        Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
    }
}

/// What every accepted crate satisfies.
fn assert_clean(krate: &CrateFile, bytes: &[u8]) {
    assert_eq!(krate.compressed_size, bytes.len() as u64);
    assert!(krate.unpacked_size <= limits().max_unpacked_size);
    let mut seen = BTreeSet::new();
    for entry in &krate.entries {
        let path = &entry.path;
        assert!(!path.starts_with('/') && !path.contains('\\') && !path.contains('\0'));
        assert!(
            path.split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..")
        );
        assert!(seen.insert(path.as_str()), "duplicate {path}");
        assert!(entry.magic.len() as u64 == entry.size.min(4) || entry.kind == EntryKind::Dir);
    }
    assert!(seen.contains("Cargo.toml"));
}

fn component() -> impl Strategy<Value = String> {
    "[a-z0-9_][a-z0-9_.-]{0,11}"
}

#[derive(Debug, Clone)]
enum Hostile {
    Traversal {
        before: Vec<String>,
        after: Vec<String>,
        dir: bool,
    },
    Absolute(Vec<String>),
    Type(u8, Vec<String>),
}

fn hostile() -> impl Strategy<Value = Hostile> {
    let parts = || vec(component(), 0..8);
    prop_oneof![
        (parts(), parts(), any::<bool>()).prop_map(|(before, after, dir)| Hostile::Traversal {
            before,
            after,
            dir
        }),
        vec(component(), 1..8).prop_map(Hostile::Absolute),
        (
            prop::sample::select(b"12346".to_vec()),
            vec(component(), 1..8)
        )
            .prop_map(|(kind, parts)| Hostile::Type(kind, parts)),
    ]
}

impl Hostile {
    /// Adds the entry and says which rule must refuse it.
    fn add(&self, builder: CrateBuilder) -> (CrateBuilder, &'static str) {
        match self {
            Self::Traversal { before, after, dir } => {
                let parts: Vec<&str> = before
                    .iter()
                    .map(String::as_str)
                    .chain([".."])
                    .chain(after.iter().map(String::as_str))
                    .collect();
                let path = format!("demo-0.1.0/{}", parts.join("/"));
                let builder = if *dir {
                    builder.dir(&format!("{path}/"))
                } else {
                    builder.file(&path, b"x")
                };
                (builder, "tarball-path-traversal")
            }
            Self::Absolute(parts) => (
                builder.file(&format!("/{}", parts.join("/")), b"x"),
                "tarball-path-absolute",
            ),
            Self::Type(kind, parts) => {
                let path = format!("demo-0.1.0/{}", parts.join("/"));
                let entry = builder.raw(path.as_bytes(), EntryType::new(*kind), b"");
                (entry, "tarball-entry-type")
            }
        }
    }
}

/// The clean entries of a package, to insert a hostile one among.
fn clean_entries(builder: CrateBuilder, from: usize, to: usize) -> CrateBuilder {
    let entries: [&dyn Fn(CrateBuilder) -> CrateBuilder; 3] = [
        &|b| b.dir("demo-0.1.0/"),
        &|b| {
            b.file(
                "demo-0.1.0/Cargo.toml",
                manifest("demo", "0.1.0").as_bytes(),
            )
        },
        &|b| b.file("demo-0.1.0/src/lib.rs", b""),
    ];
    entries[from..to].iter().fold(builder, |b, add| add(b))
}

fn version() -> impl Strategy<Value = String> {
    let number = || 0..1000u32;
    let ident = || "[0-9A-Za-z-]{1,8}";
    let pre = prop::option::of(vec(ident(), 1..3).prop_map(|ids| ids.join(".")));
    let build = prop::option::of(vec(ident(), 1..3).prop_map(|ids| ids.join(".")));
    (number(), number(), number(), pre, build).prop_filter_map(
        "semver pre-release identifiers are not numbers with leading zeros",
        |(major, minor, patch, pre, build)| {
            let mut v = format!("{major}.{minor}.{patch}");
            if let Some(pre) = pre {
                v = format!("{v}-{pre}");
            }
            if let Some(build) = build {
                v = format!("{v}+{build}");
            }
            semver::Version::parse(&v).ok().map(|_| v)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..4096), gzip_magic: bool) {
        let mut input = if gzip_magic { vec![0x1f, 0x8b, 0x08] } else { Vec::new() };
        input.extend_from_slice(&bytes);
        if let Ok(krate) = read_crate(&input, None, &limits()) {
            assert_clean(&krate, &input);
        }
    }

    #[test]
    fn never_panics_on_mutated_crates(mutations in vec(mutation(), 1..4), in_tar: bool) {
        let mut bytes = if in_tar { valid_tar() } else { gzip(&valid_tar()) };
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if in_tar {
            bytes = gzip(&bytes);
        }
        if let Ok(krate) = read_crate(&bytes, None, &limits()) {
            assert_clean(&krate, &bytes);
        }
    }

    #[test]
    fn refuses_hostile_entries_wherever_they_are(hostile in hostile(), at in 0..=3usize) {
        let (builder, rule) = hostile.add(clean_entries(CrateBuilder::empty(), 0, at));
        let bytes = clean_entries(builder, at, 3).build();
        let refusal = read_crate(&bytes, None, &limits()).expect_err("hostile");
        prop_assert_eq!(refusal.rule, rule, "{:?}", refusal);
    }

    #[test]
    fn accepts_clean_packages_of_any_name_and_version(
        name in "[A-Za-z][A-Za-z0-9_-]{0,20}",
        version in version(),
        dirs in vec(vec("[a-z]{1,8}", 0..4), 0..6),
    ) {
        let root = format!("{name}-{version}");
        let mut paths = BTreeSet::new();
        for (i, dir) in dirs.iter().enumerate() {
            paths.insert(format!("{root}/{}{}f{i}.rs", dir.join("/"), if dir.is_empty() { "" } else { "/" }));
        }
        let builder = CrateBuilder::empty().dir(&format!("{root}/"))
            .file(&format!("{root}/Cargo.toml"), manifest(&name, &version).as_bytes());
        let bytes = paths.iter().fold(builder, |b, p| b.file(p, p.as_bytes())).build();
        let parsed = semver::Version::parse(&version).expect("generated valid");
        let krate = read_crate(&bytes, Some(&file_name(&name, &parsed)), &limits())
            .expect("clean package");
        assert_clean(&krate, &bytes);
        prop_assert_eq!(krate.entries.len(), paths.len() + 1);
    }
}
