//! Why a payment operation failed (not a status: "awaiting" or "paid" are answers).

use motcua_protocol::i18n::{Lang, Localized};

use crate::identity::IdentityError;
use crate::receipt::render::RenderError;
use crate::store::StoreError;

/// Why a payment operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The portal could not be reached and nothing is kept on the device for this dossier.
    #[error("network: {0}")]
    Network(String),
    /// Login or session.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// No dossier of this citizen has this code (another citizen's is the same answer).
    #[error("no dossier {0}")]
    NotFound(String),
    /// The payment request of this dossier was never fetched (offline, first time).
    #[error("payment of {0} never fetched")]
    NotFetched(String),
    /// No fee e-receipt for this dossier on the device (not paid, or not synced yet).
    #[error("no fee receipt for {0}")]
    NoFeeReceipt(String),
    /// The portal's request contradicts itself (its VietQR code pays another amount,
    /// account or reference than it shows): not shown, so nobody pays the wrong thing.
    #[error("inconsistent payment request: {0}")]
    Inconsistent(&'static str),
    /// The portal answered with something it does not promise.
    #[error("portal: {0}")]
    Portal(String),
    /// The QR code could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The local database.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl Localized for PaymentError {
    fn code(&self) -> &'static str {
        match self {
            PaymentError::Network(_) => "network_unavailable",
            PaymentError::Identity(error) => error.code(),
            PaymentError::NotFound(_) => "dossier_not_found",
            PaymentError::NotFetched(_) => "payment_not_fetched",
            PaymentError::NoFeeReceipt(_) => "fee_receipt_not_issued",
            PaymentError::Inconsistent(_) => "payment_inconsistent",
            PaymentError::Portal(_) => "unexpected_answer",
            PaymentError::Render(_) => "internal",
            PaymentError::Storage(_) => "storage_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            PaymentError::Identity(error) => return error.message(lang),
            PaymentError::Network(_) => (
                "Không kết nối được cổng dịch vụ công. Hãy thử lại khi có mạng.",
                "Could not reach the portal. Try again when there is a connection.",
            ),
            PaymentError::NotFound(_) => (
                "Không tìm thấy hồ sơ với mã này trong tài khoản của bạn.",
                "None of your dossiers has this code.",
            ),
            PaymentError::NotFetched(_) => (
                "Chưa tải thông tin nộp phí của hồ sơ này. Hãy kết nối mạng một lần.",
                "The payment details of this dossier were not downloaded yet. Connect once.",
            ),
            PaymentError::NoFeeReceipt(_) => (
                "Hồ sơ chưa có biên lai điện tử (chưa nộp phí, hoặc chưa cập nhật).",
                "This dossier has no fee e-receipt yet (not paid, or not updated yet).",
            ),
            PaymentError::Inconsistent(_) => (
                "Thông tin nộp phí nhận được không khớp nhau nên không hiển thị. Đừng chuyển khoản; hãy liên hệ bộ phận một cửa.",
                "The payment details received do not agree with each other, so they are not shown. Do not transfer; contact the one-stop desk.",
            ),
            PaymentError::Portal(_) => (
                "Cổng dịch vụ công trả lời không như mong đợi.",
                "The portal gave an unexpected answer.",
            ),
            PaymentError::Render(_) => ("Không tạo được mã QR.", "The QR code could not be drawn."),
            PaymentError::Storage(_) => (
                "Không đọc/ghi được dữ liệu trên máy.",
                "Data on this device could not be read or written.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}
