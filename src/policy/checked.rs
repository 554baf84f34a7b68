//! Values compiled while the policy loads, and the two traits every policy
//! section implements: [`Validate`] collects all load problems (not just
//! the first), [`Merge`] applies an `[[override]]` (lists add, scalars
//! replace).
//!
//! A [`Checked<T>`] deserializes leniently: it keeps the text, its span and
//! either the compiled value or why it failed, so that one pass over the
//! file reports every bad regex, SPDX id or version requirement together.
//! A `Policy` is only built when no problem was found, which is why
//! [`Checked::get`] may assume success.

use std::ops::Range;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A problem found while loading: a byte span in the policy file and what
/// is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// A value that can be compiled from its policy text.
pub trait Compile: Sized {
    fn compile(text: &str) -> Result<Self, String>;
}

/// A compiled policy value with its source text and span.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    text: String,
    span: Range<usize>,
    value: Result<T, String>,
}

impl<T> Checked<T> {
    /// The compiled value. Only reachable through a loaded `Policy`, and a
    /// policy with any failed value does not load.
    #[must_use]
    pub fn get(&self) -> &T {
        self.value
            .as_ref()
            .expect("a Policy is only built when every Checked value compiled")
    }

    /// The value as written in the policy.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    #[must_use]
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl<T: Compile> Checked<T> {
    /// Compiles `text` outside a file (tests, built-in defaults).
    pub fn new(text: &str) -> Result<Self, String> {
        T::compile(text).map(|value| Self {
            text: text.to_owned(),
            span: 0..0,
            value: Ok(value),
        })
    }
}

impl<'de, T: Compile> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<String>::deserialize(deserializer)?;
        let span = spanned.span();
        let text = spanned.into_inner();
        let value = T::compile(&text);
        Ok(Self { text, span, value })
    }
}

/// Collects every load problem of a value.
pub trait Validate {
    fn validate(&self, out: &mut Vec<Problem>);
}

impl<T> Validate for Checked<T> {
    fn validate(&self, out: &mut Vec<Problem>) {
        if let Err(message) = &self.value {
            out.push(Problem {
                span: Some(self.span.clone()),
                message: format!("`{}`: {message}", self.text),
            });
        }
    }
}

impl<V: Validate> Validate for Option<V> {
    fn validate(&self, out: &mut Vec<Problem>) {
        if let Some(v) = self {
            v.validate(out);
        }
    }
}

impl<V: Validate> Validate for Vec<V> {
    fn validate(&self, out: &mut Vec<Problem>) {
        self.iter().for_each(|v| v.validate(out));
    }
}

impl<V: Validate> Validate for Spanned<V> {
    fn validate(&self, out: &mut Vec<Problem>) {
        self.get_ref().validate(out);
    }
}

/// Plain values that cannot be invalid once deserialized.
macro_rules! always_valid {
    ($($t:ty),*) => { $(impl Validate for $t { fn validate(&self, _: &mut Vec<Problem>) {} })* };
}
always_valid!(u64, bool, String, std::sync::Arc<std::collections::HashSet<String>>);

/// Applies a later (override) value onto an earlier one.
pub trait Merge {
    fn merge(&mut self, later: &Self);
}

/// Scalars: a later value replaces.
impl<T: Clone> Merge for Option<T> {
    fn merge(&mut self, later: &Self) {
        if later.is_some() {
            self.clone_from(later);
        }
    }
}

/// Lists: later entries add.
impl<T: Clone> Merge for Vec<T> {
    fn merge(&mut self, later: &Self) {
        self.extend(later.iter().cloned());
    }
}

/// Implements [`Validate`] (and with `merge`, [`Merge`]) for a struct by
/// visiting the listed fields.
macro_rules! fields {
    (validate $ty:ty { $($f:ident),* $(,)? }) => {
        impl $crate::policy::checked::Validate for $ty {
            fn validate(&self, out: &mut Vec<$crate::policy::checked::Problem>) {
                $( $crate::policy::checked::Validate::validate(&self.$f, out); )*
            }
        }
    };
    (validate merge $ty:ty { $($f:ident),* $(,)? }) => {
        fields!(validate $ty { $($f),* });
        impl $crate::policy::checked::Merge for $ty {
            fn merge(&mut self, later: &Self) {
                $( $crate::policy::checked::Merge::merge(&mut self.$f, &later.$f); )*
            }
        }
    };
}
pub(crate) use fields;

#[cfg(test)]
mod tests {
    use super::*;

    struct Even(u64);
    impl Compile for Even {
        fn compile(text: &str) -> Result<Self, String> {
            let n: u64 = text.parse().map_err(|_| "not a number".to_owned())?;
            if n % 2 == 0 { Ok(Self(n)) } else { Err("odd".to_owned()) }
        }
    }

    #[derive(Deserialize)]
    struct Doc {
        a: Vec<Checked<Even>>,
    }
    fields!(validate Doc { a });

    #[test]
    fn collects_every_problem_with_spans() {
        let text = "a = [\"2\", \"3\", \"x\"]";
        let doc: Doc = toml::from_str(text).expect("lenient");
        let mut out = Vec::new();
        doc.validate(&mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].message, "`3`: odd");
        assert_eq!(&text[out[0].span.clone().expect("span")], "\"3\"");
        assert_eq!(doc.a[0].get().0, 2);
    }

    #[test]
    fn lists_add_scalars_replace() {
        let mut list = vec![1];
        list.merge(&vec![2]);
        assert_eq!(list, [1, 2]);
        let mut scalar = Some(1);
        scalar.merge(&None);
        assert_eq!(scalar, Some(1));
        scalar.merge(&Some(3));
        assert_eq!(scalar, Some(3));
    }
}
