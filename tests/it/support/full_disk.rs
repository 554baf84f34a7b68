//! A directory moved onto a small file system of its own that a test can
//! fill to the last byte: a tmpfs mounted over the directory's place
//! (needs root, as CI runs), its old contents copied in. Unmounted when
//! dropped, even when the test fails.

use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::sandbox::copy_tree;

/// A directory living on its own tmpfs.
pub struct SmallDisk {
    dir: PathBuf,
    filler: PathBuf,
}

impl SmallDisk {
    /// Moves `dir` onto a fresh tmpfs of `bytes`, or says why it cannot
    /// (not root, no tmpfs, no `mount`).
    pub fn mount_over(dir: &Path, bytes: u64) -> Result<Self, String> {
        let aside = dir.with_extension("aside");
        fs::rename(dir, &aside).map_err(|e| format!("moving {}: {e}", dir.display()))?;
        fs::create_dir(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir)
            .output();
        match mounted {
            Ok(out) if out.status.success() => {}
            failed => {
                fs::remove_dir(dir).expect("removing the empty mount point");
                fs::rename(&aside, dir).expect("moving the directory back");
                return Err(match failed {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                    Err(e) => e.to_string(),
                });
            }
        }
        let disk = Self {
            dir: dir.to_owned(),
            filler: dir.join("filler"),
        };
        copy_tree(&aside, dir);
        fs::remove_dir_all(&aside).expect("removing the copied directory");
        Ok(disk)
    }

    /// Writes a filler file until the file system is full.
    pub fn fill(&self) {
        let mut file = File::create(&self.filler).expect("creating the filler");
        let block = vec![0xa5; 64 * 1024];
        let mut chunk = block.as_slice();
        loop {
            match file.write(chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(28) || e.kind() == ErrorKind::StorageFull => {
                    // Down to single bytes, so not even a small write fits.
                    if chunk.len() == 1 {
                        break;
                    }
                    chunk = &block[..chunk.len() / 2];
                }
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }

    /// Deletes the filler.
    pub fn free(&self) {
        fs::remove_file(&self.filler).expect("deleting the filler");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}
