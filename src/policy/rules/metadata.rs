//! Metadata rules: required fields, crates.io's limits on description,
//! keywords and categories, http(s) URLs with optional patterns, and
//! `package.publish`.

use cargo_util_schemas::manifest::{InheritableField, StringOrBool, TomlPackage, VecStringOrBool};

use super::categories::SLUGS;
use super::{Ctx, Report};
use crate::policy::values::Field;

const MAX_DESCRIPTION: usize = 1000;
const MAX_KEYWORDS: usize = 5;
const MAX_KEYWORD_LEN: usize = 20;
const MAX_CATEGORIES: usize = 5;

fn text(field: Option<&InheritableField<String>>) -> Option<&str> {
    field.and_then(InheritableField::as_value).map(String::as_str).filter(|s| !s.trim().is_empty())
}

fn list(field: Option<&InheritableField<Vec<String>>>) -> &[String] {
    field.and_then(InheritableField::as_value).map_or(&[], Vec::as_slice)
}

fn present(p: &TomlPackage, field: Field) -> bool {
    match field {
        Field::Description => text(p.description.as_ref()).is_some(),
        Field::License => text(p.license.as_ref()).or(text(p.license_file.as_ref())).is_some(),
        Field::Repository => text(p.repository.as_ref()).is_some(),
        Field::Homepage => text(p.homepage.as_ref()).is_some(),
        Field::Documentation => text(p.documentation.as_ref()).is_some(),
        Field::Readme => !matches!(p.readme.as_ref().and_then(InheritableField::as_value), None | Some(StringOrBool::Bool(false))),
        Field::Authors => !list(p.authors.as_ref()).is_empty(),
        Field::RustVersion => p.rust_version.is_some(),
        Field::Edition => p.edition.is_some(),
        Field::Keywords => !list(p.keywords.as_ref()).is_empty(),
        Field::Categories => !list(p.categories.as_ref()).is_empty(),
    }
}

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.krate.manifest.package();
    let missing: Vec<Field> = ctx.settings.metadata.required.iter().map(|f| *f.get()).filter(|f| !present(p, *f)).collect();
    for field in missing {
        let key = field.key();
        let what = if field == Field::License { "`license` or `license-file`".to_owned() } else { format!("`{key}`") };
        ctx.report(
            "metadata-missing",
            Report::new(format!("package.{key} is required but missing"), format!("add {what} to [package] in Cargo.toml"))
                .value(key)
                .policy("metadata.required"),
        );
    }
    if let Some(d) = text(p.description.as_ref())
        && d.len() > MAX_DESCRIPTION
    {
        let message = format!("the description is {} bytes, over crates.io's limit of {MAX_DESCRIPTION}", d.len());
        ctx.report("metadata-description-too-long", Report::new(message, "shorten package.description; put details in the README").key(&["package", "description"]));
    }
    keywords(ctx, list(p.keywords.as_ref()));
    categories(ctx, list(p.categories.as_ref()));
    urls(ctx, p);
    publish(ctx, p);
}

fn keywords(ctx: &mut Ctx<'_>, keywords: &[String]) {
    let key = ["package", "keywords"];
    if keywords.len() > MAX_KEYWORDS {
        let message = format!("{} keywords, over crates.io's limit of {MAX_KEYWORDS}", keywords.len());
        ctx.report("metadata-keywords", Report::new(message, "keep the five most useful keywords").key(&key));
    }
    let valid = |k: &str| {
        k.len() <= MAX_KEYWORD_LEN
            && k.starts_with(|c: char| c.is_ascii_alphanumeric())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'))
    };
    for k in keywords.iter().filter(|k| !valid(k)) {
        let message = format!("keyword `{k}` is not valid on crates.io: at most {MAX_KEYWORD_LEN} characters of ASCII letters, digits, `-`, `_`, `+`, starting with a letter or digit");
        ctx.report("metadata-keywords", Report::new(message, "shorten or respell the keyword").value(k).key(&key));
    }
}

fn categories(ctx: &mut Ctx<'_>, categories: &[String]) {
    let key = ["package", "categories"];
    if categories.len() > MAX_CATEGORIES {
        let message = format!("{} categories, over crates.io's limit of {MAX_CATEGORIES}", categories.len());
        ctx.report("metadata-categories", Report::new(message, "keep the five most fitting categories").key(&key));
    }
    for c in categories.iter().filter(|c| !SLUGS.contains(&c.as_str())) {
        let message = format!("`{c}` is not one of crates.io's category slugs");
        ctx.report("metadata-unknown-category", Report::new(message, "use a slug from https://crates.io/category_slugs").value(c).key(&key));
    }
}

fn urls(ctx: &mut Ctx<'_>, p: &TomlPackage) {
    let m = &ctx.settings.metadata;
    let fields = [
        ("repository", text(p.repository.as_ref()), &m.repository_pattern),
        ("homepage", text(p.homepage.as_ref()), &m.homepage_pattern),
        ("documentation", text(p.documentation.as_ref()), &m.documentation_pattern),
    ];
    let mut reports = Vec::new();
    for (name, value, pattern) in fields {
        let Some(url) = value else { continue };
        let report = if !(url.starts_with("https://") || url.starts_with("http://")) {
            Report::new(format!("package.{name} `{url}` is not an http(s) URL"), format!("set package.{name} to an https:// URL"))
        } else if let Some(pattern) = pattern.as_ref().filter(|pat| !pat.get().0.is_match(url)) {
            Report::new(format!("package.{name} `{url}` does not match the required pattern"), format!("set package.{name} to a URL matching `{}`", pattern.text()))
                .policy(format!("metadata.{name}-pattern"))
        } else {
            continue;
        };
        reports.push(report.value(url).key(&["package", name]));
    }
    reports.into_iter().for_each(|r| ctx.report("metadata-url", r));
}

fn publish(ctx: &mut Ctx<'_>, p: &TomlPackage) {
    let names = &ctx.settings.metadata.registry_names;
    let refused = match p.publish.as_ref().and_then(InheritableField::as_value) {
        Some(VecStringOrBool::Bool(false)) => Some("package.publish is false".to_owned()),
        Some(VecStringOrBool::VecString(list)) if list.is_empty() => Some("package.publish is an empty list".to_owned()),
        Some(VecStringOrBool::VecString(list)) if !names.is_empty() && !list.iter().any(|r| names.contains(r)) => {
            Some(format!("package.publish lists only {}, not this registry", list.join(", ")))
        }
        _ => None,
    };
    if let Some(message) = refused {
        let help = match names.first() {
            Some(n) => format!("add \"{n}\" to package.publish, or remove the key"),
            None => "remove package.publish, or list this registry in it".to_owned(),
        };
        ctx.report("metadata-publish", Report::new(message, help).key(&["package", "publish"]).policy("metadata.registry-names"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{bare, judge, krate, render, rules};

    #[test]
    fn required_fields() {
        let text = "[metadata]\nrequired = [\"description\", \"license\", \"repository\", \"readme\", \"authors\", \"rust-version\", \"edition\", \"keywords\", \"categories\", \"homepage\", \"documentation\"]\n";
        let v = judge(text, bare("foo", "1.0.0", "description = \" \"\nreadme = false\n"));
        assert_eq!(v.findings.len(), 11);
        insta::assert_snapshot!(render(&v));
        let full = "description = \"d\"\nlicense = \"MIT\"\nrepository = \"https://r\"\nreadme = \"R.md\"\nauthors = [\"a\"]\nrust-version = \"1.70\"\nedition = \"2021\"\nkeywords = [\"k\"]\ncategories = [\"config\"]\nhomepage = \"https://h\"\ndocumentation = \"https://d\"\n";
        assert!(judge(text, bare("foo", "1.0.0", full)).findings.is_empty());
    }

    #[test]
    fn crates_io_limits() {
        let rest = format!(
            "description = \"{}\"\nkeywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"-bad\", \"waytoolongkeywordhere1\"]\ncategories = [\"a\", \"b\", \"c\", \"d\", \"e\", \"parsing\"]\n",
            "x".repeat(1001)
        );
        let v = judge("", krate("foo", "1.0.0", &rest));
        insta::assert_snapshot!(render(&v));
        assert_eq!(v.findings.iter().filter(|f| f.rule == "metadata-keywords").count(), 3);
        assert_eq!(v.findings.iter().filter(|f| f.rule == "metadata-unknown-category").count(), 5);
        assert!(rules(&v).contains(&"metadata-description-too-long"));
        assert!(rules(&v).contains(&"metadata-categories"));
    }

    #[test]
    fn urls_and_patterns() {
        let text = "[metadata]\nrepository-pattern = \"^https://git\\\\.acme\\\\.test/\"\n";
        let rest = "repository = \"https://github.com/x/y\"\nhomepage = \"ftp://x\"\ndocumentation = \"https://docs.rs/foo\"\n";
        let v = judge(text, krate("foo", "1.0.0", rest));
        assert_eq!(rules(&v), ["metadata-url", "metadata-url"]);
        insta::assert_snapshot!(render(&v));
        assert!(judge(text, krate("foo", "1.0.0", "repository = \"https://git.acme.test/foo\"\n")).accepted);
    }

    #[test]
    fn publish_key() {
        let text = "[metadata]\nregistry-names = [\"acme\"]\n";
        assert_eq!(rules(&judge(text, krate("foo", "1.0.0", "publish = false\n"))), ["metadata-publish"]);
        let v = judge(text, krate("foo", "1.0.0", "publish = [\"crates-io\"]\n"));
        insta::assert_snapshot!(render(&v));
        assert!(judge(text, krate("foo", "1.0.0", "publish = [\"acme\"]\n")).accepted);
        assert!(judge("", krate("foo", "1.0.0", "publish = [\"other\"]\n")).accepted);
        assert!(judge("", krate("foo", "1.0.0", "publish = []\n")).findings.len() == 1);
    }
}
