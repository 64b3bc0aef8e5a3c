//! The CLI's error: every failure of a command, with its code, its exit status and its
//! message in Vietnamese and English.

use motcua_core::identity::IdentityError;
use motcua_core::{Lang, Localized, OpenError};

/// Everything that can make a command fail.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Login, session or profile.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// Opening the local profile.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The portal could not be asked for its configuration.
    #[error("portal unreachable: {0}")]
    PortalUnreachable(String),
    /// The portal server failed.
    #[error("portal: {0}")]
    Portal(String),
    /// The scripted browser of the demo failed.
    #[error("browser: {0}")]
    Browser(#[from] crate::browser::BrowserError),
    /// Local I/O.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The login's browser did not come back in time.
    #[error("timed out waiting for the browser")]
    Timeout,
    /// The procedure catalog.
    #[error(transparent)]
    Catalog(#[from] motcua_core::catalog::CatalogError),
    /// No such procedure.
    #[error("no procedure {0}")]
    NotFound(String),
    /// Drafts and submission.
    #[error(transparent)]
    Dossier(#[from] motcua_core::dossier::DossierError),
    /// An argument that does not parse.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Status tracking.
    #[error(transparent)]
    Tracking(#[from] motcua_core::tracking::TrackingError),
    /// Receipts.
    #[error(transparent)]
    Receipt(#[from] motcua_core::receipt::ReceiptError),
    /// The desk (staff) side.
    #[error(transparent)]
    Desk(motcua_core::desk::DeskError),
    /// Assisted sessions.
    #[error(transparent)]
    Assist(motcua_core::assist::AssistError),
    /// Fee payments (desk and intermediary commands).
    #[error(transparent)]
    Payments(crate::payments::PaymentsError),
    /// A fee's payment request or e-receipt on the citizen's side (the core's payments area).
    #[error(transparent)]
    FeePayment(#[from] motcua_core::payments::PaymentError),
}

impl Localized for CliError {
    fn code(&self) -> &'static str {
        match self {
            CliError::Identity(e) => e.code(),
            CliError::Open(e) => e.code(),
            CliError::PortalUnreachable(_) => "network_unavailable",
            CliError::Portal(_) => "portal_failed",
            CliError::Browser(_) => "browser_failed",
            CliError::Io(_) => "io_failed",
            CliError::Timeout => "timed_out",
            CliError::Catalog(e) => e.code(),
            CliError::NotFound(_) => "procedure_not_found",
            CliError::Dossier(e) => e.code(),
            CliError::InvalidArgument(_) => "invalid_argument",
            CliError::Tracking(e) => e.code(),
            CliError::Receipt(e) => e.code(),
            CliError::Desk(e) => e.code(),
            CliError::Assist(e) => e.code(),
            CliError::Payments(e) => e.code(),
            CliError::FeePayment(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pick = |vi: &str, en: &str| match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        };
        match self {
            CliError::Identity(e) => e.message(lang),
            CliError::Open(e) => e.message(lang),
            CliError::PortalUnreachable(detail) => pick(
                &format!("Không kết nối được cổng dịch vụ công ({detail})."),
                &format!("Could not reach the portal ({detail})."),
            ),
            CliError::Portal(detail) => pick(
                &format!("Cổng dịch vụ công gặp lỗi: {detail}"),
                &format!("The portal failed: {detail}"),
            ),
            CliError::Browser(detail) => pick(
                &format!("Trình duyệt mô phỏng gặp lỗi: {detail}"),
                &format!("The scripted browser failed: {detail}"),
            ),
            CliError::Io(detail) => pick(
                &format!("Lỗi đọc/ghi: {detail}"),
                &format!("Input/output error: {detail}"),
            ),
            CliError::Timeout => pick(
                "Hết thời gian chờ trình duyệt quay lại.",
                "Timed out waiting for the browser to come back.",
            ),
            CliError::Catalog(e) => e.message(lang),
            CliError::Dossier(e) => e.message(lang),
            CliError::Tracking(e) => e.message(lang),
            CliError::Receipt(e) => e.message(lang),
            CliError::Desk(e) => e.message(lang),
            CliError::Assist(e) => e.message(lang),
            CliError::Payments(e) => e.message(lang),
            CliError::FeePayment(e) => e.message(lang),
            CliError::InvalidArgument(detail) => pick(
                &format!("Tham số không hợp lệ: {detail}"),
                &format!("Invalid argument: {detail}"),
            ),
            CliError::NotFound(code) => pick(
                &format!("Không có thủ tục mã {code} trong danh mục."),
                &format!("There is no procedure with code {code} in the catalog."),
            ),
        }
    }
}
