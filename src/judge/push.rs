//! What a push does besides changing `.crate` files: which refs it moves
//! and how, which other paths it touches, where its `.crate` files sit
//! (the crate layout of the index), and the `git push -o` options it
//! carries. Each is judged against the policy's `[push]` section.

use std::path::Path;

use crate::crate_file::CrateFile;
use crate::diag::Finding;
use crate::git::{CrateRepo, FileChange};
use crate::index::CrateLayout;
use crate::policy::{OtherRefs, Policy, Push};

use super::JudgeError;
use crate::hook::updates::RefUpdate;

/// The push rules of a policy, ready to apply to a crate repository of
/// `layout`.
pub struct PushRules<'p> {
    push: &'p Push,
    policy: &'p Policy,
    layout: CrateLayout,
}

impl<'p> PushRules<'p> {
    #[must_use]
    pub fn from_policy(policy: &'p Policy, layout: CrateLayout) -> Self {
        Self {
            push: policy.push(),
            policy,
            layout,
        }
    }

    /// Where the crate repository keeps each `.crate`.
    #[must_use]
    pub fn layout(&self) -> CrateLayout {
        self.layout
    }

    /// The reader limits of the policy.
    #[must_use]
    pub fn limits(&self) -> &crate::crate_file::Limits {
        self.policy.limits()
    }

    /// A finding for `rule` unless the policy's level says otherwise.
    pub(super) fn finding(
        &self,
        rule: &'static str,
        file: &str,
        message: String,
        help: &str,
        key: &str,
    ) -> Option<Finding> {
        let severity = self.policy.global().level(rule).severity()?;
        Some(Finding {
            rule,
            severity,
            file: file.to_owned(),
            krate: None,
            value: None,
            location: None,
            policy_key: Some(key.to_owned()),
            message,
            help: help.to_owned(),
        })
    }

    /// Deleting or rewriting the tracked branch.
    pub fn check_branch_update(
        &self,
        repo: &CrateRepo,
        update: &RefUpdate,
    ) -> Result<Option<Finding>, JudgeError> {
        let Some(new) = update.new else {
            if self.push.allow_branch_deletion {
                return Ok(None);
            }
            return Ok(self.finding(
                "push-branch-deletion",
                &update.refname,
                format!("the push deletes {}, the branch the registry is published from", update.refname),
                "push to the branch instead of deleting it; to retire a version, delete its .crate file",
                "push.allow-branch-deletion",
            ));
        };
        let Some(old) = update.old else {
            return Ok(None);
        };
        if self.push.allow_force_push || repo.is_ancestor(old, new)? {
            return Ok(None);
        }
        Ok(self.finding(
            "push-force",
            &update.refname,
            format!(
                "the push rewrites the history of {} (a force push)",
                update.refname
            ),
            "fetch, rebase your commit onto the branch, and push without --force",
            "push.allow-force-push",
        ))
    }

    /// A push to any other ref.
    #[must_use]
    pub fn check_other_ref(&self, update: &RefUpdate, branch: &str) -> Option<Finding> {
        if self.push.other_refs == OtherRefs::Ignore {
            return None;
        }
        self.finding(
            "push-other-ref",
            &update.refname,
            format!(
                "the push updates {}; this crate repository only takes pushes to {branch}",
                update.refname
            ),
            &format!("push your commit to {branch}"),
            "push.other-refs",
        )
    }

    /// A `.crate` of a sharded layout, read: it must be at exactly the
    /// path the layout gives the crate it holds.
    #[must_use]
    pub fn check_location(&self, path: &str, krate: &CrateFile) -> Option<Finding> {
        let (name, version) = (&krate.manifest.name, &krate.manifest.version);
        let expected = self.layout.path(name, version);
        if self.layout != CrateLayout::Sharded || path == expected {
            return None;
        }
        let mut finding = self.finding(
            "push-crate-location",
            path,
            format!(
                "{name}@{version} belongs at {expected} in this sharded crate repository (cargo downloads it from there), not at {path}"
            ),
            &format!("move the file: `git mv {path} {expected}`"),
            "push",
        )?;
        finding.krate = Some(format!("{name}@{version}"));
        Some(finding)
    }

    /// A changed path: `.crate` files of a flat layout must sit at the
    /// top (a sharded layout's are placed by [`Self::check_location`],
    /// once read); other paths must be listed in `push.other-paths`.
    #[must_use]
    pub fn check_path(&self, change: &FileChange, is_crate: bool) -> Option<Finding> {
        if is_crate {
            if self.layout == CrateLayout::Sharded || !change.path.contains('/') {
                return None;
            }
            return self.finding(
                "push-crate-location",
                &change.path,
                format!(
                    "{} is in a directory; .crate files live at the top of the crate repository",
                    change.path
                ),
                "move the file to the repository root",
                "push",
            );
        }
        if Path::new(&change.path)
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("crate"))
        {
            return self.finding(
                "push-crate-location",
                &change.path,
                format!(
                    "{} ends in `.{}`; crate files end in `.crate`, lowercase, as cargo downloads them",
                    change.path,
                    Path::new(&change.path).extension().map(|e| e.to_string_lossy()).unwrap_or_default()
                ),
                "rename the file to end in `.crate`",
                "push",
            );
        }
        if self
            .push
            .other_paths
            .iter()
            .any(|g| g.get().matches(&change.path))
        {
            return None;
        }
        self.finding(
            "push-path-not-allowed",
            &change.path,
            format!("{} is not a .crate file and not among the paths a push may change", change.path),
            "remove the change from the push, or add a pattern for it to push.other-paths in the policy",
            "push.other-paths",
        )
    }
}
