//! A field's problem: its kind, the field it is on, and its sentence in Vietnamese and
//! English (the message tables live here, once, for the core, the portal and the apps).

use super::PersonalIdProblem;
use crate::api::FieldProblem;
use crate::catalog::FormField;
use crate::i18n::{Lang, Localized};

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// A required field is empty (or a required checkbox is not ticked).
    Required,
    /// The form has no field with this id.
    UnknownField,
    /// Shorter than the `length` rule's minimum (characters).
    TooShort {
        /// The minimum.
        min: u32,
    },
    /// Longer than allowed (characters).
    TooLong {
        /// The maximum.
        max: u32,
    },
    /// Not an integer.
    NotANumber,
    /// Outside the `range` rule.
    OutOfRange {
        /// Lowest allowed, if any.
        min: Option<i64>,
        /// Highest allowed, if any.
        max: Option<i64>,
    },
    /// Not a real calendar date in an accepted format.
    InvalidDate,
    /// After today, for a `not_in_future` date.
    DateInFuture,
    /// Before today, for a `not_in_past` date.
    DateInPast,
    /// Not one of the select field's options.
    NotAnOption,
    /// A checkbox value other than `true` / `false`.
    NotABoolean,
    /// Not a Vietnamese mobile number.
    InvalidPhone,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a possible personal ID number.
    InvalidPersonalId(PersonalIdProblem),
    /// The birth year in the ID number (digits 4–6) differs from the same person's date of birth.
    PersonalIdBirthYearMismatch,
    /// Not a current administrative unit code.
    UnknownAdminUnit,
    /// Control characters or line breaks where they are not allowed.
    ControlCharacters,
    /// A required document of the dossier has no attachment (on field
    /// `attachments.<requirement>`; the same code as the portal's).
    DocumentRequired,
    /// The field is filled from the verified identity and differs from it
    /// (`crate::on_behalf`): only a dossier filed on behalf of someone else may name
    /// another person there.
    IdentityMismatch,
    /// The person a dossier is filed on behalf of is the filer themselves.
    OnBehalfOfSelf,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field id.
    pub field: String,
    /// What is wrong.
    pub kind: FieldErrorKind,
    /// The field's Vietnamese label, for the message (absent for unknown fields).
    pub label_vi: Option<String>,
    /// The field's English label.
    pub label_en: Option<String>,
}

/// The field a problem of document `requirement` is reported on (`attachments.<id>`), by
/// the core and the portal alike.
pub fn document_field(requirement: &str) -> String {
    format!("attachments.{requirement}")
}

impl FieldError {
    /// An error on a field without labels.
    pub fn new(field: impl Into<String>, kind: FieldErrorKind) -> Self {
        FieldError {
            field: field.into(),
            kind,
            label_vi: None,
            label_en: None,
        }
    }

    /// A required field that is empty, without labels.
    pub fn required(field: &str) -> Self {
        FieldError::new(field, FieldErrorKind::Required)
    }

    /// A required document without an attachment: on field `attachments.<requirement>` (as
    /// the portal reports it), labelled with the document's names.
    pub fn missing_document(requirement: &str, name_vi: &str, name_en: &str) -> Self {
        FieldError {
            field: document_field(requirement),
            kind: FieldErrorKind::DocumentRequired,
            label_vi: Some(name_vi.to_owned()),
            label_en: Some(name_en.to_owned()),
        }
    }

    /// An error on a form field, carrying its labels.
    pub fn on(field: &FormField, kind: FieldErrorKind) -> Self {
        FieldError {
            field: field.id.clone(),
            kind,
            label_vi: Some(field.label_vi.clone()),
            label_en: Some(field.label_en.clone()),
        }
    }

    /// The portal's wire form of the error (`validation_failed` answers).
    pub fn to_problem(&self) -> FieldProblem {
        FieldProblem {
            field: self.field.clone(),
            code: self.code().to_owned(),
            message_vi: self.message(Lang::Vi),
            message_en: self.message(Lang::En),
        }
    }

    fn problem(&self, lang: Lang) -> String {
        use FieldErrorKind as K;
        let vi = lang == Lang::Vi;
        let text = |v: &str, e: &str| if vi { v.to_owned() } else { e.to_owned() };
        match &self.kind {
            K::Required => text("cần nhập thông tin này", "this is required"),
            K::UnknownField => text(
                "trường này không có trong biểu mẫu của thủ tục",
                "this field is not part of the procedure's form",
            ),
            K::TooShort { min } => {
                if vi {
                    format!("cần ít nhất {min} ký tự")
                } else {
                    format!("needs at least {min} characters")
                }
            }
            K::TooLong { max } => {
                if vi {
                    format!("không được dài quá {max} ký tự")
                } else {
                    format!("must not be longer than {max} characters")
                }
            }
            K::NotANumber => text(
                "cần nhập một số nguyên, chỉ gồm chữ số",
                "must be a whole number, digits only",
            ),
            K::OutOfRange { min, max } => match (min, max, vi) {
                (Some(a), Some(b), true) => format!("phải từ {a} đến {b}"),
                (Some(a), Some(b), false) => format!("must be between {a} and {b}"),
                (Some(a), None, true) => format!("phải từ {a} trở lên"),
                (Some(a), None, false) => format!("must be at least {a}"),
                (None, Some(b), true) => format!("không được lớn hơn {b}"),
                (None, Some(b), false) => format!("must be at most {b}"),
                (None, None, _) => text("nằm ngoài khoảng cho phép", "is out of range"),
            },
            K::InvalidDate => text(
                "không phải một ngày hợp lệ (ví dụ 29/02/2024)",
                "is not a valid date (for example 2024-02-29)",
            ),
            K::DateInFuture => text(
                "không được là một ngày trong tương lai",
                "cannot be in the future",
            ),
            K::DateInPast => text("không được là một ngày đã qua", "cannot be in the past"),
            K::NotAnOption => text(
                "hãy chọn một trong các lựa chọn có sẵn",
                "choose one of the offered options",
            ),
            K::NotABoolean => text("phải là có hoặc không", "must be yes or no"),
            K::InvalidPhone => text(
                "không phải số điện thoại di động Việt Nam (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09)",
                "is not a Vietnamese mobile number (10 digits starting with 03, 05, 07, 08 or 09)",
            ),
            K::InvalidEmail => text(
                "không phải địa chỉ email hợp lệ (ví dụ ten@example.vn)",
                "is not a valid e-mail address (for example name@example.vn)",
            ),
            K::InvalidPersonalId(problem) => match problem {
                PersonalIdProblem::WrongLength => text(
                    "số định danh cá nhân phải gồm đúng 12 chữ số",
                    "the personal ID number must have exactly 12 digits",
                ),
                PersonalIdProblem::NotDigits => text(
                    "số định danh cá nhân chỉ gồm chữ số",
                    "the personal ID number may contain digits only",
                ),
                PersonalIdProblem::UnknownProvince => text(
                    "3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh",
                    "its first 3 digits are not a province code of birth registration",
                ),
                PersonalIdProblem::ImpossibleCentury => text(
                    "chữ số thứ 4 (thế kỷ sinh và giới tính) không hợp lệ",
                    "its 4th digit (century of birth and sex) is not possible",
                ),
                PersonalIdProblem::BirthYearInFuture => text(
                    "chữ số thứ 4 đến 6 cho một năm sinh trong tương lai",
                    "digits 4 to 6 give a birth year in the future",
                ),
            },
            K::PersonalIdBirthYearMismatch => text(
                "năm sinh trong số định danh cá nhân (chữ số thứ 4 đến 6) không khớp với ngày sinh đã nhập",
                "the birth year in the personal ID number (digits 4 to 6) does not match the date of birth",
            ),
            K::UnknownAdminUnit => text(
                "không phải đơn vị hành chính hiện hành; hãy chọn lại từ danh sách",
                "is not a current administrative unit; choose it again from the list",
            ),
            K::ControlCharacters => text(
                "có ký tự không được phép (xuống dòng hoặc ký tự điều khiển)",
                "contains characters that are not allowed (line breaks or control characters)",
            ),
            K::DocumentRequired => text(
                "cần đính kèm thành phần hồ sơ bắt buộc này",
                "this required document must be attached",
            ),
            K::IdentityMismatch => text(
                "phải đúng với tài khoản định danh điện tử đã đăng nhập; nếu nộp thay cho người khác, hãy chọn \"Nộp thay\" và ghi người đó",
                "must match the electronic identity logged in; to file for someone else, choose \"File on behalf of\" and name that person",
            ),
            K::OnBehalfOfSelf => text(
                "người được nộp thay không được là chính người nộp",
                "the person filed for cannot be the filer themselves",
            ),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Localized for FieldError {
    fn code(&self) -> &'static str {
        use FieldErrorKind as K;
        match &self.kind {
            K::Required => "required",
            K::UnknownField => "unknown_field",
            K::TooShort { .. } => "too_short",
            K::TooLong { .. } => "too_long",
            K::NotANumber => "not_a_number",
            K::OutOfRange { .. } => "out_of_range",
            K::InvalidDate => "invalid_date",
            K::DateInFuture => "date_in_future",
            K::DateInPast => "date_in_past",
            K::NotAnOption => "not_an_option",
            K::NotABoolean => "not_a_boolean",
            K::InvalidPhone => "invalid_phone",
            K::InvalidEmail => "invalid_email",
            K::InvalidPersonalId(problem) => problem.code(),
            K::PersonalIdBirthYearMismatch => "personal_id_birth_year_mismatch",
            K::UnknownAdminUnit => "unknown_admin_unit",
            K::ControlCharacters => "control_characters",
            K::DocumentRequired => "document_required",
            K::IdentityMismatch => "identity_mismatch",
            K::OnBehalfOfSelf => "on_behalf_of_self",
        }
    }

    /// `"<label>: <problem>."` when the field's label is known, else `"<Problem>."`.
    fn message(&self, lang: Lang) -> String {
        let label = match lang {
            Lang::Vi => self.label_vi.as_deref(),
            Lang::En => self.label_en.as_deref(),
        };
        let problem = self.problem(lang);
        match label.map(str::trim).filter(|l| !l.is_empty()) {
            Some(label) => format!("{label}: {problem}."),
            None => format!("{}.", capitalise(&problem)),
        }
    }
}
