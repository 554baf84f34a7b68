//! Integration tests: the crategate binary driven with real `git` and real
//! `cargo`, never the network. Real cargo is the judge of every index
//! crategate writes.

mod agreement;
mod auth;
mod consume;
mod demo;
mod entry;
mod faults;
mod hooks;
mod hostile;
mod install;
mod license_file;
mod properties;
mod publisher;
mod refusals;
mod remote;
mod soak;
mod support;
mod yank;
mod yank_list;
