//! Fault injection for the crash tests: `CRATEGATE_FAULT=<point>` makes
//! the process kill itself with SIGKILL when it reaches that point of an
//! index write, as a power cut or the OOM killer would. Unset, each point
//! costs one environment lookup per write.

/// The write points, in the order an index write passes them.
pub const POINTS: &[&str] = &[
    "objects-staged",
    "pack-written",
    "pack-synced",
    "ref-updated",
    "ref-synced",
];

/// Dies here if `CRATEGATE_FAULT` names this point.
pub fn point(name: &str) {
    debug_assert!(POINTS.contains(&name), "unknown fault point {name}");
    if std::env::var_os("CRATEGATE_FAULT").is_some_and(|v| v == name) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        // SIGKILL is not deliverable only if `kill` failed to run.
        std::process::abort();
    }
}
