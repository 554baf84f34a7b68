//! Comparing two trees of the crate repository: both sorted entry
//! lists are walked side by side, and an entry with the same id and mode
//! on both sides is skipped unread. A push to a sharded crate repository
//! thus reads the few directories it touches, never the whole tree.

use std::cmp::Ordering;

use git2::{ObjectType, TreeEntry};

use super::{BlobRef, CrateRepo, FileChange, GitError};

/// How deep a tree [`CrateRepo::changes`] compares may nest directories
/// (a `.crate` sits at most three deep; deeper trees are refused rather
/// than walked, so no pushed tree can exhaust the stack).
const MAX_TREE_DEPTH: usize = 256;

impl CrateRepo {
    /// Appends the changes from `old` to `new` (an absent tree is empty),
    /// their paths under `prefix`, walking the two sorted entry lists side
    /// by side.
    pub(super) fn diff_trees(
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
        // The walk pairs entries by order: a pushed tree out of git's
        // order (git accepts one unless `receive.fsckObjects` is set)
        // could hide a file from the comparison, so it is refused.
        if let Some(new) = new
            && !is_sorted(new)
        {
            let path = match prefix.strip_suffix('/') {
                Some(dir) => format!("`{dir}/`"),
                None => "the top of the repository".to_owned(),
            };
            return Err(GitError::MalformedTree { path });
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
        let (old, new) = (old.map(BlobRef::of), new.map(BlobRef::of));
        if old != new {
            out.push(FileChange { path, old, new });
        }
        Ok(())
    }
}

/// Whether every entry of `tree` comes strictly after the one before.
fn is_sorted(tree: &git2::Tree<'_>) -> bool {
    let mut entries = tree.iter();
    let Some(mut previous) = entries.next() else {
        return true;
    };
    entries.all(|entry| {
        let ordered = tree_order(&previous, &entry) == Ordering::Less;
        previous = entry;
        ordered
    })
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
    use git2::{Oid, Repository};

    use super::super::MODE_FILE;
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

    #[test]
    fn a_tree_out_of_gits_order_is_refused() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("a bare repository");
        let blob = repo.blob(b"x").expect("a blob");
        // `b` listed before `a`: no git command writes this, but a push
        // can carry it.
        let mut raw = Vec::new();
        for name in ["b-1.0.0.crate", "a-1.0.0.crate"] {
            raw.extend_from_slice(format!("100644 {name}\0").as_bytes());
            raw.extend_from_slice(blob.as_bytes());
        }
        let odb = repo.odb().expect("the object database");
        let tree = odb.write(ObjectType::Tree, &raw).expect("a raw tree");
        let tree = repo.find_tree(tree).expect("the tree");
        let who = git2::Signature::now("t", "t@invalid").expect("a signature");
        let commit = repo
            .commit(None, &who, &who, "t", &tree, &[])
            .expect("a commit");
        let crates = CrateRepo::open(dir.path()).expect("opens");
        let error = crates.changes(None, commit).expect_err("refused");
        assert!(matches!(error, GitError::MalformedTree { .. }), "{error}");
    }
}
