//! `crategate check`: judges `.crate` files exactly as the hook does (same
//! reader, same policy, same [`decide`]), and prints the verdict.
//!
//! Exit codes: 0 accepted, 1 refused, 2 could not judge (unreadable
//! policy or file).

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::crate_file::read_crate;
use crate::diag::{Verdict, human, json, plain};
use crate::policy::{Change, Policy, RegistryState, Upload, decide};

/// How many findings plain output shows before counting the rest.
pub const PLAIN_CAP: usize = 50;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like cargo's diagnostics (colour on a terminal).
    Human,
    /// One line per finding, no colour, capped (what the hook prints).
    Plain,
    /// One JSON document (schema in `crate::diag::json`).
    Json,
}

/// Judge `.crate` files against a policy, as the server would.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The policy file (default: crates.io's rules, `policies/default.toml`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The pusher identity, for `[owners]` rules.
    #[arg(long = "as", value_name = "IDENTITY")]
    pub identity: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// The `.crate` files to judge.
    #[arg(required = true, value_name = "FILE.crate")]
    pub files: Vec<PathBuf>,
}

/// Loads the policy named on the command line, or the default one.
pub fn load_policy(path: Option<&PathBuf>) -> anyhow::Result<Policy> {
    Ok(match path {
        Some(path) => Policy::load(path)?,
        None => Policy::from_str(crate::policy::DEFAULT_POLICY, "policies/default.toml")?,
    })
}

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(args.policy.as_ref())?;
    let mut uploads = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        uploads.push(Upload {
            path: name.clone().unwrap_or_else(|| file.display().to_string()),
            size: bytes.len() as u64,
            change: Change::Added,
            read: read_crate(&bytes, name.as_deref(), policy.limits()),
        });
    }
    let state = RegistryState {
        pusher: args.identity.clone(),
        ..RegistryState::default()
    };
    let verdict = decide(&policy, &state, &uploads);
    print!("{}", render(&verdict, args.format, color_wanted()));
    Ok(exit_code(&verdict))
}

/// The verdict in the chosen format.
#[must_use]
pub fn render(verdict: &Verdict, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(verdict, color),
        Format::Plain => plain::render(verdict, PLAIN_CAP),
        Format::Json => json::render(verdict),
    }
}

/// 0 accepted, 1 refused.
#[must_use]
pub fn exit_code(verdict: &Verdict) -> ExitCode {
    if verdict.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn color_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::rules::testing::{added, krate};

    #[test]
    fn default_policy_and_formats() {
        let policy = load_policy(None).expect("the built-in policy loads");
        let v = decide(
            &policy,
            &RegistryState::default(),
            &[added(krate("std", "1.0.0", "description = \"d\"\n"))],
        );
        assert_eq!(exit_code(&v), ExitCode::from(1));
        assert!(render(&v, Format::Human, false).starts_with("error[name-reserved]"));
        assert!(
            render(&v, Format::Plain, false)
                .starts_with("error: std-1.0.0.crate (std@1.0.0) [name-reserved]")
        );
        assert!(render(&v, Format::Json, false).contains("\"rule\": \"name-reserved\""));
        assert!(load_policy(Some(&PathBuf::from("/nonexistent.toml"))).is_err());
    }
}
