//! Applying lifecycle actions to stored dossiers: the decision is
//! `motcua_protocol::lifecycle::transition`; this module records it. One action is, in the
//! caller's transaction: the dossier's new status and dates, one event (the timeline and
//! the sync feed) and one audit row. A refused action changes nothing but writes an audit
//! row with the refusal's code.

use crate::store::sql::{Connection, OptionalExtension, Row, Transaction, params};
use axum::http::StatusCode;
use chrono::NaiveDate;
use motcua_protocol::api::desk::StaffRole;
use motcua_protocol::api::{ApiErrorCode, FieldProblem};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::lifecycle::{
    Action, ActionKind, ActorRole, Clock, Event, TransitionError, check_note, clock_change,
    is_overdue, transition,
};
use motcua_protocol::on_behalf::OnBehalfOf;

use crate::db::now;
use crate::deadline::{add_working_days, date_of, format, parse, working_days_between};
use crate::error::ApiError;
use crate::vn_time::VnTime;

/// Who takes an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Actor {
    /// A logged-in officer.
    Staff { id: i64, role: StaffRole },
    /// The dossier's applicant.
    Citizen(i64),
    /// The portal itself, on an integrated system's word (a payment intermediary's
    /// notification of a credited transfer).
    System,
}

impl Actor {
    pub(crate) fn role(self) -> ActorRole {
        match self {
            Actor::Staff { role, .. } => role.actor(),
            Actor::Citizen(_) => ActorRole::Citizen,
            Actor::System => ActorRole::System,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Actor::Staff { .. } => "staff",
            Actor::Citizen(_) => "citizen",
            Actor::System => "system",
        }
    }

    /// The staff or citizen row id; none for the system.
    fn id(self) -> Option<i64> {
        match self {
            Actor::Staff { id, .. } | Actor::Citizen(id) => Some(id),
            Actor::System => None,
        }
    }
}

/// A dossier's lifecycle columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DossierRow {
    pub id: i64,
    pub code: String,
    pub citizen_id: i64,
    pub procedure_code: String,
    pub status: DossierStatus,
    pub submitted_at: String,
    pub received_at: Option<String>,
    pub appointment_date: Option<String>,
    pub supplement_requests: u32,
    pub paused_since: Option<String>,
    pub ended_on: Option<String>,
}

/// The columns [`DossierRow::from_row`] reads, in order, for table alias `d`.
pub(crate) const ROW_COLUMNS: &str = "d.id, d.code, d.citizen_id, d.procedure_code, d.status, \
     d.submitted_at, d.received_at, d.appointment_date, d.supplement_requests, d.paused_since, \
     d.ended_on";
/// How many columns that is (following columns start here).
pub(crate) const ROW_COLUMN_COUNT: usize = 11;

pub(crate) fn status_from_db(text: &str) -> crate::store::sql::Result<DossierStatus> {
    DossierStatus::parse(text)
        .ok_or_else(|| crate::store::sql::Error::decode(format!("unknown dossier status {text:?}")))
}

impl DossierRow {
    /// Reads [`ROW_COLUMNS`] at the start of a row.
    pub(crate) fn from_row(row: &Row<'_>) -> crate::store::sql::Result<DossierRow> {
        Ok(DossierRow {
            id: row.get(0)?,
            code: row.get(1)?,
            citizen_id: row.get(2)?,
            procedure_code: row.get(3)?,
            status: status_from_db(&row.get::<_, String>(4)?)?,
            submitted_at: row.get(5)?,
            received_at: row.get(6)?,
            appointment_date: row.get(7)?,
            supplement_requests: row.get(8)?,
            paused_since: row.get(9)?,
            ended_on: row.get(10)?,
        })
    }

    /// Late by the scorecard rules on `today`.
    pub(crate) fn overdue(&self, today: NaiveDate) -> bool {
        let Some(appointment) = &self.appointment_date else {
            return false;
        };
        // Ended: its end; paused: the day the clock stopped; else today.
        let end = self.ended_on.as_deref().or(self.paused_since.as_deref());
        is_overdue(appointment, end, &format(today), self.supplement_requests)
    }
}

/// The dossier with `code` (any citizen's).
pub(crate) fn load_by_code(
    conn: &Connection,
    code: &str,
) -> crate::store::sql::Result<Option<DossierRow>> {
    conn.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM dossiers d WHERE d.code = ?1"
    ))?
    .query_row([code], DossierRow::from_row)
    .optional()
}

/// A dossier's events, oldest first.
pub(crate) fn timeline(
    conn: &Connection,
    dossier_id: i64,
) -> crate::store::sql::Result<Vec<Event>> {
    conn.prepare_cached(
        "SELECT at, status, from_status, action, actor_role, note, reason, missing, clock,
                paused_working_days, appointment_date, on_behalf_of
         FROM dossier_events WHERE dossier_id = ?1 ORDER BY seq",
    )?
    .query_map([dossier_id], event_from_row)?
    .collect()
}

/// The events of a citizen's dossiers (only of the one with `code` when given), each with
/// its dossier id, oldest first.
pub(crate) fn citizen_events(
    conn: &Connection,
    citizen_id: i64,
    code: Option<&str>,
) -> crate::store::sql::Result<Vec<(i64, Event)>> {
    conn.prepare_cached(
        "SELECT e.at, e.status, e.from_status, e.action, e.actor_role, e.note, e.reason,
                e.missing, e.clock, e.paused_working_days, e.appointment_date, e.on_behalf_of,
                e.dossier_id
         FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.citizen_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.code = ?2)
         ORDER BY e.seq",
    )?
    .query_map(params![citizen_id, code], |row| {
        Ok((row.get(12)?, event_from_row(row)?))
    })?
    .collect()
}

fn text_error(what: &str, text: &str) -> crate::store::sql::Error {
    crate::store::sql::Error::decode(format!("unknown {what} {text:?}"))
}

fn event_from_row(row: &Row<'_>) -> crate::store::sql::Result<Event> {
    let from: Option<String> = row.get(2)?;
    let action: Option<String> = row.get(3)?;
    let actor: String = row.get(4)?;
    let missing: Option<String> = row.get(7)?;
    let clock: Option<String> = row.get(8)?;
    Ok(Event {
        at: row.get(0)?,
        status: status_from_db(&row.get::<_, String>(1)?)?,
        from: from.as_deref().map(status_from_db).transpose()?,
        action: action
            .as_deref()
            .map(|text| ActionKind::parse(text).ok_or_else(|| text_error("action", text)))
            .transpose()?,
        actor: ActorRole::parse(&actor).ok_or_else(|| text_error("role", &actor))?,
        note: row.get(5)?,
        reason: row.get(6)?,
        missing: missing
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|error| crate::store::sql::Error::decode(Box::new(error)))?
            .unwrap_or_default(),
        clock: clock.as_deref().map(clock_from_db).transpose()?,
        paused_working_days: row.get(9)?,
        appointment_date: row.get(10)?,
        on_behalf_of: crate::identity_binding::from_column(row.get(11)?)?,
    })
}

fn clock_name(clock: Clock) -> &'static str {
    match clock {
        Clock::Started => "started",
        Clock::Paused => "paused",
        Clock::Resumed => "resumed",
        Clock::Stopped => "stopped",
    }
}

fn clock_from_db(text: &str) -> crate::store::sql::Result<Clock> {
    [
        Clock::Started,
        Clock::Paused,
        Clock::Resumed,
        Clock::Stopped,
    ]
    .into_iter()
    .find(|clock| clock_name(*clock) == text)
    .ok_or_else(|| text_error("clock", text))
}

/// Appends an event; returns its sequence number.
fn insert_event(
    tx: &Transaction<'_>,
    dossier_id: i64,
    citizen_id: i64,
    event: &Event,
) -> crate::store::sql::Result<i64> {
    let missing = if event.missing.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(&event.missing)
                .map_err(|error| crate::store::sql::Error::encode(Box::new(error)))?,
        )
    };
    tx.prepare_cached(
        "INSERT INTO dossier_events
         (dossier_id, citizen_id, at, status, from_status, action, actor_role, note, reason,
          missing, clock, paused_working_days, appointment_date, on_behalf_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         RETURNING seq",
    )?
    .query_row(
        params![
            dossier_id,
            citizen_id,
            event.at,
            event.status.as_str(),
            event.from.map(DossierStatus::as_str),
            event.action.map(ActionKind::as_str),
            event.actor.as_str(),
            event.note,
            event.reason,
            missing,
            event.clock.map(clock_name),
            event.paused_working_days,
            event.appointment_date,
            crate::identity_binding::to_column(event.on_behalf_of.as_ref())?,
        ],
        |row| row.get(0),
    )
}

/// One audit row.
struct Audit<'a> {
    at: &'a VnTime,
    actor: Actor,
    dossier_id: i64,
    action: &'a str,
    from: DossierStatus,
    to: Option<DossierStatus>,
    outcome: &'a str,
    event_seq: Option<i64>,
}

fn audit(tx: &Transaction<'_>, entry: Audit<'_>) -> crate::store::sql::Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log
         (at, at_unix, actor_kind, actor_id, role, dossier_id, action, from_status, to_status,
          outcome, event_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        entry.at.rfc3339(),
        now(),
        entry.actor.kind(),
        entry.actor.id(),
        entry.actor.role().as_str(),
        entry.dossier_id,
        entry.action,
        entry.from.as_str(),
        entry.to.map(DossierStatus::as_str),
        entry.outcome,
        entry.event_seq,
    ])?;
    Ok(())
}

/// Records a new submission (status `submitted`): its event, with the person filed for
/// when the citizen files on behalf of someone, and audit row. Returns the event.
pub(crate) fn record_submission(
    tx: &Transaction<'_>,
    dossier_id: i64,
    citizen_id: i64,
    at: &VnTime,
    on_behalf_of: Option<OnBehalfOf>,
) -> crate::store::sql::Result<Event> {
    let event = Event {
        at: at.rfc3339(),
        status: DossierStatus::Submitted,
        from: None,
        action: None,
        actor: ActorRole::Citizen,
        note: None,
        reason: None,
        missing: Vec::new(),
        clock: None,
        paused_working_days: None,
        appointment_date: None,
        on_behalf_of,
    };
    let seq = insert_event(tx, dossier_id, citizen_id, &event)?;
    audit(
        tx,
        Audit {
            at,
            actor: Actor::Citizen(citizen_id),
            dossier_id,
            action: "submit",
            from: DossierStatus::Submitted,
            to: Some(DossierStatus::Submitted),
            outcome: "applied",
            event_seq: Some(seq),
        },
    )?;
    Ok(event)
}

/// A trimmed text, `None` when blank.
pub(crate) fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Applies `action` by `actor` to the dossier `row` at `at`, in `tx`. `processing_days`
/// is the procedure's processing time (for the appointment date at intake). Returns the
/// dossier after the change, or the refusal (audited, nothing else changed). The caller
/// commits in both cases.
pub(crate) fn apply(
    tx: &Transaction<'_>,
    row: &DossierRow,
    actor: Actor,
    action: &Action,
    note: Option<&str>,
    at: &VnTime,
    processing_days: Option<u32>,
) -> crate::store::sql::Result<Result<DossierRow, TransitionError>> {
    let kind = action.kind();
    let decided =
        transition(row.status, action, actor.role()).and_then(|to| check_note(note).map(|()| to));
    let to = match decided {
        Ok(to) => to,
        Err(error) => {
            audit(
                tx,
                Audit {
                    at,
                    actor,
                    dossier_id: row.id,
                    action: kind.as_str(),
                    from: row.status,
                    to: None,
                    outcome: error.code(),
                    event_seq: None,
                },
            )?;
            return Ok(Err(error));
        }
    };
    let today = date_of(at);
    let mut next = row.clone();
    next.status = to;
    let clock = clock_change(row.status, to);
    let mut paused_working_days = None;
    match clock {
        Some(Clock::Started) => {
            next.received_at = Some(at.rfc3339());
            next.appointment_date =
                processing_days.map(|days| format(add_working_days(today, days)));
        }
        Some(Clock::Paused) => {
            next.supplement_requests = row.supplement_requests.saturating_add(1);
            next.paused_since = Some(format(today));
        }
        Some(Clock::Resumed) => {
            let since = row.paused_since.as_deref().and_then(parse).unwrap_or(today);
            let lost = working_days_between(since, today);
            paused_working_days = Some(lost);
            next.appointment_date = row
                .appointment_date
                .as_deref()
                .and_then(parse)
                .map(|appointment| format(add_working_days(appointment, lost)));
            next.paused_since = None;
        }
        Some(Clock::Stopped) => {
            if next.ended_on.is_none() {
                next.ended_on = Some(row.paused_since.clone().unwrap_or_else(|| format(today)));
            }
            next.paused_since = None;
        }
        None => {}
    }
    let changed = tx
        .prepare_cached(
            "UPDATE dossiers SET status = ?2, received_at = ?3, appointment_date = ?4,
                    supplement_requests = ?5, paused_since = ?6, ended_on = ?7, updated_at = ?8
             WHERE id = ?1 AND status = ?9",
        )?
        .execute(params![
            row.id,
            next.status.as_str(),
            next.received_at,
            next.appointment_date,
            next.supplement_requests,
            next.paused_since,
            next.ended_on,
            now(),
            row.status.as_str(),
        ])?;
    if changed != 1 {
        // The caller loaded the row in this transaction; this cannot happen.
        return Err(crate::store::sql::Error::ChangedRows(changed));
    }
    let event = Event {
        at: at.rfc3339(),
        status: to,
        from: Some(row.status),
        action: Some(kind),
        actor: actor.role(),
        note: clean(note),
        reason: clean(action.reason()),
        missing: action
            .missing()
            .iter()
            .map(|item| item.trim().to_owned())
            .collect(),
        clock,
        paused_working_days,
        appointment_date: next.appointment_date.clone(),
        on_behalf_of: None,
    };
    let seq = insert_event(tx, row.id, row.citizen_id, &event)?;
    audit(
        tx,
        Audit {
            at,
            actor,
            dossier_id: row.id,
            action: kind.as_str(),
            from: row.status,
            to: Some(to),
            outcome: "applied",
            event_seq: Some(seq),
        },
    )?;
    Ok(Ok(next))
}

/// The API answer for a refused action: 403 `forbidden` for a role that never takes it,
/// 409 `illegal_transition` for the wrong status, 422 `validation_failed` on the member
/// at fault for bad details. The message is English; `fields` carries both languages.
pub(crate) fn refusal(error: &TransitionError) -> ApiError {
    match error {
        TransitionError::RoleNotAllowed { .. } => ApiError::new(
            StatusCode::FORBIDDEN,
            ApiErrorCode::Forbidden,
            error.message(Lang::En),
        ),
        TransitionError::Illegal { .. } => ApiError::new(
            StatusCode::CONFLICT,
            ApiErrorCode::IllegalTransition,
            error.message(Lang::En),
        ),
        _ => ApiError::validation(vec![FieldProblem {
            field: error.field().unwrap_or("action").to_owned(),
            code: error.code().to_owned(),
            message_vi: error.message(Lang::Vi),
            message_en: error.message(Lang::En),
        }]),
    }
}

/// Whether `code` can be a dossier code worth looking up (anything else is 404 at once).
pub(crate) fn plausible_code(code: &str) -> bool {
    const MAX_DOSSIER_CODE_LEN: usize = 64;
    !code.is_empty()
        && code.len() <= MAX_DOSSIER_CODE_LEN
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: DossierStatus) -> DossierRow {
        DossierRow {
            id: 1,
            code: "X-250101-0001".into(),
            citizen_id: 1,
            procedure_code: "1.000001".into(),
            status,
            submitted_at: "2025-03-03T08:00:00+07:00".into(),
            received_at: None,
            appointment_date: None,
            supplement_requests: 0,
            paused_since: None,
            ended_on: None,
        }
    }

    fn day(text: &str) -> NaiveDate {
        parse(text).unwrap()
    }

    #[test]
    fn overdue_uses_the_end_the_pause_or_today() {
        let mut open = row(DossierStatus::Processing);
        assert!(!open.overdue(day("2030-01-01")), "no appointment");
        open.appointment_date = Some("2025-03-10".into());
        assert!(!open.overdue(day("2025-03-10")));
        assert!(open.overdue(day("2025-03-11")));
        let mut paused = open.clone();
        paused.paused_since = Some("2025-03-07".into());
        assert!(!paused.overdue(day("2025-04-01")), "the clock stands still");
        let mut ended = open.clone();
        ended.ended_on = Some("2025-03-10".into());
        assert!(!ended.overdue(day("2026-01-01")));
        ended.supplement_requests = 2;
        assert!(ended.overdue(day("2025-03-01")));
    }

    #[test]
    fn refusals_map_to_status_codes() {
        let illegal = TransitionError::Illegal {
            from: DossierStatus::Returned,
            action: ActionKind::Accept,
        };
        assert_eq!(refusal(&illegal).status(), StatusCode::CONFLICT);
        assert_eq!(refusal(&illegal).code(), ApiErrorCode::IllegalTransition);
        let role = TransitionError::RoleNotAllowed {
            role: ActorRole::Citizen,
            action: ActionKind::Accept,
        };
        assert_eq!(refusal(&role).status(), StatusCode::FORBIDDEN);
        let reason = TransitionError::ReasonRequired {
            action: ActionKind::Stop,
        };
        assert_eq!(refusal(&reason).code(), ApiErrorCode::ValidationFailed);
    }

    #[test]
    fn codes_are_screened() {
        assert!(plausible_code("000.00.00.H00-250101-0001"));
        for bad in ["", "a/b", "a b", "ả", &"1".repeat(65)] {
            assert!(!plausible_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn clean_trims_and_drops_blanks() {
        assert_eq!(clean(Some("  ghi chú ")), Some("ghi chú".into()));
        assert_eq!(clean(Some(" \n")), None);
        assert_eq!(clean(None), None);
    }
}
