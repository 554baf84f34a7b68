//! Bans: dependencies that may not be used (optionally only some
//! versions, with a reason, a replacement and wrapper crates allowed to use
//! them), build scripts, proc-macros and native executables (ELF, PE,
//! Mach-O by header). The last three are `allow` by default; a policy sets
//! them to `deny` and relaxes them per `[[override]]`.

use cargo_util_schemas::manifest::{TomlPackageBuild, TomlTarget};

use super::deps;
use super::{Ctx, Report};
use crate::crate_name::canonical;

/// File headers of native executables and libraries.
const NATIVE: &[(&[u8], &str)] = &[
    (b"\x7fELF", "an ELF binary"),
    (b"MZ", "a PE (Windows) binary"),
    (b"\xfe\xed\xfa\xce", "a Mach-O binary"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O binary"),
    (b"\xce\xfa\xed\xfe", "a Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O binary"),
    (
        b"\xca\xfe\xba\xbe",
        "a Mach-O universal binary (or a Java class)",
    ),
];

pub(super) fn check(ctx: &mut Ctx<'_>) {
    banned_deps(ctx);
    build_script(ctx);
    proc_macro(ctx);
    native_executables(ctx);
}

fn build_script(ctx: &mut Ctx<'_>) {
    let k = ctx.krate;
    let p = k.manifest.package();
    let build = match &p.build {
        Some(TomlPackageBuild::Auto(false)) => None,
        Some(TomlPackageBuild::SingleScript(s)) => Some(s.clone()),
        Some(TomlPackageBuild::MultipleScript(v)) => Some(v.join(", ")),
        Some(TomlPackageBuild::Auto(true)) => Some("build.rs".to_owned()),
        None => k
            .entries
            .iter()
            .any(|e| e.path == "build.rs")
            .then(|| "build.rs".to_owned()),
    };
    if let Some(script) = build {
        let help = "remove the build script, or ask for an [[override]] setting levels.ban-build-script = \"allow\" for this crate";
        ctx.report(
            "ban-build-script",
            Report::new(
                "the crate has a build script, which runs arbitrary code at build time",
                help,
            )
            .value(script)
            .key(&["package", "build"])
            .policy("levels.ban-build-script"),
        );
    }
}

fn proc_macro(ctx: &mut Ctx<'_>) {
    let k = ctx.krate;
    if k.manifest
        .toml
        .lib
        .as_ref()
        .and_then(TomlTarget::proc_macro)
        == Some(true)
    {
        let help =
            "ask for an [[override]] setting levels.ban-proc-macro = \"allow\" for this crate";
        ctx.report(
            "ban-proc-macro",
            Report::new(
                "the crate is a proc-macro, which runs arbitrary code at build time",
                help,
            )
            .key(&["lib"])
            .policy("levels.ban-proc-macro"),
        );
    }
}

fn native_executables(ctx: &mut Ctx<'_>) {
    let k = ctx.krate;
    let native: Vec<(String, &str)> = k
        .entries
        .iter()
        .filter_map(|e| {
            NATIVE
                .iter()
                .find(|(magic, _)| e.magic.starts_with(magic))
                .map(|(_, what)| (e.path.clone(), *what))
        })
        .collect();
    for (path, what) in native {
        let message = format!("`{path}` is {what}");
        let help =
            "leave binaries out of the package (`package.exclude`) and build them from source";
        ctx.report(
            "ban-native-executable",
            Report::new(message, help)
                .value(path)
                .policy("levels.ban-native-executable"),
        );
    }
}

fn banned_deps(ctx: &mut Ctx<'_>) {
    let bans = &ctx.settings.bans.deny;
    if bans.is_empty() {
        return;
    }
    let mut reports = Vec::new();
    for dep in deps::all(&ctx.krate.manifest.toml) {
        let name = canonical(dep.name);
        for ban in bans.iter().filter(|b| canonical(&b.name) == name) {
            if ban.wrappers.iter().any(|w| canonical(w) == ctx.canonical) {
                continue;
            }
            if let Some(req) = &ban.version
                && lowest(dep.req).is_some_and(|v| !req.get().0.matches(&v))
            {
                continue;
            }
            let versions = ban
                .version
                .as_ref()
                .map(|r| format!(" {}", r.text()))
                .unwrap_or_default();
            let reason = ban
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let help = match &ban.use_instead {
                Some(other) => format!("use `{other}` instead"),
                None => format!("remove the dependency on `{}`", dep.name),
            };
            let message = format!("dependency `{}`{versions} is banned{reason}", dep.name);
            reports.push(
                Report::new(message, help)
                    .value(dep.req.unwrap_or("*"))
                    .key(&dep.key())
                    .policy("bans.deny"),
            );
        }
    }
    for r in reports {
        ctx.report("ban-dependency", r);
    }
}

/// The lowest version a requirement accepts (approximately: its lowest
/// lower bound), used to judge it against a banned version range. `None`
/// when it has no lower bound, which is then judged as banned.
fn lowest(req: Option<&str>) -> Option<semver::Version> {
    use semver::Op;
    let req = semver::VersionReq::parse(req?).ok()?;
    req.comparators
        .iter()
        .filter(|c| {
            matches!(
                c.op,
                Op::Exact | Op::GreaterEq | Op::Greater | Op::Tilde | Op::Caret | Op::Wildcard
            )
        })
        .map(|c| semver::Version {
            major: c.major,
            minor: c.minor.unwrap_or(0),
            patch: c.patch.unwrap_or(0),
            pre: c.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{file, judge, krate, render, rules};

    const BANS: &str = "[[bans.deny]]\nname = \"openssl\"\nreason = \"we use rustls\"\nuse-instead = \"rustls\"\nwrappers = [\"acme-tls\"]\n[[bans.deny]]\nname = \"time\"\nversion = \"<0.2\"\n";

    #[test]
    fn banned_dependencies() {
        let rest = "[dependencies]\nopenssl = \"0.10\"\ntime = \"0.1.40\"\n[build-dependencies.t2]\npackage = \"time\"\nversion = \"0.3\"\n";
        let v = judge(BANS, krate("foo", "1.0.0", rest));
        assert_eq!(rules(&v), ["ban-dependency", "ban-dependency"]);
        insta::assert_snapshot!(render(&v));
        assert_eq!(
            rules(&judge(BANS, krate("acme-tls", "1.0.0", rest))),
            ["ban-dependency"]
        );
    }

    #[test]
    fn build_scripts_proc_macros_binaries() {
        let deny = "[levels]\nban-build-script = \"deny\"\nban-proc-macro = \"deny\"\nban-native-executable = \"deny\"\n[[override]]\ncrates = [\"*-sys\"]\nlevels.ban-build-script = \"allow\"\n";
        let mut k = krate(
            "foo",
            "1.0.0",
            "build = \"build.rs\"\n[lib]\nproc-macro = true\n",
        );
        k.entries.push(file("bin/tool", 10, b"\x7fELF"));
        k.entries.push(file("bin/tool.exe", 10, b"MZ\x90\x00"));
        k.entries.push(file("src/text.rs", 10, b"fn m"));
        let v = judge(deny, k);
        assert_eq!(
            rules(&v),
            [
                "ban-build-script",
                "ban-proc-macro",
                "ban-native-executable",
                "ban-native-executable"
            ]
        );
        insta::assert_snapshot!(render(&v));
        let mut auto = krate("foo-sys", "1.0.0", "");
        auto.entries.push(file("build.rs", 10, b"fn m"));
        assert!(judge(deny, auto).accepted);
        let mut auto = krate("foo", "1.0.0", "");
        auto.entries.push(file("build.rs", 10, b"fn m"));
        assert_eq!(rules(&judge(deny, auto)), ["ban-build-script"]);
        assert!(judge("", krate("foo", "1.0.0", "build = \"b.rs\"\n")).accepted);
    }

    #[test]
    fn lowest_version_of_a_requirement() {
        assert_eq!(
            super::lowest(Some("^1.2")).map(|v| v.to_string()),
            Some("1.2.0".into())
        );
        assert_eq!(
            super::lowest(Some(">=0.3, <0.5")).map(|v| v.to_string()),
            Some("0.3.0".into())
        );
        assert_eq!(super::lowest(Some("<2")), None);
        assert_eq!(super::lowest(None), None);
    }
}
