//! What git tells a `pre-receive` or `post-receive` hook on stdin: one
//! `<old> <new> <ref>` line per ref, an all-zero id for "none" (an
//! all-zero old id creates the ref, an all-zero new id deletes it).

use std::fmt;

use crate::git::Oid;

/// One ref update of a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// Where the ref was; `None` when the push creates it.
    pub old: Option<Oid>,
    /// Where the ref goes; `None` when the push deletes it.
    pub new: Option<Oid>,
    /// The full ref name, e.g. `refs/heads/main`.
    pub refname: String,
}

/// A stdin line that is not `<old> <new> <ref>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hook input line {line} is not `<old-id> <new-id> <ref>`: {text:?}")]
pub struct BadUpdate {
    pub line: usize,
    pub text: String,
}

impl fmt::Display for RefUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = |o: Option<Oid>| {
            o.map_or_else(|| "(none)".to_owned(), |o| o.to_string()[..12].to_owned())
        };
        write!(f, "{} {}..{}", self.refname, id(self.old), id(self.new))
    }
}

/// Parses a hook's stdin. Blank lines are skipped; anything else that is
/// not a well-formed update is an error (the hook then refuses: it cannot
/// judge what it cannot read).
pub fn parse_updates(input: &str) -> Result<Vec<RefUpdate>, BadUpdate> {
    input
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, text)| {
            let bad = || BadUpdate {
                line: i + 1,
                text: text.chars().take(200).collect(),
            };
            let mut fields = text.split(' ');
            let (Some(old), Some(new), Some(refname), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(bad());
            };
            if !refname.starts_with("refs/") {
                return Err(bad());
            }
            Ok(RefUpdate {
                old: object_id(old).map_err(|()| bad())?,
                new: object_id(new).map_err(|()| bad())?,
                refname: refname.to_owned(),
            })
        })
        .collect()
}

/// A full hex object id (SHA-1 or SHA-256), all zeros meaning none.
fn object_id(hex: &str) -> Result<Option<Oid>, ()> {
    if !(hex.len() == 40 || hex.len() == 64) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(());
    }
    if hex.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    Oid::from_str(hex).map(Some).map_err(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const ZERO: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn creations_updates_and_deletions() {
        let input = format!(
            "{ZERO} {A} refs/heads/main\n\n{A} {B} refs/tags/v1\n{B} {ZERO} refs/heads/old\n"
        );
        let updates = parse_updates(&input).expect("valid");
        assert_eq!(updates.len(), 3);
        assert_eq!(updates[0].old, None);
        assert_eq!(updates[0].new.map(|o| o.to_string()), Some(A.to_owned()));
        assert_eq!(updates[1].refname, "refs/tags/v1");
        assert_eq!(updates[2].new, None);
    }

    #[test]
    fn anything_else_is_refused_with_its_line() {
        for bad in [
            format!("{A} {B}"),
            format!("{A} {B} main"),
            format!("{A} {B} refs/heads/a extra"),
            format!("{A} xyz refs/heads/main"),
            format!("{A}  {B} refs/heads/main"),
        ] {
            let err = parse_updates(&format!("{ZERO} {A} refs/heads/ok\n{bad}\n")).expect_err(&bad);
            assert_eq!(err.line, 2, "{bad}");
        }
    }
}
