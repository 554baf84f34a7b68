//! `.crate` files the hook tests push, made once per test binary with real
//! `cargo package` and kept in memory (no test leaves files behind).
//!
//! Each crate is a minimal library whose `answer()` returns a number fixed
//! per crate, so a consumer can print which crates it was built with. One
//! workspace holds every crate of the shelf, packaged by a single cargo
//! run; `cg-same` exists twice (same version, other bytes), so its second
//! copy is packaged in a workspace of its own.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use super::registry::Options;
use super::sandbox::Sandbox;

/// How many distinct `cg-race-NN` crates the shelf holds.
pub const RACERS: usize = 20;

/// What `answer()` of `cg-race-NN` returns: `RACE_ANSWER + NN`.
pub const RACE_ANSWER: u32 = 100;

/// The license of the crate the default policy refuses.
const REFUSED_LICENSE: &str = "GPL-3.0-only";

/// One crate to package.
struct Spec {
    name: String,
    answer: u32,
    license: &'static str,
}

impl Spec {
    fn new(name: &str, answer: u32) -> Self {
        Self {
            name: name.to_owned(),
            answer,
            license: "MIT OR Apache-2.0",
        }
    }
}

/// The packaged crates, by file name.
pub struct Shelf {
    files: BTreeMap<String, Vec<u8>>,
    /// The second `cg-same-1.0.0.crate`.
    other_same: Vec<u8>,
}

impl Shelf {
    /// The bytes of `{name}-1.0.0.crate` (every shelf crate is at 1.0.0).
    #[track_caller]
    pub fn bytes(&self, name: &str) -> &[u8] {
        let file = file_name(name);
        self.files
            .get(&file)
            .unwrap_or_else(|| panic!("the shelf has no {file}"))
    }

    /// `cg-same-1.0.0.crate` with other bytes than [`Shelf::bytes`] gives.
    pub fn other_same(&self) -> &[u8] {
        &self.other_same
    }
}

/// `{name}-1.0.0.crate`.
pub fn file_name(name: &str) -> String {
    format!("{name}-1.0.0.crate")
}

/// `cg-race-NN`.
pub fn racer(n: usize) -> String {
    format!("cg-race-{n:02}")
}

/// The shelf, packaged on first use.
pub fn shelf() -> &'static Shelf {
    static SHELF: OnceLock<Shelf> = OnceLock::new();
    SHELF.get_or_init(|| {
        let sandbox = Sandbox::new();
        sandbox.configure_registry("file:///nonexistent/index.git", Options::default());
        let mut specs = vec![
            Spec::new("cg-alpha", 1),
            Spec::new("cg-beta", 2),
            Spec::new("cg-same", 10),
        ];
        specs.push(Spec {
            license: REFUSED_LICENSE,
            ..Spec::new("cg-gpl", 3)
        });
        specs.extend((0..RACERS).map(|n| Spec::new(&racer(n), RACE_ANSWER + n as u32)));
        let files = package_workspace(&sandbox, "shelf", &specs);
        let mut other = package_workspace(&sandbox, "other", &[Spec::new("cg-same", 20)]);
        let other_same = other
            .remove(&file_name("cg-same"))
            .expect("the second workspace packaged cg-same");
        assert_ne!(files[&file_name("cg-same")], other_same);
        Shelf { files, other_same }
    })
}

/// Writes a workspace of `specs` in `dir_name`, packages every member in
/// one `cargo package --workspace` and reads the `.crate` files back.
/// `--no-verify`: the crates are built for real by the consumers of the
/// tests that publish them.
fn package_workspace(
    sandbox: &Sandbox,
    dir_name: &str,
    specs: &[Spec],
) -> BTreeMap<String, Vec<u8>> {
    let root = sandbox.path(dir_name);
    let mut members = String::new();
    for spec in specs {
        write_member(&root.join(&spec.name), spec);
        let _ = write!(members, "\"{}\", ", spec.name);
    }
    let manifest = format!("[workspace]\nresolver = \"3\"\nmembers = [{members}]\n");
    fs::write(root.join("Cargo.toml"), manifest).expect("writing the workspace manifest");
    let target = sandbox.path(&format!("{dir_name}-target"));
    let target_arg = target.to_str().expect("temporary paths are UTF-8");
    sandbox
        .cargo(
            &root,
            &[
                "package",
                "--workspace",
                "--no-verify",
                "--allow-dirty",
                "--quiet",
                "--target-dir",
                target_arg,
            ],
        )
        .success();
    specs
        .iter()
        .map(|spec| {
            let file = file_name(&spec.name);
            let bytes = fs::read(target.join("package").join(&file))
                .unwrap_or_else(|e| panic!("cargo package made no {file}: {e}"));
            (file, bytes)
        })
        .collect()
}

fn write_member(dir: &Path, spec: &Spec) {
    fs::create_dir_all(dir.join("src")).expect("creating a shelf crate");
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"1.0.0\"\nedition = \"2024\"\n\
         description = \"A crate written by crategate's hook tests\"\n\
         license = \"{}\"\n",
        spec.name, spec.license
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("writing a shelf manifest");
    let lib = format!(
        "//! Written by crategate's hook tests.\n\n/// A fixed answer.\n\
         pub fn answer() -> u32 {{\n    {}\n}}\n",
        spec.answer
    );
    fs::write(dir.join("src/lib.rs"), lib).expect("writing a shelf library");
}
