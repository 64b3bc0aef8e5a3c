//! The tracking area for Kotlin and Swift: sync of status changes, the dossiers and their
//! timelines kept on the device, the public lookup, and a listener for status changes.
//! Conversions only; every rule lives in `motcua_core::tracking` and `motcua_protocol`.

use std::sync::Arc;

use motcua_core::Lang;
use motcua_core::dossier::LocalDossier as CoreLocalDossier;
use motcua_core::tracking::{
    CitizenAction as CoreCitizenAction, DossierActions as CoreDossierActions,
    FeeStanding as CoreFeeStanding, StatusListener as CoreStatusListener,
    TrackedDossier as CoreTrackedDossier,
};
use motcua_protocol::api::tracking::{
    PublicLookup as WirePublicLookup, StatusChange as WireStatusChange,
};
use motcua_protocol::dossier::DossierStatus as WireStatus;
use tokio::runtime::Handle;

use crate::error::CoreException;
use crate::listener::{ListenerError, ListenerHandle, report};
use crate::runtime::run;

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
    /// The status in words, in the configured language ("Đã tiếp nhận").
    pub label: String,
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

impl StatusChange {
    pub(crate) fn new(c: WireStatusChange, lang: Lang) -> Self {
        StatusChange {
            seq: c.seq,
            code: c.code,
            label: c.status.label(lang).to_owned(),
            status: c.status.into(),
            at: c.at,
            note: c.note,
            appointment_date: c.appointment_date,
            reason: c.reason,
            missing: c.missing,
        }
    }
}

impl From<StatusChange> for WireStatusChange {
    fn from(c: StatusChange) -> Self {
        WireStatusChange {
            seq: c.seq,
            code: c.code,
            status: c.status.into(),
            at: c.at,
            note: c.note,
            appointment_date: c.appointment_date,
            reason: c.reason,
            missing: c.missing,
            receipt: None,
        }
    }
}

/// A notification worth posting after a background sync, in the configured language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Notice {
    /// The dossier it is about: the notification opens it, and replaces the previous one
    /// of the same dossier.
    pub dossier_code: String,
    /// The title.
    pub title: String,
    /// What happened.
    pub body: String,
}

/// Something the citizen can do with one of their dossiers (the core decides which, from
/// the lifecycle; the apps show a button for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CitizenAction {
    /// Show the signed receipt at the desk.
    ShowReceipt,
    /// Send the documents the desk asked for (`Dossiers.answerSupplement`).
    AnswerSupplement,
    /// Pay the fee that is due (`Payments.refresh`: the payment screen).
    PayFee,
    /// Open the paid fee's e-receipt (`Payments.feeReceipt`): secondary, offered also once
    /// the dossier is closed.
    ShowFeeReceipt,
    /// Ask to withdraw the dossier (`Dossiers.withdraw`): secondary, confirmed first.
    Withdraw,
}

impl From<CoreCitizenAction> for CitizenAction {
    fn from(action: CoreCitizenAction) -> Self {
        match action {
            CoreCitizenAction::ShowReceipt => CitizenAction::ShowReceipt,
            CoreCitizenAction::AnswerSupplement => CitizenAction::AnswerSupplement,
            CoreCitizenAction::PayFee => CitizenAction::PayFee,
            CoreCitizenAction::ShowFeeReceipt => CitizenAction::ShowFeeReceipt,
            CoreCitizenAction::Withdraw => CitizenAction::Withdraw,
        }
    }
}

/// The actions a dossier offers its citizen now, and the one to put forward.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierActions {
    /// Every action the citizen may take, in the order to list them.
    pub available: Vec<CitizenAction>,
    /// The one action to put forward (a filled button), if any; never `Withdraw`.
    pub primary: Option<CitizenAction>,
}

impl From<CoreDossierActions> for DossierActions {
    fn from(actions: CoreDossierActions) -> Self {
        DossierActions {
            available: actions.available.into_iter().map(Into::into).collect(),
            primary: actions.primary.map(Into::into),
        }
    }
}

/// Where a dossier's fee stands, as far as its actions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeeStanding {
    /// Nothing to do about a fee: none, not due yet, or settled at the desk.
    Nothing,
    /// The fee awaits its payment.
    Due,
    /// The fee is paid and its e-receipt is on the device.
    Paid,
}

impl From<FeeStanding> for CoreFeeStanding {
    fn from(fee: FeeStanding) -> Self {
        match fee {
            FeeStanding::Nothing => CoreFeeStanding::Nothing,
            FeeStanding::Due => CoreFeeStanding::Due,
            FeeStanding::Paid => CoreFeeStanding::Paid,
        }
    }
}

/// What a dossier in `status` offers its citizen, `holds_receipt` saying whether the phone
/// has its receipt and `fee` where its fee stands: the rule behind
/// [`TrackedDossier::actions`], from the lifecycle, for the apps' tests to check their
/// screens against every status.
#[uniffi::export]
pub fn dossier_actions(
    status: DossierStatus,
    holds_receipt: bool,
    fee: FeeStanding,
) -> DossierActions {
    CoreDossierActions::for_dossier(status.into(), holds_receipt, fee.into()).into()
}

/// A dossier with its timeline, as kept on the device, and what its screen shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrackedDossier {
    /// Dossier code.
    pub code: String,
    /// Procedure code (empty for a dossier filed from another device, until known).
    pub procedure_code: String,
    /// Current status.
    pub status: DossierStatus,
    /// The status in words, in the configured language.
    pub status_label: String,
    /// Appointment date (`YYYY-MM-DD`), once received at the desk.
    pub appointment_date: Option<String>,
    /// Every status change synced, oldest first.
    pub timeline: Vec<StatusChange>,
    /// Late by the national scorecard rules.
    pub overdue: bool,
    /// What the citizen may do with it now, and the action to put forward.
    pub actions: DossierActions,
    /// What the desk asks the citizen to supply now (empty unless a supplement request
    /// waits for its answer).
    pub missing: Vec<String>,
}

impl TrackedDossier {
    fn new(d: CoreTrackedDossier, lang: Lang) -> Self {
        TrackedDossier {
            status_label: d.status.label(lang).to_owned(),
            code: d.code,
            procedure_code: d.procedure_code,
            status: d.status.into(),
            appointment_date: d.appointment_date,
            timeline: d
                .timeline
                .into_iter()
                .map(|c| StatusChange::new(c, lang))
                .collect(),
            overdue: d.overdue,
            actions: d.actions.into(),
            missing: d.missing,
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
    /// The status in words, in the configured language.
    pub status_label: String,
    /// When the portal received it (RFC 3339).
    pub submitted_at: String,
}

impl DossierSummary {
    fn new(d: CoreLocalDossier, lang: Lang) -> Self {
        DossierSummary {
            status_label: d.status.label(lang).to_owned(),
            status: d.status.into(),
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
struct StatusAdapter(Arc<dyn StatusListener>, Lang);

impl CoreStatusListener for StatusAdapter {
    fn on_status_change(&self, change: &WireStatusChange) {
        report(
            "status",
            self.0
                .on_status_change(StatusChange::new(change.clone(), self.1)),
        );
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
    pub async fn sync(&self) -> Result<Vec<StatusChange>, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move { core.tracking().sync().await })
            .await
            .map(|changes| {
                changes
                    .into_iter()
                    .map(|c| StatusChange::new(c, self.lang))
                    .collect()
            })
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The citizen's dossiers on the device, newest first (no network).
    pub fn dossiers(&self) -> Result<Vec<DossierSummary>, CoreException> {
        self.core
            .dossier()
            .dossiers()
            .map(|list| {
                list.into_iter()
                    .map(|d| DossierSummary::new(d, self.lang))
                    .collect()
            })
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// A dossier with its timeline, appointment date and overdue flag (no network);
    /// `None` when the device does not know the code.
    pub fn dossier(&self, code: String) -> Result<Option<TrackedDossier>, CoreException> {
        self.core
            .tracking()
            .dossier(&code)
            .map(|d| d.map(|d| TrackedDossier::new(d, self.lang)))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The status of any dossier code, without login (little data; rate limited).
    pub async fn public_lookup(&self, code: String) -> Result<PublicLookup, CoreException> {
        let core = self.core.clone();
        run(&self.runtime, async move {
            core.tracking().public_lookup(&code).await
        })
        .await
        .map(PublicLookup::from)
        .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The notifications worth posting for what a background run found: `changes` as
    /// `sync` returned them and the codes of the dossiers the outbox delivered meanwhile.
    /// One per dossier; the phone's own submission is told only as a delivery.
    pub fn notices(&self, changes: Vec<StatusChange>, delivered: Vec<String>) -> Vec<Notice> {
        let changes: Vec<WireStatusChange> = changes.into_iter().map(Into::into).collect();
        motcua_core::tracking::notices::notices(&changes, &delivered, self.lang)
            .into_iter()
            .map(|n| Notice {
                dossier_code: n.dossier_code,
                title: n.title,
                body: n.body,
            })
            .collect()
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
            .add_listener(Arc::new(StatusAdapter(listener, self.lang)));
        let core = self.core.clone();
        Arc::new(ListenerHandle::new(move || {
            core.tracking().remove_listener(id);
        }))
    }
}
