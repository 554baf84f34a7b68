//! Pushes that race, and ref updates that fail after `pre-receive`
//! accepted: whatever git ends up accepting is in the index exactly once,
//! and nothing else is.

use std::sync::Barrier;
use std::thread;

use crategate::checksum::Checksum;

use crate::support::hooked::{Clone, Hosted, assert_refused};
use crate::support::shelf::{RACE_ANSWER, RACERS, file_name, racer, shelf};

/// How often a racer fetches, rebases and pushes again before the test
/// gives up on it.
const MAX_ATTEMPTS: usize = 5 * RACERS;

/// A hosted registry whose tracked branch exists (holding a README), so
/// racers all start from one commit.
fn seeded() -> Hosted {
    let hosted = Hosted::new();
    let clone = hosted.clone_as("seed");
    clone.put("README.md", b"# Racing crates\n");
    clone.commit("seed");
    clone.push(&["origin", "main"]).success();
    hosted
}

/// Pushes until git takes it, rebasing on what others pushed meanwhile;
/// returns how many pushes it took. A refusal by crategate fails the test.
fn push_until_accepted(clone: &Clone<'_>) -> usize {
    for attempt in 1..=MAX_ATTEMPTS {
        let outcome = clone.push(&["origin", "main"]);
        if outcome.status.success() {
            return attempt;
        }
        assert!(
            !outcome.stderr.contains("refused by policy"),
            "crategate refused a racer\n{outcome}"
        );
        clone.git(&["pull", "--quiet", "--rebase", "origin", "main"]);
    }
    panic!("a racer was not accepted after {MAX_ATTEMPTS} pushes");
}

#[test]
fn concurrent_pushes_of_distinct_crates_all_land_once() {
    let hosted = seeded();
    let clones: Vec<Clone<'_>> = (0..RACERS)
        .map(|n| {
            let clone = hosted.clone_as(&format!("racer-{n:02}"));
            clone.put_crate(&racer(n));
            clone.commit(&format!("add {}", racer(n)));
            clone
        })
        .collect();
    let start = Barrier::new(RACERS);

    let attempts: usize = thread::scope(|scope| {
        let racers: Vec<_> = clones
            .iter()
            .map(|clone| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    push_until_accepted(clone)
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|r| r.join().expect("a racer panicked"))
            .sum()
    });

    assert!(attempts >= RACERS);
    let files = hosted.files();
    assert_eq!(files.len(), RACERS + 1, "{files:?}");
    for n in 0..RACERS {
        assert!(files.contains(&file_name(&racer(n))), "{files:?}");
        assert_eq!(
            hosted.published(&racer(n)),
            [("1.0.0".to_owned(), false)],
            "{} in the index",
            racer(n)
        );
    }
    let tip = hosted.tip().expect("the branch exists");
    let message = hosted.index_message();
    assert!(
        message.contains(&format!("Crate-Commit: {tip}")),
        "{message}"
    );
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();

    let names: Vec<String> = (0..RACERS).map(racer).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let built = hosted.build_consumer("consumer", &names);
    let expected: Vec<String> = (0..RACERS)
        .map(|n| format!("{} {}", racer(n), RACE_ANSWER + n as u32))
        .collect();
    assert_eq!(built.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn concurrent_pushes_of_one_version_exactly_one_wins() {
    let hosted = seeded();
    let contenders = [shelf().bytes("cg-same"), shelf().other_same()];
    let clones: Vec<Clone<'_>> = contenders
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let clone = hosted.clone_as(&format!("contender-{i}"));
            clone.put(&file_name("cg-same"), bytes);
            clone.commit("cg-same 1.0.0");
            clone
        })
        .collect();
    let start = Barrier::new(clones.len());

    let outcomes: Vec<_> = thread::scope(|scope| {
        let pushes: Vec<_> = clones
            .iter()
            .map(|clone| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    clone.push(&["origin", "main"])
                })
            })
            .collect();
        pushes
            .into_iter()
            .map(|p| p.join().expect("a push panicked"))
            .collect()
    });

    let winners: Vec<usize> = (0..2).filter(|&i| outcomes[i].status.success()).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one push wins\n{}\n{}",
        outcomes[0],
        outcomes[1]
    );
    let (winner, loser) = (winners[0], 1 - winners[0]);
    assert_eq!(hosted.tip(), Some(clones[winner].head()));
    let lines = hosted.lines("cg-same");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0]["cksum"].as_str(),
        Some(Checksum::of(contenders[winner]).to_string().as_str())
    );

    // The loser, brought up to date, may not replace the winner's file.
    let before = hosted.state();
    let clone = &clones[loser];
    clone.git(&["fetch", "--quiet", "origin"]);
    clone.git(&["reset", "--quiet", "--hard", "origin/main"]);
    clone.put(&file_name("cg-same"), contenders[loser]);
    clone.commit("my cg-same 1.0.0");
    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-same"),
        "version-replaced",
    );
    assert_eq!(hosted.state(), before);
    hosted.sync(&["--check"]).success();
}

#[test]
fn ref_update_failing_after_pre_receive_publishes_nothing() {
    let hosted = seeded();
    hosted.set_hook(
        "update",
        "#!/bin/sh\necho 'update hook: closed' >&2\nexit 1\n",
    );
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-alpha");
    let head = clone.commit("alpha");

    let refused = clone
        .push(&["-o", "crategate.verbose", "origin", "main"])
        .failure();

    assert!(
        refused.stderr.contains("crategate: accepts cg-alpha@1.0.0"),
        "{refused}"
    );
    assert!(refused.stderr.contains("update hook: closed"), "{refused}");
    assert!(!refused.stderr.contains("published"), "{refused}");
    assert_eq!(hosted.state(), before);
    assert!(hosted.lines("cg-alpha").is_empty());
    hosted.sync(&["--check"]).success();
    // What pre-receive learned of the crate waits, harmlessly, in the
    // git directory (outside refs and objects).
    assert_eq!(prepared_files(&hosted), std::slice::from_ref(&head));

    // Once git takes it, it is published, once, and what was prepared
    // for it is gone.
    hosted.set_hook("update", "#!/bin/sh\nexit 0\n");
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.tip(), Some(head));
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
    assert!(prepared_files(&hosted).is_empty());
    assert_eq!(
        hosted.build_consumer("consumer", &["cg-alpha"]),
        "cg-alpha 1\n"
    );
}

/// The files `pre-receive` left for `post-receive` in the crate
/// repository's git directory.
fn prepared_files(hosted: &Hosted) -> Vec<String> {
    std::fs::read_dir(hosted.repo().join("crategate-prepared")).map_or_else(
        |_| Vec::new(),
        |dir| {
            dir.map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
        },
    )
}
