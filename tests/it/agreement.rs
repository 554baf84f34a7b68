//! The dry run says exactly what the server will: `crategate check --git`
//! in a clone prints the same lines the pre-receive hook then prints for
//! the same push. Uses the registry `crategate demo` leaves.

use std::path::Path;

use crate::support::sandbox::Sandbox;

/// Commits `files` (copied from the demo's packaged crates) in the clone.
fn commit(sandbox: &Sandbox, keep: &Path, files: &[(&str, &str)], message: &str) {
    let work = keep.join("work");
    for (from, to) in files {
        std::fs::copy(keep.join("target/package").join(from), work.join(to))
            .expect("copy a packaged crate");
    }
    let w = work.to_string_lossy().into_owned();
    sandbox.git(&["-C", &w, "add", "-A"]);
    sandbox.git(&["-C", &w, "commit", "-q", "-m", message]);
}

/// The hook's lines, without git's `remote: ` prefix and padding.
fn remote_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote: "))
        .map(|l| l.trim_end().to_owned())
        .collect()
}

#[test]
fn check_git_prints_what_the_hook_prints() {
    let sandbox = Sandbox::new();
    let keep = sandbox.path("registry");
    sandbox
        .crategate(&["demo", "--keep", &keep.to_string_lossy()])
        .success();
    let work = keep.join("work");
    let w = work.to_string_lossy().into_owned();
    // A refused crate, a file that is not allowed, and a published crate
    // renamed to claim another version.
    commit(
        &sandbox,
        &keep,
        &[
            ("demo-copyleft-0.1.0.crate", "demo-copyleft-0.1.0.crate"),
            ("demo-greet-0.1.0.crate", "demo-greet-0.3.0.crate"),
        ],
        "mixed push",
    );
    std::fs::write(work.join("notes.txt"), "not allowed\n").expect("write");
    sandbox.git(&["-C", &w, "add", "notes.txt"]);
    sandbox.git(&["-C", &w, "commit", "-q", "-m", "notes"]);

    let dry = crate::support::run::run(
        sandbox
            .command(env!("CARGO_BIN_EXE_crategate"))
            .args(["check", "--git", "--format", "plain"])
            .current_dir(&work),
    )
    .code(1);
    let push = crate::support::run::run(sandbox.command("git").args([
        "-C",
        &w,
        "push",
        "origin",
        "HEAD:main",
    ]))
    .failure();
    let dry_lines: Vec<String> = dry.stdout.lines().map(str::to_owned).collect();
    assert_eq!(remote_lines(&push.stderr), dry_lines);
    for rule in [
        "[license-not-allowed]",
        "[push-path-not-allowed]",
        "[crate-version-mismatch]",
    ] {
        assert!(dry.stdout.contains(rule), "{rule} in:\n{}", dry.stdout);
    }
}
