//! The policy file's schema: kebab-case keys, unknown keys refused.
//!
//! The top level and every `[[override]]` share one [`Settings`] shape;
//! `schema` is only valid at the top level, `crates` only in overrides, and
//! the reader limits and `[owners]` only at the top level (see
//! `super::load`).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::checked::{Checked, fields};
use super::values::{Field, Glob, LicenseExpr, Licensee, ParseMode, Pattern, RegistryUrl, Req, Sha256};
use super::Level;

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
    #[serde(rename = "override")]
    pub overrides: Vec<Spanned<Settings>>,
}
fields!(validate Settings { crates, tarball, names, metadata, licenses, sources, bans, owners, overrides });

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
