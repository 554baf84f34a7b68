//! `pre-receive`: judge every push before git accepts it.
//!
//! git gives the ref updates on stdin while the pushed objects wait in a
//! quarantine directory; a non-zero exit refuses every ref of the push.
//! The tracked branch's net change (old tip → new tip, however many
//! commits) is judged file by file: each added, changed or deleted
//! `.crate` with the policy's rules, every other path against the paths
//! the policy lets change. The registry it is judged against is the index
//! plus the `.crate` files already accepted on the branch but not yet
//! published, so immutability and name collisions hold while a
//! publication is in flight. The policy comes from the server's
//! configuration, never from the push. Nothing is written to either
//! repository; an accepted push leaves what it learned of its crates for
//! `post-receive` ([`crate::publish::prepared`]).

use std::path::{Path, PathBuf};

use super::config::HookConfig;
use super::options::PushOptions;
use super::updates::{RefUpdate, parse_updates};
use super::{HookError, tracked_branch};
use crate::diag::Verdict;
use crate::git::CrateRepo;
use crate::judge::push::PushRules;
use crate::judge::{self, Case};
use crate::publish::prepared;

/// What the hook was given besides stdin.
#[derive(Debug, Clone, Default)]
pub struct HookEnv {
    /// Where git keeps the pushed objects until the hook accepts them.
    pub quarantine: Option<PathBuf>,
    /// `git push -o` values.
    pub options: PushOptions,
}

/// The decision on one push.
#[derive(Debug)]
pub struct Judgement {
    pub verdict: Verdict,
    /// `name@version` of every crate the push adds, for verbose output.
    pub accepted: Vec<String>,
    /// A warning to show whatever the verdict (a remote index judged from
    /// an older copy).
    pub warning: Option<String>,
}

/// Judges one push.
pub fn run(git_dir: &Path, stdin: &str, env: &HookEnv) -> Result<Judgement, HookError> {
    let config = HookConfig::load(git_dir)?;
    let policy = super::load_policy(&config)?;
    let (index, warning) = config
        .index
        .open_for_judging(&config.remote_options(git_dir))?;
    let rules = PushRules::from_policy(&policy, index.settings().crate_layout);
    let repo = CrateRepo::open_in_hook(git_dir, env.quarantine.as_deref())?;
    let branch = tracked_branch(&config, &repo)?;
    let updates = parse_updates(stdin)?;
    let mut case = Case::default();
    for update in &updates {
        if update.refname == branch {
            case.findings
                .extend(rules.check_branch_update(&repo, update)?);
            if let Some(new) = update.new {
                case.add_branch_change(&repo, &rules, update.old, new)?;
            }
        } else {
            case.findings.extend(rules.check_other_ref(update, &branch));
        }
    }
    let view = index.view()?;
    let mut state = judge::registry_state(
        Some(&view),
        Some((&repo, &branch)),
        policy.limits(),
        &case.uploads,
    )?;
    state.index_url = Some(index.settings().index_url.clone());
    state.pusher = config.identity().or_else(|| {
        policy
            .identity_env()
            .and_then(|var| std::env::var(var).ok())
    });
    let mode = index.settings().line_mode();
    // The lines post-receive will publish are derived while the push is
    // judged; they are kept only if it is accepted.
    let (verdict, entries) = std::thread::scope(|scope| {
        let entries = (!env.options.dry_run)
            .then(|| scope.spawn(|| prepared::entries(&mode, case.added_crates())));
        let verdict = judge::verdict(&policy, &state, &case);
        (verdict, entries.and_then(|e| e.join().ok()))
    });
    if let Some(entries) = entries.filter(|_| verdict.accepted) {
        prepare(git_dir, &updates, &branch, &entries);
    }
    let accepted = case.added();
    // Freeing every crate's entry list takes a core ~15 ms at the end of
    // a large push; a hook process exits next, so leave it to a thread.
    std::thread::spawn(move || drop(case));
    Ok(Judgement {
        verdict,
        accepted,
        warning,
    })
}

/// Keeps what was learned of the accepted crates for `post-receive`
/// (see [`crate::publish::prepared`]). Best effort: when it cannot be
/// written, publication reads the crates again.
fn prepare(git_dir: &Path, updates: &[RefUpdate], branch: &str, entries: &[u8]) {
    let tip = updates
        .iter()
        .find(|u| u.refname == branch)
        .and_then(|u| u.new);
    if let Some(tip) = tip {
        let _ = prepared::save(git_dir, tip, entries);
    }
}
