//! `crategate index add` and `index yank` refuse what would break the
//! index, and a refusal changes nothing: the index branch keeps its tip.

use std::fs;

use crate::support::fixtures::package_minimal;
use crate::support::registry::{Protocol, Registry};

/// The content of index file `path`, if the index lists it.
fn index_file_of(registry: &Registry, path: &str) -> Option<String> {
    registry
        .files()
        .contains(&path.to_owned())
        .then(|| registry.file(path))
}

#[test]
fn same_version_twice_is_refused() {
    let registry = Registry::new(Protocol::Git);
    let crate_file = package_minimal(&registry.sandbox, "cg-twice", "1.0.0", 1);
    registry.add(&[&crate_file]).success();
    let tip = registry.tip();
    let lines = index_file_of(&registry, "cg/-t/cg-twice").expect("cg-twice is listed");

    registry.add(&[&crate_file]).code(1).stderr_has("cg-twice");

    assert_eq!(registry.tip(), tip, "a refused add moved the index branch");
    assert_eq!(registry.file("cg/-t/cg-twice"), lines);
    assert_eq!(lines.lines().count(), 1);
}

#[test]
fn yanked_version_cannot_be_replaced() {
    let registry = Registry::new(Protocol::Git);
    let original = package_minimal(&registry.sandbox, "cg-swap", "1.0.0", 1);
    let other_bytes = package_minimal(&registry.sandbox, "cg-swap", "1.0.0", 2);
    let with_build = package_minimal(&registry.sandbox, "cg-swap", "1.0.0+rebuilt", 2);
    registry.add(&[&original]).success();
    registry
        .crategate_index("yank", &["cg-swap", "1.0.0"])
        .success();
    let tip = registry.tip();
    let lines = registry.file("cg/-s/cg-swap");

    registry.add(&[&other_bytes]).code(1).stderr_has("cg-swap");
    registry.add(&[&with_build]).code(1).stderr_has("cg-swap");

    assert_eq!(registry.tip(), tip, "a refused add moved the index branch");
    assert_eq!(registry.file("cg/-s/cg-swap"), lines);
}

#[test]
fn canonical_name_collision_is_refused() {
    let registry = Registry::new(Protocol::Git);
    let first = package_minimal(&registry.sandbox, "foo-bar", "1.0.0", 1);
    let second = package_minimal(&registry.sandbox, "Foo_Bar", "2.0.0", 1);
    registry.add(&[&first]).success();
    let tip = registry.tip();

    registry.add(&[&second]).code(1).stderr_has("Foo_Bar");

    assert_eq!(registry.tip(), tip, "a refused add moved the index branch");
    let lines = registry.file("fo/o-/foo-bar");
    assert_eq!(lines.lines().count(), 1, "index file now holds:\n{lines}");
    assert!(index_file_of(&registry, "fo/o_/foo_bar").is_none());
}

#[test]
fn batch_with_one_bad_file_adds_nothing() {
    let registry = Registry::new(Protocol::Git);
    let good = package_minimal(&registry.sandbox, "cg-good", "1.0.0", 1);
    let bad = registry.sandbox.path("cg-bad-1.0.0.crate");
    fs::write(&bad, b"this is not a gzip stream").expect("writing a bad crate file");
    let tip = registry.tip();
    let files = registry.files();

    registry
        .add(&[&good, &bad])
        .code(1)
        .stderr_has("cg-bad-1.0.0.crate");

    assert_eq!(registry.tip(), tip, "a refused add moved the index branch");
    assert_eq!(registry.files(), files);
    assert!(index_file_of(&registry, "cg/-g/cg-good").is_none());
}

#[test]
fn yanking_an_unknown_version_changes_nothing() {
    let registry = Registry::new(Protocol::Git);
    let crate_file = package_minimal(&registry.sandbox, "cg-known", "1.0.0", 1);
    registry.add(&[&crate_file]).success();
    let tip = registry.tip();

    registry
        .crategate_index("yank", &["cg-known", "9.9.9"])
        .failure();
    registry
        .crategate_index("yank", &["cg-unknown", "1.0.0"])
        .failure();

    assert_eq!(registry.tip(), tip, "a failed yank moved the index branch");
}
