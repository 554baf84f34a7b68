//! Placeholder replaced by the integration suite.
