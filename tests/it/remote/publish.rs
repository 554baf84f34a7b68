//! A push to the crate repository publishes into an index on another
//! host: judged against a fetched copy, published by a push with a lease.

use super::{RemoteHosted, TOKEN, assert_no_secret_under, pusher, utf8};
use crate::support::hooked::assert_refused;
use crate::support::shelf::file_name;

#[test]
fn a_push_publishes_into_the_index_on_the_other_host() {
    let remote = RemoteHosted::new();
    let hosted = &remote.hosted;
    let config = std::fs::read_to_string(hosted.repo().join("crategate.toml")).expect("config");
    assert!(
        config.contains("index = \"http://indexbot@127.0.0.1:"),
        "{config}"
    );
    assert!(
        config.contains("index-token-env = \"INDEX_TOKEN\""),
        "{config}"
    );

    let alice = hosted.clone_as("alice");
    alice.put_crate("cg-alpha");
    alice.put_crate("cg-beta");
    let head = alice.commit("alpha and beta");
    let pushed = alice
        .push_with(&["origin", "main"], &pusher("alice"))
        .success();
    for name in ["cg-alpha", "cg-beta"] {
        let said = format!("remote: crategate: published {name} 1.0.0");
        assert!(pushed.stderr.contains(&said), "{said}\n{pushed}");
        assert_eq!(hosted.published(name), [("1.0.0".to_owned(), false)]);
    }
    let message = hosted.index_message();
    assert!(message.contains("Pushed-By: alice"), "{message}");
    assert!(
        message.contains(&format!("Crate-Commit: {head}")),
        "{message}"
    );

    // The hooks' copy of the index follows the remote.
    let cache = hosted.repo().join("crategate-index-cache");
    let cached = hosted
        .sandbox()
        .git(&["--git-dir", utf8(&cache), "rev-parse", "refs/heads/main"]);
    assert_eq!(cached.stdout.trim(), hosted.registry.tip());

    // A deletion yanks, through the remote index too.
    alice.remove(&file_name("cg-beta"));
    alice.commit("retire beta");
    alice
        .push_with(&["origin", "main"], &pusher("alice"))
        .success();
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), true)]);

    // sync through the recorded URL finds nothing to do.
    remote
        .crategate(&["sync", "--repo", utf8(hosted.repo()), "--check"])
        .success();
    assert!(!pushed.stderr.contains(TOKEN), "{pushed}");
    assert_no_secret_under(hosted.repo());
    hosted.assert_fsck();
    assert_eq!(
        hosted.build_consumer("consumer", &["cg-alpha"]),
        "cg-alpha 1\n"
    );
}

/// Both repositories on one smart HTTP host, pushes authenticated there;
/// the index URL carries its password (redacted in every message).
#[test]
fn pushes_over_http_publish_into_an_index_over_http() {
    let remote = RemoteHosted::new();
    let hosted = &remote.hosted;
    let with_password = remote.url("indexbot", TOKEN, "index.git");
    let policy = hosted.sandbox().path("policy.toml");
    let repo = utf8(hosted.repo());
    hosted
        .sandbox()
        .crategate(&[
            "install",
            "--repo",
            repo,
            "--index",
            &with_password,
            "--policy",
            utf8(&policy),
            "--identity-env",
            "REMOTE_USER",
        ])
        .success();
    let alice = hosted.clone_from(&remote.url("alice", "alice-pw", "crates.git"), "alice");
    alice.put_crate("cg-alpha");
    alice.commit("alpha");
    let pushed = alice.push(&["origin", "main"]).success();
    assert!(
        pushed.stderr.contains("published cg-alpha 1.0.0"),
        "{pushed}"
    );
    assert!(hosted.index_message().contains("Pushed-By: alice"));

    // A refusal still says which index, without the password.
    alice.put_crate("cg-gpl");
    alice.commit("gpl");
    let refused = assert_refused(
        alice.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );
    assert!(!refused.stderr.contains(TOKEN), "{refused}");
    alice.git(&["reset", "--quiet", "--hard", "origin/main"]);

    // The index host goes away: the message names it, redacted.
    let url_shown = with_password.replace(&format!("indexbot:{TOKEN}@"), "***@");
    remote.stop_server();
    let out = remote.hosted.sandbox().crategate(&[
        "check",
        "--index",
        &with_password,
        &remote
            .hosted
            .sandbox()
            .path("x.crate")
            .display()
            .to_string(),
    ]);
    let out = out.failure();
    assert!(out.stderr.contains(&url_shown), "{out}");
    assert!(!out.stderr.contains(TOKEN), "{out}");
}
