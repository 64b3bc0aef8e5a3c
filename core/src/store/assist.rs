//! The assisted sessions' tables in the volunteer's profile (decision 0003): each session
//! from before anything of the citizen exists until it is erased (the volunteer who
//! helped sealed, [`ASSISTED_BY`]), and what it ended with per procedure: counts only,
//! nothing of the person. All of the assist area's SQL is here; `crate::assist` holds the
//! logic (consent, erasing, the summary's words).
//!
//! The functions are blocking and short.

use std::path::Path;

use rusqlite::{OptionalExtension as _, params};

use super::policy::ASSISTED_BY;
use super::{Database, StoreError};

/// How a dossier of the session ended, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutcomeKind {
    /// Filed.
    Submitted,
    /// Given up while waiting for the network.
    NotSent,
    /// Left as a draft.
    DraftAbandoned,
}

impl OutcomeKind {
    fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Submitted => "submitted",
            OutcomeKind::NotSent => "not_sent",
            OutcomeKind::DraftAbandoned => "draft_abandoned",
        }
    }
}

/// How a session ended, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EndKind {
    /// The volunteer ended it.
    Ended,
    /// Its process died; erased at the next open.
    Abandoned,
}

impl EndKind {
    fn as_str(self) -> &'static str {
        match self {
            EndKind::Ended => "ended",
            EndKind::Abandoned => "abandoned",
        }
    }
}

/// One day of the summary: sessions in which someone logged in, and interrupted ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DayRow {
    /// `YYYY-MM-DD`, Vietnam.
    pub day: String,
    /// Sessions in which a citizen logged in.
    pub helped: u32,
    /// Sessions that ended without an orderly end.
    pub interrupted: u32,
}

/// One procedure's counts on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProcedureRow {
    /// `YYYY-MM-DD`, Vietnam.
    pub day: String,
    /// National procedure code.
    pub procedure_code: String,
    /// Filed.
    pub submitted: u32,
    /// Given up.
    pub not_sent: u32,
    /// Left as drafts.
    pub abandoned_drafts: u32,
}

fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Records a new session `id` started at `now` (Unix seconds) on `day`, with the consent
/// statement's version and the volunteer's subject (sealed).
pub(crate) fn record_start(
    database: &Database,
    id: &str,
    now: i64,
    day: &str,
    consent_version: &str,
    assisted_by: Option<&str>,
) -> Result<(), StoreError> {
    let assisted_by = ASSISTED_BY.seal_opt(database.sealer(), id, assisted_by)?;
    database.connection()?.execute(
        "INSERT INTO assisted_sessions (id, started_at, day, consent_version, consent_at, assisted_by)
         VALUES (?1, ?2, ?3, ?4, ?2, ?5)",
        params![id, now, day, consent_version, assisted_by],
    )?;
    Ok(())
}

/// Copies the catalog and the identity provider's cache (public data) into the profile
/// database at `target`, in one transaction.
pub(crate) fn copy_catalog_into(database: &Database, target: &Path) -> Result<(), StoreError> {
    let connection = database.connection()?;
    connection.execute(
        "ATTACH DATABASE ?1 AS assisted",
        params![target.to_string_lossy()],
    )?;
    let copied = connection.execute_batch(
        "BEGIN;
         INSERT OR IGNORE INTO assisted.catalog_meta SELECT * FROM main.catalog_meta;
         INSERT OR IGNORE INTO assisted.procedures SELECT * FROM main.procedures;
         INSERT INTO assisted.procedure_aliases SELECT * FROM main.procedure_aliases;
         INSERT OR IGNORE INTO assisted.procedure_details SELECT * FROM main.procedure_details;
         INSERT OR IGNORE INTO assisted.provider_cache SELECT * FROM main.provider_cache;
         COMMIT;",
    );
    if copied.is_err() {
        let _ = connection.execute_batch("ROLLBACK;");
    }
    connection.execute("DETACH DATABASE assisted", [])?;
    Ok(copied?)
}

/// The open session (the latest started, if ever several were), with when it started.
pub(crate) fn open_session(database: &Database) -> Result<Option<(String, i64)>, StoreError> {
    Ok(database
        .connection()?
        .query_row(
            "SELECT id, started_at FROM assisted_sessions WHERE ended_at IS NULL
             ORDER BY started_at DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Every session not ended.
pub(crate) fn open_session_ids(database: &Database) -> Result<Vec<String>, StoreError> {
    let connection = database.connection()?;
    let mut statement =
        connection.prepare("SELECT id FROM assisted_sessions WHERE ended_at IS NULL")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Ends session `id` at `now` with its outcomes, in one transaction. A session already
/// ended keeps its first end.
pub(crate) fn record_end(
    database: &Database,
    id: &str,
    outcomes: &[(&str, OutcomeKind)],
    end: EndKind,
    helped: bool,
    now: i64,
) -> Result<(), StoreError> {
    let mut connection = database.connection()?;
    let tx = connection.transaction()?;
    let ended = tx.execute(
        "UPDATE assisted_sessions SET ended_at = ?2, end_kind = ?3, helped = ?4
         WHERE id = ?1 AND ended_at IS NULL",
        params![id, now, end.as_str(), helped],
    )?;
    if ended == 1 {
        for (code, kind) in outcomes {
            tx.execute(
                "INSERT INTO assisted_outcomes (session_id, procedure_code, outcome)
                 VALUES (?1, ?2, ?3)",
                params![id, code, kind.as_str()],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The summary's days, newest first.
pub(crate) fn summary_days(database: &Database) -> Result<Vec<DayRow>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection.prepare(
        "SELECT day, sum(helped), sum(end_kind = 'abandoned') FROM assisted_sessions
         WHERE ended_at IS NOT NULL GROUP BY day ORDER BY day DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(DayRow {
            day: r.get(0)?,
            helped: count(r.get(1)?),
            interrupted: count(r.get(2)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The summary's counts per day and procedure, newest day first, by procedure code.
pub(crate) fn summary_procedures(database: &Database) -> Result<Vec<ProcedureRow>, StoreError> {
    let connection = database.connection()?;
    let mut statement = connection.prepare(
        "SELECT s.day, o.procedure_code,
                sum(o.outcome = 'submitted'), sum(o.outcome = 'not_sent'),
                sum(o.outcome = 'draft_abandoned')
         FROM assisted_outcomes o JOIN assisted_sessions s ON s.id = o.session_id
         GROUP BY s.day, o.procedure_code ORDER BY s.day DESC, o.procedure_code",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(ProcedureRow {
            day: r.get(0)?,
            procedure_code: r.get(1)?,
            submitted: count(r.get(2)?),
            not_sent: count(r.get(3)?),
            abandoned_drafts: count(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::secure_store::MemorySecureStore;

    fn database(dir: &Path) -> Database {
        Database::open(dir, Arc::new(MemorySecureStore::new())).unwrap()
    }

    #[test]
    fn a_session_is_open_until_its_first_end_and_counted_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        assert_eq!(open_session(&db).unwrap(), None);
        record_start(
            &db,
            "s1",
            100,
            "2026-12-03",
            "v1",
            Some("VOLUNTEER-SUBJECT"),
        )
        .unwrap();
        record_start(&db, "s2", 200, "2026-12-04", "v1", None).unwrap();
        assert_eq!(open_session(&db).unwrap(), Some(("s2".into(), 200)));
        assert_eq!(open_session_ids(&db).unwrap().len(), 2);
        let filed = [
            ("1.004194", OutcomeKind::Submitted),
            ("1.004194", OutcomeKind::Submitted),
            ("1.001193", OutcomeKind::DraftAbandoned),
        ];
        record_end(&db, "s2", &filed, EndKind::Ended, true, 300).unwrap();
        // Ended again (a retried end, or the sweep): nothing more is counted.
        record_end(&db, "s2", &filed, EndKind::Abandoned, false, 400).unwrap();
        record_end(&db, "s1", &[], EndKind::Abandoned, false, 500).unwrap();
        assert_eq!(open_session(&db).unwrap(), None);
        assert_eq!(
            summary_days(&db).unwrap(),
            vec![
                DayRow {
                    day: "2026-12-04".into(),
                    helped: 1,
                    interrupted: 0
                },
                DayRow {
                    day: "2026-12-03".into(),
                    helped: 0,
                    interrupted: 1
                },
            ]
        );
        let procedures = summary_procedures(&db).unwrap();
        assert_eq!(procedures.len(), 2);
        assert_eq!(
            procedures[1],
            ProcedureRow {
                day: "2026-12-04".into(),
                procedure_code: "1.004194".into(),
                submitted: 2,
                not_sent: 0,
                abandoned_drafts: 0
            }
        );
        assert_eq!(procedures[0].procedure_code, "1.001193");
        assert_eq!(procedures[0].abandoned_drafts, 1);
    }

    #[test]
    fn the_volunteer_is_sealed_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path());
        record_start(
            &db,
            "s1",
            100,
            "2026-12-03",
            "v1",
            Some("VOLUNTEER-SUBJECT"),
        )
        .unwrap();
        let stored: String = db
            .connection()
            .unwrap()
            .query_row("SELECT assisted_by FROM assisted_sessions", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!stored.contains("VOLUNTEER"), "{stored}");
        assert_eq!(
            ASSISTED_BY.open(db.sealer(), "s1", &stored).unwrap(),
            "VOLUNTEER-SUBJECT"
        );
    }
}
