//! Where a crate's file lives in a registry index.
//!
//! cargo's layout, on the lowercased name: `1/{n}`, `2/{n}`, `3/{c}/{n}`
//! with `c` the first character, else `{n[0..2]}/{n[2..4]}/{n}`.

use std::fmt;

use crate::crate_name::CrateName;

/// Most `-`/`_` spellings of a name probed one by one (a name with up to
/// eight separators); past that, directories are listed.
pub const MAX_SPELLINGS: usize = 256;

/// The path of a crate's index file, relative to the index root.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexPath(String);

impl IndexPath {
    #[must_use]
    pub fn of(name: &CrateName) -> Self {
        let n = name.as_str().to_ascii_lowercase();
        Self(match n.len() {
            1 => format!("1/{n}"),
            2 => format!("2/{n}"),
            3 => format!("3/{}/{n}", &n[..1]),
            _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
        })
    }

    /// A path found in a committed index tree.
    #[must_use]
    pub(crate) fn from_committed(path: String) -> Self {
        Self(path)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory holding the file.
    #[must_use]
    pub fn dir(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The paths of every name canonically equal to `name` (index paths
    /// are lowercase, so only `-`/`_` spellings differ), `name`'s own
    /// included; `None` when there are more than [`MAX_SPELLINGS`]
    /// (a name with many separators): then list [`Self::collision_dirs`].
    #[must_use]
    pub fn spellings(name: &CrateName) -> Option<Vec<Self>> {
        let lower = name.as_str().to_ascii_lowercase();
        let separators: Vec<usize> = lower
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'-' || *b == b'_')
            .map(|(i, _)| i)
            .collect();
        let count = 1usize.checked_shl(u32::try_from(separators.len()).ok()?)?;
        if count > MAX_SPELLINGS {
            return None;
        }
        let paths = (0..count)
            .map(|mask| {
                let mut bytes = lower.clone().into_bytes();
                for (bit, &i) in separators.iter().enumerate() {
                    bytes[i] = if mask >> bit & 1 == 1 { b'_' } else { b'-' };
                }
                let spelled = String::from_utf8(bytes).expect("ASCII swap keeps UTF-8");
                Self::of(&CrateName::new(&spelled).expect("a swap of `-`/`_` keeps a valid name"))
            })
            .collect();
        Some(paths)
    }

    /// The directories of every name that is canonically equal to `name`
    /// (`-` and `_` swapped in the characters that choose the directory).
    /// A canonical collision can only be in one of these.
    #[must_use]
    pub fn collision_dirs(name: &CrateName) -> Vec<String> {
        let n = name.as_str().to_ascii_lowercase();
        let prefix_len = if n.len() <= 3 { 1 } else { 4 };
        let mut variants = vec![n.clone()];
        for i in 0..prefix_len.min(n.len()) {
            let swapped = match n.as_bytes()[i] {
                b'-' => b'_',
                b'_' => b'-',
                _ => continue,
            };
            let more: Vec<String> = variants
                .iter()
                .map(|v| {
                    let mut bytes = v.clone().into_bytes();
                    bytes[i] = swapped;
                    String::from_utf8(bytes).expect("ASCII swap keeps UTF-8")
                })
                .collect();
            variants.extend(more);
        }
        let mut dirs: Vec<String> = variants
            .iter()
            .map(|v| {
                let name = CrateName::new(v).expect("a swap of `-`/`_` keeps a valid name");
                Self::of(&name).dir().to_owned()
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }
}

impl fmt::Display for IndexPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> String {
        IndexPath::of(&CrateName::new(name).expect("valid")).0
    }

    #[test]
    fn cargo_layout() {
        assert_eq!(path("a"), "1/a");
        assert_eq!(path("Ab"), "2/ab");
        assert_eq!(path("Cat"), "3/c/cat");
        assert_eq!(path("Serde"), "se/rd/serde");
        assert_eq!(path("foo-bar"), "fo/o-/foo-bar");
    }

    #[test]
    fn spellings_of_a_name() {
        let paths = |name: &str| {
            IndexPath::spellings(&CrateName::new(name).expect("valid"))
                .map(|v| v.into_iter().map(|p| p.0).collect::<Vec<_>>())
        };
        assert_eq!(paths("Serde"), Some(vec!["se/rd/serde".to_owned()]));
        assert_eq!(
            paths("a-b_c"),
            Some(vec![
                "a-/b-/a-b-c".into(),
                "a_/b-/a_b-c".into(),
                "a-/b_/a-b_c".into(),
                "a_/b_/a_b_c".into()
            ])
        );
        let seven = "a-".repeat(8);
        assert_eq!(
            paths(seven.trim_end_matches('-')).map(|v| v.len()),
            Some(128)
        );
        assert_eq!(
            paths(&format!("a{}", "-b".repeat(9))),
            None,
            "too many to probe"
        );
    }

    #[test]
    fn collision_dirs_cover_every_spelling() {
        let dirs = IndexPath::collision_dirs(&CrateName::new("a_b-c_d").expect("valid"));
        assert_eq!(dirs, vec!["a-/b-", "a-/b_", "a_/b-", "a_/b_"]);
        let short = IndexPath::collision_dirs(&CrateName::new("a_b").expect("valid"));
        assert_eq!(short, vec!["3/a"]);
    }
}
