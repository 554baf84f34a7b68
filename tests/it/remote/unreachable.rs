//! The index host cannot be reached: the push is refused with a clear
//! message and nothing changes (fail closed), unless the configuration
//! allows a copy of bounded age; then what was accepted is published by
//! `sync` once the host is back.

use super::{RemoteHosted, TOKEN, pusher, utf8};

#[test]
fn an_unreachable_index_refuses_the_push_and_changes_nothing() {
    let remote = RemoteHosted::new();
    let alice = remote.hosted.clone_as("alice");
    alice.put_crate("cg-alpha");
    alice.commit("alpha");
    let shown = remote.index_url().replace("indexbot@", "***@");
    remote.stop_server();

    let before = remote.hosted.state();
    let refused = alice
        .push_with(&["origin", "main"], &pusher("alice"))
        .failure();
    let said = format!(
        "remote: error: crategate cannot judge this push, so it is refused: \
         cannot reach the index repository {shown} (fetching failed)"
    );
    assert!(refused.stderr.contains(&said), "{said}\n{refused}");
    assert!(!refused.stderr.contains(TOKEN), "{refused}");
    assert_eq!(remote.hosted.state(), before);
    assert_eq!(remote.hosted.tip(), None);

    // A copy of bounded age lets pushes through; publication waits.
    let config_path = remote.hosted.repo().join("crategate.toml");
    let config = std::fs::read_to_string(&config_path).expect("config");
    std::fs::write(&config_path, format!("{config}index-max-age = 3600\n")).expect("config");
    let accepted = alice
        .push_with(&["origin", "main"], &pusher("alice"))
        .success();
    assert!(
        accepted
            .stderr
            .contains("remote: warning: crategate judged this push against a copy of the index"),
        "{accepted}"
    );
    assert!(
        accepted.stderr.contains(
            "remote: error: crategate: publishing failed: cannot reach the index repository"
        ),
        "{accepted}"
    );
    assert_eq!(remote.hosted.state().index_tip, before.index_tip);
    assert_eq!(remote.hosted.published("cg-alpha"), []);

    // The host is back (on a new port): sync publishes what was accepted.
    let old_url = remote.index_url();
    remote.restart_server();
    let config = std::fs::read_to_string(&config_path)
        .expect("config")
        .replace(&old_url, &remote.index_url());
    std::fs::write(&config_path, config).expect("config");
    let synced = remote
        .crategate(&["sync", "--repo", utf8(remote.hosted.repo())])
        .success();
    assert!(synced.stdout.contains("Added cg-alpha 1.0.0"), "{synced}");
    assert_eq!(
        remote.hosted.published("cg-alpha"),
        [("1.0.0".to_owned(), false)]
    );
}
