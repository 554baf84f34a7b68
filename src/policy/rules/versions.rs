//! Version rules: crates.io's length limit, pre-release and build-metadata
//! toggles, and the invariant that a published version is never replaced
//! (same version ignoring `+build`, other bytes), also after a yank.

use super::{Ctx, Earlier, Report};
use crate::policy::{Change, RegistryState};

/// crates.io's limit on the version string.
const MAX_LEN: usize = 150;

/// The version without build metadata: what uniqueness is judged on.
pub(super) fn without_build(v: &semver::Version) -> String {
    let mut v = v.clone();
    v.build = semver::BuildMetadata::EMPTY;
    v.to_string()
}

pub(super) fn check(state: &RegistryState, earlier: &Earlier, ctx: &mut Ctx<'_>) {
    let version = ctx.krate.manifest.version.clone();
    let text = version.to_string();
    let key = ["package", "version"];
    if text.len() > MAX_LEN {
        let message = format!(
            "the version is {} characters long, over crates.io's limit of {MAX_LEN}",
            text.len()
        );
        ctx.report(
            "version-too-long",
            Report::new(message, "shorten the pre-release or build metadata")
                .value(&text)
                .key(&key),
        );
    }
    if !version.pre.is_empty() {
        let message = format!("`{text}` is a pre-release version");
        ctx.report(
            "version-prerelease",
            Report::new(message, "publish a release version")
                .value(&text)
                .key(&key)
                .policy("levels.version-prerelease"),
        );
    }
    if !version.build.is_empty() {
        let message = format!("`{text}` carries build metadata (`+{}`)", version.build);
        ctx.report(
            "version-build-metadata",
            Report::new(message, "drop the `+…` part of the version")
                .value(&text)
                .key(&key)
                .policy("levels.version-build-metadata"),
        );
    }
    if ctx.upload.change == Change::Modified {
        let message = format!(
            "{} replaces a .crate file already in the repository",
            ctx.upload.path
        );
        let help = "a published version can never change: publish a new version instead, and restore the old file";
        ctx.report(
            "version-replaced",
            Report::new(message, help).value(ctx.upload.path.clone()),
        );
    }
    exists(state, earlier, ctx, &version);
}

fn exists(state: &RegistryState, earlier: &Earlier, ctx: &mut Ctx<'_>, version: &semver::Version) {
    let bare = without_build(version);
    let published = state.crates.get(&ctx.canonical).and_then(|c| {
        c.versions
            .iter()
            .find(|v| without_build(&v.version) == bare)
    });
    let clash = match published {
        // The very same bytes again (a retry, or re-adding a yanked file).
        Some(v) if v.checksum == ctx.krate.checksum => return,
        Some(v) => Some((v.version.to_string(), v.yanked)),
        None if earlier.version => Some((bare, false)),
        None => None,
    };
    if let Some((other, yanked)) = clash {
        let yanked = if yanked { " (yanked)" } else { "" };
        let message = format!(
            "version {other}{yanked} of this crate is already published with other contents"
        );
        let help = "a published version is never replaced, not even after a yank: bump the version";
        ctx.report(
            "version-exists",
            Report::new(message, help)
                .value(version.to_string())
                .key(&["package", "version"]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{added, judge, krate, policy, render, rules};
    use crate::policy::{Change, PublishedCrate, PublishedVersion, RegistryState, decide};

    fn state_with(
        version: &str,
        checksum: crate::checksum::Checksum,
        yanked: bool,
    ) -> RegistryState {
        let mut state = RegistryState::default();
        let v = PublishedVersion {
            version: version.parse().expect("v"),
            checksum,
            yanked,
        };
        state.crates.insert(
            "foo".into(),
            PublishedCrate {
                name: "foo".into(),
                versions: vec![v],
            },
        );
        state
    }

    #[test]
    fn toggles_and_length() {
        assert!(judge("", krate("foo", "1.0.0-rc.1+b5", "")).accepted);
        let text = "[levels]\nversion-prerelease = \"deny\"\nversion-build-metadata = \"warn\"\n";
        let v = judge(text, krate("foo", "1.0.0-rc.1+b5", ""));
        assert_eq!(rules(&v), ["version-prerelease", "version-build-metadata"]);
        insta::assert_snapshot!(render(&v));
        let long = format!("1.0.0-{}", "a".repeat(150));
        let v = judge("", krate("foo", &long, ""));
        assert_eq!(rules(&v), ["version-too-long"]);
        insta::assert_snapshot!("too_long", render(&v));
    }

    #[test]
    fn never_replaced_even_after_yank() {
        let p = policy("");
        let k = krate("foo", "1.0.0+other", "");
        let same = k.checksum;
        assert!(decide(&p, &state_with("1.0.0", same, true), &[added(k)]).accepted);
        let v = decide(
            &p,
            &state_with("1.0.0", crate::checksum::Checksum::of(b"old"), true),
            &[added(krate("foo", "1.0.0+other", ""))],
        );
        assert_eq!(rules(&v), ["version-exists"]);
        insta::assert_snapshot!(render(&v));
        let twice = [
            added(krate("foo", "2.0.0", "")),
            added(krate("foo", "2.0.0+b", "")),
        ];
        assert_eq!(
            rules(&decide(&p, &RegistryState::default(), &twice)),
            ["version-exists"]
        );
        let mut modified = added(krate("foo", "3.0.0", ""));
        modified.change = Change::Modified;
        let v = decide(&p, &RegistryState::default(), &[modified]);
        assert_eq!(rules(&v), ["version-replaced"]);
        insta::assert_snapshot!("replaced", render(&v));
    }
}
