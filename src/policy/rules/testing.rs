//! Test helpers: `CrateFile` values built directly, policies from text.

use std::collections::BTreeMap;

use crate::checksum::Checksum;
use crate::crate_file::{CrateFile, Entry, EntryKind};
use crate::diag::Verdict;
use crate::manifest::Manifest;
use crate::policy::{Change, Policy, RegistryState, Upload, decide};

/// A crate with this packaged manifest (after a `[package]` header with
/// `name` and `version`, and `license = "MIT"` unless `rest` sets a
/// license) and a few regular files.
pub fn krate(name: &str, version: &str, rest: &str) -> CrateFile {
    if rest.contains("license") {
        bare(name, version, rest)
    } else {
        bare(name, version, &format!("license = \"MIT\"\n{rest}"))
    }
}

/// Like [`krate`] but with exactly the keys in `rest`.
pub fn bare(name: &str, version: &str, rest: &str) -> CrateFile {
    let text = format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\n{rest}");
    let manifest = Manifest::parse(&text).expect("test manifest parses");
    let entries = ["Cargo.toml", "Cargo.toml.orig", ".cargo_vcs_info.json", "src/lib.rs"]
        .iter()
        .map(|p| file(p, 100, b""))
        .collect();
    CrateFile {
        manifest,
        manifest_text: text.clone(),
        checksum: Checksum::of(text.as_bytes()),
        compressed_size: 1000,
        unpacked_size: 4000,
        entries,
        kept: BTreeMap::new(),
    }
}

pub fn file(path: &str, size: u64, magic: &[u8]) -> Entry {
    Entry { path: path.to_owned(), kind: EntryKind::File, size, magic: magic.to_vec() }
}

pub fn added(krate: CrateFile) -> Upload {
    let m = &krate.manifest;
    Upload {
        path: format!("{}-{}.crate", m.name, m.version),
        size: krate.compressed_size,
        change: Change::Added,
        read: Ok(krate),
    }
}

pub fn policy(text: &str) -> Policy {
    Policy::from_str(&format!("schema = 1\n{text}"), "test.toml").expect("test policy loads")
}

/// Judges one added crate against `policy_text` and an empty registry.
pub fn judge(policy_text: &str, krate: CrateFile) -> Verdict {
    decide(&policy(policy_text), &RegistryState::default(), &[added(krate)])
}

/// The rule ids of a verdict's findings, in order.
pub fn rules(verdict: &Verdict) -> Vec<&'static str> {
    verdict.findings.iter().map(|f| f.rule).collect()
}

/// Renders a verdict for a snapshot (plain format, no cap).
pub fn render(verdict: &Verdict) -> String {
    crate::diag::human::render(verdict, false)
}
