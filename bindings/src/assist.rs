//! The assist area for Kotlin and Swift: a volunteer files for someone else on the
//! volunteer's own phone, in an isolated profile erased when the session ends
//! (docs/decisions/0003-assisted-sessions.md). Conversions only; every rule lives in
//! `motcua_core::assist`.
//!
//! The citizen's isolated core crosses as the same `MotCua` object the app already knows
//! (`session.core()`), so the app's screens for login, search, drafts and tracking work on
//! it unchanged.

use std::sync::Arc;

use motcua_core::Lang;
use motcua_core::assist::{
    AssistDay as CoreAssistDay, AssistError, AssistedSession as CoreAssistedSession,
    Handoff as CoreHandoff, ProcedureCount as CoreProcedureCount,
    SessionOutcome as CoreSessionOutcome,
};
use tokio::runtime::Handle;

use crate::MotCua;
use crate::error::CoreException;
use crate::runtime::run;

/// The consent statement to show (or read) to the person being helped, in `language`
/// ("vi" or "en"; anything else is Vietnamese).
#[uniffi::export]
pub fn consent_statement(language: String) -> String {
    motcua_core::assist::consent_statement(Lang::from_tag(&language)).to_owned()
}

/// The version of [`consent_statement`]'s text: pass it to `beginAssistedSession` once the
/// person accepted that text.
#[uniffi::export]
pub fn consent_statement_version() -> String {
    motcua_core::assist::CONSENT_STATEMENT_VERSION.to_owned()
}

/// What the assisted citizen takes home (printed, or sent to a relative's phone).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Handoff {
    /// The dossier code.
    pub dossier_code: String,
    /// The procedure's name in the configured language.
    pub procedure_name: Option<String>,
    /// The appointment date (`YYYY-MM-DD`), once the desk accepted the dossier.
    pub appointment_date: Option<String>,
    /// Plain-words instructions: the code, the date, how to look the dossier up.
    pub instructions: String,
}

impl From<CoreHandoff> for Handoff {
    fn from(h: CoreHandoff) -> Self {
        Handoff {
            dossier_code: h.dossier_code,
            procedure_name: h.procedure_name,
            appointment_date: h.appointment_date,
            instructions: h.instructions,
        }
    }
}

/// How a session ended, as the volunteer's profile records it (procedure codes only).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionOutcome {
    /// Whether the citizen logged in (a person was helped).
    pub helped: bool,
    /// Procedure codes of the dossiers filed.
    pub submitted: Vec<String>,
    /// Procedure codes of submissions given up while waiting for the network.
    pub not_sent: Vec<String>,
    /// Procedure codes of drafts left unfinished.
    pub abandoned_drafts: Vec<String>,
    /// What the end-of-session screen says, line by line, in the configured language.
    pub lines: Vec<String>,
}

impl SessionOutcome {
    fn new(o: CoreSessionOutcome, lang: Lang) -> Self {
        SessionOutcome {
            lines: o.lines(lang),
            helped: o.helped,
            submitted: o.submitted,
            not_sent: o.not_sent,
            abandoned_drafts: o.abandoned_drafts,
        }
    }
}

/// One day of the volunteer's summary (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AssistDay {
    /// The day in Vietnam (`YYYY-MM-DD`).
    pub day: String,
    /// Sessions in which a citizen logged in.
    pub people_helped: u32,
    /// Sessions that ended without an orderly end (the app was killed).
    pub interrupted_sessions: u32,
    /// Per procedure: how many were filed, not sent, left as drafts.
    pub procedures: Vec<ProcedureCount>,
    /// "Đã hỗ trợ 2 người", in the configured language.
    pub people_helped_label: String,
    /// "1 phiên bị gián đoạn" when a session was cut short that day.
    pub interrupted_label: Option<String>,
}

impl AssistDay {
    fn new(d: CoreAssistDay, lang: Lang) -> Self {
        AssistDay {
            people_helped_label: d.people_helped_label(lang),
            interrupted_label: d.interrupted_label(lang),
            procedures: d
                .procedures
                .into_iter()
                .map(|p| ProcedureCount::new(p, lang))
                .collect(),
            day: d.day,
            people_helped: d.people_helped,
            interrupted_sessions: d.interrupted_sessions,
        }
    }
}

/// One procedure's counts on one day.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProcedureCount {
    /// National procedure code.
    pub procedure_code: String,
    /// Dossiers filed.
    pub submitted: u32,
    /// Submissions given up.
    pub not_sent: u32,
    /// Drafts left unfinished.
    pub abandoned_drafts: u32,
    /// The counts that are not zero, line by line, in the configured language.
    pub lines: Vec<String>,
}

impl ProcedureCount {
    fn new(p: CoreProcedureCount, lang: Lang) -> Self {
        ProcedureCount {
            lines: p.lines(lang),
            procedure_code: p.procedure_code,
            submitted: p.submitted,
            not_sent: p.not_sent,
            abandoned_drafts: p.abandoned_drafts,
        }
    }
}

/// Assisted sessions of the volunteer's profile: begin, end, resume, the summary.
#[derive(uniffi::Object)]
pub struct Assist {
    pub(crate) core: Arc<motcua_core::MotCua>,
    pub(crate) lang: Lang,
    pub(crate) runtime: Handle,
}

impl Assist {
    fn session(&self, session: CoreAssistedSession) -> Arc<AssistedSession> {
        Arc::new(AssistedSession {
            session: Arc::new(session),
            lang: self.lang,
            runtime: self.runtime.clone(),
        })
    }
}

#[uniffi::export]
impl Assist {
    /// Opens a session for the person being helped, once they accepted the consent
    /// statement of `consent_version` (`consentStatementVersion()`). The volunteer stays
    /// logged in and untouched; the catalog is copied so that search works offline.
    pub fn begin_assisted_session(
        &self,
        consent_version: String,
    ) -> Result<Arc<AssistedSession>, CoreException> {
        self.core
            .assist()
            .begin_assisted_session(&consent_version)
            .map(|session| self.session(session))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The session that is open in this profile, reopened (when the app lost its object).
    /// A session whose process died is erased when the core opens, never resumed.
    pub fn resume_assisted_session(&self) -> Result<Arc<AssistedSession>, CoreException> {
        self.core
            .assist()
            .resume_assisted_session()
            .map(|session| self.session(session))
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// Ends `session`: sends what still waits, records the outcome (procedure codes, no
    /// personal data), logs the citizen out and erases their profile and secrets. Close
    /// every object obtained from `session.core()` first. While submissions still wait
    /// for the network the end is refused (`SubmissionsPending`) and the session stays
    /// open, unless `force` gives them up.
    pub async fn end_assisted_session(
        &self,
        session: Arc<AssistedSession>,
        force: bool,
    ) -> Result<SessionOutcome, CoreException> {
        let lang = self.lang;
        let taken = session.session.clone();
        if taken.is_ended() {
            return Err(CoreException::new(&AssistError::NoSession, lang));
        }
        if Arc::strong_count(taken.core()) > 1 {
            // Those objects would keep the erased files open until they are collected.
            tracing::warn!("assisted session ended while the citizen's objects are open");
        }
        let core = self.core.clone();
        // A refused end (submissions still waiting) leaves the core's session open and
        // usable: this object stays valid.
        run(&self.runtime, async move {
            core.assist().end_assisted_session(&taken, force).await
        })
        .await
        .map(|outcome| SessionOutcome::new(outcome, lang))
        .map_err(|e| CoreException::new(&e, lang))
    }

    /// The volunteer's summary by day, newest first: people helped, procedures and how
    /// they ended.
    pub fn assist_summary(&self) -> Result<Vec<AssistDay>, CoreException> {
        self.core
            .assist()
            .assist_summary()
            .map(|days| {
                days.into_iter()
                    .map(|d| AssistDay::new(d, self.lang))
                    .collect()
            })
            .map_err(|e| CoreException::new(&e, self.lang))
    }

    /// The summary as CSV for the community digital team's report, one line per day and
    /// procedure.
    pub fn assist_summary_csv(&self) -> Result<String, CoreException> {
        self.core
            .assist()
            .assist_summary_csv()
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}

/// An open assisted session: the citizen's isolated profile.
#[derive(uniffi::Object)]
pub struct AssistedSession {
    session: Arc<CoreAssistedSession>,
    lang: Lang,
    runtime: Handle,
}

#[uniffi::export]
impl AssistedSession {
    /// The citizen's core: log in, search, draft, submit, track, as in the volunteer's own
    /// profile but isolated. `NoSession` once the session has ended.
    pub fn core(&self) -> Result<Arc<MotCua>, CoreException> {
        if self.session.is_ended() {
            return Err(CoreException::new(&AssistError::NoSession, self.lang));
        }
        Ok(Arc::new(MotCua {
            core: self.session.core().clone(),
            lang: self.lang,
            runtime: self.runtime.clone(),
        }))
    }

    /// When the session started (seconds since the epoch).
    pub fn started_at(&self) -> i64 {
        self.session.started_at()
    }

    /// Whether the session is still open (not ended).
    pub fn is_open(&self) -> bool {
        !self.session.is_ended()
    }

    /// What the citizen leaves with for dossier `code`: the code, the appointment and how
    /// to follow the dossier, in plain words and in the configured language.
    pub fn handoff(&self, code: String) -> Result<Handoff, CoreException> {
        self.session
            .handoff(&code, self.lang)
            .map(Handoff::from)
            .map_err(|e| CoreException::new(&e, self.lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorReason;
    use crate::tests::{TestPlatform, config};

    #[tokio::test]
    async fn a_session_crosses_as_objects_and_ends_once() {
        let dir = tempfile::tempdir().unwrap();
        let volunteer =
            MotCua::open(config(dir.path()), Arc::new(TestPlatform::default())).unwrap();
        let assist = volunteer.assist();
        match assist.begin_assisted_session("old-text".into()) {
            Err(CoreException::NotAllowed {
                code,
                reason: Some(ErrorReason::ConsentRequired { statement }),
                ..
            }) => {
                assert_eq!(code, "consent_required");
                assert_eq!(statement, consent_statement_version());
            }
            other => panic!("expected consent required, got {:?}", other.err()),
        }
        let session = assist
            .begin_assisted_session(consent_statement_version())
            .unwrap();
        assert!(session.is_open());
        assert!(matches!(
            assist.begin_assisted_session(consent_statement_version()),
            Err(CoreException::NotAllowed { code, .. }) if code == "assisted_session_open"
        ));
        {
            let citizen = session.core().unwrap();
            assert!(citizen.identity().profile().unwrap().is_none());
        }
        let outcome = assist
            .end_assisted_session(session.clone(), false)
            .await
            .unwrap();
        assert!(!outcome.helped);
        assert!(!session.is_open());
        assert!(matches!(
            session.core(),
            Err(CoreException::NotAllowed { code, .. }) if code == "no_assisted_session"
        ));
        assert!(matches!(
            session.handoff("X".into()),
            Err(CoreException::NotAllowed { code, .. }) if code == "no_assisted_session"
        ));
        assert!(matches!(
            assist.end_assisted_session(session, false).await,
            Err(CoreException::NotAllowed { code, .. }) if code == "no_assisted_session"
        ));
        let summary = assist.assist_summary().unwrap();
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].people_helped, 0);
        assert!(assist.assist_summary_csv().unwrap().starts_with("day,"));
    }

    #[test]
    fn the_consent_statement_is_localised() {
        assert!(consent_statement("en".into()).contains("I agree"));
        assert!(consent_statement("vi-VN".into()).contains("Tôi đồng ý"));
    }
}
