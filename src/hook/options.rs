//! `git push -o` options crategate understands.

/// `git push -o crategate.dry-run`: judge, report, refuse.
pub const OPTION_DRY_RUN: &str = "crategate.dry-run";
/// `git push -o crategate.verbose`: also list accepted crates.
pub const OPTION_VERBOSE: &str = "crategate.verbose";

/// The push options crategate understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushOptions {
    pub dry_run: bool,
    pub verbose: bool,
}

impl PushOptions {
    /// Reads `GIT_PUSH_OPTION_COUNT` and `GIT_PUSH_OPTION_<i>` through
    /// `var` (git sets them only with `receive.advertisePushOptions`).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Self {
        let count: usize = var("GIT_PUSH_OPTION_COUNT")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut options = Self::default();
        for i in 0..count.min(1000) {
            match var(&format!("GIT_PUSH_OPTION_{i}")).as_deref() {
                Some(OPTION_DRY_RUN) => options.dry_run = true,
                Some(OPTION_VERBOSE) => options.verbose = true,
                _ => {}
            }
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_options_from_the_environment() {
        let env = |k: &str| match k {
            "GIT_PUSH_OPTION_COUNT" => Some("3".to_owned()),
            "GIT_PUSH_OPTION_0" => Some("ci.skip".to_owned()),
            "GIT_PUSH_OPTION_1" => Some(OPTION_DRY_RUN.to_owned()),
            "GIT_PUSH_OPTION_2" => Some(OPTION_VERBOSE.to_owned()),
            _ => None,
        };
        assert_eq!(
            PushOptions::from_env(env),
            PushOptions {
                dry_run: true,
                verbose: true
            }
        );
        assert_eq!(PushOptions::from_env(|_| None), PushOptions::default());
    }
}
