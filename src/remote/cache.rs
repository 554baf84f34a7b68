//! The local cache of a remote index: a bare repository whose index
//! branch follows the remote's, written with the ordinary [`Index`] code
//! and pushed with a lease.
//!
//! Protocol of a write, under the cache's own lock file
//! (`crategate-remote.lock`, so writers on this machine queue up): fetch
//! the remote branch over the cache's (a forced update), note its tip,
//! let the caller write its commit on top, then
//! `git push --force-with-lease=<branch>:<tip> <url> <new>:<branch>`. The
//! remote's ref update is the compare-and-swap: a push that lost a race is
//! rejected, the cache is fetched again (dropping the local commit) and
//! the caller's write runs again on the new tip — publication recomputes
//! from what the index reflects, so running it again is correct. After
//! [`MAX_TRIES`] lost races it gives up with a message; `sync` repairs.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::RemoteError;
use super::location::IndexUrl;
use super::transport::Transport;
use crate::git::Oid;
use crate::index::Index;

/// Pushes tried before giving up.
pub const MAX_TRIES: u32 = 5;
/// The file whose modification time is the last successful fetch.
const FETCHED_MARK: &str = "crategate-fetched";
const LOCK_FILE: &str = "crategate-remote.lock";

/// A remote index and its cache on this machine.
pub struct RemoteIndex {
    url: IndexUrl,
    cache: PathBuf,
    token: Option<String>,
    timeout: Duration,
}

/// The exclusive right to fetch into and write the cache.
pub struct CacheLock {
    _file: File,
}

/// How a push ended when git refused it.
enum Pushed {
    Done,
    Rejected(String),
}

impl RemoteIndex {
    pub(super) fn new(
        url: IndexUrl,
        cache: PathBuf,
        token: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            url,
            cache,
            token,
            timeout,
        }
    }

    /// The cache repository.
    #[must_use]
    pub fn cache(&self) -> &Path {
        &self.cache
    }

    /// The URL, redacted.
    #[must_use]
    pub fn shown(&self) -> String {
        self.url.redacted()
    }

    fn transport(&self) -> Transport<'_> {
        Transport {
            url: &self.url,
            token: self.token.clone(),
            timeout: self.timeout,
        }
    }

    /// Takes the cache's lock (creating the directory), waiting for other
    /// users of the same cache.
    pub fn lock(&self) -> Result<CacheLock, RemoteError> {
        let io = |source| RemoteError::Io {
            path: self.cache.clone(),
            source,
        };
        std::fs::create_dir_all(&self.cache).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.cache.join(LOCK_FILE))
            .map_err(io)?;
        file.lock().map_err(io)?;
        Ok(CacheLock { _file: file })
    }

    /// Brings the cache's branch to the remote's tip (creating the cache
    /// on first use) and records the time.
    pub fn fetch(&self, _lock: &CacheLock) -> Result<(), RemoteError> {
        let branch = match self.branch() {
            Some(branch) => branch,
            None => self.create()?,
        };
        let refspec = format!("+{branch}:{branch}");
        let output = self.transport().run(
            &self.cache,
            &[
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                self.url.as_given(),
                &refspec,
            ],
            "fetching",
        )?;
        if !output.success {
            return Err(self.failed("fetching", &output.stderr));
        }
        File::create(self.cache.join(FETCHED_MARK))
            .map(drop)
            .map_err(|source| RemoteError::Io {
                path: self.cache.join(FETCHED_MARK),
                source,
            })
    }

    /// How long ago the cache was last fetched, if ever.
    #[must_use]
    pub fn age(&self) -> Option<Duration> {
        let modified = std::fs::metadata(self.cache.join(FETCHED_MARK))
            .and_then(|m| m.modified())
            .ok()?;
        Some(
            SystemTime::now()
                .duration_since(modified)
                .unwrap_or_default(),
        )
    }

    /// Opens the cache as an index (as last fetched or written).
    pub fn open(&self) -> Result<Index, RemoteError> {
        Ok(Index::open(&self.cache)?)
    }

    /// Runs `write` against the cache and pushes what it committed, with
    /// a lease on the tip it started from; on a lost race fetches and
    /// runs it again, at most [`MAX_TRIES`] times. Returns the last run's
    /// value and how many races were lost.
    pub fn write<T, E>(&self, mut write: impl FnMut(&Index) -> Result<T, E>) -> Result<(T, u32), E>
    where
        E: From<RemoteError>,
    {
        let lock = self.lock()?;
        self.fetch(&lock)?;
        for attempt in 0..MAX_TRIES {
            let index = self.open()?;
            let before = tip(&index)?;
            let value = write(&index)?;
            let after = tip(&index)?;
            drop(index);
            if after == before {
                return Ok((value, attempt));
            }
            match self.push(before, after)? {
                Pushed::Done => return Ok((value, attempt)),
                Pushed::Rejected(reason) => {
                    self.fetch(&lock)?;
                    if tip(&self.open()?)? == before {
                        return Err(RemoteError::PushRefused {
                            url: self.shown(),
                            reason,
                        }
                        .into());
                    }
                    std::thread::sleep(backoff(attempt));
                }
            }
        }
        Err(RemoteError::GaveUp {
            url: self.shown(),
            tries: MAX_TRIES,
        }
        .into())
    }

    fn push(&self, before: Oid, after: Oid) -> Result<Pushed, RemoteError> {
        let branch = self
            .branch()
            .ok_or_else(|| RemoteError::NoBranch { url: self.shown() })?;
        let lease = format!("--force-with-lease={branch}:{before}");
        let refspec = format!("{after}:{branch}");
        let output = self.transport().run(
            &self.cache,
            &[
                "push",
                "--porcelain",
                "--quiet",
                &lease,
                self.url.as_given(),
                &refspec,
            ],
            "pushing",
        )?;
        if output.success {
            return Ok(Pushed::Done);
        }
        // Porcelain: `!\t<src>:<dst>\t[rejected] (stale info)` and the like.
        match output.stdout.lines().find(|l| l.starts_with('!')) {
            Some(line) => Ok(Pushed::Rejected(
                line.rsplit('\t').next().unwrap_or(line).to_owned(),
            )),
            None => Err(self.failed("pushing", &output.stderr)),
        }
    }

    /// The branch the cache follows (its HEAD), once it exists.
    fn branch(&self) -> Option<String> {
        let head = std::fs::read_to_string(self.cache.join("HEAD")).ok()?;
        head.trim()
            .strip_prefix("ref: ")
            .filter(|r| r.starts_with("refs/heads/"))
            .map(str::to_owned)
    }

    /// Makes the cache a bare repository whose HEAD is the remote's
    /// default branch; returns that branch.
    fn create(&self) -> Result<String, RemoteError> {
        let transport = self.transport();
        let listed = transport.run(
            &self.cache,
            &["ls-remote", "--symref", self.url.as_given(), "HEAD"],
            "reading the default branch of",
        )?;
        if !listed.success {
            return Err(self.failed("reading the default branch of", &listed.stderr));
        }
        let branch = listed
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("ref: ")?.strip_suffix("\tHEAD"))
            .filter(|b| b.starts_with("refs/heads/"))
            .ok_or_else(|| RemoteError::NoBranch { url: self.shown() })?
            .to_owned();
        for args in [
            &["init", "--quiet", "--bare"][..],
            &["symbolic-ref", "HEAD", &branch],
        ] {
            let output = transport.run(&self.cache, args, "creating the cache of")?;
            if !output.success {
                return Err(self.failed("creating the cache of", &output.stderr));
            }
        }
        Ok(branch)
    }

    fn failed(&self, action: &'static str, stderr: &str) -> RemoteError {
        RemoteError::Git {
            url: self.shown(),
            action,
            message: last_lines(stderr),
        }
    }
}

fn tip(index: &Index) -> Result<Oid, RemoteError> {
    Ok(index.view()?.commit())
}

/// 100 ms, 200 ms, 400 ms, … plus up to 100 ms drawn from the clock, so
/// racing writers spread out.
fn backoff(attempt: u32) -> Duration {
    let jitter = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) % 100);
    Duration::from_millis((100 << attempt.min(6)) + jitter)
}

/// What git said last, on one line: enough to see why, never a wall.
fn last_lines(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines.len().saturating_sub(3);
    let said = lines[start..].join(" / ");
    if said.is_empty() {
        "git failed without a message".to_owned()
    } else {
        said
    }
}
