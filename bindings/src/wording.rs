//! The domain's sentences (`motcua_core::wording`) for the apps, in the person's language:
//! translation only. The apps show them as they are; their resources keep titles and
//! button labels (CONTRIBUTING.md, "Vietnamese wording").

use motcua_core::{Lang, wording::Wording};

/// The fixed sentences in one language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DomainWording {
    /// The catalog shown is the one saved on the phone.
    pub offline_catalog: String,
    /// No catalog on the phone yet: one connection is needed.
    pub catalog_never_downloaded: String,
    /// A submission waits in the outbox.
    pub offline_draft_queued: String,
    /// The statuses shown are those of the last sync.
    pub offline_status: String,
    /// A login needs the connection.
    pub offline_login: String,
    /// An action that is not queued was not sent.
    pub offline_action: String,
    /// A withdrawal waits in the outbox.
    pub withdrawal_queued: String,
    /// The receipt comes with the one-stop desk's intake.
    pub receipt_after_intake: String,
    /// The desk's phone has no trust list yet.
    pub no_trust_list: String,
    /// The ID number matches the receipt's applicant.
    pub applicant_matches: String,
    /// The ID number does not match the receipt's applicant.
    pub applicant_differs: String,
    /// The receipt carries no ID digest to compare.
    pub applicant_unknown: String,
    /// An assisted session ended and its data left the phone.
    pub assist_erased: String,
    /// The previous assisted session was cut short and erased.
    pub assist_interrupted: String,
    /// Nobody logged in during the assisted session.
    pub assist_nobody_logged_in: String,
}

fn wording(language: &str) -> Wording {
    Wording::new(Lang::from_tag(language))
}

/// The fixed sentences in `language` (a BCP 47 tag; anything but English is Vietnamese).
#[uniffi::export]
pub fn domain_wording(language: String) -> DomainWording {
    let w = wording(&language);
    DomainWording {
        offline_catalog: w.offline_catalog(),
        catalog_never_downloaded: w.catalog_never_downloaded(),
        offline_draft_queued: w.offline_draft_queued(),
        offline_status: w.offline_status(),
        offline_login: w.offline_login(),
        offline_action: w.offline_action(),
        withdrawal_queued: w.withdrawal_queued(),
        receipt_after_intake: w.receipt_after_intake(),
        no_trust_list: w.no_trust_list(),
        applicant_matches: w.applicant_matches(),
        applicant_differs: w.applicant_differs(),
        applicant_unknown: w.applicant_unknown(),
        assist_erased: w.assist_erased(),
        assist_interrupted: w.assist_interrupted(),
        assist_nobody_logged_in: w.assist_nobody_logged_in(),
    }
}

/// "Hẹn trả kết quả: …", `date` already formatted by the app.
#[uniffi::export]
pub fn wording_result_due(language: String, date: String) -> String {
    wording(&language).result_due(&date)
}

/// The title of the supplement the desk asked for on dossier `code`.
#[uniffi::export]
pub fn wording_supplement_for(language: String, code: String) -> String {
    wording(&language).supplement_for(&code)
}

/// The supplement for dossier `code` was sent.
#[uniffi::export]
pub fn wording_supplement_sent(language: String, code: String) -> String {
    wording(&language).supplement_sent(&code)
}

/// The dossier was filed under `code`.
#[uniffi::export]
pub fn wording_submitted(language: String, code: String) -> String {
    wording(&language).submitted(&code)
}

/// The portal refused the submission for `reason`.
#[uniffi::export]
pub fn wording_refused(language: String, reason: String) -> String {
    wording(&language).refused(&reason)
}

/// "Đang gửi giấy tờ: 40%": the documents of a submission being sent.
#[uniffi::export]
pub fn wording_uploading(language: String, percent: u8) -> String {
    wording(&language).uploading(percent)
}

/// "Còn 2 chỗ cần sửa trước khi nộp".
#[uniffi::export]
pub fn wording_problems_to_fix(language: String, count: u32) -> String {
    wording(&language).problems_to_fix(usize::try_from(count).unwrap_or(usize::MAX))
}

/// "Danh sách khóa ký số cập nhật lúc …", `at` already formatted by the app.
#[uniffi::export]
pub fn wording_trust_list_updated_at(language: String, at: String) -> String {
    wording(&language).trust_list_updated_at(&at)
}
