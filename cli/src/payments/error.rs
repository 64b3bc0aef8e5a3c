//! What the payment commands' failures say, in Vietnamese and English.

use motcua_core::{Lang, Localized};

/// A payment command failed.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    /// No staff session on this machine: `motcua desk login` first.
    #[error("no staff session")]
    NotLoggedIn,
    /// The portal refused the notification's signature or timestamp.
    #[error("notification refused: {0}")]
    NotAuthentic(String),
    /// The staff session ended.
    #[error("the staff session has ended")]
    SessionEnded,
    /// Only a one-stop desk officer may do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such dossier, payment request, receipt or held payment.
    #[error("not found")]
    NotFound,
    /// The portal refused it in the state things are in (resolved before, paid already).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The portal answered something else.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
    /// The portal could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The QR code could not be drawn.
    #[error("QR code: {0}")]
    Qr(String),
}

impl Localized for PaymentsError {
    fn code(&self) -> &'static str {
        match self {
            PaymentsError::NotLoggedIn => "desk_not_logged_in",
            PaymentsError::NotAuthentic(_) => "notification_not_authentic",
            PaymentsError::SessionEnded => "desk_session_ended",
            PaymentsError::Forbidden(_) => "forbidden",
            PaymentsError::NotFound => "payment_not_found",
            PaymentsError::Conflict(_) => "payment_conflict",
            PaymentsError::Unexpected(_) => "unexpected_answer",
            PaymentsError::Network(_) => "network_unavailable",
            PaymentsError::Qr(_) => "qr_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            PaymentsError::NotLoggedIn => (
                "Chưa đăng nhập tài khoản cán bộ. Hãy chạy: motcua desk login <tên>.".to_owned(),
                "No staff session. Run: motcua desk login <name>.".to_owned(),
            ),
            PaymentsError::NotAuthentic(detail) => (
                format!("Cổng từ chối thông báo: chữ ký hoặc thời điểm không hợp lệ ({detail})."),
                format!(
                    "The portal refused the notification: bad signature or timestamp ({detail})."
                ),
            ),
            PaymentsError::SessionEnded => (
                "Phiên làm việc đã hết hạn. Hãy đăng nhập lại.".to_owned(),
                "The session has ended. Log in again.".to_owned(),
            ),
            PaymentsError::Forbidden(detail) => (
                format!("Chỉ cán bộ bộ phận một cửa được làm việc này ({detail})."),
                format!("Only a one-stop desk officer may do this ({detail})."),
            ),
            PaymentsError::NotFound => (
                "Không tìm thấy hồ sơ, yêu cầu nộp phí hoặc khoản thanh toán này.".to_owned(),
                "No such dossier, payment request or payment.".to_owned(),
            ),
            PaymentsError::Conflict(detail) => (
                format!("Không thực hiện được ở trạng thái hiện tại ({detail})."),
                format!("Not possible in the current state ({detail})."),
            ),
            PaymentsError::Unexpected(detail) => (
                format!("Cổng dịch vụ công trả lời không như mong đợi ({detail})."),
                format!("The portal gave an unexpected answer ({detail})."),
            ),
            PaymentsError::Network(detail) => (
                format!("Không kết nối được cổng dịch vụ công ({detail})."),
                format!("Could not reach the portal ({detail})."),
            ),
            PaymentsError::Qr(detail) => (
                format!("Không tạo được mã QR ({detail})."),
                format!("Could not draw the QR code ({detail})."),
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
