//! `motcua assist …` and `--assisted` against a real portal: consent first, the person
//! logs in inside the session while the volunteer stays logged in, `end` erases the
//! session, the summary counts the person without naming them.

mod common;

use std::process::Command;

use common::{motcua, two_step_login};

fn run(command: &mut Command) -> (bool, serde_json::Value, String) {
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (output.status.success(), json, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_session_through_the_command_line() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(portal_dir.path()))
        .await
        .unwrap();
    let base = portal.base_url();
    let data = tempfile::tempdir().unwrap();
    two_step_login(&base, data.path(), false, "demo-0003").await;

    let (ok, json, _) = run(motcua(&base, data.path()).args(["assist", "begin"]));
    assert!(!ok);
    assert_eq!(json["error"]["code"], "consent_required");
    let (ok, _, text) = run(motcua(&base, data.path()).args(["--assisted", "whoami"]));
    assert!(!ok, "no session yet: {text}");

    let (ok, json, text) = run(motcua(&base, data.path()).args(["assist", "begin", "--consent"]));
    assert!(ok, "{text}");
    assert!(json["session"].is_string());
    let (ok, json, _) = run(motcua(&base, data.path()).args(["--assisted", "whoami"]));
    assert!(!ok);
    assert_eq!(json["error"]["code"], "not_logged_in");
    two_step_login(&base, data.path(), true, "demo-0002").await;
    let (_, assisted, _) = run(motcua(&base, data.path()).args(["--assisted", "whoami"]));
    assert_eq!(assisted["subject"], "demo-0002");
    let (_, volunteer, _) = run(motcua(&base, data.path()).args(["whoami"]));
    assert_eq!(
        volunteer["subject"], "demo-0003",
        "the volunteer stays logged in"
    );

    let (ok, outcome, text) = run(motcua(&base, data.path()).args(["assist", "end"]));
    assert!(ok, "{text}");
    assert_eq!(outcome["helped"], true);
    let (ok, json, _) = run(motcua(&base, data.path()).args(["--assisted", "whoami"]));
    assert!(!ok);
    assert_eq!(json["error"]["code"], "no_assisted_session");
    let summary = motcua(&base, data.path())
        .args(["assist", "summary", "--csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(summary.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].ends_with(",1,0,,0,0,0"), "{csv}");
    assert!(!csv.contains("Trần Văn Bình"));
    portal.shutdown().await;
}
