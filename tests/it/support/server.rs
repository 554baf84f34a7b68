//! A real static HTTP server (python3's `http.server`) on 127.0.0.1,
//! serving one directory, started by a test and killed when dropped.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long the server may take to report its port.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running static file server.
pub struct StaticServer {
    child: Child,
    port: u16,
}

impl StaticServer {
    /// Serves `dir`, logging requests to `log`. The OS picks the port
    /// (port 0) and the server prints it on its first line.
    ///
    /// Started with the test runner's own environment, not a sandbox's:
    /// python may be a shim that needs the real `HOME`.
    pub fn start(dir: &Path, log: &Path) -> Self {
        let log = File::create(log).expect("creating the server log");
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .arg("0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting python3 -m http.server");
        let stdout = child.stdout.take().expect("stdout was piped");
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        // From here on `server` owns the child, so a panic kills it.
        let mut server = Self { child, port: 0 };
        let line = receiver
            .recv_timeout(STARTUP_TIMEOUT)
            .expect("http.server reports its port in time");
        server.port = parse_port(&line)
            .unwrap_or_else(|| panic!("no port in http.server's banner: {line:?}"));
        server
    }

    /// `http://127.0.0.1:PORT` with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in `Serving HTTP on 127.0.0.1 port 41234 (http://…) ...`.
fn parse_port(banner: &str) -> Option<u16> {
    let after = banner.split(" port ").nth(1)?;
    after.split_whitespace().next()?.parse().ok()
}
