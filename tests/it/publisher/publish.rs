//! `crategate publish` packages a workspace of three interdependent
//! crates, judges them, and pushes them one by one, dependencies first,
//! through the hooks; cargo then builds a consumer from the registry.

use super::hosted::{Hosted, s};
use crate::support::registry::Mode;
use crate::support::run::run;

const TRIO: [&str; 3] = ["cgp-core", "cgp-util", "cgp-app"];

#[test]
fn publishes_a_workspace_in_dependency_order_and_a_consumer_builds() {
    let hosted = Hosted::new(Mode::Alternate, "default.toml");
    let ws = hosted.fixture("trio", "trio");
    let clone = s(&hosted.clone).to_owned();

    let out = hosted
        .crategate_in(&ws, &["publish", "--crate-repo", &clone])
        .success();
    let published: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote: crategate: published "))
        .collect();
    assert_eq!(
        published,
        ["cgp-core 1.0.0", "cgp-util 1.0.0", "cgp-app 1.0.0"],
        "{out}"
    );
    for name in TRIO {
        assert!(
            out.stdout.contains(&format!("{name} 1.0.0: published")),
            "{out}"
        );
        assert!(
            hosted
                .export
                .join(format!("crates/{name}-1.0.0.crate"))
                .is_file()
        );
    }
    let mut files = hosted.crate_files();
    files.sort();
    assert_eq!(
        files,
        [
            "cgp-app-1.0.0.crate",
            "cgp-core-1.0.0.crate",
            "cgp-util-1.0.0.crate"
        ]
    );
    let log = hosted
        .git_in(&hosted.clone, &["log", "--format=%s", "main"])
        .stdout;
    assert_eq!(
        log,
        "Publish cgp-app 1.0.0\nPublish cgp-util 1.0.0\nPublish cgp-core 1.0.0\n"
    );
    assert!(
        hosted
            .index_file("cg/p-/cgp-app")
            .contains("\"name\":\"cgp-util\"")
    );

    let consumer = hosted.fixture("trio-consumer", "consumer");
    let run = hosted
        .sandbox
        .cargo(&consumer, &["run", "--quiet"])
        .success();
    assert_eq!(run.stdout, "answer 42\n");

    // Again: every version is already published, refused before cargo runs.
    let again = hosted
        .crategate_in(&ws, &["publish", "--crate-repo", &clone])
        .code(1);
    for name in TRIO {
        let needle = format!("error: {name} 1.0.0 is already published");
        assert!(again.stderr.contains(&needle), "{needle}\n{again}");
    }
}

#[test]
fn refuses_early_and_dry_runs_change_nothing() {
    let hosted = Hosted::new(Mode::Alternate, "default.toml");
    let ws = hosted.fixture("trio", "trio");
    let clone = s(&hosted.clone).to_owned();

    // A path-only dependency and uncommitted changes: refused, nothing pushed.
    let util = ws.join("util/Cargo.toml");
    let text = std::fs::read_to_string(&util).expect("reading a fixture manifest");
    std::fs::write(
        &util,
        text.replace(", version = \"1\", registry = \"cg\"", ""),
    )
    .expect("writing a fixture manifest");
    let out = hosted
        .crategate_in(&ws, &["publish", "--crate-repo", &clone])
        .code(1);
    out.stderr_has("uncommitted changes (util/Cargo.toml)")
        .stderr_has("cgp-util: dependency `cgp-core` has only a `path`");
    hosted.git_in(&ws, &["checkout", "-q", "--", "."]);

    // The policy refuses a licence, locally, before any push.
    let core = ws.join("core/Cargo.toml");
    let text = std::fs::read_to_string(&core).expect("reading a fixture manifest");
    std::fs::write(
        &core,
        text.replace("license.workspace = true", "license = \"GPL-3.0-only\""),
    )
    .expect("writing a fixture manifest");
    let out = hosted
        .crategate_in(
            &ws,
            &[
                "publish",
                "--crate-repo",
                &clone,
                "--allow-dirty",
                "--package",
                "cgp-core",
            ],
        )
        .code(1);
    out.stderr_has("[license-not-allowed]")
        .stderr_has("refused by the policy before anything was pushed");
    hosted.git_in(&ws, &["checkout", "-q", "--", "."]);
    assert!(hosted.crate_files().is_empty());

    // A dry run: the server judges, nothing changes anywhere.
    let out = hosted
        .crategate_in(
            &ws,
            &[
                "publish",
                "--crate-repo",
                &clone,
                "--dry-run",
                "--format",
                "json",
            ],
        )
        .success();
    let out = out.stderr_has("dry run: this push would be accepted");
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON summary");
    assert_eq!(summary["accepted"], true, "{out}");
    assert_eq!(summary["crates"].as_array().map(Vec::len), Some(3), "{out}");
    assert!(hosted.crate_files().is_empty());
    let status = hosted
        .git_in(&hosted.clone, &["status", "--porcelain"])
        .stdout;
    assert_eq!(status, "", "the clone is left as it was");
    let head = run(hosted.sandbox.command("git").args([
        "-C",
        &clone,
        "rev-parse",
        "-q",
        "--verify",
        "HEAD",
    ]));
    assert!(
        !head.status.success(),
        "the dry run's commits were taken back\n{head}"
    );

    // A URL instead of a clone: crategate clones it to a temporary directory.
    let url = format!("file://{}", s(&hosted.crates));
    hosted
        .crategate_in(
            &ws,
            &["publish", "--crate-repo", &url, "--package", "cgp-core"],
        )
        .success()
        .stderr_has("remote: crategate: published cgp-core 1.0.0");
    assert_eq!(hosted.crate_files(), ["cgp-core-1.0.0.crate"]);
}
