//! A sharded crate repository (`init --layout sharded`): every `.crate`
//! sits at `{lowerprefix}/{name}-{version}.crate`, where it is judged,
//! published, yanked, exported and downloaded by cargo; a file anywhere
//! else is refused by the hook (and by the dry run) and never published.

use std::fs;

use super::hosted::{Hosted, s};
use crate::support::registry::Mode;
use crate::support::run::{Outcome, run};
use crate::support::sandbox::Sandbox;
use crate::support::shelf::shelf;

/// The trio's files where the sharded layout puts them.
const TRIO: [&str; 3] = [
    "cg/p-/cgp-app-1.0.0.crate",
    "cg/p-/cgp-core-1.0.0.crate",
    "cg/p-/cgp-util-1.0.0.crate",
];

/// Writes the shelf's `name` 1.0.0 at `path` in the clone.
fn put(hosted: &Hosted, path: &str, name: &str) {
    let target = hosted.clone.join(path);
    fs::create_dir_all(target.parent().expect("a file has a directory"))
        .expect("creating a shard directory");
    fs::write(target, shelf().bytes(name)).expect("writing into the clone");
}

/// Commits every change of the clone.
fn commit(hosted: &Hosted, message: &str) {
    hosted.git_in(&hosted.clone, &["add", "--all"]);
    hosted.git_in(&hosted.clone, &["commit", "-q", "-m", message]);
}

/// `git push origin main` from the clone, however it ends.
fn push(hosted: &Hosted) -> Outcome {
    run(hosted
        .sandbox
        .command("git")
        .args(["-C", s(&hosted.clone), "push", "origin", "main"]))
}

/// The crate repository's refs and the index tip.
fn state(hosted: &Hosted) -> (String, String) {
    let git = |dir: &std::path::Path, args: &[&str]| {
        let mut all = vec!["--git-dir", s(dir)];
        all.extend_from_slice(args);
        hosted.sandbox.git(&all).stdout
    };
    (
        git(&hosted.crates, &["for-each-ref"]),
        git(&hosted.index, &["rev-parse", "main"]),
    )
}

/// Asserts that index file `path` holds `needle`.
#[track_caller]
fn assert_index_has(hosted: &Hosted, path: &str, needle: &str) {
    let text = hosted.index_file(path);
    assert!(text.contains(needle), "{path} lacks {needle}:\n{text}");
}

fn sync(hosted: &Hosted, args: &[&str]) -> Outcome {
    let mut all = vec!["sync", "--repo", s(&hosted.crates)];
    all.extend_from_slice(args);
    hosted.sandbox.crategate(&all)
}

#[test]
fn crates_are_published_yanked_and_downloaded_at_their_shard_paths() {
    let hosted = Hosted::sharded(Mode::Alternate, "default.toml");
    assert_index_has(&hosted, ".crategate.toml", "crate-layout = \"sharded\"");
    let ws = hosted.fixture("trio", "trio");
    let clone = s(&hosted.clone).to_owned();
    let out = hosted
        .crategate_in(&ws, &["publish", "--crate-repo", &clone])
        .success();
    let mut files = hosted.crate_files();
    files.sort();
    assert_eq!(files, TRIO, "{out}");
    for file in TRIO {
        assert!(hosted.export.join("crates").join(file).is_file(), "{file}");
    }
    let consumer = hosted.fixture("trio-consumer", "consumer");
    let built = hosted.sandbox.cargo(&consumer, &["run", "--quiet"]);
    assert_eq!(built.success().stdout, "answer 42\n");

    put(&hosted, "cg/-a/cg-alpha-1.0.0.crate", "cg-alpha");
    commit(&hosted, "cg-alpha");
    push(&hosted).success();
    assert_index_has(&hosted, "cg/-a/cg-alpha", "\"yanked\":false");
    assert!(
        hosted
            .export
            .join("crates/cg/-a/cg-alpha-1.0.0.crate")
            .is_file()
    );

    hosted.git_in(&hosted.clone, &["rm", "-q", TRIO[0]]);
    commit(&hosted, "retire cgp-app");
    push(&hosted).success();
    assert_index_has(&hosted, "cg/p-/cgp-app", "\"yanked\":true");

    hosted
        .crategate_in(&hosted.clone, &["yank", "cgp-core", "1.0.0"])
        .success();
    assert_index_has(&hosted, "cg/p-/cgp-core", "\"yanked\":true");
    assert_eq!(
        sync(&hosted, &["--check"]).success().stdout,
        "The index is in step with the crate repository.\n"
    );
}

#[test]
fn files_outside_their_shard_are_refused_and_never_published() {
    let hosted = Hosted::sharded(Mode::Alternate, "default.toml");
    put(&hosted, "cg-beta-1.0.0.crate", "cg-beta");
    put(&hosted, "cg/-b/cg-same-1.0.0.crate", "cg-same");
    commit(&hosted, "two misplaced crates");
    let misplaced = [
        ("cg-beta-1.0.0.crate", "cg/-b/cg-beta-1.0.0.crate"),
        ("cg/-b/cg-same-1.0.0.crate", "cg/-s/cg-same-1.0.0.crate"),
    ];

    let dry = hosted
        .crategate_in(
            &hosted.clone,
            &["check", "--git", "HEAD", "--format", "plain"],
        )
        .code(1);
    let before = state(&hosted);
    let pushed = push(&hosted).failure();
    for (file, expected) in misplaced {
        let fix = format!("git mv {file} {expected}");
        for (said, prefix) in [
            (&pushed.stderr, "remote: error: "),
            (&dry.stdout, "error: "),
        ] {
            let line = said
                .lines()
                .find(|l| l.starts_with(&format!("{prefix}{file} ")))
                .unwrap_or_else(|| panic!("no error for {file}\n{said}"));
            assert!(line.contains("[push-crate-location]"), "{line}");
            assert!(line.contains(&format!("belongs at {expected} ")), "{line}");
            assert!(said.contains(&fix), "{fix}\n{said}");
        }
    }
    assert_eq!(state(&hosted), before, "a refused push changes nothing");

    // Past the hooks (as a host without them would take it), publication
    // leaves the files alone and says why.
    let hooks = hosted.crates.join("hooks");
    for hook in ["pre-receive", "post-receive"] {
        fs::rename(hooks.join(hook), hooks.join(format!("{hook}.off"))).expect("moving a hook");
    }
    push(&hosted).success();
    let check = sync(&hosted, &["--check"]).code(1);
    for (file, expected) in misplaced {
        let needle = format!("warning: {file}: not published: ");
        let line = check
            .stderr
            .lines()
            .find(|l| l.starts_with(&needle))
            .unwrap_or_else(|| panic!("{needle}\n{check}"));
        assert!(line.contains(&format!("belongs at {expected}")), "{line}");
    }
    sync(&hosted, &[]).code(1);
    let index = hosted
        .sandbox
        .git(&[
            "--git-dir",
            s(&hosted.index),
            "ls-tree",
            "-r",
            "--name-only",
            "main",
        ])
        .stdout;
    assert!(
        !index.contains("cg-beta") && !index.contains("cg-same"),
        "{index}"
    );

    // The fix the refusal names is accepted, and publishes both.
    for hook in ["pre-receive", "post-receive"] {
        fs::rename(hooks.join(format!("{hook}.off")), hooks.join(hook)).expect("restoring a hook");
    }
    for (file, expected) in misplaced {
        fs::create_dir_all(hosted.clone.join(expected).parent().expect("a directory"))
            .expect("creating a shard directory");
        hosted.git_in(&hosted.clone, &["mv", file, expected]);
    }
    commit(&hosted, "move the crates to their shards");
    push(&hosted).success();
    assert_index_has(&hosted, "cg/-b/cg-beta", "\"vers\":\"1.0.0\"");
    assert_index_has(&hosted, "cg/-s/cg-same", "\"vers\":\"1.0.0\"");
    sync(&hosted, &["--check"]).success();
}

#[test]
fn init_refuses_a_dl_template_that_disagrees_with_the_layout() {
    let sandbox = Sandbox::new();
    let init = |layout: &str, dl: &str| {
        let dir = sandbox.path(&format!("index-{layout}.git"));
        sandbox.crategate(&[
            "init",
            "--index",
            s(&dir),
            "--dl",
            dl,
            "--index-url",
            "https://x/index.git",
            "--layout",
            layout,
        ])
    };
    init("sharded", "https://x/{crate}-{version}.crate")
        .failure()
        .stderr_has("has no `{lowerprefix}`");
    init("sharded", "https://x/{prefix}/{crate}-{version}.crate")
        .failure()
        .stderr_has("Use `{lowerprefix}` instead");
    init("flat", "https://x/{lowerprefix}/{crate}-{version}.crate")
        .failure()
        .stderr_has("but the layout is flat");
}
