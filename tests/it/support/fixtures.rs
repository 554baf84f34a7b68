//! The fixture crates of `tests/fixtures/crates/` and the consumer
//! projects of `tests/fixtures/consumers/`, copied into a sandbox and
//! handled with real cargo.

use std::fs;
use std::path::{Path, PathBuf};

use super::registry::Mode;
use super::run::Outcome;
use super::sandbox::{Sandbox, copy_tree};

/// Every fixture crate, each after the ones it depends on.
pub const IN_DEPENDENCY_ORDER: [&str; 5] = [
    "cg-base",
    "cg-dep",
    "cg-features",
    "cg-target",
    "cg-renamed",
];

/// What names the registry in a fixture manifest, and what a mirror's
/// copy says instead.
const MIRROR_NAMING: (&str, &str) = (", registry = \"cg\"", "");

/// The version every fixture manifest is written at.
const WRITTEN_VERSION: &str = "version = \"1.0.0\"";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Packages fixture `name` at `version` with `cargo package`, which
/// resolves its dependencies against the registry configured in the
/// sandbox and verifies it builds from the packaged sources. Returns the
/// `.crate` file.
#[track_caller]
pub fn package(sandbox: &Sandbox, mode: Mode, name: &str, version: &str) -> PathBuf {
    let dir = sandbox.path(&format!("packages/{name}-{version}"));
    copy_tree(&fixtures_dir().join("crates").join(name), &dir);
    let manifest = dir.join("Cargo.toml");
    let text = adapt_manifest(&manifest, mode);
    assert_eq!(
        text.matches(WRITTEN_VERSION).count(),
        1,
        "fixture {name} must say {WRITTEN_VERSION} exactly once"
    );
    let text = text.replacen(WRITTEN_VERSION, &format!("version = \"{version}\""), 1);
    fs::write(&manifest, text).expect("writing a fixture manifest");
    package_dir(sandbox, &dir, name, version)
}

/// The manifest at `path`, rewritten for `mode` and read back. Fixtures
/// name the alternate registry `cg`; for a mirror their dependencies come
/// from crates.io (replaced by the mirror), so the name goes.
fn adapt_manifest(path: &Path, mode: Mode) -> String {
    let text = fs::read_to_string(path).expect("reading a fixture manifest");
    if mode == Mode::Mirror {
        let text = text.replace(MIRROR_NAMING.0, MIRROR_NAMING.1);
        fs::write(path, &text).expect("writing a fixture manifest");
        return text;
    }
    text
}

/// Packages a minimal library named `name` at `version` whose one
/// function returns `answer` (different answers, different bytes), written
/// on the spot for names the fixtures directory cannot hold, such as two
/// spellings of one canonical name. The `.crate` is copied out of cargo's
/// target directory, so a later package of the same version cannot
/// overwrite it.
#[track_caller]
pub fn package_minimal(sandbox: &Sandbox, name: &str, version: &str, answer: u32) -> PathBuf {
    let dir = sandbox.path(&format!("packages/minimal-{name}-{version}-{answer}"));
    fs::create_dir_all(dir.join("src")).expect("creating a minimal crate");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2024\"\n\
         description = \"A minimal crate written by crategate's tests\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = [\"cg\"]\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("writing a minimal manifest");
    let lib = format!(
        "//! Written by crategate's tests.\n\n/// A fixed answer.\n\
         pub fn answer() -> u32 {{\n    {answer}\n}}\n"
    );
    fs::write(dir.join("src/lib.rs"), lib).expect("writing a minimal library");
    let packaged = package_dir(sandbox, &dir, name, version);
    let kept = sandbox.path(&format!("made/{answer}"));
    fs::create_dir_all(&kept).expect("creating a directory for made crates");
    let kept = kept.join(packaged.file_name().expect("a .crate file name"));
    fs::copy(&packaged, &kept).expect("keeping a made crate");
    kept
}

#[track_caller]
fn package_dir(sandbox: &Sandbox, dir: &Path, name: &str, version: &str) -> PathBuf {
    sandbox
        .cargo(dir, &["package", "--allow-dirty", "--quiet"])
        .success();
    let crate_file = sandbox.path(&format!("target/package/{name}-{version}.crate"));
    assert!(
        crate_file.is_file(),
        "cargo package made no {}",
        crate_file.display()
    );
    crate_file
}

/// A consumer project copied into the sandbox.
pub struct Consumer<'a> {
    sandbox: &'a Sandbox,
    dir: PathBuf,
}

impl<'a> Consumer<'a> {
    /// Copies consumer `fixture` into the sandbox directory `dir_name`.
    pub fn new(sandbox: &'a Sandbox, mode: Mode, fixture: &str, dir_name: &str) -> Self {
        let dir = sandbox.path(dir_name);
        copy_tree(&fixtures_dir().join("consumers").join(fixture), &dir);
        adapt_manifest(&dir.join("Cargo.toml"), mode);
        Self { sandbox, dir }
    }

    /// Runs cargo in the consumer's directory.
    pub fn cargo(&self, args: &[&str]) -> Outcome {
        self.sandbox.cargo(&self.dir, args)
    }

    /// `cargo build`, then runs the built binary and returns its stdout.
    #[track_caller]
    pub fn build_and_run(&self, build_args: &[&str]) -> String {
        let mut args = vec!["build"];
        args.extend_from_slice(build_args);
        self.cargo(&args).success();
        self.run_built()
    }

    /// Runs the binary the last build made.
    #[track_caller]
    pub fn run_built(&self) -> String {
        let binary = self.sandbox.path("target/debug/cg-consumer");
        super::run::run(&mut self.sandbox.command(binary))
            .success()
            .stdout
    }

    /// The versions of `package` the consumer's `Cargo.lock` pins.
    pub fn locked_versions(&self, package: &str) -> Vec<String> {
        let text = fs::read_to_string(self.dir.join("Cargo.lock")).expect("reading Cargo.lock");
        let lock: toml::Table = text.parse().expect("Cargo.lock is TOML");
        lock.get("package")
            .and_then(toml::Value::as_array)
            .expect("Cargo.lock lists packages")
            .iter()
            .filter(|p| p.get("name").and_then(toml::Value::as_str) == Some(package))
            .map(|p| {
                p.get("version")
                    .and_then(toml::Value::as_str)
                    .expect("a locked package has a version")
                    .to_owned()
            })
            .collect()
    }
}
