//! Two crate repositories (two servers, say) publish into one remote
//! index at the same moment. The index host's own `pre-receive` holds
//! every index push for a while, so both publications build on the same
//! tip and one loses the compare-and-swap of the ref update; it fetches,
//! publishes again on the new tip and pushes. Both versions end in the
//! index, in one linear history.

use std::sync::Barrier;
use std::thread;

use super::{RemoteHosted, pusher, utf8};

#[test]
fn two_repositories_racing_into_one_remote_index_both_publish() {
    let remote = RemoteHosted::new();
    let hosted = &remote.hosted;
    let sandbox = hosted.sandbox();
    let second = sandbox.path("crates-b.git");
    sandbox.git(&["init", "--quiet", "--bare", utf8(&second)]);
    remote.install(&second, &[]).success();

    let attempts = sandbox.path("index-pushes.log");
    hosted_index_hook(
        &remote,
        &format!(
            "#!/bin/sh\necho push >> '{}'\nsleep 2\n",
            attempts.display()
        ),
    );
    let a = hosted.clone_as("a");
    let b = hosted.clone_from(&format!("file://{}", second.display()), "b");
    a.put_crate("cg-alpha");
    a.commit("alpha");
    b.put_crate("cg-beta");
    b.commit("beta");

    let start = Barrier::new(2);
    let outcomes = thread::scope(|scope| {
        let racers = [(&a, "alice"), (&b, "bob")].map(|(clone, who)| {
            let start = &start;
            scope.spawn(move || {
                start.wait();
                clone.push_with(&["origin", "main"], &pusher(who))
            })
        });
        racers.map(|r| r.join().expect("a racer"))
    });
    for outcome in outcomes {
        outcome.success();
    }
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), false)]);

    // One linear history: the first commit and one per publication.
    let index = utf8(hosted.registry.index_dir());
    let log = sandbox.git(&[
        "--git-dir",
        index,
        "log",
        "--format=%P %s",
        "refs/heads/main",
    ]);
    let commits: Vec<&str> = log.stdout.lines().collect();
    assert_eq!(commits.len(), 3, "{}", log.stdout);
    assert!(
        commits
            .iter()
            .all(|c| c.split(' ').next().is_some_and(|p| p.len() <= 40))
    );
    // Three pushes reached the host: one lost the race and came again.
    let pushes = std::fs::read_to_string(&attempts).expect("the index host's log");
    assert_eq!(pushes.lines().count(), 3, "{pushes}");
}

/// Installs `script` as the index repository's `pre-receive` hook.
fn hosted_index_hook(remote: &RemoteHosted, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = remote.hosted.registry.index_dir().join("hooks/pre-receive");
    std::fs::write(&path, script).expect("writing the index host's hook");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("making it executable");
}
