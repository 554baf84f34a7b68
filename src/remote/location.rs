//! Where an index lives: a directory on this machine, or a git URL.
//!
//! git's own rules decide which: `scheme://…` is a URL, and so is
//! `[user@]host:path` when no `/` comes before the first `:` (scp syntax);
//! anything else, and anything starting with `/` or `.`, is a path. A URL
//! may carry credentials in its user part; every message shows it
//! redacted ([`IndexUrl::redacted`]), and the cache directory is named
//! after the URL without them, so changing a password keeps the cache.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::checksum::Checksum;

/// An index given on the command line or in the hook configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexLocation {
    /// A repository on this machine, written in place.
    Path(PathBuf),
    /// A repository on another host, reached with the `git` command.
    Url(IndexUrl),
}

/// A git URL of an index repository, as given (credentials included).
#[derive(Clone, PartialEq, Eq)]
pub struct IndexUrl(String);

/// The location text is empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an index location cannot be empty")]
pub struct EmptyLocation;

impl FromStr for IndexLocation {
    type Err = EmptyLocation;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(EmptyLocation);
        }
        Ok(if is_url(text) {
            Self::Url(IndexUrl(text.to_owned()))
        } else {
            Self::Path(PathBuf::from(text))
        })
    }
}

impl From<PathBuf> for IndexLocation {
    fn from(path: PathBuf) -> Self {
        Self::Path(path)
    }
}

impl IndexLocation {
    /// The directory, when the index is on this machine.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Path(path) => Some(path),
            Self::Url(_) => None,
        }
    }

    /// The text to store in a configuration: the path, or the URL as given.
    #[must_use]
    pub fn to_config_string(&self) -> String {
        match self {
            Self::Path(path) => path.to_string_lossy().into_owned(),
            Self::Url(url) => url.0.clone(),
        }
    }
}

/// Shows a path as it is and a URL redacted.
impl fmt::Display for IndexLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(path) => write!(f, "{}", path.display()),
            Self::Url(url) => f.write_str(&url.redacted()),
        }
    }
}

impl Serialize for IndexLocation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_config_string())
    }
}

impl<'de> Deserialize<'de> for IndexLocation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl IndexUrl {
    /// The URL exactly as given, for the `git` command line only.
    #[must_use]
    pub fn as_given(&self) -> &str {
        &self.0
    }

    /// The user part (`user` or `user:password`) of a `scheme://` URL.
    fn userinfo(&self) -> Option<(usize, usize)> {
        let start = self.0.find("://")? + 3;
        let authority_end = self.0[start..]
            .find('/')
            .map_or(self.0.len(), |i| start + i);
        let at = self.0[start..authority_end].rfind('@')?;
        Some((start, start + at))
    }

    /// The URL with any user part replaced by `***`: safe for messages.
    #[must_use]
    pub fn redacted(&self) -> String {
        match self.userinfo() {
            Some((start, end)) => format!("{}***{}", &self.0[..start], &self.0[end..]),
            None => self.0.clone(),
        }
    }

    /// The URL without its user part: what names the cache.
    #[must_use]
    pub fn without_userinfo(&self) -> String {
        match self.userinfo() {
            Some((start, end)) => format!("{}{}", &self.0[..start], &self.0[end + 1..]),
            None => self.0.clone(),
        }
    }

    /// Whether the URL names a user (git then asks credential helpers
    /// for that user's password).
    #[must_use]
    pub fn has_user(&self) -> bool {
        self.userinfo().is_some() || (!self.0.contains("://") && self.0.contains('@'))
    }

    /// Whether git reaches it over HTTP (credential helpers apply).
    #[must_use]
    pub fn is_http(&self) -> bool {
        self.0.starts_with("http://") || self.0.starts_with("https://")
    }

    /// The password of the user part, if the URL carries one: removed
    /// from anything git prints before it is shown.
    #[must_use]
    pub fn password(&self) -> Option<&str> {
        let (start, end) = self.userinfo()?;
        let (_, password) = self.0[start..end].split_once(':')?;
        (!password.is_empty()).then_some(password)
    }

    /// A short stable name for the URL's cache directory.
    #[must_use]
    pub fn cache_key(&self) -> String {
        Checksum::of(self.without_userinfo().as_bytes()).to_string()[..16].to_owned()
    }
}

/// Never shows credentials, even in `{:?}`.
impl fmt::Debug for IndexUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndexUrl({:?})", self.redacted())
    }
}

/// git's rule: `scheme://` or scp syntax, never a path starting `/` or `.`.
fn is_url(text: &str) -> bool {
    if text.starts_with('/') || text.starts_with('.') {
        return false;
    }
    if let Some((scheme, _)) = text.split_once("://") {
        return !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    }
    match text.split_once(':') {
        Some((host, _)) => !host.is_empty() && !host.contains('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> IndexUrl {
        match text.parse::<IndexLocation>().expect("not empty") {
            IndexLocation::Url(url) => url,
            IndexLocation::Path(path) => panic!("{} parsed as a path", path.display()),
        }
    }

    #[test]
    fn urls_and_paths_follow_git() {
        for text in [
            "https://git.example.com/registry/index.git",
            "http://127.0.0.1:8080/git/index.git",
            "ssh://git@git.example.com:2222/registry/index.git",
            "git@git.example.com:registry/index.git",
            "file:///srv/git/index.git",
        ] {
            assert_eq!(url(text).as_given(), text);
        }
        for text in [
            "/srv/git/index.git",
            "./index.git",
            "index.git",
            "a/b:c",
            "/x:y",
        ] {
            assert_eq!(
                text.parse::<IndexLocation>(),
                Ok(IndexLocation::Path(text.into()))
            );
        }
        assert_eq!("".parse::<IndexLocation>(), Err(EmptyLocation));
    }

    #[test]
    fn credentials_never_show() {
        let secret = url("https://deploy:s3cret@git.example.com/index.git");
        assert_eq!(secret.redacted(), "https://***@git.example.com/index.git");
        assert_eq!(secret.password(), Some("s3cret"));
        assert!(secret.has_user());
        assert!(!format!("{secret:?}").contains("s3cret"));
        let location = IndexLocation::Url(secret.clone());
        assert!(!location.to_string().contains("s3cret"));
        assert_eq!(
            secret.cache_key(),
            url("https://git.example.com/index.git").cache_key()
        );
        assert_ne!(
            secret.cache_key(),
            url("https://git.example.com/other.git").cache_key()
        );
        let plain = url("https://git.example.com/a@b/index.git");
        assert_eq!(plain.redacted(), plain.as_given());
        assert!(!plain.has_user());
        assert!(url("git@host:index.git").has_user());
    }

    #[test]
    fn configuration_round_trip() {
        #[derive(Serialize, Deserialize)]
        struct Holder {
            index: IndexLocation,
        }
        for text in ["/srv/index.git", "https://u:p@h/index.git"] {
            let holder: Holder =
                toml::from_str(&format!("index = {text:?}\n")).expect("deserializes");
            assert_eq!(holder.index.to_config_string(), text);
            let back = toml::to_string(&holder).expect("serializes");
            assert!(back.contains(text), "{back}");
        }
    }
}
