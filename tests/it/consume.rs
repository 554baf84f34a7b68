//! Cargo builds a project against an index written by crategate, reached
//! as a git index over `file://` and as a sparse index over HTTP, both as
//! an alternate registry and as a mirror replacing crates.io.

use serde_json::{Value, json};

use crate::support::fixtures::IN_DEPENDENCY_ORDER;
use crate::support::registry::{Mode, Options, Protocol, Registry};

/// What the `all` consumer prints when every fixture resolved and built
/// with the features it asked for.
const EXPECTED: &str = "HELLO, CONSUMER\n\
                        hello, features | HELLO, FEATURES | extra!\n\
                        hello, unix\n\
                        hello, renamed\n";

fn build_every_fixture(protocol: Protocol, mode: Mode) {
    let options = Options {
        mode,
        ..Options::default()
    };
    let registry = Registry::with(protocol, options);
    registry.publish_all_fixtures();
    assert_no_dependency_names_a_registry(&registry);
    assert_lines_say_what_a_unix_build_cannot_show(&registry);
    let consumer = registry.consumer("all", "consumer");
    assert_eq!(consumer.build_and_run(&[]), EXPECTED);
    for name in IN_DEPENDENCY_ORDER {
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
            let line: Value = serde_json::from_str(line).expect("index lines are JSON");
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

/// The one line of index file `path`.
fn only_line(registry: &Registry, path: &str) -> Value {
    let text = registry.file(path);
    assert_eq!(text.lines().count(), 1, "{path}:\n{text}");
    serde_json::from_str(&text).expect("index lines are JSON")
}

/// What a build on this machine would not notice if it were wrong: the
/// target of a platform-specific dependency, and the `features2` split
/// (cargo merges `features` and `features2`, older cargo skips the line).
/// The renamed dependency is checked too, to name the culprit if the
/// build fails.
fn assert_lines_say_what_a_unix_build_cannot_show(registry: &Registry) {
    let target = only_line(registry, "cg/-t/cg-target");
    assert_eq!(target["deps"][0]["name"], "cg-base", "{target}");
    assert_eq!(target["deps"][0]["target"], "cfg(unix)", "{target}");

    let renamed = only_line(registry, "cg/-r/cg-renamed");
    assert_eq!(renamed["deps"][0]["name"], "foo", "{renamed}");
    assert_eq!(renamed["deps"][0]["package"], "cg-base", "{renamed}");

    let features = only_line(registry, "cg/-f/cg-features");
    assert_eq!(features["v"], 2, "{features}");
    assert_eq!(features["features"], json!({ "default": [] }), "{features}");
    assert_eq!(
        features["features2"],
        json!({
            "extra": ["cg-base?/extra"],
            "greet": ["dep:cg-base"],
            "loud": ["dep:cg-dep"],
        }),
        "{features}"
    );
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
