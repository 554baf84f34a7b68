//! Broken containers and decompression bombs: files that are not one
//! clean gzip member holding one clean tar archive, and files that
//! inflate to far more than they weigh. Bombs are refused after reading
//! at most the limit, in well under the time a full inflation takes.

use std::time::Instant;

use super::{Case, assert_all_refused, seeded, seeded_default};
use flate2::Compression;

use crate::support::forge::{Forge, bomb, gzip, gzip_at, manifest};
use crate::support::hooked::default_policy;

const FILE: &str = "cg-box-1.0.0.crate";
const ROOT: &str = "cg-box-1.0.0";

fn tar() -> Vec<u8> {
    Forge::package("cg-box", "1.0.0").tar()
}

fn crate_bytes() -> Vec<u8> {
    gzip(&tar())
}

fn case(what: &'static str, bytes: Vec<u8>, rule: &'static str) -> Case {
    Case::file(what, FILE, bytes, rule)
}

fn broken() -> Vec<Case> {
    let whole = crate_bytes();
    let mut bad_crc = whole.clone();
    let crc_at = bad_crc.len() - 8;
    bad_crc[crc_at] ^= 0xff;
    let mut no_end_marker = tar();
    no_end_marker.truncate(no_end_marker.len() - 1024);
    let mut after_end = tar();
    after_end.extend_from_slice(&[b'!'; 512]);
    vec![
        case("plain text", b"fn main() {}\n".to_vec(), "tarball-not-gzip"),
        case("empty file", Vec::new(), "tarball-not-gzip"),
        case("an uncompressed tar", tar(), "tarball-not-gzip"),
        case(
            "a zip archive",
            b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(),
            "tarball-not-gzip",
        ),
        case(
            "gzip cut in half",
            whole[..whole.len() / 2].to_vec(),
            "tarball-truncated",
        ),
        case(
            "gzip without its trailer",
            whole[..whole.len() - 8].to_vec(),
            "tarball-truncated",
        ),
        case("wrong CRC", bad_crc, "tarball-gzip-corrupt"),
        case(
            "garbage after the gzip member",
            [whole.as_slice(), b"#!/bin/sh\nrm -rf /\n"].concat(),
            "tarball-trailing-data",
        ),
        case(
            "two gzip members",
            [whole.as_slice(), gzip(b"more").as_slice()].concat(),
            "tarball-trailing-data",
        ),
        case(
            "gzip of text, not tar",
            gzip("hello, world\n".repeat(100).as_bytes()),
            "tarball-not-tar",
        ),
        case(
            "gzip of a short text",
            gzip(b"hello, world\n"),
            "tarball-truncated",
        ),
        case("gzip of nothing", gzip(b""), "tarball-not-tar"),
        case(
            "tar without end-of-archive marker",
            gzip(&no_end_marker),
            "tarball-truncated",
        ),
        case(
            "data after the end-of-archive marker",
            gzip(&after_end),
            "tarball-trailing-data",
        ),
    ]
}

fn bombs() -> Vec<Case> {
    let zeros = Forge::package("cg-box", "1.0.0")
        .file(&format!("{ROOT}/zeros.bin"), &vec![0; 8 << 20])
        .tar();
    let zeros = gzip_at(&zeros, Compression::best());
    assert!(zeros.len() * 500 < 8 << 20, "a ratio over 500");
    let big_manifest = format!("{}# {}\n", manifest("cg-box", "1.0.0"), "x".repeat(5 << 20));
    let heavy = Forge::package("cg-box", "1.0.0")
        .file(&format!("{ROOT}/noise.bin"), &incompressible(11 << 20))
        .build();
    vec![
        case(
            "8 MiB of zeros in 8 KiB",
            zeros,
            "tarball-compression-ratio",
        ),
        case(
            "a 5 MiB manifest",
            Forge::package_with("cg-box", "1.0.0", &big_manifest).build(),
            "manifest-too-large",
        ),
        case("over 10 MiB compressed", heavy, "tarball-too-large"),
        case(
            "over 10 MiB and not even gzip",
            incompressible(11 << 20),
            "tarball-not-gzip",
        ),
    ]
}

/// `len` bytes no compressor shrinks (a xorshift stream).
fn incompressible(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn broken_containers_and_bombs_are_refused_and_change_nothing() {
    let hosted = seeded_default(&[("cg-seed", "1.0.0")]);
    let mut cases = broken();
    cases.extend(bombs());
    assert_all_refused(&hosted, &cases);
}

/// A 1 MiB file claiming 1 TiB of zeros and a package of too many entries,
/// under limits of 1 MiB unpacked and 20 entries: refused at the limit.
#[test]
fn bombs_are_refused_at_the_limits() {
    let policy = default_policy().replacen(
        "max-unpacked-size = 536870912",
        "max-unpacked-size = 1048576\nmax-entries = 20",
        1,
    );
    assert!(
        policy.contains("max-entries = 20"),
        "the default policy changed"
    );
    let tight = seeded(policy, &[("cg-seed", "1.0.0")]);
    let many = (0..21).fold(Forge::package("cg-box", "1.0.0"), |f, n| {
        f.file(&format!("{ROOT}/src/m{n}.rs"), b"")
    });
    assert_all_refused(
        &tight,
        &[
            case(
                "1 TiB bomb, 1 MiB limit",
                bomb(ROOT, 1 << 20),
                "tarball-unpacked-too-large",
            ),
            case(
                "21 entries, 20 allowed",
                many.build(),
                "tarball-too-many-entries",
            ),
        ],
    );
}

/// The same bomb under the default 512 MiB limit: refused once 512 MiB
/// are inflated (the inflater is optimized even in test builds, see
/// Cargo.toml).
#[test]
fn a_terabyte_bomb_is_refused_at_the_default_limit() {
    let hosted = seeded_default(&[("cg-seed", "1.0.0")]);
    let started = Instant::now();
    assert_all_refused(
        &hosted,
        &[case(
            "1 TiB bomb, default limit",
            bomb(ROOT, 1 << 20),
            "tarball-unpacked-too-large",
        )],
    );
    eprintln!(
        "bomb under the default 512 MiB limit: {:?}",
        started.elapsed()
    );
}
