//! Paying a fee with the `motcua` binary against a real portal (issue 19): the specialist
//! requests the fee (`desk request-payment`), `motcua pay` shows the request with its
//! VietQR code, whose PNG ZXing reads as the same text and whose text an independent
//! parser (the npm package `vietnam-qr-pay`, not written here) reads field by field; the
//! intermediary's notifications (`portal payments notify`): a wrong amount is held, the
//! exact one pays, its repetition changes nothing; `motcua fee-receipt` gives the signed
//! e-receipt, which `motcua verify` accepts at the desk, offline too, and refuses altered.
//! And `motcua demo` walks the whole journey, a paid fee included.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use motcua_protocol::identity::IdentityLevel;
use motcua_protocol::time::{unix_now, vietnam_date_of};
use motcua_tests::decoders::{vietqr_parse, zxing_decode};

/// Temporary residence registration: 15.000 đ at the desk, 7.000 đ online.
const TEMPORARY_RESIDENCE: &str = "1.004194";

fn notify(portal: &url::Url, transaction_id: &str, amount: u64, description: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_motcua"));
    command
        .arg("--portal")
        .arg(portal.as_str())
        .arg("--json")
        .args(["portal", "payments", "notify", "--transaction-id"])
        .arg(transaction_id)
        .arg("--amount")
        .arg(amount.to_string())
        .arg("--description")
        .arg(description)
        .env_remove("MOTCUA_PAYMENTS_SECRET");
    command
}

/// Files a temporary-residence dossier with the CLI; returns its code.
fn file_temporary_residence(portal: &url::Url, phone: &Path) -> String {
    let draft = ok(motcua(portal, phone).args(["draft", "new", TEMPORARY_RESIDENCE]));
    let id = draft["id"].as_str().unwrap().to_owned();
    let commune = motcua_protocol::admin_units::search_communes("phuong thuan hoa", 1)[0]
        .code
        .clone();
    let stay_until = vietnam_date_of(unix_now() + 365 * 86_400).to_string();
    for (field, value) in [
        ("temporary_address", "Số 12 đường Lê Lợi"),
        ("residence_unit", commune.as_str()),
        ("dwelling_type", "rented"),
        ("owner_name", "Trần Thị Lan"),
        ("stay_until", stay_until.as_str()),
        ("purpose", "work"),
        ("phone", "0912 345 678"),
    ] {
        ok(motcua(portal, phone).args(["draft", "set", &id, field, value]));
    }
    let pdf = phone.join("giay-to.pdf");
    std::fs::write(&pdf, PDF).unwrap();
    for requirement in ["form_ct01", "legal_dwelling_proof"] {
        ok(motcua(portal, phone)
            .args(["draft", "attach", &id, requirement])
            .arg(&pdf));
    }
    let submitted = ok(motcua(portal, phone).args(["submit", &id]));
    submitted["dossier_code"].as_str().unwrap().to_owned()
}

fn desk_login(portal: &url::Url, desk: &Path, username: &str) {
    ok(motcua(portal, desk)
        .args(["desk", "login", username])
        .env("MOTCUA_DESK_PASSWORD", "motcua-dev"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_is_requested_paid_by_vietqr_once_and_its_e_receipt_verifies_with_the_cli() {
    let portal_dir = tempfile::tempdir().unwrap();
    let portal = motcua_portal::start(motcua_portal::PortalConfig::for_tests(portal_dir.path()))
        .await
        .unwrap();
    let base = portal.base_url();
    let phone = tempfile::tempdir().unwrap();
    let reception = tempfile::tempdir().unwrap();
    let specialist = tempfile::tempdir().unwrap();
    let level2: Vec<_> = motcua_portal::demo_citizens()
        .iter()
        .filter(|c| c.level == IdentityLevel::Level2)
        .collect();
    two_step_login(&base, phone.path(), false, level2[0].subject).await;
    let code = file_temporary_residence(&base, phone.path());

    // Filed, not due yet: nothing to scan, and no e-receipt.
    let not_due = ok(motcua(&base, phone.path()).args(["pay", &code]));
    assert_eq!(not_due["status"], "not_due", "{not_due}");
    assert!(not_due["qr_text"].is_null());
    assert_eq!(
        refused(motcua(&base, phone.path()).args(["fee-receipt", &code])),
        "fee_receipt_not_issued"
    );

    // The desk: reception accepts and passes it on, the specialist requests the fee.
    desk_login(&base, reception.path(), "tiepnhan");
    desk_login(&base, specialist.path(), "chuyenvien");
    ok(motcua(&base, reception.path()).args(["desk", "accept", &code]));
    ok(motcua(&base, reception.path()).args(["desk", "process", &code]));
    assert_eq!(
        refused(motcua(&base, reception.path()).args(["desk", "request-payment", &code])),
        "role_not_allowed",
        "the specialist requests the fee"
    );
    let requested = ok(motcua(&base, specialist.path()).args(["desk", "request-payment", &code]));
    assert_eq!(requested["status"], "payment_requested");

    // `motcua pay`: the request, its VietQR code and the PNG to save.
    let png = phone.path().join("vietqr.png");
    let awaiting = ok(motcua(&base, phone.path())
        .args(["pay", &code, "--png"])
        .arg(&png));
    assert_eq!(awaiting["status"], "awaiting", "{awaiting}");
    assert_eq!(awaiting["amount_vnd"], 7_000, "the online fee");
    assert_eq!(awaiting["amount_label"], "7.000 đ");
    let reference = awaiting["reference"].as_str().unwrap().to_owned();
    let qr_text = awaiting["qr_text"].as_str().unwrap().to_owned();
    let beneficiary = &awaiting["beneficiary"];
    let english = ok(motcua(&base, phone.path()).args(["--lang", "en", "pay", &code]));
    assert_eq!(english["amount_label"], "7,000 VND");
    assert_eq!(english["qr_text"], qr_text.as_str(), "the same code");

    // ZXing reads our PNG as our text; vietnam-qr-pay reads the text field by field.
    assert_eq!(zxing_decode(&png), qr_text);
    let read = vietqr_parse(&qr_text);
    assert_eq!(read["valid"], true, "{read}");
    for (field, expected) in [
        ("version", "01"),
        ("init_method", "12"),
        ("provider_guid", "A000000727"),
        ("provider_name", "VIETQR"),
        ("service", "QRIBFTTA"),
        ("bank_bin", beneficiary["bank_bin"].as_str().unwrap()),
        ("account", beneficiary["account"].as_str().unwrap()),
        ("currency", "704"),
        ("amount", "7000"),
        ("nation", "VN"),
        ("purpose", reference.as_str()),
    ] {
        assert_eq!(read[field], expected, "{field} in {read}");
    }
    let altered = qr_text.replacen("54047000", "54047001", 1);
    assert_ne!(altered, qr_text);
    assert_eq!(
        vietqr_parse(&altered)["valid"],
        false,
        "its CRC check catches an altered amount as ours does"
    );

    // Another citizen gets the same answer as for a dossier that does not exist.
    let stranger = tempfile::tempdir().unwrap();
    two_step_login(&base, stranger.path(), false, level2[1].subject).await;
    assert_eq!(
        refused(motcua(&base, stranger.path()).args(["pay", &code])),
        "dossier_not_found"
    );

    // The intermediary: a wrong amount is held, the exact transfer pays, its repetition
    // changes nothing; a forged signature is refused.
    let description = format!("CT {reference} chuyen tien");
    let short = ok(&mut notify(&base, "FT-CLI-1", 5_000, &description));
    assert_eq!(
        (short["outcome"].as_str(), short["hold_reason"].as_str()),
        (Some("held"), Some("wrong_amount")),
        "{short}"
    );
    assert_eq!(
        refused(
            notify(&base, "FT-CLI-2", 7_000, &description).args(["--payments-secret", "guess"])
        ),
        "notification_not_authentic"
    );
    let paid = ok(&mut notify(&base, "FT-CLI-2", 7_000, &description));
    assert_eq!(paid["outcome"], "paid", "{paid}");
    assert_eq!(paid["dossier_code"], code.as_str());
    let again = ok(&mut notify(&base, "FT-CLI-2", 7_000, &description));
    assert_eq!(again["outcome"], "duplicate", "{again}");
    let held = ok(motcua(&base, reception.path()).args(["desk", "payments", "held"]));
    let held = held.as_array().unwrap();
    assert_eq!(
        held.len(),
        1,
        "only the wrong amount waits for the desk: {held:?}"
    );
    assert_eq!(held[0]["transaction_id"], "FT-CLI-1");

    // The e-receipt: fetched when not on the device yet, verified against the key list.
    let receipt_png = phone.path().join("bien-lai.png");
    let receipt = ok(motcua(&base, phone.path())
        .args(["fee-receipt", &code, "--png"])
        .arg(&receipt_png));
    assert_eq!(receipt["verdict"], "fee_receipt_valid", "{receipt}");
    assert_eq!(receipt["fields"]["amount_vnd"], 7_000);
    assert_eq!(receipt["fields"]["reference"], reference.as_str());
    assert_eq!(receipt["fields"]["dossier_code"], code.as_str());
    assert_eq!(receipt["amount_label"], "7.000 đ");
    let receipt_text = receipt["text"].as_str().unwrap().to_owned();
    assert!(receipt_text.starts_with("MCF1:"), "{receipt_text}");
    let settled = ok(motcua(&base, phone.path()).args(["pay", &code]));
    assert_eq!(settled["status"], "paid");
    assert!(settled["qr_text"].is_null(), "nothing left to scan");
    assert_eq!(settled["has_fee_receipt"], true);
    assert_eq!(
        refused(
            motcua(&base, phone.path())
                .args(["pay", &code, "--png"])
                .arg(&png)
        ),
        "invalid_argument",
        "no code to save once paid"
    );

    // The desk verifies the e-receipt from its image, then offline from its text; an
    // altered one is not accepted; an ID number is not something it carries.
    let (status, verdict) = exit_and_json(
        motcua(&base, reception.path())
            .arg("verify")
            .arg(&receipt_png),
    );
    assert_eq!(
        (
            status,
            verdict["kind"].as_str(),
            verdict["verdict"].as_str()
        ),
        (0, Some("fee_receipt"), Some("fee_receipt_valid")),
        "{verdict}"
    );
    assert_eq!(verdict["fields"]["amount_vnd"], 7_000);
    let address = portal.local_addr();
    portal.shutdown().await;
    let (status, _) =
        exit_and_json(motcua(&base, reception.path()).args(["verify", "--offline", &receipt_text]));
    assert_eq!(status, 0, "offline, from the cached key list");
    let mut tampered = receipt_text.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let (status, verdict) =
        exit_and_json(motcua(&base, reception.path()).args(["verify", "--offline", &tampered]));
    assert_ne!(verdict["verdict"], "fee_receipt_valid", "{verdict}");
    assert!(matches!(status, 10 | 14), "{status}: {verdict}");
    assert_eq!(
        refused(motcua(&base, reception.path()).args([
            "verify",
            "--offline",
            "--id-number",
            "001099000001",
            &receipt_text
        ])),
        "invalid_argument"
    );

    // The portal gone: the phone still shows the kept request, and says how current it is.
    assert!(
        std::net::TcpStream::connect(address).is_err(),
        "portal down"
    );
    let offline = ok(motcua(&base, phone.path()).args(["pay", &code]));
    assert_eq!(offline["offline"], true, "{offline}");
    assert_eq!(offline["status"], "paid");
    assert!(offline["offline_note"].is_string());
}

#[test]
fn the_demo_walks_the_journey_and_pays_a_fee() {
    let output = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(["--json", "--lang", "en", "demo"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let steps: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let detail_of = |needle: &str| {
        steps
            .iter()
            .find(|step| step["title"].as_str().unwrap().contains(needle))
            .map(|step| step["detail"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no step about {needle}: {steps:?}"))
    };
    let shown = detail_of("shows the VietQR code");
    let qr_text = shown
        .lines()
        .find_map(|line| line.strip_prefix("VietQR: "))
        .expect("the VietQR text");
    assert_eq!(vietqr_parse(qr_text)["amount"], "7000");
    assert_eq!(
        detail_of("tells the portal"),
        "first: paid · second: duplicate, ignored"
    );
    let paid = detail_of("fee paid");
    assert!(paid.contains("Valid e-receipt"), "{paid}");
    assert!(paid.contains("MCF1:"), "{paid}");
    assert!(detail_of("Logged out").contains("revoked_on_portal = true"));
}
