//! The daily reconciliation report per agency (CSV): every transaction credited that day
//! (Vietnam's date) with its standing, then per agency the totals received, paid, held
//! and refunded, where received = paid + held + refunded.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde::Deserialize;

use crate::AppState;
use crate::deadline::{format, parse};
use crate::error::ApiError;
use crate::staff::AuthenticatedStaff;

/// `?date=YYYY-MM-DD`.
#[derive(Debug, Deserialize)]
pub(crate) struct ReportQuery {
    date: Option<String>,
}

/// The report's columns.
pub(crate) const HEADER: &str =
    "date,agency_code,kind,transaction_id,credited_at,reference,dossier_code,status,amount_vnd";

/// One transaction of the day.
struct Line {
    agency: String,
    transaction_id: String,
    credited_at: String,
    reference: String,
    dossier_code: String,
    /// paid, held or refunded (a held payment applied by the desk counts as paid).
    status: &'static str,
    amount: u64,
}

/// A CSV field, quoted when it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn status_of(outcome: &str, resolution: Option<&str>) -> &'static str {
    match (outcome, resolution) {
        ("paid", _) | (_, Some("apply")) => "paid",
        (_, Some("refund")) => "refunded",
        _ => "held",
    }
}

/// The CSV of `day` over `agencies` (every configured one, and any with transactions).
fn render(day: &str, mut agencies: Vec<String>, lines: &[Line]) -> String {
    for line in lines {
        if !agencies.contains(&line.agency) {
            agencies.push(line.agency.clone());
        }
    }
    agencies.sort();
    let mut out = String::from(HEADER);
    out.push('\n');
    for agency in &agencies {
        let mine: Vec<&Line> = lines.iter().filter(|line| &line.agency == agency).collect();
        for line in &mine {
            out.push_str(&format!(
                "{day},{},transaction,{},{},{},{},{},{}\n",
                field(agency),
                field(&line.transaction_id),
                field(&line.credited_at),
                field(&line.reference),
                field(&line.dossier_code),
                line.status,
                line.amount
            ));
        }
        let sum = |status: Option<&str>| -> u64 {
            mine.iter()
                .filter(|line| status.is_none_or(|wanted| line.status == wanted))
                .map(|line| line.amount)
                .sum()
        };
        for (status, total) in [
            ("received", sum(None)),
            ("paid", sum(Some("paid"))),
            ("held", sum(Some("held"))),
            ("refunded", sum(Some("refunded"))),
        ] {
            out.push_str(&format!(
                "{day},{},total,,,,,{status},{total}\n",
                field(agency)
            ));
        }
    }
    out
}

/// `GET /api/v1/desk/payments/report?date=YYYY-MM-DD` → `text/csv`.
pub(crate) async fn report(
    State(state): State<AppState>,
    _staff: AuthenticatedStaff,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::invalid_request("date must be YYYY-MM-DD"))?;
    let day = match query.date.as_deref() {
        None => format(motcua_protocol::time::vietnam_date_of(crate::db::now())),
        Some(text) => {
            format(parse(text).ok_or_else(|| ApiError::invalid_request("date must be YYYY-MM-DD"))?)
        }
    };
    let wanted = day.clone();
    let lines = state
        .db
        .call(move |conn| -> crate::store::sql::Result<Vec<Line>> {
            conn.prepare_cached(
                "SELECT t.agency_code, t.transaction_id, t.credited_at, COALESCE(p.reference, ''),
                        COALESCE(d.code, ''), t.outcome, t.resolution, t.amount_vnd
                 FROM payment_transactions t
                 LEFT JOIN payment_requests p ON p.id = t.request_id
                 LEFT JOIN dossiers d ON d.id = p.dossier_id
                 WHERE t.report_day = ?1 ORDER BY t.agency_code, t.credited_at, t.id",
            )?
            .query_map([wanted], |row| {
                let outcome: String = row.get(5)?;
                let resolution: Option<String> = row.get(6)?;
                Ok(Line {
                    agency: row.get(0)?,
                    transaction_id: row.get(1)?,
                    credited_at: row.get(2)?,
                    reference: row.get(3)?,
                    dossier_code: row.get(4)?,
                    status: status_of(&outcome, resolution.as_deref()),
                    amount: u64::try_from(row.get::<_, i64>(7)?).unwrap_or(0),
                })
            })?
            .collect()
        })
        .await??;
    let agencies = state
        .payments
        .accounts
        .iter()
        .map(|account| account.agency_code.clone())
        .collect();
    let body = render(&day, agencies, &lines);
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"payments-{day}.csv\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed_and_totals_add_up() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        let line = |agency: &str, status, amount| Line {
            agency: agency.into(),
            transaction_id: format!("T{amount}"),
            credited_at: "2026-12-03T09:00:00+07:00".into(),
            reference: String::new(),
            dossier_code: String::new(),
            status,
            amount,
        };
        let csv = render(
            "2026-12-03",
            vec!["B".into()],
            &[
                line("A", "paid", 7000),
                line("A", "held", 500),
                line("A", "refunded", 20),
            ],
        );
        assert!(
            csv.contains("2026-12-03,A,total,,,,,received,7520\n"),
            "{csv}"
        );
        assert!(csv.contains("2026-12-03,A,total,,,,,held,500\n"));
        assert!(
            csv.contains("2026-12-03,B,total,,,,,received,0\n"),
            "configured, quiet"
        );
    }
}
