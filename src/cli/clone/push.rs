//! Pushing a clone's commit, and taking it back when the server refuses.

use anyhow::Context;

use super::CrateClone;
use crate::cli::Outcome;
use crate::cli::output::{Output, relay};
use crate::hook::options::OPTION_DRY_RUN;

/// What the server answered to a push.
#[derive(Debug, Clone)]
pub struct PushAnswer {
    pub accepted: bool,
    /// The `remote:` lines, as git printed them.
    pub remote: Vec<String>,
    /// git's other complaints, when the push failed before any hook ran.
    pub git_error: Option<String>,
}

impl CrateClone {
    /// Pushes HEAD to the tracked branch (`-o crategate.dry-run` for a dry
    /// run) and collects the server's answer.
    pub fn push(&self, dry_run: bool) -> anyhow::Result<PushAnswer> {
        let target = format!("HEAD:refs/heads/{}", self.branch);
        let mut args = vec!["push", "-q"];
        if dry_run {
            args.extend(["-o", OPTION_DRY_RUN]);
        }
        args.extend([self.remote.as_str(), target.as_str()]);
        let out = self
            .command()
            .args(&args)
            .output()
            .context("running git push")?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let (remote, other): (Vec<&str>, Vec<&str>) =
            stderr.lines().partition(|l| l.starts_with("remote:"));
        let git_error = (!out.status.success() && remote.is_empty())
            .then(|| other.join("\n").trim().to_owned());
        Ok(PushAnswer {
            accepted: out.status.success(),
            remote: remote
                .into_iter()
                .map(|l| l.trim_end().to_owned())
                .collect(),
            git_error,
        })
    }

    /// Pushes the commit just made and relays the server's `remote:`
    /// lines; on a refusal takes the commit back (`restore` as for
    /// [`Self::undo`]). Records the answer in the JSON `summary`.
    pub fn push_and_relay(
        &self,
        out: &Output,
        summary: &mut serde_json::Value,
        restore: &[(String, Option<Vec<u8>>)],
        (accepted, refused): (&str, &str),
    ) -> anyhow::Result<Outcome> {
        let answer = self.push(false)?;
        relay(&answer.remote);
        summary["pushed"] = true.into();
        summary["accepted"] = answer.accepted.into();
        summary["remote"] = answer.remote.clone().into();
        if answer.accepted {
            out.result(accepted);
            return Ok(Outcome::Done);
        }
        self.undo(restore)?;
        if let Some(error) = &answer.git_error {
            eprintln!("{error}");
        }
        out.result(refused);
        Ok(Outcome::Refused)
    }

    /// Takes back the last commit (made by [`CrateClone::commit`] on
    /// `paths`) and puts each path back as it was: `old` content, or no
    /// file.
    pub fn undo(&self, restore: &[(String, Option<Vec<u8>>)]) -> anyhow::Result<()> {
        if self.git(&["rev-parse", "-q", "--verify", "HEAD~1"]).is_ok() {
            self.git(&["reset", "-q", "--soft", "HEAD~1"])?;
        } else {
            self.git(&["update-ref", "-d", "HEAD"])?;
        }
        for (path, old) in restore {
            let in_head = self
                .git(&["cat-file", "-e", &format!("HEAD:{path}")])
                .is_ok();
            if in_head {
                self.git(&["reset", "-q", "--", path])?;
            } else {
                self.git(&["rm", "-q", "--cached", "--ignore-unmatch", "--", path])?;
            }
            let file = self.work.join(path);
            match old {
                Some(bytes) => std::fs::write(&file, bytes),
                None => std::fs::remove_file(&file),
            }
            .with_context(|| format!("restoring {}", file.display()))?;
        }
        Ok(())
    }
}
