//! Working days of Vietnamese public offices, for the deadlines of procedures.
//!
//! A working day is a Monday to Friday that is not a day off, or a weekend day the government
//! has made a working day in exchange for another (a swapped Saturday). Days off are:
//!
//! 1. **Public holidays** (Labour Code 2019, art. 112.1), computed for every year:
//!    - 1 January (Tết Dương lịch);
//!    - Lunar New Year (Tết Nguyên đán), 5 days: the last day of the lunar year (the 29th or
//!      30th of the 12th month) and the 1st–4th of the 1st month. The law lets the Prime Minister
//!      fix these days each year; the published schedules checked in the tests (2020, 2023,
//!      2024, 2025, 2026) are exactly these five days with the rule below for weekends;
//!    - Hùng Kings' day (Giỗ Tổ Hùng Vương), the 10th of the 3rd lunar month;
//!    - 30 April and 1 May;
//!    - 2 September and one adjacent day, 1 or 3 September, which the Prime Minister chooses
//!      each year. The computed default is the one that gives the longest unbroken break
//!      (counting weekends and compensatory days); on a tie, the one that is a weekday, then
//!      1 September. By weekday of 2 September: Mon → 3 Sep, Tue → 1 Sep, Wed → 1 Sep,
//!      Thu → 3 Sep, Fri → 1 Sep, Sat → 1 Sep, Sun → 3 Sep, which is what the government chose
//!      in 2024, 2025 and 2026.
//! 2. **Compensatory days** (art. 111.3): a holiday falling on a weekly rest day (Saturday or
//!    Sunday, the rest days of public offices) gives a day off on the next working day that is
//!    not itself a holiday or another compensatory day. For Tết the schedules keep the break in
//!    one block: a Tết day on a Saturday is compensated on the *previous* such working day, one
//!    on a Sunday on the next (2024: Tết days Fri 9 – Tue 13 Feb, off Thu 8 – Wed 14 Feb).
//! 3. **Per-year decisions** ([`YearOverride`]): extra days off granted by swapping them with
//!    a Saturday that is worked instead (2026: Fri 2 Jan off, Sat 10 Jan worked), or a different
//!    choice of days than the computed default. The decisions known so far are embedded from
//!    `data/calendar/overrides.json` (sources in `data/calendar/SOURCES.md`); the portal
//!    publishes newer ones in the same JSON shape and the core passes them to
//!    [`WorkingCalendar::with_overrides`].
//!
//! The rules of the Labour Code 2019 are applied to every year, including years before it
//! took effect (2021); the lunar dates come from [`crate::lunar`] (UTC+7). Outside
//! [`crate::lunar::LUNAR_YEARS`] the lunar holidays are taken from the year of the supported
//! range at the same place in the 19-year cycle in which lunar dates nearly repeat: a plausible
//! date, not an astronomical one. Dates are `chrono::NaiveDate`, civil dates in Vietnam;
//! nothing here reads a clock or panics.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::lunar::{self, LUNAR_YEARS, LunarDate};

const OVERRIDES_JSON: &str = include_str!("../../data/calendar/overrides.json");

/// Why a day is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A public holiday of the Labour Code (also listed when it falls on a weekend).
    Holiday,
    /// A day off in lieu of a public holiday that fell on a Saturday or Sunday.
    Compensatory,
    /// A day off granted by a government decision for that year, usually swapped with a
    /// Saturday worked instead.
    Government,
}

/// A day off of a given year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holiday {
    /// The civil date.
    pub date: NaiveDate,
    /// Name in Vietnamese, e.g. "Quốc khánh (2/9)".
    pub name_vi: String,
    /// Name in English, e.g. "National Day (2 September)".
    pub name_en: String,
    /// Why the day is off.
    pub kind: HolidayKind,
}

/// An extra day off decided for a year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayOff {
    /// The civil date.
    pub date: NaiveDate,
    /// Name in Vietnamese, e.g. "Nghỉ hoán đổi dịp Quốc khánh".
    pub name_vi: String,
    /// Name in English.
    pub name_en: String,
}

/// A day worked although it would otherwise be off: a swapped Saturday, or a default holiday
/// the decision places elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayWorked {
    /// The civil date.
    pub date: NaiveDate,
    /// The day off it is swapped with, if any (for display).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead_of: Option<NaiveDate>,
}

/// The government's decisions for one year's holidays, as published by the portal and in
/// `data/calendar/overrides.json`.
///
/// The dates need not lie in `year` (a swap for 1 January may make a December Saturday a
/// working day); `year` says which year's decision this is. An override replaces, for its
/// `year`, any earlier one: publish the whole year's decisions each time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct YearOverride {
    /// The year the decisions are for.
    pub year: i32,
    /// Days off in addition to the computed holidays.
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    /// Days worked that would otherwise be off (weekend days, or computed holidays).
    #[serde(default)]
    pub days_worked: Vec<DayWorked>,
    /// What was decided, in plain words.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The decisions, e.g. "Công văn 9859/VPCP-KGVX ngày 13/10/2025".
    #[serde(default)]
    pub references: Vec<String>,
}

/// The working-day calendar: computed holidays plus per-year decisions.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearOverride>,
    /// Extra days off by date, from all the overrides.
    days_off: BTreeMap<NaiveDate, DayOff>,
    /// Days worked by date, from all the overrides; these win over any day off.
    days_worked: BTreeMap<NaiveDate, DayWorked>,
}

impl WorkingCalendar {
    /// The calendar with the decisions embedded in this build (`data/calendar/overrides.json`).
    pub fn official() -> &'static WorkingCalendar {
        static OFFICIAL: OnceLock<WorkingCalendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| WorkingCalendar::from_overrides(embedded_overrides()))
    }

    /// The embedded decisions plus `overrides` (from the portal); an override for a year
    /// replaces the embedded one for that year, and a later one in the list an earlier one.
    pub fn with_overrides(overrides: Vec<YearOverride>) -> WorkingCalendar {
        let mut all = embedded_overrides();
        all.extend(overrides);
        WorkingCalendar::from_overrides(all)
    }

    /// The computed holidays only, without any decision (what the rules alone give).
    pub fn defaults_only() -> WorkingCalendar {
        WorkingCalendar::default()
    }

    fn from_overrides(overrides: Vec<YearOverride>) -> WorkingCalendar {
        let mut years = BTreeMap::new();
        for o in overrides {
            years.insert(o.year, o);
        }
        let mut days_off = BTreeMap::new();
        let mut days_worked = BTreeMap::new();
        for o in years.values() {
            for d in &o.days_off {
                days_off.insert(d.date, d.clone());
            }
            for d in &o.days_worked {
                days_worked.insert(d.date, d.clone());
            }
        }
        WorkingCalendar {
            years,
            days_off,
            days_worked,
        }
    }

    /// The decisions applied for `year`, if any (to show their notes and references).
    pub fn year_override(&self, year: i32) -> Option<&YearOverride> {
        self.years.get(&year)
    }

    /// Whether public offices work on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.plan(date.year()).is_working(date)
    }

    /// The days off of `year` in date order: public holidays (also those on a weekend),
    /// compensatory days and decided days off, without the days a decision makes worked.
    /// Weekends are not listed. Empty for a year chrono cannot represent.
    pub fn holidays(&self, year: i32) -> Vec<Holiday> {
        let mut list: Vec<Holiday> = default_days(year)
            .into_iter()
            .filter(|d| !self.days_worked.contains_key(&d.date))
            .map(DefaultDay::to_holiday)
            .collect();
        for d in self.decided_days_off(year) {
            if !list.iter().any(|h| h.date == d.date) {
                list.push(Holiday {
                    date: d.date,
                    name_vi: d.name_vi.clone(),
                    name_en: d.name_en.clone(),
                    kind: HolidayKind::Government,
                });
            }
        }
        list.sort_by_key(|h| h.date);
        list
    }

    /// The date on which the `days`-th working day after `from` ends: `from` itself is day 0
    /// (the day a dossier is received does not count, whether or not it is a working day), the
    /// next working day is day 1. `days == 0` gives `from`. Saturates at the last date chrono
    /// can represent.
    pub fn add_working_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        let mut remaining = i64::from(days);
        let mut cursor = from;
        // A year has at most 262 weekdays; beyond that only the decided worked weekend days.
        let years_left = i64::from(NaiveDate::MAX.year()) - i64::from(from.year()) + 1;
        let at_most = years_left * 262 + self.days_worked.len() as i64;
        if remaining > at_most {
            return NaiveDate::MAX;
        }
        while remaining > 0 {
            let Some(start) = cursor.succ_opt() else {
                return NaiveDate::MAX;
            };
            let plan = self.plan(start.year());
            let end = last_day_of_year(start.year());
            let available = plan.count(start, end);
            if available < remaining {
                remaining -= available;
                cursor = end;
                continue;
            }
            let mut day = start;
            loop {
                if plan.is_working(day) {
                    remaining -= 1;
                    if remaining == 0 {
                        return day;
                    }
                }
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => return NaiveDate::MAX,
                }
            }
        }
        cursor
    }

    /// The number of working days after `from` up to and including `to`, negative when `to` is
    /// before `from`: `working_days_between(from, add_working_days(from, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to >= from {
            from.succ_opt().map_or(0, |start| self.count(start, to))
        } else {
            -to.succ_opt().map_or(0, |start| self.count(start, from))
        }
    }

    /// The deadline of a procedure of `days` working days received on `received` (day 0, see
    /// [`WorkingCalendar::add_working_days`]), with the clock stopped during `pauses`: each pause
    /// `(first, last)` (both included, in either order; pauses may overlap) is a period during
    /// which the office waits for the applicant to supplement the dossier, and the working days
    /// in it do not count. A pause that begins on or before `received` only stops the clock from
    /// the next day.
    pub fn due_date(
        &self,
        received: NaiveDate,
        days: u32,
        pauses: &[(NaiveDate, NaiveDate)],
    ) -> NaiveDate {
        let mut pauses: Vec<(NaiveDate, NaiveDate)> = pauses
            .iter()
            .map(|&(a, b)| if a <= b { (a, b) } else { (b, a) })
            .collect();
        pauses.sort();
        let mut remaining = i64::from(days);
        let mut cursor = received;
        if remaining == 0 {
            return received;
        }
        for (first, last) in pauses {
            if last <= cursor {
                continue;
            }
            // Working days that count before this pause: after `cursor`, before `first`.
            let before = match first.pred_opt() {
                Some(day_before) if day_before > cursor => {
                    self.working_days_between(cursor, day_before)
                }
                _ => 0,
            };
            if before >= remaining {
                break;
            }
            remaining -= before;
            cursor = last;
        }
        let remaining = u32::try_from(remaining).unwrap_or(u32::MAX);
        self.add_working_days(cursor, remaining)
    }

    /// Working days in `start..=end` (0 when `end < start`).
    fn count(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        let mut total = 0;
        let mut from = start;
        while from <= end {
            let year_end = last_day_of_year(from.year()).min(end);
            total += self.plan(from.year()).count(from, year_end);
            match year_end.succ_opt() {
                Some(next) => from = next,
                None => break,
            }
        }
        total
    }

    fn decided_days_off(&self, year: i32) -> impl Iterator<Item = &DayOff> {
        let days = match (first_day_of_year(year), last_day_of_year_opt(year)) {
            (Some(first), Some(last)) => Some(self.days_off.range(first..=last)),
            _ => None,
        };
        days.into_iter()
            .flatten()
            .map(|(_, d)| d)
            .filter(|d| !self.days_worked.contains_key(&d.date))
    }

    /// The exceptions to "Monday–Friday" in `year`.
    fn plan(&self, year: i32) -> YearPlan {
        let mut off_weekdays: Vec<NaiveDate> = default_days(year)
            .iter()
            .map(|d| d.date)
            .chain(self.decided_days_off(year).map(|d| d.date))
            .filter(|&d| !is_weekend(d) && !self.days_worked.contains_key(&d))
            .collect();
        off_weekdays.sort();
        off_weekdays.dedup();
        let worked_weekends = match (first_day_of_year(year), last_day_of_year_opt(year)) {
            (Some(first), Some(last)) => self
                .days_worked
                .range(first..=last)
                .map(|(&d, _)| d)
                .filter(|&d| is_weekend(d))
                .collect(),
            _ => Vec::new(),
        };
        YearPlan {
            off_weekdays,
            worked_weekends,
        }
    }
}

/// The first day of lunar year `year` (Tết Nguyên đán) in Vietnam. Outside
/// [`crate::lunar::LUNAR_YEARS`], the same day and month as in the year of that range at the
/// same place in the 19-year cycle (see the module documentation); years chrono cannot
/// represent are clamped to its range.
pub fn lunar_new_year(year: i32) -> NaiveDate {
    lunar_holidays(year).0
}

/// Hùng Kings' day (10th day of the 3rd lunar month; the regular month when the year has a
/// leap 3rd month) of lunar year `year`, in Vietnam. Same range rules as [`lunar_new_year`].
pub fn hung_kings_day(year: i32) -> NaiveDate {
    lunar_holidays(year).1
}

// ---------------------------------------------------------------------------------------------

fn embedded_overrides() -> Vec<YearOverride> {
    serde_json::from_str(OVERRIDES_JSON).unwrap_or_default()
}

/// Tết and Hùng Kings' day of `year`, computed once per year of the supported range.
fn lunar_holidays(year: i32) -> (NaiveDate, NaiveDate) {
    const SPAN: usize = (*LUNAR_YEARS.end() - *LUNAR_YEARS.start() + 1) as usize;
    static TABLE: [OnceLock<(NaiveDate, NaiveDate)>; SPAN] = [const { OnceLock::new() }; SPAN];

    let year = year.clamp(NaiveDate::MIN.year(), NaiveDate::MAX.year());
    let folded = fold_into_lunar_years(year);
    let index = (folded - LUNAR_YEARS.start()) as usize;
    let (tet, hung) = *TABLE[index.min(SPAN - 1)].get_or_init(|| {
        let tet = lunar::new_year(folded);
        let hung = LunarDate::new(folded, 3, 10).to_solar();
        match (tet, hung) {
            (Ok(tet), Ok(hung)) => (tet, hung),
            // Not reachable inside the range; a mid-season date rather than a panic.
            _ => (ymd_or_max(folded, 2, 5), ymd_or_max(folded, 4, 15)),
        }
    });
    if folded == year {
        (tet, hung)
    } else {
        (
            ymd_or_max(year, tet.month(), tet.day()),
            ymd_or_max(year, hung.month(), hung.day()),
        )
    }
}

/// `year` moved by whole 19-year cycles (235 lunations are 19 years less 2 hours) into
/// [`LUNAR_YEARS`].
fn fold_into_lunar_years(year: i32) -> i32 {
    let (start, end) = (
        i64::from(*LUNAR_YEARS.start()),
        i64::from(*LUNAR_YEARS.end()),
    );
    let y = i64::from(year);
    let folded = if y > end {
        y - 19 * ((y - end + 18) / 19)
    } else if y < start {
        y + 19 * ((start - y + 18) / 19)
    } else {
        y
    };
    folded as i32
}

fn ymd_or_max(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(if year < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

fn first_day_of_year(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

fn last_day_of_year_opt(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// 31 December of `year` (for a date's own year, always representable).
fn last_day_of_year(year: i32) -> NaiveDate {
    last_day_of_year_opt(year).unwrap_or(NaiveDate::MAX)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Weekdays (Monday–Friday) in `start..=end`.
fn weekdays(start: NaiveDate, end: NaiveDate) -> i64 {
    // Days are counted from 0001-01-01, a Monday (day 1 of chrono's count).
    fn before(date: NaiveDate) -> i64 {
        let n = i64::from(date.num_days_from_ce()) - 1;
        5 * n.div_euclid(7) + n.rem_euclid(7).min(5)
    }
    if end < start {
        return 0;
    }
    before(end) + i64::from(!is_weekend(end)) - before(start)
}

/// The exceptions to "Monday–Friday is a working day" in one year.
struct YearPlan {
    /// Weekdays that are off, sorted.
    off_weekdays: Vec<NaiveDate>,
    /// Weekend days that are worked, sorted.
    worked_weekends: Vec<NaiveDate>,
}

impl YearPlan {
    fn is_working(&self, date: NaiveDate) -> bool {
        if is_weekend(date) {
            self.worked_weekends.binary_search(&date).is_ok()
        } else {
            self.off_weekdays.binary_search(&date).is_err()
        }
    }

    /// Working days in `start..=end` (dates of this plan's year).
    fn count(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return 0;
        }
        let within = |list: &[NaiveDate]| {
            (list.partition_point(|&d| d <= end) - list.partition_point(|&d| d < start)) as i64
        };
        weekdays(start, end) - within(&self.off_weekdays) + within(&self.worked_weekends)
    }
}

// ---------------------------------------------------------------------------------------------
// Computed holidays

/// The public holidays of the Labour Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Statutory {
    NewYear,
    /// The last day of the lunar year.
    TetEve,
    /// Day 1–4 of the lunar year.
    Tet(u8),
    HungKings,
    Reunification,
    Labour,
    NationalDay,
    NationalDayAdjacent,
}

impl Statutory {
    fn names(self) -> (String, String) {
        let (vi, en) = match self {
            Statutory::NewYear => ("Tết Dương lịch (1/1)", "New Year's Day"),
            Statutory::TetEve => (
                "Tết Nguyên đán (ngày cuối năm Âm lịch)",
                "Lunar New Year (last day of the lunar year)",
            ),
            Statutory::Tet(1) => ("Tết Nguyên đán (mùng 1)", "Lunar New Year's Day"),
            Statutory::Tet(n) => {
                return (
                    format!("Tết Nguyên đán (mùng {n})"),
                    format!("Lunar New Year (day {n})"),
                );
            }
            Statutory::HungKings => (
                "Giỗ Tổ Hùng Vương (10/3 Âm lịch)",
                "Hùng Kings' Commemoration Day (10th day of the 3rd lunar month)",
            ),
            Statutory::Reunification => ("Ngày Chiến thắng (30/4)", "Reunification Day (30 April)"),
            Statutory::Labour => (
                "Ngày Quốc tế Lao động (1/5)",
                "International Labour Day (1 May)",
            ),
            Statutory::NationalDay => ("Quốc khánh (2/9)", "National Day (2 September)"),
            Statutory::NationalDayAdjacent => {
                ("Quốc khánh (ngày liền kề)", "National Day (adjacent day)")
            }
        };
        (vi.to_owned(), en.to_owned())
    }

    fn is_tet(self) -> bool {
        matches!(self, Statutory::TetEve | Statutory::Tet(_))
    }
}

/// A computed day off: a holiday, or a compensatory day for the holiday on `compensates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DefaultDay {
    date: NaiveDate,
    holiday: Statutory,
    compensates: Option<NaiveDate>,
}

impl DefaultDay {
    fn to_holiday(self) -> Holiday {
        let (vi, en) = self.holiday.names();
        match self.compensates {
            None => Holiday {
                date: self.date,
                name_vi: vi,
                name_en: en,
                kind: HolidayKind::Holiday,
            },
            Some(on) => {
                let (day_vi, day_en) = if on.weekday() == Weekday::Sat {
                    ("thứ Bảy", "Saturday")
                } else {
                    ("Chủ nhật", "Sunday")
                };
                Holiday {
                    date: self.date,
                    name_vi: format!("Nghỉ bù {vi}, trùng {day_vi} {}", on.format("%d/%m/%Y")),
                    name_en: format!("Day off in lieu of {en}, a {day_en} ({on})"),
                    kind: HolidayKind::Compensatory,
                }
            }
        }
    }
}

/// The public holidays of `year` and their compensatory days, in date order.
fn default_days(year: i32) -> Vec<DefaultDay> {
    let (Some(jan_1), Some(apr_30), Some(may_1), Some(sep_2)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 4, 30),
        NaiveDate::from_ymd_opt(year, 5, 1),
        NaiveDate::from_ymd_opt(year, 9, 2),
    ) else {
        return Vec::new();
    };
    let (tet, hung) = lunar_holidays(year);
    let mut statutory = vec![(jan_1, Statutory::NewYear)];
    if let Some(eve) = tet.pred_opt() {
        statutory.push((eve, Statutory::TetEve));
    }
    let mut day = Some(tet);
    for n in 1..=4 {
        if let Some(d) = day {
            statutory.push((d, Statutory::Tet(n)));
            day = d.succ_opt();
        }
    }
    statutory.push((hung, Statutory::HungKings));
    statutory.push((apr_30, Statutory::Reunification));
    statutory.push((may_1, Statutory::Labour));
    statutory.push((sep_2, Statutory::NationalDay));
    statutory.push((national_day_adjacent(sep_2), Statutory::NationalDayAdjacent));
    statutory.sort_by_key(|&(d, _)| d);
    statutory.dedup_by_key(|&mut (d, _)| d);
    let mut days: Vec<DefaultDay> = statutory
        .iter()
        .map(|&(date, holiday)| DefaultDay {
            date,
            holiday,
            compensates: None,
        })
        .collect();
    days.extend(compensatory_days(&statutory));
    days.sort_by_key(|d| d.date);
    days
}

/// Compensatory days for the `holidays` (sorted) that fall on a weekend.
fn compensatory_days(holidays: &[(NaiveDate, Statutory)]) -> Vec<DefaultDay> {
    let mut taken: Vec<NaiveDate> = Vec::new();
    let mut days = Vec::new();
    for &(date, holiday) in holidays.iter().filter(|(d, _)| is_weekend(*d)) {
        let backwards = holiday.is_tet() && date.weekday() == Weekday::Sat;
        let mut candidate = date;
        // Bounded: a free weekday is always found within a few weeks.
        for _ in 0..60 {
            let next = if backwards {
                candidate.pred_opt()
            } else {
                candidate.succ_opt()
            };
            let Some(next) = next else { break };
            candidate = next;
            if !is_weekend(candidate)
                && !holidays.iter().any(|&(d, _)| d == candidate)
                && !taken.contains(&candidate)
            {
                taken.push(candidate);
                days.push(DefaultDay {
                    date: candidate,
                    holiday,
                    compensates: Some(date),
                });
                break;
            }
        }
    }
    days
}

/// The default day next to National Day (see the module documentation).
fn national_day_adjacent(sep_2: NaiveDate) -> NaiveDate {
    let (Some(sep_1), Some(sep_3)) = (sep_2.pred_opt(), sep_2.succ_opt()) else {
        return sep_2;
    };
    let break_length = |adjacent: NaiveDate| {
        let mut holidays = vec![
            (sep_2, Statutory::NationalDay),
            (adjacent, Statutory::NationalDayAdjacent),
        ];
        holidays.sort_by_key(|&(d, _)| d);
        let comp = compensatory_days(&holidays);
        let off = |d: NaiveDate| {
            is_weekend(d)
                || holidays.iter().any(|&(h, _)| h == d)
                || comp.iter().any(|c| c.date == d)
        };
        let mut length = 1;
        for step in [-1i64, 1] {
            let mut d = sep_2;
            while let Some(next) = d.checked_add_signed(chrono::Duration::days(step)) {
                if !off(next) {
                    break;
                }
                length += 1;
                d = next;
            }
        }
        length
    };
    // Longest break; then a weekday; then 1 September.
    let score = |d: NaiveDate| (break_length(d), !is_weekend(d));
    if score(sep_3) > score(sep_1) {
        sep_3
    } else {
        sep_1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
        from.iter_days().take_while(move |&d| d <= to)
    }

    /// `from..=to` is off and the days just outside it are worked.
    fn assert_break(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) {
        for d in days(from, to) {
            assert!(!cal.is_working_day(d), "{d} should be off");
        }
        assert!(
            cal.is_working_day(from.pred_opt().unwrap()),
            "{from} - 1 should be worked"
        );
        assert!(
            cal.is_working_day(to.succ_opt().unwrap()),
            "{to} + 1 should be worked"
        );
    }

    #[test]
    fn the_embedded_overrides_parse_and_are_consistent() {
        let overrides: Vec<YearOverride> = serde_json::from_str(OVERRIDES_JSON).unwrap();
        let years: Vec<i32> = overrides.iter().map(|o| o.year).collect();
        assert_eq!(years, [2024, 2025, 2026]);
        for o in &overrides {
            assert!(
                !o.references.is_empty() && !o.notes.is_empty(),
                "{}",
                o.year
            );
            for d in &o.days_off {
                assert!(
                    !is_weekend(d.date),
                    "{}: day off {} is a weekend day",
                    o.year,
                    d.date
                );
                assert!(!d.name_vi.is_empty() && !d.name_en.is_empty());
            }
            for w in &o.days_worked {
                assert!(
                    is_weekend(w.date),
                    "{}: worked {} is not a weekend day",
                    o.year,
                    w.date
                );
                if let Some(off) = w.instead_of {
                    assert!(
                        o.days_off.iter().any(|d| d.date == off),
                        "{}: {off}",
                        o.year
                    );
                }
            }
        }
        assert_eq!(WorkingCalendar::official().years.len(), 3);
        assert!(WorkingCalendar::official().year_override(2026).is_some());
    }

    #[test]
    fn lunar_new_year_and_hung_kings_day_2024_to_2030() {
        for (year, tet, hung) in [
            (2024, ymd(2024, 2, 10), ymd(2024, 4, 18)),
            (2025, ymd(2025, 1, 29), ymd(2025, 4, 7)),
            (2026, ymd(2026, 2, 17), ymd(2026, 4, 26)),
            (2027, ymd(2027, 2, 6), ymd(2027, 4, 16)),
            (2028, ymd(2028, 1, 26), ymd(2028, 4, 4)),
            (2029, ymd(2029, 2, 13), ymd(2029, 4, 23)),
            (2030, ymd(2030, 2, 2), ymd(2030, 4, 12)),
        ] {
            assert_eq!(lunar_new_year(year), tet, "Tết {year}");
            assert_eq!(hung_kings_day(year), hung, "Hùng Kings {year}");
        }
        // Historic: Vietnam's Tết a day or a month before China's.
        assert_eq!(lunar_new_year(2007), ymd(2007, 2, 17));
        assert_eq!(lunar_new_year(1985), ymd(1985, 1, 21));
    }

    #[test]
    fn holidays_of_2026() {
        use HolidayKind::*;
        let list = WorkingCalendar::official().holidays(2026);
        let got: Vec<(NaiveDate, HolidayKind)> = list.iter().map(|h| (h.date, h.kind)).collect();
        assert_eq!(
            got,
            [
                (ymd(2026, 1, 1), Holiday),
                (ymd(2026, 1, 2), Government),
                (ymd(2026, 2, 16), Holiday),
                (ymd(2026, 2, 17), Holiday),
                (ymd(2026, 2, 18), Holiday),
                (ymd(2026, 2, 19), Holiday),
                (ymd(2026, 2, 20), Holiday),
                (ymd(2026, 4, 26), Holiday),
                (ymd(2026, 4, 27), Compensatory),
                (ymd(2026, 4, 30), Holiday),
                (ymd(2026, 5, 1), Holiday),
                (ymd(2026, 8, 31), Government),
                (ymd(2026, 9, 1), Holiday),
                (ymd(2026, 9, 2), Holiday),
            ]
        );
        assert_eq!(list[3].name_vi, "Tết Nguyên đán (mùng 1)");
        assert_eq!(
            list[8].name_vi,
            "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Âm lịch), trùng Chủ nhật 26/04/2026"
        );
        // docs/domain.md: Tết off 14–22 Feb; 29 Aug – 2 Sep off, Saturday 22 Aug worked for Monday 31 Aug.
        let cal = WorkingCalendar::official();
        assert_break(cal, ymd(2026, 2, 14), ymd(2026, 2, 22));
        assert_break(cal, ymd(2026, 8, 29), ymd(2026, 9, 2));
        assert!(cal.is_working_day(ymd(2026, 8, 22)));
        // New Year: Thursday 1 – Sunday 4 January, Saturday 10 January worked.
        assert_break(cal, ymd(2026, 1, 1), ymd(2026, 1, 4));
        assert!(cal.is_working_day(ymd(2026, 1, 10)));
        // Hùng Kings' day on a Sunday, off Monday 27 April; 30 April – 3 May.
        assert_break(cal, ymd(2026, 4, 25), ymd(2026, 4, 27));
        assert_break(cal, ymd(2026, 4, 30), ymd(2026, 5, 3));
        // Without the decisions, 31 August and 2 January are ordinary days.
        let plain = WorkingCalendar::defaults_only();
        assert!(plain.is_working_day(ymd(2026, 8, 31)) && plain.is_working_day(ymd(2026, 1, 2)));
        assert!(!plain.is_working_day(ymd(2026, 8, 22)));
    }

    #[test]
    fn published_schedules_2020_to_2025() {
        let cal = WorkingCalendar::official();
        // Tết: 2020 Thu 23 – Wed 29 Jan; 2023 Fri 20 – Thu 26 Jan (computed defaults).
        assert_break(cal, ymd(2020, 1, 23), ymd(2020, 1, 29));
        assert_break(cal, ymd(2023, 1, 20), ymd(2023, 1, 26));
        // 2024 (Thông báo 5015/TB-LĐTBXH; Công văn 2450/VPCP-KGVX).
        assert_break(cal, ymd(2024, 2, 8), ymd(2024, 2, 14));
        assert_break(cal, ymd(2024, 4, 27), ymd(2024, 5, 1));
        assert!(cal.is_working_day(ymd(2024, 5, 4)));
        assert_break(cal, ymd(2024, 8, 31), ymd(2024, 9, 3));
        assert!(!cal.is_working_day(ymd(2024, 4, 18)));
        // 2025 (Thông báo 6150/TB-BLĐTBXH).
        assert_break(cal, ymd(2025, 1, 25), ymd(2025, 2, 2));
        assert!(!cal.is_working_day(ymd(2025, 4, 7)));
        assert_break(cal, ymd(2025, 4, 30), ymd(2025, 5, 4));
        assert!(cal.is_working_day(ymd(2025, 4, 26)));
        assert_break(cal, ymd(2025, 8, 30), ymd(2025, 9, 2));
        // The 2024 and 2025 Tết and National Day schedules are exactly the computed defaults.
        let plain = WorkingCalendar::defaults_only();
        for (from, to) in [
            (ymd(2024, 2, 8), ymd(2024, 2, 14)),
            (ymd(2024, 8, 31), ymd(2024, 9, 3)),
            (ymd(2025, 1, 25), ymd(2025, 2, 2)),
            (ymd(2025, 8, 30), ymd(2025, 9, 2)),
            (ymd(2026, 2, 14), ymd(2026, 2, 22)),
        ] {
            assert_break(&plain, from, to);
        }
    }

    #[test]
    fn national_day_adjacent_day_by_weekday() {
        for year in 2021..=2040 {
            let sep_2 = ymd(year, 9, 2);
            let expected = match sep_2.weekday() {
                Weekday::Mon | Weekday::Thu | Weekday::Sun => ymd(year, 9, 3),
                _ => ymd(year, 9, 1),
            };
            assert_eq!(national_day_adjacent(sep_2), expected, "{year}");
        }
        // 2023: Saturday 2 Sep → Fri 1 Sep off and Monday 4 Sep in lieu.
        assert_break(
            &WorkingCalendar::defaults_only(),
            ymd(2023, 9, 1),
            ymd(2023, 9, 4),
        );
        // 2029: Sunday → Sat 1 – Tue 4 Sep.
        assert_break(
            &WorkingCalendar::defaults_only(),
            ymd(2029, 9, 1),
            ymd(2029, 9, 4),
        );
    }

    #[test]
    fn compensatory_days() {
        let cal = WorkingCalendar::defaults_only();
        // 2022: 1 January on a Saturday → Monday 3 January.
        assert!(!cal.is_working_day(ymd(2022, 1, 3)));
        // 2022: 30 April and 1 May on a weekend → Monday 2 and Tuesday 3 May.
        assert_break(&cal, ymd(2022, 4, 30), ymd(2022, 5, 3));
        // 2023: Hùng Kings' day Saturday 29 April, 30 April Sunday, 1 May Monday → 29 Apr – 3 May.
        assert_break(&cal, ymd(2023, 4, 29), ymd(2023, 5, 3));
        // 2027: Tết Saturday 6 February: eve Fri 5, Sat → Thu 4, Sun 7 → Wed 10.
        assert_break(&cal, ymd(2027, 2, 4), ymd(2027, 2, 10));
        let kinds: Vec<HolidayKind> = cal
            .holidays(2027)
            .iter()
            .filter(|h| h.date.month() == 2)
            .map(|h| h.kind)
            .collect();
        use HolidayKind::*;
        assert_eq!(
            kinds,
            [
                Compensatory,
                Holiday,
                Holiday,
                Holiday,
                Holiday,
                Holiday,
                Compensatory
            ]
        );
    }

    #[test]
    fn deadlines_across_holidays() {
        let cal = WorkingCalendar::official();
        // Received Thursday 12 February 2026: Fri 13 is day 1, Tết 14–22, then 23, 24, 25, 26.
        assert_eq!(cal.add_working_days(ymd(2026, 2, 12), 5), ymd(2026, 2, 26));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 12), 1), ymd(2026, 2, 13));
        // Received Friday 24 April 2026: 27 off (Hùng Kings), 28, 29, 30 Apr – 3 May off, 4, 5, 6.
        assert_eq!(cal.add_working_days(ymd(2026, 4, 24), 5), ymd(2026, 5, 6));
        // 2025: Saturday 26 April is a working day.
        assert_eq!(cal.add_working_days(ymd(2025, 4, 25), 1), ymd(2025, 4, 26));
        assert_eq!(cal.add_working_days(ymd(2025, 4, 25), 3), ymd(2025, 4, 29));
        assert_eq!(cal.add_working_days(ymd(2025, 4, 25), 4), ymd(2025, 5, 5));
        assert_eq!(cal.add_working_days(ymd(2025, 4, 29), 1), ymd(2025, 5, 5));
        // 2024: Monday 29 April off, Saturday 4 May worked.
        assert_eq!(cal.add_working_days(ymd(2024, 4, 26), 3), ymd(2024, 5, 4));
        // Day 0 is the receipt day, even on a weekend.
        assert_eq!(cal.add_working_days(ymd(2026, 2, 15), 0), ymd(2026, 2, 15));
        assert_eq!(cal.add_working_days(ymd(2026, 2, 15), 1), ymd(2026, 2, 23));
        // Across the year end and Tết.
        assert_eq!(cal.add_working_days(ymd(2025, 12, 30), 2), ymd(2026, 1, 5));
        assert_eq!(
            cal.working_days_between(ymd(2025, 12, 31), ymd(2026, 2, 28)),
            36
        );
    }

    #[test]
    fn supplement_pauses_stop_the_clock() {
        let cal = WorkingCalendar::official();
        let received = ymd(2026, 3, 2); // Monday
        assert_eq!(cal.due_date(received, 10, &[]), ymd(2026, 3, 16));
        // Supplement requested Thursday 5 March, received Tuesday 10 March: 4 working days
        // paused, counting resumes on Wednesday 11.
        let pause = (ymd(2026, 3, 5), ymd(2026, 3, 10));
        assert_eq!(cal.due_date(received, 10, &[pause]), ymd(2026, 3, 20));
        // Reversed, duplicated and overlapping pauses are the same pause.
        let reversed = (pause.1, pause.0);
        let inner = (ymd(2026, 3, 6), ymd(2026, 3, 9));
        assert_eq!(
            cal.due_date(received, 10, &[reversed, pause, inner]),
            ymd(2026, 3, 20)
        );
        // Two pauses; one before the receipt is ignored.
        let before = (ymd(2026, 2, 1), ymd(2026, 2, 27));
        let second = (ymd(2026, 3, 17), ymd(2026, 3, 17));
        assert_eq!(
            cal.due_date(received, 10, &[second, pause, before]),
            ymd(2026, 3, 23)
        );
        // A pause starting on the receipt day.
        assert_eq!(
            cal.due_date(received, 1, &[(received, ymd(2026, 3, 3))]),
            ymd(2026, 3, 4)
        );
        // The deadline falls before the pause: the pause changes nothing.
        assert_eq!(cal.due_date(received, 2, &[pause]), ymd(2026, 3, 4));
        assert_eq!(cal.due_date(received, 3, &[pause]), ymd(2026, 3, 11));
        assert_eq!(cal.due_date(received, 0, &[pause]), received);
        // A pause over Tết changes nothing that Tết did not.
        let tet = (ymd(2026, 2, 14), ymd(2026, 2, 22));
        assert_eq!(cal.due_date(ymd(2026, 2, 12), 5, &[tet]), ymd(2026, 2, 26));
    }

    /// A small deterministic generator (no dependency needed).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, bound: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % bound
        }
    }

    #[test]
    fn counting_and_adding_agree() {
        let cal = WorkingCalendar::official();
        let base = ymd(2018, 1, 1);
        let mut rng = Lcg(2026);
        for _ in 0..3000 {
            let from = base + chrono::Duration::days(rng.next(365 * 14) as i64);
            let n = rng.next(120) as u32;
            let due = cal.add_working_days(from, n);
            assert_eq!(
                cal.working_days_between(from, due),
                i64::from(n),
                "{from} + {n}"
            );
            if n > 0 {
                assert!(cal.is_working_day(due), "{from} + {n} = {due}");
            }
            // An arbitrary second date: n' working days fit, n' + 1 do not.
            let to = base + chrono::Duration::days(rng.next(365 * 14) as i64);
            let between = cal.working_days_between(from, to);
            assert_eq!(cal.working_days_between(to, from), -between);
            if between >= 0 {
                let k = between as u32;
                assert!(cal.add_working_days(from, k) <= to);
                assert!(cal.add_working_days(from, k + 1) > to);
            }
            // The count is the number of working days, one by one.
            if (to - from).num_days().abs() < 400 && to >= from {
                let slow = days(from.succ_opt().unwrap(), to)
                    .filter(|&d| cal.is_working_day(d))
                    .count() as i64;
                assert_eq!(between, slow, "{from}..{to}");
            }
        }
    }

    #[test]
    fn year_override_from_the_portal() {
        // A made-up decision for 2027: Friday 30 April → Monday 3 May is a swapped day off,
        // worked on Saturday 8 May; and 1 September is worked, 3 September off instead.
        let json = r#"{
            "year": 2027,
            "days_off": [
                {"date": "2027-05-03", "name_vi": "Nghỉ hoán đổi", "name_en": "Swapped day off"},
                {"date": "2027-09-03", "name_vi": "Quốc khánh (ngày liền kề)", "name_en": "National Day (adjacent day)"}
            ],
            "days_worked": [{"date": "2027-05-08", "instead_of": "2027-05-03"}, {"date": "2027-09-01"}],
            "notes": ["test"],
            "references": ["none"]
        }"#;
        let o: YearOverride = serde_json::from_str(json).unwrap();
        let back: YearOverride = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
        let cal = WorkingCalendar::with_overrides(vec![o]);
        assert!(!cal.is_working_day(ymd(2027, 5, 3)));
        assert!(cal.is_working_day(ymd(2027, 5, 8)));
        assert!(cal.is_working_day(ymd(2027, 9, 1)));
        assert!(!cal.is_working_day(ymd(2027, 9, 3)));
        let sep: Vec<NaiveDate> = cal
            .holidays(2027)
            .iter()
            .filter(|h| h.date.month() == 9)
            .map(|h| h.date)
            .collect();
        assert_eq!(sep, [ymd(2027, 9, 2), ymd(2027, 9, 3)]);
        // The embedded years are still there.
        assert!(!cal.is_working_day(ymd(2026, 8, 31)));
        // A portal override for 2026 replaces the embedded one.
        let empty_2026 = YearOverride {
            year: 2026,
            days_off: vec![],
            days_worked: vec![],
            notes: vec![],
            references: vec![],
        };
        let cal = WorkingCalendar::with_overrides(vec![empty_2026]);
        assert!(cal.is_working_day(ymd(2026, 8, 31)));
        // Minimal JSON: only the year.
        let minimal: YearOverride = serde_json::from_str(r#"{"year": 2030}"#).unwrap();
        assert!(minimal.days_off.is_empty());
    }

    #[test]
    fn far_away_years_do_not_panic() {
        for year in [
            -262_000,
            -5000,
            1,
            1000,
            1799,
            2200,
            3000,
            100_000,
            262_142,
            i32::MIN,
            i32::MAX,
        ] {
            let tet = lunar_new_year(year);
            let hung = hung_kings_day(year);
            let y = year.clamp(NaiveDate::MIN.year(), NaiveDate::MAX.year());
            assert_eq!(tet.year(), y);
            assert!(
                tet >= ymd(y, 1, 19) && tet <= ymd(y, 2, 21),
                "{year}: {tet}"
            );
            assert!(
                hung > tet && hung.month() >= 3 && hung.month() <= 5,
                "{year}: {hung}"
            );
            let _ = WorkingCalendar::official().holidays(year);
        }
        assert!(WorkingCalendar::official().holidays(i32::MAX).is_empty());
        let cal = WorkingCalendar::official();
        let last = NaiveDate::MAX;
        assert_eq!(cal.add_working_days(last, 1), last);
        assert_eq!(
            cal.add_working_days(last - chrono::Duration::days(3), 100),
            last
        );
        assert_eq!(cal.add_working_days(ymd(2026, 1, 1), u32::MAX), last);
        let _ = cal.is_working_day(last);
        let _ = cal.is_working_day(NaiveDate::MIN);
        let _ = cal.add_working_days(NaiveDate::MIN, 1000);
        assert!(cal.working_days_between(ymd(1, 1, 1), ymd(9999, 12, 31)) > 2_400_000);
        assert_eq!(cal.working_days_between(last, last), 0);
        assert_eq!(
            cal.due_date(
                last - chrono::Duration::days(10),
                30,
                &[(last, NaiveDate::MIN)]
            ),
            last
        );
    }
}
