//! Free text a person typed: which characters are refused, length rules, and the
//! normalisation of one-line and multi-line values.

use unicode_normalization::UnicodeNormalization as _;

use super::{FieldError, FieldErrorKind};
use crate::catalog::{FormField, ValidationRule};

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

pub(super) fn length_rule(field: &FormField) -> (Option<u32>, Option<u32>) {
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

pub(super) fn check_length(
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

pub(super) fn normalise_text(field: &FormField, value: &str) -> Result<String, FieldError> {
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

pub(super) fn normalise_long_text(field: &FormField, value: &str) -> Result<String, FieldError> {
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
