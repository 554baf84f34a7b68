//! An index made with `--auth-required` makes cargo authenticate: cargo
//! reads `auth-required` from the `config.json` crategate wrote and will
//! not fetch the index without a token.

use crate::support::registry::{Options, Protocol, Registry};

#[test]
fn auth_required_index_makes_cargo_demand_a_token() {
    let options = Options {
        auth_required: true,
        ..Options::default()
    };
    let registry = Registry::with(Protocol::Sparse, options);
    registry.publish_fixture("cg-base", "1.0.0");
    let consumer = registry.consumer("base", "consumer");

    consumer
        .cargo(&["generate-lockfile"])
        .failure()
        .stderr_has("no token found for `cg`");

    registry
        .sandbox
        .store_token("a-token-the-static-server-ignores");
    assert_eq!(consumer.build_and_run(&[]), "cg-base 1.0.0\n");
}
