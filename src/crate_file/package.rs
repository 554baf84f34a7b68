//! The package inside the archive: its manifest, and the name and version
//! that the manifest, the root directory and the file name must all agree
//! on.
//!
//! Names are never split on `-` (a version may contain one, as in
//! `1.0.0-rc.1` or `0.7.0+5.3.1-0-gabc`): the manifest says the name and
//! version, and the root must be exactly `{name}-{version}` and the file
//! name exactly [`file_name`]`(name, version)`.

use super::{Refusal, file_name};
use crate::manifest::{Manifest, ManifestError};

/// Parses the manifest the walk found and checks the root directory and the
/// file name against it.
pub(super) fn check(
    root: &str,
    manifest: Option<Vec<u8>>,
    given: Option<&str>,
) -> Result<(Manifest, String), Refusal> {
    let entry = || Some(format!("{root}/Cargo.toml"));
    let Some(bytes) = manifest else {
        return Err(Refusal::repackage(
            "manifest-missing",
            entry(),
            format!("the archive has no `{root}/Cargo.toml`"),
        ));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(Refusal::new(
            "manifest-not-utf8",
            entry(),
            "`Cargo.toml` is not UTF-8",
            "save Cargo.toml as UTF-8 and re-create the file with `cargo package`",
        ));
    };
    let manifest = Manifest::parse(&text).map_err(|err| manifest_refusal(&err, entry()))?;
    let name = manifest.name.as_str();
    let version = manifest.version.to_string();
    let expected_root = format!("{name}-{version}");
    if root != expected_root {
        return Err(disagreement(
            "the root directory",
            root,
            &expected_root,
            name,
            Some(format!("{root}/")),
        ));
    }
    let expected_file = file_name(name, &manifest.version);
    if let Some(given) = given.filter(|given| *given != expected_file) {
        return Err(disagreement(
            "the file name",
            given,
            &expected_file,
            name,
            None,
        ));
    }
    Ok((manifest, text))
}

/// Refuses a root directory or file name that is not what the manifest
/// says, blaming the name when it does not start with `{name}-`.
fn disagreement(
    what: &str,
    found: &str,
    expected: &str,
    name: &str,
    entry: Option<String>,
) -> Refusal {
    let same_name = found.starts_with(&format!("{name}-"));
    let help = match entry {
        Some(_) => "re-create the file with `cargo package`, which names the directory".to_owned(),
        None => format!("name the file `{expected}`"),
    };
    let (rule, part) = if same_name {
        ("crate-version-mismatch", "version")
    } else {
        ("crate-name-mismatch", "name")
    };
    Refusal::new(
        rule,
        entry,
        format!("{what} is `{found}` but the manifest's {part} makes it `{expected}`"),
        help,
    )
}

fn manifest_refusal(err: &ManifestError, entry: Option<String>) -> Refusal {
    let rule = match err {
        ManifestError::Toml(_) => "manifest-invalid",
        ManifestError::NoPackage => "manifest-no-package",
        ManifestError::NoName => "manifest-no-name",
        ManifestError::BadName(_) => "manifest-bad-name",
        ManifestError::NoVersion => "manifest-no-version",
        ManifestError::Unresolved(_) => "manifest-unresolved",
    };
    Refusal::new(
        rule,
        entry,
        err.to_string(),
        "fix Cargo.toml and re-create the file with `cargo package`",
    )
}
