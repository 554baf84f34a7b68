//! The command line: one file per subcommand.
//!
//! Exit codes, for every command: 0 done (or accepted), 1 refused by a
//! rule (nothing was changed), 2 could not run (bad arguments, I/O, a
//! broken repository).

mod index;
mod init;
mod sync;

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
    /// Create an index repository (bare git, `config.json` on its default branch).
    Init(init::Args),
    /// Read and write the index directly.
    #[command(subcommand)]
    Index(index::Command),
    /// Re-derive the index from the crate repository and apply the difference.
    Sync(sync::Args),
}

/// What a command concluded, when it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Refused,
}

/// Exit code when crategate could not run or judge.
pub const EXIT_ERROR: u8 = 2;

impl Cli {
    /// Runs the command and maps its result to the documented exit codes.
    #[must_use]
    pub fn run(self) -> ExitCode {
        let result = match self.command {
            Command::Init(args) => init::run(&args),
            Command::Index(command) => index::run(command),
            Command::Sync(args) => sync::run(&args),
        };
        match result {
            Ok(Outcome::Done) => ExitCode::SUCCESS,
            Ok(Outcome::Refused) => ExitCode::from(1),
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::from(EXIT_ERROR)
            }
        }
    }
}
