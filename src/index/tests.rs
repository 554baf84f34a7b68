//! The index writer against real git repositories.

use std::path::Path;
use std::process::Command;

use super::config::{CargoConfig, RegistryMode, Settings};
use super::line::{IndexLine, Mode};
use super::{Index, IndexError, NewVersion};
use crate::checksum::Checksum;
use crate::crate_name::CrateName;
use crate::manifest::Manifest;

fn new_index(dir: &Path) -> Index {
    let config = CargoConfig {
        dl: "https://pages.invalid/{crate}-{version}.crate".into(),
        api: None,
        auth_required: false,
    };
    let settings = Settings::new(
        "sparse+https://pages.invalid/index/",
        RegistryMode::Alternate,
    )
    .expect("valid settings");
    Index::init(&dir.join("index.git"), &config, settings).expect("init")
}

fn version(name: &str, vers: &str, bytes: &[u8]) -> NewVersion {
    let text = format!("[package]\nname = \"{name}\"\nversion = \"{vers}\"\n");
    let manifest = Manifest::parse(&text).expect("manifest");
    let line = IndexLine::from_manifest(
        &manifest,
        &Checksum::of(bytes),
        &Mode::Mirror,
        "2026-01-02T03:04:05Z",
    )
    .expect("line");
    NewVersion {
        file: format!("{name}-{vers}.crate"),
        name: manifest.name,
        line,
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(dir.join("index.git"))
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn refused_rules(result: Result<(), IndexError>) -> Vec<&'static str> {
    match result {
        Err(IndexError::Refused(conflicts)) => conflicts.iter().map(|c| c.rule).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn adds_in_one_commit_at_cargos_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    let batch = [
        version("serde", "1.0.0", b"a"),
        version("ab", "0.1.0", b"b"),
    ];
    index.add(&batch, "Add two").expect("added");
    assert_eq!(
        git(dir.path(), &["rev-list", "--count", "main"]).trim(),
        "2"
    );
    let serde = git(dir.path(), &["show", "main:se/rd/serde"]);
    assert!(
        serde.starts_with("{\"name\":\"serde\",\"vers\":\"1.0.0\""),
        "{serde}"
    );
    assert!(serde.ends_with("}\n"));
    assert!(git(dir.path(), &["show", "main:2/ab"]).contains("\"ab\""));
    git(dir.path(), &["fsck", "--strict"]);
}

#[test]
fn a_version_is_never_added_twice_even_with_other_build_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    index
        .add(&[version("foo", "1.0.0+a", b"a")], "one")
        .expect("added");
    let tip = git(dir.path(), &["rev-parse", "main"]);
    let rules = refused_rules(index.add(&[version("foo", "1.0.0+b", b"b")], "again"));
    assert_eq!(rules, ["version-exists"]);
    let rules = refused_rules(index.add(&[version("foo", "1.0.0+a", b"a")], "same file"));
    assert_eq!(rules, ["version-already-published"]);
    assert_eq!(
        git(dir.path(), &["rev-parse", "main"]),
        tip,
        "nothing written"
    );
}

#[test]
fn canonical_name_collisions_are_refused_across_directories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    index
        .add(&[version("foo-bar", "1.0.0", b"a")], "one")
        .expect("added");
    // `foo_bar` lives in `fo/o_/`, `Foo-Bar` in the same file as `foo-bar`.
    for other in ["foo_bar", "Foo-Bar", "FOO_BAR"] {
        let rules = refused_rules(index.add(&[version(other, "2.0.0", b"b")], "x"));
        assert_eq!(rules, ["name-collision"], "{other}");
    }
    // Two spellings in one batch collide with each other too.
    let rules = refused_rules(index.add(
        &[
            version("a-b-c", "1.0.0", b"c"),
            version("a_b_c", "1.0.0", b"d"),
        ],
        "x",
    ));
    assert_eq!(rules, ["name-collision"]);
}

#[test]
fn one_refused_version_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    index
        .add(&[version("foo", "1.0.0", b"a")], "one")
        .expect("added");
    let tip = git(dir.path(), &["rev-parse", "main"]);
    let rules = refused_rules(index.add(
        &[
            version("good", "1.0.0", b"g"),
            version("foo", "1.0.0", b"other bytes"),
        ],
        "mixed",
    ));
    assert_eq!(rules, ["version-exists"]);
    assert_eq!(git(dir.path(), &["rev-parse", "main"]), tip);
    assert!(
        git(dir.path(), &["ls-tree", "-r", "--name-only", "main"])
            .lines()
            .all(|p| p != "go/od/good")
    );
}

#[test]
fn yank_changes_only_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    index
        .add(
            &[version("foo", "1.0.0", b"a"), version("foo", "1.1.0", b"b")],
            "two",
        )
        .expect("added");
    let before = git(dir.path(), &["show", "main:3/f/foo"]);
    let name = CrateName::new("foo").expect("name");
    let v = semver::Version::new(1, 1, 0);
    assert!(index.set_yanked(&name, &v, true).expect("yanked"));
    assert!(
        !index.set_yanked(&name, &v, true).expect("no-op"),
        "already yanked"
    );
    let after = git(dir.path(), &["show", "main:3/f/foo"]);
    assert_eq!(
        after,
        before
            .replacen("\"yanked\":false", "\"yanked\":true", 2)
            .replacen("\"yanked\":true", "\"yanked\":false", 1)
    );
    assert!(index.set_yanked(&name, &v, false).expect("unyanked"));
    assert_eq!(git(dir.path(), &["show", "main:3/f/foo"]), before);
    assert!(matches!(
        index.set_yanked(&name, &semver::Version::new(9, 0, 0), true),
        Err(IndexError::NotFound { .. })
    ));
}

#[test]
fn a_work_tree_follows_the_branch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = new_index(dir.path());
    drop(index);
    let clone = dir.path().join("clone");
    let status = Command::new("git")
        .args(["clone", "-q"])
        .arg(dir.path().join("index.git"))
        .arg(&clone)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git clone");
    assert!(status.success());
    let index = Index::open(&clone).expect("open a clone with a work tree");
    index
        .add(&[version("serde", "1.0.0", b"a")], "one")
        .expect("added");
    let text = std::fs::read_to_string(clone.join("se/rd/serde")).expect("checked out");
    assert!(text.contains("\"serde\""));
    let status = Command::new("git")
        .arg("-C")
        .arg(&clone)
        .args(["status", "--porcelain"])
        .output()
        .expect("git status");
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "work tree and git index agree"
    );
}

#[test]
fn concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(new_index(dir.path()));
    let path = dir.path().join("index.git");
    std::thread::scope(|scope| {
        for t in 0..4 {
            let path = &path;
            scope.spawn(move || {
                let index = Index::open(path).expect("open");
                for i in 0..5 {
                    let name = format!("crate{t}x{i}");
                    index
                        .add(&[version(&name, "1.0.0", name.as_bytes())], "add")
                        .expect("added");
                }
            });
        }
    });
    let files = git(dir.path(), &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(
        files.lines().filter(|p| p.contains("/crate")).count(),
        20,
        "{files}"
    );
    assert_eq!(
        git(dir.path(), &["rev-list", "--count", "main"]).trim(),
        "21"
    );
    git(dir.path(), &["fsck", "--strict"]);
}
