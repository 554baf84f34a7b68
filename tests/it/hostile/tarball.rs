//! Tarball attacks: entries that would write outside the package when
//! unpacked, entries that are not plain files, headers that disagree with
//! each other, and paths that cannot exist on every file system.

use tar::EntryType;

use super::{Case, assert_all_refused, seeded_default};
use crate::support::forge::{Forge, manifest};

const FILE: &str = "cg-evil-1.0.0.crate";
const ROOT: &str = "cg-evil-1.0.0";

/// The clean package `cg-evil 1.0.0`, to add one hostile entry to.
fn evil() -> Forge {
    Forge::package("cg-evil", "1.0.0")
}

/// `path` under the package root.
fn at(path: &str) -> String {
    format!("{ROOT}/{path}")
}

fn case(what: &'static str, forge: Forge, rule: &'static str) -> Case {
    Case::file(what, FILE, forge.build(), rule)
}

fn traversal() -> Vec<Case> {
    let rule = "tarball-path-traversal";
    vec![
        case(
            "`..` out of the root",
            evil().file(&at("../evil.rs"), b"x"),
            rule,
        ),
        case(
            "`..` deep down to /etc",
            evil().file(&at("src/../../../../etc/cron.d/x"), b"x"),
            rule,
        ),
        case("`..` as a directory", evil().dir(&at("../")), rule),
        case("`..` as the whole path", evil().file("..", b"x"), rule),
        case(
            "`..` in a GNU long name",
            evil().file(&format!("{ROOT}/{}/../../x", "d".repeat(120)), b"x"),
            rule,
        ),
        case(
            "`..` in a pax path",
            evil()
                .pax(&[("path", at("../pax.rs").as_bytes())])
                .file(&at("innocent.rs"), b"x"),
            rule,
        ),
        case(
            "absolute path",
            evil().file("/etc/passwd", b"root::0:0::/:/bin/sh\n"),
            "tarball-path-absolute",
        ),
        case(
            "absolute directory",
            evil().dir("/tmp/"),
            "tarball-path-absolute",
        ),
    ]
}

fn entry_types() -> Vec<Case> {
    let rule = "tarball-entry-type";
    let mut cases = vec![
        case(
            "symlink to /etc/passwd",
            evil().link(&at("src/passwd"), EntryType::Symlink, "/etc/passwd"),
            rule,
        ),
        case(
            "symlink up and out",
            evil().link(&at("up"), EntryType::Symlink, "../../.."),
            rule,
        ),
        case(
            "hard link to /etc/shadow",
            evil().link(&at("shadow"), EntryType::Link, "/etc/shadow"),
            rule,
        ),
        case(
            "hard link to a package file",
            evil().link(&at("again.rs"), EntryType::Link, &at("src/lib.rs")),
            rule,
        ),
    ];
    for (what, kind) in [
        ("character device", b'3'),
        ("block device", b'4'),
        ("FIFO", b'6'),
        ("contiguous file", b'7'),
        ("unknown type", b'Z'),
    ] {
        let forge = evil().raw(at("dev").as_bytes(), EntryType::new(kind), b"");
        cases.push(case(what, forge, rule));
    }
    cases.push(case(
        "global pax header",
        evil().raw(b"pax_global_header", EntryType::XGlobalHeader, b"9 a=bcd\n"),
        rule,
    ));
    cases
}

fn headers() -> Vec<Case> {
    let mismatch = "tarball-header-mismatch";
    vec![
        case(
            "pax size larger than the header's",
            evil()
                .pax(&[("size", b"4096")])
                .file(&at("src/sneaky.rs"), b"fn a() {}\n"),
            mismatch,
        ),
        case(
            "pax size smaller than the header's",
            evil()
                .pax(&[("size", b"1")])
                .file(&at("src/sneaky.rs"), b"fn a() {}\n"),
            mismatch,
        ),
        case(
            "directory with data",
            evil().raw(at("data/").as_bytes(), EntryType::Directory, b"hidden"),
            mismatch,
        ),
        case(
            "size field past the archive",
            evil().with_size(&at("src/big.rs"), 1 << 20, b"short"),
            "tarball-truncated",
        ),
        case(
            "path longer than any file system takes",
            evil().file(&at(&format!("{}x.rs", "long/".repeat(1000))), b"x"),
            "tarball-path-invalid",
        ),
        case(
            "GNU long name of 20 KiB",
            evil().file(&at(&"n".repeat(20 * 1024)), b"x"),
            "tarball-header-too-large",
        ),
        case(
            "backslash path",
            evil().file(&at("src\\..\\..\\x.rs"), b"x"),
            "tarball-path-invalid",
        ),
        case(
            "NUL inside a pax path",
            evil()
                .pax(&[("path", at("a\0b").as_bytes())])
                .file(&at("c.rs"), b"x"),
            "tarball-path-invalid",
        ),
        case(
            "path that is not UTF-8",
            evil().raw(
                &[ROOT.as_bytes(), b"/\xff\xfe.rs"].concat(),
                EntryType::Regular,
                b"x",
            ),
            "tarball-path-not-utf8",
        ),
    ]
}

fn layout() -> Vec<Case> {
    vec![
        case(
            "duplicate file",
            evil().file(&at("src/lib.rs"), b"pub fn other() {}\n"),
            "tarball-duplicate-entry",
        ),
        case(
            "second manifest replacing the first",
            evil().file(&at("Cargo.toml"), manifest("cg-other", "1.0.0").as_bytes()),
            "manifest-duplicate",
        ),
        case(
            "file and directory of one path",
            evil().file(&at("src/lib.rs/inner.rs"), b"x"),
            "tarball-path-conflict",
        ),
        case(
            "entry under another root",
            evil().file("cg-other-1.0.0/x.rs", b"x"),
            "tarball-path-outside-root",
        ),
        case(
            "file at the top level",
            evil().file("install.sh", b"#!/bin/sh\n"),
            "tarball-path-outside-root",
        ),
        case(
            "paths differing only in case",
            evil().file(&at("src/LIB.rs"), b"x"),
            "tarball-case-collision",
        ),
        case(
            "Windows device name",
            evil().file(&at("src/aux.rs"), b"x"),
            "tarball-windows-reserved-path",
        ),
        case(
            "Windows device directory",
            evil().file(&at("con/mod.rs"), b"x"),
            "tarball-windows-reserved-path",
        ),
        case(
            "component ending in a dot",
            evil().file(&at("src/x."), b"x"),
            "tarball-windows-reserved-path",
        ),
    ]
}

#[test]
fn tarball_attacks_are_refused_and_change_nothing() {
    let hosted = seeded_default(&[("cg-seed", "1.0.0")]);
    let cases: Vec<Case> = [traversal(), entry_types(), headers(), layout()]
        .into_iter()
        .flatten()
        .collect();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    assert_all_refused(&hosted, &cases);
}
