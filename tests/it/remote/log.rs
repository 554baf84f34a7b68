//! `crategate log`: the index history as the registry's publication log,
//! read from the remote index after publish, yank and unyank.

use serde_json::Value;

use super::{RemoteHosted, pusher};

#[test]
fn the_log_names_who_published_and_yanked_what_from_which_commit() {
    let remote = RemoteHosted::new();
    let hosted = &remote.hosted;
    let alice = hosted.clone_as("alice");
    alice.put_crate("cg-alpha");
    alice.put_crate("cg-beta");
    let published = alice.commit("alpha and beta");
    alice
        .push_with(&["origin", "main"], &pusher("alice"))
        .success();
    alice.put(
        "yanked.toml",
        b"[[yanked]]\nname = \"cg-alpha\"\nversion = \"1.0.0\"\nreason = \"broken\"\n",
    );
    let yanked = alice.commit("yank alpha");
    alice
        .push_with(&["origin", "main"], &pusher("bob"))
        .success();
    alice.remove("yanked.toml");
    let unyanked = alice.commit("unyank alpha");
    alice
        .push_with(&["origin", "main"], &pusher("carol"))
        .success();
    // An admin's yank straight in the index, over the URL.
    let url = remote.index_url();
    remote
        .crategate(&["index", "yank", "--index", &url, "cg-beta", "1.0.0"])
        .success();

    let human = remote
        .crategate(&["log", "--index", &url, "cg_ALPHA"])
        .success()
        .stdout;
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines.len(), 3, "{human}");
    let expect = [
        ("unyank", "carol", &unyanked),
        ("yank", "bob", &yanked),
        ("publish", "alice", &published),
    ];
    for (line, (action, who, commit)) in lines.iter().zip(expect) {
        let said = format!(
            "  {action:<7}  cg-alpha 1.0.0  by {who}  from {}",
            &commit[..12]
        );
        assert!(line.contains(&said), "{said:?} in\n{human}");
    }

    let json = remote
        .crategate(&["log", "--index", &url, "--format", "json"])
        .success()
        .stdout;
    let events: Vec<Value> = serde_json::from_str(&json).expect("the log is JSON");
    let summary: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["action"].as_str().expect("action"),
                e["name"].as_str().unwrap_or("-"),
                e["pushed_by"].as_str().unwrap_or("-"),
                e["crate_commit"].as_str().map_or("-", |c| &c[..7]),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "yank cg-beta - -".to_owned(),
            format!("unyank cg-alpha carol {}", &unyanked[..7]),
            format!("yank cg-alpha bob {}", &yanked[..7]),
            format!("publish cg-alpha alice {}", &published[..7]),
            format!("publish cg-beta alice {}", &published[..7]),
            "create - - -".to_owned(),
        ]
    );
    let first = &events[0];
    assert_eq!(first["version"], "1.0.0");
    assert_eq!(
        first["index_commit"].as_str(),
        Some(hosted.registry.tip().as_str())
    );
    assert!(
        first["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{first}"
    );
}
