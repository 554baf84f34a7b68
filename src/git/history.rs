//! A store's branch history, newest first along first parents: the
//! index's publication log (each commit's message says what it did).

use super::{GitError, Oid, Store};

/// One commit of the branch.
#[derive(Debug, Clone)]
pub struct CommitRecord {
    pub id: Oid,
    /// Committer time, seconds since the Unix epoch.
    pub time: i64,
    pub message: String,
}

impl Store {
    /// Every commit of the branch, newest first, following first parents.
    pub fn history(&self) -> Result<Vec<CommitRecord>, GitError> {
        let op = |source| GitError::Op {
            path: self.git_dir().to_owned(),
            action: "reading the index history",
            source,
        };
        let mut walk = self.repo.revwalk().map_err(op)?;
        walk.push_ref(&self.branch).map_err(op)?;
        walk.simplify_first_parent().map_err(op)?;
        let mut out = Vec::new();
        for id in walk {
            let commit = self.repo.find_commit(id.map_err(op)?).map_err(op)?;
            out.push(CommitRecord {
                id: commit.id(),
                time: commit.time().seconds(),
                message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            });
        }
        Ok(out)
    }
}
