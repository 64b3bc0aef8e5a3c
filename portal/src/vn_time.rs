//! Vietnam's civil time (UTC+7, no daylight saving): dossier codes and submission times are
//! in it, and "today" for form rules is its date. The calendar is chrono's, through
//! [`motcua_protocol::time`], the one place both the portal and the phone keep Vietnam's
//! offset.

use chrono::{Datelike as _, Timelike as _};
use motcua_protocol::time::{unix_now, vietnam_time_of};

/// A moment in Vietnam's civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VnTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl VnTime {
    /// Now.
    pub(crate) fn now() -> VnTime {
        VnTime::from_unix(unix_now())
    }

    /// The moment `unix` seconds after the epoch (clamped to chrono's range, about
    /// ±262,000 years).
    pub(crate) fn from_unix(unix: i64) -> VnTime {
        // chrono's range in seconds: its first and last representable instants.
        let first = chrono::DateTime::<chrono::Utc>::MIN_UTC.timestamp();
        let last = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp() - 7 * 3600;
        let Some(time) = vietnam_time_of(unix.clamp(first, last)) else {
            return VnTime {
                year: 1970,
                month: 1,
                day: 1,
                hour: 7,
                minute: 0,
                second: 0,
            };
        };
        VnTime {
            year: time.year(),
            month: time.month(),
            day: time.day(),
            hour: time.hour(),
            minute: time.minute(),
            second: time.second(),
        }
    }

    /// The date, as `validation` takes it.
    pub(crate) fn date(&self) -> (i32, u32, u32) {
        (self.year, self.month, self.day)
    }

    /// `YYMMDD`, the date part of a dossier code.
    pub(crate) fn yymmdd(&self) -> String {
        format!(
            "{:02}{:02}{:02}",
            self.year.rem_euclid(100),
            self.month,
            self.day
        )
    }

    /// RFC 3339 with the `+07:00` offset, e.g. `2025-03-04T09:15:00+07:00`.
    pub(crate) fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_moments() {
        // 2020-02-02T17:00:00Z is 2020-02-03 00:00 in Vietnam.
        let t = VnTime::from_unix(1_580_662_800);
        assert_eq!(t.date(), (2020, 2, 3));
        assert_eq!(t.yymmdd(), "200203");
        assert_eq!(t.rfc3339(), "2020-02-03T00:00:00+07:00");
        // One second earlier it is still the 2nd.
        assert_eq!(
            VnTime::from_unix(1_580_662_799).rfc3339(),
            "2020-02-02T23:59:59+07:00"
        );
        assert_eq!(VnTime::from_unix(0).rfc3339(), "1970-01-01T07:00:00+07:00");
        // A leap day and the turn of a century.
        assert_eq!(VnTime::from_unix(951_782_400).date(), (2000, 2, 29));
        assert_eq!(VnTime::from_unix(4_107_517_200).date(), (2100, 3, 1));
        assert_eq!(VnTime::from_unix(-86_400).date(), (1969, 12, 31));
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let _ = VnTime::from_unix(i64::MAX);
        let _ = VnTime::from_unix(i64::MIN);
    }
}
