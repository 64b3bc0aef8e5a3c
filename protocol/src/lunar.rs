//! The Vietnamese lunisolar calendar (âm lịch), computed for Vietnam's time zone (UTC+7).
//!
//! The calendar is the Chinese one computed for a different meridian: a month begins on the
//! local civil day of a new moon, month 11 is the month containing the winter solstice, and in a
//! period of 13 months from one month 11 to the next, the first month in which the sun enters no
//! new 30° sector of longitude (no "major term", trung khí) is the leap month and carries the
//! number of the month before it. Because days are counted in UTC+7 instead of UTC+8, a new moon
//! or a major term close to midnight can fall on different days in the two calendars, so some
//! dates differ: Tết 2007 is 17 February in Vietnam and 18 February in China; in 1985 the
//! Vietnamese month 11 started a month later than the Chinese one and Tết came on 21 January,
//! a month before China's (20 February).
//!
//! The astronomy is the classical low-precision series (J. Meeus, *Astronomical Formulae for
//! Calculators*): new moons from the mean lunation plus the main periodic terms and ΔT, and the
//! sun's apparent longitude from its mean longitude and equation of centre. This is the method
//! Hồ Ngọc Đức published for the Vietnamese calendar, and with day-level comparisons it
//! reproduces the published Vietnamese calendars. Instants are compared by local day: a month
//! starts on the UTC+7 day of the new moon, and "the sun's sector on a day" is its sector at
//! 00:00 UTC+7 that day.
//!
//! Supported years are [`LUNAR_YEARS`]. Vietnam adopted the UTC+7 calendar in 1968; for earlier
//! years this is the proleptic UTC+7 calendar, not necessarily the one printed at the time.
//! Everything here is pure arithmetic: no I/O, no panics.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Lunar years for which dates are computed, both ways. The method is checked against published
/// dates for 1900–2100; the error of the series grows slowly outside that span.
pub const LUNAR_YEARS: RangeInclusive<i32> = 1800..=2199;

/// Vietnam's offset from UTC in hours (no daylight saving).
pub(crate) const VIETNAM_UTC_OFFSET: f64 = 7.0;

/// Mean length of a lunation (synodic month), in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day (approximately) of new moon number 0, 1900-01-01 13:52 UT.
const NEW_MOON_0: f64 = 2_415_021.076_998_695;
/// Julian day number of 0001-01-01 (proleptic Gregorian) minus one, for chrono's day count.
const JDN_OF_CE_DAY_0: i64 = 1_721_425;

/// Why a lunar conversion has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum LunarError {
    /// The year is outside [`LUNAR_YEARS`].
    #[error("year {0} is outside the supported range of the lunar calendar (1800–2199)")]
    OutOfRange(i32),
    /// No such lunar date: month not 1–12, day past the end of the month (29 or 30 days), or a
    /// leap month that the year does not have.
    #[error("no such lunar date")]
    NoSuchDate,
}

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Lunar year, numbered as the Gregorian year in which it mostly falls (the lunar year that
    /// begins at Tết 2026 is 2026, Bính Ngọ).
    pub year: i32,
    /// Month 1–12 (tháng Giêng = 1, tháng Chạp = 12).
    pub month: u32,
    /// Day 1–30 (a month has 29 or 30 days).
    pub day: u32,
    /// Whether this is the leap month (tháng nhuận) that follows the regular month of the same
    /// number.
    pub leap: bool,
}

impl LunarDate {
    /// A regular (non-leap) lunar date; not checked until converted.
    pub fn new(year: i32, month: u32, day: u32) -> LunarDate {
        LunarDate {
            year,
            month,
            day,
            leap: false,
        }
    }

    /// The lunar date of a Gregorian date, in Vietnam (UTC+7).
    pub fn from_solar(date: NaiveDate) -> Result<LunarDate, LunarError> {
        // The lunar year is the Gregorian one or the one before.
        let year = date.year();
        if year < *LUNAR_YEARS.start() || year > LUNAR_YEARS.end() + 1 {
            return Err(LunarError::OutOfRange(year));
        }
        let lunar = solar_to_lunar(jdn_of(date), year, VIETNAM_UTC_OFFSET);
        if !LUNAR_YEARS.contains(&lunar.year) {
            return Err(LunarError::OutOfRange(lunar.year));
        }
        Ok(lunar)
    }

    /// The Gregorian date of this lunar date, in Vietnam (UTC+7).
    pub fn to_solar(&self) -> Result<NaiveDate, LunarError> {
        if !LUNAR_YEARS.contains(&self.year) {
            return Err(LunarError::OutOfRange(self.year));
        }
        let jdn = lunar_to_solar(self, VIETNAM_UTC_OFFSET).ok_or(LunarError::NoSuchDate)?;
        date_of(jdn).ok_or(LunarError::OutOfRange(self.year))
    }
}

/// The first day of lunar year `year` (Tết Nguyên đán, mùng 1 tháng Giêng) in Vietnam.
pub fn new_year(year: i32) -> Result<NaiveDate, LunarError> {
    LunarDate::new(year, 1, 1).to_solar()
}

/// The leap month of lunar year `year`, if it has one: `Some(4)` means a leap 4th month follows
/// the regular 4th month (2020); `Some(11)` or `Some(12)` are leap months at the end of the year.
pub fn leap_month(year: i32) -> Result<Option<u32>, LunarError> {
    if !LUNAR_YEARS.contains(&year) {
        return Err(LunarError::OutOfRange(year));
    }
    let tz = VIETNAM_UTC_OFFSET;
    // Months 1–10 of lunar year `year` are in the period ending at month 11 of Gregorian `year`.
    let this = Period::ending_in(year, tz);
    if let Some(leap) = this.leap.filter(|&l| l >= 3) {
        return Ok(Some(month_number(leap - 1)));
    }
    // Months 11 and 12 are at the start of the next period.
    let next = Period::ending_in(year + 1, tz);
    Ok(next.leap.filter(|&l| l <= 2).map(|l| month_number(l - 1)))
}

// ---------------------------------------------------------------------------------------------
// Day numbers

/// Julian day number (the day count used by astronomers; 2000-01-01 is 2 451 545).
pub(crate) fn jdn_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_DAY_0
}

/// The Gregorian date of a Julian day number, if chrono can represent it.
pub(crate) fn date_of(jdn: i64) -> Option<NaiveDate> {
    let days = i32::try_from(jdn - JDN_OF_CE_DAY_0).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// Julian day number of 31 December of `year` (clamped to the years chrono can represent).
fn jdn_of_dec_31(year: i32) -> i64 {
    let year = year.clamp(NaiveDate::MIN.year(), NaiveDate::MAX.year());
    NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, jdn_of)
}

// ---------------------------------------------------------------------------------------------
// Astronomy

/// Instant (Julian day, UT) of new moon number `k`, counted from the new moon of 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900
    let (t2, t3) = (t * t, t * t * t);
    let rad = std::f64::consts::PI / 180.0;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * rad).sin();
    // Mean anomalies of the sun (m) and the moon (mp), and the moon's argument of latitude (f).
    let m = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * rad;
    let mp = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * rad;
    let f = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * rad;
    let periodic = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (m + 2.0 * mp).sin();
    // ΔT (terrestrial minus universal time), in days.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + periodic - delta_t
}

/// The sun's apparent longitude at Julian day `jd` (UT), in degrees, 0 ≤ λ < 360.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000.0
    let t2 = t * t;
    let rad = std::f64::consts::PI / 180.0;
    let anomaly = (357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2) * rad;
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * anomaly.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * anomaly).sin()
        + 0.000_290 * (3.0 * anomaly).sin();
    (mean_longitude + centre).rem_euclid(360.0)
}

/// The local day (Julian day number) on which new moon `k` falls, at `tz` hours from UTC.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    (new_moon(k) + 0.5 + tz / 24.0).floor() as i64
}

/// The 30° sector (0–11) of the sun's longitude at the start (00:00 local) of day `jdn`;
/// sector 9 starts at the winter solstice (270°).
fn sun_sector(jdn: i64, tz: f64) -> i64 {
    let jd = jdn as f64 - 0.5 - tz / 24.0;
    ((sun_longitude(jd) / 30.0).floor() as i64).clamp(0, 11)
}

/// The number of the new moon nearest to day `jdn`, approximately.
fn lunation_near(jdn: i64) -> i64 {
    ((jdn as f64 - NEW_MOON_0) / SYNODIC_MONTH).floor() as i64
}

/// The lunation number that starts month 11 of Gregorian year `year`: the lunar month that
/// contains the December solstice.
fn month_11(year: i32, tz: f64) -> i64 {
    let dec_31 = jdn_of_dec_31(year);
    let mut k = lunation_near(dec_31);
    // Make new moon k the last one on or before 31 December (a step or two at most).
    for _ in 0..3 {
        if new_moon_day(k, tz) > dec_31 {
            k -= 1;
        } else if new_moon_day(k + 1, tz) <= dec_31 {
            k += 1;
        } else {
            break;
        }
    }
    // If the sun is already past 270° when that month begins, the solstice is in the month before.
    if sun_sector(new_moon_day(k, tz), tz) >= 9 {
        k -= 1;
    }
    k
}

// ---------------------------------------------------------------------------------------------
// Months

/// The lunar months from month 11 of Gregorian year `year - 1` up to (not including) month 11
/// of Gregorian year `year`: 12 months, or 13 with a leap month.
struct Period {
    /// Lunar year in which this period's months 1–10 fall (= the Gregorian `year`).
    year: i32,
    /// First days (Julian day numbers) of the months, plus the first day of the next period:
    /// `starts[i]..starts[i + 1]` is month `i` (month 0 is month 11 of the previous lunar year).
    starts: Vec<i64>,
    /// Index of the leap month (1–12) when there are 13 months.
    leap: Option<usize>,
}

impl Period {
    fn ending_in(year: i32, tz: f64) -> Period {
        let first = month_11(year - 1, tz);
        let next = month_11(year, tz);
        let count = (next - first).clamp(12, 13) as usize;
        let starts: Vec<i64> = (0..=count as i64)
            .map(|i| new_moon_day(first + i, tz))
            .collect();
        let leap = (count == 13).then(|| {
            // The first month during which the sun enters no new sector; should the day-level
            // comparison find none, the last month is taken as the leap month.
            (1..count)
                .find(|&i| sun_sector(starts[i], tz) == sun_sector(starts[i + 1], tz))
                .unwrap_or(count - 1)
        });
        Period { year, starts, leap }
    }

    fn months(&self) -> usize {
        self.starts.len() - 1
    }

    /// Month number, leap flag and lunar year of month index `i`.
    fn label(&self, i: usize) -> (u32, bool, i32) {
        let regular = match self.leap {
            Some(leap) if i >= leap => i - 1,
            _ => i,
        };
        let year = if regular < 2 {
            self.year - 1
        } else {
            self.year
        };
        (month_number(regular), self.leap == Some(i), year)
    }

    /// Index of the month with this number (and leap flag), if the period has it.
    fn index_of(&self, month: u32, leap: bool) -> Option<usize> {
        let regular = if month >= 11 {
            month as usize - 11
        } else {
            month as usize + 1
        };
        match (self.leap, leap) {
            (Some(l), true) => (l == regular + 1).then_some(l),
            (_, true) => None,
            (Some(l), false) if l <= regular => Some(regular + 1),
            _ => Some(regular),
        }
    }
}

/// Month number of the `n`-th regular month of a period (0 → 11, 1 → 12, 2 → 1, … 11 → 10).
fn month_number(n: usize) -> u32 {
    ((n + 10) % 12 + 1) as u32
}

fn solar_to_lunar(jdn: i64, gregorian_year: i32, tz: f64) -> LunarDate {
    // A date on or after this year's month 11 belongs to the period ending next year.
    let period_year = if jdn >= new_moon_day(month_11(gregorian_year, tz), tz) {
        gregorian_year + 1
    } else {
        gregorian_year
    };
    let period = Period::ending_in(period_year, tz);
    let i = (0..period.months())
        .rev()
        .find(|&i| period.starts[i] <= jdn)
        .unwrap_or(0);
    let (month, leap, year) = period.label(i);
    let day = (jdn - period.starts[i] + 1).clamp(1, 30) as u32;
    LunarDate {
        year,
        month,
        day,
        leap,
    }
}

fn lunar_to_solar(date: &LunarDate, tz: f64) -> Option<i64> {
    if !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return None;
    }
    let period_year = if date.month >= 11 {
        date.year + 1
    } else {
        date.year
    };
    let period = Period::ending_in(period_year, tz);
    let i = period.index_of(date.month, date.leap)?;
    let start = period.starts[i];
    let length = period.starts[i + 1] - start;
    (i64::from(date.day) <= length).then(|| start + i64::from(date.day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Tết at a given offset from UTC (8 for the Chinese calendar).
    fn new_year_at(year: i32, tz: f64) -> NaiveDate {
        date_of(lunar_to_solar(&LunarDate::new(year, 1, 1), tz).unwrap()).unwrap()
    }

    #[test]
    fn day_numbers() {
        assert_eq!(jdn_of(ymd(2000, 1, 1)), 2_451_545);
        assert_eq!(jdn_of(ymd(1900, 1, 1)), 2_415_021);
        assert_eq!(date_of(2_451_545), Some(ymd(2000, 1, 1)));
        assert_eq!(date_of(i64::MAX), None);
    }

    #[test]
    fn astronomy_sanity() {
        // New moon of 2000-01-06 18:14 UT.
        let k = lunation_near(jdn_of(ymd(2000, 1, 6)));
        let k = (k - 1..=k + 1)
            .min_by_key(|&k| (new_moon(k) - 2_451_550.26).abs() as i64)
            .unwrap();
        assert!((new_moon(k) - 2_451_550.26).abs() < 0.01, "{}", new_moon(k));
        // The sun is at 270° at the December 2024 solstice, 21 Dec 09:20 UT.
        let solstice = jdn_of(ymd(2024, 12, 21)) as f64 - 0.5 + 9.33 / 24.0;
        assert!((sun_longitude(solstice) - 270.0).abs() < 0.02);
    }

    #[test]
    fn lunar_new_year_published_dates() {
        for (year, date) in [
            (2024, ymd(2024, 2, 10)),
            (2025, ymd(2025, 1, 29)),
            (2026, ymd(2026, 2, 17)),
            (2027, ymd(2027, 2, 6)),
            (2028, ymd(2028, 1, 26)),
            (2029, ymd(2029, 2, 13)),
            // The new moon is at 23:07 UTC+7 on 2 February: Tết is the 2nd in Vietnam and the
            // 3rd (00:07 UTC+8) in China.
            (2030, ymd(2030, 2, 2)),
            (2023, ymd(2023, 1, 22)),
            (2020, ymd(2020, 1, 25)),
            (2007, ymd(2007, 2, 17)),
            (1985, ymd(1985, 1, 21)),
            (1968, ymd(1968, 1, 29)),
        ] {
            assert_eq!(new_year(year), Ok(date), "Tết {year}");
        }
    }

    #[test]
    fn the_vietnamese_calendar_differs_from_the_chinese_one() {
        for (year, vietnam, china) in [
            (1985, ymd(1985, 1, 21), ymd(1985, 2, 20)),
            (2007, ymd(2007, 2, 17), ymd(2007, 2, 18)),
            (2030, ymd(2030, 2, 2), ymd(2030, 2, 3)),
            (1968, ymd(1968, 1, 29), ymd(1968, 1, 30)),
        ] {
            assert_eq!(new_year_at(year, 7.0), vietnam, "{year} in Vietnam");
            assert_eq!(new_year_at(year, 8.0), china, "{year} in China");
        }
        // In most years they agree.
        assert_eq!(new_year_at(2026, 8.0), ymd(2026, 2, 17));
        assert_eq!(new_year_at(2024, 8.0), ymd(2024, 2, 10));
    }

    #[test]
    fn leap_months() {
        for (year, leap) in [
            (2017, Some(6)),
            (2019, None),
            (2020, Some(4)),
            (2023, Some(2)),
            (2024, None),
            (2025, Some(6)),
            (2026, None),
            (2028, Some(5)),
        ] {
            assert_eq!(leap_month(year), Ok(leap), "{year}");
        }
        // Leap 6th month of 2025: from 25 July to 22 August.
        let leap = LunarDate {
            year: 2025,
            month: 6,
            day: 1,
            leap: true,
        };
        assert_eq!(leap.to_solar(), Ok(ymd(2025, 7, 25)));
        assert_eq!(LunarDate::from_solar(ymd(2025, 7, 25)), Ok(leap));
        assert_eq!(LunarDate::new(2025, 6, 1).to_solar(), Ok(ymd(2025, 6, 25)));
        assert_eq!(LunarDate::new(2025, 7, 1).to_solar(), Ok(ymd(2025, 8, 23)));
        // 2026 has no leap month.
        let no_leap = LunarDate {
            year: 2026,
            month: 6,
            day: 1,
            leap: true,
        };
        assert_eq!(no_leap.to_solar(), Err(LunarError::NoSuchDate));
    }

    #[test]
    fn known_lunar_dates() {
        // Mid-autumn 2025 (15/8) was 6 October; Hùng Kings' day 2026 (10/3) is 26 April.
        assert_eq!(LunarDate::new(2025, 8, 15).to_solar(), Ok(ymd(2025, 10, 6)));
        assert_eq!(LunarDate::new(2026, 3, 10).to_solar(), Ok(ymd(2026, 4, 26)));
        // 16 February 2026 is the last day (29th) of the 12th month of 2025.
        assert_eq!(
            LunarDate::from_solar(ymd(2026, 2, 16)),
            Ok(LunarDate::new(2025, 12, 29))
        );
        assert_eq!(
            LunarDate::new(2025, 12, 30).to_solar(),
            Err(LunarError::NoSuchDate)
        );
        assert_eq!(
            LunarDate::from_solar(ymd(2024, 2, 9)),
            Ok(LunarDate::new(2023, 12, 30))
        );
    }

    #[test]
    fn round_trip_every_day_1950_to_2050() {
        let mut date = ymd(1950, 1, 1);
        let end = ymd(2050, 12, 31);
        let mut previous: Option<LunarDate> = None;
        while date <= end {
            let lunar = LunarDate::from_solar(date).unwrap();
            assert_eq!(lunar.to_solar(), Ok(date), "{date} → {lunar:?}");
            assert!((1..=12).contains(&lunar.month) && (1..=30).contains(&lunar.day));
            // Consecutive days: the next lunar day, or day 1 of the next month after day 29/30.
            if let Some(prev) = previous {
                if lunar.day == 1 {
                    assert!(
                        prev.day == 29 || prev.day == 30,
                        "{date}: {prev:?} → {lunar:?}"
                    );
                } else {
                    assert_eq!(lunar.day, prev.day + 1, "{date}");
                    assert_eq!(
                        (lunar.year, lunar.month, lunar.leap),
                        (prev.year, prev.month, prev.leap)
                    );
                }
            }
            previous = Some(lunar);
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn every_period_is_well_formed() {
        for year in LUNAR_YEARS {
            let period = Period::ending_in(year, VIETNAM_UTC_OFFSET);
            for w in period.starts.windows(2) {
                assert!((29..=30).contains(&(w[1] - w[0])), "{year}");
            }
            if let Some(leap) = period.leap {
                // A real month without a major term was found, not the fallback.
                let s = |i: usize| sun_sector(period.starts[i], VIETNAM_UTC_OFFSET);
                assert_eq!(s(leap), s(leap + 1), "{year}");
            }
            let tet = new_year(year).unwrap();
            assert!(
                tet >= ymd(year, 1, 20) && tet <= ymd(year, 2, 20),
                "Tết {year}: {tet}"
            );
        }
    }

    #[test]
    fn out_of_range_and_impossible_dates_are_errors() {
        assert_eq!(new_year(1799), Err(LunarError::OutOfRange(1799)));
        assert_eq!(new_year(i32::MAX), Err(LunarError::OutOfRange(i32::MAX)));
        assert_eq!(
            LunarDate::from_solar(NaiveDate::MAX),
            Err(LunarError::OutOfRange(NaiveDate::MAX.year()))
        );
        assert_eq!(leap_month(3000), Err(LunarError::OutOfRange(3000)));
        for (month, day) in [(0, 1), (13, 1), (1, 0), (1, 31), (u32::MAX, u32::MAX)] {
            assert_eq!(
                LunarDate::new(2026, month, day).to_solar(),
                Err(LunarError::NoSuchDate)
            );
        }
        // The ends of the range: 1 January 1800 is still in lunar year 1799.
        assert_eq!(
            LunarDate::from_solar(ymd(1800, 1, 1)),
            Err(LunarError::OutOfRange(1799))
        );
        let first = new_year(1800).unwrap();
        assert_eq!(LunarDate::from_solar(first), Ok(LunarDate::new(1800, 1, 1)));
        let last = new_year(2200).ok();
        assert_eq!(last, None);
        let end = LunarDate::new(2199, 12, 29).to_solar().unwrap();
        assert_eq!(LunarDate::from_solar(end).map(|d| d.year), Ok(2199));
        assert!(LunarDate::from_solar(ymd(2200, 3, 1)).is_err());
    }
}
