//! License rules, as cargo-deny judges them: `package.license` is parsed
//! as an SPDX expression (per `licenses.parse-mode`) and must be
//! satisfiable by `licenses.allow`; the refusal names the requirements
//! that failed and the licenses that would pass. A `license-file`-only
//! crate passes only through a `licenses.clarify` entry whose sha256 is
//! that of the file inside the crate.

use cargo_util_schemas::manifest::InheritableField;

use super::{Ctx, Report};
use crate::checksum::Checksum;
use crate::policy::values::Field;

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.krate.manifest.package();
    let field = |f: Option<&InheritableField<String>>| {
        f.and_then(InheritableField::as_value).filter(|s| !s.trim().is_empty()).cloned()
    };
    match (field(p.license.as_ref()), field(p.license_file.as_ref())) {
        (Some(license), _) => expression(ctx, &license),
        (None, Some(file)) => license_file(ctx, &file),
        // Already reported as `metadata-missing` when `license` is required.
        (None, None) if ctx.settings.metadata.required.iter().any(|f| *f.get() == Field::License) => {}
        (None, None) => ctx.report(
            "license-missing",
            Report::new("the crate declares no license", "set package.license to an SPDX expression, e.g. \"MIT OR Apache-2.0\""),
        ),
    }
}

fn expression(ctx: &mut Ctx<'_>, license: &str) {
    let key = ["package", "license"];
    let mode = ctx.settings.licenses.parse_mode.unwrap_or_default();
    let expr = match spdx::Expression::parse_mode(license, mode.spdx()) {
        Ok(expr) => expr,
        Err(e) => {
            let message = format!("`{license}` is not a valid SPDX license expression: {}", e.reason);
            let help = "write an SPDX expression such as \"MIT OR Apache-2.0\" (ids from https://spdx.org/licenses/)";
            ctx.report("license-unparsable", Report::new(message, help).value(license).key(&key).policy("licenses.parse-mode"));
            return;
        }
    };
    let deprecated: Vec<String> = expr
        .requirements()
        .filter(|r| {
            r.req.license.id().is_some_and(spdx::LicenseId::is_deprecated)
                || r.req.addition.as_ref().and_then(spdx::AdditionItem::id).is_some_and(spdx::ExceptionId::is_deprecated)
        })
        .map(|r| r.req.to_string())
        .collect();
    for id in deprecated {
        let message = format!("`{id}` is a deprecated SPDX identifier");
        ctx.report("license-deprecated-id", Report::new(message, "use the current SPDX identifier (e.g. `GPL-2.0-only` for `GPL-2.0`)").value(id).key(&key));
    }
    allowed(ctx, &expr, license, Some(&key));
}

/// Refuses `expr` unless `licenses.allow` satisfies it (an empty allow
/// list allows everything).
fn allowed(ctx: &mut Ctx<'_>, expr: &spdx::Expression, shown: &str, key: Option<&[&str]>) {
    let allow = &ctx.settings.licenses.allow;
    if allow.is_empty() {
        return;
    }
    let Err(failed) = expr.evaluate_with_failures(|req| allow.iter().any(|l| l.get().0.satisfies(req))) else {
        return;
    };
    let failed: Vec<String> = failed.iter().map(|r| format!("`{}`", r.req)).collect();
    let acceptable: Vec<&str> = allow.iter().map(|l| l.text()).collect();
    let message = format!("license `{shown}` is not allowed: {} {} not in the allow-list", failed.join(", "), if failed.len() == 1 { "is" } else { "are" });
    let help = format!(
        "acceptable licenses: {}; relicense, or allow the license for this crate in an [[override]]",
        acceptable.join(", ")
    );
    let mut report = Report::new(message, help).value(shown).policy("licenses.allow");
    if let Some(key) = key {
        report = report.key(key);
    }
    ctx.report("license-not-allowed", report);
}

fn license_file(ctx: &mut Ctx<'_>, file: &str) {
    let key = ["package", "license-file"];
    let path = file.trim_start_matches("./");
    let Some(bytes) = ctx.krate.kept.get(path) else {
        let message = format!("only package.license-file is set, and `{path}` is not in the package");
        let help = "set package.license to an SPDX expression, or package the license file";
        ctx.report("license-file-unclarified", Report::new(message, help).value(path).key(&key).policy("licenses.clarify"));
        return;
    };
    let sha = Checksum::of(bytes);
    let clarified = ctx.settings.licenses.clarify.iter().find(|c| c.sha256.get().0 == sha).map(|c| (c.expression.get().0.clone(), c.expression.text().to_owned()));
    match clarified {
        Some((expr, shown)) => allowed(ctx, &expr, &shown, Some(&key)),
        None => {
            let message = format!("only package.license-file is set, and no licenses.clarify entry covers `{path}` (sha256 {sha})");
            let help = format!(
                "set package.license to an SPDX expression, or have the registry add to an [[override]] for this crate: licenses.clarify = [{{ expression = \"<SPDX>\", sha256 = \"{sha}\" }}]"
            );
            ctx.report("license-file-unclarified", Report::new(message, help).value(path).key(&key).policy("licenses.clarify"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bare, judge, krate, render, rules};
    use crate::checksum::Checksum;

    const ALLOW: &str = "[licenses]\nallow = [\"MIT\", \"Apache-2.0\", \"Apache-2.0 WITH LLVM-exception\"]\n";

    fn lic(expr: &str) -> crate::crate_file::CrateFile {
        krate("foo", "1.0.0", &format!("license = \"{expr}\"\n"))
    }

    #[test]
    fn allow_list_names_the_failing_requirement() {
        assert!(judge(ALLOW, lic("MIT OR GPL-3.0-only")).accepted);
        assert!(judge(ALLOW, lic("Apache-2.0 WITH LLVM-exception")).accepted);
        let v = judge(ALLOW, lic("MIT AND GPL-3.0-only"));
        assert_eq!(rules(&v), ["license-not-allowed"]);
        insta::assert_snapshot!(render(&v));
        let exception = "[[override]]\ncrates = [\"foo\"]\nlicenses.allow = [\"GPL-3.0-only\"]\n";
        assert!(judge(&format!("{ALLOW}{exception}"), lic("MIT AND GPL-3.0-only")).accepted);
        assert!(judge("", lic("GPL-3.0-only")).accepted, "no allow-list allows all");
    }

    #[test]
    fn parse_modes() {
        assert!(judge(ALLOW, lic("MIT/Apache-2.0")).accepted);
        let v = judge(&format!("{ALLOW}parse-mode = \"strict\"\n"), lic("MIT/Apache-2.0"));
        assert_eq!(rules(&v), ["license-unparsable"]);
        insta::assert_snapshot!(render(&v));
        assert_eq!(rules(&judge(ALLOW, lic("Apache 2.0"))), ["license-unparsable"]);
        assert!(judge(&format!("{ALLOW}parse-mode = \"lax\"\n"), lic("Apache 2.0")).accepted);
    }

    #[test]
    fn deprecated_ids_warn() {
        let v = judge(ALLOW, lic("GPL-2.0 OR MIT"));
        assert_eq!(rules(&v), ["license-deprecated-id"]);
        assert!(v.accepted);
        insta::assert_snapshot!(render(&v));
    }

    #[test]
    fn missing_license() {
        let v = judge("", bare("foo", "1.0.0", ""));
        assert_eq!(rules(&v), ["license-missing"]);
        insta::assert_snapshot!(render(&v));
    }

    #[test]
    fn license_file_needs_clarify() {
        let with_file = |text: &[u8]| {
            let mut k = krate("foo", "1.0.0", "license-file = \"LICENSE\"\n");
            k.kept.insert("LICENSE".into(), text.to_vec());
            k
        };
        let v = judge(ALLOW, with_file(b"custom terms"));
        assert_eq!(rules(&v), ["license-file-unclarified"]);
        insta::assert_snapshot!(render(&v));
        let sha = Checksum::of(b"custom terms");
        let clarify = |expr: &str| format!("{ALLOW}clarify = [{{ expression = \"{expr}\", sha256 = \"{sha}\" }}]\n");
        assert!(judge(&clarify("MIT"), with_file(b"custom terms")).accepted);
        assert_eq!(rules(&judge(&clarify("MIT"), with_file(b"changed"))), ["license-file-unclarified"]);
        assert_eq!(rules(&judge(&clarify("GPL-3.0-only"), with_file(b"custom terms"))), ["license-not-allowed"]);
        let absent = krate("foo", "1.0.0", "license-file = \"LICENSE\"\n");
        assert_eq!(rules(&judge(ALLOW, absent)), ["license-file-unclarified"]);
    }
}
