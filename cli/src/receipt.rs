//! `motcua receipt <code> [--png FILE]`, `motcua verify <text | image>` and
//! `motcua portal receipt-keys list|rotate|revoke`: the receipt QR code in the terminal,
//! offline verification at the desk, and the portal's signing keys.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use motcua_core::receipt::{ApplicantCheck, QrMatrix, ReceiptError, Verification};
use motcua_core::{Lang, Localized};
use motcua_protocol::receipt::fee::{FEE_PREFIX, FeeVerdict};
use motcua_protocol::receipt::{ReceiptFields, Verdict};
use serde_json::json;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::Output;

/// Largest image `motcua verify` reads (a phone photo of a slip is a few megabytes).
const MAX_IMAGE_BYTES: u64 = 32 * 1024 * 1024;

/// The QR code for a terminal: two module rows per line with half blocks, light modules
/// drawn (as `qrencode -t UTF8` does), so it reads on the usual dark-background terminal.
pub fn terminal_qr(modules: &QrMatrix) -> String {
    const QUIET: i64 = 2;
    let size = i64::from(modules.size);
    let light = |x: i64, y: i64| {
        x < 0 || y < 0 || x >= size || y >= size || !modules.is_dark(x as u32, y as u32)
    };
    let mut text = String::new();
    let mut y = -QUIET;
    while y < size + QUIET {
        for x in -QUIET..size + QUIET {
            text.push(match (light(x, y), light(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        text.push('\n');
        y += 2;
    }
    text
}

fn fields_json(fields: &ReceiptFields) -> serde_json::Value {
    json!({
        "dossier_code": fields.dossier_code,
        "procedure_code": fields.procedure_code,
        "agency_code": fields.agency_code,
        "received_at": fields.received_at.to_rfc3339(),
        "appointment_date": fields.appointment_date.map(|d| d.to_string()),
        "applicant_digest": fields.applicant.is_some(),
    })
}

fn fields_text(out: &Output, fields: &ReceiptFields) -> String {
    let received = fields
        .received_at
        .with_timezone(&motcua_protocol::time::vietnam_offset())
        .format("%H:%M %d/%m/%Y")
        .to_string();
    let mut lines = vec![
        format!(
            "{}: {}",
            out.t("Mã hồ sơ", "Dossier code"),
            fields.dossier_code
        ),
        format!(
            "{}: {}",
            out.t("Thủ tục", "Procedure"),
            fields.procedure_code
        ),
        format!(
            "{}: {}",
            out.t("Cơ quan tiếp nhận", "Receiving agency"),
            fields.agency_code
        ),
        format!("{}: {received}", out.t("Tiếp nhận lúc", "Received at")),
    ];
    if let Some(date) = fields.appointment_date {
        lines.push(format!(
            "{}: {}",
            out.t("Hẹn trả kết quả", "Appointment"),
            date.format("%d/%m/%Y")
        ));
    }
    lines.join("\n")
}

fn verdict_json(verification: &Verification, lang: Lang) -> serde_json::Value {
    let verdict = &verification.verdict;
    let mut value = json!({
        "verdict": verdict.code(),
        "message": verdict.message(lang),
        "kid": verdict.kid().map(|k| k.to_string()),
        "trust_list_sequence": verification.trust_list_sequence,
        "trust_list_fetched_at": verification.trust_list_fetched_at,
    });
    match verdict {
        Verdict::Valid { fields, .. } => value["fields"] = fields_json(fields),
        Verdict::Malformed(what) => value["malformed"] = json!(what.detail()),
        _ => {}
    }
    value
}

/// `motcua receipt <code> [--png FILE]`: the receipt of one of your dossiers (synced
/// first when it is not on the device yet).
pub async fn receipt(
    out: &Output,
    client: &ClientContext,
    code: &str,
    png: Option<&Path>,
) -> Result<(), CliError> {
    let area = client.core.receipt();
    let view = match area.receipt(code) {
        Err(ReceiptError::NotIssued(_)) => {
            client.core.tracking().sync().await?;
            area.receipt(code)?
        }
        other => other?,
    };
    if let Some(path) = png {
        std::fs::write(path, &view.qr.png)?;
    }
    let value = json!({
        "qr_text": view.qr_text,
        "qr_version": view.qr.version,
        "qr_ec_level": view.qr.ec_level.to_string(),
        "kid": view.kid.to_string(),
        "fields": fields_json(&view.fields),
        "verdict": view.verdict.as_ref().map(|v| v.code()),
        "png": png.map(|p| p.display().to_string()),
    });
    out.result(&value, || {
        let mut text = terminal_qr(&view.qr.modules);
        text.push_str(&fields_text(out, &view.fields));
        text.push_str(&format!(
            "\n{}: {}\n{} {}, {} {}",
            out.t("Mã QR", "QR text"),
            view.qr_text,
            out.t("Phiên bản QR", "QR version"),
            view.qr.version,
            out.t("mức sửa lỗi", "error correction"),
            view.qr.ec_level
        ));
        if let Some(verdict) = &view.verdict {
            text.push_str(&format!("\n{}", verdict.message(out.lang)));
        }
        if let Some(path) = png {
            text.push_str(&format!("\nPNG: {}", path.display()));
        }
        text
    });
    Ok(())
}

/// Reads the QR code in an image file (PNG, JPEG) with rqrr.
pub fn decode_image(path: &Path) -> Result<String, CliError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_IMAGE_BYTES {
        return Err(CliError::InvalidArgument(format!(
            "{} is larger than {} MB",
            path.display(),
            MAX_IMAGE_BYTES / 1024 / 1024
        )));
    }
    let image = image::open(path)
        .map_err(|error| CliError::InvalidArgument(format!("{}: {error}", path.display())))?
        .to_luma8();
    let (width, height) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
            image.get_pixel(x as u32, y as u32).0[0]
        });
    let grids = prepared.detect_grids();
    grids
        .iter()
        .find_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .ok_or_else(|| {
            CliError::InvalidArgument(format!("no readable QR code in {}", path.display()))
        })
}

/// The exit status of `motcua verify`, one per outcome, for desk scripts (documented in
/// `motcua verify --help`, [`VERIFY_EXIT_CODES`]): 0 only for a valid receipt whose
/// applicant, when asked, is the person at the desk.
pub fn verify_exit_code(verdict: &Verdict, applicant: Option<ApplicantCheck>) -> i32 {
    match verdict {
        Verdict::Valid { .. } => match applicant {
            None | Some(ApplicantCheck::Matches) => 0,
            Some(ApplicantCheck::DoesNotMatch) => 15,
            Some(ApplicantCheck::NoDigest) => 16,
        },
        Verdict::Tampered { .. } => 10,
        Verdict::UnknownKey { .. } => 11,
        Verdict::RevokedKey { .. } => 12,
        Verdict::ExpiredKey { .. } => 13,
        Verdict::Malformed(_) => 14,
    }
}

/// The exit status of `motcua verify` for a fee e-receipt: the same numbers as for a
/// dossier receipt's same outcome.
pub fn fee_verify_exit_code(verdict: &FeeVerdict) -> i32 {
    match verdict {
        FeeVerdict::Valid { .. } => 0,
        FeeVerdict::Tampered { .. } => 10,
        FeeVerdict::UnknownKey { .. } => 11,
        FeeVerdict::RevokedKey { .. } => 12,
        FeeVerdict::ExpiredKey { .. } => 13,
        FeeVerdict::Malformed(_) => 14,
    }
}

/// `motcua verify MCF1:…`: a fee e-receipt against the cached trust list.
fn verify_fee(
    out: &Output,
    client: &ClientContext,
    text: &str,
    refresh_problem: Option<&ReceiptError>,
) -> Result<i32, CliError> {
    let verification = client.core.receipt().verify_fee_receipt(text)?;
    let verdict = &verification.verdict;
    let mut value = json!({
        "kind": "fee_receipt",
        "verdict": verdict.code(),
        "message": verdict.message(out.lang),
        "trust_list_sequence": verification.trust_list_sequence,
        "trust_list_fetched_at": verification.trust_list_fetched_at,
    });
    if let FeeVerdict::Valid { kid, fields } = verdict {
        value["kid"] = json!(kid.to_string());
        value["fields"] = json!({
            "agency_code": fields.agency_code,
            "dossier_code": fields.dossier_code,
            "payer": fields.payer,
            "amount_vnd": fields.amount_vnd,
            "paid_at": fields.paid_at.to_rfc3339(),
            "transaction_id": fields.transaction_id,
            "reference": fields.reference,
        });
    }
    if let Some(problem) = refresh_problem {
        value["trust_list_refresh"] = json!({
            "code": problem.code(),
            "message": problem.message(out.lang),
        });
    }
    out.result(&value, || {
        let mut text = format!("{} [{}]", verdict.message(out.lang), verdict.code());
        if let FeeVerdict::Valid { fields, .. } = verdict {
            for line in motcua_core::payments::view::fee_receipt_lines(fields, out.lang) {
                text.push_str(&format!("\n{}: {}", line.label, line.value));
            }
        }
        text
    });
    Ok(fee_verify_exit_code(verdict))
}

/// What [`verify_exit_code`] means, for `motcua verify --help`.
pub const VERIFY_EXIT_CODES: &str = "Exit status:
  0   valid receipt (and, with --id-number, the ID number is the applicant's)
  1   could not verify (unreadable image, no key list yet, portal error: see the message)
  2   wrong usage
  10  tampered: the content does not match the signature
  11  signed with a key not on the key list (refresh it, or a forgery)
  12  signed with a revoked key
  13  signed outside the key's period of use, or dated more than an hour ahead
  14  not a receipt, or damaged
  (a fee e-receipt, MCF1:…, gets 0 and 10 to 14 with the same meanings)
  15  valid receipt, but the ID number is NOT the applicant's
  16  valid receipt that carries nothing to check the applicant against";

/// `motcua verify <text | image> [--id-number N] [--offline]`: the verdict, from the
/// cached trust list (refreshed first unless `--offline`; a failed refresh, whatever its
/// cause, keeps the cached list and says so: `trust_list_refresh` in JSON). Returns the exit status ([`verify_exit_code`]).
pub async fn verify(
    out: &Output,
    client: &ClientContext,
    input: &str,
    id_number: Option<&str>,
    offline: bool,
) -> Result<i32, CliError> {
    let path = PathBuf::from(input);
    let text = if !input.starts_with(motcua_protocol::receipt::PREFIX) && path.is_file() {
        decode_image(&path)?
    } else {
        input.to_owned()
    };
    let area = client.core.receipt();
    // A refresh that fails for any reason (the portal unreachable, or answering a list
    // that is garbage, wrongly signed or older than the one held: the core keeps its
    // cached list then) falls back to the cached list with a warning: the desk must go
    // on verifying offline whatever the server does. Only a missing root key stops here.
    let refresh_problem = if offline {
        None
    } else {
        match area.refresh_trust_list().await {
            Ok(_) => None,
            Err(error @ ReceiptError::NoTrustAnchor) => return Err(error.into()),
            Err(error) => {
                tracing::warn!(
                    code = error.code(),
                    "trust list not refreshed: using the cached one"
                );
                if !out.json {
                    eprintln!(
                        "({} [{}] {})",
                        error.message(out.lang),
                        error.code(),
                        out.t(
                            "Dùng danh sách khóa đã lưu trên máy này.",
                            "Using the key list kept on this computer."
                        )
                    );
                }
                Some(error)
            }
        }
    };
    if text.trim().starts_with(FEE_PREFIX) {
        if id_number.is_some() {
            return Err(CliError::InvalidArgument(
                "--id-number: a fee e-receipt names its payer, it carries no ID number".into(),
            ));
        }
        return verify_fee(out, client, &text, refresh_problem.as_ref());
    }
    let verification = area.verify_receipt(&text)?;
    let applicant = match id_number {
        Some(id) if verification.verdict.is_valid() => Some(area.check_applicant(&text, id).await?),
        _ => None,
    };
    let mut value = verdict_json(&verification, out.lang);
    if let Some(problem) = &refresh_problem {
        value["trust_list_refresh"] = json!({
            "code": problem.code(),
            "message": problem.message(out.lang),
        });
    }
    if let Some(check) = applicant {
        value["applicant"] = json!(match check {
            ApplicantCheck::Matches => "matches",
            ApplicantCheck::DoesNotMatch => "does_not_match",
            ApplicantCheck::NoDigest => "no_digest",
        });
    }
    out.result(&value, || {
        let verdict = &verification.verdict;
        let mut text = format!("{} [{}]", verdict.message(out.lang), verdict.code());
        match verdict {
            Verdict::Valid { fields, .. } => {
                text.push('\n');
                text.push_str(&fields_text(out, fields));
            }
            Verdict::Malformed(what) => text.push_str(&format!(" ({})", what.detail())),
            _ => {}
        }
        if let Some(check) = applicant {
            text.push('\n');
            text.push_str(match check {
                ApplicantCheck::Matches => out.t(
                    "Số định danh khớp với người nộp hồ sơ.",
                    "The ID number matches the applicant.",
                ),
                ApplicantCheck::DoesNotMatch => out.t(
                    "Số định danh KHÔNG khớp với người nộp hồ sơ.",
                    "The ID number does NOT match the applicant.",
                ),
                ApplicantCheck::NoDigest => out.t(
                    "Giấy tiếp nhận không mang thông tin để đối chiếu người nộp.",
                    "The receipt carries nothing to check the applicant against.",
                ),
            });
        }
        text.push_str(&format!(
            "\n({} #{}, {})",
            out.t("danh sách khóa", "key list"),
            verification.trust_list_sequence,
            chrono::DateTime::from_timestamp(verification.trust_list_fetched_at, 0)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default()
        ));
        text
    });
    Ok(verify_exit_code(&verification.verdict, applicant))
}

/// Receipt-signing key commands (on the portal's data directory).
#[derive(Debug, Subcommand)]
pub enum ReceiptKeysCommand {
    /// The keys and the root public key the apps must carry.
    List,
    /// Retire the active key (its receipts stay valid) and start a new one.
    Rotate,
    /// Revoke a key: its receipts stop verifying once verifiers refresh the key list.
    Revoke {
        /// Key id (8 hexadecimal digits, see `list`).
        kid: String,
    },
}

/// `motcua portal receipt-keys …` (on the portal's data directory and database; safe while
/// it runs).
pub async fn keys(
    out: &Output,
    at: &motcua_portal::DataLocation,
    command: &ReceiptKeysCommand,
) -> Result<(), CliError> {
    let portal = |e: motcua_portal::PortalError| CliError::Portal(e.to_string());
    match command {
        ReceiptKeysCommand::List => {
            let (keys, root) = motcua_portal::receipt_keys(at).await.map_err(portal)?;
            out.result(&json!({"root_key": root, "keys": keys}), || {
                let mut lines = vec![format!("{}: {root}", out.t("Khóa gốc", "Root key"))];
                for key in &keys {
                    let state = if key.revoked_at.is_some() {
                        out.t("đã thu hồi", "revoked")
                    } else if key.active {
                        out.t("đang dùng", "active")
                    } else {
                        out.t("đã nghỉ", "retired")
                    };
                    let time = |secs: i64| {
                        chrono::DateTime::from_timestamp(secs, 0)
                            .map(|t| t.to_rfc3339())
                            .unwrap_or_default()
                    };
                    lines.push(format!(
                        "{}  {state}  {} {}{}",
                        key.kid,
                        out.t("từ", "from"),
                        time(key.not_before),
                        key.not_after
                            .map(|end| format!(" {} {}", out.t("đến", "to"), time(end)))
                            .unwrap_or_default()
                    ));
                }
                lines.join("\n")
            });
        }
        ReceiptKeysCommand::Rotate => {
            let kid = motcua_portal::rotate_receipt_key(at)
                .await
                .map_err(portal)?;
            out.result(&json!({"active": kid}), || {
                format!("{}: {kid}", out.t("Khóa ký mới", "New signing key"))
            });
        }
        ReceiptKeysCommand::Revoke { kid } => {
            if motcua_protocol::receipt::KeyId::parse_hex(kid).is_none() {
                return Err(CliError::InvalidArgument(format!(
                    "{kid:?}: a key id is 8 hexadecimal digits (see `list`)"
                )));
            }
            let outcome = motcua_portal::revoke_receipt_key(at, kid)
                .await
                .map_err(portal)?;
            match outcome {
                motcua_portal::Revocation::Unknown => {
                    return Err(CliError::InvalidArgument(format!("no key {kid}")));
                }
                motcua_portal::Revocation::AlreadyRevoked => {
                    out.result(&json!({"revoked": kid, "already": true}), || {
                        out.t(
                            "Khóa này đã bị thu hồi trước đó.",
                            "This key was already revoked.",
                        )
                        .to_owned()
                    })
                }
                motcua_portal::Revocation::Revoked { replaced_by } => {
                    let replaced = replaced_by.map(|k| k.to_string());
                    out.result(&json!({"revoked": kid, "active": replaced}), || {
                        let mut text = format!("{}: {kid}", out.t("Đã thu hồi", "Revoked"));
                        if let Some(new) = &replaced {
                            text.push_str(&format!(
                                "\n{}: {new}",
                                out.t("Khóa ký mới", "New signing key")
                            ));
                        }
                        text
                    });
                }
            }
        }
    }
    Ok(())
}
