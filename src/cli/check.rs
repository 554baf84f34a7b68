//! `crategate check`: judges `.crate` files exactly as the hook does (same
//! reader, same policy, same [`decide`]), and prints the verdict.
//!
//! Exit codes: 0 accepted, 1 refused, 2 could not judge (unreadable
//! policy or file).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::diag::{Verdict, human, json, plain};
use crate::git::{CrateRepo, Oid};
use crate::hook::config::HookConfig;
use crate::hook::updates::RefUpdate;
use crate::index::Index;
use crate::judge::push::PushRules;
use crate::judge::{self, Case};
use crate::policy::Policy;
use crate::remote::{IndexLocation, RemoteOptions};

/// How many findings plain output shows before counting the rest.
pub const PLAIN_CAP: usize = 50;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like cargo's diagnostics (colour on a terminal).
    Human,
    /// One line per finding, no colour, capped (what the hook prints).
    Plain,
    /// One JSON document (schema in `crate::diag::json`).
    Json,
}

/// Judge `.crate` files against a policy, as the server would.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The policy file (default: crates.io's rules, `policies/default.toml`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The pusher identity, for `[owners]` rules.
    #[arg(long = "as", value_name = "IDENTITY")]
    pub identity: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Judge against this index (versions published, names taken), as the
    /// hook does: a path or a git URL (fetched into a local cache).
    #[arg(long, value_name = "DIR|URL")]
    pub index: Option<IndexLocation>,
    /// Judge the commits a push of the current branch would send, in this
    /// clone of the crate repository (default range: `@{upstream}..HEAD`).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, default_missing_value = "@{upstream}..HEAD", conflicts_with = "files")]
    pub git: Option<String>,
    /// The `.crate` files to judge.
    #[arg(required_unless_present = "git", value_name = "FILE.crate")]
    pub files: Vec<PathBuf>,
}

/// Loads the policy named on the command line, or the default one.
pub fn load_policy(path: Option<&PathBuf>) -> anyhow::Result<Policy> {
    Ok(match path {
        Some(path) => Policy::load(path)?,
        None => Policy::from_str(crate::policy::DEFAULT_POLICY, "policies/default.toml")?,
    })
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let server = match &args.git {
        Some(_) => server_config()?,
        None => None,
    };
    let policy = match (&args.policy, &server) {
        (None, Some(config)) => crate::hook::load_policy(config)?,
        (path, _) => load_policy(path.as_ref())?,
    };
    let options = server
        .as_ref()
        .map_or_else(RemoteOptions::default, HookConfig::client_options);
    let location = args.index.clone().or_else(|| server.map(|c| c.index));
    let index = location
        .map(|l| {
            l.open(&options)
                .with_context(|| format!("opening the index {l}"))
        })
        .transpose()?;
    let view = index.as_ref().map(Index::view).transpose()?;
    let mut case = Case::default();
    let repo;
    let mut upstream = None;
    if let Some(range) = &args.git {
        repo = CrateRepo::open(Path::new("."))
            .context("--git runs in a clone of the crate repository")?;
        let (old, new, refname) = resolve_range(&repo, range)?;
        let layout = index
            .as_ref()
            .map(|i| i.settings().crate_layout)
            .unwrap_or_default();
        let rules = PushRules::from_policy(&policy, layout);
        let update = RefUpdate {
            old,
            new: Some(new),
            refname: refname.clone(),
        };
        case.findings
            .extend(rules.check_branch_update(&repo, &update)?);
        case.add_branch_change(&repo, &rules, old, new)?;
        upstream = Some((&repo, refname));
    } else {
        case.uploads = crate::parallel::map_files(&args.files, |file| {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Ok(judge::upload_from_bytes(&name, &bytes, policy.limits()))
        })
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    }
    let in_flight = upstream
        .as_ref()
        .map(|(repo, refname)| (*repo, refname.as_str()));
    let mut state =
        judge::registry_state(view.as_ref(), in_flight, policy.limits(), &case.uploads)?;
    state.index_url = index.as_ref().map(|i| i.settings().index_url.clone());
    state.pusher.clone_from(&args.identity);
    let verdict = judge::verdict(&policy, &state, &case);
    print!("{}", render(&verdict, args.format, color_wanted()));
    Ok(exit_code(&verdict))
}

/// `A..B` (or one commit, judged from nothing): the old and new tips and
/// the ref the push would update (the upstream branch).
fn resolve_range(repo: &CrateRepo, range: &str) -> anyhow::Result<(Option<Oid>, Oid, String)> {
    let (from, to) = range
        .split_once("..")
        .map_or((None, range), |(a, b)| (Some(a), b));
    let to = repo.resolve(if to.is_empty() { "HEAD" } else { to })?;
    let old = from.map(|spec| repo.resolve(spec)).transpose()?;
    let refname = from
        .and_then(|spec| repo.symbolic_name(spec))
        .unwrap_or_else(|| "refs/heads/main".to_owned());
    Ok((old, to, refname))
}

/// The server's hook configuration, when the clone's `origin` is a path
/// on this machine with crategate installed.
fn server_config() -> anyhow::Result<Option<HookConfig>> {
    let repo =
        CrateRepo::open(Path::new(".")).context("--git runs in a clone of the crate repository")?;
    Ok(repo
        .remote_url("origin")
        .and_then(|url| super::clone::server_config(Path::new("."), &url)))
}

/// The verdict in the chosen format.
#[must_use]
pub fn render(verdict: &Verdict, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(verdict, color),
        Format::Plain => plain::render(verdict, PLAIN_CAP),
        Format::Json => json::render(verdict),
    }
}

/// 0 accepted, 1 refused.
#[must_use]
pub fn exit_code(verdict: &Verdict) -> ExitCode {
    if verdict.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{added, krate};
    use crate::policy::{RegistryState, decide};

    #[test]
    fn default_policy_and_formats() {
        let policy = load_policy(None).expect("the built-in policy loads");
        let v = decide(
            &policy,
            &RegistryState::default(),
            &[added(krate("std", "1.0.0", "description = \"d\"\n"))],
        );
        assert_eq!(exit_code(&v), ExitCode::from(1));
        assert!(render(&v, Format::Human, false).starts_with("error[name-reserved]"));
        assert!(
            render(&v, Format::Plain, false)
                .starts_with("error: std-1.0.0.crate (std@1.0.0) [name-reserved]")
        );
        assert!(render(&v, Format::Json, false).contains("\"rule\": \"name-reserved\""));
        assert!(load_policy(Some(&PathBuf::from("/nonexistent.toml"))).is_err());
    }
}
