//! Writing the objects of one commit as one pack.
//!
//! libgit2 writes loose objects one file each; an index write creates a
//! blob per changed file, the trees on their paths and a commit. They are
//! staged in memory (a mempack backend) and written as one pack, so one
//! write costs a few fsyncs whatever it contains. Only the objects this
//! commit created are packed.

use std::collections::BTreeSet;
use std::path::Path;

use std::io::Write as _;

use flate2::{Compress, Compression, FlushCompress, Status};
use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Mempack, ObjectType, Oid, Repository, Signature};
use sha1::{Digest as _, Sha1};

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
///
/// The pack is built here rather than by libgit2's pack builder, which
/// searches deltas among the new objects and deflates at zlib's default
/// level: most of an index write's time, for packs that `git gc --auto`
/// repacks with deltas anyway (see [`consolidate`]). Each object is
/// deflated fast and whole (pack format version 2: `PACK`, the version
/// and the object count as big-endian 32-bit numbers, an entry per
/// object, the SHA-1 of all of it). libgit2's pack writer then checks
/// and indexes it (`.idx`) under the name git gives every pack: that
/// checksum.
pub(super) fn write(
    git_dir: &Path,
    odb: &git2::Odb<'_>,
    mempack: &Mempack<'_>,
    objects: &[Oid],
) -> Result<(), GitError> {
    let pack = encode(odb, objects).map_err(op(git_dir, "packing objects"))?;
    // A SHA-1, printed as git prints object ids.
    let name = Oid::from_bytes(&pack[pack.len() - 20..])
        .expect("a SHA-1 is 20 bytes")
        .to_string();
    let mut writer = odb.packwriter().map_err(op(git_dir, "writing the pack"))?;
    writer.write_all(&pack).map_err(|source| GitError::Io {
        path: git_dir.join("objects").join("pack"),
        source,
    })?;
    writer.commit().map_err(op(git_dir, "writing the pack"))?;
    drop(writer);
    crate::fault::point("pack-written");
    let pack_dir = git_dir.join("objects").join("pack");
    for ext in ["pack", "idx"] {
        let path = pack_dir.join(format!("pack-{name}.{ext}"));
        if !path.exists() {
            return Err(GitError::Io {
                path,
                source: std::io::Error::other("the pack just written is not where git looks"),
            });
        }
        sync_path(&path)?;
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

/// The bytes of a pack holding `objects`, each whole.
fn encode(odb: &git2::Odb<'_>, objects: &[Oid]) -> Result<Vec<u8>, git2::Error> {
    let mut pack = b"PACK".to_vec();
    pack.extend_from_slice(&2u32.to_be_bytes());
    let count =
        u32::try_from(objects.len()).expect("an index write makes far fewer than 2^32 objects");
    pack.extend_from_slice(&count.to_be_bytes());
    // One deflate state for every object, reset between them.
    let mut deflate = Compress::new(Compression::fast(), true);
    for id in objects {
        let object = odb.read(*id)?;
        let kind: u8 = match object.kind() {
            ObjectType::Commit => 1,
            ObjectType::Tree => 2,
            ObjectType::Blob => 3,
            _ => 4,
        };
        let data = object.data();
        entry_header(&mut pack, kind, data.len() as u64);
        deflate.reset();
        loop {
            pack.reserve(data.len() / 2 + 64);
            let consumed = usize::try_from(deflate.total_in()).expect("within the object");
            let status = deflate
                .compress_vec(&data[consumed..], &mut pack, FlushCompress::Finish)
                .expect("deflating into memory cannot fail");
            if status == Status::StreamEnd {
                break;
            }
        }
    }
    let checksum = Sha1::digest(&pack);
    pack.extend_from_slice(&checksum);
    Ok(pack)
}

/// An entry's header: the type in bits 4–6 of the first byte with the
/// size's low four bits, then seven bits of size a byte, low first, the
/// top bit of each byte saying another follows.
fn entry_header(out: &mut Vec<u8>, kind: u8, size: u64) {
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
}

#[cfg(test)]
mod tests {
    use super::entry_header;

    #[test]
    fn entry_headers_carry_type_and_size() {
        let header = |kind, size| {
            let mut out = Vec::new();
            entry_header(&mut out, kind, size);
            out
        };
        assert_eq!(header(3, 5), [0x35]);
        assert_eq!(header(3, 21), [0xb5, 0x01]);
        assert_eq!(header(2, 0x1234), [0xa4, 0xa3, 0x02]);
    }
}
