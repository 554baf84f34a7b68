//! Owners: which pusher identities may publish and yank which crates. The
//! identity comes from the server (an environment variable named by
//! `owners.identity-env`), or from `--as` in a dry run; when owners are
//! configured and no identity is known, the push is refused.

use super::{Ctx, Report};
use crate::policy::schema::Owners;
use crate::policy::{Change, RegistryState};

pub(super) fn check(owners: &Owners, state: &RegistryState, ctx: &mut Ctx<'_>) {
    if owners.allow.is_empty() {
        return;
    }
    let action = if ctx.upload.change == Change::Deleted { "yank" } else { "publish" };
    let Some(who) = state.pusher.as_deref() else {
        let var = owners.identity_env.as_deref().unwrap_or("(owners.identity-env is not set)");
        let message = format!("cannot tell who pushes, so cannot check who may {action} this crate");
        let help = format!("the server must set {var} to the pusher's identity; in a dry run, pass --as <IDENTITY>");
        ctx.report("owner-unknown-identity", Report::new(message, help).policy("owners.identity-env"));
        return;
    };
    let allowed = owners
        .allow
        .iter()
        .any(|rule| rule.identities.iter().any(|i| i == who) && rule.crates.iter().any(|g| g.get().matches(&ctx.canonical)));
    if !allowed {
        let name = ctx.krate.manifest.name.to_string();
        let message = format!("`{who}` may not {action} `{name}`");
        let help = "ask an owner of the crate to push it, or have the registry add you to owners.allow";
        ctx.report("owner-not-allowed", Report::new(message, help).value(who).policy("owners.allow"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{added, krate, policy, render, rules};
    use crate::policy::{Change, RegistryState, decide};

    const OWNERS: &str = "[owners]\nidentity-env = \"GL_USERNAME\"\n[[owners.allow]]\nidentities = [\"alice\"]\ncrates = [\"acme-*\"]\n";

    fn as_(who: Option<&str>) -> RegistryState {
        RegistryState { pusher: who.map(str::to_owned), ..RegistryState::default() }
    }

    #[test]
    fn identities_and_patterns() {
        let p = policy(OWNERS);
        assert!(decide(&p, &as_(Some("alice")), &[added(krate("acme_x", "1.0.0", ""))]).accepted);
        let v = decide(&p, &as_(Some("bob")), &[added(krate("acme-x", "1.0.0", ""))]);
        assert_eq!(rules(&v), ["owner-not-allowed"]);
        insta::assert_snapshot!(render(&v));
        let mut yank = added(krate("other", "1.0.0", ""));
        yank.change = Change::Deleted;
        let v = decide(&p, &as_(Some("alice")), &[yank]);
        assert_eq!(rules(&v), ["owner-not-allowed"]);
        assert!(v.findings[0].message.contains("may not yank"));
    }

    #[test]
    fn no_identity_is_refused_when_owners_are_configured() {
        let v = decide(&policy(OWNERS), &as_(None), &[added(krate("acme-x", "1.0.0", ""))]);
        assert_eq!(rules(&v), ["owner-unknown-identity"]);
        insta::assert_snapshot!(render(&v));
        assert!(decide(&policy(""), &as_(None), &[added(krate("acme-x", "1.0.0", ""))]).accepted);
    }
}
