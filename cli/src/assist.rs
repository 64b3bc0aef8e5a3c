//! `motcua assist begin|end|summary|handoff`: a volunteer files for someone else on their
//! own machine. Between `begin` and `end`, commands with `--assisted` act in the citizen's
//! isolated profile (`motcua --assisted login`, `--assisted draft new …`, `--assisted
//! submit …`); `end` erases it.

use clap::Subcommand;
use motcua_core::assist::{CONSENT_STATEMENT_VERSION, consent_statement};
use serde::Serialize;

use crate::client::ClientContext;
use crate::error::CliError;
use crate::output::Output;

/// Assist commands.
#[derive(Debug, Subcommand)]
pub enum AssistCommand {
    /// Open a session for the person being helped. Read them the consent statement
    /// (printed without `--consent`); with their agreement, run again with `--consent`.
    Begin {
        /// The person agreed to the consent statement.
        #[arg(long)]
        consent: bool,
    },
    /// End the session: send what is waiting, then erase everything of the person.
    End {
        /// End even though some dossiers could not be sent (they are given up).
        #[arg(long)]
        force: bool,
    },
    /// What the person takes home for dossier CODE: the code, the date, how to follow it.
    Handoff {
        /// Dossier code.
        code: String,
        /// Also write the receipt's QR code to this PNG file (to print or send).
        #[arg(long)]
        png: Option<std::path::PathBuf>,
    },
    /// Your summary by day (no personal data), for the community digital team.
    Summary {
        /// Print CSV instead.
        #[arg(long)]
        csv: bool,
    },
}

impl From<motcua_core::assist::AssistError> for CliError {
    fn from(error: motcua_core::assist::AssistError) -> Self {
        CliError::Assist(error)
    }
}

/// Runs an assist command on the volunteer's profile.
pub async fn run(
    out: &Output,
    client: &ClientContext,
    command: AssistCommand,
) -> Result<(), CliError> {
    let assist = client.core.assist();
    match command {
        AssistCommand::Begin { consent: false } => {
            if !out.json {
                println!("{}\n", consent_statement(out.lang));
            }
            Err(motcua_core::assist::AssistError::ConsentRequired {
                expected: CONSENT_STATEMENT_VERSION,
            }
            .into())
        }
        AssistCommand::Begin { consent: true } => {
            let session = assist.begin_assisted_session(CONSENT_STATEMENT_VERSION)?;
            #[derive(Serialize)]
            struct Json<'a> {
                session: &'a str,
                consent_version: &'a str,
            }
            out.result(
                &Json {
                    session: session.id(),
                    consent_version: CONSENT_STATEMENT_VERSION,
                },
                || {
                    out.t(
                        "Đã mở phiên hỗ trợ. Người được hỗ trợ tự đăng nhập: motcua --assisted login\nSau đó: motcua --assisted draft new <mã thủ tục>, --assisted submit <nháp>. Kết thúc: motcua assist end",
                        "Assisted session open. The person logs in themselves: motcua --assisted login\nThen: motcua --assisted draft new <procedure>, --assisted submit <draft>. Finish: motcua assist end",
                    )
                    .to_owned()
                },
            );
            Ok(())
        }
        AssistCommand::End { force } => {
            let session = assist.resume_assisted_session()?;
            let outcome = assist.end_assisted_session(&session, force).await?;
            out.result(&outcome, || {
                format!(
                    "{} {}: {}  ·  {}: {}  ·  {}: {}",
                    out.t(
                        "Đã kết thúc và xóa dữ liệu của người được hỗ trợ.",
                        "Session ended; the person's data is erased."
                    ),
                    out.t("Đã nộp", "Filed"),
                    outcome.submitted.len(),
                    out.t("không gửi được", "not sent"),
                    outcome.not_sent.len(),
                    out.t("nháp bỏ dở", "unfinished drafts"),
                    outcome.abandoned_drafts.len()
                )
            });
            Ok(())
        }
        AssistCommand::Handoff { code, png } => {
            let session = assist.resume_assisted_session()?;
            let handoff = session.handoff(&code, out.lang)?;
            if let Some(path) = &png {
                let bytes = handoff.receipt_png.as_deref().ok_or_else(|| {
                    CliError::InvalidArgument(
                        out.t(
                            "hồ sơ chưa có giấy tiếp nhận (chờ bộ phận một cửa tiếp nhận, rồi đồng bộ)",
                            "no receipt yet (wait for the desk to accept, then sync)",
                        )
                        .to_owned(),
                    )
                })?;
                std::fs::write(path, bytes)?;
            }
            out.result(&handoff, || handoff.instructions.clone());
            Ok(())
        }
        AssistCommand::Summary { csv: true } => {
            print!("{}", assist.assist_summary_csv()?);
            Ok(())
        }
        AssistCommand::Summary { csv: false } => {
            let days = assist.assist_summary()?;
            out.result(&days, || {
                if days.is_empty() {
                    return out
                        .t("Chưa có phiên hỗ trợ nào.", "No assisted sessions yet.")
                        .to_owned();
                }
                days.iter()
                    .map(|day| {
                        let procedures: Vec<String> = day
                            .procedures
                            .iter()
                            .map(|p| format!("{} ×{}", p.procedure_code, p.submitted))
                            .collect();
                        format!(
                            "{}  {} {}  {}",
                            day.day,
                            day.people_helped,
                            out.t("người", "people"),
                            procedures.join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
    }
}
