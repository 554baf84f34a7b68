//! crategate guards a private cargo registry kept in two git repositories:
//! a crate repository of `{name}-{version}.crate` files and an index
//! repository in cargo's registry-index format.
//!
//! The library holds everything; the binary in `main.rs` only parses
//! arguments and maps results to exit codes.

pub mod audit;
pub mod checksum;
pub mod cli;
pub mod crate_file;
pub mod crate_name;
pub mod diag;
pub mod fault;
pub mod git;
pub mod hook;
pub mod index;
pub mod judge;
pub mod manifest;
pub mod parallel;
pub mod policy;
pub mod publish;
pub mod remote;
