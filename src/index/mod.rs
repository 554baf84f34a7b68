//! The registry index: line format, file layout, `config.json`, and the
//! git-backed writer.

pub mod batch;
pub mod config;
pub mod line;
pub mod path;
pub mod registry;

#[cfg(test)]
mod tests;

pub use registry::{CRATE_COMMIT_TRAILER, Conflict, Index, IndexError, NewVersion, Transaction};
