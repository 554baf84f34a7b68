//! The publication log: the index history read as who published, yanked
//! or unyanked which version, when, and from which crate-repository
//! commit.
//!
//! Format read (what crategate writes): publication commits list one
//! `Add|Yank|Unyank <name> <version>` line per change in their body and
//! end in the trailers `Crate-Commit: <id>` and `Pushed-By: <identity>`;
//! `crategate index` commits say `Add <name> <version>`, `Yank …`,
//! `Unyank …` in their subject, or `Add <n> versions` followed by
//! `<name> <version>` lines; the first commit is `Create the registry
//! index`. Lines that match none of these are not events.

use semver::Version;
use serde::Serialize;

use crate::crate_name::canonical;
use crate::git::CommitRecord;
use crate::index::CRATE_COMMIT_TRAILER;
use crate::publish::PUSHER_TRAILER;

/// The first commit's subject (`crategate init`).
const CREATED: &str = "Create the registry index";

/// What an index commit did to one version (or to the index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Publish,
    Yank,
    Unyank,
}

impl Action {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Publish => "publish",
            Self::Yank => "yank",
            Self::Unyank => "unyank",
        }
    }
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The index commit that recorded it.
    pub index_commit: String,
    /// Commit time, RFC 3339 in UTC.
    pub time: String,
    pub action: Action,
    /// Crate name and version (`None` for `create`).
    pub name: Option<String>,
    pub version: Option<String>,
    /// The pusher's identity, when the commit records one.
    pub pushed_by: Option<String>,
    /// The crate-repository commit published from, when recorded.
    pub crate_commit: Option<String>,
}

/// The events of `history` (newest first), only those of crate `name`
/// (compared canonically) when given.
#[must_use]
pub fn events(history: &[CommitRecord], name: Option<&str>) -> Vec<Event> {
    let wanted = name.map(canonical);
    let mut out = Vec::new();
    for commit in history {
        let time = jiff::Timestamp::from_second(commit.time)
            .map_or_else(|_| commit.time.to_string(), |t| t.to_string());
        let pushed_by = trailer(&commit.message, PUSHER_TRAILER);
        let crate_commit = trailer(&commit.message, CRATE_COMMIT_TRAILER);
        for (action, subject) in changes(&commit.message) {
            if let (Some(wanted), Some((name, _))) = (&wanted, &subject)
                && canonical(name) != *wanted
            {
                continue;
            }
            if wanted.is_some() && subject.is_none() {
                continue;
            }
            let (name, version) = subject.unzip();
            out.push(Event {
                index_commit: commit.id.to_string(),
                time: time.clone(),
                action,
                name,
                version,
                pushed_by: pushed_by.clone(),
                crate_commit: crate_commit.clone(),
            });
        }
    }
    out
}

type Change = (Action, Option<(String, String)>);

/// What one commit message says was done.
fn changes(message: &str) -> Vec<Change> {
    let mut lines = message.lines();
    let subject = lines.next().unwrap_or_default().trim();
    if subject == CREATED {
        return vec![(Action::Create, None)];
    }
    if let Some(change) = verb_line(subject) {
        return vec![change];
    }
    // `Add 3 versions` from `crategate index add`: bare `name version`
    // lines follow.
    let bare_adds = subject.starts_with("Add ") && subject.ends_with(" versions");
    let mut out = Vec::new();
    for line in lines.map(str::trim) {
        if let Some(change) = verb_line(line) {
            out.push(change);
        } else if bare_adds && let Some(pair) = name_version(line) {
            out.push((Action::Publish, Some(pair)));
        }
    }
    out
}

/// `Add|Yank|Unyank <name> <version>`.
fn verb_line(line: &str) -> Option<Change> {
    let (verb, rest) = line.split_once(' ')?;
    let action = match verb {
        "Add" => Action::Publish,
        "Yank" => Action::Yank,
        "Unyank" => Action::Unyank,
        _ => return None,
    };
    Some((action, Some(name_version(rest)?)))
}

/// `<name> <version>` with a crate name and a semver version.
fn name_version(text: &str) -> Option<(String, String)> {
    let (name, version) = text.split_once(' ')?;
    crate::crate_name::CrateName::new(name).ok()?;
    Version::parse(version).ok()?;
    Some((name.to_owned(), version.to_owned()))
}

/// The value of the last `key: value` line.
fn trailer(message: &str, key: &str) -> Option<String> {
    message.lines().rev().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(": "))
            .map(|v| v.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::Oid;

    fn commit(message: &str) -> CommitRecord {
        CommitRecord {
            id: Oid::ZERO_SHA1,
            time: 1_700_000_000,
            message: message.to_owned(),
        }
    }

    fn summary(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} by {} from {}",
                    e.action.as_str(),
                    e.name.as_deref().unwrap_or("-"),
                    e.version.as_deref().unwrap_or("-"),
                    e.pushed_by.as_deref().unwrap_or("-"),
                    e.crate_commit.as_deref().unwrap_or("-"),
                )
            })
            .collect()
    }

    #[test]
    fn every_message_crategate_writes() {
        let history = [
            commit(
                "Publish 2 versions, yank 1 version\n\nAdd foo 1.0.0\nAdd Bar_b 0.1.0-rc.1\nYank foo 0.9.0\n\nCrate-Commit: abc\nPushed-By: alice\n",
            ),
            commit("Record crate repository state\n\nCrate-Commit: def\n"),
            commit("Unyank foo 0.9.0"),
            commit("Add 2 versions\n\nbaz 1.0.0\nfoo 0.9.0"),
            commit("Add qux 2.0.0"),
            commit(CREATED),
        ];
        assert_eq!(
            summary(&events(&history, None)),
            [
                "publish foo 1.0.0 by alice from abc",
                "publish Bar_b 0.1.0-rc.1 by alice from abc",
                "yank foo 0.9.0 by alice from abc",
                "unyank foo 0.9.0 by - from -",
                "publish baz 1.0.0 by - from -",
                "publish foo 0.9.0 by - from -",
                "publish qux 2.0.0 by - from -",
                "create - - by - from -",
            ]
        );
        assert_eq!(
            summary(&events(&history, Some("bar-B"))),
            ["publish Bar_b 0.1.0-rc.1 by alice from abc"]
        );
        assert_eq!(events(&history, None)[0].time, "2023-11-14T22:13:20Z");
    }
}
