//! The policy loader on any text: it compiles or reports problems, never
//! panics or hangs. The policy claims to live in a directory that does
//! not exist, so a relative `names.public-names-file` reads nothing.

#![no_main]

use crategate::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::from_str(text, "/nonexistent/crategate-fuzz/policy.toml") {
        Ok(policy) => {
            let _ = policy.limits();
        }
        Err(errors) => assert!(!errors.0.is_empty(), "a refusal names a problem"),
    }
});
