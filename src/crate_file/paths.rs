//! Entry paths: what a clean package path looks like.
//!
//! A path is UTF-8, relative, made of non-empty components that are neither
//! `.` nor `..`, free of backslashes and NUL, at most [`MAX_PATH_LEN`]
//! bytes, and starts with the one root directory every entry shares. A
//! directory may end in one `/`; a file may not.

use super::{EntryKind, Refusal};

/// Longest entry path accepted, in bytes (Linux's `PATH_MAX`).
pub const MAX_PATH_LEN: usize = 4096;

/// Where an entry sits: directly the root directory, or a path below it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Placed<'p> {
    Root,
    Below(&'p str),
}

/// Checks the raw path of an entry and places it under the root. The first
/// entry fixes the root (`root` is `None` until then).
pub(super) fn place<'p>(
    raw: &'p [u8],
    kind: EntryKind,
    root: &mut Option<String>,
) -> Result<Placed<'p>, Refusal> {
    let lossy = || Some(String::from_utf8_lossy(raw).into_owned());
    let invalid = |why: &str| {
        Refusal::repackage(
            "tarball-path-invalid",
            lossy(),
            format!("entry path {:?} {why}", String::from_utf8_lossy(raw)),
        )
    };
    let Ok(path) = std::str::from_utf8(raw) else {
        return Err(Refusal::repackage(
            "tarball-path-not-utf8",
            lossy(),
            format!("entry path {:?} is not UTF-8", String::from_utf8_lossy(raw)),
        ));
    };
    if path.len() > MAX_PATH_LEN {
        return Err(invalid(&format!("is longer than {MAX_PATH_LEN} bytes")));
    }
    if path.contains('\0') {
        return Err(invalid("contains a NUL byte"));
    }
    if path.contains('\\') {
        return Err(invalid("contains a backslash"));
    }
    if path.starts_with('/') {
        return Err(Refusal::repackage(
            "tarball-path-absolute",
            lossy(),
            format!("entry path {path:?} is absolute"),
        ));
    }
    let trimmed = match (kind, path.strip_suffix('/')) {
        (EntryKind::Dir, Some(dir)) => dir,
        (EntryKind::File, Some(_)) => return Err(invalid("names a file but ends in `/`")),
        (_, None) => path,
    };
    if trimmed.split('/').any(|c| c == "..") {
        return Err(Refusal::repackage(
            "tarball-path-traversal",
            lossy(),
            format!("entry path {path:?} has a `..` component"),
        ));
    }
    if let Some(c) = trimmed.split('/').find(|c| c.is_empty() || *c == ".") {
        let what = if c.is_empty() { "an empty" } else { "a `.`" };
        return Err(invalid(&format!("has {what} component")));
    }
    under_root(path, trimmed, kind, root)
}

/// Splits a checked path into its root and the rest.
fn under_root<'p>(
    path: &str,
    trimmed: &'p str,
    kind: EntryKind,
    root: &mut Option<String>,
) -> Result<Placed<'p>, Refusal> {
    let (top, rest) = match trimmed.split_once('/') {
        Some((top, rest)) => (top, Some(rest)),
        None => (trimmed, None),
    };
    let outside = |message: String| {
        Refusal::repackage("tarball-path-outside-root", Some(path.to_owned()), message)
    };
    match root {
        Some(root) if root != top => {
            return Err(outside(format!(
                "entry {path:?} is not inside `{root}/`, the directory of the other entries"
            )));
        }
        Some(_) => {}
        None => *root = Some(top.to_owned()),
    }
    match (rest, kind) {
        (Some(rest), _) => Ok(Placed::Below(rest)),
        (None, EntryKind::Dir) => Ok(Placed::Root),
        (None, EntryKind::File) => Err(outside(format!(
            "file {path:?} is not inside a `{{name}}-{{version}}/` directory"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(raw: &[u8], kind: EntryKind) -> &'static str {
        let mut root = Some("a-1.0.0".to_owned());
        place(raw, kind, &mut root).expect_err("refused").rule
    }

    #[test]
    fn places_clean_paths() {
        let mut root = None;
        let placed = place(b"a-1.0.0/", EntryKind::Dir, &mut root).expect("root dir");
        assert_eq!(placed, Placed::Root);
        assert_eq!(root.as_deref(), Some("a-1.0.0"));
        let placed = place(b"a-1.0.0/src/lib.rs", EntryKind::File, &mut root).expect("file");
        assert_eq!(placed, Placed::Below("src/lib.rs"));
        let placed = place(b"a-1.0.0/src/", EntryKind::Dir, &mut root).expect("dir");
        assert_eq!(placed, Placed::Below("src"));
    }

    #[test]
    fn refuses_each_kind_of_bad_path() {
        use EntryKind::{Dir, File};
        assert_eq!(rule(b"a-1.0.0/\xff", File), "tarball-path-not-utf8");
        assert_eq!(rule(b"/etc/passwd", File), "tarball-path-absolute");
        assert_eq!(rule(b"a-1.0.0/../x", File), "tarball-path-traversal");
        assert_eq!(rule(b"a-1.0.0/src/..", Dir), "tarball-path-traversal");
        assert_eq!(rule(b"a-1.0.0/./x", File), "tarball-path-invalid");
        assert_eq!(rule(b"a-1.0.0//x", File), "tarball-path-invalid");
        assert_eq!(rule(b"a-1.0.0\\x", File), "tarball-path-invalid");
        assert_eq!(rule(b"a-1.0.0/x\0y", File), "tarball-path-invalid");
        assert_eq!(rule(b"a-1.0.0/x/", File), "tarball-path-invalid");
        assert_eq!(rule(b"", File), "tarball-path-invalid");
        assert_eq!(rule(b"a-1.0.0", File), "tarball-path-outside-root");
        assert_eq!(rule(b"b-1.0.0/x", File), "tarball-path-outside-root");
        let long = format!("a-1.0.0/{}", "x".repeat(MAX_PATH_LEN));
        assert_eq!(rule(long.as_bytes(), File), "tarball-path-invalid");
    }
}
