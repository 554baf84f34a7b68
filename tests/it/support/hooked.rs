//! A registry guarded by git hooks, as a plain git server runs it: the
//! index of a [`Registry`] (made by `crategate init`, consumed by cargo as
//! a git index over `file://`) and a bare crate repository with the hooks
//! of `crategate install`; clones that push to it; and what both
//! repositories hold afterwards.
//!
//! cargo downloads `.crate` files from the registry's crates directory,
//! which [`Hosted::export`] fills from the tracked branch, as a static
//! pages host would.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::registry::{Protocol, Registry};
use super::run::{Outcome, run};
use super::sandbox::Sandbox;
use super::shelf::{file_name, shelf};

/// The tracked branch of every hosted crate repository.
pub const BRANCH: &str = "refs/heads/main";

/// How a hosted registry is set up.
pub struct Setup<'a> {
    /// The crate repository's directory name in the sandbox.
    pub repo_name: &'a str,
    /// The policy's text.
    pub policy: String,
    /// `install --identity-env`.
    pub identity_env: Option<&'a str>,
    /// `install --update-server-info`.
    pub update_server_info: bool,
}

impl Default for Setup<'_> {
    fn default() -> Self {
        Self {
            repo_name: "crates.git",
            policy: default_policy(),
            identity_env: None,
            update_server_info: false,
        }
    }
}

/// The text of `policies/default.toml`.
pub fn default_policy() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/default.toml");
    fs::read_to_string(path).expect("reading policies/default.toml")
}

/// The default policy with `push.other-refs` set to `value`.
pub fn policy_with_other_refs(value: &str) -> String {
    let policy = default_policy();
    let written = "other-refs = \"refuse\"";
    assert!(policy.contains(written), "default.toml sets {written}");
    policy.replacen(written, &format!("other-refs = \"{value}\""), 1)
}

/// Everything a push can change, to compare before and after.
#[derive(Debug, PartialEq, Eq)]
pub struct State {
    /// Every ref of the crate repository with its commit.
    pub crate_refs: String,
    pub index_tip: String,
    pub index_files: Vec<String>,
}

/// A registry guarded by crategate's hooks.
pub struct Hosted {
    pub registry: Registry,
    repo: PathBuf,
}

impl Hosted {
    /// A crate repository `crates.git` judged by the default policy.
    pub fn new() -> Self {
        Self::with(&Setup::default())
    }

    pub fn with(setup: &Setup<'_>) -> Self {
        let registry = Registry::new(Protocol::Git);
        let sandbox = &registry.sandbox;
        let repo = sandbox.path(setup.repo_name);
        let repo_arg = utf8(&repo);
        sandbox.git(&["init", "--quiet", "--bare", repo_arg]);
        let policy = sandbox.path("policy.toml");
        fs::write(&policy, &setup.policy).expect("writing the policy");
        let index = utf8(registry.index_dir());
        let mut install = vec!["install", "--repo", repo_arg, "--index", index];
        install.extend(["--policy", utf8(&policy)]);
        if let Some(var) = setup.identity_env {
            install.extend(["--identity-env", var]);
        }
        if setup.update_server_info {
            install.push("--update-server-info");
        }
        sandbox.crategate(&install).success();
        Self { registry, repo }
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.registry.sandbox
    }

    /// The bare crate repository.
    pub fn repo(&self) -> &Path {
        &self.repo
    }

    /// The crate repository's `file://` URL.
    pub fn url(&self) -> String {
        format!("file://{}", self.repo.display())
    }

    /// A clone of the crate repository in sandbox directory `dir_name`.
    pub fn clone_as(&self, dir_name: &str) -> Clone<'_> {
        self.clone_from(&self.url(), dir_name)
    }

    /// A clone of the crate repository reached at `url`.
    pub fn clone_from(&self, url: &str, dir_name: &str) -> Clone<'_> {
        let dir = self.sandbox().path(dir_name);
        run(clean_git(self.sandbox())
            .args(["clone", "--quiet", url])
            .arg(&dir))
        .success();
        Clone {
            sandbox: self.sandbox(),
            dir,
        }
    }

    /// git in the crate repository (on the server), insisting on success.
    #[track_caller]
    pub fn repo_git(&self, args: &[&str]) -> Outcome {
        let mut all = vec!["--git-dir", utf8(&self.repo)];
        all.extend_from_slice(args);
        self.sandbox().git(&all)
    }

    /// The tracked branch's commit, if the branch exists.
    pub fn tip(&self) -> Option<String> {
        let outcome = run(clean_git(self.sandbox())
            .arg("--git-dir")
            .arg(&self.repo)
            .args(["rev-parse", "--quiet", "--verify", BRANCH]));
        outcome
            .status
            .success()
            .then(|| outcome.stdout.trim().to_owned())
    }

    /// The files on the tracked branch.
    pub fn files(&self) -> Vec<String> {
        self.repo_git(&["ls-tree", "-r", "--name-only", BRANCH])
            .stdout
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Both repositories as they are now.
    pub fn state(&self) -> State {
        State {
            crate_refs: self.repo_git(&["for-each-ref"]).stdout,
            index_tip: self.registry.tip(),
            index_files: self.registry.files(),
        }
    }

    /// The index lines of crate `name`, parsed (none if it is not listed).
    pub fn lines(&self, name: &str) -> Vec<Value> {
        let path = index_path(name);
        if !self.registry.files().contains(&path) {
            return Vec::new();
        }
        self.registry
            .file(&path)
            .lines()
            .map(|l| serde_json::from_str(l).expect("index lines are JSON"))
            .collect()
    }

    /// `(version, yanked)` of every index line of `name`.
    pub fn published(&self, name: &str) -> Vec<(String, bool)> {
        self.lines(name)
            .iter()
            .map(|l| {
                (
                    l["vers"].as_str().expect("vers").to_owned(),
                    l["yanked"].as_bool().expect("yanked"),
                )
            })
            .collect()
    }

    /// The message of the index tip's commit.
    pub fn index_message(&self) -> String {
        let index = utf8(self.registry.index_dir());
        self.sandbox()
            .git(&[
                "--git-dir",
                index,
                "log",
                "-1",
                "--format=%B",
                "refs/heads/main",
            ])
            .stdout
    }

    /// `crategate sync --repo <crate repository> <args…>`.
    pub fn sync(&self, args: &[&str]) -> Outcome {
        let mut all = vec!["sync", "--repo", utf8(&self.repo)];
        all.extend_from_slice(args);
        self.sandbox().crategate(&all)
    }

    /// Asserts `git fsck` finds both repositories sound.
    #[track_caller]
    pub fn assert_fsck(&self) {
        for dir in [&self.repo, &self.registry.index_dir().to_owned()] {
            self.sandbox()
                .git(&["--git-dir", utf8(dir), "fsck", "--no-progress", "--strict"]);
        }
    }

    /// Installs an executable `hooks/<name>` script in the crate repository.
    pub fn set_hook(&self, name: &str, script: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.repo.join("hooks").join(name);
        fs::write(&path, script).expect("writing a hook");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .expect("making a hook executable");
    }

    /// Makes every `.crate` on the tracked branch downloadable where the
    /// index's `dl` template points.
    pub fn export(&self) {
        let crates = self.sandbox().path("crates");
        fs::remove_dir_all(&crates).expect("clearing the crates directory");
        fs::create_dir_all(&crates).expect("creating the crates directory");
        let archive = self.sandbox().path("crates.tar");
        self.repo_git(&["archive", "--format=tar", "-o", utf8(&archive), BRANCH]);
        run(self
            .sandbox()
            .command("tar")
            .arg("-xf")
            .arg(&archive)
            .arg("-C")
            .arg(&crates))
        .success();
    }

    /// Exports the crates, has real cargo build a project depending on
    /// `=1.0.0` of each shelf crate in `names` from the registry, and runs
    /// it: it prints `<name> <answer>` per crate.
    #[track_caller]
    pub fn build_consumer(&self, dir_name: &str, names: &[&str]) -> String {
        self.export();
        let dir = self.sandbox().path(dir_name);
        fs::create_dir_all(dir.join("src")).expect("creating a consumer");
        let mut manifest = String::from(
            "[package]\nname = \"cg-hook-consumer\"\nversion = \"0.1.0\"\n\
             edition = \"2024\"\npublish = false\n\n[dependencies]\n",
        );
        let mut main = String::from("fn main() {\n");
        for name in names {
            let _ = writeln!(
                manifest,
                "{name} = {{ version = \"=1.0.0\", registry = \"cg\" }}"
            );
            let _ = writeln!(
                main,
                "    println!(\"{name} {{}}\", {}::answer());",
                name.replace('-', "_")
            );
        }
        main.push_str("}\n");
        fs::write(dir.join("Cargo.toml"), manifest).expect("writing a consumer manifest");
        fs::write(dir.join("src/main.rs"), main).expect("writing a consumer");
        self.sandbox().cargo(&dir, &["build", "--quiet"]).success();
        let binary = self.sandbox().path("target/debug/cg-hook-consumer");
        run(&mut self.sandbox().command(binary)).success().stdout
    }
}

/// git with the sandbox's environment, never asking for a password.
fn clean_git(sandbox: &Sandbox) -> std::process::Command {
    let mut command = sandbox.command("git");
    command.env("GIT_TERMINAL_PROMPT", "0");
    command
}

/// A working clone of the crate repository.
pub struct Clone<'a> {
    sandbox: &'a Sandbox,
    dir: PathBuf,
}

impl Clone<'_> {
    /// Writes `bytes` to `path` in the working tree.
    pub fn put(&self, path: &str, bytes: &[u8]) {
        let path = self.dir.join(path);
        fs::create_dir_all(path.parent().expect("a file has a directory"))
            .expect("creating a directory");
        fs::write(&path, bytes).expect("writing into a clone");
    }

    /// Puts the shelf's `{name}-1.0.0.crate` at the repository root.
    pub fn put_crate(&self, name: &str) {
        self.put(&file_name(name), shelf().bytes(name));
    }

    /// Makes `path` a symbolic link to `target`.
    pub fn symlink(&self, path: &str, target: &str) {
        std::os::unix::fs::symlink(target, self.dir.join(path)).expect("making a symbolic link");
    }

    /// Deletes `path` from the working tree.
    pub fn remove(&self, path: &str) {
        fs::remove_file(self.dir.join(path)).expect("deleting from a clone");
    }

    /// Commits every change of the working tree; returns the commit.
    #[track_caller]
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--message", message]);
        self.head()
    }

    /// The checked-out commit.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).stdout.trim().to_owned()
    }

    /// git in the clone, insisting on success.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> Outcome {
        run(clean_git(self.sandbox).args(args).current_dir(&self.dir)).success()
    }

    /// `git push <args…>`, however it ends.
    pub fn push(&self, args: &[&str]) -> Outcome {
        self.push_with(args, &[])
    }

    /// `git push <args…>` with extra environment (which reaches the
    /// server's hooks on a local push).
    pub fn push_with(&self, args: &[&str], env: &[(&str, &str)]) -> Outcome {
        let mut command = clean_git(self.sandbox);
        command.arg("push").args(args).current_dir(&self.dir);
        for (key, value) in env {
            command.env(key, value);
        }
        run(&mut command)
    }
}

/// Asserts a push was refused with an `error:` line from the server
/// (git prefixes `remote: `) naming `file` and `[rule]`, and returns it.
#[track_caller]
pub fn assert_refused(outcome: Outcome, file: &str, rule: &str) -> Outcome {
    let outcome = outcome.failure();
    let found = outcome.stderr.lines().any(|l| {
        l.starts_with(&format!("remote: error: {file} ")) && l.contains(&format!("[{rule}]"))
    });
    assert!(
        found,
        "expected an error line for {file} [{rule}]\n{outcome}"
    );
    outcome
}

/// Where cargo's index keeps crate `name` (names of 4+ characters).
pub fn index_path(name: &str) -> String {
    let name = name.to_lowercase();
    assert!(name.len() >= 4, "index_path handles long names only");
    format!("{}/{}/{name}", &name[..2], &name[2..4])
}

fn utf8(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
