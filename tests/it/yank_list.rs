//! Yanking through `yanked.toml`: the version is yanked in the index and
//! its file stays downloadable; removing the entry unyanks it; a list the
//! hook cannot trust is refused. Uses the registry `crategate demo` leaves.

use std::path::Path;

use crate::support::run::Outcome;
use crate::support::sandbox::Sandbox;

fn push(sandbox: &Sandbox, work: &Path, list: Option<&str>, message: &str) -> Outcome {
    let work = work.to_string_lossy().into_owned();
    match list {
        Some(text) => {
            std::fs::write(Path::new(&work).join("yanked.toml"), text).expect("write yanked.toml");
            sandbox.git(&["-C", &work, "add", "yanked.toml"]);
        }
        None => {
            sandbox.git(&["-C", &work, "rm", "-q", "yanked.toml"]);
        }
    }
    sandbox.git(&["-C", &work, "commit", "-q", "-m", message]);
    crate::support::run::run(sandbox.command("git").args([
        "-C",
        &work,
        "push",
        "origin",
        "HEAD:main",
    ]))
}

fn shout_line(sandbox: &Sandbox, keep: &Path) -> String {
    let index = keep.join("index.git").to_string_lossy().into_owned();
    sandbox
        .git(&["--git-dir", &index, "show", "main:de/mo/demo-shout"])
        .stdout
}

#[test]
fn the_yank_list_yanks_and_unyanks_without_deleting() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let work = keep.join("work");

    let yank = "[[yanked]]\nname = \"demo-shout\"\nversion = \"0.1.0\"\nreason = \"testing\"\n";
    let out = push(&sandbox, &work, Some(yank), "Yank demo-shout 0.1.0").success();
    assert!(
        out.stderr.contains("crategate: yanked demo-shout 0.1.0"),
        "{}",
        out.stderr
    );
    assert!(shout_line(&sandbox, &keep).contains("\"yanked\":true"));
    assert!(
        keep.join("pages/crates/demo-shout-0.1.0.crate").is_file(),
        "still downloadable"
    );
    let repo = keep.join("crates.git").to_string_lossy().into_owned();
    sandbox
        .crategate(&["sync", "--repo", &repo, "--check"])
        .success();

    let out = push(&sandbox, &work, None, "Unyank demo-shout 0.1.0").success();
    assert!(
        out.stderr.contains("crategate: unyanked demo-shout 0.1.0"),
        "{}",
        out.stderr
    );
    assert!(shout_line(&sandbox, &keep).contains("\"yanked\":false"));
    sandbox
        .crategate(&["sync", "--repo", &repo, "--check"])
        .success();
}

#[test]
fn a_yank_list_the_hook_cannot_trust_is_refused() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let work = keep.join("work");
    let before = shout_line(&sandbox, &keep);
    let w = work.to_string_lossy().into_owned();
    for (list, rule) in [
        (
            "[[yanked]]\nname = \"demo-shout\"\nversion = \"one\"\n",
            "[yank-list-invalid]",
        ),
        (
            "[[yanked]]\nname = \"demo-nope\"\nversion = \"0.1.0\"\n",
            "[yank-list-unknown-version]",
        ),
    ] {
        let out = push(&sandbox, &work, Some(list), "bad list").failure();
        assert!(out.stderr.contains(rule), "{rule} in:\n{}", out.stderr);
        sandbox.git(&["-C", &w, "reset", "-q", "--hard", "origin/main"]);
    }
    assert_eq!(
        shout_line(&sandbox, &keep),
        before,
        "the index did not change"
    );
}

#[test]
fn a_manual_index_yank_survives_the_next_publication() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let index = keep.join("index.git").to_string_lossy().into_owned();
    sandbox
        .crategate(&["index", "yank", "--index", &index, "demo-shout", "0.1.0"])
        .success();
    // An unrelated publication: demo-greet 0.2.0's file comes back.
    let work = keep.join("work");
    std::fs::copy(
        keep.join("target/package/demo-greet-0.2.0.crate"),
        work.join("demo-greet-0.2.0.crate"),
    )
    .expect("copy");
    let w = work.to_string_lossy().into_owned();
    sandbox.git(&["-C", &w, "add", "-A"]);
    sandbox.git(&["-C", &w, "commit", "-q", "-m", "restore demo-greet 0.2.0"]);
    let out = crate::support::run::run(sandbox.command("git").args([
        "-C",
        &w,
        "push",
        "origin",
        "HEAD:main",
    ]))
    .success();
    assert!(
        out.stderr.contains("crategate: unyanked demo-greet 0.2.0"),
        "{}",
        out.stderr
    );
    assert!(
        shout_line(&sandbox, &keep).contains("\"yanked\":true"),
        "the manual yank stays"
    );
}
