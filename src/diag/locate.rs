//! Finding a key's value in a TOML text: line, column and the source line,
//! for diagnostics that point into a packaged `Cargo.toml`.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Location;

/// 1-based line and column (in characters) of a byte offset in `text`,
/// with the text of that line.
#[must_use]
pub fn line_col(text: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    (
        line,
        column,
        text[line_start..line_end].trim_end_matches('\r'),
    )
}

/// The location of the value at `path` (e.g. `["package", "license"]`)
/// in `text`, shown as file `file`. `None` when the text does not parse
/// or has no such key.
#[must_use]
pub fn locate(text: &str, file: &str, path: &[&str]) -> Option<Location> {
    let root = DeTable::parse(text).ok()?;
    locate_in(&root, text, file, path)
}

/// [`locate`] in a table already parsed from `text` (parse once, locate
/// many keys).
#[must_use]
pub fn locate_in(
    root: &Spanned<DeTable<'_>>,
    text: &str,
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
    let span = value.span();
    let (line, column, source_line) = line_col(text, span.start);
    let on_line = source_line.chars().count().saturating_sub(column - 1);
    let width = text[span.clone()]
        .chars()
        .take_while(|c| *c != '\n')
        .count();
    Some(Location {
        path: file.to_owned(),
        key: path.join("."),
        line,
        column,
        width: width.clamp(1, on_line.max(1)),
        source_line: source_line.to_owned(),
    })
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
    fn line_col_counts_characters() {
        assert_eq!(line_col("é=1\nab", 5), (2, 1, "ab"));
        assert_eq!(line_col("é=1", 2), (1, 2, "é=1"));
    }
}
