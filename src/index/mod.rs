//! The registry index: line format, file layout, `config.json`, and the
//! git-backed writer.

pub mod batch;
pub mod config;
pub mod layout;
pub mod line;
pub mod path;
pub mod registry;
pub mod view;

#[cfg(test)]
mod tests;

pub use layout::CrateLayout;
pub use registry::{ALREADY_PUBLISHED, Conflict, Index, IndexError, NewVersion, Transaction};
pub use view::{CRATE_COMMIT_TRAILER, PublishedCrate, View};
