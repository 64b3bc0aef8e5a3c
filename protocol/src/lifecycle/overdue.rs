//! Overdue by the national scorecard rules, on civil dates in Vietnam.

use chrono::NaiveDate;

/// A civil date `YYYY-MM-DD` (a longer text such as an RFC 3339 time is read by its first
/// ten characters, which are the date in its own offset). Exactly four, two and two
/// digits; chrono's calendar decides whether the day exists.
pub(crate) fn civil_date(text: &str) -> Option<NaiveDate> {
    let text = text.get(..10)?;
    let shaped = text.bytes().enumerate().all(|(index, byte)| match index {
        4 | 7 => byte == b'-',
        _ => byte.is_ascii_digit(),
    });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Whether a dossier counts as late by the national scorecard rules (docs/domain.md).
///
/// - More than one supplement request counts the dossier as late, whatever the dates.
/// - Otherwise it is late when the end of processing is after the appointment date; while
///   processing has not ended, when `today` is after it.
///
/// Dates are `YYYY-MM-DD` in Vietnam (an RFC 3339 time is read by its date). The time the
/// citizen took to supply documents is not counted because the appointment date already
/// moved later by the paused working days when the supplement arrived; while the clock is
/// paused, pass the day it was paused as `end_of_processing` (the clock stands still).
/// `end_of_processing` is the first of: result ready, rejected, stopped, withdrawal
/// requested. A date that cannot be read makes the answer `false` (nothing to compare).
pub fn is_overdue(
    appointment: &str,
    end_of_processing: Option<&str>,
    today: &str,
    supplement_requests: u32,
) -> bool {
    if supplement_requests > 1 {
        return true;
    }
    let (Some(appointment), Some(end)) = (
        civil_date(appointment),
        civil_date(end_of_processing.unwrap_or(today)),
    ) else {
        return false;
    };
    is_overdue_on(appointment, Some(end), end, supplement_requests)
}

/// [`is_overdue`] on dates.
pub fn is_overdue_on(
    appointment: NaiveDate,
    end_of_processing: Option<NaiveDate>,
    today: NaiveDate,
    supplement_requests: u32,
) -> bool {
    supplement_requests > 1 || end_of_processing.unwrap_or(today) > appointment
}

/// Whether `text` is a valid `YYYY-MM-DD` date.
pub fn is_civil_date(text: &str) -> bool {
    text.len() == 10 && civil_date(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_follows_the_scorecard_rules() {
        // Open, before and on the appointment day: on time; the day after: late.
        assert!(!is_overdue("2025-03-10", None, "2025-03-09", 0));
        assert!(!is_overdue("2025-03-10", None, "2025-03-10", 1));
        assert!(is_overdue("2025-03-10", None, "2025-03-11", 0));
        // Ended on time stays on time, whatever today is.
        assert!(!is_overdue(
            "2025-03-10",
            Some("2025-03-10"),
            "2026-01-01",
            0
        ));
        assert!(is_overdue(
            "2025-03-10",
            Some("2025-03-11"),
            "2025-03-11",
            0
        ));
        // An RFC 3339 time is read by its date.
        assert!(!is_overdue(
            "2025-03-10",
            Some("2025-03-10T16:59:00+07:00"),
            "2025-04-01",
            0
        ));
        // Two supplement requests: late even if early.
        assert!(is_overdue(
            "2025-03-10",
            Some("2025-03-01"),
            "2025-03-01",
            2
        ));
        assert!(is_overdue("2025-03-10", None, "2025-03-01", 3));
        // Across months and years.
        assert!(is_overdue("2024-12-31", None, "2025-01-01", 0));
        assert!(!is_overdue("2025-01-01", None, "2024-12-31", 0));
        // Unreadable dates: nothing to compare.
        for bad in [
            "",
            "2025-3-10",
            "2025-02-30",
            "2025/03/10",
            "2025-13-01",
            "abcd-ef-gh",
        ] {
            assert!(!is_overdue(bad, None, "2030-01-01", 0), "{bad}");
            assert!(
                !is_overdue("2025-03-10", Some(bad), "2030-01-01", 0),
                "{bad}"
            );
        }
        let day = |text: &str| civil_date(text).unwrap();
        assert!(is_overdue_on(day("2025-03-10"), None, day("2025-03-11"), 0));
        assert!(!is_overdue_on(
            day("2025-03-10"),
            Some(day("2025-03-10")),
            day("2025-03-11"),
            1
        ));
        assert!(is_overdue_on(day("2025-03-10"), None, day("2025-03-01"), 2));
        assert!(is_civil_date("2024-02-29"));
        assert!(!is_civil_date("2025-02-29"));
        assert!(!is_civil_date("2025-02-28T00:00:00+07:00"));
        assert!(!is_civil_date("2025-0é-01"));
    }
}
