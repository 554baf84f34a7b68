//! Extension headers: GNU long names and pax records, and the one path and
//! size every tar reader must agree on.
//!
//! The walk reads the tar in raw mode, so extension headers reach it as
//! entries of their own and are bounded by [`MAX_EXTENSION_SIZE`] before
//! they are read. An entry's path is its GNU long name, else its pax `path`,
//! else the header's name; its size is the header's. Where readers could
//! disagree (a pax `size` that is not the header size, long name and pax
//! `path` that differ, repeated records that differ) the archive is refused:
//! that desynchronisation is how one archive shows different files to
//! different tools.

use std::borrow::Cow;
use std::io::Read;

use tar::{Header, PaxExtensions};

use super::entries::{Stop, read_all};
use super::{MAX_EXTENSION_SIZE, Refusal};

/// Extension headers waiting for the entry they describe.
#[derive(Default)]
pub(super) struct Extensions {
    long_name: Option<Vec<u8>>,
    pax: Option<Vec<u8>>,
}

/// The path and data size an entry has for every reader.
pub(super) struct Resolved<'e> {
    pub path: Cow<'e, [u8]>,
    pub size: u64,
}

impl Extensions {
    /// Whether extension headers are waiting for their entry.
    pub(super) fn is_pending(&self) -> bool {
        self.long_name.is_some() || self.pax.is_some()
    }

    /// Takes in one GNU long-name (`L`) or pax (`x`) header.
    pub(super) fn absorb<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), Stop> {
        let header = entry.header();
        let long_name = header.entry_type().is_gnu_longname();
        let what = if long_name { "GNU long-name" } else { "pax" };
        if header.as_gnu().is_none() && header.as_ustar().is_none() {
            return Err(Refusal::repackage(
                "tarball-entry-type",
                None,
                format!("a {what} header appears in a pre-POSIX tar header"),
            )
            .into());
        }
        let size = header.entry_size().map_err(Stop::io(None))?;
        if size > MAX_EXTENSION_SIZE {
            return Err(Refusal::repackage(
                "tarball-header-too-large",
                None,
                format!("a {what} header holds {size} bytes, more than {MAX_EXTENSION_SIZE}"),
            )
            .into());
        }
        let data = read_all(entry, size).map_err(Stop::io(None))?;
        let slot = if long_name {
            &mut self.long_name
        } else {
            &mut self.pax
        };
        if slot.replace(data).is_some() {
            return Err(Refusal::repackage(
                "tarball-bad-header",
                None,
                format!("two {what} headers describe the same entry"),
            )
            .into());
        }
        Ok(())
    }

    /// The path and size of the entry with `header`, refusing any
    /// disagreement between the header and its extensions.
    pub(super) fn resolve<'e>(&'e self, header: &'e Header) -> Result<Resolved<'e>, Stop> {
        let size = header.entry_size().map_err(Stop::io(None))?;
        let mut path: Option<&[u8]> = self
            .long_name
            .as_deref()
            .map(|name| name.strip_suffix(b"\0").unwrap_or(name));
        let named = |path: Option<&[u8]>| path.map(|p| String::from_utf8_lossy(p).into_owned());
        for record in self
            .pax
            .as_deref()
            .map(PaxExtensions::new)
            .into_iter()
            .flatten()
        {
            let record = record.map_err(Stop::io(None))?;
            let (key, value) = (record.key_bytes(), record.value_bytes());
            if key == b"size"
                && std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) != Some(size)
            {
                return Err(mismatch(
                    named(path),
                    format!(
                        "a pax `size` record says {:?} but the tar header says {size} bytes",
                        String::from_utf8_lossy(value)
                    ),
                ));
            }
            if key == b"path" {
                if path.is_some_and(|p| p != value) {
                    return Err(mismatch(
                        named(path),
                        format!(
                            "a pax `path` record says {:?}, another name says {:?}",
                            String::from_utf8_lossy(value),
                            String::from_utf8_lossy(path.unwrap_or_default())
                        ),
                    ));
                }
                path = Some(value);
            }
            if key.starts_with(b"GNU.sparse.") {
                return Err(Refusal::repackage(
                    "tarball-entry-type",
                    named(path),
                    "a pax header marks the entry as a sparse file",
                )
                .into());
            }
        }
        Ok(Resolved {
            path: path.map_or_else(|| header.path_bytes(), Cow::Borrowed),
            size,
        })
    }
}

fn mismatch(entry: Option<String>, message: String) -> Stop {
    Refusal::repackage("tarball-header-mismatch", entry, message).into()
}
