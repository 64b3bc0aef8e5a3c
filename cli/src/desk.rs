//! `motcua desk …`: the officer's side at the desk PC: log in with a staff account, see
//! the queue, and move a dossier (accept, start processing, ask for a supplement, mark the
//! result ready, hand it back, reject, refuse at intake, confirm a withdrawal).

use std::io::BufRead as _;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Subcommand;
use motcua_core::desk::{DeskClient, DeskError};
use motcua_core::secure_store::DevFileSecureStore;
use motcua_protocol::api::desk::{DeskActionRequest, DeskDossier, StaffProfile};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::Lang;
use motcua_protocol::lifecycle::ActionKind;
use url::Url;

use crate::error::CliError;
use crate::files::data_dir_or_default;
use crate::output::{Output, mask_id};

/// Environment variable read for the staff password (else one line of standard input).
pub const PASSWORD_ENV: &str = "MOTCUA_DESK_PASSWORD";

/// Desk commands.
#[derive(Debug, Subcommand)]
pub enum DeskCommand {
    /// Log in with a staff account. The password is read from MOTCUA_DESK_PASSWORD or
    /// from one line of standard input (never from the command line, where other users
    /// of the machine could see it).
    Login {
        /// Staff user name.
        username: String,
    },
    /// End the staff session.
    Logout,
    /// The dossiers waiting at the desk, oldest first.
    Queue {
        /// Only this status (e.g. submitted, received, processing).
        #[arg(long)]
        status: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One dossier: applicant, form, documents, timeline, the actions you may take.
    Show {
        /// Dossier code.
        code: String,
    },
    /// Accept a submitted dossier: the appointment date is set.
    Accept(ActionArgs),
    /// Start processing an accepted dossier.
    Process(ActionArgs),
    /// Ask the citizen for a supplement (the clock pauses); list what is missing.
    Supplement {
        /// The dossier and the officer's note.
        #[command(flatten)]
        args: ActionArgs,
        /// One missing document or correction (repeat for several).
        #[arg(long = "missing", required = true)]
        missing: Vec<String>,
    },
    /// Ask the citizen to pay the procedure's fee (the specialist, while processing): the
    /// portal opens the payment request, which the citizen's next sync shows with its
    /// VietQR code.
    RequestPayment(ActionArgs),
    /// Mark the result ready for pick-up.
    Ready(ActionArgs),
    /// Hand the result back to the citizen.
    Return(ActionArgs),
    /// Reject the dossier (with a reason).
    Reject {
        /// The dossier and the officer's note.
        #[command(flatten)]
        args: ActionArgs,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Refuse a submitted dossier at intake (with a reason).
    Refuse {
        /// The dossier and the officer's note.
        #[command(flatten)]
        args: ActionArgs,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Confirm the citizen's withdrawal.
    ConfirmWithdrawal(ActionArgs),
    /// Fee payments: held payments, their resolution, the day's report, a dossier's
    /// VietQR code.
    Payments {
        /// Payments command.
        #[command(subcommand)]
        command: crate::payments::DeskPaymentsCommand,
    },
}

/// What every action takes.
#[derive(Debug, clap::Args)]
pub struct ActionArgs {
    /// Dossier code.
    pub code: String,
    /// A note to the citizen, shown on the timeline.
    #[arg(long)]
    pub note: Option<String>,
}

impl From<DeskError> for CliError {
    fn from(error: DeskError) -> Self {
        CliError::Desk(error)
    }
}

/// Runs a desk command.
pub async fn run(
    out: &Output,
    portal: &Url,
    data_dir: Option<PathBuf>,
    command: DeskCommand,
) -> Result<(), CliError> {
    let data_dir = data_dir_or_default(data_dir);
    let desk = DeskClient::new(portal.clone(), Arc::new(DevFileSecureStore::new(&data_dir)))?;
    let (args, action, reason, missing) = match command {
        DeskCommand::Login { username } => return login(out, &desk, &username).await,
        DeskCommand::Logout => {
            desk.logout().await?;
            out.result(&serde_json::json!({"logged_out": true}), || {
                out.t("Đã đăng xuất.", "Logged out.").to_owned()
            });
            return Ok(());
        }
        DeskCommand::Queue { status, limit } => return queue(out, &desk, status, limit).await,
        DeskCommand::Show { code } => {
            let dossier = desk.dossier(&code).await?;
            out.result(&dossier, || dossier_text(out, &dossier));
            return Ok(());
        }
        DeskCommand::Accept(args) => (args, ActionKind::Accept, None, Vec::new()),
        DeskCommand::Process(args) => (args, ActionKind::StartProcessing, None, Vec::new()),
        DeskCommand::Supplement { args, missing } => {
            (args, ActionKind::RequestSupplement, None, missing)
        }
        DeskCommand::RequestPayment(args) => (args, ActionKind::RequestPayment, None, Vec::new()),
        DeskCommand::Ready(args) => (args, ActionKind::MarkResultReady, None, Vec::new()),
        DeskCommand::Return(args) => (args, ActionKind::HandBack, None, Vec::new()),
        DeskCommand::Reject { args, reason } => {
            (args, ActionKind::Reject, Some(reason), Vec::new())
        }
        DeskCommand::Refuse { args, reason } => {
            (args, ActionKind::RefuseIntake, Some(reason), Vec::new())
        }
        DeskCommand::ConfirmWithdrawal(args) => {
            (args, ActionKind::ConfirmWithdrawal, None, Vec::new())
        }
        DeskCommand::Payments { command } => {
            return crate::payments::run_desk(out, portal, Some(data_dir), command).await;
        }
    };
    let request = DeskActionRequest {
        action,
        note: args.note,
        reason,
        missing,
    };
    let dossier = desk.act(&args.code, &request).await?;
    out.result(&dossier, || {
        format!(
            "{} — {}\n\n{}",
            action.label(out.lang),
            out.t("đã thực hiện", "done"),
            dossier_text(out, &dossier)
        )
    });
    Ok(())
}

async fn login(out: &Output, desk: &DeskClient, username: &str) -> Result<(), CliError> {
    let password = match std::env::var(PASSWORD_ENV) {
        Ok(password) => password,
        Err(_) => {
            if !out.json {
                eprint!("{} ", out.t("Mật khẩu:", "Password:"));
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let staff: StaffProfile = desk.login(username, &password).await?;
    out.result(&staff, || {
        format!(
            "{} {} ({})",
            out.t("Đã đăng nhập:", "Logged in:"),
            staff.full_name,
            staff.role.actor().label(out.lang)
        )
    });
    Ok(())
}

async fn queue(
    out: &Output,
    desk: &DeskClient,
    status: Option<String>,
    limit: u32,
) -> Result<(), CliError> {
    let status = match status {
        Some(name) => Some(DossierStatus::parse(&name).ok_or_else(|| {
            CliError::InvalidArgument(format!("{name}: not a status (e.g. submitted, received)"))
        })?),
        None => None,
    };
    let items = desk.queue(status, limit).await?;
    out.result(&items, || {
        if items.is_empty() {
            return out.t("Không có hồ sơ.", "No dossiers.").to_owned();
        }
        items
            .iter()
            .map(|item| {
                let mut line = format!(
                    "{}  {}  {}  {}",
                    item.code,
                    item.status.label(out.lang),
                    item.procedure_code,
                    item.applicant_name
                );
                if let Some(person) = &item.on_behalf_of_name {
                    line.push_str(&format!(
                        " ({} {person})",
                        out.t("nộp thay cho", "on behalf of")
                    ));
                }
                if let Some(date) = &item.appointment_date {
                    line.push_str(&format!("  ({} {date})", out.t("hẹn trả", "appointment")));
                }
                if item.overdue {
                    line.push_str(&format!("  [{}]", out.t("QUÁ HẠN", "OVERDUE")));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn dossier_text(out: &Output, dossier: &DeskDossier) -> String {
    let mut lines = vec![
        format!(
            "{} {}  —  {}",
            out.t("Hồ sơ", "Dossier"),
            dossier.code,
            dossier.status.label(out.lang)
        ),
        format!(
            "{}: {} {}",
            out.t("Thủ tục", "Procedure"),
            dossier.procedure_code,
            dossier.procedure_name_vi.as_deref().unwrap_or("")
        ),
        format!(
            "{}: {}{}",
            out.t("Người nộp", "Applicant"),
            dossier.applicant.full_name,
            dossier
                .applicant
                .personal_id
                .as_deref()
                .map(|id| format!(" ({})", mask_id(id)))
                .unwrap_or_default()
        ),
    ];
    // Who filed for whom must not escape the officer: its own line, right under the
    // applicant.
    let notice = match out.lang {
        Lang::Vi => dossier.filing_notice_vi.as_ref(),
        Lang::En => dossier.filing_notice_en.as_ref(),
    };
    if let Some(notice) = notice {
        lines.push(format!("{}: {notice}", out.t("NỘP THAY", "ON BEHALF")));
    }
    if !dossier.identity_mismatches.is_empty() {
        lines.push(format!(
            "{}: {}",
            out.t(
                "CẢNH BÁO — khác với định danh đã xác thực của người nộp",
                "WARNING — not the applicant's verified identity"
            ),
            dossier.identity_mismatches.join(", ")
        ));
    }
    if let Some(date) = &dossier.appointment_date {
        lines.push(format!("{}: {date}", out.t("Hẹn trả", "Appointment")));
    }
    if dossier.overdue {
        lines.push(out.t("QUÁ HẠN", "OVERDUE").to_owned());
    }
    lines.push(format!(
        "{}: {}",
        out.t("Giấy tờ", "Documents"),
        dossier
            .attachments
            .iter()
            .map(|a| a.file_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    lines.push(out.t("Diễn biến:", "Timeline:").to_owned());
    for event in &dossier.timeline {
        let mut line = format!("  {}  {}", event.at, event.status.label(out.lang));
        if let Some(text) = event.note.as_ref().or(event.reason.as_ref()) {
            line.push_str(&format!("  — {text}"));
        }
        if !event.missing.is_empty() {
            line.push_str(&format!("  [{}]", event.missing.join("; ")));
        }
        lines.push(line);
    }
    if !dossier.available_actions.is_empty() {
        lines.push(format!(
            "{}: {}",
            out.t("Có thể", "You may"),
            dossier
                .available_actions
                .iter()
                .map(|a| a.label(out.lang))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use motcua_protocol::api::desk::Applicant;
    use motcua_protocol::identity::IdentityLevel;
    use motcua_protocol::on_behalf::{OnBehalfOf, RepresentationBasis};

    use super::*;

    fn dossier() -> DeskDossier {
        DeskDossier {
            code: "000.00.14.H56-261202-0001".into(),
            procedure_code: "2.000635".into(),
            procedure_name_vi: None,
            procedure_name_en: None,
            status: DossierStatus::Submitted,
            submitted_at: "2026-12-02T08:00:00+07:00".into(),
            received_at: None,
            appointment_date: None,
            overdue: false,
            supplement_requests: 0,
            clock_paused_since: None,
            available_actions: Vec::new(),
            applicant: Applicant {
                full_name: "Nguyễn Thị Lan".into(),
                personal_id: Some("046187004213".into()),
                birth_date: None,
                address: None,
                identity_level: IdentityLevel::Level2,
            },
            on_behalf_of: None,
            filing_notice_vi: None,
            filing_notice_en: None,
            identity_mismatches: Vec::new(),
            fields: Default::default(),
            attachments: Vec::new(),
            timeline: Vec::new(),
            receipt: None,
        }
    }

    /// `motcua desk show` says who filed for whom, in the officer's language, and warns
    /// of an older dossier whose identity fields name someone else.
    #[test]
    fn the_dossier_text_says_filed_by_x_on_behalf_of_y() {
        let person = OnBehalfOf {
            full_name: "Trần Văn Bình".into(),
            personal_id: "001052007381".into(),
            basis: RepresentationBasis::Child,
            detail: None,
        };
        let mut filed = dossier();
        filed.filing_notice_vi = Some(person.filing_notice("Nguyễn Thị Lan", Lang::Vi));
        filed.filing_notice_en = Some(person.filing_notice("Nguyễn Thị Lan", Lang::En));
        filed.on_behalf_of = Some(person);
        let vi = dossier_text(
            &Output {
                json: false,
                lang: Lang::Vi,
            },
            &filed,
        );
        assert!(
            vi.contains(
                "NỘP THAY: Nộp bởi Nguyễn Thị Lan (con) thay cho Trần Văn Bình, số định danh 001052007381"
            ),
            "{vi}"
        );
        let en = dossier_text(
            &Output {
                json: false,
                lang: Lang::En,
            },
            &filed,
        );
        assert!(
            en.contains(
                "ON BEHALF: Filed by Nguyễn Thị Lan (child) on behalf of Trần Văn Bình, personal ID 001052007381"
            ),
            "{en}"
        );
        let own = dossier_text(
            &Output {
                json: false,
                lang: Lang::En,
            },
            &dossier(),
        );
        assert!(
            !own.contains("ON BEHALF") && !own.contains("WARNING"),
            "{own}"
        );
        let mut older = dossier();
        older.identity_mismatches = vec!["applicant_personal_id".into()];
        let warned = dossier_text(
            &Output {
                json: false,
                lang: Lang::En,
            },
            &older,
        );
        assert!(
            warned
                .contains("WARNING — not the applicant's verified identity: applicant_personal_id"),
            "{warned}"
        );
    }
}
