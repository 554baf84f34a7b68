//! Files a caller asks the reader to keep: path patterns, each with a
//! bound on how many bytes of a matching file are kept.
//!
//! A matching file larger than its bound is kept truncated to the bound
//! (compare the kept length with [`super::Entry::size`]). All such files of
//! one package together are kept up to [`MAX_KEPT_TOTAL`] bytes; past that,
//! matching files are kept only up to their magic bytes, so memory stays
//! bounded whatever the patterns and the archive.

/// Most bytes of requested files kept from one package, over all files.
pub const MAX_KEPT_TOTAL: u64 = 32 * 1024 * 1024;

/// Path patterns (regular expressions over the path relative to the
/// package root, anchored by whoever writes them) with a byte bound each.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    patterns: Vec<(regex::Regex, u64)>,
}

impl Keep {
    #[must_use]
    pub fn new(patterns: impl IntoIterator<Item = (regex::Regex, u64)>) -> Self {
        Self {
            patterns: patterns.into_iter().collect(),
        }
    }

    /// Whether nothing is requested.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The largest bound of the patterns `path` matches, if any does.
    pub(super) fn bound(&self, path: &str) -> Option<u64> {
        self.patterns
            .iter()
            .filter(|(re, _)| re.is_match(path))
            .map(|(_, bound)| *bound)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::CrateBuilder;
    use super::super::{Limits, read_crate};
    use super::*;

    fn keep(patterns: &[(&str, u64)]) -> Limits {
        Limits {
            keep: Keep::new(
                patterns
                    .iter()
                    .map(|(p, b)| (regex::Regex::new(p).expect("test regex"), *b)),
            ),
            ..Limits::default()
        }
    }

    #[test]
    fn keeps_requested_files_up_to_their_bound() {
        let bytes = CrateBuilder::package("a", "1.0.0")
            .file("a-1.0.0/LICENSE", b"MIT License\n")
            .file("a-1.0.0/big.txt", &[b'y'; 100])
            .file("a-1.0.0/other", b"not kept")
            .build();
        let limits = keep(&[(r"^LICENSE$", 1000), (r"\.txt$", 10), (r"^big", 20)]);
        let krate = read_crate(&bytes, None, &limits).expect("clean");
        assert_eq!(krate.kept["LICENSE"], b"MIT License\n");
        assert_eq!(krate.kept["big.txt"], [b'y'; 20], "the largest bound wins");
        assert!(!krate.kept.contains_key("src/lib.rs"));
        let big = krate.entries.iter().find(|e| e.path == "big.txt");
        assert_eq!(big.map(|e| (e.size, e.magic.len())), Some((100, 4)));
        assert!(!krate.kept.contains_key("other"));
        let plain = read_crate(&bytes, None, &Limits::default()).expect("clean");
        assert!(plain.kept.is_empty());
    }

    #[test]
    fn keeps_at_most_the_total_per_package() {
        let mib = 1024 * 1024;
        let zeros = vec![0; 17 * mib];
        let bytes = CrateBuilder::package("a", "1.0.0")
            .file("a-1.0.0/a.bin", &zeros)
            .file("a-1.0.0/b.bin", &zeros)
            .file("a-1.0.0/c.bin", &zeros)
            .build();
        let krate =
            read_crate(&bytes, None, &keep(&[(r"\.bin$", 20 * mib as u64)])).expect("clean");
        let kept: Vec<usize> = ["a.bin", "b.bin", "c.bin"]
            .iter()
            .map(|p| krate.kept[*p].len())
            .collect();
        assert_eq!(kept, [17 * mib, 15 * mib, 4]);
        assert_eq!(
            krate
                .entries
                .iter()
                .find(|e| e.path == "c.bin")
                .map(|e| e.magic.len()),
            Some(4)
        );
    }
}
