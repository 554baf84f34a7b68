//! One isolated world per test: a temporary directory holding its own
//! `HOME`, git configuration, `CARGO_HOME` and cargo target directory.
//! Every child process starts from an empty environment plus exactly what
//! is set here, so nothing from the developer's machine (proxies, git
//! identity, cargo config, registries) leaks in.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::registry::{Mode, Options};
use super::run::{Outcome, run};

/// A test's private directory tree and the environment built on it.
pub struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("crategate-it-")
            .tempdir()
            .expect("creating the test's temporary directory");
        let sandbox = Self { root };
        let home = sandbox.path("home");
        fs::create_dir_all(&home).expect("creating HOME");
        fs::create_dir_all(sandbox.path("cargo-home")).expect("creating CARGO_HOME");
        // libgit2 reads $HOME/.gitconfig, git reads GIT_CONFIG_GLOBAL: both
        // see the same file.
        fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = crategate tests\n\temail = tests@crategate.invalid\n\
             [init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        )
        .expect("writing the git configuration");
        sandbox
    }

    /// `rel` inside the sandbox.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// Points cargo at the index at `index_url`: as the alternate
    /// registry `cg`, or as the replacement of crates.io for a mirror.
    /// An index that requires authentication gets cargo's plain token
    /// provider (see [`Sandbox::store_token`]).
    pub fn configure_registry(&self, index_url: &str, options: Options) {
        let registry = match options.mode {
            Mode::Mirror => format!(
                "[source.crates-io]\nreplace-with = \"cg-mirror\"\n\n\
                 [source.cg-mirror]\nregistry = \"{index_url}\"\n"
            ),
            Mode::Alternate => format!("[registries.cg]\nindex = \"{index_url}\"\n"),
        };
        let provider = if options.auth_required {
            "\n[registry]\nglobal-credential-providers = [\"cargo:token\"]\n"
        } else {
            ""
        };
        let config = format!(
            "{registry}{provider}\n[net]\ngit-fetch-with-cli = false\nretry = 0\n\n\
             [http]\ntimeout = 30\n"
        );
        fs::write(self.path("cargo-home/config.toml"), config).expect("writing cargo config");
    }

    /// Gives cargo `token` for the registry `cg`.
    pub fn store_token(&self, token: &str) {
        fs::write(
            self.path("cargo-home/credentials.toml"),
            format!("[registries.cg]\ntoken = \"{token}\"\n"),
        )
        .expect("writing cargo credentials");
    }

    /// `program` with the sandbox's environment and no other.
    pub fn command(&self, program: impl Into<OsString>) -> Command {
        let mut command = Command::new(program.into());
        command.env_clear();
        for name in ["PATH", "RUSTUP_TOOLCHAIN", "RUSTUP_AUTO_INSTALL", "TMPDIR"] {
            if let Some(value) = env::var_os(name) {
                command.env(name, value);
            }
        }
        let home = self.path("home");
        command
            .env("RUSTUP_HOME", rustup_home())
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &home)
            .env("CARGO_HOME", self.path("cargo-home"))
            .env("CARGO_TARGET_DIR", self.path("target"))
            .env("CARGO_TERM_COLOR", "never")
            .env("LC_ALL", "C")
            .current_dir(self.root.path());
        command
    }

    /// Runs the crategate binary under test.
    #[track_caller]
    pub fn crategate(&self, args: &[&str]) -> Outcome {
        run(self.command(env!("CARGO_BIN_EXE_crategate")).args(args))
    }

    /// Runs git and insists it succeeds.
    /// The registry `crategate demo --keep` leaves: `crates.git`,
    /// `index.git`, `pages/`, `work/` (a clone), `target/package/`.
    #[track_caller]
    pub fn demo_registry(&self) -> PathBuf {
        let keep = self.path("registry");
        self.crategate(&["demo", "--keep", &keep.to_string_lossy()])
            .success();
        keep
    }

    #[track_caller]
    pub fn git(&self, args: &[&str]) -> Outcome {
        run(self.command("git").args(args)).success()
    }

    /// Runs cargo in `dir`.
    #[track_caller]
    pub fn cargo(&self, dir: &Path, args: &[&str]) -> Outcome {
        run(self.command(cargo_program()).args(args).current_dir(dir))
    }
}

/// The cargo that runs these tests (`CARGO` is set by `cargo test`).
fn cargo_program() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Where rustup keeps toolchains: needed because `HOME` moves.
fn rustup_home() -> OsString {
    env::var_os("RUSTUP_HOME").unwrap_or_else(|| {
        let home = env::var_os("HOME").expect("HOME or RUSTUP_HOME is set");
        Path::new(&home).join(".rustup").into_os_string()
    })
}

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())) {
        let entry = entry.expect("reading a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copying to {}: {e}", target.display()));
        }
    }
}
