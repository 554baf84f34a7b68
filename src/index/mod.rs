//! The registry index: line format, file layout, `config.json`, and the
//! git-backed writer.

pub mod batch;
pub mod config;
pub mod line;
pub mod path;
pub mod registry;

pub use registry::{Conflict, Index, IndexError, NewVersion};
