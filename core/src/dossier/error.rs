//! The dossier area's error, with its stable codes and its messages in Vietnamese and
//! English.

use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::lifecycle::TransitionError;
use motcua_protocol::validation::FieldError;

use super::media::MediaError;
use crate::catalog::CatalogError;
use crate::identity::IdentityError;
use crate::store::StoreError;
use crate::store::seal::SealError;

/// Why a dossier operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DossierError {
    /// No such draft.
    #[error("no draft {0}")]
    UnknownDraft(String),
    /// The procedure is not in the catalog (or the catalog is not downloaded).
    #[error("no procedure {0}")]
    UnknownProcedure(String),
    /// The field is not in the procedure's form.
    #[error("no field {0} in this form")]
    UnknownField(String),
    /// The document requirement is not in the procedure.
    #[error("no document requirement {0} in this procedure")]
    UnknownRequirement(String),
    /// The draft was submitted: it cannot change any more.
    #[error("the draft is already submitted")]
    NotEditable,
    /// The draft has problems; each field says which.
    #[error("the draft is not complete or not valid ({} problems)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The file cannot be attached.
    #[error(transparent)]
    Attachment(#[from] MediaError),
    /// Login or session.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The catalog.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The local database.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// Sealed data could not be sealed or opened.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// A local file.
    #[error("file: {0}")]
    File(String),
    /// The portal refused the dossier for good (the draft is editable again).
    #[error("the portal refused the dossier: {0}")]
    Refused(String),
    /// The procedure needs a stronger electronic identity than the one logged in.
    #[error("identity level {required} is required")]
    IdentityLevelTooLow {
        /// The level the procedure requires (1 or 2).
        required: u8,
    },
    /// No dossier with this code on this device (sync first).
    #[error("no dossier {0} on this device")]
    UnknownDossier(String),
    /// The action does not apply to the dossier as it stands (the lifecycle's rule).
    #[error(transparent)]
    NotAllowed(#[from] TransitionError),
    /// The field is filled from the verified identity (or the person filed for) and
    /// cannot be changed; filing for someone else is [`DossierArea::set_on_behalf`].
    #[error("field {0} is locked to the verified identity")]
    FieldLocked(String),
}

impl From<rusqlite::Error> for DossierError {
    fn from(error: rusqlite::Error) -> Self {
        DossierError::Storage(StoreError::from(error))
    }
}

impl Localized for DossierError {
    fn code(&self) -> &'static str {
        match self {
            DossierError::UnknownDraft(_) => "unknown_draft",
            DossierError::UnknownProcedure(_) => "unknown_procedure",
            DossierError::UnknownField(_) => "unknown_field",
            DossierError::UnknownRequirement(_) => "unknown_requirement",
            DossierError::NotEditable => "draft_not_editable",
            DossierError::Invalid(_) => "draft_invalid",
            DossierError::Attachment(e) => e.code(),
            DossierError::Identity(e) => e.code(),
            DossierError::Catalog(e) => e.code(),
            DossierError::Storage(_) => "storage_failed",
            DossierError::Seal(_) => "sealed_data_unreadable",
            DossierError::File(_) => "file_unreadable",
            DossierError::Refused(_) => "dossier_refused",
            DossierError::IdentityLevelTooLow { .. } => "identity_level_too_low",
            DossierError::UnknownDossier(_) => "unknown_dossier",
            DossierError::NotAllowed(e) => e.code(),
            DossierError::FieldLocked(_) => "field_locked",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pick = |vi: String, en: String| if lang == Lang::Vi { vi } else { en };
        match self {
            DossierError::Attachment(e) => e.message(lang),
            DossierError::Identity(e) => e.message(lang),
            DossierError::Catalog(e) => e.message(lang),
            DossierError::NotAllowed(e) => e.message(lang),
            DossierError::UnknownDossier(code) => pick(
                format!("Không có hồ sơ {code} trên máy này. Hãy đồng bộ rồi thử lại."),
                format!("There is no dossier {code} on this device. Sync and try again."),
            ),
            DossierError::FieldLocked(_) => pick(
                "Thông tin này lấy từ tài khoản định danh điện tử và không sửa được. Nếu nộp thay cho người khác, hãy chọn \"Nộp thay\" và ghi người đó.".into(),
                "This comes from the electronic identity and cannot be changed. To file for someone else, choose \"File on behalf of\" and name that person.".into(),
            ),
            DossierError::UnknownDraft(_) => pick(
                "Không tìm thấy hồ sơ nháp này.".into(),
                "This draft was not found.".into(),
            ),
            DossierError::UnknownProcedure(code) => pick(
                format!("Không có thủ tục mã {code} trong danh mục."),
                format!("There is no procedure {code} in the catalog."),
            ),
            DossierError::UnknownField(field) => pick(
                format!("Biểu mẫu không có mục \"{field}\"."),
                format!("The form has no field \"{field}\"."),
            ),
            DossierError::UnknownRequirement(id) => pick(
                format!("Thủ tục không yêu cầu giấy tờ \"{id}\"."),
                format!("The procedure has no document \"{id}\"."),
            ),
            DossierError::NotEditable => pick(
                "Hồ sơ đã nộp nên không sửa được nữa.".into(),
                "The dossier was submitted and can no longer be changed.".into(),
            ),
            DossierError::Invalid(problems) => {
                let list: Vec<String> = problems.iter().map(|p| p.message(lang)).collect();
                pick(
                    format!(
                        "Hồ sơ còn {} chỗ cần sửa: {}",
                        problems.len(),
                        list.join("; ")
                    ),
                    format!(
                        "The dossier has {} problems to fix: {}",
                        problems.len(),
                        list.join("; ")
                    ),
                )
            }
            DossierError::Storage(_) | DossierError::Seal(_) | DossierError::File(_) => pick(
                "Không đọc/ghi được dữ liệu trên máy.".into(),
                "Data on this device could not be read or written.".into(),
            ),
            DossierError::IdentityLevelTooLow { required } => pick(
                format!(
                    "Thủ tục này cần tài khoản định danh điện tử mức {required}. Hãy nâng cấp tài khoản VNeID (đăng ký tại công an xã/phường) rồi nộp lại."
                ),
                format!(
                    "This procedure needs an electronic identity of level {required}. Upgrade the VNeID account (at the commune police) and submit again."
                ),
            ),
            DossierError::Refused(reason) => pick(
                format!("Cổng dịch vụ công không nhận hồ sơ: {reason}. Hãy sửa rồi nộp lại."),
                format!(
                    "The portal did not accept the dossier: {reason}. Correct it and submit again."
                ),
            ),
        }
    }
}
