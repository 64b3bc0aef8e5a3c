//! What the `motcua` binary's tests share: running it against a portal with `--json`,
//! reading its answer, logging a demo citizen in with the two-step login, and the PDF the
//! dossiers attach.

#![allow(dead_code)] // Each test binary uses its own part.

use std::process::{Command, Output};

use motcua_cli::browser::{Browser, Landing};

/// `motcua --portal <portal> --data-dir <data_dir> --json`, without the desk password of
/// the environment.
pub fn motcua(portal: &url::Url, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_motcua"));
    command
        .arg("--portal")
        .arg(portal.as_str())
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--json")
        .env_remove("MOTCUA_DESK_PASSWORD");
    command
}

/// The JSON on a command's standard output.
pub fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "stdout is not JSON: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Runs a command that must succeed; returns its JSON.
pub fn ok(command: &mut Command) -> serde_json::Value {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    json_of(&output)
}

/// Runs a command that must fail with exit status 1; returns its error code.
pub fn refused(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{command:?} should fail");
    json_of(&output)["error"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Runs a command whose exit status tells something (`motcua verify`); returns it and the
/// JSON.
pub fn exit_and_json(command: &mut Command) -> (i32, serde_json::Value) {
    let output = command.output().unwrap();
    (output.status.code().expect("exited"), json_of(&output))
}

/// Logs demo citizen `subject` in with `login begin` / `login finish`, driving the
/// provider's login page (in the open assisted session with `assisted`).
pub async fn two_step_login(
    portal: &url::Url,
    data_dir: &std::path::Path,
    assisted: bool,
    subject: &str,
) {
    let with_session = |command: &mut Command| {
        if assisted {
            command.arg("--assisted");
        }
    };
    let mut begin = motcua(portal, data_dir);
    with_session(&mut begin);
    let begun = ok(begin.args(["login", "begin"]));
    let browser = Browser::new(begun["redirect_uri"].as_str().unwrap()).unwrap();
    let Landing::Page(page) = browser.open(begun["url"].as_str().unwrap()).await.unwrap() else {
        panic!("login page expected")
    };
    let form = page
        .form(&format!("form[data-citizen='{subject}']"))
        .unwrap();
    let Landing::Callback(callback) = browser.submit(&form).await.unwrap() else {
        panic!("redirect expected")
    };
    let mut finish = motcua(portal, data_dir);
    with_session(&mut finish);
    ok(finish.args(["login", "finish", &callback]));
}

/// A one-page PDF (the same as the demo's declaration form).
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";
