//! A private registry as cargo sees it: an index repository made by
//! `crategate init`, a directory of `.crate` files behind the `dl`
//! template, and cargo's configuration naming the registry `cg`.
//!
//! Two ways to reach it, as in production:
//! - [`Protocol::Git`]: cargo clones the bare index over `file://` and
//!   downloads `.crate` files over `file://`;
//! - [`Protocol::Sparse`]: a static HTTP server on 127.0.0.1 serves the
//!   index repository's files under `/index/` and the `.crate` files under
//!   `/crates/`. The served tree is re-materialized from the index branch
//!   after every change.

use std::cell::Cell;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::fixtures::{self, Consumer};
use super::run::{Outcome, run};
use super::sandbox::Sandbox;
use super::server::StaticServer;

/// How cargo reaches the index.
#[derive(Debug, Clone, Copy)]
pub enum Protocol {
    Git,
    Sparse,
}

/// What the index is to cargo: crategate's `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The registry `cg`, beside crates.io.
    Alternate,
    /// The replacement of crates.io.
    Mirror,
}

impl Mode {
    fn as_arg(self) -> &'static str {
        match self {
            Self::Alternate => "alternate",
            Self::Mirror => "mirror",
        }
    }
}

/// How the registry is set up beyond its protocol.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub mode: Mode,
    /// `--auth-required`: cargo must send a token on every request.
    pub auth_required: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: Mode::Alternate,
            auth_required: false,
        }
    }
}

/// Where cargo finds the index and the `.crate` files.
struct Endpoints {
    server: Option<StaticServer>,
    crates: PathBuf,
    index_url: String,
    dl: String,
}

impl Endpoints {
    fn new(sandbox: &Sandbox, protocol: Protocol, index: &Path) -> Self {
        let endpoints = match protocol {
            Protocol::Git => {
                let crates = sandbox.path("crates");
                Self {
                    server: None,
                    index_url: format!("file://{}", index.display()),
                    dl: format!("file://{}/{{crate}}-{{version}}.crate", crates.display()),
                    crates,
                }
            }
            Protocol::Sparse => {
                let www = sandbox.path("www");
                fs::create_dir_all(&www).expect("creating the served directory");
                let server = StaticServer::start(&www, &sandbox.path("http.log"));
                let base = server.base_url();
                Self {
                    server: Some(server),
                    crates: www.join("crates"),
                    index_url: format!("sparse+{base}/index/"),
                    dl: format!("{base}/crates/{{crate}}-{{version}}.crate"),
                }
            }
        };
        fs::create_dir_all(&endpoints.crates).expect("creating the crates directory");
        endpoints
    }
}

/// A registry under test, alive as long as this value.
pub struct Registry {
    // Declared first so the server stops before the sandbox is deleted.
    server: Option<StaticServer>,
    pub sandbox: Sandbox,
    index: PathBuf,
    crates: PathBuf,
    index_url: String,
    mode: Mode,
    /// Bumped on every re-materialization of the served index tree.
    generation: Cell<u64>,
}

impl Registry {
    /// Creates the alternate registry `cg`.
    pub fn new(protocol: Protocol) -> Self {
        Self::with(protocol, Options::default())
    }

    /// Creates the registry with `crategate init` and configures cargo.
    pub fn with(protocol: Protocol, options: Options) -> Self {
        let sandbox = Sandbox::new();
        let index = sandbox.path("index.git");
        let Endpoints {
            server,
            crates,
            index_url,
            dl,
        } = Endpoints::new(&sandbox, protocol, &index);
        let index_arg = index.to_str().expect("temporary paths are UTF-8");
        let mut init = vec!["init", "--index", index_arg, "--dl", &dl];
        init.extend(["--index-url", &index_url, "--mode", options.mode.as_arg()]);
        if options.auth_required {
            init.push("--auth-required");
        }
        sandbox.crategate(&init).success();
        sandbox.configure_registry(&index_url, options);
        let registry = Self {
            server,
            sandbox,
            index,
            crates,
            index_url,
            mode: options.mode,
            generation: Cell::new(0),
        };
        registry.refresh_served_index();
        registry
    }

    /// Runs `crategate <args…> --index <this index> <rest…>` and, if it
    /// succeeded, brings the served tree up to date.
    pub fn crategate_index(&self, subcommand: &str, rest: &[&str]) -> Outcome {
        let index = self.index.to_str().expect("temporary paths are UTF-8");
        let mut args = vec!["index", subcommand, "--index", index];
        args.extend_from_slice(rest);
        let outcome = self.sandbox.crategate(&args);
        if outcome.status.success() {
            self.refresh_served_index();
        }
        outcome
    }

    /// The bare index repository.
    pub fn index_dir(&self) -> &Path {
        &self.index
    }

    /// The URL cargo knows the index by.
    pub fn index_url(&self) -> &str {
        &self.index_url
    }

    /// `crategate index add` of `files`, as they are.
    pub fn add(&self, files: &[&Path]) -> Outcome {
        let names: Vec<&str> = files
            .iter()
            .map(|f| f.to_str().expect("temporary paths are UTF-8"))
            .collect();
        self.crategate_index("add", &names)
    }

    /// Makes `crate_file` downloadable and lists it in the index.
    #[track_caller]
    pub fn publish(&self, crate_file: &Path) {
        let name = crate_file.file_name().expect("a .crate file name");
        fs::copy(crate_file, self.crates.join(name)).expect("copying into the crates directory");
        self.add(&[crate_file]).success();
    }

    /// Packages the fixture `name` at `version` with real cargo against
    /// this registry, then publishes it. Returns the `.crate` path.
    #[track_caller]
    pub fn publish_fixture(&self, name: &str, version: &str) -> PathBuf {
        let crate_file = fixtures::package(&self.sandbox, self.mode, name, version);
        self.publish(&crate_file);
        crate_file
    }

    /// Publishes every fixture at 1.0.0, dependencies first.
    pub fn publish_all_fixtures(&self) {
        for name in fixtures::IN_DEPENDENCY_ORDER {
            self.publish_fixture(name, "1.0.0");
        }
    }

    /// A copy of consumer project `fixture` in directory `dir_name`.
    pub fn consumer(&self, fixture: &str, dir_name: &str) -> Consumer<'_> {
        Consumer::new(&self.sandbox, self.mode, fixture, dir_name)
    }

    /// The commit the index branch points at.
    pub fn tip(&self) -> String {
        self.index_git(&["rev-parse", "refs/heads/main"])
            .stdout
            .trim()
            .to_owned()
    }

    /// Every file on the index branch.
    pub fn files(&self) -> Vec<String> {
        self.index_git(&["ls-tree", "-r", "--name-only", "refs/heads/main"])
            .stdout
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The content of `path` on the index branch.
    pub fn file(&self, path: &str) -> String {
        self.index_git(&["show", &format!("refs/heads/main:{path}")])
            .stdout
    }

    fn index_git(&self, args: &[&str]) -> Outcome {
        let git_dir = self.index.to_str().expect("temporary paths are UTF-8");
        let mut all = vec!["--git-dir", git_dir];
        all.extend_from_slice(args);
        self.sandbox.git(&all)
    }

    /// For a sparse registry, replaces the served index tree with the index
    /// branch's files, as a static pages host would after a push.
    ///
    /// Every file gets a modification time later than any before it, so
    /// the server never answers cargo's revalidation with a stale
    /// `304 Not Modified` when two updates fall in the same second.
    fn refresh_served_index(&self) {
        let Some(_) = self.server else { return };
        let served = self.sandbox.path("www/index");
        if served.exists() {
            fs::remove_dir_all(&served).expect("clearing the served index");
        }
        fs::create_dir_all(&served).expect("creating the served index");
        let archive = self.sandbox.path("index.tar");
        let archive_arg = archive.to_str().expect("temporary paths are UTF-8");
        self.index_git(&[
            "archive",
            "--format=tar",
            "-o",
            archive_arg,
            "refs/heads/main",
        ]);
        run(self
            .sandbox
            .command("tar")
            .arg("-xf")
            .arg(&archive)
            .arg("-C")
            .arg(&served))
        .success();
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + generation * 60);
        touch_tree(&served, mtime);
    }
}

fn touch_tree(dir: &Path, mtime: SystemTime) {
    for entry in fs::read_dir(dir).expect("reading the served index") {
        let entry = entry.expect("reading a directory entry");
        if entry.file_type().expect("file type").is_dir() {
            touch_tree(&entry.path(), mtime);
        } else {
            File::options()
                .write(true)
                .open(entry.path())
                .and_then(|f| f.set_modified(mtime))
                .expect("setting a served file's modification time");
        }
    }
}
