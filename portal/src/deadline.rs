//! Deadlines in working days: the appointment date of an accepted dossier, and how far it
//! moves when the clock was paused for a supplement.
//!
//! [`add_working_days`] is the only place that asks the working-day calendar; everything
//! else is built on it.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::vn_time::VnTime;

/// Longest pause counted, in calendar days (a guard for the day-by-day count; a dossier
/// waiting ten years for a supplement is counted as ten years).
const MAX_PAUSE_DAYS: u64 = 3660;

/// The working day `days` working days after `date` (`date` itself when `days` is 0).
///
/// Interim rule until the official calendar (`motcua_protocol::calendar`) lands: Monday to
/// Friday, no public holidays. Switching is this one body.
pub(crate) fn add_working_days(date: NaiveDate, days: u32) -> NaiveDate {
    let mut current = date;
    let mut left = days;
    while left > 0 {
        current = current.checked_add_days(Days::new(1)).unwrap_or(current);
        if !matches!(current.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
        if current == NaiveDate::MAX {
            break;
        }
    }
    current
}

/// The working days in `(after, up_to]`: how many days the clock lost while paused from
/// `after` to `up_to`. 0 when `up_to` is not after `after`.
pub(crate) fn working_days_between(after: NaiveDate, up_to: NaiveDate) -> u32 {
    let mut count = 0u32;
    let mut day = after;
    let mut steps = 0;
    while day < up_to && steps < MAX_PAUSE_DAYS {
        let Some(next) = day.checked_add_days(Days::new(1)) else {
            break;
        };
        // `next` is a working day exactly when it is the first working day after `day`.
        if add_working_days(day, 1) == next {
            count = count.saturating_add(1);
        }
        day = next;
        steps += 1;
    }
    count
}

/// The date of a moment in Vietnam.
pub(crate) fn date_of(at: &VnTime) -> NaiveDate {
    NaiveDate::from_ymd_opt(at.year, at.month, at.day).unwrap_or(NaiveDate::MIN)
}

/// `YYYY-MM-DD`.
pub(crate) fn format(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A `YYYY-MM-DD` date.
pub(crate) fn parse(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse(text).unwrap()
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2025-03-07 is a Friday.
        assert_eq!(add_working_days(date("2025-03-07"), 0), date("2025-03-07"));
        assert_eq!(add_working_days(date("2025-03-07"), 1), date("2025-03-10"));
        assert_eq!(add_working_days(date("2025-03-07"), 5), date("2025-03-14"));
        // From a Saturday, the first working day is Monday.
        assert_eq!(add_working_days(date("2025-03-08"), 1), date("2025-03-10"));
        assert_eq!(add_working_days(NaiveDate::MAX, 3), NaiveDate::MAX);
    }

    #[test]
    fn paused_days_count_the_working_days_lost() {
        // Paused Friday, answered the next Wednesday: Mon, Tue, Wed were lost.
        assert_eq!(
            working_days_between(date("2025-03-07"), date("2025-03-12")),
            3
        );
        // Paused and answered the same day: nothing lost.
        assert_eq!(
            working_days_between(date("2025-03-07"), date("2025-03-07")),
            0
        );
        // Over a weekend only: nothing lost.
        assert_eq!(
            working_days_between(date("2025-03-07"), date("2025-03-09")),
            0
        );
        assert_eq!(
            working_days_between(date("2025-03-12"), date("2025-03-07")),
            0
        );
        // Bounded.
        assert!(working_days_between(NaiveDate::MIN, NaiveDate::MAX) < 3000);
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(format(date("2025-01-02")), "2025-01-02");
        assert_eq!(parse("2025-02-30"), None);
        let at = VnTime::from_unix(1_580_662_800);
        assert_eq!(format(date_of(&at)), "2020-02-03");
    }
}
