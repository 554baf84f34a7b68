//! The stable rule ids: every finding names one, `[levels]` and
//! `[[override]]` blocks change their level, `crategate policy explain`
//! prints this table. Ids never change meaning once released.

use super::Level;

/// One rule: its id, family, default level and what it checks.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub family: &'static str,
    pub default: Level,
    /// Safety rules: always `deny`, no policy can lower them.
    pub fixed: bool,
    pub summary: &'static str,
}

const fn rule(
    id: &'static str,
    family: &'static str,
    default: Level,
    summary: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        family,
        default,
        fixed: false,
        summary,
    }
}

const fn safety(id: &'static str, family: &'static str, summary: &'static str) -> RuleInfo {
    RuleInfo {
        id,
        family,
        default: Level::Deny,
        fixed: true,
        summary,
    }
}

use Level::{Allow, Deny, Warn};

/// Every rule crategate knows, in documentation order. The first group
/// are the reader's refusals (`crate::crate_file::Refusal`): always
/// `deny`, with limits `tarball.max-unpacked-size`, `tarball.max-entries`
/// and `tarball.max-manifest-size`. An id the reader reports that is not
/// listed here is also judged `deny`.
#[rustfmt::skip]
pub const RULES: &[RuleInfo] = &[
    safety("tarball-not-gzip", "reader", "The file is not gzip-compressed."),
    safety("tarball-gzip-corrupt", "reader", "The gzip stream is corrupt."),
    safety("tarball-trailing-data", "reader", "Bytes follow the end of the gzip stream or the tar archive."),
    safety("tarball-not-tar", "reader", "The decompressed data is not a tar archive."),
    safety("tarball-truncated", "reader", "The archive ends in the middle of an entry."),
    safety("tarball-bad-header", "reader", "A tar header is malformed."),
    safety("tarball-header-too-large", "reader", "A tar extension header (long name, pax) is too large."),
    safety("tarball-header-mismatch", "reader", "Tar header fields contradict each other."),
    safety("tarball-unpacked-too-large", "reader", "The package unpacks to more than tarball.max-unpacked-size (a decompression bomb)."),
    safety("tarball-too-many-entries", "reader", "The package has more entries than tarball.max-entries."),
    safety("tarball-entry-type", "reader", "An entry is not a regular file or directory (symlink, hard link, device, fifo)."),
    safety("tarball-path-traversal", "reader", "A path contains `..`."),
    safety("tarball-path-absolute", "reader", "A path is absolute."),
    safety("tarball-path-outside-root", "reader", "A path is not under `{name}-{version}/`."),
    safety("tarball-path-invalid", "reader", "A path is not valid UTF-8 or contains forbidden characters."),
    safety("tarball-path-conflict", "reader", "A path is both a file and a directory."),
    safety("tarball-duplicate-entry", "reader", "Two entries have the same path."),
    safety("manifest-missing", "reader", "The package has no `{name}-{version}/Cargo.toml`."),
    safety("manifest-duplicate", "reader", "The package has more than one Cargo.toml at its root."),
    safety("manifest-too-large", "reader", "Cargo.toml is larger than tarball.max-manifest-size."),
    safety("manifest-invalid", "reader", "Cargo.toml is not valid TOML for cargo."),
    safety("manifest-no-package", "reader", "Cargo.toml has no [package] table."),
    safety("manifest-no-name", "reader", "Cargo.toml has no package.name."),
    safety("manifest-bad-name", "reader", "package.name is not a valid crate name (1-64 ASCII letters, digits, `-`, `_`, a letter first)."),
    safety("manifest-no-version", "reader", "Cargo.toml has no package.version (semver)."),
    safety("manifest-unresolved", "reader", "A key is still inherited from a workspace: the manifest was not normalized by `cargo package`."),
    safety("crate-name-mismatch", "reader", "The file name does not match package.name."),
    safety("crate-version-mismatch", "reader", "The file name or directory does not match package.version."),
    safety("tarball-compression-ratio", "tarball", "Unpacked size divided by compressed size exceeds tarball.max-compression-ratio (a decompression bomb)."),
    rule("tarball-too-large", "tarball", Deny, "The .crate file is larger than tarball.max-compressed-size (default 10 MiB, as crates.io)."),
    rule("tarball-windows-reserved-path", "tarball", Deny, "A path component is a Windows device name (con, nul, aux, com1...) or ends in a dot or space: the crate cannot be unpacked on Windows."),
    rule("tarball-case-collision", "tarball", Deny, "Two paths differ only in letter case: they collide on case-insensitive file systems."),
    rule("tarball-no-orig-manifest", "tarball", Allow, "Provenance: no Cargo.toml.orig, so the package was not made by `cargo package`."),
    rule("tarball-no-vcs-info", "tarball", Allow, "Provenance: no .cargo_vcs_info.json, so the commit it was packaged from is unknown."),
    rule("tarball-dirty", "tarball", Allow, "Provenance: .cargo_vcs_info.json says the working tree was dirty when packaged."),
    rule("name-reserved", "names", Deny, "The name is reserved by crates.io (std, core, alloc, proc_macro, test, Windows device names) or by names.reserved."),
    rule("name-pattern", "names", Deny, "The name does not match the regular expression names.pattern."),
    rule("name-prefix", "names", Deny, "The name does not start with one of names.required-prefixes."),
    rule("name-collision", "names", Deny, "The name equals a registry crate's name under crates.io's canonical form (lowercase, `-` = `_`) but is spelled differently."),
    rule("name-shadows-public", "names", Deny, "The name is in the names.public-names-file list (e.g. crates.io's names) and not in names.public-allow."),
    rule("version-too-long", "versions", Deny, "The version is longer than 150 characters (crates.io's limit)."),
    rule("version-prerelease", "versions", Allow, "The version is a pre-release; refused when set to deny."),
    rule("version-build-metadata", "versions", Allow, "The version has `+build` metadata; refused when set to deny."),
    rule("version-exists", "versions", Deny, "The version is already published (ignoring build metadata) with other bytes, possibly yanked: a published version is never replaced."),
    rule("version-replaced", "versions", Deny, "A pushed .crate file replaces an existing one in the crate repository."),
    rule("metadata-missing", "metadata", Deny, "A field listed in metadata.required is missing or empty."),
    rule("metadata-description-too-long", "metadata", Deny, "package.description is longer than 1000 bytes (crates.io's limit)."),
    rule("metadata-keywords", "metadata", Deny, "More than 5 keywords, or a keyword longer than 20 characters or not of ASCII letters, digits, `-`, `_`, `+` starting with a letter (crates.io's limits)."),
    rule("metadata-categories", "metadata", Deny, "More than 5 categories (crates.io's limit)."),
    rule("metadata-unknown-category", "metadata", Warn, "A category is not one of crates.io's category slugs (crates.io ignores it)."),
    rule("metadata-url", "metadata", Deny, "repository, homepage or documentation is not an http(s) URL, or does not match metadata.<field>-pattern."),
    rule("metadata-publish", "metadata", Deny, "package.publish is false, or a list that does not name this registry (metadata.registry-names)."),
    rule("license-missing", "licenses", Deny, "Neither package.license nor package.license-file is set."),
    rule("license-unparsable", "licenses", Deny, "package.license is not an SPDX expression under licenses.parse-mode."),
    rule("license-not-allowed", "licenses", Deny, "The license expression cannot be satisfied by licenses.allow."),
    rule("license-deprecated-id", "licenses", Warn, "The license expression uses a deprecated SPDX identifier."),
    rule("license-file-unclarified", "licenses", Deny, "Only package.license-file is set and no licenses.clarify entry gives an expression for that file's sha256."),
    rule("source-not-allowed", "sources", Deny, "A dependency comes from a registry not in sources.allow-registries."),
    rule("source-dependency-confusion", "sources", Deny, "A dependency is taken from crates.io but its name belongs to this registry or matches sources.reserved-prefixes."),
    rule("dependency-wildcard", "sources", Deny, "A dependency requirement is `*` (crates.io refuses these)."),
    rule("ban-dependency", "bans", Deny, "A dependency is listed in bans.deny (optionally only for some versions)."),
    rule("ban-build-script", "bans", Allow, "The crate has a build script; set to deny to refuse them (and allow in an override, e.g. for *-sys crates)."),
    rule("ban-proc-macro", "bans", Allow, "The crate is a proc-macro; set to deny to refuse them."),
    rule("ban-native-executable", "bans", Allow, "The package contains an ELF, PE or Mach-O file (by header)."),
    rule("owner-not-allowed", "owners", Deny, "The pusher identity may not publish or yank this crate (owners.allow)."),
    rule("owner-unknown-identity", "owners", Deny, "Owners are configured but the pusher identity is unknown (owners.identity-env not set by the server)."),
    safety("tarball-not-a-file", "tarball", "The .crate path is a symbolic link or a submodule in git, not a file."),
    safety("tarball-over-hard-limit", "tarball", "The .crate is over 256 MiB, more than crategate reads into memory whatever the policy says."),
    rule("push-branch-deletion", "push", Deny, "The push deletes the tracked branch (push.allow-branch-deletion)."),
    rule("push-force", "push", Deny, "The push rewrites the tracked branch's history (push.allow-force-push)."),
    rule("push-other-ref", "push", Deny, "The push updates a ref other than the tracked branch (push.other-refs)."),
    rule("push-path-not-allowed", "push", Deny, "The push changes a path that is neither a .crate nor listed in push.other-paths."),
    rule("yank-list-invalid", "push", Deny, "yanked.toml does not parse, or lists a name that is not a crate name."),
    rule("yank-list-unknown-version", "push", Deny, "yanked.toml yanks or unyanks a version whose .crate is not in the repository."),
    rule("push-crate-location", "push", Deny, "A .crate file is not where the crate layout puts it (the top of the repository, or its shard directory when sharded), where the index's dl URL expects it."),
];

/// The rule with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// The table `policy explain` prints for one rule.
#[must_use]
pub fn explain(rule: &RuleInfo) -> String {
    let level = if rule.fixed {
        "deny (fixed)"
    } else {
        rule.default.as_str()
    };
    format!(
        "{id}\n  family:        {family}\n  default level: {level}\n\n  {summary}\n",
        id = rule.id,
        family = rule.family,
        summary = rule.summary
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.id
            );
            assert!(
                RULES[..i].iter().all(|o| o.id != r.id),
                "duplicate {}",
                r.id
            );
            assert!(!r.fixed || r.default == Level::Deny);
        }
        assert!(find("license-not-allowed").is_some());
        assert!(find("nope").is_none());
    }
}
