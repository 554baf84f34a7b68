//! What a push does to refs: creating, deleting and rewriting the tracked
//! branch, pushing to other refs, delete-only pushes (no quarantine), and
//! `--atomic` pushes, under the default policy (`[push]` refuses all but
//! fast-forwards of the tracked branch) and under `other-refs = "ignore"`.

use crate::support::hooked::{BRANCH, Hosted, Setup, assert_refused, policy_with_other_refs};
use crate::support::shelf::file_name;

/// A hosted registry whose tracked branch holds cg-alpha, and a clone.
fn with_alpha(setup: &Setup<'_>) -> Hosted {
    let hosted = Hosted::with(setup);
    let clone = hosted.clone_as("first");
    clone.put_crate("cg-alpha");
    clone.commit("alpha");
    clone.push(&["origin", "main"]).success();
    hosted
}

fn ignoring_other_refs() -> Setup<'static> {
    Setup {
        policy: policy_with_other_refs("ignore"),
        ..Setup::default()
    }
}

#[test]
fn creating_the_tracked_branch_with_a_bad_crate_leaves_it_absent() {
    let hosted = Hosted::new();
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-gpl");
    clone.commit("first and bad");

    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );

    assert_eq!(hosted.tip(), None);
    assert_eq!(hosted.state(), before);
}

#[test]
fn other_branches_and_tags_are_refused() {
    let hosted = with_alpha(&Setup::default());
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.commit("beta on a side branch");
    clone.git(&["tag", "v1"]);

    assert_refused(
        clone.push(&["origin", "HEAD:refs/heads/feature"]),
        "refs/heads/feature",
        "push-other-ref",
    );
    assert_refused(
        clone.push(&["origin", "v1"]),
        "refs/tags/v1",
        "push-other-ref",
    );
    // Together with a good update of the tracked branch: all refused.
    assert_refused(
        clone.push(&["origin", "main", "v1"]),
        "refs/tags/v1",
        "push-other-ref",
    );

    assert_eq!(hosted.state(), before);
    assert!(hosted.lines("cg-beta").is_empty());
}

#[test]
fn other_refs_ignored_by_policy_are_never_published() {
    let hosted = with_alpha(&ignoring_other_refs());
    let index_before = hosted.registry.tip();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    let side = clone.commit("beta on a side branch");

    clone.push(&["origin", "HEAD:refs/heads/feature"]).success();

    let refs = hosted.repo_git(&["for-each-ref", "--format=%(objectname) %(refname)"]);
    assert!(
        refs.stdout.contains(&format!("{side} refs/heads/feature")),
        "{refs}"
    );
    assert_ne!(hosted.tip().as_deref(), Some(side.as_str()));
    assert_eq!(hosted.registry.tip(), index_before);
    assert!(hosted.lines("cg-beta").is_empty());
    hosted.sync(&["--check"]).success();
}

#[test]
fn deleting_the_tracked_branch_is_refused() {
    let hosted = with_alpha(&Setup::default());
    let before = hosted.state();
    let clone = hosted.clone_as("work");

    assert_refused(
        clone.push(&["origin", ":main"]),
        BRANCH,
        "push-branch-deletion",
    );

    assert_eq!(hosted.state(), before);
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
}

#[test]
fn delete_only_push_of_another_ref() {
    for (setup, accepted) in [(Setup::default(), false), (ignoring_other_refs(), true)] {
        let hosted = with_alpha(&setup);
        hosted.repo_git(&["branch", "old-side", "main"]);
        let before = hosted.state();
        let clone = hosted.clone_as("work");

        let pushed = clone.push(&["origin", ":refs/heads/old-side"]);

        let refs = hosted
            .repo_git(&["for-each-ref", "--format=%(refname)"])
            .stdout;
        if accepted {
            pushed.success();
            assert_eq!(refs, "refs/heads/main\n");
            assert_eq!(hosted.registry.tip(), before.index_tip);
        } else {
            assert_refused(pushed, "refs/heads/old-side", "push-other-ref");
            assert_eq!(hosted.state(), before);
        }
    }
}

#[test]
fn force_push_is_refused() {
    let hosted = with_alpha(&Setup::default());
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.commit("beta");
    clone.push(&["origin", "main"]).success();
    let before = hosted.state();
    clone.git(&["reset", "--quiet", "--hard", "HEAD~1"]);
    clone.put_crate("cg-same");
    clone.commit("history rewritten");

    assert_refused(
        clone.push(&["--force", "origin", "main"]),
        BRANCH,
        "push-force",
    );

    assert_eq!(hosted.state(), before);
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), false)]);
    assert!(hosted.lines("cg-same").is_empty());
}

#[test]
fn atomic_push_with_a_refused_ref_changes_nothing() {
    let hosted = with_alpha(&Setup::default());
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.commit("beta");
    clone.git(&["tag", "v1"]);

    assert_refused(
        clone.push(&["--atomic", "origin", "main", "v1"]),
        "refs/tags/v1",
        "push-other-ref",
    );

    assert_eq!(hosted.state(), before);
}

/// An `update` hook that lets every ref move except `refs/heads/side`:
/// it runs after `pre-receive` accepted the push.
const REFUSE_SIDE: &str = "#!/bin/sh\n\
    if [ \"$1\" = refs/heads/side ]; then echo \"update hook: no side\" >&2; exit 1; fi\n";

#[test]
fn atomic_push_failing_after_pre_receive_publishes_nothing() {
    let hosted = with_alpha(&ignoring_other_refs());
    hosted.set_hook("update", REFUSE_SIDE);
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    let head = clone.commit("beta");

    let atomic = clone
        .push(&[
            "--atomic",
            "-o",
            "crategate.verbose",
            "origin",
            "main",
            "HEAD:refs/heads/side",
        ])
        .failure();

    assert!(
        atomic.stderr.contains("crategate: accepts cg-beta@1.0.0"),
        "{atomic}"
    );
    assert!(atomic.stderr.contains("update hook: no side"), "{atomic}");
    assert_eq!(hosted.state(), before);
    assert!(hosted.lines("cg-beta").is_empty());

    // Without --atomic the tracked branch moves alone and is published.
    let split = clone
        .push(&["origin", "main", "HEAD:refs/heads/side"])
        .failure();
    assert!(
        split.stderr.contains("crategate: published cg-beta 1.0.0"),
        "{split}"
    );
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), false)]);
    let refs = hosted
        .repo_git(&["for-each-ref", "--format=%(refname)"])
        .stdout;
    assert_eq!(refs, "refs/heads/main\n");
    hosted.sync(&["--check"]).success();
    assert_eq!(
        hosted.build_consumer("consumer", &["cg-alpha", "cg-beta"]),
        "cg-alpha 1\ncg-beta 2\n"
    );
}
