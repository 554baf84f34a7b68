//! `crategate sync`: re-derive the index from the crate repository.

use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use super::output::{Output, OutputArgs};
use crate::git::CrateRepo;
use crate::hook::config::HookConfig;
use crate::publish::{self, Report};
use crate::remote::{IndexLocation, RemoteOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate repository (bare, or a clone).
    #[arg(long, value_name = "DIR")]
    repo: PathBuf,
    /// The index repository, a path or a git URL (pushed to with a lease);
    /// default: the one `crategate install` recorded.
    #[arg(long, value_name = "DIR|URL")]
    index: Option<IndexLocation>,
    /// The tracked branch; default: the recorded one, else the branch HEAD points at.
    #[arg(long, value_name = "BRANCH")]
    branch: Option<String>,
    /// Only report drift between the two (exit 1 if there is any); write nothing.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let repo = CrateRepo::open(&args.repo)
        .with_context(|| format!("opening the crate repository {}", args.repo.display()))?;
    let recorded = HookConfig::load(repo.git_dir()).ok();
    let (location, options) = match (&args.index, &recorded) {
        (Some(location), _) => (location.clone(), RemoteOptions::default()),
        (None, Some(config)) => (config.index.clone(), config.remote_options(repo.git_dir())),
        (None, None) => anyhow::bail!(
            "no --index given and none recorded by `crategate install` in the crate repository"
        ),
    };
    let branch = match (
        &args.branch,
        recorded.as_ref().and_then(|c| c.branch.clone()),
    ) {
        (Some(b), _) => full_branch(b),
        (None, Some(b)) => b,
        (None, None) => repo
            .head_branch()
            .context("the crate repository's HEAD is not a branch; pass --branch")?,
    };
    let limits = match &recorded {
        Some(config) => crate::hook::load_policy(config)?.limits().clone(),
        None => crate::crate_file::Limits::default(),
    };
    let out = Output::new(&args.output);
    let mut progress = |done: usize, total: usize| {
        if done == total || done.is_multiple_of(100) {
            out.step(done, total, "crate files read");
        }
    };
    let opening = || format!("opening the index {location}");
    let report = if args.check {
        let index = location.open(&options).with_context(opening)?;
        publish::reconcile(&repo, &branch, &index, &limits, None, false, &mut progress)?
    } else {
        let (report, _) = location
            .write(&options, |index| {
                publish::reconcile(&repo, &branch, index, &limits, None, true, &mut progress)
                    .map_err(anyhow::Error::from)
            })
            .with_context(opening)?;
        report
    };
    print_report(&report, args.check, &out);
    let drift = report.changed_index() || !report.skipped.is_empty();
    if args.check && drift {
        return Ok(Outcome::Refused);
    }
    if !args.check
        && let Some(config) = &recorded
    {
        let index = location.local(&options)?;
        crate::hook::refresh_served(config, &repo, &branch, &index)?;
    }
    Ok(if report.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::Refused
    })
}

fn full_branch(name: &str) -> String {
    if name.starts_with("refs/") {
        name.to_owned()
    } else {
        format!("refs/heads/{name}")
    }
}

/// Prints what a publication did (or, for a check, would do), and the
/// JSON summary when asked for.
fn print_report(report: &Report, check: bool, out: &Output) {
    let lines = [
        (&report.added, "Added", "is missing from the index"),
        (
            &report.yanked,
            "Yanked",
            "should be yanked (its .crate is gone or listed in yanked.toml)",
        ),
        (&report.unyanked, "Unyanked", "should not be yanked"),
    ];
    for (list, done, drift) in lines {
        for (name, version) in list {
            if check {
                out.result(&format!("drift: {name} {version} {drift}"));
            } else {
                out.result(&format!("{done} {name} {version}"));
            }
        }
    }
    for skipped in &report.skipped {
        eprintln!(
            "warning: {}: not published: {}",
            skipped.path, skipped.reason
        );
    }
    if !report.changed_index() && report.skipped.is_empty() {
        out.result("The index is in step with the crate repository.");
    }
    let versions = |list: &[(String, semver::Version)]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|(name, version)| serde_json::json!({ "name": name, "version": version.to_string() }))
            .collect()
    };
    out.summary(&serde_json::json!({
        "check": check,
        "in_step": !report.changed_index() && report.skipped.is_empty(),
        "added": versions(&report.added),
        "yanked": versions(&report.yanked),
        "unyanked": versions(&report.unyanked),
        "skipped": report.skipped.iter().map(|s| serde_json::json!({ "path": s.path, "reason": s.reason })).collect::<Vec<_>>(),
        "commit": report.commit.map(|c| c.to_string()),
    }));
}
