//! What an index repository says about itself.
//!
//! `config.json` is cargo's: `dl` (with the markers `{crate}`, `{version}`,
//! `{prefix}`, `{lowerprefix}`, `{sha256-checksum}`), optional `api` and
//! `auth-required`. `.crategate.toml` is crategate's: the URL users reach
//! the index under, the registry mode and the crate repository's layout
//! (`crate-layout`, written only when not `flat`, so older indexes read
//! as flat), so that every later command needs only the repository.

use serde::{Deserialize, Serialize};

use super::layout::CrateLayout;
use super::line::Mode;

/// Path of cargo's registry configuration in the index.
pub const CONFIG_JSON: &str = "config.json";
/// Path of crategate's settings in the index.
pub const SETTINGS_FILE: &str = ".crategate.toml";
/// Tells GitHub-style static hosts not to run Jekyll over the index.
pub const NOJEKYLL: &str = ".nojekyll";

/// The download markers cargo substitutes in `dl`.
const DL_MARKERS: &[&str] = &[
    "{crate}",
    "{version}",
    "{prefix}",
    "{lowerprefix}",
    "{sha256-checksum}",
];

/// cargo's `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CargoConfig {
    pub dl: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    #[serde(
        default,
        rename = "auth-required",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub auth_required: bool,
}

/// Which registry an index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum RegistryMode {
    /// An alternate registry beside crates.io.
    Alternate,
    /// A mirror that replaces crates.io through source replacement.
    Mirror,
}

/// crategate's `.crategate.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Settings {
    pub schema_version: u32,
    /// The URL cargo users reach this index under (`sparse+https://…/` or
    /// a git URL).
    pub index_url: String,
    pub mode: RegistryMode,
    /// Where the crate repository keeps each `.crate`.
    #[serde(default, skip_serializing_if = "CrateLayout::is_flat")]
    pub crate_layout: CrateLayout,
}

/// Why a configuration cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "the dl template `{0}` has no marker; cargo would download every version from one URL. Add `{{crate}}-{{version}}.crate` or `{{sha256-checksum}}`"
    )]
    DlWithoutMarker(String),
    #[error("`{0}` is not an http(s) or file URL")]
    BadUrl(String),
    #[error("a sparse index URL must end in `/` (cargo appends paths to it): use `{0}/`")]
    SparseWithoutSlash(String),
    #[error("{file} in the index is invalid: {message}")]
    Invalid { file: &'static str, message: String },
    #[error(
        "the dl template `{0}` has no `{{lowerprefix}}` marker, but the layout is sharded: cargo would look for `3/a/abc-1.0.0.crate` at the top. Put `{{lowerprefix}}/` before the file name, or download by `{{sha256-checksum}}`"
    )]
    DlWithoutPrefix(String),
    #[error(
        "the dl template `{0}` uses `{{prefix}}`, which keeps the crate name's case (`Se/rd/Serde-1.0.0.crate`), but the sharded layout keeps files under the lowercased name (`se/rd/`). Use `{{lowerprefix}}` instead"
    )]
    DlCasedPrefix(String),
    #[error(
        "the dl template `{0}` has a `{{prefix}}`/`{{lowerprefix}}` marker, but the layout is flat: cargo would look for `abc-1.0.0.crate` in a directory. Remove the marker, or choose `--layout sharded`"
    )]
    DlWithPrefix(String),
    #[error("{0} is missing from the index; it was not created with `crategate init`")]
    Missing(&'static str),
}

impl CargoConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !DL_MARKERS.iter().any(|m| self.dl.contains(m)) {
            return Err(ConfigError::DlWithoutMarker(self.dl.clone()));
        }
        check_url(&self.dl)?;
        if let Some(api) = &self.api {
            check_url(api)?;
        }
        Ok(())
    }

    #[must_use]
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("config.json serializes");
        text.push('\n');
        text
    }
}

impl Settings {
    pub const SCHEMA_VERSION: u32 = 1;

    /// Settings for a flat crate repository (set `crate_layout` for
    /// another).
    pub fn new(index_url: &str, mode: RegistryMode) -> Result<Self, ConfigError> {
        let plain = index_url.strip_prefix("sparse+").unwrap_or(index_url);
        check_url(plain)?;
        if index_url.starts_with("sparse+") && !index_url.ends_with('/') {
            return Err(ConfigError::SparseWithoutSlash(index_url.to_owned()));
        }
        Ok(Self {
            schema_version: Self::SCHEMA_VERSION,
            index_url: index_url.to_owned(),
            mode,
            crate_layout: CrateLayout::Flat,
        })
    }

    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let settings: Self = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            file: SETTINGS_FILE,
            message: e.message().to_owned(),
        })?;
        if settings.schema_version != Self::SCHEMA_VERSION {
            return Err(ConfigError::Invalid {
                file: SETTINGS_FILE,
                message: format!(
                    "schema-version {} is not known to this crategate (it knows {})",
                    settings.schema_version,
                    Self::SCHEMA_VERSION
                ),
            });
        }
        Ok(settings)
    }

    #[must_use]
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("settings serialize");
        format!("# Written by `crategate init`; read by every crategate command.\n{body}")
    }

    /// How lines of this index are written.
    #[must_use]
    pub fn line_mode(&self) -> Mode {
        match self.mode {
            RegistryMode::Alternate => Mode::Alternate {
                index_url: self.index_url.clone(),
            },
            RegistryMode::Mirror => Mode::Mirror,
        }
    }
}

fn check_url(url: &str) -> Result<(), ConfigError> {
    let ok = ["http://", "https://", "file://", "ssh://", "git://"]
        .iter()
        .any(|scheme| url.starts_with(scheme) && url.len() > scheme.len());
    if ok {
        Ok(())
    } else {
        Err(ConfigError::BadUrl(url.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_json_is_cargos_shape() {
        let config = CargoConfig {
            dl: "https://pages.example/crates/{crate}-{version}.crate".into(),
            api: None,
            auth_required: true,
        };
        config.validate().expect("valid");
        assert_eq!(
            config.to_json(),
            "{\n  \"dl\": \"https://pages.example/crates/{crate}-{version}.crate\",\n  \"auth-required\": true\n}\n"
        );
    }

    #[test]
    fn refuses_unusable_configuration() {
        let no_marker = CargoConfig {
            dl: "https://x/crate".into(),
            api: None,
            auth_required: false,
        };
        assert!(matches!(
            no_marker.validate(),
            Err(ConfigError::DlWithoutMarker(_))
        ));
        assert!(matches!(
            Settings::new("sparse+https://x/index", RegistryMode::Alternate),
            Err(ConfigError::SparseWithoutSlash(_))
        ));
        assert!(matches!(
            Settings::new("index", RegistryMode::Alternate),
            Err(ConfigError::BadUrl(_))
        ));
    }

    #[test]
    fn settings_round_trip_and_refuse_unknown_keys() {
        let settings =
            Settings::new("sparse+https://x/index/", RegistryMode::Mirror).expect("valid");
        let text = settings.to_toml();
        assert!(
            !text.contains("crate-layout"),
            "flat is not written: {text}"
        );
        assert_eq!(Settings::parse(&text).expect("parses"), settings);
        let sharded = Settings {
            crate_layout: CrateLayout::Sharded,
            ..settings
        };
        let text = sharded.to_toml();
        assert!(text.contains("crate-layout = \"sharded\""), "{text}");
        assert_eq!(Settings::parse(&text).expect("parses"), sharded);
        assert!(
            Settings::parse("schema-version = 1\nindex-url = \"x\"\nmode = \"mirror\"\ntypo = 1")
                .is_err()
        );
        assert!(
            Settings::parse("schema-version = 9\nindex-url = \"x\"\nmode = \"mirror\"").is_err()
        );
    }
}
