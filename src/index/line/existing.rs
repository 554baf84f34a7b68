//! Lines already in the index: read with cargo's own schema, and yanked or
//! unyanked in place.
//!
//! A written line never changes except its `yanked` value, so
//! [`set_yanked`] edits the bytes of that one value (`true`, `false` or
//! `null`) and leaves every other byte as it was. A line without `yanked`
//! (cargo reads a missing one as `false`) gets it appended as the last
//! field.

use std::ops::Range;

use cargo_util_schemas::index::IndexPackage;

use super::LineError;
use crate::checksum::Checksum;

/// What the writer needs to know of an existing line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    pub name: String,
    pub vers: semver::Version,
    pub cksum: Checksum,
    pub yanked: bool,
}

/// Reads one index line as cargo would; a line cargo cannot read is an
/// error, since cargo would silently skip that version.
pub fn parse_line(text: &str) -> Result<ParsedLine, LineError> {
    let package: IndexPackage<'_> =
        serde_json::from_str(text).map_err(|e| LineError::Unparsable(e.to_string()))?;
    let cksum = Checksum::from_hex(&package.cksum)
        .ok_or_else(|| LineError::BadChecksum(package.cksum.clone()))?;
    Ok(ParsedLine {
        name: package.name.into_owned(),
        vers: package.vers,
        cksum,
        yanked: package.yanked.unwrap_or(false),
    })
}

/// `line` with only its `yanked` value set to `yanked`.
pub fn set_yanked(line: &str, yanked: bool) -> Result<String, LineError> {
    parse_line(line)?;
    let value = if yanked { "true" } else { "false" };
    let changed = if let Some(span) = yanked_value(line) {
        format!("{}{value}{}", &line[..span.start], &line[span.end..])
    } else {
        let close = line
            .rfind('}')
            .ok_or_else(|| LineError::Unparsable("no closing `}`".to_owned()))?;
        format!("{},\"yanked\":{value}{}", &line[..close], &line[close..])
    };
    // A key spelled with escapes is invisible to the scan above; the parse
    // then sees two `yanked` fields and fails, which is the right answer.
    match parse_line(&changed) {
        Ok(parsed) if parsed.yanked == yanked => Ok(changed),
        Ok(_) => Err(LineError::Unparsable(
            "`yanked` could not be changed in place".to_owned(),
        )),
        Err(e) => Err(e),
    }
}

/// The byte range of the value of the top-level `"yanked"` key, in a line
/// known to be one valid JSON object.
fn yanked_value(line: &str) -> Option<Range<usize>> {
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                if depth == 1 && expect_key && &line[i + 1..end - 1] == "yanked" {
                    return Some(value_after_colon(bytes, end));
                }
                expect_key = false;
                i = end;
                continue;
            }
            b'{' => {
                depth += 1;
                expect_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index just past the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The span of the literal (`true`, `false`, `null`) after `: ` at `from`.
fn value_after_colon(bytes: &[u8], from: usize) -> Range<usize> {
    let skip = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b':') {
            i += 1;
        }
        i
    };
    let start = skip(from);
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUM: &str = "7f7c568b25d7489bc3fb2988ed69ab111d2944d2f5fec3d5c987fe545ea97b50";

    /// A compact line whose feature table has its own `yanked` key, ahead
    /// of the real one.
    fn compact(yanked: &str) -> String {
        format!(
            concat!(
                r#"{{"name":"Demo","vers":"1.0.0+meta","deps":[{{"name":"yanked","req":"^1","features":["yanked"],"#,
                r#""optional":false,"default_features":true,"target":null,"kind":"normal"}}],"cksum":"{}","#,
                r#""features":{{"yanked":["a\"yanked\":x"]}},"yanked":{},"pubtime":"2024-01-02T03:04:05Z"}}"#
            ),
            SUM, yanked
        )
    }

    #[test]
    fn parses_with_cargos_schema() {
        let parsed = parse_line(&compact("true")).expect("valid");
        assert_eq!(parsed.name, "Demo");
        assert_eq!(
            parsed.vers,
            semver::Version::parse("1.0.0+meta").expect("valid")
        );
        assert_eq!(parsed.cksum.to_string(), SUM);
        assert!(parsed.yanked);
        assert!(!parse_line(&compact("null")).expect("valid").yanked);
        assert!(matches!(parse_line("{}"), Err(LineError::Unparsable(_))));
        assert!(matches!(
            parse_line(&compact("1")),
            Err(LineError::Unparsable(_))
        ));
        let short = compact("false").replace(SUM, "abc");
        assert!(matches!(parse_line(&short), Err(LineError::BadChecksum(c)) if c == "abc"));
    }

    #[test]
    fn set_yanked_changes_only_the_flag() {
        for (before, flag, after) in [
            ("false", true, "true"),
            ("true", false, "false"),
            ("null", true, "true"),
            ("true", true, "true"),
        ] {
            assert_eq!(
                set_yanked(&compact(before), flag).expect("valid"),
                compact(after)
            );
        }
    }

    #[test]
    fn set_yanked_keeps_spaced_lines_and_adds_a_missing_flag() {
        let spaced = format!(
            r#"{{"name": "a", "vers": "0.1.0", "deps": [], "cksum": "{SUM}", "features": {{}}, "yanked" :  false, "v": 2}}"#
        );
        let yanked = set_yanked(&spaced, true).expect("valid");
        assert_eq!(yanked, spaced.replace(":  false", ":  true"));
        let missing =
            format!(r#"{{"name":"a","vers":"0.1.0","deps":[],"cksum":"{SUM}","features":{{}}}}"#);
        let added = set_yanked(&missing, true).expect("valid");
        assert_eq!(
            added,
            format!("{},\"yanked\":true}}", &missing[..missing.len() - 1])
        );
        assert!(set_yanked("not json", true).is_err());
    }
}
