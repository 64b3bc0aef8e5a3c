//! Form validation, the same in the core (on each change of a field) and in the portal (on
//! submission), so that a dossier the app lets through is never refused for its form.
//!
//! [`validate_value`] checks and normalises one value according to its field's kind and rules;
//! [`validate_form`] checks a whole form: missing required fields, unknown field ids, every value,
//! and the consistency of each personal ID number with the same person's date of birth.
//!
//! Rules by [`FieldKind`] (values are trimmed and NFC-normalised first; an empty value is
//! [`FieldErrorKind::Required`] when the field is required and accepted as `""` otherwise):
//!
//! | kind | accepted | normalised to |
//! |---|---|---|
//! | `text` | one line, no control or bidi-override characters, ≤ 200 characters unless a `length` rule says otherwise | runs of spaces collapsed to one |
//! | `long_text` | several lines, no other control characters, ≤ 2000 characters unless a `length` rule says otherwise | line ends `\n` |
//! | `number` | an integer, optionally grouped by thousands (`1.000.000`, `1,000,000`, `1 000 000`); `range` rule | plain decimal, `-` sign |
//! | `date` | a real calendar date, years 1800–2999, `YYYY-MM-DD` or `DD/MM/YYYY` (also `-` `.`); `not_in_future` / `not_in_past` against [`ValidationContext::today`] | `YYYY-MM-DD` |
//! | `select` | one of the options' `value` | as is |
//! | `checkbox` | `true` / `false` (any case); a *required* checkbox must be `true` (a declaration to tick) | `true` / `false` |
//! | `phone` | a Vietnamese mobile number, see [`check_vn_mobile`] | `0xxxxxxxxx` |
//! | `email` | one `@`, a local part, a domain with a dot; no spaces; ≤ 254 bytes | domain lower-cased |
//! | `personal_id` | 12 digits, see [`check_personal_id`]; spaces between digit groups are ignored | 12 digits |
//! | `admin_unit` | a current 5-digit commune code ([`crate::admin_units::commune`]); for a field whose id ends in `_province` (or is `province`), a current 2-digit province code instead | the code |
//!
//! `length` rules apply to every kind (to the normalised value, in characters); `range` only to
//! numbers; `not_in_future` / `not_in_past` only to dates.
//!
//! Every form in the catalog stores communes (the wire contract says "admin units the commune
//! code"), so a province code is accepted only by fields named for a province.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization as _;

use crate::admin_units;
use crate::api::FieldProblem;
use crate::catalog::{FieldKind, FormField, Procedure, ValidationRule};
use crate::i18n::{Lang, Localized};

/// Maximum length of a `text` value without a `length` rule, in characters.
pub const DEFAULT_TEXT_MAX: u32 = 200;
/// Maximum length of a `long_text` value without a `length` rule, in characters.
pub const DEFAULT_LONG_TEXT_MAX: u32 = 2000;
/// Maximum length of an e-mail address, in bytes (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Earliest and latest years a date field accepts.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1800..=2999;

/// The calendar day the check is made on (callers pass today in Vietnam, UTC+7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValidationContext {
    /// Year, month (1–12), day (1–31).
    pub today: (i32, u32, u32),
}

impl ValidationContext {
    /// The context for a given day.
    pub fn new(year: i32, month: u32, day: u32) -> Self {
        ValidationContext {
            today: (year, month, day),
        }
    }

    /// The context for the Vietnamese calendar day (UTC+7, no daylight saving) containing a
    /// Unix time in seconds. Pure arithmetic: the caller reads its own clock.
    pub fn vietnam_day_of(unix_seconds: i64) -> Self {
        let days = unix_seconds.saturating_add(7 * 3600).div_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        ValidationContext::new(year, month, day)
    }
}

/// Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    (year, month as u32, day as u32)
}

/// Why a personal ID number is not a possible one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonalIdProblem {
    /// Not exactly 12 digits long.
    WrongLength,
    /// Contains something other than the digits 0–9.
    NotDigits,
    /// Digits 1–3 are not one of the 63 province codes of birth registration.
    UnknownProvince,
    /// Digit 4 gives a century that has not begun yet.
    ImpossibleCentury,
    /// Digits 4–6 give a birth year after the current year.
    BirthYearInFuture,
}

impl PersonalIdProblem {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            PersonalIdProblem::WrongLength => "personal_id_bad_length",
            PersonalIdProblem::NotDigits => "personal_id_not_digits",
            PersonalIdProblem::UnknownProvince => "personal_id_bad_province",
            PersonalIdProblem::ImpossibleCentury => "personal_id_bad_century",
            PersonalIdProblem::BirthYearInFuture => "personal_id_birth_year_in_future",
        }
    }
}

/// Sex as coded in digit 4 of a personal ID number (even: male, odd: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

/// What a valid 12-digit personal ID number tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonalId {
    /// Digits 1–3: province of birth registration (one of the 63 pre-2025 codes, e.g. `046`);
    /// not the person's current province.
    pub province_code: String,
    /// From digit 4.
    pub sex: Sex,
    /// Full year of birth: the century from digit 4 (0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7
    /// 2200s, 8/9 2300s) plus digits 5–6.
    pub birth_year: i32,
}

impl PersonalId {
    /// The name of the province of birth registration.
    pub fn province_name(&self) -> Option<&'static str> {
        admin_units::id_province(&self.province_code)
    }
}

/// Checks a 12-digit personal ID number (số định danh cá nhân): exactly 12 ASCII digits
/// (surrounding whitespace ignored); digits 1–3 a province code of birth registration
/// (`data/admin-units/id-province-codes.json`); digit 4 century and sex, the century not after
/// `ctx`'s year; digits 5–6 the birth year, not after `ctx`'s year.
///
/// Numbers of citizens whose birth was registered abroad carry a country code in digits 1–3;
/// those codes are not in the data yet, so such numbers are refused as `UnknownProvince`.
pub fn check_personal_id(
    id: &str,
    ctx: &ValidationContext,
) -> Result<PersonalId, PersonalIdProblem> {
    let id = id.trim();
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PersonalIdProblem::NotDigits);
    }
    let digits = id.as_bytes();
    if digits.len() != 12 {
        return Err(PersonalIdProblem::WrongLength);
    }
    let province_code = &id[..3];
    if admin_units::id_province(province_code).is_none() {
        return Err(PersonalIdProblem::UnknownProvince);
    }
    let digit = |i: usize| i32::from(digits[i] - b'0');
    let century_start = 1900 + 100 * (digit(3) / 2);
    if century_start > ctx.today.0 {
        return Err(PersonalIdProblem::ImpossibleCentury);
    }
    let birth_year = century_start + digit(4) * 10 + digit(5);
    if birth_year > ctx.today.0 {
        return Err(PersonalIdProblem::BirthYearInFuture);
    }
    Ok(PersonalId {
        province_code: province_code.to_owned(),
        sex: if digit(3) % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        },
        birth_year,
    })
}

/// Checks a Vietnamese mobile number and returns it as 10 digits starting with `0`.
///
/// Accepted: 10 digits starting with 03, 05, 07, 08 or 09 (the mobile prefixes since the 2018
/// conversion from 11 digits), or the same after `+84`, `84` or `0084` without the leading 0
/// (`+84 912 345 678`); spaces, dots, dashes and parentheses between digits are ignored.
/// Landlines (02x) and anything else are refused.
#[allow(clippy::result_unit_err)] // one reason only: not a mobile number
pub fn check_vn_mobile(value: &str) -> Result<String, ()> {
    let mut digits = String::with_capacity(16);
    let mut plus = false;
    for c in value.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
            '+' if digits.is_empty() && !plus => plus = true,
            _ => return Err(()),
        }
        if digits.len() > 14 {
            return Err(());
        }
    }
    let national = if plus {
        digits.strip_prefix("84").ok_or(())?
    } else if let Some(rest) = digits.strip_prefix("0084") {
        rest
    } else if let Some(rest) = digits.strip_prefix("84") {
        // A national number starts with 0, so a leading 84 is the country code.
        rest
    } else {
        digits.as_str()
    };
    let normalised = match (national.len(), national.starts_with('0')) {
        (10, true) => national.to_owned(),
        (9, false) => format!("0{national}"),
        _ => return Err(()),
    };
    match normalised.as_bytes().get(1) {
        Some(b'3' | b'5' | b'7' | b'8' | b'9') => Ok(normalised),
        _ => Err(()),
    }
}

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
            field: format!("attachments.{requirement}"),
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

/// Bidirectional formatting controls that can make text display differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` may not appear in a multi-line free text a person typed (a form's long text,
/// a note, a reason, a missing item): control characters other than line feed and tab,
/// and bidirectional controls. Such characters act on the terminal or screen that shows
/// the text (an escape sequence in a withdrawal note cleared a desk officer's terminal
/// and printed "ĐÃ DUYỆT") or make it read differently from what it is. Displays of text
/// from elsewhere escape the same characters.
pub fn is_forbidden_in_free_text(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

fn length_rule(field: &FormField) -> (Option<u32>, Option<u32>) {
    let mut min = None;
    let mut max = None;
    for rule in &field.rules {
        if let ValidationRule::Length { min: lo, max: hi } = rule {
            min = lo.or(min);
            max = hi.or(max);
        }
    }
    (min, max)
}

fn check_length(
    field: &FormField,
    value: &str,
    default_max: Option<u32>,
) -> Result<(), FieldError> {
    let (min, max) = length_rule(field);
    let count = value.chars().count();
    if let Some(max) = max.or(default_max).filter(|m| count > *m as usize) {
        return Err(FieldError::on(field, FieldErrorKind::TooLong { max }));
    }
    if let Some(min) = min.filter(|m| count < *m as usize) {
        return Err(FieldError::on(field, FieldErrorKind::TooShort { min }));
    }
    Ok(())
}

fn normalise_text(field: &FormField, value: &str) -> Result<String, FieldError> {
    let mut out = String::with_capacity(value.len());
    let mut pending_space = false;
    for c in value.nfc() {
        if c.is_control() || is_bidi_control(c) {
            return Err(FieldError::on(field, FieldErrorKind::ControlCharacters));
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok(out)
}

fn normalise_long_text(field: &FormField, value: &str) -> Result<String, FieldError> {
    let unified = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for c in unified.nfc() {
        if is_forbidden_in_free_text(c) {
            return Err(FieldError::on(field, FieldErrorKind::ControlCharacters));
        }
        out.push(c);
    }
    Ok(out.trim().to_owned())
}

/// Parses an integer, optionally grouped by thousands with one kind of separator.
fn parse_integer(value: &str) -> Option<i64> {
    let (negative, body) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let separator = body.chars().find(|c| !c.is_ascii_digit());
    let digits: String = match separator {
        None => body.to_owned(),
        Some(sep @ ('.' | ',' | ' ' | '\u{a0}')) => {
            let groups: Vec<&str> = body.split(sep).collect();
            let first_ok = groups.first().is_some_and(|g| {
                (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit())
            });
            let rest_ok = groups[1..]
                .iter()
                .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
            if !(first_ok && rest_ok) {
                return None;
            }
            groups.concat()
        }
        Some(_) => return None,
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude: i64 = digits.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `YYYY-MM-DD` or `DD/MM/YYYY` (separators `/`, `-`, `.`; day and month of 1 or 2
/// digits) into a real calendar date within [`DATE_YEARS`].
fn parse_date(value: &str) -> Option<(i32, u32, u32)> {
    let separator = value.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let parts: Vec<&str> = value.split(separator).collect();
    let (a, b, c) = match parts.as_slice() {
        [a, b, c] => (*a, *b, *c),
        _ => return None,
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let (year, month, day) = if a.len() == 4
        && separator == '-'
        && (1..=2).contains(&b.len())
        && (1..=2).contains(&c.len())
    {
        (a, b, c)
    } else if c.len() == 4 && (1..=2).contains(&a.len()) && (1..=2).contains(&b.len()) {
        (c, b, a)
    } else {
        return None;
    };
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    if !DATE_YEARS.contains(&year) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

fn check_email(value: &str) -> Option<String> {
    if value.len() > EMAIL_MAX || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = value.split_once('@')?;
    if domain.contains('@') || local.is_empty() || local.len() > 64 {
        return None;
    }
    // Unquoted local parts only: letters and digits (any script), the RFC 5322 `atext`
    // symbols and dots that neither start, end nor double.
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if !local.chars().all(|c| atext(c) || c == '.')
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    for label in &labels {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            return None;
        }
    }
    let tld = labels.last()?;
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{local}@{}", domain.to_lowercase()))
}

/// Whether an `admin_unit` field holds a province rather than a commune.
fn is_province_level(field: &FormField) -> bool {
    field.id == "province" || field.id.ends_with("_province")
}

/// Checks one value of one field and returns it normalised (trimmed, NFC; phone as
/// `0xxxxxxxxx`, date as `YYYY-MM-DD`, number in plain decimal, ID without spaces). An empty
/// value of an optional field is `Ok("")`.
///
/// The normalised value is what is stored and submitted; apps should not write it back into
/// the field while the person is typing (trailing spaces would vanish under their fingers).
pub fn validate_value(
    field: &FormField,
    value: &str,
    ctx: &ValidationContext,
) -> Result<String, FieldError> {
    let err = |kind| FieldError::on(field, kind);
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return if field.required {
            Err(err(FieldErrorKind::Required))
        } else {
            Ok(String::new())
        };
    }
    let normalised = match field.kind {
        FieldKind::Text => {
            let text = normalise_text(field, trimmed)?;
            check_length(field, &text, Some(DEFAULT_TEXT_MAX))?;
            return Ok(text);
        }
        FieldKind::LongText => {
            let text = normalise_long_text(field, trimmed)?;
            check_length(field, &text, Some(DEFAULT_LONG_TEXT_MAX))?;
            return Ok(text);
        }
        FieldKind::Number => {
            let number = parse_integer(trimmed).ok_or_else(|| err(FieldErrorKind::NotANumber))?;
            for rule in &field.rules {
                let ValidationRule::Range { min, max } = rule else {
                    continue;
                };
                if min.is_some_and(|m| number < m) || max.is_some_and(|m| number > m) {
                    return Err(err(FieldErrorKind::OutOfRange {
                        min: *min,
                        max: *max,
                    }));
                }
            }
            number.to_string()
        }
        FieldKind::Date => {
            let date = parse_date(trimmed).ok_or_else(|| err(FieldErrorKind::InvalidDate))?;
            for rule in &field.rules {
                match rule {
                    ValidationRule::NotInFuture if date > ctx.today => {
                        return Err(err(FieldErrorKind::DateInFuture));
                    }
                    ValidationRule::NotInPast if date < ctx.today => {
                        return Err(err(FieldErrorKind::DateInPast));
                    }
                    _ => {}
                }
            }
            format!("{:04}-{:02}-{:02}", date.0, date.1, date.2)
        }
        FieldKind::Select => {
            let value: String = trimmed.nfc().collect();
            if !field.options.iter().any(|o| o.value == value) {
                return Err(err(FieldErrorKind::NotAnOption));
            }
            value
        }
        FieldKind::Checkbox => {
            let value = trimmed.to_ascii_lowercase();
            match value.as_str() {
                "true" => value,
                "false" if field.required => return Err(err(FieldErrorKind::Required)),
                "false" => value,
                _ => return Err(err(FieldErrorKind::NotABoolean)),
            }
        }
        FieldKind::Phone => {
            check_vn_mobile(trimmed).map_err(|()| err(FieldErrorKind::InvalidPhone))?
        }
        FieldKind::Email => {
            let nfc: String = trimmed.nfc().collect();
            check_email(&nfc).ok_or_else(|| err(FieldErrorKind::InvalidEmail))?
        }
        FieldKind::PersonalId => {
            let compact: String = trimmed.chars().filter(|c| *c != ' ').collect();
            check_personal_id(&compact, ctx)
                .map_err(|problem| err(FieldErrorKind::InvalidPersonalId(problem)))?;
            compact
        }
        FieldKind::AdminUnit => {
            let known = if is_province_level(field) {
                admin_units::province(trimmed).is_some()
            } else {
                admin_units::commune(trimmed).is_some()
            };
            if !known {
                return Err(err(FieldErrorKind::UnknownAdminUnit));
            }
            trimmed.to_owned()
        }
    };
    check_length(field, &normalised, None)?;
    Ok(normalised)
}

/// The person a field belongs to, for pairing: `applicant_personal_id` and
/// `applicant_birth_date` both belong to `applicant`; `personal_id` and `birth_date` to `""`.
fn person_of<'a>(id: &'a str, suffix: &str) -> Option<&'a str> {
    if suffix.strip_prefix('_') == Some(id) {
        return Some("");
    }
    id.strip_suffix(suffix).filter(|prefix| !prefix.is_empty())
}

/// Checks a whole form and returns the normalised values, or every problem found: required
/// fields that are empty, values for ids the form does not have, each value
/// ([`validate_value`]), and each personal ID number against the same person's date of birth
/// (fields `<person>_personal_id` and `<person>_birth_date`, e.g. `child_personal_id` and
/// `child_birth_date`; the error is on the ID field). Fields of the form that are absent from
/// `values` count as empty.
pub fn validate_and_normalize_form(
    procedure: &Procedure,
    values: &BTreeMap<String, String>,
    ctx: &ValidationContext,
) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut normalised = BTreeMap::new();
    for field in &procedure.form {
        let value = values.get(&field.id).map(String::as_str).unwrap_or("");
        match validate_value(field, value, ctx) {
            Ok(value) => {
                normalised.insert(field.id.clone(), value);
            }
            Err(error) => errors.push(error),
        }
    }
    for id in values.keys() {
        if !procedure.form.iter().any(|f| &f.id == id) {
            errors.push(FieldError::new(id.clone(), FieldErrorKind::UnknownField));
        }
    }
    for id_field in procedure
        .form
        .iter()
        .filter(|f| f.kind == FieldKind::PersonalId)
    {
        let Some(person) = person_of(&id_field.id, "_personal_id") else {
            continue;
        };
        let Some(date_field) = procedure
            .form
            .iter()
            .find(|f| f.kind == FieldKind::Date && person_of(&f.id, "_birth_date") == Some(person))
        else {
            continue;
        };
        let (Some(id), Some(date)) = (
            normalised.get(&id_field.id).filter(|v| !v.is_empty()),
            normalised.get(&date_field.id).filter(|v| !v.is_empty()),
        ) else {
            continue;
        };
        let (Ok(personal_id), Some((year, _, _))) = (check_personal_id(id, ctx), parse_date(date))
        else {
            continue;
        };
        if personal_id.birth_year != year {
            errors.push(FieldError::on(
                id_field,
                FieldErrorKind::PersonalIdBirthYearMismatch,
            ));
        }
    }
    if errors.is_empty() {
        Ok(normalised)
    } else {
        Err(errors)
    }
}

/// Checks a whole form (see [`validate_and_normalize_form`]); no errors means it may be
/// submitted.
pub fn validate_form(
    procedure: &Procedure,
    values: &BTreeMap<String, String>,
    ctx: &ValidationContext,
) -> Vec<FieldError> {
    validate_and_normalize_form(procedure, values, ctx)
        .err()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{FieldOption, ProceduresFile};

    const TODAY: ValidationContext = ValidationContext {
        today: (2026, 11, 23),
    };

    fn field(id: &str, kind: FieldKind, required: bool, rules: Vec<ValidationRule>) -> FormField {
        FormField {
            id: id.into(),
            kind,
            label_vi: format!("Nhãn {id}"),
            label_en: format!("Label {id}"),
            required,
            rules,
            options: vec![],
            prefill: None,
            help_vi: None,
            help_en: None,
        }
    }

    fn kind_of(result: Result<String, FieldError>) -> FieldErrorKind {
        result.unwrap_err().kind
    }

    #[test]
    fn required_and_optional_empties() {
        let required = field("name", FieldKind::Text, true, vec![]);
        let optional = field("name", FieldKind::Text, false, vec![]);
        for empty in ["", "   ", "\t\n", "\u{3000}"] {
            assert_eq!(
                kind_of(validate_value(&required, empty, &TODAY)),
                FieldErrorKind::Required
            );
            assert_eq!(validate_value(&optional, empty, &TODAY).unwrap(), "");
        }
        for kind in [
            FieldKind::Date,
            FieldKind::Phone,
            FieldKind::PersonalId,
            FieldKind::AdminUnit,
            FieldKind::Number,
            FieldKind::Email,
        ] {
            let f = field("x", kind, true, vec![]);
            assert_eq!(
                kind_of(validate_value(&f, " ", &TODAY)),
                FieldErrorKind::Required
            );
        }
    }

    #[test]
    fn text_is_one_nfc_line_with_a_length_limit() {
        let f = field("name", FieldKind::Text, true, vec![]);
        assert_eq!(
            validate_value(&f, "  Nguyễn   Văn  An ", &TODAY).unwrap(),
            "Nguyễn Văn An"
        );
        let nfd: String = "Nguyễn Thị Hoà".nfd().collect();
        assert_ne!(nfd, "Nguyễn Thị Hoà");
        assert_eq!(validate_value(&f, &nfd, &TODAY).unwrap(), "Nguyễn Thị Hoà");
        for bad in [
            "a\nb",
            "a\tb",
            "a\u{0}b",
            "a\u{7f}",
            "abc\u{202E}def",
            "x\u{2066}y",
        ] {
            assert_eq!(
                kind_of(validate_value(&f, bad, &TODAY)),
                FieldErrorKind::ControlCharacters,
                "{bad:?}"
            );
        }
        let long = "ă".repeat(200);
        assert_eq!(validate_value(&f, &long, &TODAY).unwrap(), long);
        let too_long = "ă".repeat(201);
        assert_eq!(
            kind_of(validate_value(&f, &too_long, &TODAY)),
            FieldErrorKind::TooLong { max: 200 }
        );
        // NFD input counts in NFC characters: 200 composed letters are fine.
        let nfd_long: String = long.nfd().collect();
        assert!(validate_value(&f, &nfd_long, &TODAY).is_ok());

        let ruled = field(
            "code",
            FieldKind::Text,
            true,
            vec![ValidationRule::Length {
                min: Some(3),
                max: Some(5),
            }],
        );
        assert!(validate_value(&ruled, "abc", &TODAY).is_ok());
        assert_eq!(
            kind_of(validate_value(&ruled, "ab", &TODAY)),
            FieldErrorKind::TooShort { min: 3 }
        );
        assert_eq!(
            kind_of(validate_value(&ruled, "abcdef", &TODAY)),
            FieldErrorKind::TooLong { max: 5 }
        );
        let wide = field(
            "n",
            FieldKind::Text,
            true,
            vec![ValidationRule::Length {
                min: None,
                max: Some(500),
            }],
        );
        assert!(validate_value(&wide, &"a".repeat(500), &TODAY).is_ok());
    }

    #[test]
    fn long_text_keeps_lines() {
        let f = field("reason", FieldKind::LongText, true, vec![]);
        assert_eq!(
            validate_value(&f, " dòng 1\r\ndòng 2\n\n", &TODAY).unwrap(),
            "dòng 1\ndòng 2"
        );
        assert_eq!(
            kind_of(validate_value(&f, "a\u{0}b", &TODAY)),
            FieldErrorKind::ControlCharacters
        );
        assert_eq!(
            kind_of(validate_value(&f, "a\u{202E}b", &TODAY)),
            FieldErrorKind::ControlCharacters
        );
        assert!(validate_value(&f, &"x".repeat(2000), &TODAY).is_ok());
        assert_eq!(
            kind_of(validate_value(&f, &"x".repeat(2001), &TODAY)),
            FieldErrorKind::TooLong { max: 2000 }
        );
    }

    #[test]
    fn numbers_are_integers_within_range() {
        let f = field(
            "copies",
            FieldKind::Number,
            true,
            vec![ValidationRule::Range {
                min: Some(1),
                max: Some(20),
            }],
        );
        assert_eq!(validate_value(&f, "3", &TODAY).unwrap(), "3");
        assert_eq!(validate_value(&f, " 007 ", &TODAY).unwrap(), "7");
        assert_eq!(validate_value(&f, "+20", &TODAY).unwrap(), "20");
        let out = FieldErrorKind::OutOfRange {
            min: Some(1),
            max: Some(20),
        };
        assert_eq!(kind_of(validate_value(&f, "0", &TODAY)), out);
        assert_eq!(kind_of(validate_value(&f, "21", &TODAY)), out);
        assert_eq!(kind_of(validate_value(&f, "-1", &TODAY)), out);
        for bad in [
            "1.5",
            "1,5",
            "abc",
            "1e3",
            "--1",
            "-",
            "+",
            "12a",
            "1 2",
            "٣",
            "99999999999999999999",
        ] {
            assert_eq!(
                kind_of(validate_value(&f, bad, &TODAY)),
                FieldErrorKind::NotANumber,
                "{bad}"
            );
        }
        let money = field(
            "capital_vnd",
            FieldKind::Number,
            true,
            vec![ValidationRule::Range {
                min: Some(0),
                max: None,
            }],
        );
        assert_eq!(
            validate_value(&money, "50.000.000", &TODAY).unwrap(),
            "50000000"
        );
        assert_eq!(
            validate_value(&money, "1,250,000", &TODAY).unwrap(),
            "1250000"
        );
        assert_eq!(validate_value(&money, "2 000", &TODAY).unwrap(), "2000");
        assert_eq!(
            kind_of(validate_value(&money, "1.000,5", &TODAY)),
            FieldErrorKind::NotANumber
        );
        assert_eq!(
            kind_of(validate_value(&money, "10.00", &TODAY)),
            FieldErrorKind::NotANumber
        );
        assert_eq!(
            kind_of(validate_value(&money, "-5", &TODAY)),
            FieldErrorKind::OutOfRange {
                min: Some(0),
                max: None
            }
        );
        let free = field("n", FieldKind::Number, true, vec![]);
        assert_eq!(
            validate_value(&free, "-9223372036854775807", &TODAY).unwrap(),
            "-9223372036854775807"
        );
    }

    #[test]
    fn dates_are_real_calendar_days() {
        let f = field("event_date", FieldKind::Date, true, vec![]);
        assert_eq!(
            validate_value(&f, "2024-02-29", &TODAY).unwrap(),
            "2024-02-29"
        );
        assert_eq!(
            validate_value(&f, "2000-02-29", &TODAY).unwrap(),
            "2000-02-29"
        );
        assert_eq!(
            validate_value(&f, "29/02/2024", &TODAY).unwrap(),
            "2024-02-29"
        );
        assert_eq!(
            validate_value(&f, "1/3/2024", &TODAY).unwrap(),
            "2024-03-01"
        );
        assert_eq!(
            validate_value(&f, "01.03.2024", &TODAY).unwrap(),
            "2024-03-01"
        );
        assert_eq!(
            validate_value(&f, "01-03-2024", &TODAY).unwrap(),
            "2024-03-01"
        );
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-01-00",
            "2024/02/29",
            "24-02-29",
            "20240229",
            "2024-02-29T00:00",
            "abc",
            "2024--02",
            "1799-12-31",
            "3000-01-01",
            "29/02/2023",
            "32/01/2024",
            "2024-1-1-1",
            "２０２４-02-29",
        ] {
            assert_eq!(
                kind_of(validate_value(&f, bad, &TODAY)),
                FieldErrorKind::InvalidDate,
                "{bad}"
            );
        }
        let birth = field(
            "child_birth_date",
            FieldKind::Date,
            true,
            vec![ValidationRule::NotInFuture],
        );
        assert!(
            validate_value(&birth, "2026-11-23", &TODAY).is_ok(),
            "today is not the future"
        );
        assert_eq!(
            kind_of(validate_value(&birth, "2026-11-24", &TODAY)),
            FieldErrorKind::DateInFuture
        );
        assert_eq!(
            kind_of(validate_value(&birth, "2030-01-01", &TODAY)),
            FieldErrorKind::DateInFuture
        );
        let appointment = field(
            "appointment_date",
            FieldKind::Date,
            true,
            vec![ValidationRule::NotInPast],
        );
        assert!(validate_value(&appointment, "2026-11-23", &TODAY).is_ok());
        assert!(validate_value(&appointment, "2027-01-04", &TODAY).is_ok());
        assert_eq!(
            kind_of(validate_value(&appointment, "2026-11-22", &TODAY)),
            FieldErrorKind::DateInPast
        );
    }

    #[test]
    fn the_vietnam_day_is_utc_plus_7() {
        // 2026-11-22T17:00:00Z is midnight of the 23rd in Vietnam.
        let midnight = 1_795_366_800;
        assert_eq!(
            ValidationContext::vietnam_day_of(midnight).today,
            (2026, 11, 23)
        );
        assert_eq!(
            ValidationContext::vietnam_day_of(midnight - 1).today,
            (2026, 11, 22)
        );
        assert_eq!(ValidationContext::vietnam_day_of(0).today, (1970, 1, 1));
        assert_eq!(
            ValidationContext::vietnam_day_of(951_782_400).today,
            (2000, 2, 29)
        );
        assert_eq!(
            ValidationContext::vietnam_day_of(-25_201).today,
            (1969, 12, 31)
        );
        let _ = ValidationContext::vietnam_day_of(i64::MAX);
        let _ = ValidationContext::vietnam_day_of(i64::MIN);
    }

    #[test]
    fn selects_and_checkboxes() {
        let mut sex = field("child_sex", FieldKind::Select, true, vec![]);
        sex.options = vec![
            FieldOption {
                value: "male".into(),
                label_vi: "Nam".into(),
                label_en: "Male".into(),
            },
            FieldOption {
                value: "female".into(),
                label_vi: "Nữ".into(),
                label_en: "Female".into(),
            },
        ];
        assert_eq!(validate_value(&sex, " female ", &TODAY).unwrap(), "female");
        assert_eq!(
            kind_of(validate_value(&sex, "Nữ", &TODAY)),
            FieldErrorKind::NotAnOption
        );
        assert_eq!(
            kind_of(validate_value(&sex, "other", &TODAY)),
            FieldErrorKind::NotAnOption
        );

        let optional = field("needs_home_visit", FieldKind::Checkbox, false, vec![]);
        assert_eq!(validate_value(&optional, "TRUE", &TODAY).unwrap(), "true");
        assert_eq!(validate_value(&optional, "false", &TODAY).unwrap(), "false");
        for bad in ["yes", "1", "có", "truee"] {
            assert_eq!(
                kind_of(validate_value(&optional, bad, &TODAY)),
                FieldErrorKind::NotABoolean
            );
        }
        let declaration = field("owner_consent", FieldKind::Checkbox, true, vec![]);
        assert_eq!(
            validate_value(&declaration, "true", &TODAY).unwrap(),
            "true"
        );
        assert_eq!(
            kind_of(validate_value(&declaration, "false", &TODAY)),
            FieldErrorKind::Required
        );
    }

    #[test]
    fn vietnamese_mobile_numbers() {
        for (input, expected) in [
            ("0912345678", "0912345678"),
            ("+84 912 345 678", "0912345678"),
            ("84912345678", "0912345678"),
            ("+84912345678", "0912345678"),
            ("0084 912 345 678", "0912345678"),
            ("(+84) 912-345-678", "0912345678"),
            ("091.234.5678", "0912345678"),
            ("+84 0912 345 678", "0912345678"),
            ("0321234567", "0321234567"),
            ("0521234567", "0521234567"),
            ("0701234567", "0701234567"),
            ("0861234567", "0861234567"),
            (" 0987654321 ", "0987654321"),
        ] {
            assert_eq!(check_vn_mobile(input).as_deref(), Ok(expected), "{input}");
        }
        for bad in [
            "0212345678",  // landline (Hòa Bình area code)
            "02838123456", // landline, 11 digits
            "091234567",   // 9 digits
            "09123456789", // 11 digits
            "0112345678",  // no such prefix
            "0412345678",
            "0612345678",
            "01234567890", // pre-2018 11-digit mobile
            "+85 912345678",
            "+84 212345678",
            "0912 345 67a",
            "09123+45678",
            "++84912345678",
            "",
            "+",
            "０９１２３４５６７８",
            "091234567890123456789",
        ] {
            assert_eq!(check_vn_mobile(bad), Err(()), "{bad}");
        }
        let f = field("phone", FieldKind::Phone, true, vec![]);
        assert_eq!(
            validate_value(&f, "+84 912 345 678", &TODAY).unwrap(),
            "0912345678"
        );
        assert_eq!(
            kind_of(validate_value(&f, "0212345678", &TODAY)),
            FieldErrorKind::InvalidPhone
        );
    }

    #[test]
    fn emails() {
        let f = field(
            "email",
            FieldKind::Email,
            false,
            vec![ValidationRule::Length {
                min: None,
                max: Some(254),
            }],
        );
        assert_eq!(
            validate_value(&f, " An.Nguyen@Example.VN ", &TODAY).unwrap(),
            "An.Nguyen@example.vn"
        );
        assert!(validate_value(&f, "a+tag@mail.gov.vn", &TODAY).is_ok());
        assert!(validate_value(&f, "hộp@thư.việt.nam", &TODAY).is_ok());
        for bad in [
            "a",
            "a@",
            "@b.vn",
            "a@b",
            "a@@b.vn",
            "a@b@c.vn",
            "a b@c.vn",
            "a@b .vn",
            "a@b..vn",
            "a@.b.vn",
            "a@b.vn.",
            ".a@b.vn",
            "a.@b.vn",
            "a..b@c.vn",
            "a@-b.vn",
            "a@b.1",
            "a@b.v",
            "a@b_c.vn",
            "\"a\"@b.vn",
            "a<b>@c.vn",
            "a,b@c.vn",
            "a(b)@c.vn",
            "a\\b@c.vn",
        ] {
            assert_eq!(
                kind_of(validate_value(&f, bad, &TODAY)),
                FieldErrorKind::InvalidEmail,
                "{bad}"
            );
        }
        let label = "b".repeat(63);
        let long = format!("{}@{label}.{label}.{label}.vn", "a".repeat(64));
        assert!(long.len() > 254);
        assert_eq!(
            kind_of(validate_value(&f, &long, &TODAY)),
            FieldErrorKind::InvalidEmail
        );
        let local_too_long = format!("{}@b.vn", "a".repeat(65));
        assert_eq!(
            kind_of(validate_value(&f, &local_too_long, &TODAY)),
            FieldErrorKind::InvalidEmail
        );
    }

    #[test]
    fn personal_id_numbers() {
        // 046 Thừa Thiên Huế, digit 4 '1' = female born in the 1900s, '87' = 1987.
        let id = check_personal_id("046187000123", &TODAY).unwrap();
        assert_eq!(id.province_code, "046");
        assert_eq!(id.sex, Sex::Female);
        assert_eq!(id.birth_year, 1987);
        assert_eq!(id.province_name(), Some("Thừa Thiên Huế"));
        let id = check_personal_id("079203001234", &TODAY).unwrap();
        assert_eq!((id.sex, id.birth_year), (Sex::Male, 2003));
        let id = check_personal_id("001300000001", &TODAY).unwrap();
        assert_eq!((id.sex, id.birth_year), (Sex::Female, 2000));
        let id = check_personal_id("017026999999", &TODAY).unwrap();
        assert_eq!((id.sex, id.birth_year), (Sex::Male, 1926));
        assert_eq!(
            check_personal_id("072226000001", &TODAY)
                .unwrap()
                .birth_year,
            2026
        );
        assert!(check_personal_id(" 056087000001 ", &TODAY).is_ok());

        use PersonalIdProblem as P;
        for (bad, problem) in [
            ("999187000123", P::UnknownProvince),
            ("000187000123", P::UnknownProvince),
            ("003187000123", P::UnknownProvince),
            ("046487000123", P::ImpossibleCentury), // 2100s
            ("046587000123", P::ImpossibleCentury),
            ("046687000123", P::ImpossibleCentury),
            ("046987000123", P::ImpossibleCentury),
            ("046227000123", P::BirthYearInFuture), // 2027
            ("046399000123", P::BirthYearInFuture), // 2099
            ("04618700012", P::WrongLength),
            ("0461870001234", P::WrongLength),
            ("", P::WrongLength),
            ("04618700012a", P::NotDigits),
            ("046-187-000-123", P::NotDigits),
            ("046 187 000 123", P::NotDigits),
            ("０４６１８７０００１２３", P::NotDigits),
            ("04618700012³", P::NotDigits),
        ] {
            assert_eq!(check_personal_id(bad, &TODAY), Err(problem), "{bad}");
        }
        // In 2100 the 2100s exist.
        let later = ValidationContext::new(2101, 1, 1);
        assert_eq!(
            check_personal_id("046401000123", &later)
                .unwrap()
                .birth_year,
            2101
        );

        let f = field(
            "applicant_personal_id",
            FieldKind::PersonalId,
            true,
            vec![ValidationRule::Length {
                min: None,
                max: Some(12),
            }],
        );
        assert_eq!(
            validate_value(&f, "046 187 000 123", &TODAY).unwrap(),
            "046187000123"
        );
        assert_eq!(
            kind_of(validate_value(&f, "999187000123", &TODAY)),
            FieldErrorKind::InvalidPersonalId(P::UnknownProvince)
        );
    }

    #[test]
    fn admin_units_are_current_codes() {
        let f = field("registration_unit", FieldKind::AdminUnit, true, vec![]);
        assert_eq!(validate_value(&f, " 19789 ", &TODAY).unwrap(), "19789");
        assert_eq!(validate_value(&f, "06970", &TODAY).unwrap(), "06970");
        for bad in [
            "06978",
            "99999",
            "19789x",
            "1978",
            "46",
            "Phường Thuận Hóa",
            "019789",
        ] {
            assert_eq!(
                kind_of(validate_value(&f, bad, &TODAY)),
                FieldErrorKind::UnknownAdminUnit,
                "{bad}"
            );
        }
        let p = field("birth_province", FieldKind::AdminUnit, true, vec![]);
        assert_eq!(validate_value(&p, "46", &TODAY).unwrap(), "46");
        assert_eq!(
            kind_of(validate_value(&p, "74", &TODAY)),
            FieldErrorKind::UnknownAdminUnit
        );
        assert_eq!(
            kind_of(validate_value(&p, "19789", &TODAY)),
            FieldErrorKind::UnknownAdminUnit
        );
    }

    fn procedure_with(form: Vec<FormField>) -> Procedure {
        let mut p = crate::catalog::tests::sample("1.001193");
        p.form = form;
        p
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn forms_report_missing_unknown_and_inconsistent_fields() {
        let procedure = procedure_with(vec![
            field("applicant_name", FieldKind::Text, true, vec![]),
            field("applicant_personal_id", FieldKind::PersonalId, true, vec![]),
            field(
                "applicant_birth_date",
                FieldKind::Date,
                true,
                vec![ValidationRule::NotInFuture],
            ),
            field("child_personal_id", FieldKind::PersonalId, false, vec![]),
            field(
                "child_birth_date",
                FieldKind::Date,
                true,
                vec![ValidationRule::NotInFuture],
            ),
            field("mother_personal_id", FieldKind::PersonalId, false, vec![]),
            field("phone", FieldKind::Phone, true, vec![]),
        ]);
        let good = values(&[
            ("applicant_name", "Trần Thị Bình"),
            ("applicant_personal_id", "046187000123"),
            ("applicant_birth_date", "1987-05-02"),
            ("child_personal_id", "046203000001"),
            ("child_birth_date", "2003-01-31"),
            ("mother_personal_id", "001165000001"), // not paired with the child's birth date
            ("phone", "+84 912 345 678"),
        ]);
        assert_eq!(validate_form(&procedure, &good, &TODAY), vec![]);
        let normalised = validate_and_normalize_form(&procedure, &good, &TODAY).unwrap();
        assert_eq!(normalised["phone"], "0912345678");

        // A 2003 birth date with an ID saying 1900s (digit 4 '0') is refused on the ID field.
        let mut wrong_century = good.clone();
        wrong_century.insert("child_personal_id".into(), "046003000001".into());
        let errors = validate_form(&procedure, &wrong_century, &TODAY);
        assert_eq!(
            errors,
            vec![FieldError::on(
                &procedure.form[3],
                FieldErrorKind::PersonalIdBirthYearMismatch
            )]
        );
        assert_eq!(errors[0].code(), "personal_id_birth_year_mismatch");
        let mut wrong_year = good.clone();
        wrong_year.insert("applicant_birth_date".into(), "1988-05-02".into());
        let errors = validate_form(&procedure, &wrong_year, &TODAY);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "applicant_personal_id");

        let mut broken = good.clone();
        broken.remove("applicant_name");
        broken.insert("phone".into(), "0212345678".into());
        broken.insert("child_birth_date".into(), "2027-01-01".into());
        broken.insert("hacker".into(), "x".into());
        let errors = validate_form(&procedure, &broken, &TODAY);
        let codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code()))
            .collect();
        assert_eq!(
            codes,
            [
                ("applicant_name", "required"),
                ("child_birth_date", "date_in_future"),
                ("phone", "invalid_phone"),
                ("hacker", "unknown_field"),
            ]
        );
        // An empty optional ID is not compared.
        let mut no_child_id = good.clone();
        no_child_id.insert("child_personal_id".into(), " ".into());
        assert_eq!(validate_form(&procedure, &no_child_id, &TODAY), vec![]);
    }

    #[test]
    fn unprefixed_pairs_and_pairing_rules() {
        assert_eq!(
            person_of("applicant_personal_id", "_personal_id"),
            Some("applicant")
        );
        assert_eq!(person_of("personal_id", "_personal_id"), Some(""));
        assert_eq!(person_of("birth_date", "_birth_date"), Some(""));
        assert_eq!(person_of("_personal_id", "_personal_id"), None);
        assert_eq!(person_of("recognising_parent_id", "_personal_id"), None);
        let procedure = procedure_with(vec![
            field("personal_id", FieldKind::PersonalId, true, vec![]),
            field("birth_date", FieldKind::Date, true, vec![]),
        ]);
        let errors = validate_form(
            &procedure,
            &values(&[
                ("personal_id", "046187000123"),
                ("birth_date", "1986-01-01"),
            ]),
            &TODAY,
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, FieldErrorKind::PersonalIdBirthYearMismatch);
    }

    #[test]
    fn messages_name_the_field_and_codes_are_stable() {
        let f = field("phone", FieldKind::Phone, true, vec![]);
        let mut f = f;
        f.label_vi = "Số điện thoại".into();
        f.label_en = "Phone number".into();
        let error = validate_value(&f, "0212345678", &TODAY).unwrap_err();
        assert_eq!(error.code(), "invalid_phone");
        assert!(
            error
                .message(Lang::Vi)
                .starts_with("Số điện thoại: không phải số điện thoại di động")
        );
        assert!(
            error
                .message(Lang::En)
                .starts_with("Phone number: is not a Vietnamese mobile number")
        );
        let unknown = FieldError::new("x", FieldErrorKind::UnknownField);
        assert_eq!(
            unknown.message(Lang::En),
            "This field is not part of the procedure's form."
        );
        assert_eq!(
            unknown.message(Lang::Vi),
            "Trường này không có trong biểu mẫu của thủ tục."
        );
        assert_eq!(FieldError::required("x").kind, FieldErrorKind::Required);
        let document = FieldError::missing_document(
            "birth_certificate",
            "Giấy khai sinh",
            "Birth certificate",
        );
        assert_eq!(document.field, "attachments.birth_certificate");
        assert_eq!(document.code(), "document_required");
        assert_eq!(
            document.message(Lang::Vi),
            "Giấy khai sinh: cần đính kèm thành phần hồ sơ bắt buộc này."
        );
        let problem = error.to_problem();
        assert_eq!(problem.code, "invalid_phone");
        assert_eq!(problem.field, "phone");
        assert_eq!(problem.message_vi, error.message(Lang::Vi));

        use FieldErrorKind as K;
        use PersonalIdProblem as P;
        let all = [
            (K::Required, "required"),
            (K::UnknownField, "unknown_field"),
            (K::TooShort { min: 2 }, "too_short"),
            (K::TooLong { max: 9 }, "too_long"),
            (K::NotANumber, "not_a_number"),
            (
                K::OutOfRange {
                    min: Some(1),
                    max: None,
                },
                "out_of_range",
            ),
            (
                K::OutOfRange {
                    min: None,
                    max: Some(1),
                },
                "out_of_range",
            ),
            (
                K::OutOfRange {
                    min: Some(1),
                    max: Some(2),
                },
                "out_of_range",
            ),
            (
                K::OutOfRange {
                    min: None,
                    max: None,
                },
                "out_of_range",
            ),
            (K::InvalidDate, "invalid_date"),
            (K::DateInFuture, "date_in_future"),
            (K::DateInPast, "date_in_past"),
            (K::NotAnOption, "not_an_option"),
            (K::NotABoolean, "not_a_boolean"),
            (K::InvalidPhone, "invalid_phone"),
            (K::InvalidEmail, "invalid_email"),
            (
                K::InvalidPersonalId(P::WrongLength),
                "personal_id_bad_length",
            ),
            (K::InvalidPersonalId(P::NotDigits), "personal_id_not_digits"),
            (
                K::InvalidPersonalId(P::UnknownProvince),
                "personal_id_bad_province",
            ),
            (
                K::InvalidPersonalId(P::ImpossibleCentury),
                "personal_id_bad_century",
            ),
            (
                K::InvalidPersonalId(P::BirthYearInFuture),
                "personal_id_birth_year_in_future",
            ),
            (
                K::PersonalIdBirthYearMismatch,
                "personal_id_birth_year_mismatch",
            ),
            (K::UnknownAdminUnit, "unknown_admin_unit"),
            (K::ControlCharacters, "control_characters"),
            (K::DocumentRequired, "document_required"),
        ];
        for (kind, code) in all {
            let error = FieldError::on(&f, kind);
            assert_eq!(error.code(), code);
            for lang in [Lang::Vi, Lang::En] {
                let message = error.message(lang);
                assert!(message.len() > 20 && message.ends_with('.'), "{message}");
            }
            assert_ne!(error.message(Lang::Vi), error.message(Lang::En));
        }
    }

    /// A value that should pass for this field of the real catalog.
    fn valid_value(field: &FormField) -> String {
        let (_, max) = length_rule(field);
        match field.kind {
            FieldKind::Text => {
                let name = "Nguyễn Văn An";
                match max {
                    Some(max) if (max as usize) < name.chars().count() => {
                        "1".repeat((max as usize).min(5))
                    }
                    _ => name.to_owned(),
                }
            }
            FieldKind::LongText => "Lý do:\nđề nghị cấp lại.".into(),
            FieldKind::Number => {
                let mut n = 1;
                for rule in &field.rules {
                    if let ValidationRule::Range { min, max } = rule {
                        n = min.unwrap_or(n);
                        if let Some(max) = max {
                            n = n.min(*max);
                        }
                    }
                }
                n.to_string()
            }
            FieldKind::Date => {
                if field.rules.contains(&ValidationRule::NotInPast) {
                    "2026-12-03".into()
                } else {
                    "2000-01-15".into()
                }
            }
            FieldKind::Select => field
                .options
                .first()
                .map(|o| o.value.clone())
                .unwrap_or_default(),
            FieldKind::Checkbox => "true".into(),
            FieldKind::Phone => "+84 912 345 678".into(),
            FieldKind::Email => "nguyen.an@example.vn".into(),
            // Born in 2000 (digit 4 '2': male, 2000s), like every synthetic birth date.
            FieldKind::PersonalId => "046200000123".into(),
            FieldKind::AdminUnit => {
                if is_province_level(field) {
                    "46".into()
                } else {
                    "19789".into()
                }
            }
        }
    }

    #[test]
    fn every_procedure_of_the_real_catalog_accepts_valid_values() {
        let file: ProceduresFile =
            serde_json::from_str(include_str!("../../data/catalog/procedures.json")).unwrap();
        assert!(file.procedures.len() >= 85);
        let mut paired = 0;
        for procedure in &file.procedures {
            let all: BTreeMap<String, String> = procedure
                .form
                .iter()
                .map(|f| (f.id.clone(), valid_value(f)))
                .collect();
            assert_eq!(
                validate_form(procedure, &all, &TODAY),
                vec![],
                "{}",
                procedure.code
            );
            // Only the required fields, too.
            let required: BTreeMap<String, String> = procedure
                .form
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.id.clone(), valid_value(f)))
                .collect();
            assert_eq!(
                validate_form(procedure, &required, &TODAY),
                vec![],
                "{}",
                procedure.code
            );
            // And every required field missing is reported.
            let errors = validate_form(procedure, &BTreeMap::new(), &TODAY);
            assert_eq!(
                errors.len(),
                procedure.form.iter().filter(|f| f.required).count()
            );
            assert!(errors.iter().all(|e| e.kind == FieldErrorKind::Required));
            // Where the form pairs an ID with a birth date, an inconsistent ID is caught.
            for field in procedure
                .form
                .iter()
                .filter(|f| f.kind == FieldKind::PersonalId)
            {
                let Some(person) = person_of(&field.id, "_personal_id") else {
                    continue;
                };
                if !procedure
                    .form
                    .iter()
                    .any(|f| person_of(&f.id, "_birth_date") == Some(person))
                {
                    continue;
                }
                paired += 1;
                let mut wrong = all.clone();
                wrong.insert(field.id.clone(), "046087000123".into());
                let errors = validate_form(procedure, &wrong, &TODAY);
                assert_eq!(errors.len(), 1, "{} {}", procedure.code, field.id);
                assert_eq!(errors[0].kind, FieldErrorKind::PersonalIdBirthYearMismatch);
            }
        }
        assert!(paired >= 15, "{paired} ID/birth-date pairs in the catalog");
    }

    #[test]
    fn no_input_panics() {
        let kinds = [
            FieldKind::Text,
            FieldKind::LongText,
            FieldKind::Number,
            FieldKind::Date,
            FieldKind::Select,
            FieldKind::Checkbox,
            FieldKind::Phone,
            FieldKind::Email,
            FieldKind::PersonalId,
            FieldKind::AdminUnit,
        ];
        let inputs = [
            "",
            "-",
            "+",
            ".",
            "/",
            "//",
            "--",
            "@",
            "@@",
            "a@",
            "+84",
            "84",
            "0084",
            "٣",
            "\u{0}",
            "\u{FEFF}",
            "ǅ",
            "ß",
            "İ",
            "😀",
            "a\u{301}\u{301}\u{301}",
            "9999999999999999999999999999999999999999",
            "----------------------------------------",
            "1.",
            ".1",
            "1..000",
            ",000",
            "2024-",
            "-2024-01-01",
            "0/0/0",
            "99/99/9999",
            "2024-02-3\u{663}",
            "\u{202E}",
            "\r",
            "\r\n",
            "true\u{0}",
        ];
        for kind in kinds {
            for required in [true, false] {
                let mut f = field(
                    "x_personal_id",
                    kind,
                    required,
                    vec![
                        ValidationRule::Length {
                            min: Some(0),
                            max: Some(0),
                        },
                        ValidationRule::Range {
                            min: Some(i64::MIN),
                            max: Some(i64::MAX),
                        },
                        ValidationRule::NotInFuture,
                        ValidationRule::NotInPast,
                    ],
                );
                f.options = vec![FieldOption {
                    value: String::new(),
                    label_vi: String::new(),
                    label_en: String::new(),
                }];
                for input in inputs {
                    let _ = validate_value(&f, input, &TODAY);
                    let _ = validate_value(&f, input, &ValidationContext::new(i32::MIN, 0, 0));
                    let _ = validate_value(&f, input, &ValidationContext::new(i32::MAX, 99, 99));
                }
            }
        }
        for input in inputs {
            let _ = check_personal_id(input, &TODAY);
            let _ = check_vn_mobile(input);
            let _ = parse_date(input);
            let _ = parse_integer(input);
        }
    }
}
