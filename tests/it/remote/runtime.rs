//! The binary hooks run needs nothing at run time beyond libc and the
//! `git` command: no OpenSSL, no libssh2, no system zlib (transport is the
//! `git` command; libgit2 and zlib are built in). `scripts/build-static`
//! makes the fully static build and runs the same check on it.

use crate::support::run::run;
use crate::support::sandbox::Sandbox;

/// The shared libraries a glibc build may need.
const ALLOWED: [&str; 8] = [
    "linux-vdso.so",
    "libc.so",
    "libm.so",
    "libgcc_s.so",
    "libpthread.so",
    "libdl.so",
    "librt.so",
    "ld-linux",
];

#[test]
fn the_binary_needs_only_libc_at_run_time() {
    let sandbox = Sandbox::new();
    let listed = run(sandbox.command("ldd").arg(env!("CARGO_BIN_EXE_crategate")));
    if listed.stdout.contains("not a dynamic executable")
        || listed.stderr.contains("not a dynamic executable")
    {
        return; // a static build needs nothing at all
    }
    let listed = listed.success();
    let libraries: Vec<&str> = listed
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(|l| l.rsplit('/').next().unwrap_or(l))
        .collect();
    assert!(
        libraries.iter().any(|l| l.starts_with("libc.so")),
        "{listed}"
    );
    for library in libraries {
        assert!(
            ALLOWED.iter().any(|a| library.starts_with(a)),
            "crategate links {library}, which a hook environment may lack\n{listed}"
        );
    }
}
