//! The crate repository, read-only: what a push changes, and its files.
//!
//! Inside a `pre-receive` hook the pushed objects are still in git's
//! quarantine directory. libgit2's `open_from_env` would find them through
//! `GIT_ALTERNATE_OBJECT_DIRECTORIES` but does not unquote that variable,
//! which breaks on paths holding `:`; so the repository is opened bare and
//! the quarantine is added as an alternate by hand. Nothing here writes:
//! a ref written from inside quarantine would dangle after a rejection.

use std::path::{Path, PathBuf};

use std::cmp::Ordering;

use git2::{ObjectType, Oid, Repository, TreeEntry, TreeWalkMode, TreeWalkResult};

use super::GitError;

/// The git file mode of a regular, non-executable file.
const MODE_FILE: u32 = 0o100_644;
/// The git file mode of an executable file.
const MODE_EXEC: u32 = 0o100_755;

/// How deep a tree [`CrateRepo::changes`] compares may nest directories
/// (a `.crate` sits at most three deep; deeper trees are refused rather
/// than walked, so no pushed tree can exhaust the stack).
const MAX_TREE_DEPTH: usize = 256;

/// A blob as a tree names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobRef {
    pub id: Oid,
    /// The git file mode (`0o100644`, `0o120000` for a symlink, …).
    pub mode: u32,
}

impl BlobRef {
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

    /// Appends the changes from `old` to `new` (an absent tree is empty),
    /// their paths under `prefix`, walking the two sorted entry lists side
    /// by side.
    fn diff_trees(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        prefix: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<(), GitError> {
        if prefix.bytes().filter(|b| *b == b'/').count() > MAX_TREE_DEPTH {
            let error = git2::Error::from_str(&format!(
                "{prefix} is nested deeper than {MAX_TREE_DEPTH} directories"
            ));
            return Err(self.op("comparing trees")(error));
        }
        let mut olds = old.into_iter().flat_map(git2::Tree::iter).peekable();
        let mut news = new.into_iter().flat_map(git2::Tree::iter).peekable();
        loop {
            let order = match (olds.peek(), news.peek()) {
                (None, None) => return Ok(()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => tree_order(a, b),
            };
            let (a, b) = match order {
                Ordering::Less => (olds.next(), None),
                Ordering::Greater => (None, news.next()),
                Ordering::Equal => (olds.next(), news.next()),
            };
            self.diff_entries(a.as_ref(), b.as_ref(), prefix, out)?;
        }
    }

    /// Appends the changes between two entries of one name (at least one
    /// present; both trees, or neither, as [`tree_order`] pairs them); an
    /// entry the same on both sides is not read.
    fn diff_entries(
        &self,
        old: Option<&TreeEntry<'_>>,
        new: Option<&TreeEntry<'_>>,
        prefix: &str,
        out: &mut Vec<FileChange>,
    ) -> Result<(), GitError> {
        if let (Some(old), Some(new)) = (old, new)
            && old.id() == new.id()
            && old.filemode() == new.filemode()
        {
            return Ok(());
        }
        let name = old.or(new).map(TreeEntry::name_bytes).unwrap_or_default();
        let path = format!("{prefix}{}", String::from_utf8_lossy(name));
        if old.is_some_and(is_tree) || new.is_some_and(is_tree) {
            let subtree = |entry: Option<&TreeEntry<'_>>| {
                entry
                    .map(|e| self.repo.find_tree(e.id()))
                    .transpose()
                    .map_err(self.op("reading a tree"))
            };
            let (old, new) = (subtree(old)?, subtree(new)?);
            return self.diff_trees(old.as_ref(), new.as_ref(), &format!("{path}/"), out);
        }
        let side = |e: &TreeEntry<'_>| BlobRef {
            id: e.id(),
            mode: u32::try_from(e.filemode()).unwrap_or(0),
        };
        let (old, new) = (old.map(side), new.map(side));
        if old != new {
            out.push(FileChange { path, old, new });
        }
        Ok(())
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
                out.push((
                    format!("{dir}{name}"),
                    BlobRef {
                        id: entry.id(),
                        mode: u32::try_from(entry.filemode()).unwrap_or(0),
                    },
                ));
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
        (entry.kind() == Some(ObjectType::Blob)).then(|| BlobRef {
            id: entry.id(),
            mode: u32::try_from(entry.filemode()).unwrap_or(0),
        })
    }
}

fn is_tree(entry: &TreeEntry<'_>) -> bool {
    entry.kind() == Some(ObjectType::Tree)
}

/// git's order of tree entries: by name, a tree's name read with a
/// trailing `/`.
fn tree_order(a: &TreeEntry<'_>, b: &TreeEntry<'_>) -> Ordering {
    fn key<'e>(e: &'e TreeEntry<'_>) -> impl Iterator<Item = u8> + 'e {
        let slash = is_tree(e).then_some(b'/');
        e.name_bytes().iter().copied().chain(slash)
    }
    key(a).cmp(key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit of `files` (path, content) in `repo`, built with git's
    /// own tree builder through an index.
    fn commit(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let mut index = git2::Index::new().expect("an in-memory index");
        for (path, content) in files {
            let blob = repo.blob(content.as_bytes()).expect("writing a blob");
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: MODE_FILE,
                uid: 0,
                gid: 0,
                file_size: 0,
                id: blob,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).expect("adding to the index");
        }
        let tree = index.write_tree_to(repo).expect("writing the tree");
        let tree = repo.find_tree(tree).expect("the tree just written");
        let who = git2::Signature::now("t", "t@invalid").expect("a signature");
        repo.commit(None, &who, &who, "t", &tree, &[])
            .expect("a commit")
    }

    #[test]
    fn changes_walk_only_what_differs_in_git_order() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("a bare repository");
        let old = commit(
            &repo,
            &[
                ("ab/cd/abcd-1.0.0.crate", "a"),
                ("ab/ce/abce-1.0.0.crate", "b"),
                ("x", "file"),
                ("zz/gone-1.0.0.crate", "c"),
            ],
        );
        let new = commit(
            &repo,
            &[
                ("ab/cd/abcd-1.0.0.crate", "a"),
                ("ab/ce/abce-1.0.0.crate", "b2"),
                ("ab/ce/abce-2.0.0.crate", "d"),
                ("x/now-a-dir", "e"),
                ("x-y", "f"),
            ],
        );
        let crates = CrateRepo::open(dir.path()).expect("opens");
        let summary: Vec<(String, bool, bool)> = crates
            .changes(Some(old), new)
            .expect("compares")
            .into_iter()
            .map(|c| (c.path, c.old.is_some(), c.new.is_some()))
            .collect();
        let owned = |p: &str, old, new| (p.to_owned(), old, new);
        assert_eq!(
            summary,
            [
                owned("ab/ce/abce-1.0.0.crate", true, true),
                owned("ab/ce/abce-2.0.0.crate", false, true),
                owned("x", true, false),
                owned("x-y", false, true),
                owned("x/now-a-dir", false, true),
                owned("zz/gone-1.0.0.crate", true, false),
            ]
        );
        assert!(crates.changes(Some(new), new).expect("same").is_empty());
        let all = crates.changes(None, old).expect("from nothing");
        assert_eq!(all.len(), 4);
    }
}
