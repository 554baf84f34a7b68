//! Publication on a full disk: the index repository lives on a small
//! tmpfs filled to the last byte when a push arrives. The push stands
//! (git accepted it before `post-receive` ran) and its answer says that
//! publishing failed and how to repair it; the index is still the old one
//! and sound; once space is freed, `crategate sync` publishes what is
//! missing and the next push publishes normally.
//!
//! Mounting needs root (CI runs as root). Elsewhere the test makes the
//! index's pack directory read-only instead, which fails the same write.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::forge::Forge;
use crate::support::full_disk::SmallDisk;
use crate::support::hooked::Hosted;

/// A failure injected under the index's writes, undone by [`Fault::heal`].
enum Fault {
    Full(SmallDisk),
    ReadOnly(PathBuf),
}

impl Fault {
    /// A full disk under `index` if one can be mounted, else a read-only
    /// pack directory; panics if neither stops a write.
    fn inject(index: &Path) -> Self {
        match SmallDisk::mount_over(index, 16 << 20) {
            Ok(disk) => {
                disk.fill();
                Self::Full(disk)
            }
            Err(why) => {
                eprintln!("no tmpfs ({}): making objects/pack read-only", why.trim());
                let pack = index.join("objects/pack");
                fs::set_permissions(&pack, fs::Permissions::from_mode(0o555))
                    .expect("making the pack directory read-only");
                let probe = pack.join("probe");
                assert!(
                    fs::write(&probe, b"x").is_err(),
                    "cannot inject a write failure here: no tmpfs and {} stays writable",
                    pack.display()
                );
                Self::ReadOnly(pack)
            }
        }
    }

    fn heal(&self) {
        match self {
            Self::Full(disk) => disk.free(),
            Self::ReadOnly(pack) => fs::set_permissions(pack, fs::Permissions::from_mode(0o755))
                .expect("making the pack directory writable"),
        }
    }
}

/// Asserts every pack of the index has its index file and the reverse: a
/// failed write left no half-made pack that git would trip on.
fn assert_packs_whole(index: &Path) {
    let pack_dir = index.join("objects/pack");
    let names: Vec<String> = fs::read_dir(&pack_dir)
        .expect("reading the pack directory")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for name in &names {
        for (ext, other) in [(".pack", ".idx"), (".idx", ".pack")] {
            if let Some(stem) = name.strip_suffix(ext) {
                let twin = format!("{stem}{other}");
                assert!(names.contains(&twin), "{name} without {twin}: {names:?}");
            }
        }
    }
}

/// Pushes the forged crate `name` 1.0.0 from `dir_name`; returns the
/// outcome (the push itself must be accepted).
fn push_crate(hosted: &Hosted, dir_name: &str, name: &str) -> crate::support::run::Outcome {
    let clone = hosted.clone_as(dir_name);
    let bytes = Forge::package(name, "1.0.0").build();
    clone.put(&format!("{name}-1.0.0.crate"), &bytes);
    let head = clone.commit(&format!("add {name}"));
    let pushed = clone.push(&["origin", "main"]).success();
    assert_eq!(hosted.tip(), Some(head), "the push stands\n{pushed}");
    pushed
}

#[test]
fn a_full_disk_fails_publication_cleanly_and_sync_repairs_it() {
    let hosted = Hosted::new();
    push_crate(&hosted, "first", "cg-before");
    let index = hosted.registry.index_dir().to_owned();
    let old_index = hosted.registry.tip();
    let fault = Fault::inject(&index);

    let pushed = push_crate(&hosted, "second", "cg-full");

    assert!(
        pushed
            .stderr
            .contains("remote: error: crategate: publishing failed"),
        "{pushed}"
    );
    assert!(pushed.stderr.contains("crategate sync --repo"), "{pushed}");
    assert_eq!(hosted.registry.tip(), old_index);
    assert!(hosted.lines("cg-full").is_empty());
    hosted.assert_fsck();
    assert_packs_whole(&index);
    let drift = hosted.sync(&["--check"]).code(1);
    assert!(
        drift
            .stdout
            .contains("drift: cg-full 1.0.0 is missing from the index"),
        "{drift}"
    );
    let still_full = hosted.sync(&[]).failure();
    assert_eq!(hosted.registry.tip(), old_index, "{still_full}");
    hosted.assert_fsck();

    fault.heal();
    let repaired = hosted.sync(&[]).success();
    assert!(
        repaired.stdout.contains("Added cg-full 1.0.0"),
        "{repaired}"
    );
    hosted.sync(&["--check"]).success();
    assert_eq!(hosted.published("cg-before"), [("1.0.0".to_owned(), false)]);
    assert_eq!(hosted.published("cg-full"), [("1.0.0".to_owned(), false)]);
    let pushed = push_crate(&hosted, "third", "cg-after");
    assert!(
        pushed
            .stderr
            .contains("remote: crategate: published cg-after 1.0.0"),
        "{pushed}"
    );
    hosted.assert_fsck();
    assert_packs_whole(&index);
    drop(fault);
}
