//! Contact details on a form: Vietnamese mobile numbers and e-mail addresses.

use super::EMAIL_MAX;

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

pub(super) fn check_email(value: &str) -> Option<String> {
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
