//! Naming and version tricks, canonical-name collisions and attacks on
//! immutability: a file that says one crate and holds another, names
//! crates.io reserves, spellings of a published name, and every way of
//! putting other bytes behind a published version.

use super::{Case, assert_all_refused, clean, seeded_default};
use crate::support::forge::{Forge, manifest};

/// `file` holding a package at `root` whose manifest says `name` `version`.
fn packed(file: &str, root: &str, name: &str, version: &str) -> (String, Vec<u8>) {
    let bytes = Forge::empty()
        .file(
            &format!("{root}/Cargo.toml"),
            manifest(name, version).as_bytes(),
        )
        .file(&format!("{root}/src/lib.rs"), b"")
        .build();
    (file.to_owned(), bytes)
}

fn case(what: &'static str, (file, bytes): (String, Vec<u8>), rule: &'static str) -> Case {
    Case::file(what, &file, bytes, rule)
}

/// `{name}-{version}.crate` with `manifest` as its Cargo.toml.
fn with_manifest(name: &str, version: &str, text: &str) -> (String, Vec<u8>) {
    (
        format!("{name}-{version}.crate"),
        Forge::package_with(name, version, text).build(),
    )
}

fn mismatches() -> Vec<Case> {
    vec![
        case(
            "file name of another crate",
            packed("cg-nice-1.0.0.crate", "cg-evil-1.0.0", "cg-evil", "1.0.0"),
            "crate-name-mismatch",
        ),
        case(
            "file name of another version",
            packed("cg-evil-2.0.0.crate", "cg-evil-1.0.0", "cg-evil", "1.0.0"),
            "crate-version-mismatch",
        ),
        case(
            "root directory of another crate",
            packed("cg-evil-1.0.0.crate", "cg-nice-1.0.0", "cg-evil", "1.0.0"),
            "crate-name-mismatch",
        ),
        case(
            "root directory of another version",
            packed("cg-evil-1.0.0.crate", "cg-evil-9.0.0", "cg-evil", "1.0.0"),
            "crate-version-mismatch",
        ),
        case(
            "build metadata in the file name only",
            packed(
                "cg-evil-1.0.0+b1.crate",
                "cg-evil-1.0.0",
                "cg-evil",
                "1.0.0",
            ),
            "crate-version-mismatch",
        ),
        case(
            "build metadata in the manifest only",
            packed(
                "cg-evil-1.0.0.crate",
                "cg-evil-1.0.0+b1",
                "cg-evil",
                "1.0.0+b1",
            ),
            "crate-version-mismatch",
        ),
    ]
}

fn names_and_versions() -> Vec<Case> {
    let long = format!("1.0.0-{}", "a".repeat(150));
    let mut cases = vec![
        case("reserved name std", clean("std", "1.0.0"), "name-reserved"),
        case(
            "Windows device name nul",
            clean("nul", "1.0.0"),
            "name-reserved",
        ),
        case(
            "reserved name proc_macro",
            clean("proc_macro", "1.0.0"),
            "name-reserved",
        ),
        case(
            "non-ASCII name",
            clean("cg-ünï", "1.0.0"),
            "manifest-bad-name",
        ),
        case(
            "name starting with a digit",
            clean("1cg", "1.0.0"),
            "manifest-invalid",
        ),
        case(
            "version over 150 characters",
            clean("cg-evil", &long),
            "version-too-long",
        ),
        case(
            "version that is not semver",
            with_manifest("cg-evil", "1.0", &manifest("cg-evil", "1.0")),
            "manifest-invalid",
        ),
        case(
            "version inherited from a workspace",
            with_manifest(
                "cg-evil",
                "1.0.0",
                "[package]\nname = \"cg-evil\"\nversion.workspace = true\n",
            ),
            "manifest-unresolved",
        ),
        case(
            "manifest that is not TOML",
            with_manifest("cg-evil", "1.0.0", "[package\nname = "),
            "manifest-invalid",
        ),
        case(
            "manifest without [package]",
            with_manifest("cg-evil", "1.0.0", "[lib]\npath = \"src/lib.rs\"\n"),
            "manifest-no-package",
        ),
        case(
            "no manifest at all",
            (
                "cg-evil-1.0.0.crate".to_owned(),
                Forge::empty().file("cg-evil-1.0.0/src/lib.rs", b"").build(),
            ),
            "manifest-missing",
        ),
    ];
    let (file, bytes) = clean("cg-shout", "1.0.0");
    let shouting = file.replace(".crate", ".CRATE");
    cases.push(Case::file(
        "upper-case extension",
        &shouting,
        bytes.clone(),
        "push-crate-location",
    ));
    let nested = format!("nested/{file}");
    cases.push(Case::file(
        "crate in a directory",
        &nested,
        bytes,
        "push-crate-location",
    ));
    cases
}

fn collisions() -> Vec<Case> {
    let mut cases: Vec<Case> = [
        ("Foo_Bar after foo-bar", "Foo_Bar"),
        ("FOO-BAR after foo-bar", "FOO-BAR"),
        ("foo_bar after foo-bar", "foo_bar"),
        ("Foo-bar after foo-bar", "Foo-bar"),
    ]
    .into_iter()
    .map(|(what, name)| case(what, clean(name, "2.0.0"), "name-collision"))
    .collect();
    let (first, first_bytes) = clean("cg-twin", "1.0.0");
    let (second, second_bytes) = clean("cg_Twin", "1.0.0");
    cases.push(
        Case::new("two spellings in one push")
            .put(&first, first_bytes)
            .put(&second, second_bytes)
            .refused(&second, "name-collision"),
    );
    cases
}

fn immutability() -> Vec<Case> {
    let other = |name: &str, version: &str| {
        let bytes = Forge::package(name, version)
            .file(&format!("{name}-{version}/src/other.rs"), b"")
            .build();
        (format!("{name}-{version}.crate"), bytes)
    };
    let (imm, imm_other) = other("cg-imm", "1.0.0");
    let (gone, gone_other) = other("cg-gone", "1.0.0");
    vec![
        case(
            "other bytes for a published file",
            (imm.clone(), imm_other.clone()),
            "version-replaced",
        ),
        case(
            "same version with build metadata",
            other("cg-imm", "1.0.0+other"),
            "version-exists",
        ),
        case(
            "re-publishing a yanked version",
            (gone.clone(), gone_other),
            "version-exists",
        ),
        case(
            "yanked version again with build metadata",
            other("cg-gone", "1.0.0+again"),
            "version-exists",
        ),
        Case::new("delete and re-add with other bytes, in two commits")
            .remove(&imm)
            .commit()
            .put(&imm, imm_other)
            .refused(&imm, "version-exists"),
        case(
            "same bytes under the spelling of a canonical twin",
            clean("cg_imm", "1.0.0"),
            "name-collision",
        ),
    ]
}

#[test]
fn naming_tricks_collisions_and_immutability_attacks_change_nothing() {
    let seed = [
        ("cg-seed", "1.0.0"),
        ("foo-bar", "1.0.0"),
        ("cg-imm", "1.0.0"),
        ("cg-gone", "1.0.0"),
    ];
    let hosted = seeded_default(&seed);
    let yank = hosted.clone_as("yanker");
    yank.remove("cg-gone-1.0.0.crate");
    yank.commit("yank cg-gone 1.0.0");
    yank.push(&["origin", "main"]).success();
    assert_eq!(hosted.published("cg-gone"), [("1.0.0".to_owned(), true)]);

    let cases: Vec<Case> = [
        mismatches(),
        names_and_versions(),
        collisions(),
        immutability(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_all_refused(&hosted, &cases);
}
