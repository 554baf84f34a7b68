//! Pushes over smart HTTP: `git http-backend` behind lighttpd with basic
//! authentication, so the hooks learn the pusher from `REMOTE_USER`
//! (`install --identity-env REMOTE_USER`) and the policy's `[owners]`
//! decides who may publish and yank.

use crate::support::fixtures;
use crate::support::hooked::{Hosted, Setup, assert_refused, default_policy};
use crate::support::registry::Mode;
use crate::support::shelf::file_name;
use crate::support::web::GitHttpServer;

/// alice owns every `cg-*` crate; bob owns none.
const OWNERS: &str = "\n[owners]\nidentity-env = \"REMOTE_USER\"\n\
                      [[owners.allow]]\nidentities = [\"alice\"]\ncrates = [\"cg-*\"]\n";

#[test]
fn pushes_over_smart_http_are_judged_with_the_authenticated_user() {
    let hosted = Hosted::with(&Setup {
        policy: default_policy() + OWNERS,
        identity_env: Some("REMOTE_USER"),
        ..Setup::default()
    });
    let root = hosted.repo().parent().expect("the repository has a parent");
    let server = GitHttpServer::start(
        hosted.sandbox(),
        root,
        &[("alice", "alice-secret"), ("bob", "bob-secret")],
    );
    let alice = hosted.clone_from(&server.url("alice", "alice-secret", "crates.git"), "alice");
    let bob = hosted.clone_from(&server.url("bob", "bob-secret", "crates.git"), "bob");
    let before = hosted.state();

    // A wrong password never reaches the hooks.
    let intruder = server.url("alice", "guess", "crates.git");
    alice.put_crate("cg-alpha");
    alice.commit("alpha");
    let denied = alice.push(&[&intruder, "main"]).failure();
    assert!(denied.stderr.contains("Authentication failed"), "{denied}");
    assert_eq!(hosted.state(), before);

    // bob may not publish what alice owns; the push changes nothing.
    bob.put_crate("cg-beta");
    bob.commit("beta by bob");
    let refused = assert_refused(
        bob.push(&["origin", "main"]),
        &file_name("cg-beta"),
        "owner-not-allowed",
    );
    assert!(
        refused.stderr.contains("`bob` may not publish `cg-beta`"),
        "{refused}"
    );
    assert_eq!(hosted.state(), before);

    // alice may; the index commit records her as the pusher.
    let base = fixtures::package(hosted.sandbox(), Mode::Alternate, "cg-base", "1.0.0");
    alice.put(
        "cg-base-1.0.0.crate",
        &std::fs::read(&base).expect("reading the packaged cg-base"),
    );
    alice.put_crate("cg-beta");
    let head = alice.commit("base and beta");
    let pushed = alice.push(&["origin", "main"]).success();
    for name in ["cg-alpha", "cg-base", "cg-beta"] {
        let said = format!("remote: crategate: published {name} 1.0.0");
        assert!(pushed.stderr.contains(&said), "{said}\n{pushed}");
        assert_eq!(hosted.published(name), [("1.0.0".to_owned(), false)]);
    }
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    let message = hosted.index_message();
    assert!(message.contains("Pushed-By: alice"), "{message}");
    assert!(
        message.contains(&format!("Crate-Commit: {head}")),
        "{message}"
    );

    // A bad crate is refused over HTTP as over file://.
    let before = hosted.state();
    alice.put_crate("cg-gpl");
    alice.commit("gpl");
    assert_refused(
        alice.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );
    assert_eq!(hosted.state(), before);
    alice.git(&["reset", "--quiet", "--hard", "origin/main"]);

    // Yanking is for owners too.
    bob.git(&["pull", "--quiet", "--rebase", "origin", "main"]);
    bob.git(&["reset", "--quiet", "--hard", "origin/main"]);
    bob.remove(&file_name("cg-alpha"));
    bob.commit("retire alpha");
    let refused = assert_refused(
        bob.push(&["origin", "main"]),
        &file_name("cg-alpha"),
        "owner-not-allowed",
    );
    assert!(
        refused.stderr.contains("`bob` may not yank `cg-alpha`"),
        "{refused}"
    );
    assert_eq!(hosted.state(), before);
    alice.remove(&file_name("cg-alpha"));
    alice.commit("retire alpha");
    alice.push(&["origin", "main"]).success();
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), true)]);
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();

    assert_eq!(
        hosted.build_consumer("consumer", &["cg-beta"]),
        "cg-beta 2\n"
    );
    let base_consumer = hosted.registry.consumer("base", "base-consumer");
    assert_eq!(base_consumer.build_and_run(&[]), "cg-base 1.0.0\n");
}
