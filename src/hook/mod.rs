//! The server side: `pre-receive` judges a push before git accepts it,
//! `post-receive` publishes what git accepted.

pub mod config;
pub mod options;
pub mod post_receive;
pub mod pre_receive;
pub mod updates;

use config::HookConfig;

use crate::git::{CrateRepo, GitError};

/// Why a hook could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Input(#[from] updates::BadUpdate),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(transparent)]
    Publish(#[from] crate::publish::PublishError),
    #[error(transparent)]
    Judge(#[from] crate::judge::JudgeError),
    #[error(transparent)]
    Remote(#[from] crate::remote::RemoteError),
    #[error("the crate repository's HEAD is not a branch; set `branch` in crategate.toml")]
    NoBranch,
    #[error("the policy {path} cannot be used, so no push can be judged:\n{errors}")]
    Policy {
        path: std::path::PathBuf,
        errors: String,
    },
}

impl HookError {
    /// Whether what stopped the hook is in the push itself (a tree no git
    /// command writes), not in the server's setup.
    #[must_use]
    pub fn is_in_the_push(&self) -> bool {
        matches!(
            self,
            Self::Git(GitError::MalformedTree { .. })
                | Self::Judge(crate::judge::JudgeError::Git(
                    GitError::MalformedTree { .. }
                ))
        )
    }
}

/// After the index changed: what serves it follows (`git update-server-info`
/// for dumb HTTP, the export directory).
pub fn refresh_served(
    config: &HookConfig,
    repo: &CrateRepo,
    branch: &str,
    index: &crate::index::Index,
) -> Result<(), HookError> {
    // A remote index is served by its own host.
    if config.update_server_info
        && let Some(dir) = config.index.path()
    {
        crate::git::update_server_info(dir)?;
    }
    if let Some(dir) = &config.export {
        crate::publish::export(repo, branch, index, dir)?;
    }
    Ok(())
}

/// The policy the configuration names; a policy that does not load means
/// nothing can be judged (fail closed).
pub fn load_policy(config: &HookConfig) -> Result<crate::policy::Policy, HookError> {
    crate::policy::Policy::load(&config.policy).map_err(|errors| HookError::Policy {
        path: config.policy.clone(),
        errors: errors.to_string(),
    })
}

/// The branch the hooks judge and publish: the configured one, else the
/// one HEAD points at.
pub fn tracked_branch(config: &HookConfig, repo: &CrateRepo) -> Result<String, HookError> {
    config
        .branch
        .clone()
        .or_else(|| repo.head_branch())
        .ok_or(HookError::NoBranch)
}
