//! Reading many `.crate` files into index lines, on every core.

use std::path::{Path, PathBuf};

use super::line::{IndexLine, LineError, Mode};
use super::registry::NewVersion;
use crate::crate_file::{self, Limits, Refusal};

/// Why a file could not become an index line.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {}", .refusal.message)]
    Refused { path: PathBuf, refusal: Refusal },
    #[error("{path}: {source}")]
    Line { path: PathBuf, source: LineError },
}

/// Reads, checks and turns each file into a [`NewVersion`], in the order
/// given, using all available cores, the largest files first. Each worker
/// holds one file at a time.
#[must_use]
pub fn read_all(
    paths: &[PathBuf],
    limits: &Limits,
    mode: &Mode,
    pubtime: &str,
) -> Vec<Result<NewVersion, FileProblem>> {
    crate::parallel::map_files(paths, |path| read_one(path, limits, mode, pubtime))
}

/// Reads one file into a new index version.
pub fn read_one(
    path: &Path,
    limits: &Limits,
    mode: &Mode,
    pubtime: &str,
) -> Result<NewVersion, FileProblem> {
    let file = std::fs::File::open(path).map_err(|source| FileProblem::Io {
        path: path.to_owned(),
        source,
    })?;
    let file_name = path.file_name().and_then(|n| n.to_str());
    let source = std::io::BufReader::with_capacity(64 * 1024, file);
    let krate = crate_file::read_crate_from(source, file_name, limits).map_err(|refusal| {
        FileProblem::Refused {
            path: path.to_owned(),
            refusal,
        }
    })?;
    let line = IndexLine::from_manifest(&krate.manifest, &krate.checksum, mode, pubtime).map_err(
        |source| FileProblem::Line {
            path: path.to_owned(),
            source,
        },
    )?;
    Ok(NewVersion {
        file: path.display().to_string(),
        name: krate.manifest.name,
        line,
    })
}
