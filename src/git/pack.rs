//! Writing the objects of one commit as one pack.
//!
//! libgit2 writes loose objects one file each; an index write creates a
//! blob per changed file, the trees on their paths and a commit. They are
//! staged in memory (a mempack backend) and written as one pack, so one
//! write costs a few fsyncs whatever it contains. Only the objects this
//! commit created are packed: the packbuilder's own commit and tree walks
//! would pack the whole index.

use std::collections::BTreeSet;
use std::path::Path;

use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Mempack, Oid, Repository, Signature};

use super::GitError;
use super::fsync::sync_path;
use super::store::Change;

/// Packs an index may accumulate before they are consolidated (git's own
/// `gc.autoPackLimit` default).
const MAX_PACKS: usize = 50;

fn op(git_dir: &Path, action: &'static str) -> impl FnOnce(git2::Error) -> GitError {
    let git_dir = git_dir.to_owned();
    move |source| GitError::Op {
        path: git_dir,
        action,
        source,
    }
}

/// Writes the new commit: `parent`'s tree with `changes` applied.
/// Returns every object written (blobs, the trees on the changed paths,
/// the commit last).
pub(super) fn build_commit(
    repo: &Repository,
    parent: Option<(Oid, &git2::Tree<'_>)>,
    changes: &[Change],
    message: &str,
) -> Result<Vec<Oid>, git2::Error> {
    let mut update = TreeUpdateBuilder::new();
    let mut written = BTreeSet::new();
    for change in changes {
        let blob = repo.blob(&change.content)?;
        written.insert(blob);
        update.upsert(change.path.as_str(), blob, FileMode::Blob);
    }
    let base = if let Some((_, tree)) = parent {
        repo.find_tree(tree.id())?
    } else {
        let empty = repo.treebuilder(None)?.write()?;
        written.insert(empty);
        repo.find_tree(empty)?
    };
    let tree = repo.find_tree(update.create_updated(repo, &base)?)?;
    written.insert(tree.id());
    // The trees on the changed paths, each directory once: thousands of
    // crates added to one directory must not read it thousands of times.
    let dirs: BTreeSet<&str> = changes
        .iter()
        .flat_map(|change| {
            change
                .path
                .match_indices('/')
                .map(|(end, _)| &change.path[..end])
        })
        .collect();
    for dir in dirs {
        written.insert(tree.get_path(Path::new(dir))?.id());
    }
    let parent_commit = parent.map(|(id, _)| repo.find_commit(id)).transpose()?;
    let parents: Vec<&git2::Commit<'_>> = parent_commit.iter().collect();
    let sig = Signature::now("crategate", "crategate@localhost")?;
    let commit = repo.commit(None, &sig, &sig, message, &tree, &parents)?;
    let mut objects: Vec<Oid> = written.into_iter().collect();
    objects.push(commit);
    Ok(objects)
}

/// Every write adds one small pack; past [`MAX_PACKS`] git repacks them
/// (`git gc --auto`, which also keeps what concurrent readers use).
/// Best effort: the index is complete whether or not this runs.
pub(super) fn consolidate(git_dir: &Path) {
    let pack_dir = git_dir.join("objects").join("pack");
    let packs = std::fs::read_dir(&pack_dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".pack"))
            .count()
    });
    if packs > MAX_PACKS {
        let _ = super::git_command(git_dir)
            .args(["gc", "--auto", "--quiet"])
            .status();
    }
}

/// Writes the staged objects to disk as one pack, fsyncs it, and makes
/// the object database see it.
pub(super) fn write(
    git_dir: &Path,
    writer: &Repository,
    odb: &git2::Odb<'_>,
    mempack: &Mempack<'_>,
    objects: &[Oid],
) -> Result<(), GitError> {
    // Only the objects this commit created: the packbuilder's own
    // commit and tree walks would pack the whole index.
    let mut builder = writer
        .packbuilder()
        .map_err(op(git_dir, "packing objects"))?;
    builder.set_threads(1);
    for id in objects {
        builder
            .insert_object(*id, None)
            .map_err(op(git_dir, "packing objects"))?;
    }
    let pack_dir = git_dir.join("objects").join("pack");
    builder
        .write(&pack_dir, 0o444)
        .map_err(op(git_dir, "writing the pack"))?;
    crate::fault::point("pack-written");
    let name = builder
        .name()
        .map_err(op(git_dir, "naming the pack"))?
        .expect("a written pack has a name")
        .to_owned();
    for ext in ["pack", "idx", "rev"] {
        sync_path(&pack_dir.join(format!("pack-{name}.{ext}")))?;
    }
    sync_path(&pack_dir)?;
    crate::fault::point("pack-synced");
    mempack
        .reset()
        .map_err(op(git_dir, "clearing staged objects"))?;
    odb.refresh()
        .map_err(op(git_dir, "refreshing the object database"))?;
    Ok(())
}
