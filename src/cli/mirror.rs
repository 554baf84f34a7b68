//! `crategate mirror`: put the crates.io packages of a `Cargo.lock` into
//! the crate repository, so that an index in mirror mode serves them.
//!
//! Each package whose `source` is crates.io (git or sparse index) and
//! whose `{name}-{version}.crate` is not on the tracked branch yet is
//! taken from cargo's download cache (`$CARGO_HOME/registry/cache/*/`),
//! after cargo fetched what the cache lacks, and must match the
//! lockfile's `checksum` (sha256 of the file) byte for byte. All of them
//! go in one commit; running again after a dependency update adds only
//! the new versions.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use serde_json::json;

use super::Outcome;
use super::clone::{CommitArgs, CrateClone, published_key};
use super::output::{Output, OutputArgs};
use crate::checksum::Checksum;
use crate::crate_file;
use crate::crate_name::CrateName;
use crate::index::CrateLayout;

/// How a lockfile names crates.io, over git and over the sparse protocol.
const CRATES_IO_SOURCES: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The lockfile whose crates.io packages to mirror.
    #[arg(long, value_name = "FILE", default_value = "Cargo.lock")]
    lockfile: PathBuf,
    #[command(flatten)]
    clone: CommitArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// One locked crates.io package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub name: String,
    pub version: semver::Version,
    pub checksum: Checksum,
}

impl Locked {
    fn file_name(&self) -> String {
        crate_file::file_name(&self.name, &self.version)
    }
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let out = Output::new(&args.output);
    let text = std::fs::read_to_string(&args.lockfile)
        .with_context(|| format!("reading {}", args.lockfile.display()))?;
    let locked =
        parse_lockfile(&text).with_context(|| format!("reading {}", args.lockfile.display()))?;
    let clone = args.clone.open()?;
    let present: BTreeSet<String> = clone
        .tracked_files()?
        .iter()
        .map(|f| published_key(f))
        .collect();
    let missing: Vec<&Locked> = locked
        .iter()
        .filter(|l| !present.contains(&published_key(&l.file_name())))
        .collect();
    out.progress(&format!(
        "{} crates.io packages in {}, {} already mirrored, {} to add",
        locked.len(),
        args.lockfile.display(),
        locked.len() - missing.len(),
        missing.len()
    ));
    let mut summary = json!({
        "command": "mirror", "locked": locked.len(),
        "present": locked.len() - missing.len(), "added": [], "pushed": false,
    });
    if missing.is_empty() {
        out.result("The mirror holds every crates.io package of the lockfile.");
        out.summary(&summary);
        return Ok(Outcome::Done);
    }
    let cache = cargo_home()?.join("registry/cache");
    if missing.iter().any(|l| find_cached(&cache, l).is_none()) {
        out.progress("Fetching what cargo's cache lacks with `cargo fetch`");
        fetch(&args.lockfile, &missing)?;
    }
    let layout = clone.layout(clone.index()?.as_ref())?;
    let files = copy_verified(&out, &cache, &missing, &clone, layout)?;
    summary["added"] = missing
        .iter()
        .map(|l| json!({"name": l.name, "version": l.version.to_string()}))
        .collect::<Vec<_>>()
        .into();
    clone.commit(&files, &commit_message(&missing))?;
    if args.clone.no_push {
        out.result(&format!(
            "Committed {} crates; push to publish them",
            files.len()
        ));
        out.summary(&summary);
        return Ok(Outcome::Done);
    }
    let restore: Vec<_> = files.iter().map(|f| (f.clone(), None)).collect();
    let outcome = clone.push_and_relay(
        &out,
        &mut summary,
        &restore,
        (
            &format!("Mirrored {} crates", files.len()),
            "The server refused the mirror commit; the clone is back as it was",
        ),
    )?;
    out.summary(&summary);
    Ok(outcome)
}

/// The crates.io packages of a lockfile (format v2 and later: a
/// `checksum` on each package), each once.
pub fn parse_lockfile(text: &str) -> anyhow::Result<Vec<Locked>> {
    let table: toml::Table = text.parse().context("not TOML")?;
    let packages = table
        .get("package")
        .and_then(toml::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut out = Vec::new();
    for package in packages {
        let field = |key: &str| package.get(key).and_then(toml::Value::as_str);
        if !field("source").is_some_and(|s| CRATES_IO_SOURCES.contains(&s)) {
            continue;
        }
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            bail!("a [[package]] has no name or version");
        };
        let version = semver::Version::parse(version)
            .with_context(|| format!("{name}: version `{version}`"))?;
        let checksum = field("checksum")
            .and_then(Checksum::from_hex)
            .with_context(|| {
                format!("{name} {version} has no valid checksum (lockfile format v1 is not supported: run `cargo update --workspace` with a recent cargo)")
            })?;
        let entry = Locked {
            name: name.to_owned(),
            version,
            checksum,
        };
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> anyhow::Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?;
    Ok(Path::new(&home).join(".cargo"))
}

/// A file in cargo's cache (any registry directory) with the locked bytes.
fn find_cached(cache: &Path, locked: &Locked) -> Option<(PathBuf, Vec<u8>)> {
    let dirs = std::fs::read_dir(cache).ok()?;
    dirs.filter_map(Result::ok).find_map(|dir| {
        let path = dir.path().join(locked.file_name());
        let bytes = std::fs::read(&path).ok()?;
        (Checksum::of(&bytes) == locked.checksum).then_some((path, bytes))
    })
}

/// Has cargo download the missing packages into its cache: the project
/// of the lockfile when it sits beside its `Cargo.toml`, else a
/// throwaway project asking for each exact version.
fn fetch(lockfile: &Path, missing: &[&Locked]) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let dir = lockfile.parent().unwrap_or(Path::new("."));
    let manifest = dir.join("Cargo.toml");
    let temp = tempfile::Builder::new()
        .prefix("crategate-fetch-")
        .tempdir()?;
    let mut command = Command::new(cargo);
    if manifest.is_file() {
        // In the project's directory, so that its `.cargo/config.toml` applies.
        command
            .args(["fetch", "--locked", "--manifest-path"])
            .arg(&manifest)
            .current_dir(dir);
    } else {
        let mut toml = String::from(
            "[package]\nname = \"crategate-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n",
        );
        for (i, l) in missing.iter().enumerate() {
            let _ = writeln!(
                toml,
                "p{i} = {{ package = \"{}\", version = \"={}\" }}",
                l.name, l.version
            );
        }
        std::fs::write(temp.path().join("Cargo.toml"), toml)?;
        std::fs::write(temp.path().join("lib.rs"), "")?;
        command.arg("fetch").current_dir(temp.path());
    }
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .context("running cargo fetch")?;
    if !status.success() {
        bail!("cargo fetch failed (its messages are above); nothing was mirrored");
    }
    Ok(())
}

/// Copies each package, verified, into the clone where `layout` puts it;
/// returns the paths.
fn copy_verified(
    out: &Output,
    cache: &Path,
    missing: &[&Locked],
    clone: &CrateClone,
    layout: CrateLayout,
) -> anyhow::Result<Vec<String>> {
    let mut files = Vec::with_capacity(missing.len());
    for (i, locked) in missing.iter().enumerate() {
        let Some((from, bytes)) = find_cached(cache, locked) else {
            bail!(
                "{} {}: no file in {} matches the lockfile's checksum {}; nothing was mirrored",
                locked.name,
                locked.version,
                cache.display(),
                locked.checksum
            );
        };
        let file = layout.path(&CrateName::new(&locked.name)?, &locked.version);
        clone
            .put(&file, &bytes)
            .with_context(|| format!("copying {} into the clone", from.display()))?;
        out.step(
            i + 1,
            missing.len(),
            &format!("{} {}", locked.name, locked.version),
        );
        files.push(file);
    }
    Ok(files)
}

fn commit_message(added: &[&Locked]) -> String {
    let mut message = format!("Mirror {} crates from crates.io\n\n", added.len());
    for l in added {
        let _ = writeln!(message, "{} {}", l.name, l.version);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfile_crates_io_packages_only() {
        let sum = "a".repeat(64);
        let text = format!(
            "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n\
             [[package]]\nname = \"serde\"\nversion = \"1.0.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{sum}\"\n\n\
             [[package]]\nname = \"libc\"\nversion = \"0.2.0\"\nsource = \"sparse+https://index.crates.io/\"\nchecksum = \"{sum}\"\n\n\
             [[package]]\nname = \"own\"\nversion = \"0.2.0\"\nsource = \"sparse+https://example.com/index/\"\nchecksum = \"{sum}\"\n"
        );
        let locked = parse_lockfile(&text).expect("valid");
        let names: Vec<_> = locked
            .iter()
            .map(|l| format!("{} {}", l.name, l.version))
            .collect();
        assert_eq!(names, ["serde 1.0.1", "libc 0.2.0"]);
        let no_sum = text.replacen(&format!("checksum = \"{sum}\"\n"), "", 1);
        let err = parse_lockfile(&no_sum)
            .expect_err("no checksum")
            .to_string();
        assert!(err.contains("serde 1.0.1"), "{err}");
    }
}
