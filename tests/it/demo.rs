//! `crategate demo`, the README's first command, does what it narrates:
//! the registry it leaves behind holds exactly the accepted crates.

use crate::support::sandbox::Sandbox;

#[test]
fn demo_publishes_refuses_yanks_and_builds() {
    let sandbox = Sandbox::new();
    let keep = sandbox.path("registry");
    let keep_arg = keep.to_string_lossy().into_owned();
    let out = sandbox.crategate(&["demo", "--keep", &keep_arg]).success();
    for expected in [
        "remote: crategate: published demo-greet 0.1.0",
        "remote: crategate: published demo-shout 0.1.0",
        "[license-not-allowed]",
        "[metadata-missing]",
        "remote: crategate: yanked demo-greet 0.2.0",
        "cargo run: HELLO, REGISTRY!",
        "Cargo.lock: demo-greet 0.1.0",
    ] {
        assert!(
            out.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            out.stdout
        );
    }
    assert_eq!(
        out.stdout.matches("git push: refused").count(),
        1,
        "{}",
        out.stdout
    );

    let index = keep.join("index.git").to_string_lossy().into_owned();
    let files = sandbox
        .git(&["--git-dir", &index, "ls-tree", "-r", "--name-only", "main"])
        .stdout;
    assert!(
        files.contains("de/mo/demo-greet") && files.contains("de/mo/demo-shout"),
        "{files}"
    );
    assert!(
        !files.contains("demo-copyleft"),
        "a refused crate reached the index:\n{files}"
    );
    let greet = sandbox
        .git(&["--git-dir", &index, "show", "main:de/mo/demo-greet"])
        .stdout;
    let yanked: Vec<bool> = greet
        .lines()
        .map(|l| l.contains("\"yanked\":true"))
        .collect();
    assert_eq!(yanked, [false, true], "{greet}");

    let repo = keep.join("crates.git").to_string_lossy().into_owned();
    sandbox
        .crategate(&["sync", "--repo", &repo, "--check"])
        .success();
    assert!(keep.join("pages/crates/demo-shout-0.1.0.crate").is_file());
    assert!(!keep.join("pages/crates/demo-greet-0.2.0.crate").exists());
    assert!(keep.join("pages/index/config.json").is_file());
}
