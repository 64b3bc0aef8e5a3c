//! `motcua sync`, `motcua status [<code>]`, `motcua lookup <code>`: where the dossiers are.

use motcua_protocol::api::tracking::StatusChange;
use motcua_protocol::dossier::DossierStatus;
use serde::Serialize;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::Output;

fn change_line(out: &Output, change: &StatusChange) -> String {
    let mut line = format!(
        "{}  {}  {}",
        change.at,
        change.code,
        change.status.label(out.lang)
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

/// `motcua status [<code>]`: one dossier with its timeline, or all of them, as the
/// device holds them (no network: `motcua sync` first for the latest).
pub async fn status(
    out: &Output,
    client: &ClientContext,
    code: Option<&str>,
) -> Result<(), CliError> {
    // What the device holds, without network (`motcua sync` brings it up to date).
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
                        dossier.status.label(out.lang),
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
                    status: d.status.as_str(),
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
            found.status.label(out.lang),
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

/// `motcua withdraw <code> [--note …]`.
pub async fn withdraw(
    out: &Output,
    client: &ClientContext,
    code: &str,
    note: Option<&str>,
) -> Result<(), CliError> {
    // The rule is checked against the freshest status the portal will give.
    let _ = client.core.tracking().sync().await;
    let outcome = client.core.dossier().withdraw(code, note).await?;
    #[derive(Serialize)]
    struct Json<'a> {
        code: &'a str,
        sent: bool,
        retry_in_secs: Option<i64>,
    }
    let (sent, retry_in_secs) = match &outcome {
        motcua_core::dossier::DeliveryOutcome::Delivered { .. } => (true, None),
        motcua_core::dossier::DeliveryOutcome::Pending { retry_in_secs, .. } => {
            (false, Some(*retry_in_secs))
        }
        motcua_core::dossier::DeliveryOutcome::Refused { .. } => (false, None),
    };
    out.result(
        &Json {
            code,
            sent,
            retry_in_secs,
        },
        || {
            if sent {
                format!(
                    "{} {code}. {}",
                    out.t("Đã gửi yêu cầu rút hồ sơ", "Withdrawal requested for"),
                    out.t("Bộ phận một cửa sẽ xác nhận.", "The desk will confirm it.")
                )
            } else {
                out.t(
                    "Chưa gửi được (mất mạng). Yêu cầu đã lưu trên máy và sẽ tự gửi lại.",
                    "Not sent yet (no network). The request is saved and will be sent again.",
                )
                .to_owned()
            }
        },
    );
    Ok(())
}

/// `motcua supplement <code>`: starts or reopens the answer to a supplement request.
pub async fn supplement(out: &Output, client: &ClientContext, code: &str) -> Result<(), CliError> {
    let _ = client.core.tracking().sync().await;
    let draft = client.core.dossier().answer_supplement(code)?;
    crate::dossier::print_draft(out, &draft);
    if !out.json {
        println!(
            "\n{}",
            out.t(
                &format!(
                    "Ghi chú: motcua draft set {id} supplement_note \"…\"; thêm giấy tờ: motcua draft attach {id} <giấy tờ> <tệp>; gửi: motcua submit {id}",
                    id = draft.id
                ),
                &format!(
                    "Note: motcua draft set {id} supplement_note \"…\"; documents: motcua draft attach {id} <requirement> <file>; send: motcua submit {id}",
                    id = draft.id
                ),
            )
        );
    }
    Ok(())
}
