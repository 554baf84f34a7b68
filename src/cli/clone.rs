//! A clone of the crate repository, as `publish`, `yank` and `mirror` use
//! it: brought up to date with the tracked branch, changed by one commit
//! of named paths only, pushed, and put back as it was when the server
//! refuses.
//!
//! When the clone's remote is a path on this machine whose git directory
//! holds the `crategate.toml` that `crategate install` wrote, the clone
//! knows the server: its policy, its index and its tracked branch. Every
//! `git` runs with the `GIT_*` variables scrubbed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

use semver::Version;

use super::process::checked;
use crate::crate_file;
use crate::crate_name::{CrateName, canonical};
use crate::git::git_command;
use crate::hook::config::HookConfig;
use crate::index::view::same_version;
use crate::index::{CrateLayout, Index};
use crate::policy::Policy;

mod push;

pub use push::PushAnswer;

/// Where `--crate-repo` is read from when not given.
pub const ENV_CRATE_REPO: &str = "CRATEGATE_CRATE_REPO";

/// Where `yank` and `mirror` commit, and whether they push.
#[derive(Debug, clap::Args)]
pub struct CommitArgs {
    /// The clone of the crate repository (or a URL to clone); default:
    /// `$CRATEGATE_CRATE_REPO`, else the current directory.
    #[arg(long, value_name = "CLONE")]
    crate_repo: Option<String>,
    /// Commit, but do not push.
    #[arg(long)]
    pub no_push: bool,
}

impl CommitArgs {
    /// The clone these arguments name (see [`CrateClone::open`]).
    pub fn open(&self) -> anyhow::Result<CrateClone> {
        let cwd = std::env::current_dir().context("reading the working directory")?;
        CrateClone::open(self.crate_repo.as_deref(), Some(&cwd))
    }
}

/// A working clone of the crate repository.
pub struct CrateClone {
    work: PathBuf,
    remote: String,
    /// The tracked branch's short name (`main`).
    branch: String,
    server: Option<HookConfig>,
    /// A clone made for this run, deleted with the value.
    _temp: Option<tempfile::TempDir>,
}

impl CrateClone {
    /// Opens the clone named by `arg` (else `$CRATEGATE_CRATE_REPO`, else
    /// `default`). A URL or a bare repository is cloned to a temporary
    /// directory first. The clone is fetched and fast-forwarded.
    pub fn open(arg: Option<&str>, default: Option<&Path>) -> anyhow::Result<Self> {
        let given = arg
            .map(str::to_owned)
            .or_else(|| std::env::var(ENV_CRATE_REPO).ok().filter(|v| !v.is_empty()));
        let (work, temp) = match (given, default) {
            (Some(given), _) => locate(&given)?,
            (None, Some(dir)) => (dir.to_owned(), None),
            (None, None) => bail!(
                "name the crate repository with --crate-repo (a clone or a URL) or {ENV_CRATE_REPO}"
            ),
        };
        let work = work
            .canonicalize()
            .with_context(|| format!("{} does not exist", work.display()))?;
        if !work.join(".git").exists() {
            bail!(
                "{} is not a clone of the crate repository (no .git)",
                work.display()
            );
        }
        let mut clone = Self {
            work,
            remote: "origin".into(),
            branch: String::new(),
            server: None,
            _temp: temp,
        };
        clone.find_tracking()?;
        clone.catch_up()?;
        Ok(clone)
    }

    /// The clone's working tree.
    #[must_use]
    pub fn work_dir(&self) -> &Path {
        &self.work
    }

    /// The tracked branch, short name.
    #[must_use]
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The server's index, when reachable.
    pub fn index(&self) -> anyhow::Result<Option<Index>> {
        let Some(config) = &self.server else {
            return Ok(None);
        };
        let index = config
            .index
            .open(&config.client_options())
            .with_context(|| format!("opening the server's index {}", config.index))?;
        Ok(Some(index))
    }

    /// The policy the server judges with, else the file given, else the
    /// built-in default.
    pub fn policy(&self, fallback: Option<&PathBuf>) -> anyhow::Result<Policy> {
        match &self.server {
            Some(config) => Ok(crate::hook::load_policy(config)?),
            None => super::check::load_policy(fallback),
        }
    }

    /// Every file of the tracked branch as the server has it.
    pub fn tracked_files(&self) -> anyhow::Result<Vec<String>> {
        if !self.has_remote_branch() {
            return Ok(Vec::new());
        }
        let out = self.git(&["ls-tree", "-r", "--name-only", &self.remote_ref()])?;
        Ok(stdout(&out).lines().map(str::to_owned).collect())
    }

    /// Where the crate repository keeps each `.crate`: as the server's
    /// index says when reachable; else sharded when the tracked branch
    /// has a `.crate` in a directory (a flat repository refuses those),
    /// else flat.
    pub fn layout(&self, index: Option<&Index>) -> anyhow::Result<CrateLayout> {
        if let Some(index) = index {
            return Ok(index.settings().crate_layout);
        }
        let nested = self
            .tracked_files()?
            .iter()
            .any(|f| f.contains('/') && crate::publish::is_crate_path(f));
        Ok(if nested {
            CrateLayout::Sharded
        } else {
            CrateLayout::Flat
        })
    }

    /// Writes `bytes` at `path` (relative to the work tree), creating its
    /// directory.
    pub fn put(&self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let target = self.work.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating {} in the clone", dir.display()))?;
        }
        std::fs::write(&target, bytes).with_context(|| format!("writing {}", target.display()))
    }

    /// Whether `name` `version` is already published: a file on the
    /// tracked branch (names compared canonically, build metadata
    /// ignored), or a line in the server's index when reachable.
    pub fn has_version(
        &self,
        index: Option<&Index>,
        name: &CrateName,
        version: &Version,
    ) -> anyhow::Result<bool> {
        let wanted = published_key(&crate_file::file_name(name.as_str(), version));
        let in_branch = self
            .tracked_files()?
            .iter()
            .any(|file| published_key(file) == wanted);
        if in_branch {
            return Ok(true);
        }
        let Some(index) = index else {
            return Ok(false);
        };
        Ok(index
            .view()?
            .crates_like(name)?
            .iter()
            .flat_map(|c| &c.versions)
            .any(|line| same_version(&line.vers, version)))
    }

    /// Whether `path` has changes not committed in the clone.
    pub fn is_dirty(&self, path: &str) -> anyhow::Result<bool> {
        let out = self.git(&["status", "--porcelain", "--", path])?;
        Ok(!out.stdout.is_empty())
    }

    /// Commits exactly `paths` (relative to the work tree) with `message`.
    pub fn commit(&self, paths: &[String], message: &str) -> anyhow::Result<()> {
        let list = paths.join("\n");
        self.git_input(&["add", "--pathspec-from-file=-", "--"], &list)?;
        self.git_input(
            &[
                "commit",
                "-q",
                "-m",
                message,
                "--pathspec-from-file=-",
                "--",
            ],
            &list,
        )?;
        Ok(())
    }

    fn remote_ref(&self) -> String {
        format!("refs/remotes/{}/{}", self.remote, self.branch)
    }

    fn has_remote_branch(&self) -> bool {
        self.git(&["rev-parse", "-q", "--verify", &self.remote_ref()])
            .is_ok()
    }

    /// The remote and branch: the server's configured branch, else the
    /// current branch's upstream, else the current branch on `origin`.
    fn find_tracking(&mut self) -> anyhow::Result<()> {
        let current = self
            .git(&["symbolic-ref", "-q", "--short", "HEAD"])
            .map(|o| stdout(&o).trim().to_owned())
            .context("the clone's HEAD is detached; check out the tracked branch")?;
        if let Ok(up) = self.git(&["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"])
            && let Some((remote, branch)) = stdout(&up).trim().split_once('/')
        {
            remote.clone_into(&mut self.remote);
            branch.clone_into(&mut self.branch);
        } else {
            self.branch.clone_from(&current);
        }
        let url = self.git(&["remote", "get-url", &self.remote])?;
        self.server = server_config(&self.work, stdout(&url).trim());
        if let Some(branch) = self.server.as_ref().and_then(|c| c.branch.as_deref()) {
            self.branch = branch.trim_start_matches("refs/heads/").to_owned();
        }
        if current != self.branch {
            bail!(
                "the clone {} is on branch `{current}`; the registry publishes from `{}`: run `git switch {}` there first",
                self.work.display(),
                self.branch,
                self.branch
            );
        }
        Ok(())
    }

    /// Fetches and fast-forwards; refuses a clone that diverged.
    fn catch_up(&self) -> anyhow::Result<()> {
        self.git(&["fetch", "-q", &self.remote])?;
        if !self.has_remote_branch() {
            return Ok(());
        }
        let remote = self.remote_ref();
        let head = self.git(&["rev-parse", "-q", "--verify", "HEAD"]);
        if head.is_err()
            || self
                .git(&["merge-base", "--is-ancestor", "HEAD", &remote])
                .is_ok()
        {
            self.git(&["merge", "-q", "--ff-only", &remote])
                .with_context(|| format!("fast-forwarding the clone to {remote}"))?;
            return Ok(());
        }
        if self
            .git(&["merge-base", "--is-ancestor", &remote, "HEAD"])
            .is_ok()
        {
            // Ahead (say, of an earlier `--no-push`): the next push takes
            // those commits too, and the server judges them with it.
            return Ok(());
        }
        bail!(
            "the clone {} has diverged from `{}` on the server: rebase it (`git pull --rebase`) or drop its commits (`git reset --keep {remote}`) first",
            self.work.display(),
            self.branch
        )
    }

    fn command(&self) -> Command {
        let mut command = git_command(&self.work.join(".git"));
        command
            .arg("--work-tree")
            .arg(&self.work)
            .current_dir(&self.work);
        command
    }

    /// Runs git; a failure is an error carrying what git said.
    fn git(&self, args: &[&str]) -> anyhow::Result<Output> {
        checked(self.command().args(args), None)
    }

    fn git_input(&self, args: &[&str], input: &str) -> anyhow::Result<Output> {
        checked(self.command().args(args), Some(input))
    }
}

/// A working directory for `given`: a local clone as is, else a fresh
/// clone of the URL or bare repository in a temporary directory.
fn locate(given: &str) -> anyhow::Result<(PathBuf, Option<tempfile::TempDir>)> {
    let path = Path::new(given);
    if path.join(".git").exists() {
        return Ok((path.to_owned(), None));
    }
    let temp = tempfile::Builder::new()
        .prefix("crategate-clone-")
        .tempdir()?;
    let work = temp.path().join("crates");
    let mut command = crate::git::git_scrubbed();
    command.args(["clone", "-q", given]).arg(&work);
    checked(&mut command, None).with_context(|| format!("cloning {given}"))?;
    Ok((work, Some(temp)))
}

/// The hook configuration of the remote at `url`, when it is a local
/// repository set up with `crategate install`.
pub(super) fn server_config(work: &Path, url: &str) -> Option<HookConfig> {
    let path = url.strip_prefix("file://").unwrap_or(url);
    let local = path.starts_with('/') || path.starts_with('.') || !path.contains(':');
    if !local {
        return None;
    }
    let dir = work.join(path);
    HookConfig::load(&dir)
        .or_else(|_| HookConfig::load(&dir.join(".git")))
        .ok()
}

/// What makes two `.crate` files the same version of the same crate:
/// the file name's canonical name, and the version without `+build`
/// metadata (`Foo_Bar-1.0.0+abc.crate` and `fo/o-/foo-bar-1.0.0.crate`
/// are one).
#[must_use]
pub fn published_key(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let plain = match file.strip_suffix(".crate").and_then(|s| s.split_once('+')) {
        Some((plain, _)) => format!("{plain}.crate"),
        None => file.to_owned(),
    };
    canonical(&plain)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
