//! The `motcua` binary against a real portal: the RFC 8252 loopback login, the two-step
//! login, whoami and logout, in JSON mode, as a script would use them. The tests block on
//! the child process, so the portal runs on a multi-threaded runtime beside them.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use motcua_cli::browser::{Browser, Landing};

fn motcua(portal: &url::Url, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_motcua"));
    command
        .arg("--portal")
        .arg(portal.as_str())
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--json");
    command
}

/// Drives the provider's login page for the first demo citizen; returns the callback URL.
async fn log_in_at(url: &str, redirect_uri: &str) -> String {
    let browser = Browser::new(redirect_uri).unwrap();
    let Landing::Page(page) = browser.open(url).await.unwrap() else {
        panic!("login page expected")
    };
    let subject = motcua_portal::demo_citizens()[0].subject;
    let form = page
        .form(&format!("form[data-citizen='{subject}']"))
        .unwrap();
    match browser.submit(&form).await.unwrap() {
        Landing::Callback(callback) => callback,
        Landing::Page(_) => panic!("redirect expected"),
    }
}

fn json_of(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "stdout is not JSON: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_login_then_whoami_and_logout() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(portal_dir.path()))
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();

    let mut login = motcua(&portal.base_url(), data.path())
        .arg("login")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(login.stdout.take().unwrap()).lines();
    let begun: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let redirect_uri = begun["redirect_uri"].as_str().unwrap().to_owned();
    assert!(
        redirect_uri.starts_with("http://127.0.0.1:"),
        "{redirect_uri}"
    );

    let callback = log_in_at(begun["url"].as_str().unwrap(), &redirect_uri).await;
    // The browser now arrives at the CLI's loopback listener.
    let page = reqwest::get(&callback).await.unwrap();
    assert!(page.status().is_success());
    let profile: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert!(login.wait().unwrap().success());
    assert_eq!(
        profile["full_name"].as_str(),
        Some(motcua_portal::demo_citizens()[0].full_name)
    );

    let whoami = motcua(&portal.base_url(), data.path())
        .arg("whoami")
        .output()
        .unwrap();
    assert!(whoami.status.success());
    assert_eq!(json_of(&whoami)["subject"], profile["subject"]);

    let logout = motcua(&portal.base_url(), data.path())
        .arg("logout")
        .output()
        .unwrap();
    assert_eq!(json_of(&logout)["revoked_on_portal"], true);

    let after = motcua(&portal.base_url(), data.path())
        .arg("whoami")
        .output()
        .unwrap();
    assert!(!after.status.success());
    assert_eq!(json_of(&after)["error"]["code"], "not_logged_in");
    portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_step_login_for_scripts() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(portal_dir.path()))
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();

    let begin = motcua(&portal.base_url(), data.path())
        .args(["login", "begin"])
        .output()
        .unwrap();
    assert!(begin.status.success());
    let begun = json_of(&begin);
    let callback = log_in_at(
        begun["url"].as_str().unwrap(),
        begun["redirect_uri"].as_str().unwrap(),
    )
    .await;

    // A tampered callback is refused with a typed error and does not end the login.
    let tampered = callback.replace("state=", "state=x");
    let refused = motcua(&portal.base_url(), data.path())
        .args(["login", "finish", &tampered])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert_eq!(json_of(&refused)["error"]["code"], "state_mismatch");

    let finish = motcua(&portal.base_url(), data.path())
        .args(["login", "finish", &callback])
        .output()
        .unwrap();
    assert!(
        finish.status.success(),
        "{}",
        String::from_utf8_lossy(&finish.stdout)
    );
    assert_eq!(json_of(&finish)["identity_level"], "2");
    portal.shutdown().await;
}

#[test]
fn an_unreachable_portal_is_a_typed_error() {
    let data = tempfile::tempdir().unwrap();
    let portal = url::Url::parse("http://127.0.0.1:9").unwrap();
    let output = motcua(&portal, data.path()).arg("whoami").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json_of(&output)["error"]["code"], "network_unavailable");
}
