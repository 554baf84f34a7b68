//! The registry index: line format, file layout, `config.json`, and the
//! git-backed writer.

pub mod line;
pub mod path;
