//! `crategate policy check <FILE>` (validate, and warn about entries that
//! never match) and `crategate policy explain [--policy <FILE>] [<ID>]`
//! (the rule table, built-in rules and the policy's `[[rule]]` entries).
//!
//! Exit codes: 0 valid (or explained), 1 invalid policy, 2 could not read
//! it or unknown rule id.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::policy::rules::custom;
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
    /// an id), custom rules of the policy included.
    Explain {
        /// The policy whose custom rules to explain too (default: the
        /// built-in policy).
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        #[arg(value_name = "ID")]
        id: Option<String>,
    },
}

pub fn run(args: &PolicyArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        PolicyCommand::Check { file } => check(file),
        PolicyCommand::Explain { policy, id } => {
            let policy = super::check::load_policy(policy.as_ref())?;
            print!("{}", explain(id.as_deref(), &policy)?);
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

/// The explanation of one rule, or the table of all rules: the built-in
/// ones, then the custom rules of `policy`.
pub fn explain(id: Option<&str>, policy: &Policy) -> anyhow::Result<String> {
    if let Some(id) = id {
        return ids::find(id)
            .map(ids::explain)
            .or_else(|| policy.custom_rule(id).map(custom::explain))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown rule id `{id}`; `crategate policy explain --policy {}` lists them all",
                    policy.source()
                )
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
    for r in policy.custom_rules() {
        let _ = writeln!(table, "{:<32} {:<9} {}", r.id(), "custom", r.level.as_str());
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_rules() {
        let default = super::super::check::load_policy(None).expect("built in");
        insta::assert_snapshot!(explain(None, &default).expect("table"));
        insta::assert_snapshot!(explain(Some("license-not-allowed"), &default).expect("known"));
        assert!(explain(Some("nope"), &default).is_err());
    }

    #[test]
    fn explains_custom_rules() {
        let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/strict.toml"));
        let strict = super::super::check::load_policy(Some(&path)).expect("strict loads");
        let id = strict
            .custom_rules()
            .first()
            .expect("strict has custom rules")
            .id();
        let table = explain(None, &strict).expect("table");
        assert!(table.contains(&format!("{id:<32} custom")), "{table}");
        let one = explain(Some(id), &strict).expect("custom id");
        assert!(one.starts_with(id) && one.contains("requires:"), "{one}");
    }
}
