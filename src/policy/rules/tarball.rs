//! Tarball rules on a package the reader accepted: compressed size,
//! compression ratio, paths that break on Windows or on case-insensitive
//! file systems, and provenance.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Ctx, Report};

/// crates.io's limit on the `.crate` file.
pub const DEFAULT_MAX_COMPRESSED: u64 = 10 * 1024 * 1024;
/// Unpacked / compressed. Real crates stay far below (source text packs
/// about 3-10×); a bomb is in the thousands.
pub const DEFAULT_MAX_RATIO: u64 = 200;

/// Length of the longest Windows device name (`conout$`).
const LONGEST_DEVICE: usize = 7;

pub(super) fn check(ctx: &mut Ctx<'_>) {
    sizes(ctx);
    if ctx.enabled("tarball-windows-reserved-path") {
        windows_paths(ctx);
    }
    if ctx.enabled("tarball-case-collision") {
        case_collisions(ctx);
    }
    provenance(ctx);
}

fn sizes(ctx: &mut Ctx<'_>) {
    let t = &ctx.settings.tarball;
    let max = t.max_compressed_size.unwrap_or(DEFAULT_MAX_COMPRESSED);
    let size = ctx.krate.compressed_size;
    if size > max {
        ctx.report(
            "tarball-too-large",
            Report::new(
                format!("the .crate file is {size} bytes, over the limit of {max}"),
                "exclude large files from the package (`package.exclude`), or raise tarball.max-compressed-size for this crate in an [[override]]",
            )
            .value(size.to_string())
            .policy("tarball.max-compressed-size"),
        );
    }
    let ratio = t.max_compression_ratio.unwrap_or(DEFAULT_MAX_RATIO);
    let unpacked = ctx.krate.unpacked_size;
    if unpacked > size.max(1).saturating_mul(ratio) {
        let actual = unpacked / size.max(1);
        ctx.report(
            "tarball-compression-ratio",
            Report::new(
                format!("the package unpacks to {unpacked} bytes from {size}: a ratio of {actual}, over the limit of {ratio}"),
                "a ratio this high is what decompression bombs look like; if the data is genuine, raise tarball.max-compression-ratio for this crate in an [[override]]",
            )
            .value(actual.to_string())
            .policy("tarball.max-compression-ratio"),
        );
    }
}

/// Why a path component cannot exist on Windows, if it cannot. Every
/// byte that matters is ASCII, and no byte of a multi-byte UTF-8
/// character is: components are looked at as bytes.
fn windows_problem(component: &[u8]) -> Option<&'static str> {
    let stem = component.split(|b| *b == b'.').next().unwrap_or(component);
    // Trailing spaces of the stem do not count (`con .txt`).
    let kept = stem.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
    if is_device(&stem[..kept]) {
        return Some("is a Windows device name");
    }
    if matches!(component.last(), Some(b'.' | b' ')) {
        return Some("ends in a dot or a space");
    }
    if component.iter().any(|&b| {
        matches!(b, b'<' | b'>' | b':' | b'"' | b'|' | b'?' | b'*' | b'\\') || b.is_ascii_control()
    }) {
        return Some("contains a character Windows forbids in file names");
    }
    None
}

/// Whether `stem` is a name Windows reserves for a device (in any case,
/// with any extension): `con`, `prn`, `aux`, `nul`, `conin$`, `conout$`,
/// `com0`-`com9`, `lpt0`-`lpt9`.
fn is_device(stem: &[u8]) -> bool {
    let mut lower = [0; LONGEST_DEVICE];
    let Some(folded) = lower.get_mut(..stem.len()) else {
        return false;
    };
    for (to, from) in folded.iter_mut().zip(stem) {
        *to = from.to_ascii_lowercase();
    }
    match &*folded {
        b"con" | b"prn" | b"aux" | b"nul" | b"conin$" | b"conout$" => true,
        [b'c', b'o', b'm', digit] | [b'l', b'p', b't', digit] => digit.is_ascii_digit(),
        _ => false,
    }
}

fn windows_paths(ctx: &mut Ctx<'_>) {
    let bad: Vec<(String, &str)> = ctx
        .krate
        .entries
        .iter()
        .filter_map(|e| {
            e.path
                .as_bytes()
                .split(|b| *b == b'/')
                .find_map(windows_problem)
                .map(|why| (e.path.clone(), why))
        })
        .collect();
    for (path, why) in bad {
        ctx.report(
            "tarball-windows-reserved-path",
            Report::new(
                format!("`{path}` {why}: the crate cannot be unpacked on Windows"),
                "rename the file, or leave it out of the package with `package.exclude`",
            )
            .value(path),
        );
    }
}

/// Whether folding case may change `path` (it holds an uppercase or a
/// non-ASCII character).
fn may_fold(path: &str) -> bool {
    path.bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
}

fn case_collisions(ctx: &mut Ctx<'_>) {
    let mut seen: HashMap<Cow<'_, str>, &str> = HashMap::with_capacity(ctx.krate.entries.len());
    let mut collisions = Vec::new();
    for e in &ctx.krate.entries {
        // Most paths fold to themselves: only the others are copied.
        let folded = if may_fold(&e.path) {
            Cow::Owned(e.path.to_lowercase())
        } else {
            Cow::Borrowed(e.path.as_str())
        };
        if let Some(first) = seen.insert(folded, &e.path) {
            collisions.push((first.to_owned(), e.path.clone()));
        }
    }
    for (first, second) in collisions {
        ctx.report(
            "tarball-case-collision",
            Report::new(
                format!("`{first}` and `{second}` differ only in case: one overwrites the other on case-insensitive file systems (Windows, macOS)"),
                "rename one of them",
            )
            .value(second),
        );
    }
}

fn provenance(ctx: &mut Ctx<'_>) {
    let has = |path: &str| ctx.krate.entries.iter().any(|e| e.path == path);
    let (orig, vcs) = (has("Cargo.toml.orig"), has(".cargo_vcs_info.json"));
    if !orig {
        ctx.report(
            "tarball-no-orig-manifest",
            Report::new(
                "the package has no Cargo.toml.orig: it was not made by `cargo package`",
                "build the .crate with `cargo package`",
            ),
        );
    }
    if !vcs {
        ctx.report(
            "tarball-no-vcs-info",
            Report::new(
                "the package has no .cargo_vcs_info.json: the commit it was built from is unknown",
                "run `cargo package` inside the crate's git repository, without `--allow-dirty`",
            ),
        );
    } else if is_dirty(ctx.krate.kept.get(".cargo_vcs_info.json")) {
        ctx.report(
            "tarball-dirty",
            Report::new(
                ".cargo_vcs_info.json says the working tree had uncommitted changes when it was packaged",
                "commit the changes, then package again",
            )
            .value("dirty: true"),
        );
    }
}

fn is_dirty(vcs_info: Option<&Vec<u8>>) -> bool {
    let Some(bytes) = vcs_info else { return false };
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.pointer("/git/dirty").and_then(serde_json::Value::as_bool))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{file, judge, krate, render, rules};

    #[test]
    fn sizes_and_ratio() {
        let mut k = krate("big", "1.0.0", "");
        k.compressed_size = 11 * 1024 * 1024;
        let v = judge("", k);
        assert_eq!(rules(&v), ["tarball-too-large"]);
        insta::assert_snapshot!("too_large", render(&v));
        let mut bomb = krate("bomb", "1.0.0", "");
        bomb.unpacked_size = 500 * 1000 + 1;
        let v = judge("", bomb);
        assert_eq!(rules(&v), ["tarball-compression-ratio"]);
        assert!(!v.accepted);
        insta::assert_snapshot!("ratio", render(&v));
        let mut raised = krate("big", "1.0.0", "");
        raised.compressed_size = 11 * 1024 * 1024;
        let text = "[[override]]\ncrates = [\"big\"]\ntarball.max-compressed-size = 20000000\n";
        assert!(judge(text, raised).accepted);
    }

    #[test]
    fn device_names_in_any_case_with_any_extension() {
        for name in [
            "con",
            "PRN",
            "Aux",
            "nul.txt",
            "conin$",
            "CONOUT$.log",
            "com0",
            "lpt9.x",
            "con .rs",
        ] {
            assert!(super::windows_problem(name.as_bytes()).is_some(), "{name}");
        }
        for name in [
            "console", "com", "comx", "lpt10", "nul_", "conout", "src", " con",
        ] {
            assert!(super::windows_problem(name.as_bytes()).is_none(), "{name}");
        }
    }

    #[test]
    fn windows_and_case() {
        let mut k = krate("paths", "1.0.0", "");
        k.entries.push(file("src/aux.rs", 1, b""));
        k.entries.push(file("data/Con", 1, b""));
        k.entries.push(file("SRC/lib.rs", 1, b""));
        k.entries.push(file("a./b", 1, b""));
        k.entries.push(file("src/auxiliary.rs", 1, b""));
        let v = judge("", k);
        assert_eq!(
            rules(&v),
            [
                "tarball-windows-reserved-path",
                "tarball-windows-reserved-path",
                "tarball-windows-reserved-path",
                "tarball-case-collision"
            ]
        );
        insta::assert_snapshot!(render(&v));
    }

    #[test]
    fn provenance_is_opt_in() {
        let mut k = krate("prov", "1.0.0", "");
        k.entries.retain(|e| e.path == "Cargo.toml");
        assert!(judge("", k).findings.is_empty());
        let levels = "[levels]\ntarball-no-orig-manifest = \"warn\"\ntarball-no-vcs-info = \"warn\"\ntarball-dirty = \"warn\"\n";
        let mut k = krate("prov", "1.0.0", "");
        k.entries.retain(|e| e.path == "Cargo.toml");
        let v = judge(levels, k);
        assert_eq!(
            rules(&v),
            ["tarball-no-orig-manifest", "tarball-no-vcs-info"]
        );
        assert!(v.accepted);
        insta::assert_snapshot!("unproven", render(&v));
        let mut dirty = krate("prov", "1.0.0", "");
        dirty.kept.insert(
            ".cargo_vcs_info.json".into(),
            br#"{"git":{"sha1":"ab","dirty":true}}"#.to_vec(),
        );
        let v = judge(levels, dirty);
        assert_eq!(rules(&v), ["tarball-dirty"]);
        insta::assert_snapshot!(render(&v));
    }
}
