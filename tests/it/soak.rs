//! Concurrency soak: [`WRITERS`] clones push [`CRATES_EACH`] crates each,
//! one crate per push, all at once, fetching and rebasing when another
//! push got there first. Bounded by [`DEADLINE`]. Afterwards every crate
//! git accepted is in the index exactly once, nothing else is, `sync
//! --check` finds no drift and both repositories pass `git fsck`.
//!
//! It takes minutes on two cores, so it is ignored by default:
//!
//!     cargo test --test it soak -- --ignored --nocapture
//!
//! and prints pushes, retries and time per accepted crate.

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::forge::Forge;
use crate::support::hooked::{Clone, Hosted};

const WRITERS: usize = 8;
const CRATES_EACH: usize = 50;
const DEADLINE: Duration = Duration::from_mins(15);

/// `cg-soak-W-N`.
fn soak_name(writer: usize, n: usize) -> String {
    format!("cg-soak-{writer}-{n:02}")
}

/// What one writer did.
#[derive(Default)]
struct Tally {
    accepted: Vec<String>,
    pushes: usize,
}

/// Pushes the writer's crates one by one until done or past `deadline`.
fn write(clone: &Clone<'_>, writer: usize, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    for n in 0..CRATES_EACH {
        if Instant::now() > deadline {
            break;
        }
        let name = soak_name(writer, n);
        let bytes = Forge::package(&name, "1.0.0").build();
        clone.put(&format!("{name}-1.0.0.crate"), &bytes);
        clone.commit(&format!("add {name}"));
        loop {
            tally.pushes += 1;
            let outcome = clone.push(&["--quiet", "origin", "main"]);
            if outcome.status.success() {
                tally.accepted.push(name);
                break;
            }
            assert!(
                !outcome.stderr.contains("refused by policy"),
                "crategate refused a soak crate\n{outcome}"
            );
            if Instant::now() > deadline {
                return tally;
            }
            clone.git(&["pull", "--quiet", "--rebase", "origin", "main"]);
        }
    }
    tally
}

#[test]
#[ignore = "minutes of pushes: run on demand (see the module documentation)"]
fn soak_eight_writers_fifty_crates_each() {
    let hosted = Hosted::new();
    let seed = hosted.clone_as("seed");
    seed.put("README.md", b"# Soak\n");
    seed.commit("seed");
    seed.push(&["origin", "main"]).success();
    let clones: Vec<Clone<'_>> = (0..WRITERS)
        .map(|w| hosted.clone_as(&format!("writer-{w}")))
        .collect();
    let start = Barrier::new(WRITERS);
    let started = Instant::now();
    let deadline = started + DEADLINE;

    let tallies: Vec<Tally> = thread::scope(|scope| {
        let writers: Vec<_> = clones
            .iter()
            .enumerate()
            .map(|(w, clone)| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    write(clone, w, deadline)
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|w| w.join().expect("a writer panicked"))
            .collect()
    });
    let elapsed = started.elapsed();

    let accepted: Vec<&String> = tallies.iter().flat_map(|t| &t.accepted).collect();
    let pushes: usize = tallies.iter().map(|t| t.pushes).sum();
    eprintln!(
        "soak: {} of {} crates accepted in {elapsed:.1?} ({pushes} pushes, {} retries, {:.0?} per accepted crate)",
        accepted.len(),
        WRITERS * CRATES_EACH,
        pushes - accepted.len(),
        elapsed / u32::try_from(accepted.len().max(1)).expect("a few hundred crates"),
    );
    let files = hosted.files();
    for name in &accepted {
        assert!(
            files.contains(&format!("{name}-1.0.0.crate")),
            "{name} not on the branch"
        );
        assert_eq!(
            hosted.published(name),
            [("1.0.0".to_owned(), false)],
            "{name} in the index"
        );
    }
    let crate_files = files.iter().filter(|f| f.starts_with("cg-soak-")).count();
    assert_eq!(
        crate_files,
        accepted.len(),
        "only accepted crates are on the branch: {files:?}"
    );
    let index_files = hosted.registry.files();
    let listed = index_files
        .iter()
        .filter(|f| f.contains("cg-soak-"))
        .count();
    assert_eq!(
        listed,
        accepted.len(),
        "the index lists exactly the accepted crates"
    );
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();
    assert_eq!(
        accepted.len(),
        WRITERS * CRATES_EACH,
        "not every crate was accepted within {DEADLINE:?}"
    );
}
