//! Incremental publication, what `post-receive` runs: from the commit the
//! index reflects to the branch tip.

use super::prepared::Prepared;
use super::yank_list::{self, YANK_LIST};
use super::{
    PublishError, Report, commit_message, is_crate_path, read_versions, set_yanked, yank_list_in,
};
use crate::crate_file::Limits;
use crate::crate_name::CrateName;
use crate::git::{BlobRef, CommitTree, CrateRepo, FileChange, Oid};
use crate::index::line::{self, Mode};
use crate::index::{ALREADY_PUBLISHED, CrateLayout, Index, IndexError, NewVersion, Transaction};

/// Publishes everything on `branch` of `repo` that the index does not
/// reflect yet. `pusher` is recorded in the index commit; a crate
/// `prepared` knows is not read again.
pub fn catch_up(
    repo: &CrateRepo,
    branch: &str,
    index: &Index,
    limits: &Limits,
    pusher: Option<&str>,
    prepared: &Prepared,
) -> Result<Report, PublishError> {
    let mut tx = index.begin()?;
    let Some(tip) = repo.tip(branch)? else {
        return Ok(Report::default());
    };
    let reflected = tx
        .view()
        .reflected_commit()?
        .and_then(|hex| Oid::from_str(&hex).ok())
        .filter(|id| repo.is_ancestor(*id, tip).unwrap_or(false));
    if reflected == Some(tip) {
        return Ok(Report::default());
    }
    let mut report = Report::default();
    let tip_tree = repo.tree(tip)?;
    let reflected_tree = reflected.map(|id| repo.tree(id)).transpose()?;
    let listed = match yank_list_in(repo, Some(&tip_tree))? {
        Ok(list) => list,
        Err(reason) => {
            report.skip(YANK_LIST, reason);
            yank_list::YankList::default()
        }
    };
    let ctx = Context {
        repo,
        layout: index.settings().crate_layout,
        mode: index.settings().line_mode(),
        pubtime: line::pubtime_now(),
        listed,
    };
    let changes = repo.changes_between(reflected_tree.as_ref(), &tip_tree)?;
    let list_changed = changes.iter().any(|c| c.path == YANK_LIST);
    // Added files are read as added, deleted ones as they were; a file
    // changed in place is not read at all.
    let reads: Vec<(&FileChange, bool, BlobRef)> = changes
        .iter()
        .filter(|c| is_crate_path(&c.path))
        .filter_map(|c| match (&c.old, &c.new) {
            (None, Some(new)) => Some((c, true, *new)),
            (Some(old), None) => Some((c, false, *old)),
            _ => {
                report.skip(
                    &c.path,
                    "a published .crate was changed in place; the index keeps the first contents"
                        .into(),
                );
                None
            }
        })
        .collect();
    let items: Vec<(String, BlobRef)> = reads
        .iter()
        .map(|(c, _, blob)| (c.path.clone(), *blob))
        .collect();
    let versions = read_versions(
        repo,
        limits,
        &items,
        &ctx.mode,
        ctx.layout,
        &ctx.pubtime,
        prepared,
    )?;
    for ((change, added, _), version) in reads.into_iter().zip(versions) {
        let outcome = match version {
            Ok(version) => ctx.apply(&mut tx, &version, added, &mut report)?,
            Err(reason) => Some(reason),
        };
        if let Some(reason) = outcome {
            report.skip(&change.path, reason);
        }
    }
    if list_changed {
        ctx.apply_list_changes(&mut tx, reflected_tree.as_ref(), &tip_tree, &mut report)?;
    }
    let message = commit_message(&report, tip, pusher);
    report.commit = tx.commit(&message)?;
    Ok(report)
}

struct Context<'r> {
    repo: &'r CrateRepo,
    layout: CrateLayout,
    mode: Mode,
    pubtime: String,
    /// The yank list at the tip.
    listed: yank_list::YankList,
}

impl Context<'_> {
    /// Applies one added (or, `added` false, deleted) `.crate`; a reason
    /// when it was left alone.
    fn apply(
        &self,
        tx: &mut Transaction<'_>,
        version: &NewVersion,
        added: bool,
        report: &mut Report,
    ) -> Result<Option<String>, PublishError> {
        let name = version.name.clone();
        let vers = version.line.vers().clone();
        if !added {
            set_yanked(tx, &name, &vers, true, report)?;
            return Ok(None);
        }
        match tx.add(version) {
            Ok(()) => {
                report.added.push((name.to_string(), vers.clone()));
                if self.listed.contains(name.as_str(), &vers) {
                    set_yanked(tx, &name, &vers, true, report)?;
                }
                Ok(None)
            }
            Err(IndexError::Refused(conflicts))
                if conflicts.iter().all(|c| c.rule == ALREADY_PUBLISHED) =>
            {
                // The same file again (restored after a deletion): its
                // yanked flag follows the yank list.
                set_yanked(
                    tx,
                    &name,
                    &vers,
                    self.listed.contains(name.as_str(), &vers),
                    report,
                )?;
                Ok(None)
            }
            Err(IndexError::Refused(conflicts)) => {
                let reasons: Vec<String> = conflicts.into_iter().map(|c| c.message).collect();
                Ok(Some(reasons.join("; ")))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Yanks and unyanks what the yank list's change says, for versions
    /// whose `.crate` is on the branch (a deleted one stays yanked).
    fn apply_list_changes(
        &self,
        tx: &mut Transaction<'_>,
        reflected: Option<&CommitTree<'_>>,
        tip: &CommitTree<'_>,
        report: &mut Report,
    ) -> Result<(), PublishError> {
        let before = yank_list_in(self.repo, reflected)?.unwrap_or_default();
        for (name, version, yanked) in yank_list::difference(&before, &self.listed) {
            let Ok(name) = CrateName::new(&name) else {
                continue;
            };
            if tip.file(&self.layout.path(&name, &version)).is_none() {
                continue;
            }
            set_yanked(tx, &name, &version, yanked, report)?;
        }
        Ok(())
    }
}
