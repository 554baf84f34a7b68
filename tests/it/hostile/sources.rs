//! Licence and source violations under the default policy, and mixed
//! pushes where good files travel with bad ones: the whole push is
//! refused, every problem is named, and the good crates are not published.

use super::{Case, assert_all_refused, clean, seeded_default};
use crate::support::forge::{Forge, manifest_with};

/// `cg-src 1.0.0` under `license` with `extra` appended to its manifest.
fn package(license: &str, extra: &str) -> Vec<u8> {
    let text = manifest_with("cg-src", "1.0.0", license, extra);
    Forge::package_with("cg-src", "1.0.0", &text).build()
}

const FILE: &str = "cg-src-1.0.0.crate";

fn case(what: &'static str, bytes: Vec<u8>, rule: &'static str) -> Case {
    Case::file(what, FILE, bytes, rule)
}

fn violations() -> Vec<Case> {
    let no_license = Forge::package_with(
        "cg-src",
        "1.0.0",
        "[package]\nname = \"cg-src\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\
         description = \"no license\"\n",
    )
    .build();
    vec![
        case(
            "GPL under the default policy",
            package("GPL-3.0-only", ""),
            "license-not-allowed",
        ),
        case(
            "GPL hidden in an OR-less AND",
            package("MIT AND GPL-2.0-or-later", ""),
            "license-not-allowed",
        ),
        case(
            "AGPL WITH an exception",
            package("AGPL-3.0-only WITH Classpath-exception-2.0", ""),
            "license-not-allowed",
        ),
        case("no license", no_license, "metadata-missing"),
        case(
            "license that is not SPDX",
            package("MIT AND (", ""),
            "license-unparsable",
        ),
        case(
            "dependency from an unknown registry",
            package(
                "MIT",
                "\n[dependencies.evil]\nversion = \"1\"\nregistry-index = \"https://evil.example.com/index\"\n",
            ),
            "source-not-allowed",
        ),
        case(
            "`*` requirement",
            package("MIT", "\n[dependencies.serde]\nversion = \"*\"\n"),
            "dependency-wildcard",
        ),
        case(
            "`*` requirement in a target table",
            package(
                "MIT",
                "\n[target.'cfg(unix)'.dependencies.libc]\nversion = \"*\"\n",
            ),
            "dependency-wildcard",
        ),
        case(
            "publish = false",
            package("MIT", "publish = false\n"),
            "metadata-publish",
        ),
        case(
            "repository that is not http(s)",
            package("MIT", "repository = \"javascript:alert(1)\"\n"),
            "metadata-url",
        ),
    ]
}

fn mixed() -> Vec<Case> {
    let (good, good_bytes) = clean("cg-good", "1.0.0");
    let traversal = Forge::package("cg-bad", "1.0.0")
        .file("cg-bad-1.0.0/../../x", b"x")
        .build();
    vec![
        Case::new("good crate with a traversal")
            .put(&good, good_bytes.clone())
            .put("cg-bad-1.0.0.crate", traversal.clone())
            .refused("cg-bad-1.0.0.crate", "tarball-path-traversal"),
        Case::new("good, GPL and not-gzip together")
            .put(&good, good_bytes.clone())
            .put(FILE, package("GPL-3.0-only", ""))
            .put("cg-junk-1.0.0.crate", b"junk".to_vec())
            .refused(FILE, "license-not-allowed")
            .refused("cg-junk-1.0.0.crate", "tarball-not-gzip"),
        Case::new("good crate and a path no push may change")
            .put(&good, good_bytes.clone())
            .put("scripts/deploy.sh", b"#!/bin/sh\n".to_vec())
            .refused("scripts/deploy.sh", "push-path-not-allowed"),
        Case::new("good commit, then a bad one")
            .put(&good, good_bytes.clone())
            .commit()
            .put("cg-bad-1.0.0.crate", traversal)
            .refused("cg-bad-1.0.0.crate", "tarball-path-traversal"),
        Case::new("good crate and a symlink named .crate")
            .put(&good, good_bytes.clone())
            .symlink("cg-link-1.0.0.crate", &good)
            .refused("cg-link-1.0.0.crate", "tarball-not-a-file"),
        Case::new("good crate and a yank of a version that does not exist")
            .put(&good, good_bytes)
            .put(
                "yanked.toml",
                b"[[yanked]]\nname = \"cg-seed\"\nversion = \"9.9.9\"\n".to_vec(),
            )
            .refused("yanked.toml", "yank-list-unknown-version"),
    ]
}

#[test]
fn licence_source_and_mixed_pushes_are_refused_and_change_nothing() {
    let hosted = seeded_default(&[("cg-seed", "1.0.0")]);
    let cases: Vec<Case> = [violations(), mixed()].into_iter().flatten().collect();
    assert_all_refused(&hosted, &cases);
    assert!(hosted.lines("cg-good").is_empty());
}
