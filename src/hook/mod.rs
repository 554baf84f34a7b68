//! The server side: `pre-receive` judges a push before git accepts it,
//! `post-receive` publishes what git accepted.

pub mod config;
pub mod updates;
