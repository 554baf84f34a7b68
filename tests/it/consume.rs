//! Cargo builds a project against an index written by crategate, reached
//! as a git index over `file://` and as a sparse index over HTTP.

use crate::support::fixtures::Consumer;
use crate::support::registry::{Protocol, Registry};

/// What the `all` consumer prints when every fixture resolved and built
/// with the features it asked for.
const EXPECTED: &str = "HELLO, CONSUMER\n\
                        hello, features | HELLO, FEATURES | extra!\n\
                        hello, unix\n\
                        hello, renamed\n";

fn build_every_fixture(protocol: Protocol) {
    let registry = Registry::new(protocol);
    registry.publish_all_fixtures();
    let consumer = Consumer::new(&registry.sandbox, "all", "consumer");
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

#[test]
fn cargo_builds_against_git_index_over_file_url() {
    build_every_fixture(Protocol::Git);
}

#[test]
fn cargo_builds_against_sparse_index_over_http() {
    build_every_fixture(Protocol::Sparse);
}
