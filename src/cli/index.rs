//! `crategate index add|yank|unyank|entry`: the index without a hook.

use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::crate_file::Limits;
use crate::crate_name::CrateName;
use crate::index::batch::{self, FileProblem};
use crate::index::config::{RegistryMode, Settings};
use crate::index::line::{self, Mode};
use crate::index::{Index, IndexError, NewVersion};
use crate::remote::{IndexLocation, RemoteOptions};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add `.crate` files to the index, all in one commit or none at all.
    Add {
        /// The index: a path, or a git URL (pushed to with a lease).
        #[arg(long, value_name = "DIR|URL")]
        index: IndexLocation,
        #[arg(required = true, value_name = "FILE.crate")]
        files: Vec<PathBuf>,
    },
    /// Mark a version yanked: cargo no longer picks it for new lockfiles.
    Yank(YankArgs),
    /// Clear a version's yanked mark.
    Unyank(YankArgs),
    /// Print the index line a `.crate` would get, without writing anything.
    Entry {
        /// Take the mode and URL from this index.
        #[arg(long, value_name = "DIR|URL", conflicts_with_all = ["mode", "index_url"])]
        index: Option<IndexLocation>,
        #[arg(long, value_enum, default_value_t = RegistryMode::Alternate)]
        mode: RegistryMode,
        /// This registry's index URL (dependencies on it get no `registry`).
        #[arg(
            long,
            value_name = "URL",
            default_value = "sparse+https://registry.invalid/"
        )]
        index_url: String,
        #[arg(required = true, value_name = "FILE.crate")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct YankArgs {
    /// The index: a path, or a git URL (pushed to with a lease).
    #[arg(long, value_name = "DIR|URL")]
    index: IndexLocation,
    name: String,
    version: semver::Version,
}

pub fn run(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Add { index, files } => add(&index, &files),
        Command::Yank(args) => yank(&args, true),
        Command::Unyank(args) => yank(&args, false),
        Command::Entry {
            index,
            mode,
            index_url,
            files,
        } => {
            let mode = match index {
                Some(location) => location
                    .open(&RemoteOptions::default())
                    .with_context(|| format!("opening the index at {location}"))?
                    .settings()
                    .line_mode(),
                None => Settings::new(&index_url, mode)?.line_mode(),
            };
            entry(&mode, &files)
        }
    }
}

/// Runs `write` on the index (in a remote index's cache, then pushed).
fn write<T>(
    location: &IndexLocation,
    write: impl FnMut(&Index) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let (value, _) = location
        .write(&RemoteOptions::default(), write)
        .with_context(|| format!("writing the index at {location}"))?;
    Ok(value)
}

fn add(location: &IndexLocation, files: &[PathBuf]) -> anyhow::Result<Outcome> {
    write(location, |index| add_to(index, files))
}

fn add_to(index: &Index, files: &[PathBuf]) -> anyhow::Result<Outcome> {
    let Some(versions) = read_files(files, &index.settings().line_mode())? else {
        return Ok(Outcome::Refused);
    };
    let message = commit_message(&versions);
    match index.add(&versions, &message) {
        Ok(()) => {
            for v in &versions {
                println!("Added {} {}", v.name, v.line.vers());
            }
            Ok(Outcome::Done)
        }
        Err(IndexError::Refused(conflicts)) => {
            for c in &conflicts {
                eprintln!(
                    "error[{}]: {}: {}\n  help: {}",
                    c.rule, c.subject, c.message, c.help
                );
            }
            eprintln!(
                "Refused {} of {} file(s); the index was not changed.",
                conflicts.len(),
                files.len()
            );
            Ok(Outcome::Refused)
        }
        Err(other) => Err(other).context("adding to the index"),
    }
}

/// Reads every file; on any problem prints them all and returns `None`.
fn read_files(files: &[PathBuf], mode: &Mode) -> anyhow::Result<Option<Vec<NewVersion>>> {
    let pubtime = line::pubtime_now();
    let mut versions = Vec::with_capacity(files.len());
    let mut refused = 0;
    for result in batch::read_all(files, &Limits::default(), mode, &pubtime) {
        match result {
            Ok(v) => versions.push(v),
            Err(FileProblem::Refused { path, refusal }) => {
                refused += 1;
                let entry = refusal
                    .entry
                    .map(|e| format!(" (entry `{e}`)"))
                    .unwrap_or_default();
                eprintln!(
                    "error[{}]: {}{entry}: {}\n  help: {}",
                    refusal.rule,
                    path.display(),
                    refusal.message,
                    refusal.help
                );
            }
            Err(FileProblem::Line { path, source }) => {
                refused += 1;
                eprintln!("error[index-line]: {}: {source}", path.display());
            }
            Err(io @ FileProblem::Io { .. }) => return Err(io.into()),
        }
    }
    if refused > 0 {
        eprintln!(
            "Refused {refused} of {} file(s); the index was not changed.",
            files.len()
        );
        return Ok(None);
    }
    Ok(Some(versions))
}

fn commit_message(versions: &[NewVersion]) -> String {
    match versions {
        [one] => format!("Add {} {}", one.name, one.line.vers()),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|v| format!("{} {}", v.name, v.line.vers()))
                .collect();
            format!("Add {} versions\n\n{}", many.len(), list.join("\n"))
        }
    }
}

fn yank(args: &YankArgs, yanked: bool) -> anyhow::Result<Outcome> {
    write(&args.index, |index| set_yanked(index, args, yanked))
}

fn set_yanked(index: &Index, args: &YankArgs, yanked: bool) -> anyhow::Result<Outcome> {
    let name = CrateName::new(&args.name)?;
    let changed = match index.set_yanked(&name, &args.version, yanked) {
        Ok(changed) => changed,
        Err(missing @ IndexError::NotFound { .. }) => {
            eprintln!(
                "error[version-not-found]: {missing}\n  help: `crategate index entry` shows the name and version a .crate has"
            );
            return Ok(Outcome::Refused);
        }
        Err(other) => return Err(other.into()),
    };
    let state = if yanked { "yanked" } else { "not yanked" };
    if changed {
        println!("{name} {} is now {state}", args.version);
    } else {
        println!(
            "{name} {} was already {state}; nothing changed",
            args.version
        );
    }
    Ok(Outcome::Done)
}

fn entry(mode: &Mode, files: &[PathBuf]) -> anyhow::Result<Outcome> {
    let Some(versions) = read_files(files, mode)? else {
        return Ok(Outcome::Refused);
    };
    for v in versions {
        println!("{}", v.line.to_json());
    }
    Ok(Outcome::Done)
}
