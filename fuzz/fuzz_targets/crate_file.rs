//! The `.crate` path end to end: the reader, the policy's judgement, the
//! index line and its read-back. The first byte says what the rest is:
//! `0` a `.crate` as is, `1` a tar archive (gzipped here, so mutations
//! reach the tar layer past the CRC), `2` a packaged `Cargo.toml` (put in
//! a clean package here, so mutations reach the manifest and index-line
//! code). Every accepted crate must give a line cargo's schema reads back
//! with the same name, version and checksum, and yanking it must change
//! only `yanked`.

#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use crategate::crate_file::{Limits, read_crate};
use crategate::index::line::{IndexLine, Mode, parse_line, set_yanked};
use crategate::judge::upload_from_bytes;
use crategate::policy::{Policy, RegistryState, decide};
use libfuzzer_sys::fuzz_target;

const PUBTIME: &str = "2024-05-06T07:08:09Z";

fn limits() -> Limits {
    Limits {
        max_unpacked_size: 8 << 20,
        max_entries: 2000,
        max_manifest_size: 256 * 1024,
    }
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::from_str(include_str!("../../policies/default.toml"), "default.toml")
            .expect("the default policy loads")
    })
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).expect("writing to a Vec");
    gz.finish().expect("writing to a Vec")
}

/// A clean package `fuzz-1.0.0/` around `manifest`.
fn package(manifest: &[u8]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data) in [
        ("fuzz-1.0.0/Cargo.toml", manifest),
        ("fuzz-1.0.0/src/lib.rs", b"" as &[u8]),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, path, data)
            .expect("writing to a Vec");
    }
    gzip(&tar.into_inner().expect("writing to a Vec"))
}

fn check_line(krate: &crategate::crate_file::CrateFile, mode: &Mode) {
    let Ok(line) = IndexLine::from_manifest(&krate.manifest, &krate.checksum, mode, PUBTIME) else {
        return;
    };
    let json = line.to_json();
    assert!(!json.contains('\n'), "a line is one line: {json}");
    let parsed = parse_line(&json).unwrap_or_else(|e| panic!("cargo cannot read {json}: {e}"));
    assert_eq!(parsed.name, line.name());
    assert_eq!(&parsed.vers, line.vers());
    assert_eq!(parsed.cksum, krate.checksum);
    assert!(!parsed.yanked);
    let yanked = set_yanked(&json, true).expect("a written line can be yanked");
    assert_eq!(
        yanked.replacen("\"yanked\":true", "\"yanked\":false", 1),
        json
    );
    assert!(parse_line(&yanked).expect("still readable").yanked);
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let bytes = match kind % 3 {
        0 => rest.to_vec(),
        1 => gzip(rest),
        _ => package(rest),
    };
    let Ok(krate) = read_crate(&bytes, None, &limits()) else {
        return;
    };
    let upload = upload_from_bytes("fuzz.crate", &bytes, &limits());
    let _ = decide(policy(), &RegistryState::default(), &[upload]);
    check_line(&krate, &Mode::Mirror);
    let alternate = Mode::Alternate {
        index_url: "sparse+https://registry.example.com/index/".to_owned(),
    };
    check_line(&krate, &alternate);
});
