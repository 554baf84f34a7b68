//! `post-receive` killed with SIGKILL at each point of its index write
//! (`CRATEGATE_FAULT`, which a local push hands down to the server's
//! hooks): the push itself stands, the index is at its old commit or at
//! the complete new one, both repositories pass `git fsck`, and
//! `crategate sync` publishes what is missing.

use crategate::fault::POINTS;

use crate::support::hooked::Hosted;
use crate::support::shelf::racer;

#[test]
fn post_receive_killed_mid_publication_is_repaired_by_sync() {
    let hosted = Hosted::new();
    let clone = hosted.clone_as("work");
    // Before the ref moves the old index stands; from then on the new one.
    let first_new = POINTS
        .iter()
        .position(|p| *p == "ref-updated")
        .expect("the ref update is a fault point");

    for (n, point) in POINTS.iter().enumerate() {
        let name = racer(n);
        let old_index = hosted.registry.tip();
        clone.put_crate(&name);
        let head = clone.commit(&format!("add {name}"));

        let pushed = clone
            .push_with(&["origin", "main"], &[("CRATEGATE_FAULT", point)])
            .success();

        assert!(
            pushed.stderr.contains("post-receive died of signal 9"),
            "{point}: the hook was not killed\n{pushed}"
        );
        assert_eq!(hosted.tip().as_deref(), Some(head.as_str()), "{point}");
        hosted.assert_fsck();
        let check = hosted.sync(&["--check"]);
        if n < first_new {
            assert_eq!(hosted.registry.tip(), old_index, "{point}");
            assert!(hosted.lines(&name).is_empty(), "{point}");
            let check = check.code(1);
            let drift = format!("drift: {name} 1.0.0 is missing from the index");
            assert!(check.stdout.contains(&drift), "{point}\n{check}");
            let repaired = hosted.sync(&[]).success();
            assert!(
                repaired.stdout.contains(&format!("Added {name} 1.0.0")),
                "{repaired}"
            );
        } else {
            let index_git = [
                "--git-dir",
                hosted.registry.index_dir().to_str().expect("UTF-8"),
            ];
            let parent = hosted
                .sandbox()
                .git(&[&index_git[..], &["rev-parse", "refs/heads/main~1"]].concat())
                .stdout;
            assert_eq!(
                parent.trim(),
                old_index,
                "{point}: one new commit on the old one"
            );
            check.success();
            hosted.sync(&[]).success();
        }
        assert_eq!(
            hosted.published(&name),
            [("1.0.0".to_owned(), false)],
            "{point}"
        );
        hosted.sync(&["--check"]).success();
        hosted.assert_fsck();
    }

    // Publication goes on normally afterwards.
    clone.put_crate("cg-alpha");
    clone.commit("alpha");
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
    let mut names: Vec<String> = (0..POINTS.len()).map(racer).collect();
    names.push("cg-alpha".to_owned());
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let built = hosted.build_consumer("consumer", &names);
    assert_eq!(built.lines().count(), names.len(), "{built}");
    assert!(built.ends_with("cg-alpha 1\n"), "{built}");
}

#[test]
fn next_push_publishes_what_a_killed_post_receive_left_out() {
    let hosted = Hosted::new();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-alpha");
    clone.commit("alpha");
    clone
        .push_with(&["origin", "main"], &[("CRATEGATE_FAULT", "pack-written")])
        .success();
    assert!(hosted.lines("cg-alpha").is_empty());
    hosted.sync(&["--check"]).code(1);

    clone.put_crate("cg-beta");
    let head = clone.commit("beta");
    let pushed = clone.push(&["origin", "main"]).success();

    for name in ["cg-alpha", "cg-beta"] {
        let said = format!("remote: crategate: published {name} 1.0.0");
        assert!(pushed.stderr.contains(&said), "{said}\n{pushed}");
        assert_eq!(hosted.published(name), [("1.0.0".to_owned(), false)]);
    }
    let message = hosted.index_message();
    assert!(
        message.contains(&format!("Crate-Commit: {head}")),
        "{message}"
    );
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();
}
