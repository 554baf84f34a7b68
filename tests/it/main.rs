//! One integration test binary: real git, real cargo.

mod index_repo;
