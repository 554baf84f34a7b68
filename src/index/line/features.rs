//! The split of `[features]` into `features` and `features2`.
//!
//! Cargo older than 1.19 cannot read the `dep:` and `pkg?/feat` syntax, so
//! crates.io moves every feature that uses it into `features2` (which old
//! cargo ignores), and then, repeatedly, every feature that enables a
//! feature already moved: an old cargo must not see a name it could not
//! resolve. Feature values keep their manifest order. Like crates.io, the
//! propagation stops after 100 rounds, so a chain of more than 100 features
//! leading to new syntax keeps its far end in `features`.

use std::collections::BTreeMap;

use cargo_util_schemas::manifest::FeatureName;

/// crates.io's bound on propagation rounds.
const PROPAGATION_ROUNDS: usize = 100;

type FeatureMap = BTreeMap<String, Vec<String>>;

/// `(features, features2)`; `features2` is `None` when nothing moved.
pub(super) fn split(
    table: Option<&BTreeMap<FeatureName, Vec<String>>>,
) -> (FeatureMap, Option<FeatureMap>) {
    let (mut old, mut new): (FeatureMap, FeatureMap) = table
        .into_iter()
        .flatten()
        .map(|(name, values)| (name.to_string(), values.clone()))
        .partition(|(_, values)| !values.iter().any(|v| is_new_syntax(v)));
    for _ in 0..PROPAGATION_ROUNDS {
        let (keep, moved): (FeatureMap, FeatureMap) = old
            .into_iter()
            .partition(|(_, values)| !values.iter().any(|v| new.contains_key(v)));
        old = keep;
        if moved.is_empty() {
            break;
        }
        new.extend(moved);
    }
    (old, (!new.is_empty()).then_some(new))
}

fn is_new_syntax(value: &str) -> bool {
    value.starts_with("dep:") || value.contains("?/")
}
