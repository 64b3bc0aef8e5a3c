//! Time in Vietnam: one fixed offset, UTC+7 with no daylight saving, for every civil date
//! the portal and the phone derive from an instant (form rules' "today", dossier codes,
//! appointment dates, the day of an assisted session). Only [`unix_now`] reads the clock:
//! everything else takes Unix seconds, so it can be tested at any instant.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset as _, Utc};

/// Seconds since the Unix epoch, now (the one reading of the system clock the portal, the
/// core and the CLI share; 0 if the clock is set before 1970).
pub fn unix_now() -> i64 {
    Utc::now().timestamp().max(0)
}

/// Vietnam's offset from UTC, in seconds.
pub const VIETNAM_UTC_OFFSET_SECS: i32 = 7 * 3600;

/// Vietnam's offset from UTC.
pub fn vietnam_offset() -> FixedOffset {
    // 25,200 seconds is within chrono's ±24 h, so the fallback is never taken.
    FixedOffset::east_opt(VIETNAM_UTC_OFFSET_SECS).unwrap_or_else(|| Utc.fix())
}

/// The instant `unix_seconds` after the epoch, in Vietnam's time; `None` outside chrono's
/// range (about ±262,000 years).
pub fn vietnam_time_of(unix_seconds: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(unix_seconds, 0).map(|utc| utc.with_timezone(&vietnam_offset()))
}

/// The calendar day in Vietnam that contains the instant `unix_seconds` after the epoch;
/// instants outside chrono's range give its first or last day.
pub fn vietnam_date_of(unix_seconds: i64) -> NaiveDate {
    match vietnam_time_of(unix_seconds) {
        Some(time) => time.date_naive(),
        None if unix_seconds < 0 => NaiveDate::MIN,
        None => NaiveDate::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_in_vietnam_begins_at_17_utc() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2026-11-22T17:00:00Z is midnight of the 23rd in Vietnam.
        assert_eq!(vietnam_date_of(1_795_366_800), day(2026, 11, 23));
        assert_eq!(vietnam_date_of(1_795_366_799), day(2026, 11, 22));
        assert_eq!(vietnam_date_of(0), day(1970, 1, 1));
        assert_eq!(vietnam_date_of(-25_201), day(1969, 12, 31));
        assert_eq!(vietnam_date_of(i64::MAX), NaiveDate::MAX);
        assert_eq!(vietnam_date_of(i64::MIN), NaiveDate::MIN);
        let time = vietnam_time_of(1_795_366_800).unwrap();
        assert_eq!(time.to_rfc3339(), "2026-11-23T00:00:00+07:00");
    }
}
