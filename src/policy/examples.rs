//! Loads and exercises every example policy in `policies/`.

use super::rules::testing::{added, file, judge, krate, rules};
use super::{Policy, RegistryState, decide};

fn load(name: &str) -> (Policy, String) {
    let path = format!("{}/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example policy exists");
    let policy = Policy::load(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        policy.lint(&text).is_empty(),
        "{name} has entries that never match"
    );
    (policy, text)
}

#[test]
fn every_example_policy_loads() {
    let dir = format!("{}/policies", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("policies/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "toml")
        })
        .collect();
    names.sort();
    assert_eq!(names, ["default.toml", "mirror.toml", "strict.toml"]);
    for n in &names {
        load(n);
    }
}

#[test]
fn default_is_crates_io() {
    let (p, text) = load("default.toml");
    let typical =
        "description = \"d\"\nlicense = \"MIT/Apache-2.0\"\n[dependencies]\nserde = \"1\"\n";
    let judge_one = |k| decide(&p, &RegistryState::default(), &[added(k)]);
    assert!(
        judge_one(krate("serde-like", "1.0.0", typical))
            .findings
            .is_empty()
    );
    let v = judge_one(krate(
        "std",
        "1.0.0",
        "license = \"GPL-3.0-only\"\n[dependencies]\nx = \"*\"\n",
    ));
    assert_eq!(
        rules(&v),
        [
            "name-reserved",
            "metadata-missing",
            "license-not-allowed",
            "dependency-wildcard"
        ]
    );
    assert_eq!(
        judge(&text.replacen("schema = 1", "", 1), krate("a", "1.0.0", ""))
            .findings
            .len(),
        1
    );
}

#[test]
fn strict_is_strict() {
    let (p, _) = load("strict.toml");
    let good = "description = \"d\"\nlicense = \"MIT\"\nrepository = \"https://git.acme.example/x\"\nreadme = \"README.md\"\nedition = \"2024\"\nrust-version = \"1.85\"\npublish = [\"acme\"]\n[package.metadata.acme]\nteam = \"data\"\n";
    let state = RegistryState {
        pusher: Some("release-bot".into()),
        ..RegistryState::default()
    };
    let mut k = krate("acme-util", "1.0.0", good);
    k.entries
        .extend(["LICENSE", "README.md"].map(|p| file(p, 10, b"")));
    k.kept.insert(
        ".cargo_vcs_info.json".into(),
        br#"{"git":{"sha1":"ab"}}"#.to_vec(),
    );
    assert!(decide(&p, &state, &[added(k)]).findings.is_empty());
    let bad = "license = \"MPL-2.0\"\n[dependencies]\nopenssl = \"0.10\"\n";
    let v = decide(
        &p,
        &RegistryState::default(),
        &[added(krate("Other_x", "1.0.0", bad))],
    );
    assert_eq!(
        rules(&v),
        [
            "owner-unknown-identity",
            "name-pattern",
            "name-prefix",
            "metadata-missing",
            "metadata-missing",
            "metadata-missing",
            "metadata-missing",
            "metadata-missing",
            "license-not-allowed",
            "ban-dependency",
            "acme-license-file",
            "acme-readme-file",
            "acme-edition-2021"
        ]
    );
}

#[test]
fn mirror_accepts_crates_io_crates() {
    let (p, _) = load("mirror.toml");
    let old = "license = \"MIT/Apache-2.0\"\n[dependencies]\nlibc = \"*\"\n";
    let mut big = krate("windows", "0.48.0", old);
    big.compressed_size = 12 * 1024 * 1024;
    assert!(
        decide(&p, &RegistryState::default(), &[added(big)])
            .findings
            .is_empty()
    );
    let v = decide(
        &p,
        &RegistryState::default(),
        &[added(krate("gpl", "1.0.0", "license = \"GPL-3.0-only\"\n"))],
    );
    assert_eq!(rules(&v), ["license-not-allowed"]);
}

/// The TOML code blocks of a Markdown file that start with `start`.
fn toml_blocks(markdown: &str, start: &str) -> Vec<String> {
    markdown
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block.to_owned()))
        .filter(|block| block.starts_with(start))
        .collect()
}

#[test]
fn every_readme_snippet_loads() {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README.md");
    let policies = toml_blocks(&readme, "schema = 1");
    assert!(!policies.is_empty(), "the README shows a policy");
    for block in &policies {
        let policy = Policy::from_str(block, "README.md").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            policy.lint(block).is_empty(),
            "README policy has entries that never match"
        );
    }
    let lists = toml_blocks(&readme, "[[yanked]]");
    assert_eq!(lists.len(), 1, "the README shows a yank list");
    crate::publish::yank_list::YankList::parse(&lists[0]).expect("the README's yank list parses");
}
