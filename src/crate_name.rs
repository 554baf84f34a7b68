//! Crate names as the registry stores them.
//!
//! A [`CrateName`] is what every registry accepts: 1 to 64 ASCII
//! characters, a letter first, then letters, digits, `-` and `_`. That is
//! the shape that makes an index path safe. Reserved names and naming
//! conventions are policy, not this type.

use std::fmt;

/// The longest name crates.io accepts.
pub const MAX_LEN: usize = 64;

/// A validated crate name, with its case as published.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrateName(String);

/// Why a string is not a crate name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a crate name cannot be empty")]
    Empty,
    #[error("`{0}` is longer than {MAX_LEN} characters")]
    TooLong(String),
    #[error("`{0}` must start with an ASCII letter")]
    BadStart(String),
    #[error("`{name}` contains {ch:?}; only ASCII letters, digits, `-` and `_` are allowed")]
    BadChar { name: String, ch: char },
}

impl CrateName {
    pub fn new(name: &str) -> Result<Self, NameError> {
        let first = name.chars().next().ok_or(NameError::Empty)?;
        if name.len() > MAX_LEN {
            return Err(NameError::TooLong(name.to_owned()));
        }
        if !first.is_ascii_alphabetic() {
            return Err(NameError::BadStart(name.to_owned()));
        }
        if let Some(ch) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(NameError::BadChar {
                name: name.to_owned(),
                ch,
            });
        }
        Ok(Self(name.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// crates.io's uniqueness key: lowercase, with `-` and `_` the same.
    #[must_use]
    pub fn canonical(&self) -> String {
        canonical(&self.0)
    }
}

/// The canonical form of any name-like string (see [`CrateName::canonical`]).
#[must_use]
pub fn canonical(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl fmt::Display for CrateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CrateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CrateName({})", self.0)
    }
}

impl AsRef<str> for CrateName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses() {
        assert!(CrateName::new("Foo-Bar_2").is_ok());
        assert_eq!(CrateName::new(""), Err(NameError::Empty));
        assert!(matches!(CrateName::new("2x"), Err(NameError::BadStart(_))));
        assert!(matches!(
            CrateName::new("a/b"),
            Err(NameError::BadChar { ch: '/', .. })
        ));
        assert!(matches!(CrateName::new("é"), Err(NameError::BadStart(_))));
        assert!(matches!(
            CrateName::new(&"a".repeat(65)),
            Err(NameError::TooLong(_))
        ));
    }

    #[test]
    fn canonical_form() {
        let name = CrateName::new("Foo-Bar_baz").expect("valid");
        assert_eq!(name.canonical(), "foo_bar_baz");
    }
}
