//! A registry as a git server hosts it: an index made by `crategate init`,
//! a bare crate repository with the hooks of `crategate install`, an
//! export directory that plays the static pages (the `dl` template points
//! into it), and a publisher's clone of the crate repository.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::registry::{Mode, Options};
use crate::support::run::{Outcome, run};
use crate::support::sandbox::{Sandbox, copy_tree};

/// A hosted registry in its own sandbox.
pub struct Hosted {
    pub sandbox: Sandbox,
    pub index: PathBuf,
    pub crates: PathBuf,
    pub export: PathBuf,
    pub clone: PathBuf,
    /// The URL cargo reaches the index under (`file://`).
    pub index_url: String,
}

impl Hosted {
    /// Sets up the registry with `policy` (a file of `policies/`) and
    /// points the sandbox's cargo at it.
    pub fn new(mode: Mode, policy: &str) -> Self {
        Self::configured(Self::serve(mode, policy), mode)
    }

    /// [`Self::new`] with a sharded crate repository (`init --layout
    /// sharded`, `dl` through `{lowerprefix}`).
    pub fn sharded(mode: Mode, policy: &str) -> Self {
        Self::configured(Self::set_up(mode, policy, true), mode)
    }

    fn configured(hosted: Self, mode: Mode) -> Self {
        let options = Options {
            mode,
            auth_required: false,
        };
        hosted
            .sandbox
            .configure_registry(&hosted.index_url, options);
        hosted
    }

    /// Sets up the registry only; cargo is not told about it.
    pub fn serve(mode: Mode, policy: &str) -> Self {
        Self::set_up(mode, policy, false)
    }

    fn set_up(mode: Mode, policy: &str, sharded: bool) -> Self {
        let sandbox = Sandbox::new();
        let index = sandbox.path("index.git");
        let crates = sandbox.path("crates.git");
        let export = sandbox.path("export");
        let clone = sandbox.path("clone");
        let index_url = format!("file://{}", index.display());
        let (layout, shard) = if sharded {
            ("sharded", "{lowerprefix}/")
        } else {
            ("flat", "")
        };
        let dl = format!(
            "file://{}/crates/{shard}{{crate}}-{{version}}.crate",
            export.display()
        );
        let mode_arg = if mode == Mode::Mirror {
            "mirror"
        } else {
            "alternate"
        };
        sandbox
            .crategate(&[
                "init",
                "--index",
                s(&index),
                "--dl",
                &dl,
                "--index-url",
                &index_url,
                "--mode",
                mode_arg,
                "--layout",
                layout,
            ])
            .success();
        sandbox.git(&["init", "-q", "--bare", "-b", "main", s(&crates)]);
        let policy_file = sandbox.path("policy.toml");
        let policy_text = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("policies")
                .join(policy),
        )
        .expect("reading an example policy");
        fs::write(&policy_file, policy_text).expect("writing the policy");
        sandbox
            .crategate(&[
                "install",
                "--repo",
                s(&crates),
                "--index",
                s(&index),
                "--policy",
                s(&policy_file),
                "--export",
                s(&export),
            ])
            .success();
        sandbox.git(&["clone", "-q", s(&crates), s(&clone)]);
        Self {
            sandbox,
            index,
            crates,
            export,
            clone,
            index_url,
        }
    }

    /// Runs crategate in `dir`.
    pub fn crategate_in(&self, dir: &Path, args: &[&str]) -> Outcome {
        run(self
            .sandbox
            .command(env!("CARGO_BIN_EXE_crategate"))
            .args(args)
            .current_dir(dir))
    }

    /// Copies fixture `tests/fixtures/publisher/{name}` to `dir_name` in
    /// the sandbox, as a committed git work tree.
    pub fn fixture(&self, name: &str, dir_name: &str) -> PathBuf {
        let dir = self.sandbox.path(dir_name);
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/publisher")
                .join(name),
            &dir,
        );
        fs::write(dir.join(".gitignore"), "/target\n").expect("writing .gitignore");
        self.git_in(&dir, &["init", "-q"]);
        self.git_in(&dir, &["add", "-A"]);
        self.git_in(&dir, &["commit", "-q", "-m", "fixture"]);
        dir
    }

    /// git in the work tree `dir`.
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> Outcome {
        let mut all = vec!["-C", s(dir)];
        all.extend_from_slice(args);
        self.sandbox.git(&all)
    }

    /// The files on the crate repository's branch.
    pub fn crate_files(&self) -> Vec<String> {
        let mut git = self.sandbox.command("git");
        git.args([
            "--git-dir",
            s(&self.crates),
            "ls-tree",
            "-r",
            "--name-only",
            "main",
        ]);
        // Before the first push the branch does not exist: no files.
        run(&mut git).stdout.lines().map(str::to_owned).collect()
    }

    /// The index file of `path` on the index branch.
    pub fn index_file(&self, path: &str) -> String {
        self.sandbox
            .git(&["--git-dir", s(&self.index), "show", &format!("main:{path}")])
            .stdout
    }
}

/// A temporary path as a `&str`.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
