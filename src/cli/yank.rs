//! `crategate yank`: yank (or unyank) a version through the yank list,
//! `yanked.toml` in the crate repository, so its `.crate` stays
//! downloadable for the lockfiles that pin it. One commit, pushed; the
//! server judges it and relays its verdict.

use std::path::PathBuf;

use anyhow::{Context, bail};
use semver::Version;
use serde_json::json;

use super::Outcome;
use super::clone::{CommitArgs, CrateClone};
use super::output::{Output, OutputArgs};
use crate::crate_name::CrateName;
use crate::publish::yank_list::{YANK_LIST, YankList, Yanked};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate's name.
    name: String,
    /// The version to yank.
    version: Version,
    /// Unyank: take the version off the yank list.
    #[arg(long)]
    undo: bool,
    /// Why, recorded in the list for the people who read it.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    #[command(flatten)]
    clone: CommitArgs,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let out = Output::new(&args.output);
    let name = CrateName::new(&args.name).with_context(|| format!("`{}`", args.name))?;
    let clone = args.clone.open()?;
    refuse_early(&clone, &name, &args.version)?;
    let path = clone.work_dir().join(YANK_LIST);
    let old = read_optional(&path)?;
    let text = old.as_deref().map(String::from_utf8_lossy);
    let mut list = YankList::parse(&text.unwrap_or_default())?;
    let verb = if args.undo { "Unyank" } else { "Yank" };
    let mut summary = json!({
        "command": "yank", "name": name.as_str(), "version": args.version.to_string(),
        "yanked": !args.undo, "committed": false, "pushed": false,
    });
    if !edit(&mut list, args, &name) {
        let state = if args.undo {
            "not listed"
        } else {
            "already listed"
        };
        out.result(&format!(
            "{name} {} is {state} in {YANK_LIST}; nothing to do",
            args.version
        ));
        out.summary(&summary);
        return Ok(Outcome::Done);
    }
    std::fs::write(&path, list.to_toml()).with_context(|| format!("writing {}", path.display()))?;
    let subject = format!("{verb} {name} {}", args.version);
    let message = match &args.reason {
        Some(reason) => format!("{subject}\n\n{reason}"),
        None => subject.clone(),
    };
    clone.commit(&[YANK_LIST.to_owned()], &message)?;
    summary["committed"] = true.into();
    out.progress(&format!(
        "Committed `{subject}` in {}",
        clone.work_dir().display()
    ));
    if args.clone.no_push {
        out.result(&format!("{subject}: committed; push it to apply it"));
        out.summary(&summary);
        return Ok(Outcome::Done);
    }
    let outcome = clone.push_and_relay(
        &out,
        &mut summary,
        &[(YANK_LIST.to_owned(), old)],
        (
            &format!("{subject}: done (the .crate stays downloadable)"),
            &format!("{subject}: refused by the server; the clone is back as it was"),
        ),
    )?;
    out.summary(&summary);
    Ok(outcome)
}

/// Refuses a version that is not published, and a yank list with
/// changes of the user's own.
fn refuse_early(clone: &CrateClone, name: &CrateName, version: &Version) -> anyhow::Result<()> {
    let index = clone.index()?;
    if !clone.has_version(index.as_ref(), name, version)? {
        let where_ = if index.is_some() {
            " nor in the index"
        } else {
            ""
        };
        bail!(
            "{name} {version} is not published (not on `{}` of the crate repository{where_}): nothing to yank",
            clone.branch()
        );
    }
    if clone.is_dirty(YANK_LIST)? {
        bail!(
            "{YANK_LIST} has uncommitted changes in {}: commit or discard them first",
            clone.work_dir().display()
        );
    }
    Ok(())
}

/// Applies the command to the list; false when it already says so.
fn edit(list: &mut YankList, args: &Args, name: &CrateName) -> bool {
    if args.undo {
        list.remove(name.as_str(), &args.version)
    } else {
        list.add(Yanked {
            name: name.to_string(),
            version: args.version.clone(),
            reason: args.reason.clone(),
        })
    }
}

/// The file's bytes, or `None` when it does not exist.
pub fn read_optional(path: &PathBuf) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}
