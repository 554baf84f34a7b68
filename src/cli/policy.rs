//! `crategate policy check <FILE>` (validate, and warn about entries that
//! never match) and `crategate policy explain [<ID>]` (the rule table).
//!
//! Exit codes: 0 valid (or explained), 1 invalid policy, 2 could not read
//! it or unknown rule id.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::policy::{Policy, ids};

/// Validate a policy or explain its rules.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file: every problem with line and column, then
    /// warnings about entries that can never match.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print what a rule checks and its default level (all rules without
    /// an id).
    Explain {
        #[arg(value_name = "ID")]
        id: Option<String>,
    },
}

pub fn run(args: &PolicyArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        PolicyCommand::Check { file } => check(file),
        PolicyCommand::Explain { id } => {
            print!("{}", explain(id.as_deref())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(file: &PathBuf) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    match Policy::from_str(&text, &file.display().to_string()) {
        Ok(policy) => {
            for warning in policy.lint(&text) {
                eprintln!("warning: {warning}");
            }
            println!("{}: valid", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("error: {error}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// The explanation of one rule, or the table of all rules.
pub fn explain(id: Option<&str>) -> anyhow::Result<String> {
    if let Some(id) = id {
        return ids::find(id).map(ids::explain).ok_or_else(|| {
            anyhow::anyhow!("unknown rule id `{id}`; `crategate policy explain` lists them all")
        });
    }
    let mut table = String::new();
    for r in ids::RULES {
        let level = if r.fixed {
            "deny (fixed)"
        } else {
            r.default.as_str()
        };
        let _ = writeln!(table, "{:<32} {:<9} {level}", r.id, r.family);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_rules() {
        insta::assert_snapshot!(explain(None).expect("table"));
        insta::assert_snapshot!(explain(Some("license-not-allowed")).expect("known"));
        assert!(explain(Some("nope")).is_err());
    }
}
