//! The publisher's side, with real git and real cargo: `crategate publish`
//! of a workspace through a hooked crate repository, `crategate yank`
//! through the yank list, `crategate mirror` of a lockfile from a cargo
//! cache, a sharded crate repository, and builds against what they
//! published.

mod hosted;
mod mirror;
mod publish;
mod sharded;
mod yank;
