//! The index repository as a git object store with one branch.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;
use git2::{ObjectType, Oid, Repository, RepositoryInitOptions};

use super::GitError;
use super::fsync::sync_path;
use super::pack;

/// The branch a new index gets.
pub const DEFAULT_BRANCH: &str = "main";
const LOCK_FILE: &str = "crategate.lock";

/// A file as a later commit has it: its path, and its contents (`None`
/// when that commit deleted it).
pub type FileAt = (String, Option<Vec<u8>>);

/// One file to write at the next commit.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path from the repository root, `/`-separated.
    pub path: String,
    pub content: Vec<u8>,
}

/// A repository whose branch crategate writes.
pub struct Store {
    pub(super) repo: Repository,
    git_dir: PathBuf,
    pub(super) branch: String,
}

/// The exclusive right to write the branch, held until dropped.
pub struct WriteLock {
    _file: File,
}

/// The branch at one commit: what readers see.
pub struct Snapshot<'r> {
    pub commit: Oid,
    repo: &'r Repository,
    tree: git2::Tree<'r>,
    /// Directory trees already looked up, by path: libgit2 caches no tree
    /// over 4 KiB, and an index directory can hold thousands of files.
    dirs: RefCell<HashMap<String, Option<git2::Tree<'r>>>>,
}

impl<'r> Snapshot<'r> {
    /// The blob at `path`, looked up through the snapshot's cached
    /// directory trees.
    fn file_id(&self, path: &str) -> Option<Oid> {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        self.with_dir(dir, |tree| {
            tree.get_name(name)
                .filter(|e| e.kind() == Some(ObjectType::Blob))
                .map(|e| e.id())
        })
        .flatten()
    }

    /// `f` applied to the directory tree at `dir` (`""`: the root), if the
    /// snapshot has one; each directory is read from git once.
    fn with_dir<T>(&self, dir: &str, f: impl FnOnce(&git2::Tree<'r>) -> T) -> Option<T> {
        if dir.is_empty() {
            return Some(f(&self.tree));
        }
        let mut dirs = self.dirs.borrow_mut();
        let tree = dirs.entry(dir.to_owned()).or_insert_with(|| {
            let entry = self.tree.get_path(Path::new(dir)).ok()?;
            self.repo.find_tree(entry.id()).ok()
        });
        tree.as_ref().map(f)
    }
}

impl Store {
    /// Creates the repository at `path` (bare, or an existing empty one)
    /// and commits `files` as the first commit of its default branch.
    pub fn init(path: &Path, files: &[Change], message: &str) -> Result<Self, GitError> {
        let repo = match Repository::open(path) {
            Ok(repo) => repo,
            Err(_) if is_empty_or_missing(path) => {
                let mut opts = RepositoryInitOptions::new();
                opts.bare(true).mkdir(true).initial_head(DEFAULT_BRANCH);
                Repository::init_opts(path, &opts).map_err(|source| GitError::Init {
                    path: path.to_owned(),
                    source,
                })?
            }
            Err(_) => {
                return Err(GitError::Occupied {
                    path: path.to_owned(),
                });
            }
        };
        let store = Self::from_repo(repo, path)?;
        if store.repo.refname_to_id(&store.branch).is_ok() {
            return Err(GitError::NotEmpty {
                path: path.to_owned(),
                branch: store.branch_name().to_owned(),
            });
        }
        let lock = store.lock()?;
        store.commit(&lock, None, files, message)?;
        Ok(store)
    }

    /// Opens an existing repository; the branch written is the one HEAD
    /// points at.
    pub fn open(path: &Path) -> Result<Self, GitError> {
        let repo = Repository::open(path).map_err(|source| GitError::Open {
            path: path.to_owned(),
            source,
        })?;
        Self::from_repo(repo, path)
    }

    fn from_repo(repo: Repository, path: &Path) -> Result<Self, GitError> {
        let head = repo
            .find_reference("HEAD")
            .map_err(|source| GitError::Open {
                path: path.to_owned(),
                source,
            })?;
        let branch = head
            .symbolic_target()
            .ok()
            .flatten()
            .filter(|t| t.starts_with("refs/heads/"))
            .ok_or_else(|| GitError::DetachedHead {
                path: path.to_owned(),
            })?
            .to_owned();
        drop(head);
        Ok(Self {
            git_dir: repo.path().to_owned(),
            repo,
            branch,
        })
    }

    /// The short name of the branch written.
    #[must_use]
    pub fn branch_name(&self) -> &str {
        self.branch.trim_start_matches("refs/heads/")
    }

    /// The repository's git directory.
    #[must_use]
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    fn op(&self, action: &'static str) -> impl FnOnce(git2::Error) -> GitError + '_ {
        move |source| GitError::Op {
            path: self.git_dir.clone(),
            action,
            source,
        }
    }

    /// Takes the exclusive write lock, waiting for another writer to end.
    pub fn lock(&self) -> Result<WriteLock, GitError> {
        let path = self.git_dir.join(LOCK_FILE);
        let io = |source| GitError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        file.lock().map_err(io)?;
        Ok(WriteLock { _file: file })
    }

    /// The branch as it is now.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, GitError> {
        let commit = self
            .repo
            .refname_to_id(&self.branch)
            .map_err(|_| GitError::Unborn {
                path: self.git_dir.clone(),
                branch: self.branch_name().to_owned(),
            })?;
        let tree = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(self.op("reading the branch tip"))?;
        Ok(Snapshot {
            commit,
            repo: &self.repo,
            tree,
            dirs: RefCell::default(),
        })
    }

    /// The first of the commit messages from the snapshot back (first
    /// parents, at most `depth` commits) that `pick` finds something in.
    pub fn find_in_history<T>(
        &self,
        snapshot: &Snapshot<'_>,
        depth: usize,
        pick: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, GitError> {
        let mut commit = Some(
            self.repo
                .find_commit(snapshot.commit)
                .map_err(self.op("reading the branch tip"))?,
        );
        for _ in 0..depth {
            let Some(current) = commit else { break };
            if let Some(found) = pick(&String::from_utf8_lossy(current.message_bytes())) {
                return Ok(Some(found));
            }
            commit = current.parents().next();
        }
        Ok(None)
    }

    /// Reads a file of a snapshot; `None` when there is none at `path`.
    pub fn read(&self, snapshot: &Snapshot<'_>, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let Some(id) = snapshot.file_id(path) else {
            return Ok(None);
        };
        let blob = self
            .repo
            .find_blob(id)
            .map_err(self.op("reading an index file"))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Whether a snapshot has a file at `path`.
    #[must_use]
    pub fn has_file(&self, snapshot: &Snapshot<'_>, path: &str) -> bool {
        snapshot.file_id(path).is_some()
    }

    /// The file names in a directory of a snapshot (empty if none).
    pub fn list(&self, snapshot: &Snapshot<'_>, dir: &str) -> Result<Vec<String>, GitError> {
        Ok(snapshot
            .with_dir(dir, |tree| {
                tree.iter()
                    .filter(|e| e.kind() == Some(ObjectType::Blob))
                    .filter_map(|e| e.name().ok().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Every file path of a snapshot, recursively.
    pub fn walk(&self, snapshot: &Snapshot<'_>) -> Result<Vec<(String, Oid)>, GitError> {
        let mut out = Vec::new();
        snapshot
            .tree
            .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if entry.kind() == Some(ObjectType::Blob)
                    && let Ok(name) = entry.name()
                {
                    out.push((format!("{dir}{name}"), entry.id()));
                }
                git2::TreeWalkResult::Ok
            })
            .map_err(self.op("listing the index"))?;
        Ok(out)
    }

    /// A blob's bytes, by id (from [`Self::walk`]).
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>, GitError> {
        let blob = self
            .repo
            .find_blob(id)
            .map_err(self.op("reading an index file"))?;
        Ok(blob.content().to_vec())
    }

    /// The files that differ between two snapshots of the branch (`from`
    /// absent: every file), with their contents now (`None`: deleted).
    pub fn changed_files(
        &self,
        from: Option<Oid>,
        to: &Snapshot<'_>,
    ) -> Result<Vec<FileAt>, GitError> {
        let old = from
            .map(|id| self.repo.find_commit(id).and_then(|c| c.tree()))
            .transpose()
            .map_err(self.op("reading an earlier index commit"))?;
        let diff = self
            .repo
            .diff_tree_to_tree(old.as_ref(), Some(&to.tree), None)
            .map_err(self.op("comparing index commits"))?;
        let mut out = Vec::with_capacity(diff.deltas().len());
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path().or_else(|| delta.old_file().path()) else {
                continue;
            };
            let path = path.to_string_lossy().into_owned();
            let content = if delta.status() == git2::Delta::Deleted {
                None
            } else {
                let blob = self
                    .repo
                    .find_blob(delta.new_file().id())
                    .map_err(self.op("reading an index file"))?;
                Some(blob.content().to_vec())
            };
            out.push((path, content));
        }
        Ok(out)
    }

    /// Whether `ancestor` is in the history of the branch at `snapshot`.
    #[must_use]
    pub fn contains(&self, snapshot: &Snapshot<'_>, ancestor: Oid) -> bool {
        ancestor == snapshot.commit
            || self
                .repo
                .graph_descendant_of(snapshot.commit, ancestor)
                .unwrap_or(false)
    }

    /// Commits `changes` on top of `parent` (the tip the caller read under
    /// `lock`) and moves the branch there if it is still at `parent`.
    /// Objects are written as one pack and fsynced before the ref moves.
    pub fn commit(
        &self,
        _lock: &WriteLock,
        parent: Option<&Snapshot<'_>>,
        changes: &[Change],
        message: &str,
    ) -> Result<Oid, GitError> {
        let new_objects = pack::build_commit(
            &self.repo,
            parent.map(|p| (p.commit, &p.tree)),
            changes,
            message,
        )
        .map_err(self.op("building the commit"))?;
        let commit = new_objects
            .last()
            .expect("the commit is the last new object")
            .id;
        crate::fault::point("objects-staged");
        pack::write(&self.git_dir, &new_objects)?;
        // A fresh handle, which sees the new pack.
        let writer = Repository::open(&self.git_dir).map_err(self.op("opening for write"))?;
        let log = format!("crategate: {}", message.lines().next().unwrap_or_default());
        let moved = if let Some(parent) = parent {
            writer.reference_matching(&self.branch, commit, true, parent.commit, &log)
        } else {
            writer.reference(&self.branch, commit, false, &log)
        };
        moved.map_err(|source| match source.code() {
            git2::ErrorCode::Modified | git2::ErrorCode::Exists | git2::ErrorCode::Locked => {
                GitError::Raced {
                    path: self.git_dir.clone(),
                    branch: self.branch_name().to_owned(),
                }
            }
            _ => GitError::Op {
                path: self.git_dir.clone(),
                action: "moving the branch",
                source,
            },
        })?;
        crate::fault::point("ref-updated");
        let ref_path = self.git_dir.join(&self.branch);
        sync_path(&ref_path)?;
        if let Some(dir) = ref_path.parent() {
            sync_path(dir)?;
        }
        crate::fault::point("ref-synced");
        self.update_worktree(changes)?;
        pack::consolidate(&self.git_dir);
        Ok(commit)
    }

    /// In a repository with a work tree whose HEAD is the branch, writes
    /// the changed files into the work tree and git's index. Only those
    /// paths are touched; they belong to crategate, so a local edit of
    /// one of them is overwritten.
    fn update_worktree(&self, changes: &[Change]) -> Result<(), GitError> {
        if self.repo.is_bare() || changes.is_empty() {
            return Ok(());
        }
        let mut checkout = CheckoutBuilder::new();
        checkout.force();
        for change in changes {
            checkout.path(&change.path);
        }
        self.repo
            .checkout_head(Some(&mut checkout))
            .map_err(self.op("updating the work tree"))
    }
}

fn is_empty_or_missing(path: &Path) -> bool {
    std::fs::read_dir(path).map_or(true, |mut d| d.next().is_none())
}
