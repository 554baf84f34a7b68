//! One test at least per rule id of the reader, plus the accepted shapes
//! real crates have.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::EntryType;

use super::testing::{CrateBuilder, gzip, manifest};
use super::*;

fn read(bytes: &[u8]) -> Result<CrateFile, Refusal> {
    read_crate(bytes, None, &Limits::default())
}

#[track_caller]
fn refused(bytes: &[u8], rule: &str) -> Refusal {
    let refusal = read(bytes).expect_err("must be refused");
    assert_eq!(refusal.rule, rule, "{refusal:?}");
    assert!(!refusal.message.is_empty() && !refusal.help.is_empty());
    refusal
}

/// A clean package with one more entry appended.
fn with(entry: impl FnOnce(CrateBuilder) -> CrateBuilder) -> Vec<u8> {
    entry(CrateBuilder::package("a", "1.0.0")).build()
}

#[test]
fn accepts_a_clean_package_and_reports_it() {
    let tar = CrateBuilder::package("demo", "0.1.0")
        .file("demo-0.1.0/Cargo.toml.orig", b"[package]\n")
        .file("demo-0.1.0/bin/tool", b"\x7fELF\x02\x01")
        .file("demo-0.1.0/x", b"ab")
        .tar();
    let bytes = gzip(&tar);
    let krate = read_crate(&bytes, Some("demo-0.1.0.crate"), &Limits::default()).expect("clean");
    assert_eq!(krate.manifest.name.as_str(), "demo");
    assert_eq!(krate.manifest_text, manifest("demo", "0.1.0"));
    assert_eq!(krate.checksum, Checksum::of(&bytes));
    assert_eq!(krate.compressed_size, bytes.len() as u64);
    assert_eq!(krate.unpacked_size, tar.len() as u64);
    let paths: Vec<_> = krate.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "src/lib.rs",
            "Cargo.toml.orig",
            "bin/tool",
            "x"
        ]
    );
    assert_eq!(krate.entries[3].magic, b"\x7fELF");
    assert_eq!(krate.entries[3].size, 6);
    assert_eq!(krate.entries[4].magic, b"ab");
    assert_eq!(
        krate.kept.get("Cargo.toml.orig").map(Vec::as_slice),
        Some(&b"[package]\n"[..])
    );
}

#[test]
fn a_stream_in_small_pieces_reads_like_the_bytes() {
    let big = vec![7u8; 100_000];
    let bytes = with(|b| b.file("a-1.0.0/big", &big));
    let whole = read_crate(&bytes, Some("a-1.0.0.crate"), &Limits::default()).expect("clean");
    for capacity in [1, 7, 512, 70_000] {
        let source = std::io::BufReader::with_capacity(capacity, &bytes[..]);
        let streamed = read_crate_from(source, Some("a-1.0.0.crate"), &Limits::default())
            .expect("clean as a stream");
        assert_eq!(
            streamed.checksum,
            Checksum::of(&bytes),
            "capacity {capacity}"
        );
        assert_eq!(streamed.compressed_size, whole.compressed_size);
        assert_eq!(streamed.unpacked_size, whole.unpacked_size);
    }
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"junk");
    let source = std::io::BufReader::with_capacity(3, &trailing[..]);
    let refusal = read_crate_from(source, None, &Limits::default()).expect_err("trailing data");
    assert_eq!(refusal.rule, "tarball-trailing-data");
}

#[test]
fn accepts_versions_with_dashes_and_plus_and_names_with_dashes() {
    for (name, version) in [
        ("a-b_c", "1.0.0-rc.1"),
        ("x_y", "0.7.0+5.3.1-0-gabc"),
        ("Q-1", "2.0.0"),
    ] {
        let bytes = CrateBuilder::package(name, version).build();
        let file = format!("{name}-{version}.crate");
        let krate = read_crate(&bytes, Some(&file), &Limits::default()).expect(&file);
        assert_eq!(krate.manifest.version.to_string(), version);
    }
}

#[test]
fn accepts_old_project_table_old_headers_and_no_directory_entries() {
    let text = "[project]\nname = \"old\"\nversion = \"0.1.0\"\n";
    let mut tar = CrateBuilder::empty()
        .file("old-0.1.0/Cargo.toml", text.as_bytes())
        .tar();
    tar[156] = 0; // pre-POSIX spelling of a regular file
    let krate = read(&gzip(&fix_checksum(tar))).expect("old crate");
    assert_eq!(krate.entries.len(), 1);
}

#[test]
fn keeps_only_small_kept_files() {
    let big = vec![b'x'; MAX_KEPT_SIZE as usize + 1];
    let krate = read(&with(|b| b.file("a-1.0.0/.cargo_vcs_info.json", &big))).expect("clean");
    assert!(krate.kept.is_empty());
}

#[test]
fn refuses_what_is_not_gzip() {
    refused(b"", "tarball-not-gzip");
    refused(b"PK\x03\x04 a zip", "tarball-not-gzip");
    refused(
        &CrateBuilder::package("a", "1.0.0").tar(),
        "tarball-not-gzip",
    );
}

#[test]
fn refuses_corrupt_gzip() {
    let mut bytes = with(|b| b);
    let crc = bytes.len() - 8;
    bytes[crc] ^= 1;
    refused(&bytes, "tarball-gzip-corrupt");
    let mut bytes = with(|b| b);
    bytes[3] = 0xe0; // reserved gzip flags
    refused(&bytes, "tarball-gzip-corrupt");
    // Damage the tar inside a stored (uncompressed) deflate block: the tar
    // header looks bad first, but the gzip checksum is the real finding.
    let mut gz = GzEncoder::new(Vec::new(), Compression::none());
    gz.write_all(&CrateBuilder::package("a", "1.0.0").tar())
        .expect("to a Vec");
    let mut bytes = gz.finish().expect("to a Vec");
    let tar_start = 10 + 5; // gzip header, stored block header
    bytes[tar_start + 512 + 148] ^= 1; // the manifest header's checksum
    refused(&bytes, "tarball-gzip-corrupt");
}

#[test]
fn refuses_truncated_archives() {
    let bytes = with(|b| b);
    refused(&bytes[..bytes.len() / 2], "tarball-truncated");
    refused(&bytes[..bytes.len() - 3], "tarball-truncated");
    let tar = CrateBuilder::package("a", "1.0.0").tar();
    refused(&gzip(&tar[..tar.len() - 1024]), "tarball-truncated");
    refused(&gzip(&tar[..1024 + 100]), "tarball-truncated");
    let cut = CrateBuilder::empty()
        .with_size(b"a-1.0.0/x", EntryType::Regular, 5000, b"x")
        .tar();
    refused(&gzip(&cut[..cut.len() - 1024]), "tarball-truncated");
}

#[test]
fn refuses_trailing_data() {
    let mut bytes = with(|b| b);
    bytes.extend_from_slice(b"junk");
    refused(&bytes, "tarball-trailing-data");
    let mut bytes = with(|b| b);
    bytes.extend_from_slice(&gzip(b"second member"));
    refused(&bytes, "tarball-trailing-data");
    let mut tar = CrateBuilder::package("a", "1.0.0").tar();
    tar.extend_from_slice(&[0; 2048]);
    read(&gzip(&tar)).expect("zero padding is fine");
    tar.push(1);
    refused(&gzip(&tar), "tarball-trailing-data");
}

#[test]
fn refuses_what_is_not_tar() {
    refused(&gzip(&b"not a tar ".repeat(100)), "tarball-not-tar");
    refused(&gzip(b""), "tarball-not-tar");
}

#[test]
fn refuses_bad_headers() {
    let mut tar = CrateBuilder::package("a", "1.0.0").tar();
    let lib_rs = 3 * 512; // after the root directory and the manifest
    tar[lib_rs + 148] ^= 1; // a checksum digit
    refused(&gzip(&tar), "tarball-bad-header");
    let two_pax = with(|b| {
        b.pax(&[("path", b"a-1.0.0/x")])
            .pax(&[("path", b"a-1.0.0/x")])
            .file("a-1.0.0/x", b"")
    });
    refused(&two_pax, "tarball-bad-header");
    let dangling = with(|b| b.pax(&[("mtime", b"1")]));
    refused(&dangling, "tarball-bad-header");
    let malformed = with(|b| {
        b.raw(b"pax", EntryType::XHeader, b"99 size=1\n")
            .file("a-1.0.0/x", b"x")
    });
    refused(&malformed, "tarball-bad-header");
}

#[test]
fn refuses_oversized_extension_headers() {
    let long = vec![b'a'; MAX_EXTENSION_SIZE as usize];
    let bytes = with(|b| b.pax(&[("comment", &long)]).file("a-1.0.0/x", b""));
    refused(&bytes, "tarball-header-too-large");
}

#[test]
fn refuses_headers_that_disagree() {
    let pax_size = with(|b| b.pax(&[("size", b"0")]).file("a-1.0.0/x", b"hidden"));
    refused(&pax_size, "tarball-header-mismatch");
    let pax_size = with(|b| b.pax(&[("size", b"nope")]).file("a-1.0.0/x", b""));
    refused(&pax_size, "tarball-header-mismatch");
    read(&with(|b| {
        b.pax(&[("size", b"3")]).file("a-1.0.0/x", b"abc")
    }))
    .expect("agreeing size");
    let long = format!("a-1.0.0/{}", "y".repeat(120));
    let paths = with(|b| b.pax(&[("path", b"a-1.0.0/z")]).file(&long, b""));
    refused(&paths, "tarball-header-mismatch");
    let krate = read(&with(|b| {
        b.pax(&[("path", b"a-1.0.0/z")]).file("a-1.0.0/short", b"")
    }))
    .expect("pax path");
    assert!(krate.entries.iter().any(|e| e.path == "z"));
    let dir = with(|b| b.with_size(b"a-1.0.0/d/", EntryType::Directory, 512, &[0; 512]));
    refused(&dir, "tarball-header-mismatch");
}

#[test]
fn refuses_too_many_entries() {
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let three = CrateBuilder::package("a", "1.0.0").build();
    read_crate(&three, None, &limits).expect("three entries");
    let four = with(|b| b.file("a-1.0.0/x", b""));
    let refusal = read_crate(&four, None, &limits).expect_err("four entries");
    assert_eq!(refusal.rule, "tarball-too-many-entries");
}

#[test]
fn refuses_entries_that_are_not_files_or_directories() {
    for kind in [b'1', b'2', b'3', b'4', b'6', b'7', b'g', b'K', b'S', b'Z'] {
        let bytes = with(|b| b.raw(b"a-1.0.0/x", EntryType::new(kind), b""));
        let refusal = refused(&bytes, "tarball-entry-type");
        assert_eq!(refusal.entry.as_deref(), Some("a-1.0.0/x"));
    }
    let sparse = with(|b| b.pax(&[("GNU.sparse.major", b"1")]).file("a-1.0.0/x", b""));
    refused(&sparse, "tarball-entry-type");
}

#[test]
fn refuses_bad_paths() {
    let cases: [(&[u8], &str); 6] = [
        (b"a-1.0.0/\xff\xfe", "tarball-path-not-utf8"),
        (b"/a-1.0.0/x", "tarball-path-absolute"),
        (b"a-1.0.0/../../etc/x", "tarball-path-traversal"),
        (b"a-1.0.0/src\\x", "tarball-path-invalid"),
        (b"b-1.0.0/x", "tarball-path-outside-root"),
        (b"README", "tarball-path-outside-root"),
    ];
    for (path, rule) in cases {
        let refusal = refused(&with(|b| b.raw(path, EntryType::Regular, b"")), rule);
        assert_eq!(
            refusal.entry,
            Some(String::from_utf8_lossy(path).into_owned())
        );
    }
}

#[test]
fn refuses_duplicates_and_conflicts() {
    refused(
        &with(|b| b.file("a-1.0.0/src/lib.rs", b"")),
        "tarball-duplicate-entry",
    );
    refused(
        &with(|b| b.dir("a-1.0.0/src/lib.rs/")),
        "tarball-duplicate-entry",
    );
    refused(&with(|b| b.dir("a-1.0.0/")), "tarball-duplicate-entry");
    refused(
        &with(|b| b.dir("a-1.0.0/d/").dir("a-1.0.0/d")),
        "tarball-duplicate-entry",
    );
    let refusal = refused(
        &with(|b| b.file("a-1.0.0/src/lib.rs/x", b"")),
        "tarball-path-conflict",
    );
    assert_eq!(refusal.entry.as_deref(), Some("a-1.0.0/src/lib.rs/x"));
}

#[test]
fn refuses_missing_and_duplicate_manifests() {
    let sub = CrateBuilder::empty()
        .file("a-1.0.0/sub/Cargo.toml", b"")
        .build();
    refused(&sub, "manifest-missing");
    refused(&gzip(&CrateBuilder::empty().tar()), "manifest-missing");
    refused(
        &with(|b| b.file("a-1.0.0/Cargo.toml", b"")),
        "manifest-duplicate",
    );
}

#[test]
fn refuses_manifests_that_cannot_be_used() {
    let cases: [(&[u8], &str); 7] = [
        (b"\xff[package]", "manifest-not-utf8"),
        (b"[package", "manifest-invalid"),
        (b"[lib]\n", "manifest-no-package"),
        (b"[package]\nversion = \"1.0.0\"\n", "manifest-no-name"),
        (
            b"[package]\nname = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\nversion = \"1.0.0\"\n",
            "manifest-bad-name",
        ),
        (b"[package]\nname = \"a\"\n", "manifest-no-version"),
        (
            b"[package]\nname = \"a\"\nversion.workspace = true\n",
            "manifest-unresolved",
        ),
    ];
    for (text, rule) in cases {
        let bytes = CrateBuilder::empty()
            .file("a-1.0.0/Cargo.toml", text)
            .build();
        let refusal = refused(&bytes, rule);
        assert_eq!(refusal.entry.as_deref(), Some("a-1.0.0/Cargo.toml"));
    }
    let limits = Limits {
        max_manifest_size: 10,
        ..Limits::default()
    };
    let refusal = read_crate(&with(|b| b), None, &limits).expect_err("large manifest");
    assert_eq!(refusal.rule, "manifest-too-large");
}

#[test]
fn refuses_names_and_versions_that_disagree() {
    let root = CrateBuilder::empty().file("b-1.0.0/Cargo.toml", manifest("a", "1.0.0").as_bytes());
    refused(&root.build(), "crate-name-mismatch");
    let root = CrateBuilder::empty().file("a-1.0.1/Cargo.toml", manifest("a", "1.0.0").as_bytes());
    refused(&root.build(), "crate-version-mismatch");
    let bytes = with(|b| b);
    let check = |name: &str| read_crate(&bytes, Some(name), &Limits::default()).map(|_| ());
    assert_eq!(
        check("b-1.0.0.crate").expect_err("name").rule,
        "crate-name-mismatch"
    );
    assert_eq!(
        check("A-1.0.0.crate").expect_err("case").rule,
        "crate-name-mismatch"
    );
    assert_eq!(
        check("a-1.0.0+x.crate").expect_err("version").rule,
        "crate-version-mismatch"
    );
    assert_eq!(
        check("a-1.0.0.tgz").expect_err("suffix").rule,
        "crate-version-mismatch"
    );
    check("a-1.0.0.crate").expect("exact");
}

/// A 10 MB file that would inflate to about 10 GB stops at the limit (a
/// small one, so the test stays fast in debug builds); so does a stream of
/// zeros after the end-of-archive marker.
#[test]
fn refuses_a_bomb_at_the_limit() {
    let limits = Limits {
        max_unpacked_size: 1 << 20,
        ..Limits::default()
    };
    let bomb = super::testing::bomb(10 << 20);
    assert!(bomb.len() >= 10 << 20);
    let refusal = read_crate(&bomb, None, &limits).expect_err("bomb");
    assert_eq!(refusal.rule, "tarball-unpacked-too-large");
    let zeros = gzip(&vec![0; (1 << 20) + 1]);
    let refusal = read_crate(&zeros, None, &limits).expect_err("zeros");
    assert_eq!(refusal.rule, "tarball-unpacked-too-large");
    let exact = gzip(&vec![0; 1 << 20]);
    assert_eq!(
        read_crate(&exact, None, &limits).expect_err("empty").rule,
        "manifest-missing"
    );
}

/// Recomputes the checksum of the first tar header after editing it.
fn fix_checksum(mut tar: Vec<u8>) -> Vec<u8> {
    let mut header = tar::Header::new_old();
    header.as_mut_bytes().copy_from_slice(&tar[..512]);
    header.set_cksum();
    tar[..512].copy_from_slice(header.as_bytes());
    tar
}

#[test]
fn messages_name_the_values_and_the_fix() {
    let refusal = refused(
        &with(|b| b.file("a-1.0.0/x/../../y", b"")),
        "tarball-path-traversal",
    );
    assert_eq!(
        refusal.message,
        r#"entry path "a-1.0.0/x/../../y" has a `..` component"#
    );
    assert_eq!(refusal.help, "re-create the file with `cargo package`");
    let refusal =
        read_crate(&with(|b| b), Some("a-2.0.0.crate"), &Limits::default()).expect_err("version");
    assert_eq!(
        refusal.message,
        "the file name is `a-2.0.0.crate` but the manifest's version makes it `a-1.0.0.crate`"
    );
    assert_eq!(refusal.help, "name the file `a-1.0.0.crate`");
}

#[test]
fn keeps_the_license_file_the_manifest_names() {
    let text =
        b"[package]\nname = \"a\"\nversion = \"1.0.0\"\nlicense-file = \"./legal/TERMS.txt\"\n";
    let bytes = CrateBuilder::empty()
        .file("a-1.0.0/Cargo.toml", text)
        .file("a-1.0.0/legal/TERMS.txt", b"terms")
        .file("a-1.0.0/other.txt", b"other")
        .build();
    let krate = read_crate(&bytes, None, &Limits::default()).expect("clean");
    assert_eq!(
        krate.kept.get("legal/TERMS.txt").map(Vec::as_slice),
        Some(&b"terms"[..])
    );
    assert!(!krate.kept.contains_key("other.txt"));
}
