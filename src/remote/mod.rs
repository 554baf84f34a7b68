//! An index repository on another host.
//!
//! Where the index is not on the hook's disk (GitLab, Gitea, GitHub
//! Enterprise, clustered servers), the one shared and atomic thing is git
//! itself. [`IndexLocation`] is what `--index` and the hook configuration
//! name: a path, written in place as before, or a git URL, kept as a local
//! bare cache ([`RemoteIndex`]) that is fetched before reading and pushed
//! with a lease after writing (see [`cache`] for the protocol). Transport
//! is the `git` command, so the binary needs no TLS or ssh library; see
//! [`transport`] for credentials and what is kept from a hook's
//! environment.

pub mod cache;
mod location;
mod transport;

use std::path::PathBuf;
use std::time::Duration;

pub use cache::{MAX_TRIES, RemoteIndex};
pub use location::{EmptyLocation, IndexLocation, IndexUrl};

use crate::index::{Index, IndexError};

/// The variable holding a token when the configuration names none.
pub const DEFAULT_TOKEN_ENV: &str = "CRATEGATE_INDEX_TOKEN";
/// The longest a fetch or push of the index may take.
pub const TIMEOUT: Duration = Duration::from_mins(1);

/// How a remote index is reached and cached.
#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// The cache repository; default: `$XDG_CACHE_HOME/crategate/<hash of
    /// the URL>` (or `~/.cache/…`).
    pub cache: Option<PathBuf>,
    /// The environment variable holding a token for HTTP(S); default:
    /// [`DEFAULT_TOKEN_ENV`] when it is set.
    pub token_env: Option<String>,
    /// How old the cache may be when the host cannot be reached, for
    /// judging a push; zero refuses (fail closed).
    pub max_age: Duration,
}

/// Why a remote index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot reach the index repository {url} ({action} failed): {message}")]
    Git {
        url: String,
        action: &'static str,
        message: String,
    },
    #[error("{action} the index repository {url} took longer than {seconds} s; stopped")]
    Timeout {
        url: String,
        action: &'static str,
        seconds: u64,
    },
    #[error(
        "the index repository {url} cannot be reached and its local copy is {age} s old \
         (index-max-age allows {max_age} s): {reason}"
    )]
    Stale {
        url: String,
        age: u64,
        max_age: u64,
        reason: Box<RemoteError>,
    },
    #[error("the index repository {url} has no default branch; create it with `crategate init`")]
    NoBranch { url: String },
    #[error(
        "the environment variable {var} (index-token-env) is not set, so there is no token for {url}"
    )]
    TokenMissing { var: String, url: String },
    #[error(
        "no cache directory for the remote index: set XDG_CACHE_HOME or HOME, or give a cache directory"
    )]
    NoCacheDir,
    #[error("the index repository {url} refused the push: {reason}")]
    PushRefused { url: String, reason: String },
    #[error(
        "the index repository {url} moved {tries} times while crategate was publishing; gave up \
         (nothing is lost: the next push or `crategate sync` publishes it)"
    )]
    GaveUp { url: String, tries: u32 },
}

impl IndexLocation {
    /// The remote index and its cache, when this is a URL.
    pub fn remote(&self, options: &RemoteOptions) -> Result<Option<RemoteIndex>, RemoteError> {
        let Self::Url(url) = self else {
            return Ok(None);
        };
        let cache = match &options.cache {
            Some(dir) => dir.clone(),
            None => default_cache_root()?.join(url.cache_key()),
        };
        let token = match &options.token_env {
            Some(var) => Some(std::env::var(var).map_err(|_| RemoteError::TokenMissing {
                var: var.clone(),
                url: url.redacted(),
            })?),
            None => std::env::var(DEFAULT_TOKEN_ENV).ok(),
        }
        .filter(|t| !t.is_empty());
        Ok(Some(RemoteIndex::new(url.clone(), cache, token, TIMEOUT)))
    }

    /// The index to read: a path opened as it is, a URL fetched first.
    pub fn open(&self, options: &RemoteOptions) -> Result<Index, RemoteError> {
        Ok(Index::open(&self.fetched_dir(options)?)?)
    }

    /// The repository on this machine holding the index: the path, or
    /// the cache after fetching it.
    pub fn fetched_dir(&self, options: &RemoteOptions) -> Result<PathBuf, RemoteError> {
        match self.remote(options)? {
            None => Ok(self.path().expect("not a URL").to_owned()),
            Some(remote) => {
                remote.fetch(&remote.lock()?)?;
                Ok(remote.cache().to_owned())
            }
        }
    }

    /// The index to judge a push against: like [`Self::open`], but when
    /// the host cannot be reached a cache younger than `max_age` serves,
    /// with a warning to show.
    pub fn open_for_judging(
        &self,
        options: &RemoteOptions,
    ) -> Result<(Index, Option<String>), RemoteError> {
        let Some(remote) = self.remote(options)? else {
            return Ok((self.open(options)?, None));
        };
        let lock = remote.lock()?;
        let Err(reason) = remote.fetch(&lock) else {
            return Ok((remote.open()?, None));
        };
        match remote.age() {
            Some(age) if age < options.max_age => {
                let warning = format!(
                    "warning: crategate judged this push against a copy of the index {} s old: {reason}",
                    age.as_secs()
                );
                Ok((remote.open()?, Some(warning)))
            }
            Some(age) if !options.max_age.is_zero() => Err(RemoteError::Stale {
                url: remote.shown(),
                age: age.as_secs(),
                max_age: options.max_age.as_secs(),
                reason: Box::new(reason),
            }),
            _ => Err(reason),
        }
    }

    /// Runs `write` against the index: in place for a path; for a URL in
    /// the cache, pushed with a lease and retried on lost races (see
    /// [`RemoteIndex::write`]). Returns its value and the races lost.
    pub fn write<T, E>(
        &self,
        options: &RemoteOptions,
        mut write: impl FnMut(&Index) -> Result<T, E>,
    ) -> Result<(T, u32), E>
    where
        E: From<RemoteError>,
    {
        match self.remote(options)? {
            None => {
                let index =
                    Index::open(self.path().expect("not a URL")).map_err(RemoteError::from)?;
                Ok((write(&index)?, 0))
            }
            Some(remote) => remote.write(write),
        }
    }

    /// The local repository holding the index: the path, or the cache
    /// (as last fetched or written; nothing is fetched).
    pub fn local(&self, options: &RemoteOptions) -> Result<Index, RemoteError> {
        match self.remote(options)? {
            None => Ok(Index::open(self.path().expect("not a URL"))?),
            Some(remote) => remote.open(),
        }
    }
}

/// `$XDG_CACHE_HOME/crategate`, else `$HOME/.cache/crategate`.
fn default_cache_root() -> Result<PathBuf, RemoteError> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".cache"))
        })
        .ok_or(RemoteError::NoCacheDir)?;
    Ok(base.join("crategate"))
}
