//! `crategate install`: put the hooks into a crate repository and record
//! where the index and the policy live.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::Outcome;
use crate::git::{CrateRepo, git_command};
use crate::hook::config::{self, HookConfig};
use crate::remote::IndexLocation;

/// The hook script, with `@HOOK@` and `@CRATEGATE@` to fill in.
const TEMPLATE: &str = include_str!("../../hooks/crategate-hook.sh");
/// What marks a hook file as crategate's own.
const MARKER: &str = "installed by `crategate install`";
const HOOKS: [&str; 2] = ["pre-receive", "post-receive"];

/// Where each git server runs repository hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Server {
    /// Plain git (ssh, git-http-backend, gitolite): `hooks/<hook>`.
    Plain,
    /// GitLab (Gitaly): `custom_hooks/<hook>.d/crategate`.
    Gitlab,
    /// Gitea and Forgejo: `hooks/<hook>.d/crategate`.
    Gitea,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate repository on the server (usually bare).
    #[arg(long, value_name = "DIR")]
    pub(crate) repo: PathBuf,
    /// The index repository, created with `crategate init`: a path, or a
    /// git URL (`https://…`, `ssh://…`, `git@host:path`) the hooks push to.
    #[arg(long, value_name = "DIR|URL")]
    pub(crate) index: IndexLocation,
    #[command(flatten)]
    pub(crate) remote: RemoteArgs,
    /// The policy file that judges pushes.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: PathBuf,
    /// The branch to guard and publish; default: the branch HEAD points at.
    #[arg(long, value_name = "NAME")]
    pub(crate) branch: Option<String>,
    /// Environment variable naming the pusher (e.g. `REMOTE_USER`, `GL_USERNAME`).
    #[arg(long, value_name = "VAR")]
    pub(crate) identity_env: Option<String>,
    #[arg(long, value_enum, default_value_t = Server::Plain)]
    pub(crate) server: Server,
    /// Run `git update-server-info` in the index after each update (dumb HTTP).
    #[arg(long)]
    pub(crate) update_server_info: bool,
    /// Keep this directory equal to what static pages would serve (crates/ and index/).
    #[arg(long, value_name = "DIR")]
    pub(crate) export: Option<PathBuf>,
    /// The crategate binary the hooks run; default: this one.
    #[arg(long, value_name = "PATH")]
    pub(crate) binary: Option<PathBuf>,
    /// Replace hook files that crategate did not write.
    #[arg(long)]
    pub(crate) force: bool,
}

/// How the hooks reach an index given as a URL.
#[derive(Debug, Default, clap::Args)]
#[allow(clippy::struct_field_names)] // the flags are `--index-*`
pub struct RemoteArgs {
    /// Where the hooks keep their copy of a remote index (default:
    /// `crategate-index-cache` in the crate repository's git directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) index_cache: Option<PathBuf>,
    /// Environment variable of the hooks holding a token for a remote
    /// index over HTTPS (a deploy or access token; never written anywhere).
    #[arg(long, value_name = "VAR")]
    pub(crate) index_token_env: Option<String>,
    /// Seconds the copy of a remote index may be old when its host is
    /// unreachable; pushes are judged against it meanwhile (default 0:
    /// such pushes are refused).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub(crate) index_max_age: u64,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let (git_dir, written) = install(args)?;
    println!("Installed the crategate hooks in {}", git_dir.display());
    for path in &written {
        println!("  {}", path.display());
    }
    Ok(Outcome::Done)
}

/// Installs the hooks; returns the repository's git directory and the
/// files written.
pub(crate) fn install(args: &Args) -> anyhow::Result<(PathBuf, Vec<PathBuf>)> {
    let repo = CrateRepo::open(&args.repo)
        .with_context(|| format!("opening the crate repository {}", args.repo.display()))?;
    let git_dir = repo.git_dir().to_owned();
    let index = match &args.index {
        IndexLocation::Path(path) => IndexLocation::Path(absolute(path)?),
        url @ IndexLocation::Url(_) => url.clone(),
    };
    let policy = absolute(&args.policy)?;
    crate::policy::Policy::load(&policy).map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let binary = match &args.binary {
        Some(path) => absolute(path)?,
        None => std::env::current_exe().context("finding this crategate binary")?,
    };
    let targets: Vec<PathBuf> = HOOKS
        .iter()
        .map(|hook| hook_path(&git_dir, args.server, hook))
        .collect();
    for target in &targets {
        refuse_foreign(target, args.force)?;
    }
    let config = HookConfig {
        schema_version: HookConfig::SCHEMA_VERSION,
        index,
        policy,
        branch: args.branch.as_deref().map(|b| {
            if b.starts_with("refs/") {
                b.to_owned()
            } else {
                format!("refs/heads/{b}")
            }
        }),
        identity_env: args.identity_env.clone(),
        update_server_info: args.update_server_info,
        export: args.export.as_deref().map(absolute_new).transpose()?,
        index_cache: args
            .remote
            .index_cache
            .as_deref()
            .map(absolute_new)
            .transpose()?,
        index_token_env: args.remote.index_token_env.clone(),
        index_max_age: args.remote.index_max_age,
    };
    // Fetches a remote index into the hooks' cache: proves it is reachable
    // with these settings, and the first push finds it ready.
    config
        .index
        .open(&config.remote_options(&git_dir))
        .with_context(|| format!("opening the index {}", config.index))?;
    write(&git_dir.join(config::FILE_NAME), &config.to_toml(), false)?;
    for (hook, target) in HOOKS.iter().zip(&targets) {
        let script = TEMPLATE
            .replace("@HOOK@", hook)
            .replace("@CRATEGATE@", &shell_quote(&binary.to_string_lossy()));
        write(target, &script, true)?;
    }
    let status = git_command(&git_dir)
        .args(["config", "receive.advertisePushOptions", "true"])
        .status()
        .context("running git config")?;
    if !status.success() {
        bail!(
            "`git config receive.advertisePushOptions true` failed in {}",
            git_dir.display()
        );
    }
    let mut written = targets;
    written.push(git_dir.join(config::FILE_NAME));
    Ok((git_dir, written))
}

fn hook_path(git_dir: &Path, server: Server, hook: &str) -> PathBuf {
    match server {
        Server::Plain => git_dir.join("hooks").join(hook),
        Server::Gitlab => git_dir
            .join("custom_hooks")
            .join(format!("{hook}.d"))
            .join("crategate"),
        Server::Gitea => git_dir
            .join("hooks")
            .join(format!("{hook}.d"))
            .join("crategate"),
    }
}

/// Refuses to replace a hook file crategate did not write.
fn refuse_foreign(path: &Path, force: bool) -> anyhow::Result<()> {
    match std::fs::read(path) {
        Ok(bytes) if !force && !String::from_utf8_lossy(&bytes).contains(MARKER) => bail!(
            "{} exists and was not written by crategate; move it aside (or chain it from a *.d directory), or pass --force to replace it",
            path.display()
        ),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes a file whole (write to a temporary name, then rename).
fn write(path: &Path, text: &str, executable: bool) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().context("a hook path has a directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temp = path.with_extension("crategate-tmp");
    std::fs::write(&temp, text).with_context(|| format!("writing {}", temp.display()))?;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting permissions of {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("installing {}", path.display()))
}

/// An absolute path for a directory that may not exist yet.
fn absolute_new(path: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
    absolute(path)
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("{} does not exist", path.display()))
}

/// Quotes a string for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
