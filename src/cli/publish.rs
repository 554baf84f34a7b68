//! `crategate publish`: `cargo package`, judge, commit, push, relay.
//!
//! Everything that can be refused without the server is refused before
//! anything is pushed: uncommitted changes, a version already published
//! (on the tracked branch or in the index), a dependency with only a
//! `path`, and whatever the policy says about the packaged `.crate`
//! files (sources, licences, names, …), judged with the server's own
//! policy when the crate repository is on this machine. Then each crate,
//! dependencies first, is one commit `Publish {name} {version}` and one
//! push, whose `remote:` lines are relayed verbatim; the first refusal
//! stops the run and takes its commit back. `--dry-run` pushes with
//! `-o crategate.dry-run`, so the server judges without changing
//! anything, and takes every commit back.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde_json::json;

use super::Outcome;
use super::check;
use super::clone::{CrateClone, PushAnswer};
use super::output::{self, Output, OutputArgs};
use super::workspace::{self, Member, Workspace};
use crate::crate_file;
use crate::crate_name::CrateName;
use crate::diag::{Verdict, json as verdict_json};
use crate::index::{CrateLayout, Index};
use crate::judge;
use crate::policy::Policy;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The clone of the crate repository, or a URL to clone; default:
    /// `$CRATEGATE_CRATE_REPO`.
    #[arg(long, value_name = "CLONE_OR_URL")]
    crate_repo: Option<String>,
    /// Publish only this package of the workspace.
    #[arg(long, short, value_name = "NAME")]
    package: Option<String>,
    /// Publish even with uncommitted changes (passed on to cargo).
    #[arg(long)]
    allow_dirty: bool,
    /// Judge locally and on the server (`git push -o crategate.dry-run`); change nothing.
    #[arg(long)]
    dry_run: bool,
    /// The policy when the server's is not reachable (default: the built-in one).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The registry name in cargo's configuration (passed to `cargo package --registry`).
    #[arg(long, value_name = "NAME")]
    registry: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
    /// More arguments for `cargo package` (after `--`), e.g. `-- --no-verify`.
    #[arg(last = true, value_name = "CARGO_ARGS")]
    cargo: Vec<String>,
}

/// One crate on its way.
struct Packaged {
    name: String,
    version: semver::Version,
    file: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let out = Output::new(&args.output);
    let cargo = cargo_program();
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let workspace = Workspace::load(&cargo, &cwd)?;
    let members = workspace.to_publish(args.package.as_deref(), args.registry.as_deref())?;
    let clone = CrateClone::open(args.crate_repo.as_deref(), None)?;
    let index = clone.index()?;
    let problems = early_problems(args, &workspace, &members, &clone, index.as_ref())?;
    if !problems.is_empty() {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        out.summary(&json!({"command": "publish", "refused": problems}));
        return Ok(Outcome::Refused);
    }
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    out.progress(&format!("Packaging {} with cargo", names.join(", ")));
    package(args, &cargo, &workspace, &names)?;
    let packaged: Vec<Packaged> = members
        .iter()
        .map(|m| Packaged {
            name: m.name.clone(),
            version: m.version.clone(),
            file: workspace
                .target_directory
                .join("package")
                .join(crate_file::file_name(&m.name, &m.version)),
        })
        .collect();
    let policy = clone.policy(args.policy.as_ref())?;
    out.progress(&format!("Judging with the policy {}", policy.source()));
    let this_registry = workspace::sibling_registry(&members);
    let verdict = judge(&policy, index.as_ref(), this_registry, &packaged)?;
    if !verdict.accepted || !verdict.findings.is_empty() {
        eprint!(
            "{}",
            check::render(&verdict, check::Format::Human, color_on_stderr())
        );
    }
    if !verdict.accepted {
        let verdict: serde_json::Value =
            serde_json::from_str(&verdict_json::render(&verdict)).context("verdict JSON")?;
        out.summary(&json!({"command": "publish", "verdict": verdict}));
        eprintln!("error: refused by the policy before anything was pushed");
        return Ok(Outcome::Refused);
    }
    let layout = clone.layout(index.as_ref())?;
    push_each(args, &out, &clone, layout, &packaged)
}

/// What can be refused before packaging.
fn early_problems(
    args: &Args,
    workspace: &Workspace,
    members: &[&Member],
    clone: &CrateClone,
    index: Option<&Index>,
) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    if !args.allow_dirty
        && let Some(dirty) = uncommitted(workspace, members)?
    {
        problems.push(format!(
            "{} has uncommitted changes ({dirty}); commit them, or pass --allow-dirty",
            workspace.root.display()
        ));
    }
    for member in members {
        for dep in member.path_only() {
            problems.push(format!(
                "{}: dependency `{}` has only a `path`; give it a `version` too (and `registry` for this registry), as a published crate cannot point at a directory",
                member.name, dep.name
            ));
        }
        let name = CrateName::new(&member.name)?;
        if clone.has_version(index, &name, &member.version)? {
            problems.push(format!(
                "{} {} is already published; a version cannot be replaced: raise `version` in {}",
                member.name,
                member.version,
                member.manifest_path.display()
            ));
        }
    }
    Ok(problems)
}

/// The first uncommitted path in the members' directories (the target
/// directory aside, as cargo does), if any; `None` too outside git.
fn uncommitted(workspace: &Workspace, members: &[&Member]) -> anyhow::Result<Option<String>> {
    let mut command = crate::git::git_scrubbed();
    command
        .args(["status", "--porcelain", "--"])
        .args(members.iter().map(|m| m.dir()));
    if workspace.target_directory.starts_with(&workspace.root) {
        command.arg(format!(
            ":(exclude){}",
            workspace.target_directory.display()
        ));
    }
    let out = command
        .current_dir(&workspace.root)
        .stdin(Stdio::null())
        .output()
        .context("running git status")?;
    if !out.status.success() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let count = text.lines().count();
    Ok(text.lines().next().map(|first| {
        let path = first.get(3..).unwrap_or(first);
        if count > 1 {
            format!("{path} and {} more", count - 1)
        } else {
            path.to_owned()
        }
    }))
}

/// `cargo package -p …` for every member at once: cargo resolves the
/// workspace's own dependencies on each other from the packages it makes.
fn package(args: &Args, cargo: &Path, workspace: &Workspace, names: &[&str]) -> anyhow::Result<()> {
    let mut command = Command::new(cargo);
    command.arg("package").current_dir(&workspace.root);
    for name in names {
        command.args(["--package", name]);
    }
    if args.allow_dirty {
        command.arg("--allow-dirty");
    }
    if let Some(registry) = &args.registry {
        command.args(["--registry", registry]);
    }
    if args.output.quiet {
        command.arg("--quiet");
    }
    command.args(&args.cargo);
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed (its messages are above); nothing was pushed");
    }
    Ok(())
}

/// The packaged files judged together, as one push would be, against
/// the server's index when reachable (the same path as `crategate check`).
fn judge(
    policy: &Policy,
    index: Option<&Index>,
    this_registry: Option<String>,
    packaged: &[Packaged],
) -> anyhow::Result<Verdict> {
    let mut uploads = Vec::new();
    for p in packaged {
        let bytes = std::fs::read(&p.file)
            .with_context(|| format!("reading {} (made by cargo package)", p.file.display()))?;
        let file = crate_file::file_name(&p.name, &p.version);
        uploads.push(judge::upload_from_bytes(&file, &bytes, policy.limits()));
    }
    let view = index.map(Index::view).transpose()?;
    let mut state = judge::registry_state(view.as_ref(), None, policy.limits(), &uploads)?;
    state.index_url = index
        .map(|i| i.settings().index_url.clone())
        .or(this_registry);
    let case = judge::Case {
        uploads,
        ..judge::Case::default()
    };
    Ok(judge::verdict(policy, &state, &case))
}

/// One commit and one push per crate, in order, each file where `layout`
/// puts it; stops at the first refusal.
fn push_each(
    args: &Args,
    out: &Output,
    clone: &CrateClone,
    layout: CrateLayout,
    packaged: &[Packaged],
) -> anyhow::Result<Outcome> {
    let mut results = Vec::new();
    let mut outcome = Outcome::Done;
    for (i, p) in packaged.iter().enumerate() {
        let file = layout.path(&CrateName::new(&p.name)?, &p.version);
        let bytes = std::fs::read(&p.file)
            .with_context(|| format!("reading {} (made by cargo package)", p.file.display()))?;
        clone.put(&file, &bytes)?;
        clone.commit(
            std::slice::from_ref(&file),
            &format!("Publish {} {}", p.name, p.version),
        )?;
        out.progress(&format!("[{}/{}] Pushing {file}", i + 1, packaged.len()));
        let answer = clone.push(args.dry_run)?;
        output::relay(&answer.remote);
        let accepted = accepted(&answer, args.dry_run);
        if args.dry_run || !accepted {
            clone.undo(&[(file.clone(), None)])?;
        }
        results.push(json!({
            "name": p.name, "version": p.version.to_string(), "file": file,
            "accepted": accepted, "remote": answer.remote,
        }));
        if let Some(error) = answer.git_error.as_deref().filter(|_| !accepted) {
            eprintln!("{error}");
        }
        let said = match (accepted, args.dry_run) {
            (true, false) => "published",
            (true, true) => "would be accepted (dry run)",
            (false, _) => "refused by the server",
        };
        out.result(&format!("{} {}: {said}", p.name, p.version));
        if !accepted {
            outcome = Outcome::Refused;
            break;
        }
    }
    out.summary(&json!({
        "command": "publish", "dry_run": args.dry_run,
        "accepted": outcome == Outcome::Done, "crates": results,
    }));
    Ok(outcome)
}

/// Whether the server took the push; a dry run is always refused by
/// git, and the hook says what it would have done.
fn accepted(answer: &PushAnswer, dry_run: bool) -> bool {
    if dry_run {
        answer
            .remote
            .iter()
            .any(|l| l.contains("dry run: this push would be accepted"))
    } else {
        answer.accepted
    }
}

fn color_on_stderr() -> bool {
    use std::io::IsTerminal as _;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The cargo that runs crategate when it runs as a cargo subcommand, else `cargo`.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}
