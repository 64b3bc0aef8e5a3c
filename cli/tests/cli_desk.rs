//! The `motcua` binary on both sides of the desk against a real portal: a citizen files a
//! dossier with the CLI, an officer logs in with a staff account and moves it (accept,
//! process, supplement, ready, return), the citizen answers the supplement and follows
//! the timeline; refusals come back as typed errors with a non-zero exit.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::*;
use motcua_protocol::identity::IdentityLevel;

/// A stand-in portal on loopback (a plain thread, one request per connection): its
/// client configuration is `config`, its trust list whatever `trust_list` holds, every
/// other path 404.
fn fake_portal(config: Vec<u8>, trust_list: Arc<Mutex<Vec<u8>>>) -> url::Url {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = url::Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split(' ').nth(1).unwrap_or("");
            let (status, body) = if path.starts_with("/api/v1/client-config") {
                ("200 OK", config.clone())
            } else if path.starts_with("/api/v1/receipt-keys") {
                ("200 OK", trust_list.lock().unwrap().clone())
            } else {
                ("404 Not Found", Vec::new())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_moves_through_the_desk_commands_and_the_citizen_answers() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(portal_dir.path()))
        .await
        .unwrap();
    let base = portal.base_url();
    let phone = tempfile::tempdir().unwrap();
    let desk_pc = tempfile::tempdir().unwrap();

    // The citizen logs in (two steps) and files a marital-status dossier.
    let citizen = motcua_portal::demo_citizens()
        .iter()
        .find(|c| c.level == IdentityLevel::Level2)
        .unwrap();
    two_step_login(&base, phone.path(), false, citizen.subject).await;
    let draft = ok(motcua(&base, phone.path()).args(["draft", "new", "1.004873"]));
    let draft_id = draft["id"].as_str().unwrap().to_owned();
    let commune = motcua_protocol::admin_units::search_communes("phuong thuan hoa", 1)[0]
        .code
        .clone();
    let birth_date = citizen.birth_date.to_owned();
    for (field, value) in [
        ("applicant_birth_date", birth_date.as_str()),
        ("current_status", "never_married"),
        ("purpose", "marriage_vn"),
        ("registration_unit", commune.as_str()),
        ("phone", "0912 345 678"),
    ] {
        ok(motcua(&base, phone.path()).args(["draft", "set", &draft_id, field, value]));
    }
    let pdf = phone.path().join("to-khai.pdf");
    std::fs::write(&pdf, PDF).unwrap();
    ok(motcua(&base, phone.path())
        .args(["draft", "attach", &draft_id, "declaration_form"])
        .arg(&pdf));
    let submitted = ok(motcua(&base, phone.path()).args(["submit", &draft_id]));
    let code = submitted["dossier_code"].as_str().unwrap().to_owned();

    // Desk commands need a staff session; a wrong password is a typed refusal.
    assert_eq!(
        refused(motcua(&base, desk_pc.path()).args(["desk", "queue"])),
        "staff_not_logged_in"
    );
    assert_eq!(
        refused(
            motcua(&base, desk_pc.path())
                .args(["desk", "login", "tiepnhan"])
                .env("MOTCUA_DESK_PASSWORD", "wrong")
        ),
        "wrong_credentials"
    );
    let staff = ok(motcua(&base, desk_pc.path())
        .args(["desk", "login", "tiepnhan"])
        .env("MOTCUA_DESK_PASSWORD", "motcua-dev"));
    assert_eq!(staff["role"], "reception");
    let queue = ok(motcua(&base, desk_pc.path()).args(["desk", "queue", "--status", "submitted"]));
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["code"] == code.as_str())
    );
    let accepted =
        ok(motcua(&base, desk_pc.path()).args(["desk", "accept", &code, "--note", "Hồ sơ đầy đủ"]));
    assert_eq!(accepted["status"], "received");
    assert!(accepted["appointment_date"].is_string());
    // The phone syncs and draws the receipt; the desk PC reads it back from the PNG and
    // verifies it, then again with the portal gone (offline, from the cached key list).
    ok(motcua(&base, phone.path()).args(["sync"]));
    let png = phone.path().join("receipt.png");
    let receipt = ok(motcua(&base, phone.path())
        .args(["receipt", &code, "--png"])
        .arg(&png));
    assert!(
        receipt["qr_text"].as_str().unwrap().starts_with("MC1:"),
        "{receipt}"
    );
    // The exit status tells desk scripts the verdict (`motcua verify --help`).
    let (status, verdict) = exit_and_json(
        motcua(&base, desk_pc.path())
            .args(["verify", "--id-number", citizen.personal_id])
            .arg(&png),
    );
    assert_eq!(verdict["verdict"], "receipt_valid", "{verdict}");
    assert_eq!(verdict["applicant"], "matches");
    assert_eq!(status, 0);
    let (status, someone_else) = exit_and_json(
        motcua(&base, desk_pc.path())
            .args(["verify", "--offline", "--id-number", "001099000001"])
            .arg(&png),
    );
    assert_eq!(someone_else["applicant"], "does_not_match");
    assert_eq!(status, 15, "a valid receipt of someone else");
    let qr_text = receipt["qr_text"].as_str().unwrap();
    let (status, _) =
        exit_and_json(motcua(&base, desk_pc.path()).args(["verify", "--offline", qr_text]));
    assert_eq!(status, 0, "the text as scanned");
    let mut tampered = qr_text.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let (status, verdict) =
        exit_and_json(motcua(&base, desk_pc.path()).args(["verify", "--offline", &tampered]));
    assert_ne!(verdict["verdict"], "receipt_valid", "{verdict}");
    let expected = match verdict["verdict"].as_str().unwrap() {
        "receipt_tampered" => 10,
        "receipt_malformed" => 14,
        other => panic!("a changed last character gave {other}"),
    };
    assert_eq!(status, expected, "{verdict}");
    let (status, verdict) = exit_and_json(motcua(&base, desk_pc.path()).args([
        "verify",
        "--offline",
        "https://example.com/x",
    ]));
    assert_eq!(verdict["verdict"], "receipt_malformed");
    assert_eq!(status, 14, "another kind of QR code");
    // A portal answering garbage instead of its key list, or an older list (rollback):
    // verify falls back to the list kept on the desk PC, says why, and still answers.
    let real = |path: &str| base.join(path).unwrap();
    let config = reqwest::get(real("/api/v1/client-config")).await.unwrap();
    let config = config.bytes().await.unwrap().to_vec();
    let old_list = reqwest::get(real("/api/v1/receipt-keys")).await.unwrap();
    let old_list = old_list.bytes().await.unwrap().to_vec();
    let served = Arc::new(Mutex::new(b"{\"not\": \"a trust list\"}".to_vec()));
    let fake = fake_portal(config, served.clone());
    let (status, verdict) = exit_and_json(motcua(&fake, desk_pc.path()).args(["verify", qr_text]));
    assert_eq!(verdict["verdict"], "receipt_valid", "{verdict}");
    assert_eq!(status, 0);
    let garbage_code = verdict["trust_list_refresh"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(garbage_code, "network_unavailable", "{verdict}");
    ok(Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--json")
        .args(["portal", "receipt-keys", "rotate", "--data-dir"])
        .arg(portal_dir.path()));
    let (status, verdict) = exit_and_json(motcua(&base, desk_pc.path()).args(["verify", qr_text]));
    assert_eq!(
        (status, &verdict["trust_list_refresh"]),
        (0, &serde_json::Value::Null),
        "{verdict}"
    );
    *served.lock().unwrap() = old_list;
    let (status, verdict) = exit_and_json(motcua(&fake, desk_pc.path()).args(["verify", qr_text]));
    assert_eq!(verdict["verdict"], "receipt_valid", "{verdict}");
    assert_eq!(status, 0);
    let rollback_code = verdict["trust_list_refresh"]["code"].as_str().unwrap();
    assert_ne!(rollback_code, "network_unavailable", "{verdict}");
    assert_ne!(
        rollback_code, garbage_code,
        "a rollback is told apart from garbage"
    );

    // A draft id that starts with '-' (made before ids were alphanumeric) is read as an id,
    // not an option: the answer is the core's typed refusal, not a usage error.
    let old_style = motcua(&base, phone.path())
        .args(["draft", "show", "-Xq3abc"])
        .output()
        .unwrap();
    assert_eq!(old_style.status.code(), Some(1), "{old_style:?}");
    assert!(json_of(&old_style)["error"]["code"].is_string());

    // Accepting twice is refused on the desk PC, before the portal is asked.
    assert_eq!(
        refused(motcua(&base, desk_pc.path()).args(["desk", "accept", &code])),
        "illegal_transition"
    );
    // Reception may not mark a result ready (the specialist does).
    ok(motcua(&base, desk_pc.path()).args(["desk", "process", &code]));
    assert_eq!(
        refused(motcua(&base, desk_pc.path()).args(["desk", "ready", &code])),
        "role_not_allowed"
    );
    // A supplement request must say what is missing.
    let no_items = motcua(&base, desk_pc.path())
        .args(["desk", "supplement", &code])
        .output()
        .unwrap();
    assert!(!no_items.status.success(), "--missing is required");
    let asked = ok(motcua(&base, desk_pc.path()).args([
        "desk",
        "supplement",
        &code,
        "--missing",
        "Tờ khai có chữ ký",
    ]));
    assert_eq!(asked["status"], "supplement_requested");

    // The citizen answers with the CLI: the answer is a draft sent like a dossier.
    let answer = ok(motcua(&base, phone.path()).args(["supplement", &code]));
    assert_eq!(answer["answers_dossier"], code.as_str());
    assert_eq!(answer["requested"][0], "Tờ khai có chữ ký");
    let answer_id = answer["id"].as_str().unwrap().to_owned();
    ok(motcua(&base, phone.path()).args([
        "draft",
        "set",
        &answer_id,
        "supplement_note",
        "Đã ký tờ khai",
    ]));
    ok(motcua(&base, phone.path())
        .args(["draft", "attach", &answer_id, "declaration_form"])
        .arg(&pdf));
    ok(motcua(&base, phone.path()).args(["submit", &answer_id]));

    // The specialist finishes, reception hands back.
    let specialist = tempfile::tempdir().unwrap();
    ok(motcua(&base, specialist.path())
        .args(["desk", "login", "chuyenvien"])
        .env("MOTCUA_DESK_PASSWORD", "motcua-dev"));
    let shown = ok(motcua(&base, specialist.path()).args(["desk", "show", &code]));
    assert_eq!(shown["status"], "processing", "the answer resumed it");
    ok(motcua(&base, specialist.path()).args(["desk", "ready", &code]));
    let returned = ok(motcua(&base, desk_pc.path()).args(["desk", "return", &code]));
    assert_eq!(returned["status"], "returned");

    // `status` shows what the device holds: sync first.
    ok(motcua(&base, phone.path()).args(["sync"]));
    let status = ok(motcua(&base, phone.path()).args(["status", &code]));
    assert_eq!(status["status"], "returned");
    let statuses: Vec<&str> = status["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "submitted",
            "received",
            "processing",
            "supplement_requested",
            "processing",
            "result_ready",
            "returned"
        ]
    );
    // Too late to withdraw: refused on the phone with the lifecycle's code.
    assert_eq!(
        refused(motcua(&base, phone.path()).args(["withdraw", &code])),
        "illegal_transition"
    );
    ok(motcua(&base, desk_pc.path()).args(["desk", "logout"]));
    assert_eq!(
        refused(motcua(&base, desk_pc.path()).args(["desk", "show", &code])),
        "staff_not_logged_in"
    );
    let address = portal.local_addr();
    portal.shutdown().await;

    // The portal is down, its address taken by a listener that counts connections:
    // commands that need no network succeed and never connect (issue 18, item 6).
    let down = TcpListener::bind(address).unwrap();
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = attempts.clone();
    std::thread::spawn(move || {
        for stream in down.incoming() {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    let status = ok(motcua(&base, phone.path()).args(["status", &code]));
    assert_eq!(status["status"], "returned");
    ok(motcua(&base, phone.path()).args(["status"]));
    let (status, verdict) =
        exit_and_json(motcua(&base, desk_pc.path()).args(["verify", "--offline", qr_text]));
    assert_eq!(
        (status, verdict["verdict"].as_str()),
        (0, Some("receipt_valid"))
    );
    ok(motcua(&base, phone.path()).args(["drafts"]));
    assert_eq!(
        attempts.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a command that needs no network connected"
    );
    // One that needs the network does connect (the count is not blind).
    let _ = motcua(&base, phone.path()).args(["sync"]).output().unwrap();
    assert!(attempts.load(std::sync::atomic::Ordering::SeqCst) > 0);
}
