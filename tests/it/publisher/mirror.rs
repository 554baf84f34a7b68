//! `crategate mirror` fills a mirror from cargo's download cache, checked
//! against the lockfile, and cargo then builds the project with crates.io
//! replaced by the mirror and no network at all.

use std::fs;
use std::path::{Path, PathBuf};

use crategate::checksum::Checksum;

use super::hosted::{Hosted, s};
use crate::support::registry::Mode;

/// The directory cargo keeps crates.io downloads in.
const CACHE: &str = "cargo-home/registry/cache/index.crates.io-1949cf8c6b5b557f";

/// Packages a tiny crate written here and returns its `.crate` bytes.
fn make_crate(hosted: &Hosted, name: &str, version: &str) -> Vec<u8> {
    let dir = hosted.sandbox.path(&format!("made/{name}"));
    fs::create_dir_all(dir.join("src")).expect("creating a crate");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2024\"\n\
         description = \"A crate written by crategate's mirror test\"\nlicense = \"MIT\"\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest).expect("writing a manifest");
    fs::write(
        dir.join("src/lib.rs"),
        format!("//! Test crate.\n\n/// Its name.\npub const NAME: &str = \"{name}\";\n"),
    )
    .expect("writing a library");
    hosted
        .sandbox
        .cargo(
            &dir,
            &["package", "--allow-dirty", "--quiet", "--no-verify"],
        )
        .success();
    fs::read(
        hosted
            .sandbox
            .path(&format!("target/package/{name}-{version}.crate")),
    )
    .expect("reading a packaged crate")
}

/// The mirror-consumer fixture in `hosted`'s sandbox, its cargo told by
/// `crategate cargo-config` to replace crates.io with the index at `url`.
fn project(hosted: &Hosted, url: &str) -> PathBuf {
    let consumer = hosted.fixture("mirror-consumer", "consumer");
    let config = [
        "cargo-config",
        "--index-url",
        url,
        "--name",
        "corp",
        "--replace-crates-io",
        "--write",
    ];
    hosted.crategate_in(&consumer, &config).success();
    let written = fs::read_to_string(consumer.join(".cargo/config.toml")).expect("written");
    assert!(
        written.contains("[source.crates-io]\nreplace-with = \"corp\""),
        "{written}"
    );
    consumer
}

/// Makes the two crates, puts them in cargo's cache and writes the
/// project's lockfile with their checksums; returns the lockfile's text.
fn cached_lockfile(hosted: &Hosted, consumer: &Path) -> String {
    let mut lock =
        fs::read_to_string(consumer.join("Cargo.lock.in")).expect("reading the lockfile fixture");
    let cache = hosted.sandbox.path(CACHE);
    fs::create_dir_all(&cache).expect("creating cargo's cache");
    for (name, version) in [("cgm-alpha", "0.1.0"), ("cgm-beta", "0.2.0")] {
        let bytes = make_crate(hosted, name, version);
        fs::write(cache.join(format!("{name}-{version}.crate")), &bytes)
            .expect("filling the cache");
        lock = lock.replace(
            &format!("@{name}-{version}@"),
            &Checksum::of(&bytes).to_string(),
        );
    }
    fs::write(consumer.join("Cargo.lock"), &lock).expect("writing the lockfile");
    lock
}

#[test]
fn mirrors_a_lockfile_from_the_cache_and_builds_offline() {
    let hosted = Hosted::serve(Mode::Mirror, "mirror.toml");
    let consumer = project(&hosted, &hosted.index_url);
    let lock = cached_lockfile(&hosted, &consumer);
    let cache = hosted.sandbox.path(CACHE);
    let lockfile = consumer.join("Cargo.lock");
    let clone = s(&hosted.clone).to_owned();
    let mirror = ["mirror", "--lockfile", s(&lockfile), "--crate-repo", &clone];

    let out = hosted.crategate_in(&consumer, &mirror).success();
    out.stderr_has("remote: crategate: published cgm-alpha 0.1.0")
        .stderr_has("remote: crategate: published cgm-beta 0.2.0")
        .stderr_has("[2/2] cgm-beta 0.2.0");
    let mut files = hosted.crate_files();
    files.sort();
    assert_eq!(files, ["cgm-alpha-0.1.0.crate", "cgm-beta-0.2.0.crate"]);
    let log = hosted
        .git_in(&hosted.clone, &["log", "--format=%s", "main"])
        .stdout;
    assert_eq!(log, "Mirror 2 crates from crates.io\n");

    // cargo reaches nothing but the mirror: every HTTP request would fail.
    let mut build = hosted
        .sandbox
        .command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    build
        .args(["run", "--locked", "--quiet"])
        .current_dir(&consumer)
        .env("CARGO_HTTP_PROXY", "http://127.0.0.1:9")
        .env("CARGO_REGISTRIES_CRATES_IO_PROTOCOL", "sparse");
    let run = crate::support::run::run(&mut build).success();
    assert_eq!(run.stdout, "cgm-alpha cgm-beta\n");

    // Again: nothing is missing, nothing is committed.
    let again = hosted
        .crategate_in(&consumer, &[&mirror[..], &["--format", "json"]].concat())
        .success();
    let summary: serde_json::Value = serde_json::from_str(&again.stdout).expect("a JSON summary");
    assert_eq!(summary["present"], 2, "{again}");
    assert_eq!(
        summary["added"].as_array().map(Vec::len),
        Some(0),
        "{again}"
    );
    assert_eq!(
        hosted
            .git_in(&hosted.clone, &["log", "--format=%s", "main"])
            .stdout,
        log
    );

    // A cached file that does not match the lockfile is never mirrored:
    // cargo is asked to fetch the real one (here it cannot).
    let bad = lock.replace("0.2.0", "0.2.1");
    fs::write(&lockfile, bad).expect("writing the lockfile");
    fs::write(cache.join("cgm-beta-0.2.1.crate"), b"not the locked bytes")
        .expect("filling the cache");
    hosted
        .crategate_in(&consumer, &[&mirror[..], &["--no-push"]].concat())
        .code(2)
        .stderr_has("1 already mirrored, 1 to add")
        .stderr_has("cargo fetch failed");
    assert!(!hosted.clone.join("cgm-beta-0.2.1.crate").exists());
    assert_eq!(
        hosted.git_in(&hosted.clone, &["log", "--format=%s"]).stdout,
        log
    );
}

#[test]
fn fetches_with_cargo_what_the_cache_lacks() {
    // An upstream mirror, filled from a cache as above.
    let upstream = Hosted::serve(Mode::Mirror, "mirror.toml");
    let up = project(&upstream, &upstream.index_url);
    let lock = cached_lockfile(&upstream, &up);
    let up_lock = up.join("Cargo.lock");
    let up_clone = s(&upstream.clone).to_owned();
    upstream
        .crategate_in(
            &up,
            &[
                "mirror",
                "--lockfile",
                s(&up_lock),
                "--crate-repo",
                &up_clone,
            ],
        )
        .success();

    // A second mirror, with an empty cache: cargo fetches from upstream.
    let down = Hosted::serve(Mode::Mirror, "mirror.toml");
    let project = project(&down, &upstream.index_url);
    let lockfile = project.join("Cargo.lock");
    fs::write(&lockfile, lock).expect("writing the lockfile");
    let clone = s(&down.clone).to_owned();
    down.crategate_in(
        &project,
        &["mirror", "--lockfile", s(&lockfile), "--crate-repo", &clone],
    )
    .success()
    .stderr_has("Fetching what cargo's cache lacks")
    .stderr_has("remote: crategate: published cgm-alpha 0.1.0")
    .stderr_has("remote: crategate: published cgm-beta 0.2.0");
    assert_eq!(down.crate_files().len(), 2);
}
