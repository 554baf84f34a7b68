//! `crategate yank` edits the yank list, `yanked.toml`, in a clone of the
//! crate repository: one reviewed commit per yank or unyank.

use crategate::publish::yank_list::YankList;
use semver::Version;

use super::hosted::{Hosted, s};
use crate::support::registry::Mode;

/// A hosted registry with `cgp-core` of the `trio` workspace published:
/// the registry, the workspace and the clone's path.
fn published_core() -> (Hosted, std::path::PathBuf, String) {
    let hosted = Hosted::new(Mode::Alternate, "default.toml");
    let ws = hosted.fixture("trio", "trio");
    let clone = s(&hosted.clone).to_owned();
    let publish = [
        "publish",
        "--crate-repo",
        &clone,
        "--package",
        "cgp-core",
        "-q",
    ];
    hosted.crategate_in(&ws, &publish).success();
    (hosted, ws, clone)
}

#[test]
fn yank_and_unyank_commit_the_yank_list() {
    let (hosted, _, _) = published_core();

    let yank = [
        "yank",
        "cgp-core",
        "1.0.0",
        "--no-push",
        "--reason",
        "answers \"40\"",
    ];
    hosted.crategate_in(&hosted.clone, &yank).success();
    let show = |rev: &str| {
        hosted
            .git_in(&hosted.clone, &["show", &format!("{rev}:yanked.toml")])
            .stdout
    };
    let list = YankList::parse(&show("HEAD")).expect("the committed yank list parses");
    assert!(list.contains("cgp-core", &Version::new(1, 0, 0)));
    assert_eq!(list.yanked[0].reason.as_deref(), Some("answers \"40\""));
    let subject = hosted
        .git_in(&hosted.clone, &["log", "-1", "--format=%s%n%b"])
        .stdout;
    assert_eq!(subject.trim(), "Yank cgp-core 1.0.0\nanswers \"40\"");

    // Listed already: nothing to do, no commit.
    let before = hosted.git_in(&hosted.clone, &["rev-parse", "HEAD"]).stdout;
    hosted.crategate_in(&hosted.clone, &yank).success();
    assert_eq!(
        hosted.git_in(&hosted.clone, &["rev-parse", "HEAD"]).stdout,
        before
    );

    hosted
        .crategate_in(
            &hosted.clone,
            &["yank", "cgp-core", "1.0.0", "--undo", "--no-push"],
        )
        .success();
    let list = YankList::parse(&show("HEAD")).expect("the committed yank list parses");
    assert!(list.yanked.is_empty(), "{list:?}");
    assert!(show("HEAD~1").contains("cgp-core"));

    // A version that was never published is refused before any commit.
    hosted
        .crategate_in(&hosted.clone, &["yank", "cgp-core", "9.9.9", "--no-push"])
        .code(2)
        .stderr_has("cgp-core 9.9.9 is not published");
}

#[test]
fn yank_through_the_list_keeps_the_file_downloadable() {
    let (hosted, ws, clone) = published_core();
    let yanked = || -> Vec<bool> {
        hosted
            .index_file("cg/p-/cgp-core")
            .lines()
            .map(|l| l.contains("\"yanked\":true"))
            .collect()
    };
    assert_eq!(yanked(), [false]);

    let out = hosted
        .crategate_in(
            &ws,
            &[
                "yank",
                "cgp-core",
                "1.0.0",
                "--crate-repo",
                &clone,
                "--format",
                "json",
            ],
        )
        .success();
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON summary");
    assert_eq!(summary["accepted"], true, "{out}");
    assert_eq!(yanked(), [true], "{out}");
    assert!(hosted.export.join("crates/cgp-core-1.0.0.crate").is_file());
    assert!(hosted.crate_files().contains(&"yanked.toml".to_owned()));

    hosted
        .crategate_in(
            &ws,
            &[
                "yank",
                "cgp-core",
                "1.0.0",
                "--undo",
                "--crate-repo",
                &clone,
            ],
        )
        .success();
    assert_eq!(yanked(), [false]);
}
