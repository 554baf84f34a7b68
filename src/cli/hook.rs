//! `crategate hook pre-receive|post-receive`: what the installed hook
//! scripts run. git gives the ref updates on stdin and runs the hook in
//! the crate repository (`GIT_DIR`, else the working directory).

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use super::Outcome;
use crate::hook::post_receive;

/// The most hook input read: far more than any push's ref list.
const MAX_STDIN: u64 = 16 * 1024 * 1024;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
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

fn post_receive(git_dir: &std::path::Path, stdin: &str) -> Outcome {
    match post_receive::run(git_dir, stdin) {
        Ok(Some(report)) => {
            for (name, version) in &report.added {
                println!("crategate: published {name} {version}");
            }
            for (name, version) in &report.yanked {
                println!("crategate: yanked {name} {version}");
            }
            for skipped in &report.skipped {
                println!(
                    "warning: crategate: {} was not published: {}",
                    skipped.path, skipped.reason
                );
            }
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
