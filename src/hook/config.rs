//! Where the hooks find their configuration: `crategate.toml` in the crate
//! repository's git directory, written by `crategate install`. It lives
//! outside the repository's history, so no push can change it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::remote::{IndexLocation, RemoteOptions};

/// The file name, inside the crate repository's git directory.
pub const FILE_NAME: &str = "crategate.toml";
/// The variable naming the configuration file instead.
pub const CONFIG_ENV: &str = "CRATEGATE_HOOK_CONFIG";

/// The hook configuration of one crate repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HookConfig {
    pub schema_version: u32,
    /// The index repository: a path, or a git URL (see [`crate::remote`]).
    pub index: IndexLocation,
    /// The policy file that judges pushes.
    pub policy: PathBuf,
    /// The tracked branch (`refs/heads/…`); default: the branch HEAD
    /// points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The environment variable that names the pusher (`GL_USERNAME`,
    /// `GITEA_PUSHER_NAME`, `REMOTE_USER`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_env: Option<String>,
    /// Run `git update-server-info` in the index after each update, for
    /// indexes served over dumb HTTP.
    #[serde(default)]
    pub update_server_info: bool,
    /// A directory kept equal to what static pages would serve: the crate
    /// files and the sparse index (see `crate::publish::export`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export: Option<PathBuf>,
    /// The cache of a remote index; default: `crategate-index-cache` in
    /// the crate repository's git directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_cache: Option<PathBuf>,
    /// The environment variable holding a token for a remote index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_token_env: Option<String>,
    /// Seconds a remote index's cache may be old when its host cannot be
    /// reached, for judging pushes; 0 (the default) refuses them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub index_max_age: u64,
}

/// The default cache of a remote index, in the crate repository's git
/// directory.
pub const DEFAULT_INDEX_CACHE: &str = "crategate-index-cache";

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn is_zero(value: &u64) -> bool {
    *value == 0
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source} (was the repository set up with `crategate install`?)")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl HookConfig {
    pub const SCHEMA_VERSION: u32 = 1;

    /// Reads the configuration of the repository at `git_dir`, or the
    /// file `CRATEGATE_HOOK_CONFIG` names (for sandboxes such as GitHub
    /// Enterprise's, where the hook cannot write the git directory; it is
    /// set by the hook's environment, which pushers cannot change).
    pub fn load(git_dir: &Path) -> Result<Self, ConfigError> {
        let path = std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map_or_else(|| git_dir.join(FILE_NAME), PathBuf::from);
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.clone(),
            message,
        };
        let config: Self = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if config.schema_version != Self::SCHEMA_VERSION {
            return Err(invalid(format!(
                "schema-version {} is not known to this crategate (it knows {})",
                config.schema_version,
                Self::SCHEMA_VERSION
            )));
        }
        if let Some(branch) = &config.branch
            && !branch.starts_with("refs/heads/")
        {
            return Err(invalid(format!(
                "branch `{branch}` must be a full ref name, `refs/heads/{branch}`"
            )));
        }
        Ok(config)
    }

    /// The text `crategate install` writes.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("hook configuration serializes");
        format!(
            "# Written by `crategate install`; read by the crategate hooks of this repository.\n{body}"
        )
    }

    /// How the hooks reach a remote index, for the repository at `git_dir`.
    #[must_use]
    pub fn remote_options(&self, git_dir: &Path) -> RemoteOptions {
        RemoteOptions {
            cache: Some(
                self.index_cache
                    .clone()
                    .unwrap_or_else(|| git_dir.join(DEFAULT_INDEX_CACHE)),
            ),
            token_env: self.index_token_env.clone(),
            max_age: std::time::Duration::from_secs(self.index_max_age),
        }
    }

    /// How a client (a clone's `check` or `publish`) reaches this server's
    /// index: the configured token, in the client's own cache.
    #[must_use]
    pub fn client_options(&self) -> RemoteOptions {
        RemoteOptions {
            token_env: self.index_token_env.clone(),
            ..RemoteOptions::default()
        }
    }

    /// The pusher's identity from the configured environment variable.
    #[must_use]
    pub fn identity(&self) -> Option<String> {
        let var = self.identity_env.as_deref()?;
        std::env::var(var).ok().filter(|v| !v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = HookConfig {
            schema_version: 1,
            index: IndexLocation::Path("/srv/index.git".into()),
            policy: "/etc/policy.toml".into(),
            branch: Some("refs/heads/main".into()),
            identity_env: Some("REMOTE_USER".into()),
            update_server_info: true,
            export: Some("/srv/www/registry".into()),
            index_cache: None,
            index_token_env: None,
            index_max_age: 0,
        };
        std::fs::write(dir.path().join(FILE_NAME), config.to_toml()).expect("write");
        assert_eq!(HookConfig::load(dir.path()).expect("load"), config);

        std::fs::write(dir.path().join(FILE_NAME), config.to_toml() + "polcy = 1\n")
            .expect("write");
        let err = HookConfig::load(dir.path())
            .expect_err("unknown key")
            .to_string();
        assert!(err.contains("polcy"), "{err}");

        let remote = HookConfig {
            index: "https://bot@git.example.com/index.git"
                .parse()
                .expect("a URL"),
            index_cache: Some("/var/cache/crategate".into()),
            index_token_env: Some("INDEX_TOKEN".into()),
            index_max_age: 300,
            ..config.clone()
        };
        std::fs::write(dir.path().join(FILE_NAME), remote.to_toml()).expect("write");
        assert_eq!(HookConfig::load(dir.path()).expect("load"), remote);

        let bad = config.to_toml().replace("refs/heads/main", "main");
        std::fs::write(dir.path().join(FILE_NAME), bad).expect("write");
        let err = HookConfig::load(dir.path())
            .expect_err("short branch")
            .to_string();
        assert!(err.contains("refs/heads/main"), "{err}");
    }
}
