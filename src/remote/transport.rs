//! The `git` command aimed at a remote index, from the cache repository.
//!
//! A hook's `GIT_*` environment is removed (it points at the crate
//! repository's quarantine) except the variables that say how to reach
//! other hosts: `GIT_SSH_COMMAND`, `GIT_SSH`, `GIT_SSH_VARIANT`,
//! `GIT_ASKPASS`, `GIT_SSL_CAINFO`, `GIT_SSL_CAPATH`, `GIT_CONFIG_GLOBAL`
//! and `GIT_CONFIG_NOSYSTEM`. git never prompts (`GIT_TERMINAL_PROMPT=0`)
//! and is killed past a timeout. A token is handed to git by a credential
//! helper that reads it from this process's environment, so it appears in
//! no file, no command line and no message: everything git prints is
//! shown with the URL redacted and any secret replaced by `***`.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::RemoteError;
use super::location::IndexUrl;
use crate::git::git_command;

/// The variables a child `git` keeps from a hook's environment.
const PASSED_THROUGH: [&str; 8] = [
    "GIT_SSH_COMMAND",
    "GIT_SSH",
    "GIT_SSH_VARIANT",
    "GIT_ASKPASS",
    "GIT_SSL_CAINFO",
    "GIT_SSL_CAPATH",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_NOSYSTEM",
];

/// The variable the credential helper reads the token from.
const SECRET_VAR: &str = "CRATEGATE_INDEX_SECRET";

/// A credential helper answering `get` with the token from the environment.
const HELPER: &str =
    "!f() { test \"$1\" = get && printf 'password=%s\\n' \"$CRATEGATE_INDEX_SECRET\"; }; f";

/// The user name sent with a token when the URL names none.
const TOKEN_USER: &str = "crategate";

/// How git reaches one remote index.
pub(super) struct Transport<'u> {
    pub url: &'u IndexUrl,
    pub token: Option<String>,
    pub timeout: Duration,
}

/// What a finished `git` printed, secrets removed.
pub(super) struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Transport<'_> {
    /// Runs `git --git-dir <cache> <args…>` (the URL is among `args`
    /// where needed), bounded by the timeout. `action` names it in errors.
    pub fn run(
        &self,
        cache: &Path,
        args: &[&str],
        action: &'static str,
    ) -> Result<Output, RemoteError> {
        let mut command = git_command(cache);
        for var in PASSED_THROUGH {
            if let Some(value) = std::env::var_os(var) {
                command.env(var, value);
            }
        }
        command.env("GIT_TERMINAL_PROMPT", "0");
        let mut config: Vec<(&str, &str)> = Vec::new();
        if let Some(token) = &self.token {
            command.env(SECRET_VAR, token);
            config.extend([("credential.helper", ""), ("credential.helper", HELPER)]);
            if !self.url.has_user() {
                config.push(("credential.username", TOKEN_USER));
            }
        }
        command.env("GIT_CONFIG_COUNT", config.len().to_string());
        for (i, (key, value)) in config.iter().enumerate() {
            command
                .env(format!("GIT_CONFIG_KEY_{i}"), key)
                .env(format!("GIT_CONFIG_VALUE_{i}"), value);
        }
        command
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = command.spawn().map_err(|source| RemoteError::Io {
            path: cache.to_owned(),
            source,
        })?;
        let (success, stdout, stderr) = self.wait(child, action)?;
        Ok(Output {
            success,
            stdout: self.scrub(&stdout),
            stderr: self.scrub(&stderr),
        })
    }

    /// Waits for `child` until the timeout, then kills it.
    fn wait(
        &self,
        mut child: Child,
        action: &'static str,
    ) -> Result<(bool, String, String), RemoteError> {
        let stdout = drain(child.stdout.take().expect("stdout is piped"));
        let stderr = drain(child.stderr.take().expect("stderr is piped"));
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(RemoteError::Timeout {
                        url: self.url.redacted(),
                        action,
                        seconds: self.timeout.as_secs(),
                    });
                }
                Err(source) => {
                    return Err(RemoteError::Io {
                        path: "git".into(),
                        source,
                    });
                }
            }
        };
        let joined = |handle: thread::JoinHandle<String>| handle.join().unwrap_or_default();
        Ok((status.success(), joined(stdout), joined(stderr)))
    }

    /// `text` with the URL redacted and every secret replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.replace(self.url.as_given(), &self.url.redacted());
        for secret in [self.url.password(), self.token.as_deref()]
            .into_iter()
            .flatten()
        {
            out = out.replace(secret, "***");
        }
        out
    }
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::IndexLocation;

    #[test]
    fn scrubbing_removes_every_secret() {
        let IndexLocation::Url(url) = "https://bot:hunter2@git.example.com/index.git"
            .parse()
            .expect("a URL")
        else {
            panic!("parsed as a path");
        };
        let transport = Transport {
            url: &url,
            token: Some("tok-123".into()),
            timeout: Duration::from_secs(1),
        };
        let said = transport.scrub(
            "fatal: unable to access 'https://bot:hunter2@git.example.com/index.git/': tok-123 hunter2",
        );
        assert_eq!(
            said,
            "fatal: unable to access 'https://***@git.example.com/index.git/': *** ***"
        );
    }

    #[test]
    fn a_hanging_git_is_killed() {
        let IndexLocation::Url(url) = "ssh://example.invalid/index.git".parse().expect("a URL")
        else {
            panic!("parsed as a path");
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let transport = Transport {
            url: &url,
            token: None,
            timeout: Duration::from_millis(300),
        };
        // An alias that runs a shell command: a git that does not finish.
        let started = Instant::now();
        let err = transport
            .run(
                dir.path(),
                &["-c", "alias.wait=!sleep 5", "wait"],
                "waiting",
            )
            .err()
            .expect("killed");
        assert!(matches!(err, RemoteError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
