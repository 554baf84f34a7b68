//! Random manifests: every derived line reads back through cargo's schema.

use proptest::prelude::*;

use super::*;

fn dep_table() -> impl Strategy<Value = String> {
    let table = prop::sample::select(vec![
        "dependencies",
        "dev-dependencies",
        "build_dependencies",
        "target.'cfg(any(unix,windows))'.dependencies",
        "target.wasm32-unknown-unknown.dev-dependencies",
    ]);
    let req = prop::sample::select(vec!["1", "=0.2.3", ">= 1, < 2", "~1.2", "*", "0.1.0-rc.1"]);
    let feature = "[a-z][a-z0-9_-]{0,8}";
    (
        table,
        "[a-zA-Z][a-zA-Z0-9_-]{0,10}",
        req,
        prop::collection::vec(feature, 0..3),
        any::<bool>(),
        any::<bool>(),
        prop::option::of("[a-z]{1,6}"),
    )
        .prop_map(|(table, key, req, features, optional, default, package)| {
            let package = package
                .map(|p| format!("package = \"{p}\"\n"))
                .unwrap_or_default();
            format!(
                "[{table}.{key}]\nversion = \"{req}\"\nfeatures = {features:?}\n\
                 optional = {optional}\ndefault-features = {default}\n{package}"
            )
        })
}

proptest! {
    /// Any derivable line is read back by cargo's schema with the same
    /// values, and yanking it changes nothing else.
    #[test]
    fn lines_round_trip(tables in prop::collection::vec(dep_table(), 0..6), weak in any::<bool>()) {
        let mut toml = String::from("[package]\nname = \"p\"\nversion = \"1.2.3+build.5\"\n");
        // A table given twice is a TOML error, not a line to check.
        let mut seen = std::collections::HashSet::new();
        for table in tables.iter().filter(|t| seen.insert(t.lines().next().map(str::to_lowercase))) {
            toml.push_str(table);
        }
        toml.push_str(if weak { "[features]\na = [\"x?/y\"]\nb = [\"a\"]\n" } else { "[features]\na = []\n" });
        let manifest = Manifest::parse(&toml).expect("generated manifests are valid");
        let line = IndexLine::from_manifest(&manifest, &sum(), &alternate(), PUBTIME).expect("derivable");
        let text = line.to_json();
        let parsed: IndexPackage<'_> = serde_json::from_str(&text).expect("cargo reads it");
        prop_assert_eq!(parsed.deps.len(), line.deps().len());
        for (read, dep) in parsed.deps.iter().zip(line.deps()) {
            prop_assert_eq!(&read.name, &dep.name);
            prop_assert_eq!(&read.req, &dep.req);
            prop_assert_eq!(&read.features, &dep.features);
            prop_assert_eq!(read.package.as_deref(), dep.package.as_deref());
            prop_assert_eq!(read.registry.as_deref(), Some(CRATES_IO_INDEX));
        }
        prop_assert_eq!(parsed.v, weak.then_some(2));
        let yanked = set_yanked(&text, true).expect("line is valid");
        prop_assert_eq!(yanked.replacen("\"yanked\":true", "\"yanked\":false", 1), text);
        prop_assert!(parse_line(&yanked).expect("valid").yanked);
    }
}
