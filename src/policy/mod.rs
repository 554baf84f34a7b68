//! The policy: a TOML rulebook compiled once at load, and the pure
//! judgement [`decide`] that the hook and the dry run share.
//!
//! Loading reports every problem of a file together, each with file, line
//! and column. Settings apply globally and per `[[override]]` (glob on the
//! canonical crate name; every matching override applies in file order;
//! lists add, scalars replace). Every rule has a stable id (see [`ids`])
//! and a level that `[levels]` changes; the tarball safety rules cannot be
//! lowered below `deny`. `[[rule]]` entries add custom rules
//! ([`rules::custom`]) that obey levels and overrides the same way.

pub mod checked;
#[cfg(test)]
mod examples;
pub mod ids;
mod lint;
mod load;
pub mod rules;
pub mod schema;
pub mod state;
pub mod values;

use std::borrow::Cow;

pub use load::{PolicyError, PolicyErrors};
pub use rules::decide;
pub use schema::Push;
pub use state::{Change, PublishedCrate, PublishedVersion, RegistryState, Upload};
pub use values::{Level, OtherRefs};

use crate::crate_file::{Keep, Limits};
use checked::Merge;
use rules::custom::CustomRule;
use schema::{Owners, Settings};

/// `policies/default.toml`, built in: what `check` uses without `--policy`.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.toml");

/// The schema version this build reads (`schema = 1`).
pub const SCHEMA: u64 = 1;

/// A loaded, fully compiled policy.
#[derive(Debug, Clone)]
pub struct Policy {
    source: String,
    base: Settings,
    overrides: Vec<Settings>,
    owners: Owners,
    push: Push,
    limits: Limits,
    custom: Vec<CustomRule>,
}

impl Policy {
    /// Where the policy was read from (a path, or a name given to
    /// [`Policy::from_str`]).
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The reader limits for every `.crate`.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The `[[rule]]` entries, in file order.
    #[must_use]
    pub fn custom_rules(&self) -> &[CustomRule] {
        &self.custom
    }

    /// The custom rule with this id.
    #[must_use]
    pub fn custom_rule(&self, id: &str) -> Option<&CustomRule> {
        self.custom.iter().find(|r| r.id() == id)
    }

    /// The files whose text the custom rules read: what the reader keeps
    /// (also in [`Policy::limits`]).
    #[must_use]
    pub fn keep_patterns(&self) -> &Keep {
        &self.limits.keep
    }

    /// The `[owners]` section.
    #[must_use]
    pub fn owners(&self) -> &Owners {
        &self.owners
    }

    /// The `[push]` section.
    #[must_use]
    pub fn push(&self) -> &Push {
        &self.push
    }

    /// The environment variable the server sets to the pusher identity,
    /// when owners are configured.
    #[must_use]
    pub fn identity_env(&self) -> Option<&str> {
        self.owners.identity_env.as_deref()
    }

    /// The settings for one crate: the global ones with every matching
    /// override applied in file order.
    #[must_use]
    pub fn settings_for(&self, canonical_name: &str) -> Cow<'_, Settings> {
        let mut out = Cow::Borrowed(&self.base);
        for o in &self.overrides {
            if o.crates.iter().any(|g| g.get().matches(canonical_name)) {
                out.to_mut().merge(o);
            }
        }
        out
    }

    /// The overrides, in file order.
    #[must_use]
    pub fn overrides(&self) -> &[Settings] {
        &self.overrides
    }

    /// The global settings.
    #[must_use]
    pub fn global(&self) -> &Settings {
        &self.base
    }
}

impl Settings {
    /// The level of `rule` under these settings.
    #[must_use]
    pub fn level(&self, rule: &str) -> Level {
        match ids::find(rule) {
            Some(info) if info.fixed => Level::Deny,
            Some(info) => self.levels.get(rule).map_or(info.default, |l| *l.get_ref()),
            // The reader's refusals are not in the table: always deny.
            None => Level::Deny,
        }
    }
}
