//! Writing the objects of one commit as one pack, without libgit2.
//!
//! An index write creates a blob per changed file, the trees on their
//! paths and a commit. They are built and hashed here, and written as one
//! pack with its index, so one write costs a few fsyncs whatever it
//! contains. libgit2 only reads the parent's trees. Going through its
//! object database cost more than all the rest of a write: every new
//! object made it list the pack directory again (it looks for packs
//! written meanwhile before it stores an object it lacks), and its pack
//! indexer inflated and hashed every object a second time.
//!
//! Objects are stored whole and deflated fast; `git gc --auto` repacks
//! them with deltas once there are [`MAX_PACKS`] packs. Formats (git's
//! `gitformat-pack`): a pack is `PACK`, version 2 and the object count
//! (big-endian 32-bit), an entry per object, then the SHA-1 of all of it;
//! its `.idx` (version 2) is a magic number and version, a 256-entry
//! fan-out table, the sorted object ids, the CRC-32 of each entry, their
//! 31-bit offsets (with a table of 64-bit ones past 2 GiB), the pack's
//! checksum, and the SHA-1 of the index itself. A pack is named
//! `pack-<its checksum>`; its `.idx` is put in place last, since git finds
//! packs by their index.

mod objects;
#[cfg(test)]
mod tests;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use git2::Oid;
use sha1::{Digest as _, Sha1};

use super::GitError;
use super::fsync::sync_path;

pub(super) use objects::build_commit;

/// Packs an index may accumulate before they are consolidated (git's own
/// `gc.autoPackLimit` default).
const MAX_PACKS: usize = 50;

/// Offsets from here on go to the `.idx`'s table of 64-bit offsets.
const LARGE_OFFSET: u64 = 0x8000_0000;

/// A git object: its type as a pack numbers it, its id and its bytes.
pub(super) struct Object {
    pub kind: Kind,
    pub id: Oid,
    pub data: Vec<u8>,
}

/// The object types an index write creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Commit = 1,
    Tree = 2,
    Blob = 3,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Commit => "commit",
            Self::Tree => "tree",
            Self::Blob => "blob",
        }
    }
}

impl Object {
    /// An object of `kind` holding `data`, with the id git gives it: the
    /// SHA-1 of `<type> <size>\0<data>`.
    pub fn new(kind: Kind, data: Vec<u8>) -> Self {
        let mut hasher = Sha1::new();
        hasher.update(format!("{} {}\0", kind.name(), data.len()));
        hasher.update(&data);
        let id = Oid::from_bytes(&hasher.finalize()).expect("a SHA-1 is 20 bytes");
        Self { kind, id, data }
    }
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

/// Writes `objects` (no two alike) to `git_dir` as one pack and its index, fsynced; the
/// index file is renamed into place last. Temporary files are removed
/// when a write fails (a full disk, say).
pub(super) fn write(git_dir: &Path, objects: &[Object]) -> Result<(), GitError> {
    let pack_dir = git_dir.join("objects").join("pack");
    let (pack, entries) = encode(objects);
    let checksum: [u8; 20] = pack[pack.len() - 20..]
        .try_into()
        .expect("a pack ends in its SHA-1");
    let index = index(entries, &checksum);
    let name = Oid::from_bytes(&checksum).expect("a SHA-1 is 20 bytes");
    let final_pack = pack_dir.join(format!("pack-{name}.pack"));
    let final_index = pack_dir.join(format!("pack-{name}.idx"));
    let temporary_pack = write_temporary(&pack_dir, "pack", &pack)?;
    let temporary_index =
        write_temporary(&pack_dir, "idx", &index).inspect_err(|_| remove(&temporary_pack))?;
    let placed = rename(&temporary_pack, &final_pack).and_then(|()| {
        crate::fault::point("pack-written");
        rename(&temporary_index, &final_index)
    });
    if let Err(error) = placed {
        remove(&temporary_pack);
        remove(&temporary_index);
        return Err(error);
    }
    sync_path(&pack_dir)?;
    crate::fault::point("pack-synced");
    Ok(())
}

/// One pack entry as the index lists it.
struct Entry {
    id: Oid,
    crc: u32,
    offset: u64,
}

/// The bytes of a pack holding `objects`, each whole, and its entries.
fn encode(objects: &[Object]) -> (Vec<u8>, Vec<Entry>) {
    // Room for every entry, so that the pack is not copied as it grows:
    // fast deflate codes an incompressible byte in up to 9 bits.
    let room: usize = objects
        .iter()
        .map(|o| o.data.len() + o.data.len() / 8 + 64)
        .sum();
    let mut pack = Vec::with_capacity(12 + room + 20);
    pack.extend_from_slice(b"PACK");
    pack.extend_from_slice(&2u32.to_be_bytes());
    let count =
        u32::try_from(objects.len()).expect("an index write makes far fewer than 2^32 objects");
    pack.extend_from_slice(&count.to_be_bytes());
    let mut entries = Vec::with_capacity(objects.len());
    // One deflate state for every object, reset between them.
    let mut deflate = Compress::new(Compression::fast(), true);
    for object in objects {
        let start = pack.len();
        entry_header(&mut pack, object.kind as u8, object.data.len() as u64);
        deflate.reset();
        loop {
            pack.reserve(object.data.len() / 2 + 64);
            let consumed = usize::try_from(deflate.total_in()).expect("within the object");
            let status = deflate
                .compress_vec(&object.data[consumed..], &mut pack, FlushCompress::Finish)
                .expect("deflating into memory cannot fail");
            if status == Status::StreamEnd {
                break;
            }
        }
        let mut crc = Crc::new();
        crc.update(&pack[start..]);
        entries.push(Entry {
            id: object.id,
            crc: crc.sum(),
            offset: start as u64,
        });
    }
    let checksum = Sha1::digest(&pack);
    pack.extend_from_slice(&checksum);
    (pack, entries)
}

/// The `.idx` (version 2) of a pack whose entries are `entries` and whose
/// checksum is `checksum`.
fn index(mut entries: Vec<Entry>, checksum: &[u8; 20]) -> Vec<u8> {
    entries.sort_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()));
    let mut out = vec![0xff, b't', b'O', b'c', 0, 0, 0, 2];
    let mut below = 0u32;
    for first in 0..=255u8 {
        below += entries
            .iter()
            .skip(below as usize)
            .take_while(|e| e.id.as_bytes()[0] == first)
            .count() as u32;
        out.extend_from_slice(&below.to_be_bytes());
    }
    for entry in &entries {
        out.extend_from_slice(entry.id.as_bytes());
    }
    for entry in &entries {
        out.extend_from_slice(&entry.crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for entry in &entries {
        let small = if entry.offset < LARGE_OFFSET {
            entry.offset as u32
        } else {
            large.push(entry.offset);
            0x8000_0000 | (large.len() as u32 - 1)
        };
        out.extend_from_slice(&small.to_be_bytes());
    }
    for offset in large {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(checksum);
    let own = Sha1::digest(&out);
    out.extend_from_slice(&own);
    out
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

/// Writes `bytes` to a new temporary file in `dir` and fsyncs it.
fn write_temporary(dir: &Path, ext: &str, bytes: &[u8]) -> Result<PathBuf, GitError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| GitError::Io { path, source }
    };
    let file = tempfile::Builder::new()
        .prefix("tmp_crategate_")
        .suffix(&format!(".{ext}"))
        .tempfile_in(dir)
        .map_err(io(dir))?;
    let path = file.path().to_owned();
    let mut handle = file.as_file();
    handle.write_all(bytes).map_err(io(&path))?;
    handle.sync_all().map_err(io(&path))?;
    // Kept: renamed into place by the caller, who removes it on failure.
    file.keep().map_err(|e| io(&path)(e.error))?;
    Ok(path)
}

fn rename(from: &Path, to: &Path) -> Result<(), GitError> {
    std::fs::rename(from, to).map_err(|source| GitError::Io {
        path: to.to_owned(),
        source,
    })
}

fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}
