//! Judging a change of the yank list (`yanked.toml`): it must parse, name
//! only versions whose `.crate` is on the branch, and every entry that
//! changes is a yank or unyank the owners rule judges.

use super::push::PushRules;
use super::{Case, JudgeError};
use crate::crate_name::CrateName;
use crate::git::{CommitTree, CrateRepo};
use crate::policy::Change;
use crate::publish::yank_list::{self, YANK_LIST};
use crate::publish::yank_list_in;

/// Adds an upload per changed entry (a yank or an unyank, for the owners
/// rule) and a finding per problem.
pub fn judge(
    repo: &CrateRepo,
    rules: &PushRules,
    old: Option<&CommitTree<'_>>,
    new: &CommitTree<'_>,
    case: &mut Case,
) -> Result<(), JudgeError> {
    let after = match yank_list_in(repo, Some(new))? {
        Ok(list) => list,
        Err(reason) => {
            case.findings.extend(rules.finding(
                "yank-list-invalid",
                YANK_LIST,
                reason,
                "fix the file: `[[yanked]]` entries with `name`, `version` and an optional `reason` (or use `crategate yank`)",
                "push",
            ));
            return Ok(());
        }
    };
    let before = yank_list_in(repo, old)?.unwrap_or_default();
    let mut blobs = Vec::new();
    for (name, version, yanked) in yank_list::difference(&before, &after) {
        // A list that parsed names only crates.
        let Ok(crate_name) = CrateName::new(&name) else {
            continue;
        };
        let file = rules.layout().path(&crate_name, &version);
        let Some(blob) = new.file(&file) else {
            let verb = if yanked { "yanks" } else { "unyanks" };
            case.findings.extend(rules.finding(
                "yank-list-unknown-version",
                YANK_LIST,
                format!("{YANK_LIST} {verb} {name} {version}, but {file} is not in the repository"),
                "list only published versions, spelled as in their Cargo.toml",
                "push",
            ));
            continue;
        };
        let file_name = file.rsplit('/').next().unwrap_or(&file).to_owned();
        blobs.push(super::Pending {
            path: YANK_LIST.to_owned(),
            file_name,
            kind: Change::Deleted,
            blob,
        });
    }
    case.add_blobs(repo, rules, blobs)
}
