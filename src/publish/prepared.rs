//! What `pre-receive` learned of the crates it accepted, kept for
//! `post-receive`, so that a push's crates are read from git once.
//!
//! An accepted push leaves one file in `<git dir>/crategate-prepared/`,
//! named after the commit pushed to the tracked branch: a JSON line per
//! accepted `.crate`, `{"blob":"<git blob id>","mode":<registry mode>,
//! "line":<index line>}`: the line derived from the crate for an index of
//! that mode, as pre-receive would have published it. A blob id names its
//! bytes, so an entry holds for that blob whichever push wrote it;
//! publication takes the line from it (stamped with its own `pubtime`)
//! instead of reading, unpacking and parsing the blob again. The files
//! only save work: one that is missing, torn or unreadable, or an entry
//! for another registry mode, means the blob is read from git as if the
//! file were not there. Files are written whole (a temporary file renamed
//! into place). `post-receive` removes the
//! files of pushes the index now reflects; a file whose push never moved
//! the branch (another hook refused the ref update), or that no
//! `post-receive` ever read, is removed a day later, by the next
//! `post-receive` or the next accepted push.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::NewVersion;
use crate::crate_file::CrateFile;
use crate::crate_name::CrateName;
use crate::git::{CrateRepo, Oid};
use crate::index::line::{self, IndexLine, Mode};
use crate::parallel;

/// The directory, in the crate repository's git directory.
pub const DIR: &str = "crategate-prepared";

/// How long a file whose push never reached the branch is kept.
const STALE_AFTER: Duration = Duration::from_hours(24);

/// One line of a file: written with an [`IndexLine`], read with the
/// line's raw JSON, which is parsed only when it is published, on the
/// thread that publishes it.
#[derive(Serialize, Deserialize)]
struct Entry<L> {
    blob: String,
    mode: Mode,
    line: L,
}

/// The entries for a push's accepted crates (`(blob, crate)` pairs), for
/// an index of `mode`, as a file holds them. A crate no line can be
/// derived from is left out (publication will say why).
pub fn entries<'a>(mode: &Mode, crates: impl IntoIterator<Item = (Oid, &'a CrateFile)>) -> Vec<u8> {
    let pubtime = line::pubtime_now();
    let crates: Vec<(Oid, &CrateFile)> = crates.into_iter().collect();
    let lines = parallel::map(&crates, |(blob, krate)| {
        let line =
            IndexLine::from_manifest(&krate.manifest, &krate.checksum, mode, &pubtime).ok()?;
        let entry = Entry {
            blob: blob.to_string(),
            mode: mode.clone(),
            line,
        };
        let mut text = serde_json::to_vec(&entry).ok()?;
        text.push(b'\n');
        Some(text)
    });
    lines.into_iter().flatten().collect::<Vec<_>>().concat()
}

/// Writes [`entries`] as the file of the push of `tip`. No entries is no
/// file.
pub fn save(git_dir: &Path, tip: Oid, entries: &[u8]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let dir = git_dir.join(DIR);
    std::fs::create_dir_all(&dir)?;
    remove_stale(&dir);
    let temporary = dir.join(format!(".{tip}.{}.tmp", std::process::id()));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(entries)?;
    drop(file);
    std::fs::rename(&temporary, dir.join(tip.to_string()))
}

/// The prepared entries of every file present.
#[derive(Default)]
pub struct Prepared {
    entries: HashMap<Oid, (Mode, Box<RawValue>)>,
    /// Each file read, with the tip it is named after.
    files: Vec<(PathBuf, Option<Oid>)>,
}

impl Prepared {
    /// Reads every file of `git_dir`'s prepared directory; what cannot be
    /// read is left out.
    #[must_use]
    pub fn load(git_dir: &Path) -> Self {
        let mut this = Self::default();
        let Ok(listing) = std::fs::read_dir(git_dir.join(DIR)) else {
            return this;
        };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let name = name.to_str().unwrap_or(".");
            this.files.push((entry.path(), Oid::from_str(name).ok()));
            if name.starts_with('.') {
                // A temporary file, being written or left by a crash.
                continue;
            }
            let Ok(file) = std::fs::File::open(entry.path()) else {
                continue;
            };
            for line in BufReader::new(file).lines() {
                let Ok(line) = line else { break };
                let Ok(entry) = serde_json::from_str::<Entry<Box<RawValue>>>(&line) else {
                    continue;
                };
                if let Ok(blob) = Oid::from_str(&entry.blob) {
                    this.entries.insert(blob, (entry.mode, entry.line));
                }
            }
        }
        this
    }

    /// Whether a file prepared blob `blob`.
    #[must_use]
    pub fn has(&self, blob: Oid) -> bool {
        self.entries.contains_key(&blob)
    }

    /// The index version of the `.crate` at `path` whose blob is `blob`,
    /// when a file prepared it for an index of `mode` and the file name is
    /// the one the reader would accept for it (the same bytes under another
    /// name are read, and refused, as any file is).
    #[must_use]
    pub fn version(&self, blob: Oid, path: &str, mode: &Mode, pubtime: &str) -> Option<NewVersion> {
        let (made_for, line) = self.entries.get(&blob)?;
        if made_for != mode {
            return None;
        }
        let line: IndexLine = serde_json::from_str(line.get()).ok()?;
        let expected = crate::crate_file::file_name(line.name(), line.vers());
        if path.rsplit('/').next() != Some(expected.as_str()) {
            return None;
        }
        Some(NewVersion {
            file: path.to_owned(),
            name: CrateName::new(line.name()).ok()?,
            line: line.with_pubtime(pubtime).ok()?,
        })
    }

    /// Removes the files of pushes `published` (a commit the index now
    /// reflects) contains, and those older than a day. Best effort: a
    /// file left behind costs a little disk and nothing else.
    pub fn retire(&self, repo: &CrateRepo, published: Oid) {
        let now = SystemTime::now();
        for (path, tip) in &self.files {
            let reflected =
                tip.is_some_and(|tip| repo.is_ancestor(tip, published).unwrap_or(false));
            if reflected || is_stale(path, now) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Removes the day-old files of `dir`: where no `post-receive` runs
/// (GitHub Enterprise runs `pre-receive` only), writing is what keeps the
/// directory small.
fn remove_stale(dir: &Path) {
    let now = SystemTime::now();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if is_stale(&entry.path(), now) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn is_stale(path: &Path, now: SystemTime) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > STALE_AFTER)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::time::{Duration, SystemTime};

    use super::{DIR, Prepared, entries, save};
    use crate::crate_file::testing::CrateBuilder;
    use crate::crate_file::{CrateFile, Limits, read_crate};
    use crate::git::{CrateRepo, Oid};
    use crate::index::line::{IndexLine, Mode};

    const PUBTIME: &str = "2026-01-02T03:04:05Z";

    fn blob(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).expect("20 bytes are an object id")
    }

    fn demo_crate() -> CrateFile {
        read_crate(
            &CrateBuilder::package("demo", "1.2.3").build(),
            Some("demo-1.2.3.crate"),
            &Limits::default(),
        )
        .expect("a clean package reads")
    }

    /// Saves the demo crate, as blob 1, for a push of tip blob 9.
    fn save_demo(git_dir: &std::path::Path) -> CrateFile {
        let krate = demo_crate();
        save(
            git_dir,
            blob(9),
            &entries(&Mode::Mirror, [(blob(1), &krate)]),
        )
        .expect("saving");
        krate
    }

    /// Sets a file's modification time two days back.
    fn age(path: &std::path::Path) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_hours(48)))
            .expect("ageing a file");
    }

    #[test]
    fn a_saved_crate_gives_the_line_reading_it_gives_and_damage_is_skipped() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let krate = save_demo(dir.path());
        // A torn line and a file of garbage next to it change nothing.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(DIR).join(blob(9).to_string()))
            .expect("the saved file");
        file.write_all(b"{\"blob\":\"0202").expect("appending");
        std::fs::write(dir.path().join(DIR).join("garbage"), b"\xff\xfe not json\n")
            .expect("writing");

        let prepared = Prepared::load(dir.path());
        let mode = Mode::Mirror;
        let version = prepared
            .version(blob(1), "demo-1.2.3.crate", &mode, PUBTIME)
            .expect("the saved crate is prepared");
        let expected = IndexLine::from_manifest(&krate.manifest, &krate.checksum, &mode, PUBTIME)
            .expect("a line");
        assert_eq!(version.line.to_json(), expected.to_json());
        assert_eq!(version.name.as_str(), "demo");
        assert_eq!(version.file, "demo-1.2.3.crate");
        // A line prepared for a mirror is not an alternate registry's line.
        let alternate = Mode::Alternate {
            index_url: "sparse+https://reg.test/index/".to_owned(),
        };
        assert!(
            prepared
                .version(blob(1), "demo-1.2.3.crate", &alternate, PUBTIME)
                .is_none()
        );
        assert!(
            prepared
                .version(blob(2), "x.crate", &mode, PUBTIME)
                .is_none()
        );
    }

    #[test]
    fn saving_removes_day_old_files() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let old = dir.path().join(DIR).join("old");
        std::fs::create_dir_all(dir.path().join(DIR)).expect("the directory");
        std::fs::write(&old, b"").expect("writing");
        age(&old);
        save_demo(dir.path());
        assert!(!old.exists());
        assert!(dir.path().join(DIR).join(blob(9).to_string()).exists());
    }

    #[test]
    fn nothing_accepted_writes_no_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        save(dir.path(), blob(9), &entries(&Mode::Mirror, [])).expect("saving nothing");
        assert!(!dir.path().join(DIR).exists());
    }

    #[test]
    fn retiring_removes_published_and_day_old_files_only() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let git = git2::Repository::init_bare(dir.path()).expect("a repository");
        let sig = git2::Signature::now("t", "t@invalid").expect("a signature");
        let tree = git
            .find_tree(
                git.treebuilder(None)
                    .and_then(|b| b.write())
                    .expect("a tree"),
            )
            .expect("the tree");
        let first = git
            .commit(None, &sig, &sig, "1", &tree, &[])
            .expect("a commit");
        let parent = git.find_commit(first).expect("the commit");
        let second = git
            .commit(None, &sig, &sig, "2", &tree, &[&parent])
            .expect("a commit");
        let prepared_dir = dir.path().join(DIR);
        std::fs::create_dir_all(&prepared_dir).expect("the directory");
        let names = [first.to_string(), second.to_string(), blob(7).to_string()];
        for name in names
            .iter()
            .chain([&"old".to_owned(), &".old.tmp".to_owned()])
        {
            std::fs::write(prepared_dir.join(name), b"").expect("writing");
        }
        for old in ["old", ".old.tmp"] {
            age(&prepared_dir.join(old));
        }

        let repo = CrateRepo::open(dir.path()).expect("opening");
        Prepared::load(dir.path()).retire(&repo, first);
        let mut left: Vec<String> = std::fs::read_dir(&prepared_dir)
            .expect("listing")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .into_string()
                    .expect("UTF-8")
            })
            .collect();
        left.sort();
        let mut expected = vec![second.to_string(), blob(7).to_string()];
        expected.sort();
        assert_eq!(left, expected);
    }
}
