//! Deadlines in working days: the appointment date of an accepted dossier, and how far it
//! moves when the clock was paused for a supplement. Both ask the official working-day
//! calendar (`motcua_protocol::calendar`, the same one the core uses): weekends, statutory
//! holidays with compensatory days, and the government's per-year decisions.

use chrono::NaiveDate;
use motcua_protocol::calendar::WorkingCalendar;

use crate::vn_time::VnTime;

/// The calendar deadlines are counted in.
fn calendar() -> &'static WorkingCalendar {
    WorkingCalendar::official()
}

/// The `days`-th working day after `date` (`date` itself, the day of receipt, is day 0).
pub(crate) fn add_working_days(date: NaiveDate, days: u32) -> NaiveDate {
    calendar().add_working_days(date, days)
}

/// The working days in `(after, up_to]`: how many days the clock lost while paused from
/// `after` to `up_to`. 0 when `up_to` is not after `after`.
pub(crate) fn working_days_between(after: NaiveDate, up_to: NaiveDate) -> u32 {
    u32::try_from(calendar().working_days_between(after, up_to).max(0)).unwrap_or(u32::MAX)
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
    fn working_days_skip_weekends_and_holidays() {
        // 2025-03-07 is a Friday.
        assert_eq!(add_working_days(date("2025-03-07"), 0), date("2025-03-07"));
        assert_eq!(add_working_days(date("2025-03-07"), 1), date("2025-03-10"));
        assert_eq!(add_working_days(date("2025-03-07"), 5), date("2025-03-14"));
        // From a Saturday, the first working day is Monday.
        assert_eq!(add_working_days(date("2025-03-08"), 1), date("2025-03-10"));
        // Tết 2026: offices are off from Sat 14 to Sun 22 February.
        assert_eq!(add_working_days(date("2026-02-13"), 1), date("2026-02-23"));
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
        // Over a weekend only: nothing lost; over Tết 2026 only: nothing lost either.
        assert_eq!(
            working_days_between(date("2025-03-07"), date("2025-03-09")),
            0
        );
        assert_eq!(
            working_days_between(date("2026-02-13"), date("2026-02-22")),
            0
        );
        assert_eq!(
            working_days_between(date("2025-03-12"), date("2025-03-07")),
            0
        );
        // Shifting the appointment by the days lost is the calendar's deadline with the
        // pause: received Mon 2 Mar 2026, 10 days, paused Wed 4 to Mon 9 Mar.
        let received = date("2026-03-02");
        let appointment = add_working_days(received, 10);
        let lost = working_days_between(date("2026-03-04"), date("2026-03-09"));
        assert_eq!(
            add_working_days(appointment, lost),
            WorkingCalendar::official().due_date(
                received,
                10,
                &[(date("2026-03-05"), date("2026-03-09"))]
            )
        );
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(format(date("2025-01-02")), "2025-01-02");
        assert_eq!(parse("2025-02-30"), None);
        let at = VnTime::from_unix(1_580_662_800);
        assert_eq!(format(date_of(&at)), "2020-02-03");
    }
}
