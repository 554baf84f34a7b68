//! `crategate install`: hook layouts per git server, foreign hooks left
//! alone without `--force`, and GitLab's `GL-HOOK-ERR:` form.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::support::run::run_with_input;
use crate::support::sandbox::Sandbox;

fn install(
    sandbox: &Sandbox,
    keep: &Path,
    repo: &Path,
    extra: &[&str],
) -> crate::support::run::Outcome {
    let (repo, index, policy) = (
        repo.to_string_lossy().into_owned(),
        keep.join("index.git").to_string_lossy().into_owned(),
        keep.join("policy.toml").to_string_lossy().into_owned(),
    );
    let mut args = vec![
        "install", "--repo", &repo, "--index", &index, "--policy", &policy,
    ];
    args.extend_from_slice(extra);
    sandbox.crategate(&args)
}

fn bare(sandbox: &Sandbox, name: &str) -> std::path::PathBuf {
    let repo = sandbox.path(name);
    sandbox.git(&[
        "init",
        "-q",
        "--bare",
        "-b",
        "main",
        &repo.to_string_lossy(),
    ]);
    repo
}

fn executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[test]
fn a_foreign_hook_is_replaced_only_with_force() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let repo = bare(&sandbox, "other.git");
    let hook = repo.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho site policy\n").expect("write a foreign hook");

    let refused = install(&sandbox, &keep, &repo, &[]).code(2);
    assert!(
        refused.stderr.contains("was not written by crategate"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\necho site policy\n"
    );
    assert!(!repo.join("crategate.toml").exists(), "nothing recorded");

    install(&sandbox, &keep, &repo, &["--force"]).success();
    assert!(
        std::fs::read_to_string(&hook)
            .expect("hook")
            .contains("hook pre-receive")
    );
    // Its own hooks are crategate's to rewrite.
    install(&sandbox, &keep, &repo, &[]).success();
    assert!(executable(&repo.join("hooks/post-receive")));
}

#[test]
fn gitea_and_gitlab_layouts() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let gitea = bare(&sandbox, "gitea.git");
    install(&sandbox, &keep, &gitea, &["--server", "gitea"]).success();
    for hook in ["pre-receive", "post-receive"] {
        assert!(
            executable(&gitea.join(format!("hooks/{hook}.d/crategate"))),
            "{hook}"
        );
    }
    let gitlab = bare(&sandbox, "gitlab.git");
    install(&sandbox, &keep, &gitlab, &["--server", "gitlab"]).success();
    for hook in ["pre-receive", "post-receive"] {
        assert!(
            executable(&gitlab.join(format!("custom_hooks/{hook}.d/crategate"))),
            "{hook}"
        );
    }
    assert!(!gitlab.join("hooks/pre-receive").exists());
}

#[test]
fn under_gitlab_every_line_carries_gl_hook_err() {
    let sandbox = Sandbox::new();
    let keep = sandbox.demo_registry();
    let gitlab = bare(&sandbox, "gitlab.git");
    install(&sandbox, &keep, &gitlab, &["--server", "gitlab"]).success();
    // Land a commit with a refused crate without the hooks (GitLab would
    // run custom_hooks itself), then run the hook as Gitaly does.
    let work = sandbox.path("work");
    let w = work.to_string_lossy().into_owned();
    sandbox.git(&["clone", "-q", &gitlab.to_string_lossy(), &w]);
    std::fs::copy(
        keep.join("target/package/demo-copyleft-0.1.0.crate"),
        work.join("demo-copyleft-0.1.0.crate"),
    )
    .expect("copy");
    sandbox.git(&["-C", &w, "add", "-A"]);
    sandbox.git(&["-C", &w, "commit", "-q", "-m", "copyleft"]);
    sandbox.git(&["-C", &w, "push", "-q", "origin", "HEAD:main"]);
    let commit = sandbox.git(&["-C", &w, "rev-parse", "HEAD"]).stdout;

    let mut hook = sandbox.command(gitlab.join("custom_hooks/pre-receive.d/crategate"));
    hook.current_dir(&gitlab)
        .env("GIT_DIR", ".")
        .env("GL_ID", "user-1");
    let stdin = format!("{} {} refs/heads/main\n", "0".repeat(40), commit.trim());
    let out = run_with_input(&mut hook, Some(&stdin)).code(1);
    assert!(
        out.stdout.contains("[license-not-allowed]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().all(|l| l.starts_with("GL-HOOK-ERR: ")),
        "{}",
        out.stdout
    );
}
