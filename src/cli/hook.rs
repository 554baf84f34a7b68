//! `crategate hook pre-receive|post-receive`: what the installed hook
//! scripts run. git gives the ref updates on stdin and runs the hook in
//! the crate repository (`GIT_DIR`, else the working directory).

use std::fmt::Write as _;
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::diag::plain;
use crate::hook::options::PushOptions;
use crate::hook::post_receive;
use crate::hook::pre_receive::{self, HookEnv};

/// The most hook input read: far more than any push's ref list.
const MAX_STDIN: u64 = 16 * 1024 * 1024;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Judge a push before git accepts it (run by git before a push lands).
    PreReceive,
    /// Publish what a push put on the tracked branch (run by git after a push).
    PostReceive,
}

pub fn run(command: &Command) -> anyhow::Result<Outcome> {
    let git_dir = git_dir()?;
    let mut stdin = String::new();
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_string(&mut stdin)
        .context("reading the ref updates git sends on stdin")?;
    match command {
        Command::PreReceive => Ok(pre_receive(&git_dir, &stdin)),
        Command::PostReceive => Ok(post_receive(&git_dir, &stdin)),
    }
}

/// The repository git runs the hook in.
fn git_dir() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the working directory")?;
    let dir = std::env::var_os("GIT_DIR").map_or_else(|| cwd.clone(), |d| cwd.join(d));
    dir.canonicalize()
        .with_context(|| format!("resolving the repository directory {}", dir.display()))
}

/// Findings shown in one push's answer; the rest are counted.
const MAX_FINDINGS: usize = 50;

fn pre_receive(git_dir: &std::path::Path, stdin: &str) -> Outcome {
    let var = |key: &str| std::env::var(key).ok();
    let env = HookEnv {
        quarantine: var("GIT_QUARANTINE_PATH")
            .or_else(|| var("GIT_OBJECT_DIRECTORY"))
            .map(PathBuf::from),
        options: PushOptions::from_env(var),
    };
    // GitLab shows hook output in its UI only behind this prefix.
    let prefix = if var("GL_ID").is_some() {
        "GL-HOOK-ERR: "
    } else {
        ""
    };
    let say = |text: &str| {
        let mut lines = String::new();
        for line in text.lines() {
            let _ = writeln!(lines, "{prefix}{line}");
        }
        print!("{lines}");
    };
    match pre_receive::run(git_dir, stdin, &env) {
        Ok(judgement) => {
            if let Some(warning) = &judgement.warning {
                say(warning);
            }
            say(&plain::render(&judgement.verdict, MAX_FINDINGS));
            let accepted = judgement.verdict.accepted;
            if env.options.verbose && accepted {
                for krate in &judgement.accepted {
                    say(&format!("crategate: accepts {krate}"));
                }
            }
            if env.options.dry_run {
                let would = if accepted {
                    "be accepted"
                } else {
                    "be refused"
                };
                say(&format!(
                    "crategate: dry run: this push would {would}; nothing was changed"
                ));
                return Outcome::Refused;
            }
            if accepted {
                Outcome::Done
            } else {
                Outcome::Refused
            }
        }
        Err(error) => {
            say(&format!(
                "error: crategate cannot judge this push, so it is refused: {error}"
            ));
            say(if error.is_in_the_push() {
                "hint: recreate the commit with git itself (`git fsck` in your clone names the tree), and push again"
            } else {
                "hint: this is a server problem, not a problem with your crates; tell the registry's administrators"
            });
            Outcome::Refused
        }
    }
}

fn post_receive(git_dir: &std::path::Path, stdin: &str) -> Outcome {
    match post_receive::run(git_dir, stdin) {
        Ok(Some(report)) => {
            // One write: git relays each write of a hook to the client.
            let mut out = String::new();
            for (name, version) in &report.added {
                let _ = writeln!(out, "crategate: published {name} {version}");
            }
            for (name, version) in &report.yanked {
                let _ = writeln!(out, "crategate: yanked {name} {version}");
            }
            for (name, version) in &report.unyanked {
                let _ = writeln!(out, "crategate: unyanked {name} {version}");
            }
            for skipped in &report.skipped {
                let _ = writeln!(
                    out,
                    "warning: crategate: {} was not published: {}",
                    skipped.path, skipped.reason
                );
            }
            print!("{out}");
            Outcome::Done
        }
        Ok(None) => Outcome::Done,
        Err(error) => {
            println!("error: crategate: publishing failed: {error}");
            println!(
                "hint: the push itself was accepted; an administrator can publish it with `crategate sync --repo {}`",
                git_dir.display()
            );
            Outcome::Refused
        }
    }
}
