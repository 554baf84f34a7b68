//! `crategate demo`: a whole registry in a temporary directory, narrated.
//!
//! Two bare repositories (crates and index) with the hooks installed and
//! `policies/default.toml`; real `cargo package` and real `git push`; an
//! export directory plays the static pages; real cargo builds a project
//! against the registry at the end. Needs only git and cargo.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

use super::process::checked;
use super::{Outcome, install};
use crate::index::Index;
use crate::index::config::{CargoConfig, RegistryMode, Settings};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Build the registry here and leave it to explore (an empty or new directory).
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
}

/// Registry name in cargo's configuration.
const REGISTRY: &str = "demo";

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let temp;
    let root = if let Some(dir) = &args.keep {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        if std::fs::read_dir(dir)?.next().is_some() {
            bail!(
                "{} is not empty; give --keep a new or empty directory",
                dir.display()
            );
        }
        dir.canonicalize()?
    } else {
        temp = tempfile::Builder::new()
            .prefix("crategate-demo-")
            .tempdir()?;
        temp.path().to_owned()
    };
    let demo = Demo::new(&root);
    demo.run()?;
    match &args.keep {
        Some(dir) => println!(
            "\nThe registry is in {}: crates.git, index.git, pages/ (the static pages), work/ (a clone).",
            dir.display()
        ),
        None => {
            println!("\n(Run `crategate demo --keep DIR` to keep the registry and explore it.)");
        }
    }
    Ok(Outcome::Done)
}

struct Demo {
    root: PathBuf,
}

impl Demo {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn run(&self) -> anyhow::Result<()> {
        println!(
            "crategate demo: a private registry in {}",
            self.root.display()
        );
        self.set_up()?;
        step("2. Package demo-greet 0.1.0 with `cargo package` and push it.");
        self.write_crate("demo-greet", "0.1.0", "", GREET_LIB, "MIT OR Apache-2.0")?;
        self.publish("demo-greet", "0.1.0", true)?;
        step(
            "3. Package demo-shout 0.1.0, which depends on demo-greet through the registry, and push it.",
        );
        let dep = format!(
            "[dependencies]\ndemo-greet = {{ version = \"0.1\", registry = \"{REGISTRY}\" }}\n"
        );
        self.write_crate("demo-shout", "0.1.0", &dep, SHOUT_LIB, "MIT")?;
        self.publish("demo-shout", "0.1.0", true)?;
        step(
            "4. Push a crate the policy refuses (a GPL licence, no description): nothing changes.",
        );
        self.write_crate("demo-copyleft", "0.1.0", "", GREET_LIB, "GPL-3.0-only")?;
        self.publish("demo-copyleft", "0.1.0", false)?;
        step("5. Publish demo-greet 0.2.0, then delete its .crate: the version is yanked.");
        self.write_crate("demo-greet", "0.2.0", "", GREET_LIB, "MIT OR Apache-2.0")?;
        self.publish("demo-greet", "0.2.0", true)?;
        self.git(&["rm", "-q", "demo-greet-0.2.0.crate"])?;
        self.git(&["commit", "-q", "-m", "Yank demo-greet 0.2.0"])?;
        self.push()?;
        let line = Index::open(&self.path("index.git"))?;
        let view = line.view()?;
        let yanked = view
            .crates_like(&crate::crate_name::CrateName::new("demo-greet")?)?
            .into_iter()
            .flat_map(|c| c.versions)
            .filter(|v| v.yanked)
            .map(|v| v.vers.to_string())
            .collect::<Vec<_>>();
        println!(
            "   index: demo-greet yanked versions: {}",
            yanked.join(", ")
        );
        step(
            "6. Build a project with cargo against the registry (cargo picks demo-greet 0.1.0, not the yanked 0.2.0).",
        );
        self.consumer()?;
        Ok(())
    }

    fn set_up(&self) -> anyhow::Result<()> {
        step(
            "1. Create the index repository and the crate repository; install the hooks with policies/default.toml.",
        );
        let index = self.path("index.git");
        let pages = self.path("pages");
        let index_url = file_url(&index);
        let config = CargoConfig {
            dl: format!("{}/crates/{{crate}}-{{version}}.crate", file_url(&pages)),
            api: None,
            auth_required: false,
        };
        Index::init(
            &index,
            &config,
            Settings::new(&index_url, RegistryMode::Alternate)?,
        )?;
        checked(
            Command::new("git")
                .args(["init", "-q", "--bare", "-b", "main"])
                .arg(self.path("crates.git")),
            None,
        )?;
        let policy = self.path("policy.toml");
        std::fs::write(&policy, crate::policy::DEFAULT_POLICY)?;
        install::install(&install::Args {
            repo: self.path("crates.git"),
            index: index.clone().into(),
            remote: install::RemoteArgs::default(),
            policy,
            branch: Some("main".into()),
            identity_env: None,
            server: install::Server::Plain,
            update_server_info: false,
            export: Some(pages),
            binary: None,
            force: false,
        })?;
        checked(
            Command::new("git")
                .args(["clone", "-q"])
                .arg(self.path("crates.git"))
                .arg(self.path("work")),
            None,
        )?;
        let cargo_home = self.path("cargo-home");
        std::fs::create_dir_all(&cargo_home)?;
        std::fs::write(
            cargo_home.join("config.toml"),
            format!("[registries.{REGISTRY}]\nindex = \"{index_url}\"\n"),
        )?;
        println!(
            "   index.git (git index at {index_url}), crates.git with pre-receive and post-receive hooks, pages/ as the static pages"
        );
        Ok(())
    }

    fn write_crate(
        &self,
        name: &str,
        version: &str,
        deps: &str,
        lib: &str,
        license: &str,
    ) -> anyhow::Result<()> {
        let dir = self.path(&format!("src/{name}-{version}"));
        std::fs::create_dir_all(dir.join("src"))?;
        let description = if license.starts_with("GPL") {
            String::new()
        } else {
            format!("description = \"The {name} crate of the crategate demo\"\n")
        };
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"{license}\"\n{description}publish = [\"{REGISTRY}\"]\n\n{deps}"
            ),
        )?;
        std::fs::write(dir.join("src/lib.rs"), lib)?;
        checked(
            self.cargo(&dir).args([
                "package",
                "--quiet",
                "--no-verify",
                "--allow-dirty",
                "--registry",
                REGISTRY,
            ]),
            None,
        )?;
        let file = format!("{name}-{version}.crate");
        let packaged = self.path("target/package").join(&file);
        std::fs::copy(&packaged, self.path("work").join(&file))
            .with_context(|| format!("copying {}", packaged.display()))?;
        Ok(())
    }

    /// Commits the new `.crate` and pushes; shows what the server said.
    fn publish(&self, name: &str, version: &str, expect_accepted: bool) -> anyhow::Result<()> {
        let file = format!("{name}-{version}.crate");
        self.git(&["add", &file])?;
        self.git(&["commit", "-q", "-m", &format!("Publish {name} {version}")])?;
        let accepted = self.push()?;
        if accepted != expect_accepted {
            bail!(
                "the push of {file} was unexpectedly {}",
                if accepted { "accepted" } else { "refused" }
            );
        }
        if !accepted {
            // Undo the refused commit so the clone matches the server again.
            self.git(&["reset", "-q", "--hard", "origin/main"])?;
        }
        Ok(())
    }

    /// Pushes `main`, prints the server's lines, returns whether accepted.
    fn push(&self) -> anyhow::Result<bool> {
        let out = self
            .git_command()
            .args(["push", "-q", "origin", "HEAD:main"])
            .output()
            .context("running git push")?;
        for line in String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.starts_with("remote:"))
        {
            println!("   {}", line.trim_end());
        }
        println!(
            "   git push: {}",
            if out.status.success() {
                "accepted"
            } else {
                "refused"
            }
        );
        Ok(out.status.success())
    }

    fn consumer(&self) -> anyhow::Result<()> {
        let dir = self.path("src/hello");
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ndemo-shout = {{ version = \"0.1\", registry = \"{REGISTRY}\" }}\n"
            ),
        )?;
        std::fs::write(
            dir.join("src/main.rs"),
            "fn main() {\n    println!(\"{}\", demo_shout::shout(\"registry\"));\n}\n",
        )?;
        let out = checked(self.cargo(&dir).args(["run", "--quiet"]), None)?;
        println!(
            "   cargo run: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
        let lock = std::fs::read_to_string(dir.join("Cargo.lock"))?;
        let greet = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"demo-greet\""))
            .and_then(|p| p.lines().find(|l| l.starts_with("version")))
            .unwrap_or("version = ?");
        println!(
            "   Cargo.lock: demo-greet {}",
            greet.trim_start_matches("version = ").trim_matches('"')
        );
        Ok(())
    }

    fn git(&self, args: &[&str]) -> anyhow::Result<Output> {
        checked(self.git_command().args(args), None)
    }

    fn git_command(&self) -> Command {
        let mut command = crate::git::git_command(&self.path("work/.git"));
        command
            .arg("--work-tree")
            .arg(self.path("work"))
            .args([
                "-c",
                "user.name=Demo Publisher",
                "-c",
                "user.email=publisher@demo.invalid",
            ])
            .current_dir(self.path("work"));
        command
    }

    fn cargo(&self, dir: &Path) -> Command {
        let mut command = Command::new("cargo");
        command
            .current_dir(dir)
            .env("CARGO_HOME", self.path("cargo-home"))
            .env("CARGO_TARGET_DIR", self.path("target"))
            .env("CARGO_TERM_COLOR", "never");
        command
    }
}

fn step(text: &str) {
    println!("\n{text}");
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

const GREET_LIB: &str =
    "/// A greeting.\npub fn greet(name: &str) -> String {\n    format!(\"hello, {name}\")\n}\n";
const SHOUT_LIB: &str = "/// A loud greeting.\npub fn shout(name: &str) -> String {\n    demo_greet::greet(name).to_uppercase() + \"!\"\n}\n";
