//! The objects of one index commit: a blob per changed file, each tree
//! on the changed paths (the parent's entries with the changes applied),
//! and the commit.
//!
//! A tree is its entries sorted by name, a directory's name compared as
//! if it ended in `/`; each entry is `<octal mode> <name>\0` and the
//! entry's 20-byte id. A commit is `tree <id>`, a `parent <id>` line per
//! parent, `author` and `committer` lines (`<name> <<email>> <seconds>
//! <±hhmm>`), an empty line and the message.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;

use git2::{Oid, Repository, Signature, Tree};

use super::{Kind, Object};
use crate::git::store::Change;

/// The git file modes an index holds.
const MODE_FILE: i32 = 0o100_644;
const MODE_TREE: i32 = 0o040_000;

/// The files and subdirectories a commit changes in one directory.
#[derive(Default)]
struct Dir<'a> {
    files: BTreeMap<&'a str, Oid>,
    dirs: BTreeMap<&'a str, Dir<'a>>,
}

/// The new objects of the commit that applies `changes` to `parent`'s
/// tree, with `message`: no two alike, the commit last.
pub(crate) fn build_commit(
    repo: &Repository,
    parent: Option<(Oid, &Tree<'_>)>,
    changes: &[Change],
    message: &str,
) -> Result<Vec<Object>, git2::Error> {
    let mut out = Objects::default();
    let mut root = Dir::default();
    for change in changes {
        let blob = out.add(Object::new(Kind::Blob, change.content.clone()));
        let mut parts: Vec<&str> = change.path.split('/').collect();
        let file = parts.pop().expect("split yields at least one part");
        let dir = parts
            .into_iter()
            .fold(&mut root, |dir, part| dir.dirs.entry(part).or_default());
        dir.files.insert(file, blob);
    }
    let tree = write_tree(repo, parent.map(|(_, tree)| tree), &root, &mut out)?;
    let sig = Signature::now("crategate", "crategate@localhost")?;
    let mut commit = format!("tree {tree}\n");
    if let Some((id, _)) = parent {
        let _ = writeln!(commit, "parent {id}");
    }
    for role in ["author", "committer"] {
        let _ = writeln!(commit, "{role} {}", signature(&sig));
    }
    commit.push('\n');
    commit.push_str(message);
    out.add(Object::new(Kind::Commit, commit.into_bytes()));
    Ok(out.objects)
}

/// The objects so far, each once.
#[derive(Default)]
struct Objects {
    objects: Vec<Object>,
    seen: HashSet<Oid>,
}

impl Objects {
    fn add(&mut self, object: Object) -> Oid {
        let id = object.id;
        if self.seen.insert(id) {
            self.objects.push(object);
        }
        id
    }
}

/// Writes the tree of `base` (none: empty) with `dir`'s changes, and the
/// changed subtrees under it; returns its id. The base's entries are
/// already in git's order: the few changed ones are merged into them in
/// one pass, so a directory of 20,000 crates costs a copy, not a sort.
fn write_tree(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    dir: &Dir<'_>,
    out: &mut Objects,
) -> Result<Oid, git2::Error> {
    let mut changed: BTreeMap<&str, (i32, Oid)> = dir
        .files
        .iter()
        .map(|(name, blob)| (*name, (MODE_FILE, *blob)))
        .collect();
    for (name, sub) in &dir.dirs {
        let sub_base = match base.and_then(|tree| tree.get_name(name)) {
            Some(entry) if entry.filemode() == MODE_TREE => Some(repo.find_tree(entry.id())?),
            _ => None,
        };
        let id = write_tree(repo, sub_base.as_ref(), sub, out)?;
        changed.insert(name, (MODE_TREE, id));
    }
    let mut news: Vec<(&[u8], i32, Oid)> = changed
        .iter()
        .map(|(name, (mode, id))| (name.as_bytes(), *mode, *id))
        .collect();
    news.sort_by(|a, b| sort_key(a.0, a.1).cmp(sort_key(b.0, b.1)));
    let mut news = news.into_iter().peekable();
    let mut data = Vec::new();
    let kept = base.into_iter().flat_map(Tree::iter).filter(|e| {
        std::str::from_utf8(e.name_bytes()).map_or(true, |name| !changed.contains_key(name))
    });
    for entry in kept {
        let (name, mode) = (entry.name_bytes(), entry.filemode());
        while let Some(new) = news.next_if(|n| sort_key(n.0, n.1).lt(sort_key(name, mode))) {
            push_entry(&mut data, new.0, new.1, new.2);
        }
        push_entry(&mut data, name, mode, entry.id());
    }
    for new in news {
        push_entry(&mut data, new.0, new.1, new.2);
    }
    Ok(out.add(Object::new(Kind::Tree, data)))
}

/// One tree entry: `<octal mode> <name>\0<id>`.
fn push_entry(data: &mut Vec<u8>, name: &[u8], mode: i32, id: Oid) {
    let _ = write!(data, "{mode:o} ");
    data.extend_from_slice(name);
    data.push(0);
    data.extend_from_slice(id.as_bytes());
}

/// How git orders a tree's entries: by name, a directory's as if it
/// ended in `/`.
fn sort_key(name: &[u8], mode: i32) -> impl Iterator<Item = u8> + '_ {
    let slash = (mode == MODE_TREE).then_some(b'/');
    name.iter().copied().chain(slash)
}

/// `Name <email> seconds ±hhmm`, as a commit header has it.
fn signature(sig: &Signature<'_>) -> String {
    let when = sig.when();
    let offset = when.offset_minutes();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.unsigned_abs();
    format!(
        "{} <{}> {} {sign}{:02}{:02}",
        String::from_utf8_lossy(sig.name_bytes()),
        String::from_utf8_lossy(sig.email_bytes()),
        when.seconds(),
        offset / 60,
        offset % 60
    )
}
