//! Lines derived from realistic packaged manifests, checked byte for byte
//! against what crates.io writes, and read back with cargo's own schema.

use cargo_util_schemas::index::IndexPackage;

use super::*;

const PUBTIME: &str = "2024-05-06T07:08:09Z";

fn sum() -> Checksum {
    Checksum::of(b"crate bytes")
}

fn line(toml: &str, mode: &Mode) -> Result<IndexLine, LineError> {
    let manifest = Manifest::parse(toml).expect("test manifests parse");
    IndexLine::from_manifest(&manifest, &sum(), mode, PUBTIME)
}

fn json(toml: &str) -> String {
    line(toml, &Mode::Mirror).expect("derivable").to_json()
}

fn alternate() -> Mode {
    Mode::Alternate {
        index_url: "sparse+https://git.example.com/registry/index/".to_owned(),
    }
}

/// A normalized manifest as `cargo package` writes it, with the traps:
/// renames, target tables with dev and build deps, old spellings, weak and
/// namespaced features, `links`, `rust-version`, build metadata.
const MODERN: &str = r#"
[package]
edition = "2021"
rust-version = "1.70"
name = "demo-sys"
version = "0.7.0+5.3.1"
links = "demo"

[dependencies.serde]
version = "1.0.100"
features = ["derive", "rc"]
optional = true
default-features = false

[dependencies.futures01]
version = "0.1"
package = "futures"

[dependencies.log]
version = ">= 0.4, <0.5"
default_features = false

[build-dependencies]
cc = "1.0"

[dev-dependencies]
log = "=0.4.20"

[target."cfg( target_os = \"linux\" )".dependencies]
libc = "0.2"

[target.'cfg(any(unix,windows))'.build-dependencies]
pkg-config = "~0.3"

[target.x86_64-pc-windows-msvc.dev-dependencies]
winapi = { version = "0.3.9", features = ["std"] }

[features]
default = ["std"]
std = []
derive = ["dep:serde", "serde?/derive"]
full = ["derive", "std"]
everything = ["full"]
"#;

#[test]
fn modern_manifest_gives_crates_io_line_byte_for_byte() {
    let expected = concat!(
        r#"{"name":"demo-sys","vers":"0.7.0+5.3.1","deps":["#,
        r#"{"name":"cc","req":"^1.0","features":[],"optional":false,"default_features":true,"target":null,"kind":"build"},"#,
        r#"{"name":"futures01","req":"^0.1","features":[],"optional":false,"default_features":true,"target":null,"kind":"normal","package":"futures"},"#,
        r#"{"name":"libc","req":"^0.2","features":[],"optional":false,"default_features":true,"target":"cfg( target_os = \"linux\" )","kind":"normal"},"#,
        r#"{"name":"log","req":">=0.4, <0.5","features":[],"optional":false,"default_features":false,"target":null,"kind":"normal"},"#,
        r#"{"name":"log","req":"=0.4.20","features":[],"optional":false,"default_features":true,"target":null,"kind":"dev"},"#,
        r#"{"name":"pkg-config","req":"~0.3","features":[],"optional":false,"default_features":true,"target":"cfg(any(unix,windows))","kind":"build"},"#,
        r#"{"name":"serde","req":"^1.0.100","features":["derive","rc"],"optional":true,"default_features":false,"target":null,"kind":"normal"},"#,
        r#"{"name":"winapi","req":"^0.3.9","features":["std"],"optional":false,"default_features":true,"target":"x86_64-pc-windows-msvc","kind":"dev"}],"#,
        r#""cksum":"#,
    );
    let text = json(MODERN);
    assert!(text.starts_with(expected), "{text}");
    let rest = format!(
        concat!(
            r#""{}","features":{{"default":["std"],"std":[]}},"#,
            r#""features2":{{"derive":["dep:serde","serde?/derive"],"everything":["full"],"full":["derive","std"]}},"#,
            r#""yanked":false,"links":"demo","rust_version":"1.70","pubtime":"{}","v":2}}"#
        ),
        sum(),
        PUBTIME
    );
    assert_eq!(&text[expected.len()..], rest);
}

#[test]
fn old_project_manifest_without_versions_means_any() {
    let text = json(
        "[project]\nname = \"old\"\nversion = \"0.1.0\"\nauthors = [\"a\"]\n\
         [dependencies.rustc-serialize]\n\
         [dev-dependencies]\nquickcheck = \"*\"\n",
    );
    assert_eq!(
        text,
        format!(
            concat!(
                r#"{{"name":"old","vers":"0.1.0","deps":["#,
                r#"{{"name":"quickcheck","req":"*","features":[],"optional":false,"default_features":true,"target":null,"kind":"dev"}},"#,
                r#"{{"name":"rustc-serialize","req":"*","features":[],"optional":false,"default_features":true,"target":null,"kind":"normal"}}],"#,
                r#""cksum":"{}","features":{{}},"yanked":false,"pubtime":"{}"}}"#
            ),
            sum(),
            PUBTIME
        )
    );
}

fn only_dep(toml_dep: &str) -> Result<IndexDep, LineError> {
    let toml = format!("[package]\nname = \"a\"\nversion = \"1.0.0\"\n{toml_dep}");
    let line = line(&toml, &Mode::Mirror)?;
    Ok(line.deps()[0].clone())
}

#[test]
fn requirements_are_reprinted_by_semver() {
    for (written, printed) in [
        ("1.0", "^1.0"),
        ("=1.2.3", "=1.2.3"),
        (">= 1, <2", ">=1, <2"),
        ("^0.3.0-beta.2", "^0.3.0-beta.2"),
        ("1.*", "1.*"),
        ("*", "*"),
        ("~ 2.1", "~2.1"),
    ] {
        let dep = only_dep(&format!("[dependencies]\nx = \"{written}\"\n")).expect(written);
        assert_eq!(dep.req, printed, "{written}");
    }
}

/// crates.io keeps the key as written (it re-printed it before late 2023).
#[test]
fn targets_are_kept_as_written() {
    for written in [
        "cfg(any(unix,windows))",
        r#"cfg(target_family="wasm")"#,
        r#"cfg( all( not(target_arch = "wasm32"), feature="x"))"#,
        "wasm32-unknown-unknown",
    ] {
        let dep =
            only_dep(&format!("[target.'{written}'.dependencies]\nx = \"1\"\n")).expect(written);
        assert_eq!(dep.target.as_deref(), Some(written));
    }
}

#[test]
fn same_name_sorts_normal_then_build_then_dev() {
    let toml = "[package]\nname = \"a\"\nversion = \"1.0.0\"\n\
                [dev-dependencies]\nb = \"1\"\n[build-dependencies]\nb = \"1\"\n\
                [dependencies]\nb = \"2\"\nA = \"1\"\n";
    let line = line(toml, &Mode::Mirror).expect("derivable");
    let order: Vec<_> = line
        .deps()
        .iter()
        .map(|d| (d.name.as_str(), d.kind))
        .collect();
    assert_eq!(
        order,
        [
            ("A", DepKind::Normal),
            ("b", DepKind::Normal),
            ("b", DepKind::Build),
            ("b", DepKind::Dev)
        ]
    );
}

#[test]
fn dash_spelling_wins_over_underscore_as_in_cargo() {
    let toml = "[package]\nname = \"a\"\nversion = \"1.0.0\"\n\
                [dev-dependencies]\nkept = \"1\"\n[dev_dependencies]\nignored = \"1\"\n\
                [build_dependencies]\nold = \"1\"\n";
    let line = line(toml, &Mode::Mirror).expect("derivable");
    let names: Vec<_> = line.deps().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["kept", "old"]);
}

#[test]
fn registry_follows_the_mode() {
    let toml = "[package]\nname = \"a\"\nversion = \"1.0.0\"\n[dependencies]\n\
                from-io = \"1\"\n\
                io-git = { version = \"1\", registry-index = \"https://github.com/rust-lang/crates.io-index\" }\n\
                own-git = { version = \"1\", registry-index = \"https://git.example.com/registry/index.git\" }\n\
                own-sparse = { version = \"1\", registry-index = \"sparse+https://git.example.com/registry/index/\" }\n\
                other = { version = \"1\", registry-index = \"sparse+https://other.example/\" }\n";
    let registries = |mode: &Mode| -> Vec<(String, Option<String>)> {
        let line = line(toml, mode).expect("derivable");
        line.deps()
            .iter()
            .map(|d| (d.name.clone(), d.registry.clone()))
            .collect()
    };
    let io = Some(CRATES_IO_INDEX.to_owned());
    let other = Some("sparse+https://other.example/".to_owned());
    let own_git = Some("https://git.example.com/registry/index.git".to_owned());
    let own_sparse = Some("sparse+https://git.example.com/registry/index/".to_owned());
    let names = ["from-io", "io-git", "other", "own-git", "own-sparse"].map(str::to_owned);
    let with = |regs: [Option<String>; 5]| names.clone().into_iter().zip(regs).collect::<Vec<_>>();
    assert_eq!(
        registries(&alternate()),
        with([io.clone(), io, other.clone(), None, None])
    );
    assert_eq!(
        registries(&Mode::Mirror),
        with([None, None, other, own_git, own_sparse])
    );
}

#[test]
fn refuses_what_cannot_become_a_line() {
    let refused = |dep: &str| only_dep(dep).expect_err(dep).to_string();
    assert!(
        refused("[dependencies]\nx = \"1.0.0.0\"\n").contains("`1.0.0.0` that cargo cannot parse")
    );
    assert!(
        refused("[dependencies]\nx = { path = \"../x\" }\n")
            .contains("from a path with no `version`")
    );
    assert!(
        refused("[dev-dependencies]\nx = { git = \"https://x\" }\n").contains("git repository")
    );
    assert!(
        refused("[dependencies]\nx = { workspace = true }\n")
            .contains("inherited from a workspace")
    );
    assert!(
        refused("[dependencies]\nx = { version = \"1\", registry = \"corp\" }\n")
            .contains("`corp`")
    );
    assert!(refused("[target.'cfg(unix'.dependencies]\nx = \"1\"\n").contains("`cfg(unix`"));
    assert!(refused("[target.'foo(bar)'.dependencies]\nx = \"1\"\n").contains("`foo(bar)`"));
    let inherited = "[package]\nname = \"a\"\nversion = \"1.0.0\"\nrust-version.workspace = true\n";
    assert!(matches!(
        line(inherited, &Mode::Mirror),
        Err(LineError::InheritedField("rust-version"))
    ));
    let manifest =
        Manifest::parse("[package]\nname = \"a\"\nversion = \"1.0.0\"\n").expect("valid");
    for bad in [
        "2024-05-06 07:08:09Z",
        "2024-5-6T07:08:09Z",
        "2024-05-06T07:08:09+01:00",
        "",
    ] {
        let err = IndexLine::from_manifest(&manifest, &sum(), &Mode::Mirror, bad).expect_err(bad);
        assert!(matches!(err, LineError::BadPubtime(_)), "{bad}");
    }
}

#[test]
fn features2_only_when_new_syntax_and_its_dependents() {
    let toml = "[package]\nname = \"a\"\nversion = \"1.0.0\"\n[features]\nplain = []\nuses = [\"plain\"]\n";
    let text = json(toml);
    assert!(
        !text.contains("features2") && !text.contains("\"v\""),
        "{text}"
    );
    let weak =
        "[package]\nname = \"a\"\nversion = \"1.0.0\"\n[features]\nweak = [\"x?/y\"]\nplain = []\n";
    assert!(json(weak).contains(r#""features":{"plain":[]},"features2":{"weak":["x?/y"]}"#));
}

/// Every line read back with cargo's schema says what was derived.
#[test]
fn every_line_round_trips_through_cargos_schema() {
    for (toml, mode) in [(MODERN, Mode::Mirror), (MODERN, alternate())] {
        let line = line(toml, &mode).expect("derivable");
        let text = line.to_json();
        let parsed: IndexPackage<'_> = serde_json::from_str(&text).expect("cargo reads it");
        assert_eq!(parsed.name, line.name());
        assert_eq!(&parsed.vers, line.vers());
        assert_eq!(parsed.cksum, line.cksum().to_string());
        assert_eq!(parsed.yanked, Some(false));
        assert_eq!(parsed.v, Some(2));
        assert_eq!(parsed.links.as_deref(), Some("demo"));
        assert_eq!(
            parsed.rust_version.map(|r| r.to_string()).as_deref(),
            Some("1.70")
        );
        assert_eq!(
            parsed
                .pubtime
                .map(cargo_util_schemas::index::format_pubtime)
                .as_deref(),
            Some(PUBTIME)
        );
        assert_eq!(
            parsed.features.len() + parsed.features2.map_or(0, |f| f.len()),
            5
        );
        assert_eq!(parsed.deps.len(), line.deps().len());
        for (read, dep) in parsed.deps.iter().zip(line.deps()) {
            assert_eq!(read.name, dep.name);
            assert_eq!(read.req, dep.req);
            assert_eq!(read.features, dep.features);
            assert_eq!(
                (read.optional, read.default_features),
                (dep.optional, dep.default_features)
            );
            assert_eq!(read.target.as_deref(), dep.target.as_deref());
            assert_eq!(read.registry.as_deref(), dep.registry.as_deref());
            assert_eq!(read.package.as_deref(), dep.package.as_deref());
            let kind = serde_json::to_value(dep.kind).expect("kind serializes");
            assert_eq!(read.kind.as_deref(), kind.as_str());
        }
    }
}

#[test]
fn pubtime_now_is_what_cargo_reads() {
    let now = pubtime_now();
    assert_eq!(now.len(), 20, "{now}");
    assert!(
        cargo_util_schemas::index::parse_pubtime(&now).is_ok(),
        "{now}"
    );
}

mod properties;

#[test]
fn a_line_reads_back_as_itself_and_restamps_only_its_pubtime() {
    for mode in [Mode::Mirror, alternate()] {
        let line = line(MODERN, &mode).expect("derivable");
        let read: IndexLine = serde_json::from_str(&line.to_json()).expect("reads back");
        assert_eq!(read, line);
        let later = "2025-01-01T00:00:00Z";
        let manifest = Manifest::parse(MODERN).expect("parses");
        let derived_later =
            IndexLine::from_manifest(&manifest, &sum(), &mode, later).expect("derivable");
        assert_eq!(read.with_pubtime(later).expect("a pubtime"), derived_later);
    }
    assert!(matches!(
        line(MODERN, &Mode::Mirror)
            .expect("derivable")
            .with_pubtime("yesterday"),
        Err(LineError::BadPubtime(_))
    ));
}
