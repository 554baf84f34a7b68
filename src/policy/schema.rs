//! The policy file's schema: kebab-case keys, unknown keys refused.
//!
//! The top level and every `[[override]]` share one [`Settings`] shape;
//! `schema` is only valid at the top level, `crates` only in overrides, and
//! the reader limits and `[owners]` only at the top level (see
//! `super::load`). Every key:
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `schema` | `1` | schema version (required, top level) |
//! | `levels.<rule-id>` | `"deny"`/`"warn"`/`"allow"` | a rule's level (`crategate policy explain`) |
//! | `tarball.max-compressed-size` | bytes | `.crate` size (default 10 MiB) |
//! | `tarball.max-compression-ratio` | integer | unpacked / compressed (default 200) |
//! | `tarball.max-unpacked-size`, `max-entries`, `max-manifest-size` | integers | reader limits (top level) |
//! | `names.reserved` | names | reserved besides crates.io's |
//! | `names.pattern` | regex | a name must match (searched, anchor it) |
//! | `names.required-prefixes` | strings | a name must start with one |
//! | `names.public-names-file` | path | public names, one a line, relative to the policy |
//! | `names.public-allow` | names | public names that may be shadowed |
//! | `metadata.required` | field names | `description`, `license` (or `license-file`), `repository`, `homepage`, `documentation`, `readme`, `authors`, `rust-version`, `edition`, `keywords`, `categories` |
//! | `metadata.{repository,homepage,documentation}-pattern` | regex | the URL must match |
//! | `metadata.registry-names` | strings | names of this registry in `package.publish` |
//! | `licenses.allow` | SPDX licensees | allowed licenses, `WITH` exceptions included; empty = any |
//! | `licenses.parse-mode` | `strict`/`crates-io`/`lax` | how `package.license` is read |
//! | `licenses.clarify` | `[{ expression, sha256 }]` | license of a `license-file` with that sha256 |
//! | `sources.allow-registries` | URLs or `crates-io` | dependency registries besides this one (default crates.io) |
//! | `sources.reserved-prefixes` | strings | names never taken from crates.io |
//! | `[[bans.deny]]` | `name`, `version`, `reason`, `use-instead`, `wrappers` | banned dependencies |
//! | `owners.identity-env` | env var name | where the server puts the pusher identity |
//! | `[[owners.allow]]` | `identities`, `crates` (globs) | who may publish and yank what |
//! | `push.other-refs` | `refuse`/`ignore` | pushes to other refs (top level) |
//! | `push.allow-branch-deletion`, `push.allow-force-push` | booleans | deleting or rewriting the tracked branch (top level) |
//! | `push.other-paths` | path globs | files besides `.crate` files a push may change (top level) |
//! | `[[override]]` | `crates` (globs) + any key above except top-level ones | per-crate settings; lists add, scalars replace |
//! | `[[rule]]` | `id`, `level`, `crates`, `message`, `help`, `require` | a custom rule (top level; see `rules::custom`) |

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::Level;
use super::checked::{Checked, fields};
use super::rules::custom::CustomRule;
use super::values::{
    Field, Glob, LicenseExpr, Licensee, OtherRefs, ParseMode, PathGlob, Pattern, RegistryUrl, Req,
    Sha256,
};

/// The whole file, or one `[[override]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    pub schema: Option<Spanned<u64>>,
    pub crates: Vec<Checked<Glob>>,
    pub levels: BTreeMap<String, Spanned<Level>>,
    pub tarball: Tarball,
    pub names: Names,
    pub metadata: Metadata,
    pub licenses: Licenses,
    pub sources: Sources,
    pub bans: Bans,
    pub owners: Option<Spanned<Owners>>,
    pub push: Option<Spanned<Push>>,
    #[serde(rename = "override")]
    pub overrides: Vec<Spanned<Settings>>,
    /// Custom rules (top level only).
    #[serde(rename = "rule")]
    pub rules: Vec<Spanned<CustomRule>>,
}
fields!(validate Settings { crates, tarball, names, metadata, licenses, sources, bans, owners, push, overrides, rules });

impl super::checked::Merge for Settings {
    fn merge(&mut self, later: &Self) {
        for (id, level) in &later.levels {
            self.levels.insert(id.clone(), level.clone());
        }
        self.tarball.merge(&later.tarball);
        self.names.merge(&later.names);
        self.metadata.merge(&later.metadata);
        self.licenses.merge(&later.licenses);
        self.sources.merge(&later.sources);
        self.bans.merge(&later.bans);
    }
}

/// `[tarball]`: limits. The reader limits are top-level only.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Tarball {
    pub max_compressed_size: Option<u64>,
    pub max_compression_ratio: Option<u64>,
    pub max_unpacked_size: Option<Spanned<u64>>,
    pub max_entries: Option<Spanned<u64>>,
    pub max_manifest_size: Option<Spanned<u64>>,
}
fields!(validate merge Tarball { max_compressed_size, max_compression_ratio });

/// `[names]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Names {
    /// Reserved names added to crates.io's.
    pub reserved: Vec<String>,
    pub pattern: Option<Checked<Pattern>>,
    pub required_prefixes: Vec<String>,
    /// One crate name per line; relative to the policy file.
    pub public_names_file: Option<Spanned<String>>,
    pub public_allow: Vec<String>,
    /// The canonical names read from `public_names_file` at load.
    #[serde(skip)]
    pub public_names: Option<Arc<HashSet<String>>>,
}
fields!(validate merge Names { reserved, pattern, required_prefixes, public_names_file, public_allow, public_names });

/// `[metadata]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Metadata {
    pub required: Vec<Checked<Field>>,
    pub repository_pattern: Option<Checked<Pattern>>,
    pub homepage_pattern: Option<Checked<Pattern>>,
    pub documentation_pattern: Option<Checked<Pattern>>,
    /// Names this registry goes by in `package.publish` lists.
    pub registry_names: Vec<String>,
}
fields!(validate merge Metadata { required, repository_pattern, homepage_pattern, documentation_pattern, registry_names });

/// `[licenses]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Licenses {
    pub allow: Vec<Checked<Licensee>>,
    pub parse_mode: Option<ParseMode>,
    pub clarify: Vec<Clarify>,
}
fields!(validate merge Licenses { allow, parse_mode, clarify });

/// A license for a `license-file`-only crate, trusted only for the file
/// with this sha256.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Clarify {
    pub expression: Checked<LicenseExpr>,
    pub sha256: Checked<Sha256>,
}
fields!(validate Clarify { expression, sha256 });

/// `[sources]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Sources {
    /// Registries dependencies may come from besides this one; when empty,
    /// crates.io and this registry.
    pub allow_registries: Vec<Checked<RegistryUrl>>,
    /// Name prefixes that belong to this registry: never taken from
    /// crates.io.
    pub reserved_prefixes: Vec<String>,
}
fields!(validate merge Sources { allow_registries, reserved_prefixes });

/// `[bans]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Bans {
    pub deny: Vec<Ban>,
}
fields!(validate merge Bans { deny });

/// One banned dependency.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Ban {
    pub name: String,
    pub version: Option<Checked<Req>>,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    /// Crates that may depend on it anyway.
    #[serde(default)]
    pub wrappers: Vec<String>,
}
fields!(validate Ban { version });

/// `[owners]` (top level only).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Owners {
    /// The environment variable the server sets to the pusher's identity.
    pub identity_env: Option<String>,
    pub allow: Vec<OwnerRule>,
}
fields!(validate Owners { allow });

/// Identities that may publish and yank the crates matching `crates`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OwnerRule {
    pub identities: Vec<String>,
    pub crates: Vec<Checked<Glob>>,
}
fields!(validate OwnerRule { crates });

/// `[push]` (top level only): what a push may do besides adding, and
/// deleting, `.crate` files where the crate layout puts them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Push {
    /// Pushes to refs other than the tracked branch.
    pub other_refs: OtherRefs,
    /// Whether a push may delete the tracked branch.
    pub allow_branch_deletion: bool,
    /// Whether a push may rewrite the tracked branch's history.
    pub allow_force_push: bool,
    /// Paths other than `.crate` files a push may add, change or delete.
    pub other_paths: Vec<Checked<PathGlob>>,
}
fields!(validate Push { other_paths });
