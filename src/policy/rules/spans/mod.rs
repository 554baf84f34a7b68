//! Where a key's value is in a TOML text, found from the parser's events
//! (`toml_parser`) without building the document tree: the light pass
//! behind findings that point into a packaged `Cargo.toml`.
//!
//! The answer is the span `toml::de::DeTable` gives the value at the same
//! path, so that a location is the same whether it came from here or from
//! a parsed table ([`crate::diag::locate::locate_in`]):
//! - a value written after `=` (scalar, array, inline table): its text;
//! - a table opened by a `[header]`, or the first `[[header]]` of an
//!   array of tables: that header;
//! - a table only implied by longer keys (`[a.b]` or `a.b = 1` imply `a`):
//!   the key that implies it first.
//!
//! A path leads only through tables: a path through an array, or through
//! a scalar, finds nothing. The text is lexed once; each look-up then
//! walks the events. A text with a syntax error has no [`Spans`]. Keys
//! defined twice are an error only for the tree builder, so a look-up
//! answers for the first definition: callers use it on texts that
//! `toml` already parsed (the packaged manifest).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;

use toml_parser::lexer::TokenKind;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source};

/// The events of a dotted key and the `=` after it.
const KEY: &[EventKind] = &[
    EventKind::SimpleKey,
    EventKind::KeySep,
    EventKind::Whitespace,
    EventKind::KeyValSep,
];

/// Deepest nesting of arrays and inline tables, as `toml` allows.
const MAX_DEPTH: u32 = 80;

/// What a path leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A value written after `=`: its span, from which it can be parsed
    /// on its own.
    Value(Range<usize>),
    /// A table made by headers or implied by keys (or an array of
    /// tables): the span of the header or key shown for it.
    Table(Range<usize>),
}

impl Found {
    /// The span a location shows.
    pub fn span(&self) -> Range<usize> {
        match self {
            Self::Value(span) | Self::Table(span) => span.clone(),
        }
    }
}

/// Whether some key of `text` may be one of `names`, from the lexer's
/// tokens alone: every key (in a header, a key-value or an inline table)
/// is a bare or a quoted token, and so is a string value equal to a name,
/// which counts too. `false` means no such key is there.
pub(crate) fn may_have_key(text: &str, names: &[&str]) -> bool {
    let source = Source::new(text);
    source.lex().any(|token| {
        matches!(
            token.kind(),
            TokenKind::Atom | TokenKind::BasicString | TokenKind::LiteralString
        ) && source.get(token).is_some_and(|raw| {
            let mut decoded = Cow::Borrowed("");
            raw.decode_key(&mut decoded, &mut ());
            names.contains(&decoded.as_ref())
        })
    })
}

/// A TOML text and its parser events.
pub(crate) struct Spans<'a> {
    source: Source<'a>,
    events: Vec<Event>,
}

/// A decoded key and where it is written.
type Key<'a> = (Cow<'a, str>, Range<usize>);

/// Where a look-up is after one step.
enum Step {
    /// The answer, final.
    Done(Option<Found>),
    /// Go on from this event.
    Next(usize),
}

impl<'a> Spans<'a> {
    /// Lexes and parses `text` into events; `None` on a syntax error.
    pub fn new(text: &'a str) -> Option<Self> {
        let source = Source::new(text);
        let tokens = source.lex().into_vec();
        let mut events = Vec::with_capacity(tokens.len());
        let mut error: Option<ParseError> = None;
        {
            let mut whitespace = ValidateWhitespace::new(&mut events, source);
            let mut guarded = RecursionGuard::new(&mut whitespace, MAX_DEPTH);
            toml_parser::parser::parse_document(&tokens, &mut guarded, &mut error);
        }
        let broken = error.is_some() || events.iter().any(|e| e.kind() == EventKind::Error);
        (!broken).then_some(Self { source, events })
    }

    /// What `path` leads to, if anything.
    pub fn find(&self, path: &[&str]) -> Option<Found> {
        if path.is_empty() {
            return None;
        }
        let mut implied = None;
        // Key-values add to what the path leads to only in a table the
        // path goes on under (at first the root table).
        let mut under = true;
        let mut section: Vec<Key<'a>> = Vec::new();
        let mut i = 0;
        while let Some(event) = self.events.get(i) {
            let step = match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    let (keys, next) = self.keys(i + 1);
                    let close = self.events.get(next.saturating_sub(1)).unwrap_or(event);
                    let header = event.span().start()..close.span().end();
                    let array = event.kind() == EventKind::ArrayTableOpen;
                    section = keys;
                    let order = compare(&section, path);
                    under = matches!(order, Order::Shorter);
                    match order {
                        Order::Same => Step::Done(Some(Found::Table(header))),
                        Order::Longer => {
                            implied.get_or_insert_with(|| section[path.len() - 1].1.clone());
                            Step::Next(next)
                        }
                        Order::Shorter if array => Step::Done(None),
                        Order::Shorter | Order::Apart => Step::Next(next),
                    }
                }
                EventKind::SimpleKey if under => self.key_value(i, &section, path, &mut implied),
                EventKind::SimpleKey => Step::Next(self.value_end(self.skip(i, KEY))),
                _ => Step::Next(i + 1),
            };
            match step {
                Step::Done(found) => return found,
                Step::Next(next) => i = next,
            }
        }
        implied.map(Found::Table)
    }

    /// One `key = value` starting at event `i`, in the table `base` that
    /// the path goes on under. Keys are decoded only while they agree
    /// with the path.
    fn key_value(
        &self,
        i: usize,
        base: &[Key<'a>],
        path: &[&str],
        implied: &mut Option<Range<usize>>,
    ) -> Step {
        let (mut len, mut agree, mut last) = (base.len(), true, None);
        let mut j = i;
        while let Some(event) = self.events.get(j) {
            match event.kind() {
                EventKind::SimpleKey => {
                    if agree && len < path.len() {
                        agree = self.key(event) == path[len];
                        let span = event.span();
                        last = Some(span.start()..span.end());
                    }
                    len += 1;
                }
                EventKind::KeySep | EventKind::Whitespace => {}
                _ => break,
            }
            j += 1;
        }
        let start = self.skip(j, &[EventKind::KeyValSep, EventKind::Whitespace]);
        let Some(first) = self.events.get(start) else {
            return Step::Done(None);
        };
        let end = self.value_end(start);
        match (agree, len.cmp(&path.len())) {
            (false, _) => Step::Next(end),
            (true, Ordering::Equal) => {
                let span = first.span().start()..self.events[end - 1].span().end();
                Step::Done(Some(Found::Value(span)))
            }
            (true, Ordering::Greater) => {
                if let Some(key) = last {
                    implied.get_or_insert(key);
                }
                Step::Next(end)
            }
            (true, Ordering::Less) if first.kind() == EventKind::InlineTableOpen => {
                let mut full = base.to_vec();
                full.extend(self.keys(i).0);
                self.inline_table(start + 1, end - 1, &full, path, implied)
            }
            (true, Ordering::Less) => Step::Done(None),
        }
    }

    /// The key-values of an inline table, events `from..close`.
    fn inline_table(
        &self,
        from: usize,
        close: usize,
        base: &[Key<'a>],
        path: &[&str],
        implied: &mut Option<Range<usize>>,
    ) -> Step {
        let mut i = from;
        while i < close {
            if self.events[i].kind() == EventKind::SimpleKey {
                match self.key_value(i, base, path, implied) {
                    Step::Next(next) => i = next,
                    done @ Step::Done(_) => return done,
                }
            } else {
                i += 1;
            }
        }
        // Nothing outside an inline table adds to it: the path is a table
        // implied by keys inside, or it is not there.
        Step::Done(implied.clone().map(Found::Table))
    }

    /// One simple key, decoded.
    fn key(&self, event: &Event) -> Cow<'a, str> {
        let mut decoded = Cow::Borrowed("");
        if let Some(raw) = self.source.get(event) {
            raw.decode_key(&mut decoded, &mut ());
        }
        decoded
    }

    /// The dotted key starting at event `i`, decoded, and the event after
    /// it (past a header's closing bracket).
    fn keys(&self, mut i: usize) -> (Vec<Key<'a>>, usize) {
        let mut keys = Vec::new();
        while let Some(event) = self.events.get(i) {
            match event.kind() {
                EventKind::SimpleKey => {
                    let span = event.span();
                    keys.push((self.key(event), span.start()..span.end()));
                }
                EventKind::KeySep | EventKind::Whitespace => {}
                EventKind::StdTableClose | EventKind::ArrayTableClose => return (keys, i + 1),
                _ => return (keys, i),
            }
            i += 1;
        }
        (keys, i)
    }

    /// The first event from `i` on that is not one of `kinds`.
    fn skip(&self, mut i: usize, kinds: &[EventKind]) -> usize {
        while self
            .events
            .get(i)
            .is_some_and(|e| kinds.contains(&e.kind()))
        {
            i += 1;
        }
        i
    }

    /// The event after the value starting at event `i`: after its closing
    /// bracket or brace, or after the scalar.
    fn value_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for (j, event) in self.events.iter().enumerate().skip(i) {
            match event.kind() {
                EventKind::ArrayOpen | EventKind::InlineTableOpen => depth += 1,
                EventKind::ArrayClose | EventKind::InlineTableClose => {
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
            if depth == 0 {
                return j + 1;
            }
        }
        self.events.len()
    }
}

/// How a key path stands to the path looked for.
enum Order {
    Same,
    /// The keys go on past the path: they imply it as a table.
    Longer,
    /// The keys stop inside the path: the path goes on under them.
    Shorter,
    Apart,
}

fn compare(keys: &[Key<'_>], path: &[&str]) -> Order {
    let common = keys
        .iter()
        .zip(path)
        .take_while(|((key, _), segment)| key == *segment)
        .count();
    match (common == keys.len(), common == path.len()) {
        (true, true) => Order::Same,
        (false, true) => Order::Longer,
        (true, false) => Order::Shorter,
        (false, false) => Order::Apart,
    }
}

#[cfg(test)]
mod tests;
