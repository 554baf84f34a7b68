//! `crategate index entry` prints exactly the line `index add` writes.

use crate::support::fixtures;
use crate::support::registry::{Mode, Protocol, Registry};

/// `line` parsed, without `pubtime` (the moment of writing differs).
fn without_pubtime(line: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(line).expect("an index line is JSON");
    value
        .as_object_mut()
        .expect("an index line is an object")
        .remove("pubtime");
    value
}

#[test]
fn entry_prints_the_line_add_writes() {
    let registry = Registry::new(Protocol::Git);
    registry.publish_fixture("cg-base", "1.0.0");
    registry.publish_fixture("cg-dep", "1.0.0");
    let crate_file = fixtures::package(&registry.sandbox, Mode::Alternate, "cg-features", "1.0.0");
    let file = crate_file.to_str().expect("temporary paths are UTF-8");
    let index = registry
        .index_dir()
        .to_str()
        .expect("temporary paths are UTF-8");

    let from_index = registry
        .sandbox
        .crategate(&["index", "entry", "--index", index, file])
        .success()
        .stdout;
    let from_url = registry
        .sandbox
        .crategate(&["index", "entry", "--index-url", registry.index_url(), file])
        .success()
        .stdout;
    registry.publish(&crate_file);
    let written = registry.file("cg/-f/cg-features");

    assert_eq!(from_index.lines().count(), 1, "{from_index}");
    assert_eq!(written.lines().count(), 1, "{written}");
    assert_eq!(without_pubtime(&from_index), without_pubtime(&written));
    assert_eq!(without_pubtime(&from_url), without_pubtime(&written));
}
