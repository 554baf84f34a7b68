//! Warnings about a valid policy: entries that can never match a crate,
//! because no canonical crate name (lowercase ASCII letter first, then
//! lowercase letters, digits and `_`) can have their shape.

use super::Policy;
use super::load::PolicyError;
use super::schema::Settings;
use crate::crate_name::canonical;
use crate::diag::locate::line_col;

/// Whether some canonical crate name could match this glob.
fn glob_can_match(glob: &str) -> bool {
    let g = canonical(glob);
    let body_ok = g
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '*' | '?'));
    body_ok && g.starts_with(|c: char| c.is_ascii_lowercase() || c == '*' || c == '?')
}

/// Whether some crate name could start with (or be) this text.
fn name_can_match(name: &str) -> bool {
    !name.is_empty() && glob_can_match(name) && !name.contains(['*', '?'])
}

impl Policy {
    /// Entries of this policy (loaded from `text`) that never match.
    #[must_use]
    pub fn lint(&self, text: &str) -> Vec<PolicyError> {
        let mut out = Vec::new();
        let mut warn = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = span.map_or((0, 0), |s| {
                let (l, c, _) = line_col(text, s.start);
                (l, c)
            });
            out.push(PolicyError {
                source: self.source().to_owned(),
                line,
                column,
                message,
            });
        };
        let globs = self
            .overrides()
            .iter()
            .flat_map(|o| &o.crates)
            .chain(self.owners().allow.iter().flat_map(|r| &r.crates))
            .chain(self.custom_rules().iter().flat_map(|r| &r.crates));
        for g in globs.filter(|g| !glob_can_match(g.text())) {
            warn(
                Some(g.span()),
                format!("crate pattern `{}` can never match a crate name", g.text()),
            );
        }
        for settings in std::iter::once(self.global()).chain(self.overrides()) {
            for (key, name) in names(settings).filter(|(_, n)| !name_can_match(n)) {
                warn(
                    None,
                    format!("{key} entry `{name}` can never match a crate name"),
                );
            }
        }
        out
    }
}

/// Every crate-name-like entry of a settings block, with its key.
fn names(s: &Settings) -> impl Iterator<Item = (&'static str, &str)> {
    let n = &s.names;
    n.required_prefixes
        .iter()
        .map(|p| ("names.required-prefixes", p.as_str()))
        .chain(n.reserved.iter().map(|p| ("names.reserved", p.as_str())))
        .chain(
            n.public_allow
                .iter()
                .map(|p| ("names.public-allow", p.as_str())),
        )
        .chain(
            s.sources
                .reserved_prefixes
                .iter()
                .map(|p| ("sources.reserved-prefixes", p.as_str())),
        )
        .chain(
            s.bans
                .deny
                .iter()
                .map(|b| ("bans.deny.name", b.name.as_str())),
        )
        .chain(s.bans.deny.iter().flat_map(|b| {
            b.wrappers
                .iter()
                .map(|w| ("bans.deny.wrappers", w.as_str()))
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_about_entries_that_never_match() {
        let text = "schema = 1\nnames.required-prefixes = [\"acme.\"]\n[[bans.deny]]\nname = \"9lives\"\nwrappers = [\"ok-wrapper\"]\n\
            [[override]]\ncrates = [\"acme-*\", \"Acme/*\"]\n[owners]\n[[owners.allow]]\nidentities = [\"a\"]\ncrates = [\"_x\"]\n";
        let p = Policy::from_str(text, "p.toml").expect("valid");
        let warnings: Vec<String> = p.lint(text).iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(warnings.join("\n"));
        let clean = "schema = 1\n[[override]]\ncrates = [\"*-sys\"]\n";
        assert!(
            Policy::from_str(clean, "p.toml")
                .expect("valid")
                .lint(clean)
                .is_empty()
        );
    }
}
