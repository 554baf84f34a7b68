//! Smart HTTP for git: lighttpd from Debian's packages (`.ci/run`
//! installs it) running `git http-backend` as a CGI on 127.0.0.1, with
//! basic authentication from a plain user file, so git's hooks see the
//! authenticated user as `REMOTE_USER`. Started on a free port with a
//! generated configuration and killed when dropped.

use std::fs::{self, File};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::run::run;
use super::sandbox::Sandbox;

/// How long lighttpd may take to accept connections.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// How often to try another port when the chosen one was taken meanwhile.
const PORT_TRIES: usize = 5;

/// Where Debian installs lighttpd, for when `/usr/sbin` is not on `PATH`.
const DEBIAN_LIGHTTPD: &str = "/usr/sbin/lighttpd";

/// A running lighttpd serving the git repositories of one directory.
pub struct GitHttpServer {
    child: Child,
    port: u16,
}

impl GitHttpServer {
    /// Serves every repository under `root` at `/git/<path>`, with the
    /// given `(user, password)` pairs allowed in.
    pub fn start(sandbox: &Sandbox, root: &Path, users: &[(&str, &str)]) -> Self {
        let users_file = sandbox.path("lighttpd/users");
        fs::create_dir_all(sandbox.path("lighttpd")).expect("creating lighttpd's directory");
        let users_text: Vec<String> = users.iter().map(|(u, p)| format!("{u}:{p}\n")).collect();
        fs::write(&users_file, users_text.concat()).expect("writing lighttpd's users");
        let mut last_log = String::new();
        for _ in 0..PORT_TRIES {
            let port = free_port();
            let config = sandbox.path("lighttpd/lighttpd.conf");
            fs::write(&config, configuration(sandbox, root, &users_file, port))
                .expect("writing lighttpd's configuration");
            let log = sandbox.path("lighttpd/console.log");
            let mut server = Self {
                child: spawn(sandbox, &config, &log),
                port,
            };
            if server.wait_until_listening() {
                return server;
            }
            last_log = fs::read_to_string(sandbox.path("lighttpd/error.log")).unwrap_or_default()
                + &fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("lighttpd did not start in {PORT_TRIES} tries; its logs:\n{last_log}");
    }

    /// The URL of repository `rel` (relative to the served root) for
    /// `user` with `password`.
    pub fn url(&self, user: &str, password: &str, rel: &str) -> String {
        format!("http://{user}:{password}@127.0.0.1:{}/git/{rel}", self.port)
    }

    /// Waits until the port accepts connections; `false` if lighttpd
    /// exited first (the port was taken) or never got there.
    fn wait_until_listening(&mut self) -> bool {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            if self.child.try_wait().expect("polling lighttpd").is_some() {
                return false;
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listened on a moment ago.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("finding a free port")
        .port()
}

fn spawn(sandbox: &Sandbox, config: &Path, log: &Path) -> Child {
    let log = File::create(log).expect("creating lighttpd's console log");
    sandbox
        .command(lighttpd())
        .arg("-D")
        .arg("-f")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("sharing the log"))
        .stderr(log)
        .spawn()
        .expect("starting lighttpd")
}

/// The lighttpd binary: on `PATH`, else where Debian puts it. Its absence
/// fails the test: CI installs it, and these tests must run there.
fn lighttpd() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("lighttpd"))
            .find(|candidate| candidate.is_file())
    });
    let found = on_path.unwrap_or_else(|| PathBuf::from(DEBIAN_LIGHTTPD));
    assert!(
        found.is_file(),
        "lighttpd is not installed: the smart HTTP push tests need it \
         (`apt-get install lighttpd`, which .ci/run does)"
    );
    found
}

/// The `git http-backend` of the git the tests run.
fn http_backend(sandbox: &Sandbox) -> PathBuf {
    let exec_path = run(sandbox.command("git").arg("--exec-path"))
        .success()
        .stdout;
    let backend = Path::new(exec_path.trim()).join("git-http-backend");
    assert!(backend.is_file(), "no {}", backend.display());
    backend
}

/// lighttpd's configuration: `/git/` runs `git http-backend` behind basic
/// authentication; the CGI gets the sandbox's git environment.
fn configuration(sandbox: &Sandbox, root: &Path, users: &Path, port: u16) -> String {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".to_owned());
    let env = [
        ("GIT_PROJECT_ROOT", quote(root)),
        ("GIT_HTTP_EXPORT_ALL", String::new()),
        ("PATH", no_escapes(&path)),
        ("HOME", quote(&sandbox.path("home"))),
        ("GIT_CONFIG_GLOBAL", quote(&sandbox.path("home/.gitconfig"))),
        ("GIT_CONFIG_NOSYSTEM", "1".to_owned()),
    ];
    let env: Vec<String> = env
        .iter()
        .map(|(key, value)| format!("\"{key}\" => \"{value}\""))
        .collect();
    format!(
        "server.document-root = \"{root}\"\n\
         server.bind = \"127.0.0.1\"\n\
         server.port = {port}\n\
         server.errorlog = \"{errors}\"\n\
         server.modules = (\"mod_alias\", \"mod_setenv\", \"mod_auth\", \"mod_authn_file\", \"mod_cgi\")\n\
         auth.backend = \"plain\"\n\
         auth.backend.plain.userfile = \"{users}\"\n\
         alias.url = (\"/git\" => \"{backend}\")\n\
         $HTTP[\"url\"] =~ \"^/git\" {{\n\
         \x20 cgi.assign = (\"\" => \"\")\n\
         \x20 auth.require = (\"\" => (\"method\" => \"basic\", \"realm\" => \"crategate\", \"require\" => \"valid-user\"))\n\
         \x20 setenv.set-environment = ({env})\n\
         }}\n",
        root = quote(root),
        errors = quote(&sandbox.path("lighttpd/error.log")),
        users = quote(users),
        backend = quote(&http_backend(sandbox)),
        env = env.join(", "),
    )
}

/// A path as a lighttpd string: temporary paths hold no quotes or
/// backslashes, which lighttpd would read as escapes.
fn quote(path: &Path) -> String {
    let text = path.to_str().expect("temporary paths are UTF-8");
    no_escapes(text)
}

fn no_escapes(text: &str) -> String {
    assert!(
        !text.contains(['"', '\\']),
        "{text:?} cannot go into a lighttpd string as it is"
    );
    text.to_owned()
}
