//! The packaged (normalized) `Cargo.toml` inside a `.crate`, as typed values.
//!
//! Parsing uses cargo's own published schema (`cargo-util-schemas`), so a
//! manifest means here what it means to cargo. A packaged manifest is
//! normalized by `cargo package`: workspace inheritance is resolved and path
//! dependencies are rewritten to registry ones. Anything still inherited
//! from a workspace is refused, since no registry can resolve it.

use cargo_util_schemas::manifest::{TomlManifest, TomlPackage};

use crate::crate_name::{CrateName, NameError};

/// A parsed packaged manifest with its name and version checked.
#[derive(Debug)]
pub struct Manifest {
    /// Everything cargo's schema read.
    pub toml: TomlManifest,
    /// `package.name`.
    pub name: CrateName,
    /// `package.version`.
    pub version: semver::Version,
}

/// Why a packaged `Cargo.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("Cargo.toml is not valid TOML for cargo: {0}")]
    Toml(String),
    #[error("Cargo.toml has no [package] table")]
    NoPackage,
    #[error("Cargo.toml has no package.name")]
    NoName,
    #[error("package.name is not a crate name: {0}")]
    BadName(#[from] NameError),
    #[error("Cargo.toml has no package.version")]
    NoVersion,
    #[error(
        "`{0}` is inherited from a workspace; a packaged manifest must be normalized by `cargo package`"
    )]
    Unresolved(&'static str),
}

impl Manifest {
    /// Parses the text of a packaged `Cargo.toml`.
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let toml: TomlManifest =
            toml::from_str(text).map_err(|e| ManifestError::Toml(one_line(&e.to_string())))?;
        let package = toml
            .package
            .as_deref()
            .or(toml.project.as_deref())
            .ok_or(ManifestError::NoPackage)?;
        let name = package.name.as_ref().ok_or(ManifestError::NoName)?;
        let name = CrateName::new(name.as_str())?;
        let version = package
            .version
            .as_ref()
            .ok_or(ManifestError::NoVersion)?
            .as_value()
            .ok_or(ManifestError::Unresolved("package.version"))?
            .clone();
        Ok(Self {
            toml,
            name,
            version,
        })
    }

    /// The `[package]` table (or the old `[project]` spelling).
    ///
    /// # Panics
    ///
    /// Never: [`Manifest::parse`] refuses a manifest without one.
    #[must_use]
    pub fn package(&self) -> &TomlPackage {
        self.toml
            .package
            .as_deref()
            .or(self.toml.project.as_deref())
            .expect("checked in Manifest::parse")
    }
}

/// Folds a multi-line parser message (toml points at the line with a
/// caret drawing) into one line for findings.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_package_and_old_project_table() {
        let m = Manifest::parse("[package]\nname = \"a-b\"\nversion = \"1.0.0-rc.1\"\n")
            .expect("valid");
        assert_eq!(m.name.as_str(), "a-b");
        assert_eq!(m.version.to_string(), "1.0.0-rc.1");
        let old =
            Manifest::parse("[project]\nname = \"old\"\nversion = \"0.1.0\"\n").expect("valid");
        assert_eq!(old.package().name.as_ref().map(|n| n.as_str()), Some("old"));
    }

    #[test]
    fn refuses_what_no_registry_can_use() {
        assert!(matches!(
            Manifest::parse("x = 1"),
            Err(ManifestError::NoPackage)
        ));
        assert!(matches!(
            Manifest::parse("[package]\nversion = \"1.0.0\""),
            Err(ManifestError::NoName)
        ));
        assert!(matches!(
            Manifest::parse("[package]\nname = \"a\""),
            Err(ManifestError::NoVersion)
        ));
        assert!(matches!(
            Manifest::parse("[package]\nname = \"a\"\nversion.workspace = true"),
            Err(ManifestError::Unresolved(_))
        ));
        assert!(matches!(
            Manifest::parse("[package"),
            Err(ManifestError::Toml(_))
        ));
    }
}
