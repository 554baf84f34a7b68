//! Cargo builds a project against an index written by crategate, reached
//! as a git index over `file://` and as a sparse index over HTTP, both as
//! an alternate registry and as a mirror replacing crates.io.

use crate::support::registry::{Mode, Protocol, Registry};

/// What the `all` consumer prints when every fixture resolved and built
/// with the features it asked for.
const EXPECTED: &str = "HELLO, CONSUMER\n\
                        hello, features | HELLO, FEATURES | extra!\n\
                        hello, unix\n\
                        hello, renamed\n";

fn build_every_fixture(protocol: Protocol, mode: Mode) {
    let registry = Registry::with_mode(protocol, mode);
    registry.publish_all_fixtures();
    assert_no_dependency_names_a_registry(&registry);
    let consumer = registry.consumer("all", "consumer");
    assert_eq!(consumer.build_and_run(&[]), EXPECTED);
    for name in [
        "cg-base",
        "cg-dep",
        "cg-features",
        "cg-target",
        "cg-renamed",
    ] {
        assert_eq!(
            consumer.locked_versions(name),
            ["1.0.0"],
            "{name} in Cargo.lock"
        );
    }
}

/// Every fixture depends only on this registry, which its lines leave
/// unnamed in both modes (cargo would also accept this registry's own URL,
/// so only the lines show it).
fn assert_no_dependency_names_a_registry(registry: &Registry) {
    let index_files = registry
        .files()
        .into_iter()
        .filter(|path| path.contains('/'));
    let mut checked = 0;
    for path in index_files {
        for line in registry.file(&path).lines() {
            let line: serde_json::Value = serde_json::from_str(line).expect("index lines are JSON");
            let deps = line["deps"].as_array().expect("every line has deps");
            for dep in deps {
                assert!(dep.get("registry").is_none(), "{path}: {dep}");
                checked += 1;
            }
        }
    }
    // cg-dep 1, cg-features 2, cg-target 1, cg-renamed 1.
    assert_eq!(checked, 5, "dependencies listed in the index");
}

#[test]
fn cargo_builds_against_git_index_over_file_url() {
    build_every_fixture(Protocol::Git, Mode::Alternate);
}

#[test]
fn cargo_builds_against_sparse_index_over_http() {
    build_every_fixture(Protocol::Sparse, Mode::Alternate);
}

#[test]
fn cargo_builds_against_git_mirror_of_crates_io() {
    build_every_fixture(Protocol::Git, Mode::Mirror);
}

#[test]
fn cargo_builds_against_sparse_mirror_of_crates_io() {
    build_every_fixture(Protocol::Sparse, Mode::Mirror);
}
