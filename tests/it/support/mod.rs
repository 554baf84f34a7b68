//! Helpers shared by the integration tests: isolated environments, bounded
//! child processes, a static HTTP server, registries and fixture crates.

pub mod fixtures;
pub mod forge;
pub mod full_disk;
pub mod hooked;
pub mod registry;
pub mod run;
pub mod sandbox;
pub mod server;
pub mod shelf;
pub mod web;
