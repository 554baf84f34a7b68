//! Every `.crate` in the local cargo cache must be accepted. Ignored by
//! default (the cache is not guaranteed to exist, e.g. in CI); run with
//! `cargo test --release --lib crate_file::real -- --ignored --nocapture`.
//! `CRATEGATE_CRATES` may name another directory of `.crate` files.

use std::path::PathBuf;
use std::time::Instant;

use super::{Limits, read_crate};

fn crate_files() -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = if let Some(dir) = std::env::var_os("CRATEGATE_CRATES") {
        vec![dir.into()]
    } else {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .expect("HOME or CARGO_HOME is set");
        std::fs::read_dir(home.join("registry/cache"))
            .map(|dirs| dirs.filter_map(|d| Some(d.ok()?.path())).collect())
            .unwrap_or_default()
    };
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|f| Some(f.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "crate"))
        .collect();
    files.sort();
    files
}

#[test]
#[ignore = "reads the machine's cargo cache"]
fn accepts_every_cached_crate() {
    let files = crate_files();
    let contents: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(p).expect("readable"))
        })
        .collect();
    let (mut compressed, mut unpacked) = (0, 0);
    let start = Instant::now();
    let mut refused = Vec::new();
    for (name, bytes) in &contents {
        match read_crate(bytes, Some(name), &Limits::default()) {
            Ok(krate) => {
                compressed += krate.compressed_size;
                unpacked += krate.unpacked_size;
            }
            Err(refusal) => refused.push(format!("{name}: {refusal:?}")),
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} crates, {compressed} bytes compressed, {unpacked} unpacked, read in {elapsed:?} on one thread",
        contents.len()
    );
    assert!(refused.is_empty(), "refused:\n{}", refused.join("\n"));
}
