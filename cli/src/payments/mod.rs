//! `motcua portal payments notify …` (a signed notification of a credited transfer, as the
//! payment intermediary sends it: for demos and tests) and `motcua desk payments …` (the
//! held payments, their resolution, the day's reconciliation report, and a dossier's
//! VietQR code to print on the receipt slip). Plain HTTP to the portal's payments API
//! (`motcua_protocol::api::payments`); the desk commands use the staff session that
//! `motcua desk login` keeps.

mod citizen;
mod error;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use motcua_core::desk::DESK_SESSION_KEY;
use motcua_core::secure_store::{DevFileSecureStore, SecureStore as _};
use motcua_protocol::api::ApiErrorBody;
use motcua_protocol::api::payments::{
    HEADER_SIGNATURE, HEADER_TIMESTAMP, HeldPayment, NotificationAck, PATH_DESK_DOSSIER_PAYMENT,
    PATH_DESK_HELD_PAYMENT_RESOLVE, PATH_DESK_HELD_PAYMENTS, PATH_DESK_PAYMENT_REPORT,
    PATH_PAYMENT_NOTIFICATIONS, PaymentNotification, PaymentStatus, PaymentView, Resolution,
    ResolveHeldRequest, notification_signature,
};
use reqwest::{Method, StatusCode};
use url::Url;

pub use citizen::{fee_receipt, pay};
pub use error::PaymentsError;

use crate::client::http_client;
use crate::error::CliError;
use crate::files::data_dir_or_default;
use crate::output::Output;

/// The demo beneficiary account of a portal started without `--payments-accounts`.
pub const DEMO_ACCOUNT: &str = "MOTCUADEMO0001";

/// `motcua portal payments …`.
#[derive(Debug, Subcommand)]
pub enum PortalPaymentsCommand {
    /// Send a notification of a credited transfer signed with the shared secret, as the
    /// payment intermediary would (demos and tests). Prints the portal's answer: paid,
    /// held (and why) or duplicate.
    Notify {
        /// The intermediary's transaction id (the same id again is a duplicate).
        #[arg(long)]
        transaction_id: String,
        /// The amount credited, in đồng.
        #[arg(long)]
        amount: u64,
        /// The transfer's description, as the payer's bank sends it (with the reference).
        #[arg(long, allow_hyphen_values = true)]
        description: String,
        /// The beneficiary account credited.
        #[arg(long, default_value = DEMO_ACCOUNT)]
        account: String,
        /// The payer's name as the bank reports it.
        #[arg(long)]
        payer_name: Option<String>,
        /// When the bank credited it (RFC 3339); default now.
        #[arg(long)]
        credited_at: Option<String>,
        /// Sign at this Unix time instead of now (a replay out of the window is refused).
        #[arg(long, allow_hyphen_values = true)]
        timestamp: Option<i64>,
        /// The shared secret (the portal's --payments-secret).
        #[arg(
            long = "payments-secret",
            env = "MOTCUA_PAYMENTS_SECRET",
            default_value = motcua_portal::DEFAULT_PAYMENTS_SECRET,
            hide_default_value = true,
            hide_env_values = true
        )]
        secret: String,
    },
}

/// `motcua desk payments …`.
#[derive(Debug, Subcommand)]
pub enum DeskPaymentsCommand {
    /// Payments held for reconciliation (wrong amount, unknown reference, second payment).
    Held {
        /// Also those already resolved.
        #[arg(long)]
        all: bool,
    },
    /// Resolve a held payment (one-stop desk officers): apply it to a dossier's awaiting
    /// fee, or mark it for refund; with a note.
    Resolve {
        /// The held payment's id (see `held`).
        id: i64,
        /// apply or refund.
        #[arg(long, value_parser = ["apply", "refund"])]
        resolution: String,
        /// For apply: the dossier (default: the one its reference named).
        #[arg(long)]
        dossier: Option<String>,
        /// Why (kept with the resolution).
        #[arg(long)]
        note: String,
    },
    /// The day's reconciliation report per agency (CSV on stdout, or --out FILE).
    Report {
        /// The day (YYYY-MM-DD, Vietnam); default today.
        #[arg(long)]
        date: Option<String>,
        /// Write the CSV to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A dossier's payment request and its VietQR code (in the terminal; --png writes the
    /// image to print on the receipt slip).
    Qr {
        /// Dossier code.
        code: String,
        /// Write the QR code as a PNG image to this file.
        #[arg(long)]
        png: Option<PathBuf>,
    },
}

impl From<PaymentsError> for CliError {
    fn from(error: PaymentsError) -> Self {
        CliError::Payments(error)
    }
}

fn endpoint(portal: &Url, path: &str) -> String {
    motcua_core::portal_endpoint(portal, path)
}

/// The error of a refused answer.
async fn refusal(response: reqwest::Response, unauthorized: PaymentsError) -> PaymentsError {
    let status = response.status();
    let detail = response
        .json::<ApiErrorBody>()
        .await
        .map(|body| body.error.message)
        .unwrap_or_else(|_| status.to_string());
    match status {
        StatusCode::UNAUTHORIZED => unauthorized,
        StatusCode::FORBIDDEN => PaymentsError::Forbidden(detail),
        StatusCode::NOT_FOUND => PaymentsError::NotFound,
        StatusCode::CONFLICT => PaymentsError::Conflict(detail),
        _ => PaymentsError::Unexpected(detail),
    }
}

/// Runs `motcua portal payments …`.
pub async fn run_portal(
    out: &Output,
    portal: &Url,
    command: PortalPaymentsCommand,
) -> Result<(), CliError> {
    let PortalPaymentsCommand::Notify {
        transaction_id,
        amount,
        description,
        account,
        payer_name,
        credited_at,
        timestamp,
        secret,
    } = command;
    let credited_at = credited_at.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&motcua_protocol::time::vietnam_offset())
            .to_rfc3339()
    });
    let notification = PaymentNotification {
        transaction_id,
        amount_vnd: amount,
        description,
        account,
        credited_at,
        payer_name,
    };
    let timestamp = timestamp.unwrap_or_else(motcua_protocol::time::unix_now);
    let ack = send_notification(portal, &notification, secret.as_bytes(), timestamp).await?;
    out.result(&ack, || {
        let what = match ack.outcome {
            motcua_protocol::api::payments::NotificationOutcome::Paid => {
                out.t("đã thanh toán", "paid")
            }
            motcua_protocol::api::payments::NotificationOutcome::Held => {
                out.t("giữ lại chờ đối soát", "held for reconciliation")
            }
            motcua_protocol::api::payments::NotificationOutcome::Duplicate => {
                out.t("trùng, không thay đổi gì", "duplicate, nothing changed")
            }
        };
        let mut text = format!("{}: {what}", ack.transaction_id);
        if let Some(code) = &ack.dossier_code {
            text.push_str(&format!(" — {code}"));
        }
        if let Some(reason) = ack.hold_reason {
            text.push_str(&format!(" ({})", held_reason_text(out, reason)));
        }
        text
    });
    Ok(())
}

/// Sends `notification` to the portal signed with `secret` at Unix time `timestamp`, as
/// the payment intermediary does; the portal's answer (paid, held or duplicate).
pub async fn send_notification(
    portal: &Url,
    notification: &PaymentNotification,
    secret: &[u8],
    timestamp: i64,
) -> Result<NotificationAck, CliError> {
    let body = serde_json::to_vec(notification)
        .map_err(|error| PaymentsError::Unexpected(error.to_string()))?;
    let response = http_client()?
        .raw()
        .post(endpoint(portal, PATH_PAYMENT_NOTIFICATIONS))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(
            HEADER_SIGNATURE,
            notification_signature(secret, timestamp, &body),
        )
        .body(body)
        .send()
        .await
        .map_err(|error| PaymentsError::Network(error.to_string()))?;
    if !response.status().is_success() {
        let detail = response.status().to_string();
        return Err(refusal(response, PaymentsError::NotAuthentic(detail))
            .await
            .into());
    }
    Ok(response
        .json()
        .await
        .map_err(|error| PaymentsError::Unexpected(error.to_string()))?)
}

fn held_reason_text(out: &Output, reason: motcua_protocol::api::payments::HoldReason) -> &str {
    use motcua_protocol::api::payments::HoldReason;
    match reason {
        HoldReason::WrongAmount => out.t("sai số tiền", "wrong amount"),
        HoldReason::UnknownReference => out.t("không rõ mã thanh toán", "unknown reference"),
        HoldReason::SecondPayment => out.t("nộp lần hai", "second payment"),
    }
}

/// The staff session's token that `motcua desk login` kept.
fn staff_token(data_dir: Option<PathBuf>) -> Result<String, PaymentsError> {
    let store = Arc::new(DevFileSecureStore::new(&data_dir_or_default(data_dir)));
    let bytes = store
        .get(DESK_SESSION_KEY)
        .map_err(|_| PaymentsError::NotLoggedIn)?
        .ok_or(PaymentsError::NotLoggedIn)?;
    let session: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| PaymentsError::NotLoggedIn)?;
    session["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or(PaymentsError::NotLoggedIn)
}

async fn desk_request(
    token: &str,
    method: Method,
    url: String,
    body: Option<&ResolveHeldRequest>,
) -> Result<reqwest::Response, CliError> {
    let mut request = http_client()?.raw().request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request
        .send()
        .await
        .map_err(|error| PaymentsError::Network(error.to_string()))?;
    if !response.status().is_success() {
        return Err(refusal(response, PaymentsError::SessionEnded).await.into());
    }
    Ok(response)
}

async fn json_of<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, CliError> {
    Ok(response
        .json()
        .await
        .map_err(|error| PaymentsError::Unexpected(error.to_string()))?)
}

fn held_text(out: &Output, held: &[HeldPayment]) -> String {
    if held.is_empty() {
        return out
            .t("Không có khoản nào chờ đối soát.", "Nothing is held.")
            .to_owned();
    }
    held.iter()
        .map(|payment| {
            format!(
                "#{} {} {} đ — {} — {}{}{}",
                payment.id,
                payment.transaction_id,
                payment.amount_vnd,
                held_reason_text(out, payment.reason),
                payment.dossier_code.as_deref().unwrap_or("-"),
                payment
                    .expected_vnd
                    .map(|amount| format!(" ({} {amount} đ)", out.t("cần", "expected")))
                    .unwrap_or_default(),
                payment
                    .resolution
                    .map(|resolution| match resolution {
                        Resolution::Apply => format!(" [{}]", out.t("đã ghi nhận", "applied")),
                        Resolution::Refund => format!(" [{}]", out.t("hoàn trả", "refund")),
                    })
                    .unwrap_or_default(),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `motcua desk payments …`.
pub async fn run_desk(
    out: &Output,
    portal: &Url,
    data_dir: Option<PathBuf>,
    command: DeskPaymentsCommand,
) -> Result<(), CliError> {
    let token = staff_token(data_dir)?;
    match command {
        DeskPaymentsCommand::Held { all } => {
            let url = format!("{}?all={all}", endpoint(portal, PATH_DESK_HELD_PAYMENTS));
            let held: Vec<HeldPayment> =
                json_of(desk_request(&token, Method::GET, url, None).await?).await?;
            out.result(&held, || held_text(out, &held));
        }
        DeskPaymentsCommand::Resolve {
            id,
            resolution,
            dossier,
            note,
        } => {
            let body = ResolveHeldRequest {
                resolution: if resolution == "apply" {
                    Resolution::Apply
                } else {
                    Resolution::Refund
                },
                dossier_code: dossier,
                note,
            };
            let path = PATH_DESK_HELD_PAYMENT_RESOLVE.replace("{id}", &id.to_string());
            let held: HeldPayment = json_of(
                desk_request(&token, Method::POST, endpoint(portal, &path), Some(&body)).await?,
            )
            .await?;
            out.result(&held, || held_text(out, std::slice::from_ref(&held)));
        }
        DeskPaymentsCommand::Report { date, out: file } => {
            let mut url = Url::parse(&endpoint(portal, PATH_DESK_PAYMENT_REPORT))
                .map_err(|error| CliError::InvalidArgument(error.to_string()))?;
            if let Some(date) = &date {
                url.query_pairs_mut().append_pair("date", date);
            }
            let csv = desk_request(&token, Method::GET, url.to_string(), None)
                .await?
                .text()
                .await
                .map_err(|error| PaymentsError::Network(error.to_string()))?;
            match file {
                Some(path) => {
                    std::fs::write(&path, &csv)?;
                    out.result(&serde_json::json!({"written": path}), || {
                        format!("{} {}", out.t("Đã ghi", "Written:"), path.display())
                    });
                }
                // The CSV itself is the output, with or without --json.
                None => print!("{csv}"),
            }
        }
        DeskPaymentsCommand::Qr { code, png } => {
            let path = PATH_DESK_DOSSIER_PAYMENT.replace("{code}", &code);
            let view: PaymentView =
                json_of(desk_request(&token, Method::GET, endpoint(portal, &path), None).await?)
                    .await?;
            qr(out, &view, png)?;
        }
    }
    Ok(())
}

fn status_text(out: &Output, status: PaymentStatus) -> &str {
    match status {
        PaymentStatus::NoFee => out.t("không thu phí", "no fee"),
        PaymentStatus::NotDue => out.t("chưa đến hạn nộp phí", "not due yet"),
        PaymentStatus::Awaiting => out.t("chờ thanh toán", "awaiting payment"),
        PaymentStatus::Paid => out.t("đã thanh toán", "paid"),
        PaymentStatus::SettledAtDesk => out.t("nộp tại bộ phận một cửa", "settled at the desk"),
    }
}

/// Prints a payment request, with its QR code drawn by the core's renderer (the one the
/// apps use), and writes the PNG when asked.
fn qr(out: &Output, view: &PaymentView, png: Option<PathBuf>) -> Result<(), CliError> {
    let rendered = match &view.qr_text {
        Some(text) => Some(
            motcua_core::receipt::render::render(text)
                .map_err(|error| PaymentsError::Qr(error.to_string()))?,
        ),
        None => None,
    };
    if let (Some(path), Some(rendered)) = (&png, &rendered) {
        std::fs::write(path, &rendered.png)?;
    }
    out.result(view, || {
        let mut text = format!("{}: {}\n", view.code, status_text(out, view.status));
        if let Some(amount) = view.amount_vnd {
            text.push_str(&format!("{}: {amount} đ\n", out.t("Số tiền", "Amount")));
        }
        if let Some(beneficiary) = &view.beneficiary {
            text.push_str(&format!(
                "{}: {} — {} ({})\n",
                out.t("Người thụ hưởng", "Beneficiary"),
                beneficiary.account_name,
                beneficiary.account,
                beneficiary.bank_name
            ));
        }
        if let Some(reference) = &view.reference {
            text.push_str(&format!(
                "{}: {reference}\n",
                out.t("Nội dung chuyển khoản", "Transfer description")
            ));
        }
        if let Some(note) = match out.lang {
            motcua_core::Lang::Vi => &view.note_vi,
            motcua_core::Lang::En => &view.note_en,
        } {
            text.push_str(note);
            text.push('\n');
        }
        if let Some(rendered) = &rendered {
            text.push_str(&crate::receipt::terminal_qr(&rendered.modules));
        }
        text
    });
    Ok(())
}
