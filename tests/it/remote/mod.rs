//! A remote index: the crate repository's hooks reach the index
//! repository only through git, over smart HTTP on 127.0.0.1 (lighttpd
//! and `git http-backend` with basic authentication), as when the index
//! is a project on another host. The index's account `indexbot` gets its
//! password from a token variable (`install --index-token-env`), never
//! from a file.

mod log;
mod publish;
mod race;
mod runtime;
mod unreachable;

use std::cell::RefCell;
use std::path::Path;

use crate::support::hooked::{Hosted, Setup};
use crate::support::run::{Outcome, run};
use crate::support::sandbox::Sandbox;
use crate::support::web::GitHttpServer;

/// The variable holding the index token in the hooks' environment.
pub const TOKEN_ENV: &str = "INDEX_TOKEN";
/// The index account's password: the token.
pub const TOKEN: &str = "bot-s3cret-token";
/// The pusher's identity variable of these setups.
pub const PUSHER_ENV: &str = "PUSHER";

/// A hosted crate repository whose index is served over smart HTTP.
pub struct RemoteHosted {
    // Declared first so the server stops before the sandbox is deleted.
    server: RefCell<Option<GitHttpServer>>,
    pub hosted: Hosted,
    /// The index URL of the server last started.
    url: RefCell<String>,
}

impl RemoteHosted {
    /// `crates.git` with the hooks, its index at [`Self::index_url`].
    pub fn new() -> Self {
        let hosted = Hosted::with(&Setup {
            identity_env: Some(PUSHER_ENV),
            ..Setup::default()
        });
        let server = start_server(hosted.sandbox());
        let remote = Self {
            url: RefCell::new(index_url(&server)),
            server: RefCell::new(Some(server)),
            hosted,
        };
        remote.install(remote.hosted.repo(), &[]).success();
        remote
    }

    pub fn sandbox(&self) -> &Sandbox {
        self.hosted.sandbox()
    }

    /// The index's URL (of the server last started).
    pub fn index_url(&self) -> String {
        self.url.borrow().clone()
    }

    /// The URL of repository `rel` on the running server, for `user`.
    pub fn url(&self, user: &str, password: &str, rel: &str) -> String {
        self.server
            .borrow()
            .as_ref()
            .expect("the server is running")
            .url(user, password, rel)
    }

    /// `crategate install` of the hooks into `repo` with the index URL.
    pub fn install(&self, repo: &Path, extra: &[&str]) -> Outcome {
        let url = self.index_url();
        let policy = self.sandbox().path("policy.toml");
        let mut args = vec!["install", "--repo", utf8(repo), "--index", &url];
        args.extend(["--policy", utf8(&policy), "--identity-env", PUSHER_ENV]);
        args.extend(["--index-token-env", TOKEN_ENV]);
        args.extend_from_slice(extra);
        self.crategate(&args)
    }

    /// crategate with the token in its environment: under the name the
    /// hook configuration gives, and under the one the command line reads
    /// by default (`CRATEGATE_INDEX_TOKEN`).
    pub fn crategate(&self, args: &[&str]) -> Outcome {
        run(self
            .sandbox()
            .command(env!("CARGO_BIN_EXE_crategate"))
            .env(TOKEN_ENV, TOKEN)
            .env("CRATEGATE_INDEX_TOKEN", TOKEN)
            .args(args))
    }

    /// Stops the index host.
    pub fn stop_server(&self) {
        self.server.replace(None);
    }

    /// Starts the index host again (on a new port).
    pub fn restart_server(&self) {
        let server = start_server(self.sandbox());
        self.url.replace(index_url(&server));
        self.server.replace(Some(server));
    }
}

/// The index's URL on `server`: the account, never its password.
fn index_url(server: &GitHttpServer) -> String {
    server
        .url("indexbot", "", "index.git")
        .replace("indexbot:@", "indexbot@")
}

/// Serves every repository of the sandbox (the index among them); only
/// `indexbot` with the token gets in.
fn start_server(sandbox: &Sandbox) -> GitHttpServer {
    let root = sandbox.path("");
    GitHttpServer::start(
        sandbox,
        &root,
        &[("indexbot", TOKEN), ("alice", "alice-pw")],
    )
}

/// The environment of a push by `who` (a local push: it reaches the hooks).
pub fn pusher(who: &str) -> [(&str, &str); 2] {
    [(PUSHER_ENV, who), (TOKEN_ENV, TOKEN)]
}

/// Asserts the token appears in no file under `dir`.
#[track_caller]
pub fn assert_no_secret_under(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("reading a directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            assert_no_secret_under(&path);
        } else if let Ok(bytes) = std::fs::read(&path) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "the token was written to {}",
                path.display()
            );
        }
    }
}

pub fn utf8(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
