//! The tar walk: every header checked, every entry listed, file contents
//! skipped except the first bytes, the manifest and the kept files.
//!
//! The walk reads raw entries (extension headers included) so that it, not
//! the tar crate, decides how much of an extension header is held in
//! memory. It ends on the tar end-of-archive marker; reaching the end of the
//! stream first means the archive was cut short.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Read};

use super::extensions::Extensions;
use super::paths::{Placed, place};
use super::stream::{Compressed, Inflated};
use super::{Entry, EntryKind, KEPT_FILES, Limits, MAX_KEPT_SIZE, MAX_KEPT_TOTAL, Refusal};

/// What the walk found in an archive it did not refuse.
#[derive(Debug)]
pub(super) struct Walk {
    /// The directory all entries are in.
    pub root: String,
    pub entries: Vec<Entry>,
    /// The bytes of `{root}/Cargo.toml`, if there is one.
    pub manifest: Option<Vec<u8>>,
    pub kept: BTreeMap<String, Vec<u8>>,
    /// Bytes after inflating: tar headers, data, padding.
    /// The file as read to its end: checksum and sizes.
    pub compressed: Compressed,
}

/// Why the walk stopped: a refusal it could name, or an I/O error from the
/// stream whose cause [`Inflated::explain`] finds.
pub(super) enum Stop {
    Refused(Refusal),
    Io {
        err: io::Error,
        entry: Option<String>,
    },
}

impl From<Refusal> for Stop {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl Stop {
    /// Wraps an I/O error met while reading `entry`.
    pub(super) fn io(entry: Option<String>) -> impl FnOnce(io::Error) -> Self {
        move |err| Self::Io { err, entry }
    }
}

/// Walks the tar in `inflated` up to its end-of-archive marker, then checks
/// the rest of the stream.
pub(super) fn walk<R: BufRead>(
    mut inflated: Inflated<R>,
    limits: &Limits,
) -> Result<Walk, Refusal> {
    let mut state = State::default();
    let result = walk_archive(&mut tar::Archive::new(&mut inflated), limits, &mut state);
    let refusal = match result {
        Ok(()) => None,
        Err(Stop::Refused(refusal)) => Some(refusal),
        Err(Stop::Io { err, entry }) => Some(inflated.explain(&err, entry, state.headers == 0)),
    };
    if let Some(refusal) = refusal {
        return Err(inflated.prefer_gzip_fault(refusal));
    }
    if inflated.ended() {
        let (rule, message) = if state.headers == 0 {
            (
                "tarball-not-tar",
                "the gzip stream is empty: it holds no tar archive",
            )
        } else {
            (
                "tarball-truncated",
                "the tar archive ends without its end-of-archive marker",
            )
        };
        return Err(Refusal::repackage(rule, None, message));
    }
    let compressed = inflated.finish()?;
    state.finish(compressed)
}

fn walk_archive<R: Read>(
    archive: &mut tar::Archive<R>,
    limits: &Limits,
    state: &mut State,
) -> Result<(), Stop> {
    let mut pending = Extensions::default();
    for entry in archive.entries().map_err(Stop::io(None))?.raw(true) {
        let mut entry = entry.map_err(|err| Stop::Io {
            err,
            entry: state.last.clone(),
        })?;
        state.headers += 1;
        let kind = entry.header().entry_type();
        if kind.is_gnu_longname() || kind.is_pax_local_extensions() {
            pending.absorb(&mut entry)?;
        } else {
            state.add(&mut entry, &std::mem::take(&mut pending), limits)?;
        }
    }
    if pending.is_pending() {
        return Err(Refusal::repackage(
            "tarball-bad-header",
            None,
            "the archive ends with an extension header that describes no entry",
        )
        .into());
    }
    Ok(())
}

/// What the walk has gathered so far.
#[derive(Default)]
struct State {
    /// Raw tar headers read, extension headers included.
    headers: usize,
    root: Option<String>,
    /// Entries that are the root directory itself (at most one is fine).
    root_dirs: usize,
    entries: Vec<Entry>,
    manifest: Option<Vec<u8>>,
    kept: BTreeMap<String, Vec<u8>>,
    /// Bytes kept for [`Limits::keep`] so far.
    kept_total: u64,
    /// `package.license-file` of the manifest, once it was read (cargo
    /// puts `Cargo.toml` before the other files), so the file is kept for
    /// the license rules.
    license_file: Option<String>,
    /// The path of the last entry, whose data is skipped while reading the
    /// next header.
    last: Option<String>,
}

impl State {
    fn add<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        extensions: &Extensions,
        limits: &Limits,
    ) -> Result<(), Stop> {
        if self.entries.len() + self.root_dirs >= limits.max_entries {
            return Err(Refusal::repackage(
                "tarball-too-many-entries",
                None,
                format!("the archive has more than {} entries", limits.max_entries),
            )
            .into());
        }
        let header = entry.header().clone();
        let resolved = extensions.resolve(&header)?;
        let lossy = String::from_utf8_lossy(&resolved.path).into_owned();
        self.last = Some(lossy.clone());
        let kind = entry_kind(&header, &lossy)?;
        if kind == EntryKind::Dir && resolved.size != 0 {
            return Err(Refusal::repackage(
                "tarball-header-mismatch",
                Some(lossy),
                format!("directory claims {} bytes of data", resolved.size),
            )
            .into());
        }
        let relative = match place(&resolved.path, kind, &mut self.root)? {
            Placed::Root => {
                self.root_dirs += 1;
                if self.root_dirs > 1 {
                    return Err(duplicate(&lossy).into());
                }
                return Ok(());
            }
            Placed::Below(relative) => relative.to_owned(),
        };
        let magic = match kind {
            EntryKind::Dir => Vec::new(),
            EntryKind::File => self.read_contents(entry, &relative, resolved.size, limits)?,
        };
        self.entries.push(Entry {
            path: relative,
            kind,
            size: resolved.size,
            magic,
        });
        Ok(())
    }

    /// Reads what the reader keeps of a file and returns its magic bytes;
    /// the rest of the data is skipped by the tar walk.
    fn read_contents<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        relative: &str,
        size: u64,
        limits: &Limits,
    ) -> Result<Vec<u8>, Stop> {
        let error = |err| Stop::Io {
            err,
            entry: self.last.clone(),
        };
        if relative == "Cargo.toml" {
            if self.manifest.is_some() {
                return Err(Refusal::repackage(
                    "manifest-duplicate",
                    self.last.clone(),
                    "the archive holds more than one `Cargo.toml` at its root",
                )
                .into());
            }
            if size > limits.max_manifest_size {
                return Err(Refusal::new(
                    "manifest-too-large",
                    self.last.clone(),
                    format!(
                        "`Cargo.toml` is {size} bytes, more than the limit of {}",
                        limits.max_manifest_size
                    ),
                    "shorten Cargo.toml",
                )
                .into());
            }
            let data = read_all(entry, size).map_err(error)?;
            let magic = magic_of(&data);
            self.license_file = license_file(&data);
            self.manifest = Some(data);
            return Ok(magic);
        }
        let named = self.license_file.as_deref() == Some(relative);
        if (named || KEPT_FILES.contains(&relative)) && size <= MAX_KEPT_SIZE {
            let data = read_all(entry, size).map_err(error)?;
            let magic = magic_of(&data);
            self.kept.insert(relative.to_owned(), data);
            return Ok(magic);
        }
        if let Some(bound) = limits.keep.bound(relative) {
            let budget = MAX_KEPT_TOTAL.saturating_sub(self.kept_total);
            let n = size.min(bound).min(budget).max(size.min(4));
            let data = read_all(entry, n).map_err(error)?;
            self.kept_total += n;
            let magic = magic_of(&data);
            self.kept.insert(relative.to_owned(), data);
            return Ok(magic);
        }
        let mut magic = vec![0; size.min(4) as usize];
        entry.read_exact(&mut magic).map_err(error)?;
        Ok(magic)
    }

    /// Checks what needs every entry: one root, no duplicate paths, no
    /// entry below a file.
    fn finish(self, compressed: Compressed) -> Result<Walk, Refusal> {
        let Some(root) = self.root else {
            return Err(Refusal::repackage(
                "manifest-missing",
                None,
                "the tar archive has no entries, so no `Cargo.toml`",
            ));
        };
        let mut seen: HashMap<&str, EntryKind> = HashMap::with_capacity(self.entries.len());
        for entry in &self.entries {
            if seen.insert(&entry.path, entry.kind).is_some() {
                return Err(duplicate(&format!("{root}/{}", entry.path)));
            }
        }
        for entry in &self.entries {
            let parents = entry.path.match_indices('/').map(|(i, _)| &entry.path[..i]);
            if let Some(file) = parents
                .into_iter()
                .find(|p| seen.get(p) == Some(&EntryKind::File))
            {
                return Err(Refusal::repackage(
                    "tarball-path-conflict",
                    Some(format!("{root}/{}", entry.path)),
                    format!("entry `{}` is below `{file}`, which is a file", entry.path),
                ));
            }
        }
        Ok(Walk {
            root,
            entries: self.entries,
            manifest: self.manifest,
            kept: self.kept,
            compressed,
        })
    }
}

/// The kind of a regular file or directory entry; anything else is refused.
fn entry_kind(header: &tar::Header, path: &str) -> Result<EntryKind, Refusal> {
    let kind = header.entry_type();
    if kind.is_file() {
        return Ok(EntryKind::File);
    }
    if kind.is_dir() {
        return Ok(EntryKind::Dir);
    }
    let what = match kind.as_byte() {
        b'1' => "a hard link".to_owned(),
        b'2' => "a symbolic link".to_owned(),
        b'3' => "a character device".to_owned(),
        b'4' => "a block device".to_owned(),
        b'6' => "a FIFO".to_owned(),
        b'7' => "a contiguous file".to_owned(),
        b'g' => "a global pax header".to_owned(),
        b'K' => "a GNU long link name".to_owned(),
        b'S' => "a GNU sparse file".to_owned(),
        other => format!("of unknown tar type {:?}", char::from(other)),
    };
    Err(Refusal::repackage(
        "tarball-entry-type",
        Some(path.to_owned()),
        format!("entry {path:?} is {what}; a package holds only files and directories"),
    ))
}

fn duplicate(path: &str) -> Refusal {
    Refusal::repackage(
        "tarball-duplicate-entry",
        Some(path.to_owned()),
        format!("the archive holds {path:?} more than once"),
    )
}

fn magic_of(data: &[u8]) -> Vec<u8> {
    data[..data.len().min(4)].to_vec()
}

/// Reads exactly `size` bytes of an entry whose size is already bounded.
pub(super) fn read_all(entry: &mut impl Read, size: u64) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    entry.take(size).read_to_end(&mut data)?;
    if data.len() as u64 == size {
        Ok(data)
    } else {
        Err(io::ErrorKind::UnexpectedEof.into())
    }
}

/// `package.license-file` of a manifest's bytes, as a path relative to the
/// package root (a leading `./` dropped); `None` when unreadable or unset.
fn license_file(manifest: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(manifest).ok()?;
    // Most manifests set `license`: skip the parse on the read path.
    if !text.contains("license-file") {
        return None;
    }
    let table: toml::Table = toml::from_str(text).ok()?;
    let path = table.get("package")?.get("license-file")?.as_str()?;
    Some(path.trim_start_matches("./").to_owned())
}
