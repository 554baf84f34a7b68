//! The server: pushes to a crate repository with crategate's hooks
//! installed, judged by `pre-receive` and published by `post-receive`,
//! with real git on both ends and real cargo consuming the index. Every
//! test checks how the push ended, what the client was told, and both
//! repositories afterwards.

mod crash;
mod http;
mod pushes;
mod races;
mod refs;
