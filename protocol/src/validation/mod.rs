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

mod contact;
mod errors;
mod personal_id;
mod text;

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};
use unicode_normalization::UnicodeNormalization as _;

use crate::admin_units;
use crate::catalog::{FieldKind, FormField, Procedure, ValidationRule};

use contact::check_email;
pub use contact::check_vn_mobile;
pub use errors::{FieldError, FieldErrorKind, document_field};
pub use personal_id::{PersonalId, PersonalIdProblem, Sex, check_personal_id};
pub use text::is_forbidden_in_free_text;
use text::{check_length, normalise_long_text, normalise_text};

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
        let date = crate::time::vietnam_date_of(unix_seconds);
        ValidationContext::new(date.year(), date.month(), date.day())
    }
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
    // chrono's calendar decides whether the day exists (29 February, 31 April).
    NaiveDate::from_ymd_opt(year, month, day)?;
    DATE_YEARS.contains(&year).then_some((year, month, day))
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
mod tests;
