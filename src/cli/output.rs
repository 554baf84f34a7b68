//! How the publisher's commands talk: progress on stderr (redrawn in
//! place on a terminal, plain lines otherwise; silenced by `--quiet`), the server's `remote:` lines relayed as git printed
//! them, and at the end either a human summary or one JSON document on
//! stdout for CI (`--format json`).

use std::io::{IsTerminal as _, Write as _};

/// The summary's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Progress and results as text.
    Human,
    /// One JSON document on stdout; progress still goes to stderr.
    Json,
}

/// Output options shared by `publish`, `yank` and `mirror`.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// Print no progress lines (refusals and errors still show).
    #[arg(long, short)]
    pub quiet: bool,
    /// `json`: print one JSON summary on stdout, for CI.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// Progress and the relayed server answer.
#[derive(Debug, Clone)]
pub struct Output {
    quiet: bool,
    format: Format,
    terminal: bool,
}

impl Output {
    #[must_use]
    pub fn new(args: &OutputArgs) -> Self {
        Self {
            quiet: args.quiet,
            format: args.format,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A progress line, on stderr unless `--quiet`.
    pub fn progress(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A counted step of a long run, `[i/n] line`: redrawn in place on a
    /// terminal, one line each otherwise (logs, CI).
    pub fn step(&self, i: usize, n: usize, line: &str) {
        if self.quiet {
            return;
        }
        if self.terminal {
            let end = if i == n { "\n" } else { "" };
            eprint!("\r\x1b[2K[{i}/{n}] {line}{end}");
        } else {
            eprintln!("[{i}/{n}] {line}");
        }
    }

    /// A result line for people: stdout in human format, else stderr
    /// unless quiet (stdout then holds only the JSON document).
    pub fn result(&self, line: &str) {
        match self.format {
            Format::Human => println!("{line}"),
            Format::Json => self.progress(line),
        }
    }

    /// The JSON summary, when asked for.
    pub fn summary(&self, value: &serde_json::Value) {
        if self.format == Format::Json {
            println!(
                "{}",
                serde_json::to_string_pretty(value).expect("a JSON value serializes")
            );
        }
    }
}

/// The server's lines, verbatim, on stderr where git shows them. Shown
/// even with `--quiet`: they are the verdict.
pub fn relay(remote: &[String]) {
    let mut err = std::io::stderr().lock();
    for line in remote {
        let _ = writeln!(err, "{line}");
    }
}
