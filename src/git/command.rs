//! Running the `git` command against a repository other than the one a
//! hook runs in. A hook's environment carries `GIT_DIR`,
//! `GIT_OBJECT_DIRECTORY`, `GIT_QUARANTINE_PATH` and more; a child `git`
//! would inherit them and write into the crate repository's quarantine,
//! so every `GIT_*` variable is removed first.

use std::path::Path;
use std::process::{Command, Stdio};

use super::GitError;

/// A `git` command with no `GIT_*` variable inherited, for the
/// repository its arguments or working directory name.
#[must_use]
pub fn git_scrubbed() -> Command {
    let mut command = Command::new("git");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            command.env_remove(key);
        }
    }
    command
}

/// A `git` command for `git_dir`, with no `GIT_*` variable inherited.
#[must_use]
pub fn git_command(git_dir: &Path) -> Command {
    let mut command = git_scrubbed();
    command.arg("--git-dir").arg(git_dir).stdin(Stdio::null());
    command
}

/// `git update-server-info`, so that dumb-HTTP clients see the update.
pub fn update_server_info(git_dir: &Path) -> Result<(), GitError> {
    let output = git_command(git_dir)
        .arg("update-server-info")
        .output()
        .map_err(|source| GitError::Io {
            path: git_dir.to_owned(),
            source,
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(GitError::Io {
            path: git_dir.to_owned(),
            source: std::io::Error::other(format!(
                "git update-server-info failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )),
        })
    }
}
