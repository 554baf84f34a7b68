//! The crate repository, read-only: what a push changes, and its files.
//!
//! Inside a `pre-receive` hook the pushed objects are still in git's
//! quarantine directory. libgit2's `open_from_env` would find them through
//! `GIT_ALTERNATE_OBJECT_DIRECTORIES` but does not unquote that variable,
//! which breaks on paths holding `:`; so the repository is opened bare and
//! the quarantine is added as an alternate by hand. Nothing here writes:
//! a ref written from inside quarantine would dangle after a rejection.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::GitError;

mod diff;

/// The git file mode of a regular, non-executable file.
const MODE_FILE: u32 = 0o100_644;
/// The git file mode of an executable file.
const MODE_EXEC: u32 = 0o100_755;

/// A blob as a tree names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobRef {
    pub id: Oid,
    /// The git file mode (`0o100644`, `0o120000` for a symlink, …).
    pub mode: u32,
}

impl BlobRef {
    /// The blob a tree entry names, with the entry's mode.
    fn of(entry: &git2::TreeEntry<'_>) -> Self {
        Self {
            id: entry.id(),
            mode: u32::try_from(entry.filemode()).unwrap_or(0),
        }
    }

    /// Whether the tree entry is a plain file (not a link or submodule).
    #[must_use]
    pub fn is_regular_file(&self) -> bool {
        self.mode == MODE_FILE || self.mode == MODE_EXEC
    }
}

/// One path that differs between two commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    /// The entry before; `None` when the path was added.
    pub old: Option<BlobRef>,
    /// The entry after; `None` when the path was deleted.
    pub new: Option<BlobRef>,
}

/// The crate repository, opened for reading.
pub struct CrateRepo {
    repo: Repository,
    path: PathBuf,
    /// The quarantine added as an alternate, for [`Self::reopen`].
    quarantine: Option<PathBuf>,
}

impl CrateRepo {
    /// Opens a repository normally (a clone, or a bare repository).
    pub fn open(path: &Path) -> Result<Self, GitError> {
        let repo = Repository::open(path).map_err(|source| GitError::Open {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self {
            repo,
            path: path.to_owned(),
            quarantine: None,
        })
    }

    /// Opens the repository a hook runs in, seeing the pushed objects that
    /// wait in `quarantine` (absent for a delete-only push).
    pub fn open_in_hook(git_dir: &Path, quarantine: Option<&Path>) -> Result<Self, GitError> {
        let repo = Repository::open_bare(git_dir).map_err(|source| GitError::Open {
            path: git_dir.to_owned(),
            source,
        })?;
        let this = Self {
            repo,
            path: git_dir.to_owned(),
            quarantine: quarantine.map(Path::to_owned),
        };
        if let Some(dir) = quarantine {
            let dir_str = dir.to_str().ok_or_else(|| GitError::Io {
                path: dir.to_owned(),
                source: std::io::Error::other("the quarantine path is not UTF-8"),
            })?;
            this.repo
                .odb()
                .and_then(|odb| odb.add_disk_alternate(dir_str))
                .map_err(this.op("reading the pushed objects"))?;
        }
        Ok(this)
    }

    /// Another handle on the same repository (and quarantine), for a
    /// thread of its own: a libgit2 repository is not shared by threads.
    pub fn reopen(&self) -> Result<Self, GitError> {
        match &self.quarantine {
            Some(dir) => Self::open_in_hook(&self.path, Some(dir)),
            None => Self::open(&self.path),
        }
    }

    fn op(&self, action: &'static str) -> impl FnOnce(git2::Error) -> GitError + '_ {
        move |source| GitError::Op {
            path: self.path.clone(),
            action,
            source,
        }
    }

    /// The repository's git directory.
    #[must_use]
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The branch HEAD points at (`refs/heads/…`), if any.
    #[must_use]
    pub fn head_branch(&self) -> Option<String> {
        let head = self.repo.find_reference("HEAD").ok()?;
        head.symbolic_target().ok().flatten().map(str::to_owned)
    }

    /// The commit a revision expression names (`HEAD`, `@{upstream}`, a
    /// branch, an id).
    pub fn resolve(&self, spec: &str) -> Result<Oid, GitError> {
        self.repo
            .revparse_single(spec)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(self.op("resolving a revision"))
    }

    /// The full ref name a revision expression stands for, when it is a
    /// branch (`@{upstream}` gives `refs/remotes/origin/main`).
    #[must_use]
    pub fn symbolic_name(&self, spec: &str) -> Option<String> {
        let (_, reference) = self.repo.revparse_ext(spec).ok()?;
        reference?.name().ok().map(str::to_owned)
    }

    /// The URL of a remote.
    #[must_use]
    pub fn remote_url(&self, name: &str) -> Option<String> {
        let remote = self.repo.find_remote(name).ok()?;
        remote.url().ok().map(str::to_owned)
    }

    /// Where `refname` points now, or `None` if it does not exist.
    pub fn tip(&self, refname: &str) -> Result<Option<Oid>, GitError> {
        match self.repo.refname_to_id(refname) {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(self.op("reading a ref")(e)),
        }
    }

    /// Whether `ancestor` is reachable from `descendant`.
    pub fn is_ancestor(&self, ancestor: Oid, descendant: Oid) -> Result<bool, GitError> {
        if ancestor == descendant {
            return Ok(true);
        }
        self.repo
            .graph_descendant_of(descendant, ancestor)
            .map_err(self.op("comparing commits"))
    }

    /// A commit's tree, read once for any number of lookups.
    pub fn tree(&self, commit: Oid) -> Result<CommitTree<'_>, GitError> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(self.op("reading a commit"))?;
        Ok(CommitTree { tree })
    }

    /// Every path whose blob differs between the trees of two commits
    /// (`old` absent: every file of `new`). Renames are a deletion plus an
    /// addition: a published file cannot move.
    pub fn changes(&self, old: Option<Oid>, new: Oid) -> Result<Vec<FileChange>, GitError> {
        if old == Some(new) {
            return Ok(Vec::new());
        }
        let old = old.map(|id| self.tree(id)).transpose()?;
        self.changes_between(old.as_ref(), &self.tree(new)?)
    }

    /// [`Self::changes`] between trees already read, in git's tree order.
    /// A subtree with the same id on both sides is skipped unread, so the
    /// cost follows what changed (in a sharded crate repository, the
    /// directories a push touches), not how many files the tree holds.
    pub fn changes_between(
        &self,
        old: Option<&CommitTree<'_>>,
        new: &CommitTree<'_>,
    ) -> Result<Vec<FileChange>, GitError> {
        let mut out = Vec::new();
        if old.is_some_and(|old| old.tree.id() == new.tree.id()) {
            return Ok(out);
        }
        self.diff_trees(old.map(|t| &t.tree), Some(&new.tree), "", &mut out)?;
        Ok(out)
    }

    /// Every file of a commit's tree, with its blob.
    pub fn files(&self, commit: Oid) -> Result<Vec<(String, BlobRef)>, GitError> {
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(self.op("reading a commit"))?;
        let mut out = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(ObjectType::Tree)
                && let Ok(name) = entry.name()
            {
                out.push((format!("{dir}{name}"), BlobRef::of(entry)));
            }
            TreeWalkResult::Ok
        })
        .map_err(self.op("listing files"))?;
        Ok(out)
    }

    /// The size of a blob, read from its header without loading it.
    pub fn blob_size(&self, id: Oid) -> Result<u64, GitError> {
        let odb = self
            .repo
            .odb()
            .map_err(self.op("opening the object database"))?;
        let (size, _) = odb
            .read_header(id)
            .map_err(self.op("reading a blob header"))?;
        Ok(size as u64)
    }

    /// A blob's bytes. Callers check [`Self::blob_size`] against their
    /// limit first: this loads the whole blob.
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>, GitError> {
        self.with_blob(id, <[u8]>::to_vec)
    }

    /// `f` of a blob's bytes, without copying them out of libgit2.
    /// Callers check [`Self::blob_size`] first, as for [`Self::blob`].
    pub fn with_blob<R>(&self, id: Oid, f: impl FnOnce(&[u8]) -> R) -> Result<R, GitError> {
        let blob = self.repo.find_blob(id).map_err(self.op("reading a blob"))?;
        Ok(f(blob.content()))
    }
}

/// A commit's tree, held for lookups: the root tree of a crate repository
/// lists every `.crate` (a megabyte at 20,000 files), so it is read once
/// per commit, not once per lookup.
pub struct CommitTree<'r> {
    tree: git2::Tree<'r>,
}

impl CommitTree<'_> {
    /// The blob at `path`, if there is a file there.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<BlobRef> {
        let entry = self.tree.get_path(Path::new(path)).ok()?;
        (entry.kind() == Some(ObjectType::Blob)).then(|| BlobRef::of(&entry))
    }
}
