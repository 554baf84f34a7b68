//! Every git2 call lives here.
