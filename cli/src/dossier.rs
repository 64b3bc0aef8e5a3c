//! `motcua draft …`, `motcua submit`, `motcua dossiers`: filling and submitting a dossier
//! from the command line, over the same core the apps use.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use motcua_core::Localized as _;
use motcua_core::dossier::{
    DeliveryOutcome, DraftState, DraftView, FieldState, UploadListener, UploadProgress,
};
use motcua_core::wording::Wording;
use serde::Serialize;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::Output;

/// How many delivery attempts `motcua submit` makes before leaving the dossier queued.
const SUBMIT_ATTEMPTS: usize = 6;
/// Longest pause between two of those attempts.
const MAX_PAUSE: Duration = Duration::from_secs(8);

#[derive(Serialize)]
struct FieldJson<'a> {
    field: &'a str,
    value: Option<&'a str>,
    prefilled: bool,
    /// Bound to the verified identity (or the person filed for): `draft set` refuses it.
    locked: bool,
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct ErrorJson {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct DraftJson<'a> {
    id: &'a str,
    procedure_code: &'a str,
    procedure_name: &'a str,
    state: &'static str,
    fields: Vec<FieldJson<'a>>,
    attachments: Vec<AttachmentJson<'a>>,
    failure: Option<&'a str>,
    dossier_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers_dossier: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    requested: &'a [String],
}

#[derive(Serialize)]
struct AttachmentJson<'a> {
    id: i64,
    requirement: &'a str,
    file_name: &'a str,
    media_type: &'a str,
    size: u64,
    uploaded: bool,
}

fn state_name(state: DraftState) -> &'static str {
    match state {
        DraftState::Editing => "editing",
        DraftState::Submitting => "submitting",
        DraftState::Submitted => "submitted",
    }
}

fn field_json<'a>(out: &Output, field: &'a FieldState) -> FieldJson<'a> {
    FieldJson {
        field: &field.field_id,
        value: field.value.as_deref(),
        prefilled: field.prefilled,
        locked: field.locked,
        error: field.error.as_ref().map(|e| ErrorJson {
            code: e.code(),
            message: e.message(out.lang),
        }),
    }
}

/// Prints a draft (or a supplement answer) with its fields and attachments.
pub(crate) fn print_draft(out: &Output, draft: &DraftView) {
    let json = DraftJson {
        id: &draft.id,
        procedure_code: &draft.procedure_code,
        procedure_name: &draft.procedure_name,
        state: state_name(draft.state),
        fields: draft.fields.iter().map(|f| field_json(out, f)).collect(),
        attachments: draft
            .attachments
            .iter()
            .map(|a| AttachmentJson {
                id: a.id,
                requirement: &a.requirement,
                file_name: &a.file_name,
                media_type: &a.media_type,
                size: a.size,
                uploaded: a.uploaded,
            })
            .collect(),
        failure: draft.failure.as_deref(),
        dossier_code: draft.dossier_code.as_deref(),
        answers_dossier: draft.answers_dossier.as_deref(),
        requested: &draft.requested,
    };
    out.result(&json, || {
        let mut lines = vec![
            format!(
                "{} {}  ({})",
                out.t("Hồ sơ nháp", "Draft"),
                draft.id,
                state_name(draft.state)
            ),
            format!("{} [{}]", draft.procedure_name, draft.procedure_code),
        ];
        if let Some(code) = &draft.answers_dossier {
            lines.push(Wording::new(out.lang).supplement_for(code));
            for item in &draft.requested {
                lines.push(format!("  {} {item}", out.t("Cần bổ sung:", "Requested:")));
            }
        }
        for field in &draft.fields {
            let value = field.value.as_deref().unwrap_or("—");
            let mark = if field.locked {
                out.t(" (theo định danh, khóa)", " (from the identity, locked)")
            } else if field.prefilled {
                out.t(" (điền sẵn)", " (pre-filled)")
            } else {
                ""
            };
            let mut line = format!("  {}: {value}{mark}", field.field_id);
            if let Some(error) = &field.error {
                line.push_str(&format!("   ⚠ {}", error.message(out.lang)));
            }
            lines.push(line);
        }
        for a in &draft.attachments {
            lines.push(format!(
                "  📎 {} ← {} ({} KB{})",
                a.requirement,
                a.file_name,
                a.size.div_ceil(1024),
                if a.uploaded {
                    out.t(", đã tải lên", ", uploaded")
                } else {
                    ""
                }
            ));
        }
        if let Some(failure) = &draft.failure {
            lines.push(format!(
                "{}: {failure}",
                out.t("Lần nộp trước bị từ chối", "Last submission refused")
            ));
        }
        if let Some(code) = &draft.dossier_code {
            lines.push(format!("{}: {code}", out.t("Mã hồ sơ", "Dossier code")));
        }
        lines.join("\n")
    });
}

/// `motcua draft new <procedure-code>`.
pub async fn new(
    out: &Output,
    client: &ClientContext,
    procedure_code: &str,
) -> Result<(), CliError> {
    // The shipped catalog, if none is stored, and what changed since; then the
    // procedure's detail (documents, form) if the stored one is not current.
    crate::catalog::refresh_if_possible(out, client).await?;
    client.core.catalog().open_procedure(procedure_code).await?;
    let draft = client.core.dossier().create_draft(procedure_code)?;
    print_draft(out, &draft);
    Ok(())
}

/// `motcua draft set <draft> <field> <value>`.
pub fn set(
    out: &Output,
    client: &ClientContext,
    draft: &str,
    field: &str,
    value: &str,
) -> Result<(), CliError> {
    let state = client.core.dossier().set_field(draft, field, value)?;
    out.result(&field_json(out, &state), || match &state.error {
        None => format!("{} {field}", out.t("Đã lưu", "Saved")),
        Some(error) => format!(
            "{} {field}, {}: {}",
            out.t("Đã lưu", "Saved"),
            out.t("nhưng cần sửa", "but it needs fixing"),
            error.message(out.lang)
        ),
    });
    Ok(())
}

/// `motcua draft attach <draft> <requirement> <file>`.
pub fn attach(
    out: &Output,
    client: &ClientContext,
    draft: &str,
    requirement: &str,
    file: &Path,
) -> Result<(), CliError> {
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let view = client
        .core
        .dossier()
        .add_attachment(draft, requirement, &name, &bytes, None)?;
    out.result(
        &AttachmentJson {
            id: view.id,
            requirement: &view.requirement,
            file_name: &view.file_name,
            media_type: &view.media_type,
            size: view.size,
            uploaded: view.uploaded,
        },
        || {
            format!(
                "{} {} ({} KB → {} KB, {})",
                out.t("Đã đính kèm", "Attached"),
                view.file_name,
                bytes.len().div_ceil(1024),
                view.size.div_ceil(1024),
                view.media_type
            )
        },
    );
    Ok(())
}

/// `motcua draft show <draft>`.
pub fn show(out: &Output, client: &ClientContext, draft: &str) -> Result<(), CliError> {
    let view = client.core.dossier().draft(draft)?;
    print_draft(out, &view);
    Ok(())
}

/// `motcua drafts`.
pub fn list(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    let drafts = client.core.dossier().drafts()?;
    #[derive(Serialize)]
    struct Line<'a> {
        id: &'a str,
        procedure_code: &'a str,
        state: &'static str,
        dossier_code: Option<&'a str>,
    }
    let lines: Vec<Line<'_>> = drafts
        .iter()
        .map(|d| Line {
            id: &d.id,
            procedure_code: &d.procedure_code,
            state: state_name(d.state),
            dossier_code: d.dossier_code.as_deref(),
        })
        .collect();
    out.result(&lines, || {
        lines
            .iter()
            .map(|l| {
                format!(
                    "{}  {}  {}  {}",
                    l.id,
                    l.procedure_code,
                    l.state,
                    l.dossier_code.unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// A progress bar on stderr (only on a terminal, never in `--json`).
struct ProgressBar;

impl UploadListener for ProgressBar {
    fn on_upload_progress(&self, progress: &UploadProgress) {
        let (requirement, sent, total) = (
            &progress.requirement,
            progress.attachment_sent,
            progress.attachment_total,
        );
        let width = 30u64;
        let done = (sent * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width) as usize;
        let percent = (sent * 100).checked_div(total).unwrap_or(100);
        let mut stderr = std::io::stderr();
        let _ = write!(
            stderr,
            "\r  {requirement:<24} [{}{}] {percent:>3}%",
            "#".repeat(done),
            " ".repeat(width as usize - done),
        );
        if sent >= total {
            let _ = writeln!(stderr);
        }
        let _ = stderr.flush();
    }
}

#[derive(Serialize)]
struct Submitted {
    state: &'static str,
    dossier_code: Option<String>,
    reason: Option<String>,
}

/// `motcua submit <draft>`: submits and keeps trying for a short while; a dossier that
/// still cannot be delivered stays queued (nothing is lost, and retrying never duplicates).
pub async fn submit(out: &Output, client: &ClientContext, draft: &str) -> Result<(), CliError> {
    let listener: Option<Arc<dyn UploadListener>> =
        (!out.json && std::io::stderr().is_terminal()).then(|| Arc::new(ProgressBar) as _);
    let dossier = client.core.dossier();
    let mut outcome = dossier.submit(draft, listener.clone()).await?;
    for _ in 1..SUBMIT_ATTEMPTS {
        let DeliveryOutcome::Pending {
            retry_in_secs,
            reason,
        } = &outcome
        else {
            break;
        };
        if !out.json {
            eprintln!(
                "{} ({reason}); {}",
                out.t("Chưa gửi được", "Not delivered yet"),
                out.t("thử lại…", "retrying…")
            );
        }
        let pause = Duration::from_secs(u64::try_from(*retry_in_secs).unwrap_or(1)).min(MAX_PAUSE);
        tokio::time::sleep(pause).await;
        outcome = dossier
            .run_outbox(true, listener.clone())
            .await?
            .into_iter()
            .find(|(id, _)| id == draft)
            .map(|(_, o)| o)
            .unwrap_or(outcome);
    }
    let result = match &outcome {
        DeliveryOutcome::Delivered { dossier_code } => Submitted {
            state: "submitted",
            dossier_code: Some(dossier_code.clone()),
            reason: None,
        },
        DeliveryOutcome::Pending { reason, .. } => Submitted {
            state: "queued",
            dossier_code: None,
            reason: Some(reason.clone()),
        },
        DeliveryOutcome::Refused { reason } => Submitted {
            state: "refused",
            dossier_code: None,
            reason: Some(reason.clone()),
        },
    };
    out.result(&result, || match &outcome {
        DeliveryOutcome::Delivered { dossier_code } => {
            Wording::new(out.lang).submitted(dossier_code)
        }
        DeliveryOutcome::Pending { reason, .. } => format!(
            "{} ({reason}). {}",
            out.t(
                "Hồ sơ đã được lưu để gửi",
                "The dossier is saved for sending"
            ),
            out.t(
                "Chạy lại `motcua submit` khi có mạng; hồ sơ sẽ không bị nộp trùng.",
                "Run `motcua submit` again when online; it will never be filed twice."
            )
        ),
        DeliveryOutcome::Refused { reason } => {
            format!("{}: {reason}", out.t("Bị từ chối", "Refused"))
        }
    });
    Ok(())
}

/// `motcua dossiers`.
pub async fn dossiers(out: &Output, client: &ClientContext) -> Result<(), CliError> {
    let _ = client.core.dossier().run_outbox(false, None).await;
    let list = client.core.dossier().dossiers()?;
    #[derive(Serialize)]
    struct Line<'a> {
        code: &'a str,
        procedure_code: &'a str,
        status: &'a str,
        submitted_at: &'a str,
    }
    let lines: Vec<Line<'_>> = list
        .iter()
        .map(|d| Line {
            code: &d.code,
            procedure_code: &d.procedure_code,
            status: d.status.as_str(),
            submitted_at: &d.submitted_at,
        })
        .collect();
    let pending = client.core.dossier().pending_submissions()?;
    out.result(&lines, || {
        let mut text: Vec<String> = lines
            .iter()
            .map(|l| {
                format!(
                    "{}  {}  {}  {}",
                    l.code, l.procedure_code, l.status, l.submitted_at
                )
            })
            .collect();
        if pending > 0 {
            text.push(format!(
                "{pending} {}",
                out.t("hồ sơ đang chờ gửi", "dossiers waiting to be sent")
            ));
        }
        if text.is_empty() {
            text.push(out.t("Chưa có hồ sơ nào.", "No dossiers yet.").to_owned());
        }
        text.join("\n")
    });
    Ok(())
}
