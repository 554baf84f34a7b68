//! Pushes over `file://` of good, bad and mixed content: a good push is
//! published once, a push with one bad file changes nothing anywhere, and
//! what is judged is the net change of the pushed commits.

use crate::support::hooked::{Hosted, Setup, assert_refused, default_policy, index_path};
use crate::support::shelf::{RACERS, file_name, racer, shelf};

/// Pushes `names` from a fresh clone as one commit and asserts success.
fn publish(hosted: &Hosted, dir_name: &str, names: &[&str]) -> String {
    let clone = hosted.clone_as(dir_name);
    for name in names {
        clone.put_crate(name);
    }
    let head = clone.commit("publish");
    clone.push(&["origin", "main"]).success();
    head
}

#[test]
fn good_push_is_published_once_and_builds() {
    let hosted = Hosted::new();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-alpha");
    clone.put_crate("cg-beta");
    clone.put("README.md", b"# Our crates\n");
    let head = clone.commit("two crates");
    let before = hosted.registry.tip();

    let pushed = clone
        .push(&["-o", "crategate.verbose", "origin", "main"])
        .success();

    for name in ["cg-alpha", "cg-beta"] {
        for said in [
            format!("remote: crategate: accepts {name}@1.0.0"),
            format!("remote: crategate: published {name} 1.0.0"),
        ] {
            assert!(pushed.stderr.contains(&said), "missing {said:?}\n{pushed}");
        }
        assert_eq!(hosted.published(name), [("1.0.0".to_owned(), false)]);
    }
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    assert_ne!(hosted.registry.tip(), before);
    let message = hosted.index_message();
    assert!(
        message.contains(&format!("Crate-Commit: {head}")),
        "{message}"
    );
    assert_eq!(
        hosted.sync(&["--check"]).success().stdout,
        "The index is in step with the crate repository.\n"
    );
    hosted.assert_fsck();
    let built = hosted.build_consumer("consumer", &["cg-alpha", "cg-beta"]);
    assert_eq!(built, "cg-alpha 1\ncg-beta 2\n");
}

/// A push git keeps as a pack in the quarantine (every push here, with
/// `receive.unpackLimit` 1, as for any push of 100 objects or more) is
/// read on every core and published from what pre-receive prepared.
#[test]
fn a_push_kept_as_a_pack_is_read_and_published_whole() {
    let hosted = Hosted::new();
    hosted
        .repo_git(&["config", "receive.unpackLimit", "1"])
        .success();
    let names: Vec<String> = (0..RACERS).map(racer).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let packs_before = packs(&hosted);
    let head = publish(&hosted, "work", &names);

    assert!(packs(&hosted) > packs_before, "git kept no pack");
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    for name in &names {
        assert_eq!(hosted.published(name), [("1.0.0".to_owned(), false)]);
    }
    let prepared = hosted.repo().join("crategate-prepared");
    assert!(
        std::fs::read_dir(&prepared).map_or(true, |mut d| d.next().is_none()),
        "post-receive left what it used in {}",
        prepared.display()
    );
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();
}

/// How many packs the crate repository holds.
fn packs(hosted: &Hosted) -> usize {
    std::fs::read_dir(hosted.repo().join("objects").join("pack"))
        .expect("the pack directory")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pack"))
        })
        .count()
}

#[test]
fn bad_push_changes_nothing() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-alpha"]);
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-gpl");
    clone.commit("a license the policy refuses");

    let refused = assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );

    assert!(refused.stderr.contains("cg-gpl@1.0.0"), "{refused}");
    assert!(
        refused.stderr.contains("pre-receive hook declined"),
        "{refused}"
    );
    assert_eq!(hosted.state(), before);
    assert!(hosted.lines("cg-gpl").is_empty());
}

#[test]
fn one_bad_file_refuses_the_whole_push_and_every_problem_is_told() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-alpha"]);
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.put_crate("cg-gpl");
    clone.put("cg-junk-1.0.0.crate", b"this is not a gzip stream");
    clone.put("notes/todo.txt", b"not a crate\n");
    clone.put(
        &format!("sub/{}", file_name("cg-same")),
        shelf().bytes("cg-same"),
    );
    clone.put("README.md", b"allowed by push.other-paths\n");
    clone.put("cg-other-1.0.0.crate", shelf().bytes("cg-beta"));
    clone.symlink("cg-link-1.0.0.crate", &file_name("cg-beta"));
    clone.commit("good and bad together");

    let refused = clone.push(&["origin", "main"]);

    let refused = assert_refused(refused, &file_name("cg-gpl"), "license-not-allowed");
    let refused = assert_refused(refused, "notes/todo.txt", "push-path-not-allowed");
    let refused = assert_refused(
        refused,
        &format!("sub/{}", file_name("cg-same")),
        "push-crate-location",
    );
    let refused = assert_refused(refused, "cg-junk-1.0.0.crate", "tarball-not-gzip");
    let refused = assert_refused(refused, "cg-other-1.0.0.crate", "crate-name-mismatch");
    let refused = assert_refused(refused, "cg-link-1.0.0.crate", "tarball-not-a-file");
    for good in ["cg-beta-1.0.0.crate", "README.md"] {
        assert!(
            !refused.stderr.contains(&format!("error: {good}")),
            "{good} is fine\n{refused}"
        );
    }
    assert_eq!(hosted.state(), before);
    assert!(hosted.lines("cg-beta").is_empty());
}

#[test]
fn net_change_of_several_commits_is_judged() {
    let hosted = Hosted::new();
    let clone = hosted.clone_as("work");
    // A broken file, fixed by the next commit of the same push.
    clone.put(&file_name("cg-alpha"), b"not a crate yet");
    clone.commit("broken");
    clone.put_crate("cg-alpha");
    let fixed = clone.commit("fixed");
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.tip().as_deref(), Some(fixed.as_str()));
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
    hosted.sync(&["--check"]).success();

    // A good file, then a bad one in a later commit: all refused.
    let before = hosted.state();
    clone.put_crate("cg-beta");
    clone.commit("good");
    clone.put_crate("cg-gpl");
    clone.commit("bad");
    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );
    assert_eq!(hosted.state(), before);

    // Taking the bad file out again: the net change is the good one.
    clone.remove(&file_name("cg-gpl"));
    let last = clone.commit("take it out");
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.tip().as_deref(), Some(last.as_str()));
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), false)]);
    assert!(hosted.lines("cg-gpl").is_empty());
    let built = hosted.build_consumer("consumer", &["cg-alpha", "cg-beta"]);
    assert_eq!(built, "cg-alpha 1\ncg-beta 2\n");
}

#[test]
fn dry_run_judges_and_changes_nothing() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-alpha"]);
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.commit("good");

    let good = clone
        .push(&["-o", "crategate.dry-run", "origin", "main"])
        .failure();
    assert!(good.stderr.contains("dry run"), "{good}");
    assert!(good.stderr.contains("would be accepted"), "{good}");
    assert_eq!(hosted.state(), before);

    clone.put_crate("cg-gpl");
    clone.commit("bad");
    let bad = assert_refused(
        clone.push(&["-o", "crategate.dry-run", "origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );
    assert!(bad.stderr.contains("would be refused"), "{bad}");
    assert_eq!(hosted.state(), before);
}

#[test]
fn deleting_a_crate_yanks_it_and_it_stays_unreplaceable() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-alpha", "cg-same"]);
    let clone = hosted.clone_as("work");
    clone.remove(&file_name("cg-same"));
    let head = clone.commit("retire cg-same");

    let pushed = clone.push(&["origin", "main"]).success();

    assert!(
        pushed
            .stderr
            .contains("remote: crategate: yanked cg-same 1.0.0"),
        "{pushed}"
    );
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    assert_eq!(hosted.published("cg-same"), [("1.0.0".to_owned(), true)]);
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);
    hosted.sync(&["--check"]).success();

    let before = hosted.state();
    clone.put(&file_name("cg-same"), shelf().other_same());
    clone.commit("other bytes under a yanked version");
    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-same"),
        "version-exists",
    );
    assert_eq!(hosted.state(), before);
}

#[test]
fn restoring_the_identical_file_of_a_deleted_crate_unyanks_it() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-same"]);
    let clone = hosted.clone_as("work");
    clone.remove(&file_name("cg-same"));
    clone.commit("retire cg-same");
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.published("cg-same"), [("1.0.0".to_owned(), true)]);

    clone.put_crate("cg-same");
    clone.commit("restore cg-same");
    let pushed = clone.push(&["origin", "main"]).success();

    assert!(
        pushed
            .stderr
            .contains("remote: crategate: unyanked cg-same 1.0.0"),
        "{pushed}"
    );
    assert_eq!(hosted.published("cg-same"), [("1.0.0".to_owned(), false)]);
    hosted.sync(&["--check"]).success();
}

#[test]
fn a_crate_file_with_an_upper_case_extension_is_refused() {
    let hosted = Hosted::new();
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put("cg-beta-1.0.0.CRATE", shelf().bytes("cg-beta"));
    clone.commit("wrong extension");
    assert_refused(
        clone.push(&["origin", "main"]),
        "cg-beta-1.0.0.CRATE",
        "push-crate-location",
    );
    assert_eq!(hosted.state(), before);
}

#[test]
fn changing_a_published_crate_in_place_is_refused() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-same"]);
    let before = hosted.state();
    let lines = hosted.registry.file(&index_path("cg-same"));
    let clone = hosted.clone_as("work");
    clone.put(&file_name("cg-same"), shelf().other_same());
    clone.commit("replace");

    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-same"),
        "version-replaced",
    );

    assert_eq!(hosted.state(), before);
    assert_eq!(hosted.registry.file(&index_path("cg-same")), lines);
}

#[test]
fn repository_path_with_colon_and_spaces() {
    let hosted = Hosted::with(&Setup {
        repo_name: "team: our crates.git",
        ..Setup::default()
    });
    assert!(hosted.url().contains(": our crates.git"));
    let head = publish(&hosted, "first", &["cg-alpha"]);
    assert_eq!(hosted.tip().as_deref(), Some(head.as_str()));
    assert_eq!(hosted.published("cg-alpha"), [("1.0.0".to_owned(), false)]);

    let before = hosted.state();
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-gpl");
    clone.commit("bad");
    assert_refused(
        clone.push(&["origin", "main"]),
        &file_name("cg-gpl"),
        "license-not-allowed",
    );
    assert_eq!(hosted.state(), before);
    hosted.sync(&["--check"]).success();
    hosted.assert_fsck();
    assert_eq!(
        hosted.build_consumer("consumer", &["cg-alpha"]),
        "cg-alpha 1\n"
    );
}

#[test]
fn index_served_by_dumb_http_gets_its_server_info_after_each_push() {
    let hosted = Hosted::with(&Setup {
        update_server_info: true,
        ..Setup::default()
    });
    let info_refs = hosted.registry.index_dir().join("info/refs");
    for (n, name) in ["cg-alpha", "cg-beta"].iter().enumerate() {
        publish(&hosted, &format!("clone-{n}"), &[name]);
        let listed = std::fs::read_to_string(&info_refs).expect("reading info/refs");
        let tip = hosted.registry.tip();
        assert_eq!(listed, format!("{tip}\trefs/heads/main\n"), "after {name}");
    }
}

#[test]
fn a_server_that_cannot_judge_refuses_every_push() {
    let hosted = Hosted::new();
    publish(&hosted, "first", &["cg-alpha"]);
    let clone = hosted.clone_as("work");
    clone.put_crate("cg-beta");
    clone.commit("beta");
    let policy = hosted.sandbox().path("policy.toml");
    let index = hosted.registry.index_dir().to_owned();
    let moved = hosted.sandbox().path("index-elsewhere.git");
    let before = hosted.state();

    std::fs::write(&policy, "schema = 1\n[licences]\n").expect("breaking the policy");
    let broken_policy = clone.push(&["origin", "main"]).failure();
    std::fs::write(&policy, default_policy()).expect("restoring the policy");
    std::fs::rename(&index, &moved).expect("moving the index away");
    let no_index = clone.push(&["origin", "main"]).failure();
    std::fs::rename(&moved, &index).expect("moving the index back");

    for refused in [&broken_policy, &no_index] {
        assert!(
            refused
                .stderr
                .contains("remote: error: crategate cannot judge this push, so it is refused"),
            "{refused}"
        );
    }
    assert!(broken_policy.stderr.contains("licences"), "{broken_policy}");
    assert_eq!(hosted.state(), before);
    clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.published("cg-beta"), [("1.0.0".to_owned(), false)]);
}

/// A tree listing its entries out of git's order (git accepts one unless
/// `receive.fsckObjects` is set) could hide a file from a comparison that
/// pairs entries by order; the hook refuses it, tells the pusher how to
/// fix it, and nothing changes.
#[test]
fn a_tree_out_of_gits_order_is_refused() {
    let hosted = Hosted::new();
    let before = hosted.state();
    let clone = hosted.clone_as("work");
    let mut raw = Vec::new();
    for name in ["cg-beta", "cg-alpha"] {
        clone.put_crate(name);
        let blob = clone.git(&["hash-object", "-w", &file_name(name)]).stdout;
        raw.extend_from_slice(format!("100644 {}\0", file_name(name)).as_bytes());
        raw.extend(
            (0..40)
                .step_by(2)
                .map(|i| u8::from_str_radix(&blob.trim()[i..i + 2], 16).expect("hex")),
        );
    }
    clone.put("unsorted.tree", &raw);
    let tree = clone
        .git(&[
            "hash-object",
            "-t",
            "tree",
            "--literally",
            "-w",
            "unsorted.tree",
        ])
        .stdout;
    let commit = clone
        .git(&["commit-tree", tree.trim(), "-m", "entries out of order"])
        .stdout;

    let refused = clone
        .push(&["origin", &format!("{}:refs/heads/main", commit.trim())])
        .failure();

    assert!(
        refused.stderr.contains(
            "the pushed tree at the top of the repository lists its entries out of git's order"
        ),
        "{refused}"
    );
    assert!(
        refused
            .stderr
            .contains("hint: recreate the commit with git"),
        "{refused}"
    );
    assert_eq!(hosted.state(), before);
}
