//! Hostile pushes through the real hooks, table-driven: every case is a
//! push that crategate must refuse, with the rule ids it must name, and
//! after which neither repository may have changed (crate repository
//! refs, index tip, index files). A refused push changes nothing, so the
//! cases of a table share one hosted registry and run one after another
//! from the same base commit.

mod containers;
mod naming;
mod sources;
mod tarball;

use crate::support::forge::Forge;
use crate::support::hooked::{Clone, Hosted, Setup, State, default_policy};
use crate::support::run::Outcome;

/// What a hostile push does in the attacker's clone, in order.
enum Step {
    Put(String, Vec<u8>),
    Remove(String),
    /// A symbolic link committed as such: `(path, target)`.
    Symlink(String, String),
    Commit,
}

/// One hostile push.
pub struct Case {
    pub what: &'static str,
    steps: Vec<Step>,
    /// `(file, rule)`: error lines the server must print.
    expect: Vec<(String, &'static str)>,
}

impl Case {
    pub fn new(what: &'static str) -> Self {
        Self {
            what,
            steps: Vec::new(),
            expect: Vec::new(),
        }
    }

    /// A push of one file `file` refused with `rule` naming it.
    pub fn file(what: &'static str, file: &str, bytes: Vec<u8>, rule: &'static str) -> Self {
        Self::new(what).put(file, bytes).refused(file, rule)
    }

    pub fn put(mut self, path: &str, bytes: Vec<u8>) -> Self {
        self.steps.push(Step::Put(path.to_owned(), bytes));
        self
    }

    pub fn remove(mut self, path: &str) -> Self {
        self.steps.push(Step::Remove(path.to_owned()));
        self
    }

    pub fn symlink(mut self, path: &str, target: &str) -> Self {
        self.steps
            .push(Step::Symlink(path.to_owned(), target.to_owned()));
        self
    }

    /// Commits what the steps so far changed (the push ends with a commit
    /// of the rest).
    pub fn commit(mut self) -> Self {
        self.steps.push(Step::Commit);
        self
    }

    /// The server must print an error line for `file` naming `rule`.
    pub fn refused(mut self, file: &str, rule: &'static str) -> Self {
        self.expect.push((file.to_owned(), rule));
        self
    }

    /// Replays the steps in `clone` and commits.
    fn replay(&self, clone: &Clone<'_>) {
        let last = (!matches!(self.steps.last(), Some(Step::Commit))).then_some(&Step::Commit);
        for (n, step) in self.steps.iter().chain(last).enumerate() {
            match step {
                Step::Put(path, bytes) => clone.put(path, bytes),
                Step::Remove(path) => clone.remove(path),
                Step::Symlink(path, target) => clone.symlink(path, target),
                Step::Commit => {
                    clone.commit(&format!("{} ({n})", self.what));
                }
            }
        }
    }
}

/// The clean package `{name}-{version}.crate`: its file name and bytes.
pub fn clean(name: &str, version: &str) -> (String, Vec<u8>) {
    (
        format!("{name}-{version}.crate"),
        Forge::package(name, version).build(),
    )
}

/// A hosted registry under `policy` where `seed` (clean forged crates
/// `(name, version)`) was published by one accepted push.
pub fn seeded(policy: String, seed: &[(&str, &str)]) -> Hosted {
    let hosted = Hosted::with(&Setup {
        policy,
        ..Setup::default()
    });
    let clone = hosted.clone_as("seed");
    clone.put("README.md", b"# Hostile tests\n");
    for (name, version) in seed {
        let (file, bytes) = clean(name, version);
        clone.put(&file, &bytes);
    }
    clone.commit("seed");
    clone.push(&["origin", "main"]).success();
    for (name, version) in seed {
        let published = hosted.published(name);
        assert!(
            published.contains(&((*version).to_owned(), false)),
            "{name} {version} was not published: {published:?}"
        );
    }
    hosted
}

/// A registry under the default policy seeded with `seed`.
pub fn seeded_default(seed: &[(&str, &str)]) -> Hosted {
    seeded(default_policy(), seed)
}

/// Pushes every case from the tracked branch's tip and asserts each was
/// refused as expected and changed nothing; reports every failing case at
/// once. Afterwards both repositories pass `git fsck` and the index is in
/// step with the crate repository.
#[track_caller]
pub fn assert_all_refused(hosted: &Hosted, cases: &[Case]) {
    let clone = hosted.clone_as("attacker");
    let base = hosted.state();
    let mut failures = Vec::new();
    for case in cases {
        clone.git(&["reset", "--quiet", "--hard", "origin/main"]);
        clone.git(&["clean", "-qfdx"]);
        case.replay(&clone);
        let outcome = clone.push(&["origin", "main"]);
        if let Err(why) = judge(&outcome, case, &base, &hosted.state()) {
            failures.push(format!("case `{}`: {why}\n{outcome}", case.what));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile pushes went wrong:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    hosted.assert_fsck();
    hosted.sync(&["--check"]).success();
}

/// Why a case's outcome is not a clean refusal, if it is not.
fn judge(outcome: &Outcome, case: &Case, base: &State, now: &State) -> Result<(), String> {
    if outcome.status.success() {
        return Err("the push was accepted".to_owned());
    }
    if !outcome.stderr.contains("pre-receive hook declined") {
        return Err("the push failed, but not by pre-receive".to_owned());
    }
    if outcome.stderr.contains("panicked") {
        return Err("crategate panicked".to_owned());
    }
    for (file, rule) in &case.expect {
        let found = outcome.stderr.lines().any(|l| {
            l.starts_with(&format!("remote: error: {file} ")) && l.contains(&format!("[{rule}]"))
        });
        if !found {
            return Err(format!("no error line for {file} [{rule}]"));
        }
    }
    if now != base {
        return Err(format!(
            "the repositories changed\nbefore: {base:?}\nafter:  {now:?}"
        ));
    }
    Ok(())
}
