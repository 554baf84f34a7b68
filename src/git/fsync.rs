//! Durability for what libgit2 writes: it renames loose objects and refs
//! into place atomically but does not fsync them by default.

use std::fs::File;
use std::path::Path;

use super::GitError;

/// Flushes one file, or a directory's entries, to disk. A missing file is
/// fine: an object that already existed may live in a pack.
pub fn sync_path(path: &Path) -> Result<(), GitError> {
    match File::open(path) {
        Ok(file) => file.sync_all().map_err(|source| GitError::Io {
            path: path.to_owned(),
            source,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(GitError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}
