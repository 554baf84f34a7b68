//! Finding a key's value in a TOML text: line, column and the source line,
//! for diagnostics that point into a packaged `Cargo.toml`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Location;

/// 1-based line and column (in characters) of a byte offset in `text`,
/// with the text of that line. For many offsets in one text, [`Lines`].
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize, &str) {
    let lines = Lines::new(text);
    let (line, column, start, end) = lines.position(offset);
    (line, column, &text[start..end])
}

/// Bytes between the character counts [`Lines`] keeps.
const CHECKPOINT: usize = 4096;

/// A source line longer than this many bytes is shown as a window of
/// [`WINDOW`] bytes around the value.
const MAX_SHOWN_LINE: usize = 1024;
const WINDOW: usize = 512;

/// A text indexed for locating many offsets in it: where each line
/// starts, and how many characters precede every [`CHECKPOINT`]th byte.
/// A location then costs a binary search and a count over at most a few
/// kilobytes, whatever the size of the text or the length of its lines
/// (a hostile manifest may be megabytes on one line, with a finding per
/// key).
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// `(byte offset, characters before it)`, every [`CHECKPOINT`] bytes.
    checkpoints: Vec<(usize, usize)>,
}

impl<'t> Lines<'t> {
    #[must_use]
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut checkpoints = vec![(0, 0)];
        let mut at = 0;
        let mut chars = 0;
        while at + CHECKPOINT < text.len() {
            let next = text.floor_char_boundary(at + CHECKPOINT).max(at + 1);
            let next = text.ceil_char_boundary(next);
            chars += text[at..next].chars().count();
            at = next;
            checkpoints.push((at, chars));
        }
        Self {
            text,
            starts,
            checkpoints,
        }
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let i = self.checkpoints.partition_point(|(at, _)| *at <= offset) - 1;
        let (at, chars) = self.checkpoints[i];
        chars + self.text[at..offset].chars().count()
    }

    /// 1-based line and column of `offset`, and the byte range of its
    /// line (without the line break).
    fn position(&self, offset: usize) -> (usize, usize, usize, usize) {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line = self.starts.partition_point(|start| *start <= offset);
        let start = self.starts[line - 1];
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let end = start + self.text[start..end].trim_end_matches('\r').len();
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (line, column, start, end)
    }

    /// The location of `span` (a value's bytes), shown as file `file` at
    /// `key`. A line over [`MAX_SHOWN_LINE`] bytes is shown as a window
    /// around the value.
    #[must_use]
    pub fn location(&self, file: &str, key: &[&str], span: &Range<usize>) -> Location {
        let (line, column, start, end) = self.position(span.start);
        let offset = self
            .text
            .floor_char_boundary(span.start.min(self.text.len()));
        let (shown_start, shown_end) = if end - start > MAX_SHOWN_LINE {
            let from = self
                .text
                .floor_char_boundary(offset.saturating_sub(WINDOW / 4).max(start));
            (
                from,
                self.text.floor_char_boundary((from + WINDOW).min(end)),
            )
        } else {
            (start, end)
        };
        let shown_from = self.chars_before(shown_start) - self.chars_before(start);
        let on_line = self.chars_before(shown_end) - self.chars_before(offset);
        let value_end = self
            .text
            .floor_char_boundary(span.end.min(shown_end).max(offset));
        let width = self.text[offset..value_end]
            .chars()
            .take_while(|c| *c != '\n')
            .count();
        Location {
            path: file.to_owned(),
            key: key.join("."),
            line,
            column,
            width: width.clamp(1, on_line.max(1)),
            source_line: self.text[shown_start..shown_end].to_owned(),
            shown_from,
        }
    }
}

/// The location of the value at `path` (e.g. `["package", "license"]`)
/// in `text`, shown as file `file`. `None` when the text does not parse
/// or has no such key.
#[must_use]
pub fn locate(text: &str, file: &str, path: &[&str]) -> Option<Location> {
    let root = DeTable::parse(text).ok()?;
    locate_in(&root, &Lines::new(text), file, path)
}

/// [`locate`] in a table already parsed from the text of `lines` (parse
/// and index once, locate many keys).
#[must_use]
pub fn locate_in(
    root: &Spanned<DeTable<'_>>,
    lines: &Lines<'_>,
    file: &str,
    path: &[&str],
) -> Option<Location> {
    let (first, rest) = path.split_first()?;
    let mut value = root.get_ref().get(*first)?;
    for key in rest {
        value = match value.get_ref() {
            DeValue::Table(table) => table.get(*key)?,
            _ => return None,
        };
    }
    Some(lines.location(file, path, &value.span()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "[package]\nname = \"a\"\nlicense = \"GPL-3.0\"\n\n[dependencies.foo]\nversion = \"1\"\n";

    #[test]
    fn finds_nested_keys() {
        let loc = locate(TEXT, "a-1.0.0/Cargo.toml", &["package", "license"]).expect("found");
        assert_eq!((loc.line, loc.column, loc.width), (3, 11, 9));
        assert_eq!(loc.source_line, "license = \"GPL-3.0\"");
        assert_eq!(loc.key, "package.license");
        let dep = locate(TEXT, "x", &["dependencies", "foo", "version"]).expect("found");
        assert_eq!((dep.line, dep.column), (6, 11));
    }

    #[test]
    fn missing_keys_and_bad_text() {
        assert!(locate(TEXT, "x", &["package", "nope"]).is_none());
        assert!(locate(TEXT, "x", &["package", "name", "deeper"]).is_none());
        assert!(locate("[[", "x", &["package"]).is_none());
    }

    #[test]
    fn long_lines_show_a_window_and_count_columns_in_characters() {
        let mut text = "é".repeat(10_000);
        text.push_str("x = \"value\"");
        text.push_str(&"y".repeat(10_000));
        let lines = Lines::new(&text);
        let start = text.find("\"value").expect("present");
        let loc = lines.location("f", &["x"], &(start..start + 7));
        assert_eq!((loc.line, loc.column, loc.width), (1, 10_005, 7));
        assert!(loc.source_line.len() <= WINDOW);
        let shown = loc
            .source_line
            .chars()
            .skip(loc.column - 1 - loc.shown_from);
        assert!(shown.collect::<String>().starts_with("\"value\""));
    }

    /// Line and column as counted from the start of the text, the way
    /// the index must agree with.
    fn counted(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn the_index_agrees_with_counting() {
        let line = format!("{}\r\n{}\n\n", "ü".repeat(3000), "a".repeat(9000));
        let text = line.repeat(3);
        let lines = Lines::new(&text);
        for offset in (0..=text.len() + 2).step_by(211).chain([0, 1, text.len()]) {
            let (line, column, _, _) = lines.position(offset);
            assert_eq!((line, column), counted(&text, offset), "at {offset}");
        }
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("é=1\nab", 5), (2, 1, "ab"));
        assert_eq!(line_col("é=1", 2), (1, 2, "é=1"));
        assert_eq!(line_col("a\r\nb\n", 3), (2, 1, "b"));
        assert_eq!(line_col("a\n", 2), (2, 1, ""));
    }
}
