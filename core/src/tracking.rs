//! Status tracking: the citizen's dossiers as the portal moves them, synced with a cursor
//! (only what changed since the last sync), kept on the device for offline viewing, and
//! told to a listener.

pub mod notices;
pub mod view;

use std::sync::{Arc, Mutex};

use motcua_protocol::api::payments::PaymentStatus;
use motcua_protocol::api::tracking::{
    PATH_LOOKUP, PATH_SYNC, PublicLookup, StatusChange, SyncResponse,
};
use motcua_protocol::dossier::DossierStatus;
use motcua_protocol::i18n::{Lang, Localized};
use motcua_protocol::lifecycle::{Clock, clock_change};

use crate::CoreConfig;
use crate::http::{HttpClient, HttpError};
use crate::identity::{Identity, IdentityError};
use crate::listeners::{ListenerId, Listeners};
use crate::payments::PaymentsArea;
use crate::store::{Database, StoreError, tracking as store};
pub use view::{CitizenAction, DossierActions, FeeStanding};

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
            let cursor = self.database.blocking(store::sync_cursor).await?;
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
            let mut page = page;
            for change in &mut page.changes {
                change.receipt = change
                    .receipt
                    .take()
                    .filter(|text| crate::receipt::reads_as_receipt(text));
            }
            let page = self
                .database
                .blocking(move |database| store::save_page(database, &page).map(|()| page))
                .await?;
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

    /// A dossier with its timeline, from the device (no network).
    pub fn dossier(&self, code: &str) -> Result<Option<TrackedDossier>, TrackingError> {
        let Some(stored) = store::load(&self.database, code)? else {
            return Ok(None);
        };
        let status = stored.status;
        let fee = match stored.fee {
            Some(PaymentStatus::Paid) => FeeStanding::Paid,
            Some(PaymentStatus::Awaiting) => FeeStanding::Due,
            // Requested by the desk, its request not fetched yet (or fetched before).
            _ if status == DossierStatus::PaymentRequested => FeeStanding::Due,
            _ => FeeStanding::Nothing,
        };
        Ok(Some(TrackedDossier {
            overdue: overdue(stored.appointment_date.as_deref(), &stored.timeline),
            actions: DossierActions::for_dossier(status, stored.holds_receipt, fee),
            missing: view::missing_now(status, &stored.timeline),
            code: code.to_owned(),
            procedure_code: stored.procedure_code,
            status,
            appointment_date: stored.appointment_date,
            timeline: stored.timeline,
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
