//! `motcua calendar …`: working days as the desk counts them (useful at the counter to
//! tell a citizen the appointment date). Offline: the calendar is computed and the
//! government's per-year decisions are built in.

use chrono::{Datelike as _, NaiveDate};
use motcua_protocol::calendar::{HolidayKind, WorkingCalendar};
use serde::Serialize;

use crate::error::CliError;
use crate::output::Output;

fn parse_date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text.trim(), "%d/%m/%Y"))
        .map_err(|_| {
            CliError::InvalidArgument(format!("{text}: expected YYYY-MM-DD or DD/MM/YYYY"))
        })
}

/// `motcua calendar due --from <date> --days <n>`.
pub fn due(out: &Output, from: &str, days: u32) -> Result<(), CliError> {
    let from = parse_date(from)?;
    let calendar = WorkingCalendar::official();
    let due = calendar.add_working_days(from, days);
    #[derive(Serialize)]
    struct Due {
        from: NaiveDate,
        working_days: u32,
        due: NaiveDate,
        calendar_days: i64,
    }
    let answer = Due {
        from,
        working_days: days,
        due,
        calendar_days: (due - from).num_days(),
    };
    out.result(&answer, || {
        format!(
            "{} {} + {days} {} = {} ({}, {} {})",
            out.t("Nhận", "Received"),
            from.format("%d/%m/%Y"),
            out.t("ngày làm việc", "working days"),
            due.format("%d/%m/%Y"),
            weekday(out, due),
            answer.calendar_days,
            out.t("ngày lịch", "calendar days")
        )
    });
    Ok(())
}

/// `motcua calendar holidays <year>`.
pub fn holidays(out: &Output, year: i32) -> Result<(), CliError> {
    let list = WorkingCalendar::official().holidays(year);
    out.result(&list, || {
        list.iter()
            .map(|h| {
                let kind = match h.kind {
                    HolidayKind::Holiday => "",
                    HolidayKind::Compensatory => out.t(" (nghỉ bù)", " (in lieu)"),
                    HolidayKind::Government => out.t(" (theo quyết định)", " (by decision)"),
                };
                let name = match out.lang {
                    motcua_core::Lang::Vi => &h.name_vi,
                    motcua_core::Lang::En => &h.name_en,
                };
                format!(
                    "{}  {:<3} {name}{kind}",
                    h.date.format("%d/%m/%Y"),
                    weekday(out, h.date)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn weekday(out: &Output, date: NaiveDate) -> &'static str {
    let index = date.weekday().num_days_from_monday() as usize;
    match out.lang {
        motcua_core::Lang::Vi => ["T2", "T3", "T4", "T5", "T6", "T7", "CN"][index],
        motcua_core::Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][index],
    }
}
