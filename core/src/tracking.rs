//! Status tracking: the citizen's dossiers as the portal moves them, synced with a cursor
//! (only what changed since the last sync), kept on the device for offline viewing, and
//! told to a listener.

pub mod notices;
pub mod view;

use std::sync::{Arc, Mutex};

use motcua_protocol::api::tracking::{
    PATH_LOOKUP, PATH_SYNC, PublicLookup, StatusChange, SyncResponse,
};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::lifecycle::{Clock, clock_change};
use rusqlite::{OptionalExtension as _, params};

use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::identity::{Identity, IdentityError};
use crate::listeners::{ListenerId, Listeners};
use crate::payments::PaymentsArea;
use crate::store::policy::{
    DOSSIER_EVENT_MISSING, DOSSIER_EVENT_NOTE, DOSSIER_EVENT_REASON, SealedColumn,
};
use crate::store::{Database, StoreError};
pub use view::{CitizenAction, DossierActions};

/// Most pages one `sync` fetches (1,000 changes a page); the rest waits for the next sync.
const MAX_PAGES: usize = 100;

/// Told about each status change as it is synced.
pub trait StatusListener: Send + Sync {
    /// A dossier changed status.
    fn on_status_change(&self, change: &StatusChange);
}

/// Why tracking failed.
#[derive(Debug, thiserror::Error)]
pub enum TrackingError {
    /// The portal could not be reached; what was synced before is still shown.
    #[error("network: {0}")]
    Network(String),
    /// Login or session.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// No dossier with this code (public lookup).
    #[error("no dossier {0}")]
    NotFound(String),
    /// Too many lookups from this device; wait a moment.
    #[error("rate limited")]
    RateLimited,
    /// The local database.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// An answer that is not what the portal promises.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl From<rusqlite::Error> for TrackingError {
    fn from(error: rusqlite::Error) -> Self {
        TrackingError::Storage(error.into())
    }
}

impl From<HttpError> for TrackingError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::Network(detail) => TrackingError::Network(detail),
            HttpError::Api { status: 404, .. } => TrackingError::NotFound(String::new()),
            HttpError::Api { status: 429, .. } => TrackingError::RateLimited,
            HttpError::Api { status: 401, .. } => {
                TrackingError::Identity(IdentityError::SessionEnded)
            }
            other => TrackingError::Unexpected(other.to_string()),
        }
    }
}

impl Localized for TrackingError {
    fn code(&self) -> &'static str {
        match self {
            TrackingError::Network(_) => "network_unavailable",
            TrackingError::Identity(e) => e.code(),
            TrackingError::NotFound(_) => "dossier_not_found",
            TrackingError::RateLimited => "rate_limited",
            TrackingError::Storage(_) => "storage_failed",
            TrackingError::Unexpected(_) => "unexpected_answer",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            TrackingError::Identity(e) => return e.message(lang),
            TrackingError::Network(_) => (
                "Không kết nối được; đang hiển thị trạng thái đã cập nhật lần trước.",
                "Could not connect; showing the status from the last update.",
            ),
            TrackingError::NotFound(_) => (
                "Không tìm thấy hồ sơ với mã này. Hãy kiểm tra lại mã trên giấy tiếp nhận.",
                "No dossier has this code. Check the code on the receipt slip.",
            ),
            TrackingError::RateLimited => (
                "Tra cứu quá nhiều lần. Vui lòng đợi một lát rồi thử lại.",
                "Too many lookups. Please wait a moment and try again.",
            ),
            TrackingError::Storage(_) => (
                "Không đọc/ghi được dữ liệu trên máy.",
                "Data on this device could not be read or written.",
            ),
            TrackingError::Unexpected(_) => (
                "Cổng dịch vụ công trả lời không như mong đợi.",
                "The portal gave an unexpected answer.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

/// A dossier with its timeline, as kept on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedDossier {
    /// Dossier code.
    pub code: String,
    /// Procedure code (empty for a dossier filed from another device, until known).
    pub procedure_code: String,
    /// Current status.
    pub status: DossierStatus,
    /// Appointment date (`YYYY-MM-DD`), once received at the desk.
    pub appointment_date: Option<String>,
    /// Every status change synced, oldest first.
    pub timeline: Vec<StatusChange>,
    /// Late by the national scorecard rules: processing ended (or today is) after the
    /// appointment date, or more than one supplement was requested.
    pub overdue: bool,
    /// What the citizen may do with it now, and the action to put forward.
    pub actions: DossierActions,
    /// What the desk asks the citizen to supply now (empty unless a supplement request
    /// waits for its answer).
    pub missing: Vec<String>,
}

/// Whether a dossier is late, from its appointment date and its timeline.
fn overdue(appointment_date: Option<&str>, timeline: &[StatusChange]) -> bool {
    let Some(appointment) =
        appointment_date.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return false;
    };
    let day = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(7)).date_naive())
    };
    // The end of processing is where the protocol stops the clock, as on the portal.
    let end = timeline
        .windows(2)
        .find(|pair| clock_change(pair[0].status, pair[1].status) == Some(Clock::Stopped))
        .and_then(|pair| day(&pair[1].at));
    let supplements = timeline
        .iter()
        .filter(|c| c.status == DossierStatus::SupplementRequested)
        .count() as u32;
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    motcua_protocol::lifecycle::is_overdue_on(appointment, end, today, supplements)
}

/// The tracking area of the core.
pub struct TrackingArea {
    config: Arc<CoreConfig>,
    http: HttpClient,
    database: Arc<Database>,
    identity: Arc<Identity>,
    /// Refreshed after each sync: a fee paid moves no status when it was due on filing.
    payments: Arc<PaymentsArea>,
    listener: Mutex<Option<Arc<dyn StatusListener>>>,
    /// Further listeners, each added and removed on its own (the apps' screens).
    listeners: Listeners<dyn StatusListener>,
    /// One sync at a time: two would fetch the same page twice.
    lock: tokio::sync::Mutex<()>,
}

/// A status as the phone's tables hold it (the protocol's wire name, written from
/// [`DossierStatus::as_str`]); anything else is a damaged database, never guessed.
pub(crate) fn status_of(text: &str) -> Result<DossierStatus, StoreError> {
    DossierStatus::parse(text).ok_or_else(|| StoreError::UnknownValue {
        column: "status",
        value: text.to_owned(),
    })
}

impl TrackingArea {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        http: HttpClient,
        database: Arc<Database>,
        identity: Arc<Identity>,
        payments: Arc<PaymentsArea>,
    ) -> TrackingArea {
        TrackingArea {
            config,
            http,
            database,
            identity,
            payments,
            listener: Mutex::new(None),
            listeners: Listeners::default(),
            lock: tokio::sync::Mutex::new(()),
        }
    }

    fn endpoint(&self, path: &str) -> String {
        self.config.endpoint(path)
    }

    /// Sets (or clears) the listener told about status changes.
    pub fn set_listener(&self, listener: Option<Arc<dyn StatusListener>>) {
        if let Ok(mut slot) = self.listener.lock() {
            *slot = listener;
        }
    }

    /// Adds a listener told about status changes (besides the one of
    /// [`TrackingArea::set_listener`]) until [`TrackingArea::remove_listener`].
    pub fn add_listener(&self, listener: Arc<dyn StatusListener>) -> ListenerId {
        self.listeners.add(listener)
    }

    /// Removes a listener added with [`TrackingArea::add_listener`]; false if it was not
    /// registered (any more).
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.listeners.remove(id)
    }

    /// Fetches the status changes since the last sync, stores them (each page in one
    /// transaction with the new cursor, so an interrupted sync resumes where it stopped)
    /// and returns them. Then refreshes the fees that may have moved
    /// ([`PaymentsArea::refresh_due`]; a failure there is logged, the sync stands).
    pub async fn sync(&self) -> Result<Vec<StatusChange>, TrackingError> {
        let _guard = self.lock.lock().await;
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let cursor: i64 = self
                .database
                .connection()?
                .query_row("SELECT cursor FROM sync_state WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or(0);
            let url = self.endpoint(PATH_SYNC);
            let page: SyncResponse = self
                .identity
                .authorised_json(&self.http, |token| {
                    self.http
                        .raw()
                        .get(url.clone())
                        .query(&[("cursor", cursor)])
                        .bearer_auth(token)
                })
                .await??;
            self.store_page(&page)?;
            let set = self.listener.lock().ok().and_then(|l| l.clone());
            for listener in set.into_iter().chain(self.listeners.current()) {
                for change in &page.changes {
                    listener.on_status_change(change);
                }
            }
            let more = page.more && !page.changes.is_empty();
            all.extend(page.changes);
            if !more {
                break;
            }
        }
        if let Err(error) = self.payments.refresh_due().await {
            tracing::warn!(%error, "fees not refreshed after the sync");
        }
        Ok(all)
    }

    fn store_page(&self, page: &SyncResponse) -> Result<(), TrackingError> {
        let sealer = self.database.sealer().clone();
        let seal = |column: &SealedColumn, row: &str, plain: Option<&str>| {
            column
                .seal_opt(&sealer, row, plain)
                .map_err(|error| TrackingError::Storage(error.into()))
        };
        let mut connection = self.database.connection()?;
        let tx = connection.transaction()?;
        for change in &page.changes {
            let status = change.status.as_str();
            let missing = if change.missing.is_empty() {
                None
            } else {
                serde_json::to_string(&change.missing).ok()
            };
            let row = change.seq.to_string();
            tx.execute(
                "INSERT OR IGNORE INTO dossier_events
                     (seq, code, status, at, note, appointment_date, reason, missing)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    change.seq as i64,
                    change.code,
                    status,
                    change.at,
                    seal(&DOSSIER_EVENT_NOTE, &row, change.note.as_deref())?,
                    change.appointment_date,
                    seal(&DOSSIER_EVENT_REASON, &row, change.reason.as_deref())?,
                    seal(&DOSSIER_EVENT_MISSING, &row, missing.as_deref())?,
                ],
            )?;
            tx.execute(
                "INSERT INTO dossiers (code, procedure_code, status, submitted_at, appointment_date)
                 VALUES (?1, '', ?2, ?3, ?4)
                 ON CONFLICT(code) DO UPDATE SET status = ?2,
                     appointment_date = COALESCE(?4, appointment_date)",
                params![change.code, status, change.at, change.appointment_date],
            )?;
            if let Some(text) = &change.receipt {
                crate::receipt::store_synced(&tx, &sealer, &change.code, text)?;
            }
        }
        tx.execute(
            "INSERT INTO sync_state (id, cursor) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET cursor = max(cursor, ?1)",
            params![page.cursor as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A dossier with its timeline, from the device (no network).
    pub fn dossier(&self, code: &str) -> Result<Option<TrackedDossier>, TrackingError> {
        let connection = self.database.connection()?;
        let row: Option<(String, String, Option<String>)> = connection
            .query_row(
                "SELECT procedure_code, status, appointment_date FROM dossiers WHERE code = ?1",
                params![code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((procedure_code, status, appointment_date)) = row else {
            return Ok(None);
        };
        let mut statement = connection.prepare(
            "SELECT seq, status, at, note, appointment_date, reason, missing FROM dossier_events
             WHERE code = ?1 ORDER BY seq",
        )?;
        type EventRow = (i64, String, String, Option<String>, Option<String>);
        let rows = statement
            .query_map(params![code], |r| {
                let row: EventRow = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                Ok((
                    row,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let sealer = self.database.sealer();
        let open = |column: &SealedColumn, seq: i64, stored: Option<String>| {
            column
                .open_opt(sealer, &seq.to_string(), stored.as_deref())
                .map_err(|error| TrackingError::Storage(error.into()))
        };
        let mut timeline = Vec::with_capacity(rows.len());
        for ((seq, status, at, note, appointment_date), reason, missing) in rows {
            timeline.push(StatusChange {
                seq: seq.max(0) as u64,
                code: code.to_owned(),
                status: status_of(&status)?,
                at,
                note: open(&DOSSIER_EVENT_NOTE, seq, note)?,
                appointment_date,
                reason: open(&DOSSIER_EVENT_REASON, seq, reason)?,
                missing: open(&DOSSIER_EVENT_MISSING, seq, missing)?
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default(),
                receipt: None,
            });
        }
        let status = status_of(&status)?;
        let holds_receipt = connection
            .query_row(
                "SELECT 1 FROM receipts WHERE code = ?1",
                params![code],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let fee_due = status == DossierStatus::PaymentRequested
            || crate::store::payments::awaits_payment(&connection, code)?;
        Ok(Some(TrackedDossier {
            overdue: overdue(appointment_date.as_deref(), &timeline),
            actions: DossierActions::for_dossier(status, holds_receipt, fee_due),
            missing: view::missing_now(status, &timeline),
            code: code.to_owned(),
            procedure_code,
            status,
            appointment_date,
            timeline,
        }))
    }

    /// What anyone may learn from a dossier code, without login (little data).
    pub async fn public_lookup(&self, code: &str) -> Result<PublicLookup, TrackingError> {
        let path = PATH_LOOKUP.replace("{code}", code.trim());
        let request = self.http.raw().get(self.endpoint(&path));
        self.http
            .json(request)
            .await
            .map_err(|error| match TrackingError::from(error) {
                TrackingError::NotFound(_) => TrackingError::NotFound(code.to_owned()),
                other => other,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: DossierStatus, at: &str) -> StatusChange {
        StatusChange {
            seq: 1,
            code: "c".into(),
            status,
            at: at.into(),
            note: None,
            appointment_date: None,
            reason: None,
            missing: Vec::new(),
            receipt: None,
        }
    }

    #[test]
    fn overdue_follows_the_scorecard_rules() {
        let on_time = [
            change(DossierStatus::Received, "2026-03-02T09:00:00+07:00"),
            change(DossierStatus::ResultReady, "2026-03-05T16:00:00+07:00"),
        ];
        assert!(!overdue(Some("2026-03-05"), &on_time));
        let late = [
            change(DossierStatus::Received, "2026-03-02T09:00:00+07:00"),
            change(DossierStatus::ResultReady, "2026-03-06T08:00:00+07:00"),
        ];
        assert!(overdue(Some("2026-03-05"), &late));
        // 23:30 UTC on the 5th is already the 6th in Vietnam.
        let late_by_time_zone = [
            change(DossierStatus::Processing, "2026-03-02T09:00:00+07:00"),
            change(DossierStatus::ResultReady, "2026-03-05T23:30:00Z"),
        ];
        assert!(overdue(Some("2026-03-05"), &late_by_time_zone));
        let two_supplements = [
            change(
                DossierStatus::SupplementRequested,
                "2026-03-03T09:00:00+07:00",
            ),
            change(
                DossierStatus::SupplementRequested,
                "2026-03-04T09:00:00+07:00",
            ),
            change(DossierStatus::ResultReady, "2026-03-04T16:00:00+07:00"),
        ];
        assert!(overdue(Some("2030-01-01"), &two_supplements));
        assert!(!overdue(None, &late));
    }
}
