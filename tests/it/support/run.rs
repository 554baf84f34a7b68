//! Running a child process with a bounded wait and asserting on how it
//! ended, with failure messages that show the command and everything it
//! printed.

use std::fmt;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any single command of these tests may run (a cold cargo
/// build of the tiny fixtures takes seconds); past it the child is killed
/// and the test fails instead of hanging.
const COMMAND_TIMEOUT: Duration = Duration::from_mins(5);

/// How a finished command ended.
pub struct Outcome {
    pub command: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.command)?;
        writeln!(f, "status:  {}", self.status)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

impl Outcome {
    /// Asserts the command exited 0.
    #[track_caller]
    pub fn success(self) -> Self {
        assert!(self.status.success(), "expected success\n{self}");
        self
    }

    /// Asserts the command ran and exited non-zero.
    #[track_caller]
    pub fn failure(self) -> Self {
        assert!(
            self.status.code().is_some_and(|code| code != 0),
            "expected a non-zero exit code\n{self}"
        );
        self
    }

    /// Asserts the command exited with `code`.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.status.code(),
            Some(code),
            "expected exit code {code}\n{self}"
        );
        self
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Self {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}\n{self}"
        );
        self
    }
}

/// Runs `command` to completion (stdin closed), capturing its output.
/// Panics if it cannot start or outlives [`COMMAND_TIMEOUT`].
#[track_caller]
pub fn run(command: &mut Command) -> Outcome {
    run_with_input(command, None)
}

/// [`run`], with `input` written to the command's stdin.
#[track_caller]
pub fn run_with_input(command: &mut Command, input: Option<&str>) -> Outcome {
    let shown = describe(command);
    let stdin = if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    };
    let mut child = command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    if let (Some(text), Some(mut pipe)) = (input, child.stdin.take()) {
        let text = text.to_owned();
        thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, text.as_bytes());
        });
    }
    let stdout = drain(child.stdout.take().expect("stdout was piped"));
    let stderr = drain(child.stderr.take().expect("stderr was piped"));
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on a child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("timed out after {COMMAND_TIMEOUT:?}: {shown}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        command: shown,
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn describe(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = command.get_current_dir() {
        shown.push_str("  (in ");
        shown.push_str(&dir.to_string_lossy());
        shown.push(')');
    }
    shown
}
