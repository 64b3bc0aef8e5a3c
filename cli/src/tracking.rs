//! `motcua sync`, `motcua status [<code>]`, `motcua lookup <code>`: where the dossiers are.

use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::lifecycle::StatusChange;
use serde::Serialize;

use crate::commands::{CliError, ClientContext};
use crate::output::Output;

/// The status in plain words.
pub fn status_words(out: &Output, status: DossierStatus) -> &'static str {
    match status {
        DossierStatus::Submitted => out.t("Đã nộp, chờ tiếp nhận", "Submitted, awaiting intake"),
        DossierStatus::Received => out.t("Đã tiếp nhận", "Received"),
        DossierStatus::NotAccepted => out.t("Không được tiếp nhận", "Not accepted"),
        DossierStatus::Processing => out.t("Đang giải quyết", "Being processed"),
        DossierStatus::SupplementRequested => {
            out.t("Cần bổ sung hồ sơ", "Additional documents requested")
        }
        DossierStatus::PaymentRequested => out.t("Chờ nộp phí", "Fee payment requested"),
        DossierStatus::WithdrawalRequested => out.t("Đang xin rút", "Withdrawal requested"),
        DossierStatus::Stopped => out.t("Dừng xử lý", "Processing stopped"),
        DossierStatus::ResultReady => out.t("Có kết quả, chờ trả", "Result ready"),
        DossierStatus::Returned => out.t("Đã trả kết quả", "Result handed over"),
        DossierStatus::Withdrawn => out.t("Đã rút", "Withdrawn"),
        DossierStatus::Rejected => out.t("Bị từ chối", "Rejected"),
    }
}

fn change_line(out: &Output, change: &StatusChange) -> String {
    let mut line = format!(
        "{}  {}  {}",
        change.at,
        change.code,
        status_words(out, change.status)
    );
    if let Some(date) = &change.appointment_date {
        line.push_str(&format!("  ({} {date})", out.t("hẹn trả", "appointment")));
    }
    if let Some(note) = change.note.as_ref().or(change.reason.as_ref()) {
        line.push_str(&format!("  — {note}"));
    }
    line
}

/// `motcua sync`.
pub async fn sync(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    let changes = client.core.tracking().sync().await?;
    out.result(&changes, || {
        if changes.is_empty() {
            return out
                .t("Không có thay đổi mới.", "No new changes.")
                .to_owned();
        }
        changes
            .iter()
            .map(|c| change_line(out, c))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `motcua status [<code>]`: one dossier with its timeline, or all of them.
pub async fn status(
    out: &Output,
    client: &ClientContext,
    code: Option<&str>,
) -> Result<(), CliError> {
    // Fresh when the portal answers; from the device otherwise.
    if let Err(error) = client.core.tracking().sync().await
        && !out.json
    {
        eprintln!("({})", motcua_core::Localized::message(&error, out.lang));
    }
    match code {
        Some(code) => {
            let dossier = client.core.tracking().dossier(code)?.ok_or_else(|| {
                CliError::Tracking(motcua_core::tracking::TrackingError::NotFound(
                    code.to_owned(),
                ))
            })?;
            #[derive(Serialize)]
            struct Json<'a> {
                code: &'a str,
                procedure_code: &'a str,
                status: DossierStatus,
                appointment_date: Option<&'a str>,
                overdue: bool,
                timeline: &'a [StatusChange],
            }
            out.result(
                &Json {
                    code: &dossier.code,
                    procedure_code: &dossier.procedure_code,
                    status: dossier.status,
                    appointment_date: dossier.appointment_date.as_deref(),
                    overdue: dossier.overdue,
                    timeline: &dossier.timeline,
                },
                || {
                    let mut lines = vec![format!(
                        "{}  {}{}",
                        dossier.code,
                        status_words(out, dossier.status),
                        dossier
                            .appointment_date
                            .as_ref()
                            .map(|d| format!("  ({} {d})", out.t("hẹn trả", "appointment")))
                            .unwrap_or_default()
                    )];
                    if dossier.overdue {
                        lines.push(format!("  ⚠ {}", out.t("Quá hạn", "Overdue")));
                    }
                    lines.extend(
                        dossier
                            .timeline
                            .iter()
                            .map(|c| format!("  {}", change_line(out, c))),
                    );
                    lines.join("\n")
                },
            );
        }
        None => {
            let list = client.core.dossier().dossiers()?;
            #[derive(Serialize)]
            struct Line<'a> {
                code: &'a str,
                procedure_code: &'a str,
                status: &'a str,
            }
            let lines: Vec<Line<'_>> = list
                .iter()
                .map(|d| Line {
                    code: &d.code,
                    procedure_code: &d.procedure_code,
                    status: &d.status,
                })
                .collect();
            out.result(&lines, || {
                if lines.is_empty() {
                    return out.t("Chưa có hồ sơ nào.", "No dossiers yet.").to_owned();
                }
                lines
                    .iter()
                    .map(|l| format!("{}  {}  {}", l.code, l.procedure_code, l.status))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

/// `motcua lookup <code>`: without login.
pub async fn lookup(out: &Output, client: &ClientContext, code: &str) -> Result<(), CliError> {
    let found = client.core.tracking().public_lookup(code).await?;
    out.result(&found, || {
        format!(
            "{}  {}{}\n{}",
            found.code,
            status_words(out, found.status),
            found
                .appointment_date
                .as_ref()
                .map(|d| format!("  ({} {d})", out.t("hẹn trả", "appointment")))
                .unwrap_or_default(),
            found
                .procedure_name_vi
                .as_deref()
                .unwrap_or(&found.procedure_code)
        )
    });
    Ok(())
}
