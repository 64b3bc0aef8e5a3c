//! Vietnam's civil time (UTC+7, no daylight saving): dossier codes and submission times are
//! in it, and "today" for form rules is its date.

use std::time::{SystemTime, UNIX_EPOCH};

/// Vietnam's offset from UTC, in seconds.
const OFFSET_SECS: i64 = 7 * 3600;

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
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2))
            .unwrap_or(0);
        VnTime::from_unix(unix)
    }

    /// The moment `unix` seconds after the epoch.
    pub(crate) fn from_unix(unix: i64) -> VnTime {
        let local = unix.saturating_add(OFFSET_SECS);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // `secs` is in 0..86400, so the parts fit.
        let part = |value: i64| u32::try_from(value).unwrap_or(0);
        VnTime {
            year,
            month,
            day,
            hour: part(secs / 3600),
            minute: part(secs % 3600 / 60),
            second: part(secs % 60),
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

/// Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
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
