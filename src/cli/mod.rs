//! The command line: one file per subcommand.
//!
//! Exit codes, for every command: 0 done (or accepted), 1 refused by a
//! rule (nothing was changed), 2 could not run (bad arguments, I/O, a
//! broken repository).

mod cargo_config;
mod check;
mod clone;
mod demo;
mod hook;
mod index;
mod init;
mod install;
mod log;
mod mirror;
mod output;
mod policy;
mod process;
mod publish;
mod sync;
mod workspace;
mod yank;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Guard a private cargo registry kept in two git repositories.
#[derive(Debug, Parser)]
#[command(name = "crategate", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a throwaway registry, push good and bad crates, and build against it.
    Demo(demo::Args),
    /// Create an index repository (bare git, `config.json` on its default branch).
    Init(init::Args),
    /// Read and write the index directly.
    #[command(subcommand)]
    Index(index::Command),
    /// Put the hooks into a crate repository on the git server.
    Install(install::Args),
    /// Judge `.crate` files as the server will, before pushing (a dry run).
    Check(check::CheckArgs),
    /// Validate a policy file, or explain a rule.
    Policy(policy::PolicyArgs),
    /// Print the publication log: who published or yanked which version, when, from which commit.
    Log(log::Args),
    /// Re-derive the index from the crate repository and apply the difference.
    Sync(sync::Args),
    /// Print (or merge into .cargo/config.toml) the cargo configuration for the registry.
    CargoConfig(cargo_config::Args),
    /// Copy the crates.io packages of a Cargo.lock into the crate repository (for a mirror).
    Mirror(mirror::Args),
    /// Package the crates of this workspace, judge them, and push them to the crate repository.
    Publish(publish::Args),
    /// Yank or unyank a version through the yank list, keeping its .crate downloadable.
    Yank(yank::Args),
    /// Run a git hook (the installed hook scripts call this).
    #[command(subcommand)]
    Hook(hook::Command),
}

/// What a command concluded, when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Refused,
}

/// Exit code when crategate could not run or judge.
pub const EXIT_ERROR: u8 = 2;

impl Outcome {
    fn code(self) -> ExitCode {
        match self {
            Self::Done => ExitCode::SUCCESS,
            Self::Refused => ExitCode::from(1),
        }
    }
}

impl Cli {
    /// Runs the command and maps its result to the documented exit codes.
    #[must_use]
    pub fn run(self) -> ExitCode {
        // As git itself does, trust the object store: every object was
        // hashed when it was written or received (`index-pack` hashes a
        // push before any hook runs). libgit2 would hash each object again
        // on every read, a fifth of the time of reading a push's crates.
        git2::opts::strict_hash_verification(false);
        let result = match self.command {
            Command::Demo(args) => demo::run(&args).map(Outcome::code),
            Command::Init(args) => init::run(&args).map(Outcome::code),
            Command::Index(command) => index::run(command).map(Outcome::code),
            Command::Install(args) => install::run(&args).map(Outcome::code),
            Command::Check(args) => check::run(&args),
            Command::Policy(args) => policy::run(&args),
            Command::Log(args) => log::run(&args).map(Outcome::code),
            Command::Sync(args) => sync::run(&args).map(Outcome::code),
            Command::CargoConfig(args) => cargo_config::run(&args).map(Outcome::code),
            Command::Mirror(args) => mirror::run(&args).map(Outcome::code),
            Command::Publish(args) => publish::run(&args).map(Outcome::code),
            Command::Yank(args) => yank::run(&args).map(Outcome::code),
            Command::Hook(command) => hook::run(&command).map(Outcome::code),
        };
        match result {
            Ok(code) => code,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::from(EXIT_ERROR)
            }
        }
    }
}
