//! Child processes of the commands: a run whose failure carries what it
//! printed.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use anyhow::{Context, bail};

/// Runs a command with optional stdin; a failure is an error with its output.
pub fn checked(command: &mut Command, input: Option<&str>) -> anyhow::Result<Output> {
    command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .with_context(|| format!("running {command:?}"))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .with_context(|| format!("writing to {command:?}"))?;
    }
    let out = child
        .wait_with_output()
        .with_context(|| format!("running {command:?}"))?;
    if !out.status.success() {
        bail!(
            "{command:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}
