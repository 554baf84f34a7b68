//! A yanked version stays buildable for lockfiles that pin it and is
//! never chosen for a new one — as cargo itself decides, reading the
//! index crategate wrote.

use crate::support::registry::{Protocol, Registry};

fn yank_then_resolve(protocol: Protocol) {
    let registry = Registry::new(protocol);
    registry.publish_fixture("cg-base", "1.0.0");
    registry.publish_fixture("cg-base", "1.1.0");

    let pinned = registry.consumer("base", "pinned");
    pinned.cargo(&["generate-lockfile"]).success();
    assert_eq!(pinned.locked_versions("cg-base"), ["1.1.0"]);

    registry
        .crategate_index("yank", &["cg-base", "1.1.0"])
        .success();

    // A new lockfile gets the newest version that is not yanked.
    let fresh = registry.consumer("base", "fresh");
    fresh.cargo(&["generate-lockfile"]).success();
    assert_eq!(fresh.locked_versions("cg-base"), ["1.0.0"]);
    assert_eq!(fresh.build_and_run(&["--locked"]), "cg-base 1.0.0\n");

    // The existing lockfile still builds the yanked version.
    assert_eq!(pinned.build_and_run(&["--locked"]), "cg-base 1.1.0\n");
    assert_eq!(pinned.locked_versions("cg-base"), ["1.1.0"]);

    // Asked for it by name, cargo takes it but says it is yanked; asked
    // to update, cargo leaves it.
    pinned
        .cargo(&["update", "-p", "cg-base", "--precise", "1.1.0"])
        .success()
        .stderr_has("yanked");
    pinned.cargo(&["update"]).success();
    assert_eq!(pinned.locked_versions("cg-base"), ["1.0.0"]);

    // Unyanked, it is the newest choice again.
    registry
        .crategate_index("unyank", &["cg-base", "1.1.0"])
        .success();
    pinned.cargo(&["update"]).success();
    assert_eq!(pinned.locked_versions("cg-base"), ["1.1.0"]);
}

#[test]
fn yanked_version_is_skipped_by_new_lockfiles_over_git_index() {
    yank_then_resolve(Protocol::Git);
}

#[test]
fn yanked_version_is_skipped_by_new_lockfiles_over_sparse_index() {
    yank_then_resolve(Protocol::Sparse);
}
