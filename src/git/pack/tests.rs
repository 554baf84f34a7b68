use git2::build::TreeUpdateBuilder;
use git2::{FileMode, Repository};

use super::*;
use crate::git::git_command;
use crate::git::store::Change;

#[test]
fn entry_headers_carry_type_and_size() {
    let header = |kind, size| {
        let mut out = Vec::new();
        entry_header(&mut out, kind, size);
        out
    };
    assert_eq!(header(3, 5), [0x35]);
    assert_eq!(header(3, 21), [0xb5, 0x01]);
    assert_eq!(header(2, 0x1234), [0xa4, 0xa3, 0x02]);
}

#[test]
fn object_ids_are_gits() {
    // `git hash-object` of "hello\n", and of the empty tree.
    let blob = Object::new(Kind::Blob, b"hello\n".to_vec());
    assert_eq!(
        blob.id.to_string(),
        "ce013625030ba8dba906f756967f9e9ca394464a"
    );
    let tree = Object::new(Kind::Tree, Vec::new());
    assert_eq!(
        tree.id.to_string(),
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    );
}

fn change(path: &str, content: &str) -> Change {
    Change {
        path: path.to_owned(),
        content: content.as_bytes().to_vec(),
    }
}

fn git_ok(git_dir: &Path, args: &[&str]) -> String {
    let out = git_command(git_dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The tree libgit2 builds for the same changes, as the reference.
fn libgit2_tree(repo: &Repository, base: Option<&git2::Tree<'_>>, changes: &[Change]) -> Oid {
    let mut update = TreeUpdateBuilder::new();
    for c in changes {
        let blob = repo.blob(&c.content).expect("blob");
        update.upsert(c.path.as_str(), blob, FileMode::Blob);
    }
    let empty;
    let base = if let Some(base) = base {
        base
    } else {
        empty = repo
            .find_tree(
                repo.treebuilder(None)
                    .and_then(|b| b.write())
                    .expect("tree"),
            )
            .expect("empty tree");
        &empty
    };
    update.create_updated(repo, base).expect("updated tree")
}

#[test]
fn commits_match_libgit2s_trees_and_pass_fsck() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = Repository::init_bare(dir.path()).expect("init");
    // Names that sort differently as files and as directories (`a.b`
    // before `a/`, `a-` before `a.`), deep and shallow paths.
    let first = [
        change("config.json", "{}\n"),
        change("a/b/abcd", "1\n"),
        change("a.b", "2\n"),
        change("a-b/c", "3\n"),
        change("1/x", "4\n"),
        change("3/q/qrs", "5\n"),
    ];
    let objects = build_commit(&repo, None, &first, "first\n\nbody\n").expect("build");
    write(dir.path(), &objects).expect("write");
    let commit_id = objects.last().expect("commit").id;
    let commit = repo.find_commit(commit_id).expect("the commit is readable");
    assert_eq!(commit.tree_id(), libgit2_tree(&repo, None, &first));
    assert_eq!(commit.message().ok(), Some("first\n\nbody\n"));
    assert_eq!(commit.author().name().ok(), Some("crategate"));
    assert_eq!(commit.parent_count(), 0);

    // A second commit on it: one file changed deep down, one added.
    let tree = commit.tree().expect("tree");
    let second = [change("a/b/abcd", "1 changed\n"), change("a/bz", "6\n")];
    let objects = build_commit(&repo, Some((commit_id, &tree)), &second, "second").expect("build");
    // Only what changed is new: two blobs, trees `a/b`, `a` and the root,
    // and the commit.
    assert_eq!(objects.len(), 6);
    write(dir.path(), &objects).expect("write");
    let next = repo
        .find_commit(objects.last().expect("commit").id)
        .expect("readable");
    assert_eq!(next.parent_id(0).expect("parent"), commit_id);
    assert_eq!(next.tree_id(), libgit2_tree(&repo, Some(&tree), &second));

    git_ok(
        dir.path(),
        &["update-ref", "refs/heads/main", &next.id().to_string()],
    );
    git_ok(dir.path(), &["fsck", "--full", "--strict"]);
    for pack in std::fs::read_dir(dir.path().join("objects/pack")).expect("pack dir") {
        let path = pack.expect("entry").path();
        if path.extension().is_some_and(|e| e == "idx") {
            git_ok(dir.path(), &["verify-pack", path.to_str().expect("utf-8")]);
        }
    }
}

#[test]
fn the_same_content_twice_is_one_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = Repository::init_bare(dir.path()).expect("init");
    let changes = [change("x/one", "same\n"), change("y/two", "same\n")];
    let objects = build_commit(&repo, None, &changes, "twins").expect("build");
    // One blob, trees `x`, `y` and the root, and the commit.
    assert_eq!(objects.len(), 5);
    write(dir.path(), &objects).expect("write");
    git_ok(
        dir.path(),
        &["update-ref", "refs/heads/main", &objects[4].id.to_string()],
    );
    git_ok(dir.path(), &["fsck", "--full", "--strict"]);
}

#[test]
fn offsets_past_two_gibibytes_go_to_the_large_table() {
    let id = |b| Oid::from_bytes(&[b; 20]).expect("id");
    let entries = vec![
        Entry {
            id: id(0x22),
            crc: 7,
            offset: 5 << 30,
        },
        Entry {
            id: id(0x11),
            crc: 9,
            offset: 12,
        },
    ];
    let idx = index(entries, &[0xaa; 20]);
    let fanout = |i: usize| u32::from_be_bytes(idx[8 + i * 4..12 + i * 4].try_into().expect("4"));
    assert_eq!(
        (fanout(0x10), fanout(0x11), fanout(0x21), fanout(0x22)),
        (0, 1, 1, 2)
    );
    assert_eq!(fanout(255), 2);
    let names = 8 + 1024;
    assert_eq!(&idx[names..names + 20], &[0x11; 20]);
    let crcs = names + 40;
    assert_eq!(&idx[crcs..crcs + 8], &[0, 0, 0, 9, 0, 0, 0, 7]);
    let offsets = crcs + 8;
    assert_eq!(&idx[offsets..offsets + 8], &[0, 0, 0, 12, 0x80, 0, 0, 0]);
    let large = offsets + 8;
    assert_eq!(&idx[large..large + 8], &(5u64 << 30).to_be_bytes());
    assert_eq!(&idx[large + 8..large + 28], &[0xaa; 20]);
    assert_eq!(idx.len(), large + 48);
    assert_eq!(
        &idx[large + 28..],
        Sha1::digest(&idx[..large + 28]).as_slice()
    );
}

#[test]
fn changes_merge_into_a_large_directory_in_gits_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = Repository::init_bare(dir.path()).expect("init");
    // A directory `kN` beside files `kN.t` and `kN-t`, which sort before
    // it (`-` and `.` come before `/`), and after `kN` as a file would.
    let name = |i: usize| match i % 3 {
        0 => format!("d/k{}/f", i / 3),
        1 => format!("d/k{}.t", i / 3),
        _ => format!("d/k{}-t", i / 3),
    };
    let first: Vec<Change> = (0..300)
        .step_by(2)
        .map(|i| change(&name(i), "x\n"))
        .collect();
    let objects = build_commit(&repo, None, &first, "base").expect("build");
    write(dir.path(), &objects).expect("write");
    let base = repo
        .find_commit(objects.last().expect("commit").id)
        .expect("commit");
    let tree = base.tree().expect("tree");
    // Odd names are new, every tenth even one changes.
    let second: Vec<Change> = (0..300)
        .filter(|i| i % 2 == 1 || i % 10 == 0)
        .map(|i| change(&name(i), "y\n"))
        .collect();
    let objects = build_commit(&repo, Some((base.id(), &tree)), &second, "more").expect("build");
    write(dir.path(), &objects).expect("write");
    let next = repo
        .find_commit(objects.last().expect("commit").id)
        .expect("commit");
    assert_eq!(next.tree_id(), libgit2_tree(&repo, Some(&tree), &second));
    git_ok(
        dir.path(),
        &["update-ref", "refs/heads/main", &next.id().to_string()],
    );
    git_ok(dir.path(), &["fsck", "--full", "--strict"]);
}
