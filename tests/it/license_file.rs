//! A crate that names only a `license-file`, packaged by real cargo, is
//! accepted exactly when a `clarify` entry names that file's sha256.

use sha2::{Digest, Sha256};

use crate::support::sandbox::Sandbox;

const TERMS: &str = "Acme internal license: use inside Acme only.\n";

fn policy(clarify: &str) -> String {
    format!(
        "schema = 1\n[metadata]\nrequired = [\"description\", \"license\"]\n\
         [licenses]\nallow = [\"MIT\", \"LicenseRef-Acme\"]\n{clarify}"
    )
}

#[test]
fn license_file_only_crates_need_a_matching_clarify_entry() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("acme-terms");
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"acme-terms\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\
         description = \"Written by crategate's tests\"\nlicense-file = \"TERMS.txt\"\n",
    )
    .expect("manifest");
    std::fs::write(dir.join("TERMS.txt"), TERMS).expect("terms");
    std::fs::write(dir.join("src/lib.rs"), "//! Tests.\n").expect("lib");
    sandbox
        .cargo(
            &dir,
            &["package", "--allow-dirty", "--no-verify", "--quiet"],
        )
        .success();
    let file = sandbox.path("target/package/acme-terms-1.0.0.crate");
    let file = file.to_string_lossy().into_owned();
    let path = sandbox.path("policy.toml");
    let policy_arg = path.to_string_lossy().into_owned();

    std::fs::write(&path, policy("")).expect("policy");
    let out = sandbox
        .crategate(&["check", "--format", "plain", "--policy", &policy_arg, &file])
        .code(1);
    assert!(
        out.stdout.contains("[license-file-unclarified]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("TERMS.txt"), "{}", out.stdout);

    let sha = format!("{:x}", Sha256::digest(TERMS.as_bytes()));
    let clarify =
        format!("clarify = [{{ expression = \"LicenseRef-Acme\", sha256 = \"{sha}\" }}]\n");
    std::fs::write(&path, policy(&clarify)).expect("policy");
    sandbox
        .crategate(&["check", "--format", "plain", "--policy", &policy_arg, &file])
        .success();

    let wrong = clarify.replace(&sha[..4], "0000");
    std::fs::write(&path, policy(&wrong)).expect("policy");
    sandbox
        .crategate(&["check", "--format", "plain", "--policy", &policy_arg, &file])
        .code(1);
}
