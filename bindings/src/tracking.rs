//! The tracking area for Kotlin and Swift: sync of status changes, the dossiers and their
//! timelines kept on the device, the public lookup, and a listener for status changes.
//! Conversions only; every rule lives in `motcua_core::tracking` and `motcua_protocol`.

use std::sync::Arc;

use motcua_core::dossier::{DossierError, LocalDossier as CoreLocalDossier};
use motcua_core::identity::IdentityError;
use motcua_core::tracking::{
    StatusListener as CoreStatusListener, TrackedDossier as CoreTrackedDossier, TrackingError,
};
use motcua_core::{Lang, Localized};
use motcua_protocol::dossier::DossierStatus as WireStatus;
use motcua_protocol::lifecycle::{
    PublicLookup as WirePublicLookup, StatusChange as WireStatusChange,
};
use tokio::runtime::Handle;

use crate::listener::{ListenerError, ListenerHandle, report};
use crate::runtime::run;

/// Failure of a tracking call: a machine `code` and a `user_message` to show.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TrackingException {
    /// The portal could not be reached; what was synced before is still on the device.
    #[error("{code}: {user_message}")]
    Network {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
    /// Not logged in, or the session ended: show the login screen.
    #[error("{code}: {user_message}")]
    LoggedOut {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
    /// No dossier has this code (public lookup).
    #[error("{code}: {user_message}")]
    NotFound {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
    /// Too many lookups: wait a moment.
    #[error("{code}: {user_message}")]
    RateLimited {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
    /// Local storage or the platform keystore failed.
    #[error("{code}: {user_message}")]
    Storage {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
    /// Anything else (an unexpected answer).
    #[error("{code}: {user_message}")]
    Other {
        /// Machine code.
        code: String,
        /// Localised message to show.
        user_message: String,
    },
}

impl TrackingException {
    fn from_core(error: TrackingError, lang: Lang) -> Self {
        let code = error.code().to_owned();
        let user_message = error.message(lang);
        match error {
            TrackingError::Network(_) | TrackingError::Identity(IdentityError::Network(_)) => {
                TrackingException::Network { code, user_message }
            }
            TrackingError::Identity(IdentityError::NotLoggedIn | IdentityError::SessionEnded) => {
                TrackingException::LoggedOut { code, user_message }
            }
            TrackingError::NotFound(_) => TrackingException::NotFound { code, user_message },
            TrackingError::RateLimited => TrackingException::RateLimited { code, user_message },
            TrackingError::Storage(_)
            | TrackingError::Identity(
                IdentityError::SecureStorage(_) | IdentityError::Storage(_),
            ) => TrackingException::Storage { code, user_message },
            TrackingError::Identity(_) | TrackingError::Unexpected(_) => {
                TrackingException::Other { code, user_message }
            }
        }
    }

    /// The dossiers list comes from the dossier area's table: only storage can fail.
    fn from_dossier(error: DossierError, lang: Lang) -> Self {
        TrackingException::Storage {
            code: error.code().to_owned(),
            user_message: error.message(lang),
        }
    }
}

/// Where a dossier is on the portal; the national status codes are in comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DossierStatus {
    /// 1: the portal has it, awaiting intake at the desk.
    Submitted,
    /// 2: accepted at the desk; a receipt with an appointment date was issued.
    Received,
    /// 3: refused at intake, with the reason.
    NotAccepted,
    /// 4: being processed.
    Processing,
    /// 5: back to the citizen to complete; the clock is paused.
    SupplementRequested,
    /// 6: a fee or tax is due.
    PaymentRequested,
    /// 7: the citizen asked to withdraw it; the desk confirms.
    WithdrawalRequested,
    /// 8: processing was stopped, with the reason.
    Stopped,
    /// 9: the result is ready to be handed over.
    ResultReady,
    /// 10: the result was handed over.
    Returned,
    /// The withdrawal was confirmed.
    Withdrawn,
    /// Processing refused the request, with the reason.
    Rejected,
}

impl From<WireStatus> for DossierStatus {
    fn from(status: WireStatus) -> Self {
        match status {
            WireStatus::Submitted => DossierStatus::Submitted,
            WireStatus::Received => DossierStatus::Received,
            WireStatus::NotAccepted => DossierStatus::NotAccepted,
            WireStatus::Processing => DossierStatus::Processing,
            WireStatus::SupplementRequested => DossierStatus::SupplementRequested,
            WireStatus::PaymentRequested => DossierStatus::PaymentRequested,
            WireStatus::WithdrawalRequested => DossierStatus::WithdrawalRequested,
            WireStatus::Stopped => DossierStatus::Stopped,
            WireStatus::ResultReady => DossierStatus::ResultReady,
            WireStatus::Returned => DossierStatus::Returned,
            WireStatus::Withdrawn => DossierStatus::Withdrawn,
            WireStatus::Rejected => DossierStatus::Rejected,
        }
    }
}

impl From<DossierStatus> for WireStatus {
    fn from(status: DossierStatus) -> Self {
        match status {
            DossierStatus::Submitted => WireStatus::Submitted,
            DossierStatus::Received => WireStatus::Received,
            DossierStatus::NotAccepted => WireStatus::NotAccepted,
            DossierStatus::Processing => WireStatus::Processing,
            DossierStatus::SupplementRequested => WireStatus::SupplementRequested,
            DossierStatus::PaymentRequested => WireStatus::PaymentRequested,
            DossierStatus::WithdrawalRequested => WireStatus::WithdrawalRequested,
            DossierStatus::Stopped => WireStatus::Stopped,
            DossierStatus::ResultReady => WireStatus::ResultReady,
            DossierStatus::Returned => WireStatus::Returned,
            DossierStatus::Withdrawn => WireStatus::Withdrawn,
            DossierStatus::Rejected => WireStatus::Rejected,
        }
    }
}

/// One change of a dossier's status: an event of its timeline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusChange {
    /// The portal's sequence number (increasing).
    pub seq: u64,
    /// Dossier code.
    pub code: String,
    /// The status after the change.
    pub status: DossierStatus,
    /// When (RFC 3339).
    pub at: String,
    /// The officer's note, shown to the citizen.
    pub note: Option<String>,
    /// The appointment date after the change (`YYYY-MM-DD`).
    pub appointment_date: Option<String>,
    /// The reason of a refusal, rejection or stop.
    pub reason: Option<String>,
    /// What a supplement request asks for.
    pub missing: Vec<String>,
}

impl From<WireStatusChange> for StatusChange {
    fn from(c: WireStatusChange) -> Self {
        StatusChange {
            seq: c.seq,
            code: c.code,
            status: c.status.into(),
            at: c.at,
            note: c.note,
            appointment_date: c.appointment_date,
            reason: c.reason,
            missing: c.missing,
        }
    }
}

/// A dossier with its timeline, as kept on the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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
    /// Late by the national scorecard rules.
    pub overdue: bool,
}

impl From<CoreTrackedDossier> for TrackedDossier {
    fn from(d: CoreTrackedDossier) -> Self {
        TrackedDossier {
            code: d.code,
            procedure_code: d.procedure_code,
            status: d.status.into(),
            appointment_date: d.appointment_date,
            timeline: d.timeline.into_iter().map(StatusChange::from).collect(),
            overdue: d.overdue,
        }
    }
}

/// A line of the dossiers list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierSummary {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Status as last synced.
    pub status: DossierStatus,
    /// When the portal received it (RFC 3339).
    pub submitted_at: String,
}

impl From<CoreLocalDossier> for DossierSummary {
    fn from(d: CoreLocalDossier) -> Self {
        DossierSummary {
            // The table holds the protocol's own names (written from `as_str`).
            status: WireStatus::parse(&d.status)
                .unwrap_or(WireStatus::Submitted)
                .into(),
            code: d.code,
            procedure_code: d.procedure_code,
            submitted_at: d.submitted_at,
        }
    }
}

/// What anyone may learn from a dossier code without logging in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublicLookup {
    /// Dossier code.
    pub code: String,
    /// Status.
    pub status: DossierStatus,
    /// The national status code (1–10), when the status has one.
    pub national_code: Option<u8>,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name (Vietnamese), when published.
    pub procedure_name_vi: Option<String>,
    /// Procedure name (English).
    pub procedure_name_en: Option<String>,
    /// Appointment date (`YYYY-MM-DD`).
    pub appointment_date: Option<String>,
}

impl From<WirePublicLookup> for PublicLookup {
    fn from(l: WirePublicLookup) -> Self {
        PublicLookup {
            code: l.code,
            status: l.status.into(),
            national_code: l.national_code,
            procedure_code: l.procedure_code,
            procedure_name_vi: l.procedure_name_vi,
            procedure_name_en: l.procedure_name_en,
            appointment_date: l.appointment_date,
        }
    }
}

/// Told about each status change as it is synced. Called on the core's threads: hand
/// over to the UI thread (e.g. `trySend` to a channel) and return quickly.
#[uniffi::export(foreign)]
pub trait StatusListener: Send + Sync {
    /// A dossier changed status.
    fn on_status_change(&self, change: StatusChange) -> Result<(), ListenerError>;
}

/// The app's listener as the core's.
struct StatusAdapter(Arc<dyn StatusListener>);

impl CoreStatusListener for StatusAdapter {
    fn on_status_change(&self, change: &WireStatusChange) {
        report("status", self.0.on_status_change(change.clone().into()));
    }
}

/// Status tracking.
#[derive(uniffi::Object)]
pub struct Tracking {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: Handle,
}

#[uniffi::export]
impl Tracking {
    /// Fetches the changes since the last sync, keeps them on the device, tells the
    /// listeners and returns them. Cancelling keeps every page already stored.
    pub async fn sync(&self) -> Result<Vec<StatusChange>, TrackingException> {
        let core = self.core.clone();
        run(&self.runtime, async move { core.tracking().sync().await })
            .await
            .map(|changes| changes.into_iter().map(StatusChange::from).collect())
            .map_err(|e| TrackingException::from_core(e, self.lang))
    }

    /// The citizen's dossiers on the device, newest first (no network).
    pub fn dossiers(&self) -> Result<Vec<DossierSummary>, TrackingException> {
        self.core
            .dossier()
            .dossiers()
            .map(|list| list.into_iter().map(DossierSummary::from).collect())
            .map_err(|e| TrackingException::from_dossier(e, self.lang))
    }

    /// A dossier with its timeline, appointment date and overdue flag (no network);
    /// `None` when the device does not know the code.
    pub fn dossier(&self, code: String) -> Result<Option<TrackedDossier>, TrackingException> {
        self.core
            .tracking()
            .dossier(&code)
            .map(|d| d.map(TrackedDossier::from))
            .map_err(|e| TrackingException::from_core(e, self.lang))
    }

    /// The status of any dossier code, without login (little data; rate limited).
    pub async fn public_lookup(&self, code: String) -> Result<PublicLookup, TrackingException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.tracking().public_lookup(&code).await
        })
        .await
        .map(PublicLookup::from)
        .map_err(|e| TrackingException::from_core(e, self.lang))
    }

    /// The status's name in the configured language ("Đã tiếp nhận" / "Received").
    pub fn status_label(&self, status: DossierStatus) -> String {
        WireStatus::from(status).label(self.lang).to_owned()
    }

    /// Listens to status changes, as each sync stores them, until the handle is cancelled.
    pub fn add_status_listener(&self, listener: Arc<dyn StatusListener>) -> Arc<ListenerHandle> {
        let id = self
            .core
            .tracking()
            .add_listener(Arc::new(StatusAdapter(listener)));
        let core = self.core.clone();
        Arc::new(ListenerHandle::new(move || {
            core.tracking().remove_listener(id);
        }))
    }
}
