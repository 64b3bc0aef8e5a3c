//! Assisted sessions: a youth-union volunteer files for someone else (often an elderly
//! person without a smartphone) on the volunteer's own phone.
//!
//! The assisted citizen gets a profile of their own, isolated from the volunteer's: its
//! own SQLite file under `<data dir>/assisted/<session>/`, its own data key and session
//! tokens under keys scoped to the session in the platform keystore. The citizen logs in
//! there with their own electronic identity; the volunteer's profile stays logged in and
//! untouched. Ending the session destroys the data key first (what was sealed is
//! unreadable at once), then removes the files and every scoped secret, so nothing of the
//! citizen remains readable on the phone. A session whose process died (the app was
//! killed) is erased the next time the core opens.
//!
//! What the volunteer's profile keeps is only what the community digital team's report
//! needs: when a session ran, the version of the consent statement the citizen accepted,
//! which procedures were filed and how they ended. No name, no ID number, no form value,
//! no dossier code.

mod scoped_store;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use motcua_protocol::i18n::{Lang, Localized};
use serde::Serialize;

use self::scoped_store::ScopedSecureStore;
use crate::dossier::{DossierError, DraftState, KEY_DATA_KEY};
use crate::identity::Identity;
use crate::secure_store::{SecureStore, SecureStoreError};
use crate::store::assist::{self as store, EndKind, OutcomeKind};
use crate::store::{DATABASE_FILE, Database, StoreError};
use crate::{CoreConfig, MotCua, OpenError};

/// Directory (under the volunteer's data directory) holding the assisted profiles.
pub const ASSISTED_DIR: &str = "assisted";

/// Version of the consent statement the apps show ([`consent_statement`]). The app passes
/// it back to [`AssistArea::begin_assisted_session`] to record which text was accepted.
pub const CONSENT_STATEMENT_VERSION: &str = "assist-consent-v1";

/// The consent statement read to (or by) the assisted citizen before the session starts.
pub fn consent_statement(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => {
            "Tôi đồng ý để tình nguyện viên giúp tôi nộp hồ sơ dịch vụ công trên điện thoại của \
             tình nguyện viên. Tôi tự đăng nhập bằng tài khoản định danh điện tử của tôi. Thông tin \
             của tôi chỉ dùng để nộp hồ sơ này và sẽ bị xóa khỏi điện thoại khi kết thúc phiên hỗ \
             trợ; tôi được giữ mã hồ sơ và giấy tiếp nhận."
        }
        Lang::En => {
            "I agree that the volunteer helps me file a public-service dossier on the volunteer's \
             phone. I log in myself with my own electronic identity. My information is used only \
             to file this dossier and is erased from the phone when the assisted session ends; I \
             keep the dossier code and the receipt."
        }
    }
}

/// Why an assisted-session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    /// The citizen's consent was not given for the current statement.
    #[error("consent to statement {expected} is required")]
    ConsentRequired {
        /// The statement version the app must show.
        expected: &'static str,
    },
    /// A session is already open: end it first.
    #[error("an assisted session is already open")]
    SessionOpen,
    /// No assisted session is open.
    #[error("no assisted session is open")]
    NoSession,
    /// Submissions of the session are still waiting for the network; ending now would
    /// lose them (end with `force` to give them up).
    #[error("{count} submissions are not sent yet")]
    SubmissionsPending {
        /// How many.
        count: usize,
    },
    /// The assisted profile could not be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The volunteer's database.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The platform keystore.
    #[error(transparent)]
    SecureStore(#[from] SecureStoreError),
    /// Removing the assisted profile's files.
    #[error("file: {0}")]
    File(String),
    /// Reading the session's dossiers.
    #[error(transparent)]
    Dossier(#[from] DossierError),
}

impl Localized for AssistError {
    fn code(&self) -> &'static str {
        match self {
            AssistError::ConsentRequired { .. } => "consent_required",
            AssistError::SessionOpen => "assisted_session_open",
            AssistError::NoSession => "no_assisted_session",
            AssistError::SubmissionsPending { .. } => "submissions_pending",
            AssistError::Open(e) => e.code(),
            AssistError::Storage(_) | AssistError::File(_) => "storage_failed",
            AssistError::SecureStore(_) => "secure_storage_failed",
            AssistError::Dossier(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pick = |vi: String, en: String| if lang == Lang::Vi { vi } else { en };
        match self {
            AssistError::Open(e) => e.message(lang),
            AssistError::Dossier(e) => e.message(lang),
            AssistError::ConsentRequired { .. } => pick(
                "Cần người được hỗ trợ đồng ý trước khi bắt đầu.".into(),
                "The person being helped must consent before the session starts.".into(),
            ),
            AssistError::SessionOpen => pick(
                "Đang có một phiên hỗ trợ. Hãy kết thúc phiên đó trước.".into(),
                "An assisted session is already open. End it first.".into(),
            ),
            AssistError::NoSession => pick(
                "Không có phiên hỗ trợ nào đang mở.".into(),
                "No assisted session is open.".into(),
            ),
            AssistError::SubmissionsPending { count } => pick(
                format!(
                    "Còn {count} hồ sơ chưa gửi được (chưa có mạng). Kết thúc bây giờ thì các hồ sơ này sẽ bị xóa và không được nộp."
                ),
                format!(
                    "{count} dossiers are not sent yet (no network). Ending now erases them without filing them."
                ),
            ),
            AssistError::Storage(_) | AssistError::File(_) | AssistError::SecureStore(_) => pick(
                "Không đọc/ghi được dữ liệu trên máy.".into(),
                "Data on this device could not be read or written.".into(),
            ),
        }
    }
}

/// An open assisted session: the citizen's isolated profile.
pub struct AssistedSession {
    id: String,
    started_at: i64,
    core: Arc<MotCua>,
    /// Set while an end is under way and for good once it succeeded; a refused end
    /// (submissions still waiting) clears it, so the session stays usable.
    closed: AtomicBool,
}

impl AssistedSession {
    fn new(id: String, started_at: i64, core: MotCua) -> AssistedSession {
        AssistedSession {
            id,
            started_at,
            core: Arc::new(core),
            closed: AtomicBool::new(false),
        }
    }

    /// Whether the session has ended (its profile is erased).
    pub fn is_ended(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// The session id (names its directory and scoped secrets; not personal data).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When it started (seconds since the epoch).
    pub fn started_at(&self) -> i64 {
        self.started_at
    }

    /// The citizen's core: log in, search, draft, submit, track, receipt — as in the
    /// volunteer's own profile, but isolated.
    pub fn core(&self) -> &Arc<MotCua> {
        &self.core
    }

    /// What the citizen leaves with for dossier `code`: the code, the appointment and how
    /// to follow the dossier, in plain words.
    pub fn handoff(&self, code: &str, lang: Lang) -> Result<Handoff, AssistError> {
        if self.is_ended() {
            return Err(AssistError::NoSession);
        }
        let tracked = self
            .core
            .tracking()
            .dossier(code)
            .map_err(|e| AssistError::File(e.to_string()))?;
        let procedure_code = tracked
            .as_ref()
            .map(|t| t.procedure_code.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| {
                self.core
                    .dossier()
                    .dossiers()
                    .ok()?
                    .into_iter()
                    .find(|d| d.code == code)
                    .map(|d| d.procedure_code)
            })
            .unwrap_or_default();
        let procedure_name = self
            .core
            .catalog()
            .procedure(&procedure_code)
            .ok()
            .flatten()
            .map(|p| match lang {
                Lang::Vi => p.name_vi,
                Lang::En => p.name_en,
            });
        let appointment_date = tracked.and_then(|t| t.appointment_date);
        // The receipt exists once the desk accepted the dossier and the phone synced.
        let receipt = self.core.receipt().receipt(code).ok();
        let instructions = handoff_text(
            lang,
            code,
            procedure_name.as_deref(),
            appointment_date.as_deref(),
        );
        Ok(Handoff {
            dossier_code: code.to_owned(),
            procedure_name,
            appointment_date,
            instructions,
            receipt_qr_text: receipt.as_ref().map(|r| r.qr_text.clone()),
            receipt_png: receipt.map(|r| r.qr.png),
        })
    }
}

/// What the assisted citizen takes home (printed or sent to a relative's phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handoff {
    /// The dossier code.
    pub dossier_code: String,
    /// The procedure's name.
    pub procedure_name: Option<String>,
    /// The appointment date (`YYYY-MM-DD`), once the desk accepted the dossier.
    pub appointment_date: Option<String>,
    /// Plain-words instructions: the code, the date, how to look it up.
    pub instructions: String,
    /// The signed receipt's QR text, once issued (the desk verifies it offline).
    pub receipt_qr_text: Option<String>,
    /// The receipt's QR code as a PNG to print or send, once issued.
    #[serde(skip)]
    pub receipt_png: Option<Vec<u8>>,
}

fn display_date(date: &str) -> String {
    match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(day) => day.format("%d/%m/%Y").to_string(),
        Err(_) => date.to_owned(),
    }
}

fn handoff_text(
    lang: Lang,
    code: &str,
    procedure: Option<&str>,
    appointment: Option<&str>,
) -> String {
    let mut lines = Vec::new();
    match lang {
        Lang::Vi => {
            lines.push(format!("Mã hồ sơ của ông/bà: {code}"));
            if let Some(name) = procedure {
                lines.push(format!("Thủ tục: {name}"));
            }
            match appointment {
                Some(date) => lines.push(format!("Ngày hẹn trả kết quả: {}", display_date(date))),
                None => lines
                    .push("Ngày hẹn trả kết quả sẽ có khi bộ phận một cửa tiếp nhận hồ sơ.".into()),
            }
            lines.push(
                "Giữ mã này. Để xem hồ sơ đến đâu: mở ứng dụng dịch vụ công của tỉnh, chọn \"Tra cứu hồ sơ\" và nhập mã (không cần đăng nhập); hoặc mang giấy này đến bộ phận một cửa."
                    .into(),
            );
        }
        Lang::En => {
            lines.push(format!("Your dossier code: {code}"));
            if let Some(name) = procedure {
                lines.push(format!("Procedure: {name}"));
            }
            match appointment {
                Some(date) => lines.push(format!("Result due on: {}", display_date(date))),
                None => lines.push(
                    "The result date is set when the one-stop desk accepts the dossier.".into(),
                ),
            }
            lines.push(
                "Keep this code. To see where the dossier is: open the province's public-service app, choose \"Look up a dossier\" and enter the code (no login needed); or bring this paper to the one-stop desk."
                    .into(),
            );
        }
    }
    lines.join("\n")
}

/// How one session ended, as the volunteer's profile records it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionOutcome {
    /// Whether the citizen logged in (a person was helped).
    pub helped: bool,
    /// Procedure codes of the dossiers filed.
    pub submitted: Vec<String>,
    /// Procedure codes of submissions given up while waiting for the network.
    pub not_sent: Vec<String>,
    /// Procedure codes of drafts left unfinished.
    pub abandoned_drafts: Vec<String>,
}

impl SessionOutcome {
    /// What the end-of-session screen says, line by line, in `lang`: that nobody logged
    /// in (so nobody counts as helped), then what was filed, not sent and left unfinished,
    /// each only when there is one.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let wording = crate::wording::Wording::new(lang);
        let mut lines = Vec::new();
        if !self.helped {
            lines.push(wording.assist_nobody_logged_in());
        }
        lines.extend(count_lines(
            &wording,
            count(&self.submitted),
            count(&self.not_sent),
            count(&self.abandoned_drafts),
        ));
        lines
    }
}

fn count(codes: &[String]) -> u32 {
    u32::try_from(codes.len()).unwrap_or(u32::MAX)
}

/// "Đã nộp: 2 hồ sơ", "Không gửi được: 1 hồ sơ", "Bỏ dở: …": the counts that are not zero.
fn count_lines(
    wording: &crate::wording::Wording,
    submitted: u32,
    not_sent: u32,
    unfinished: u32,
) -> Vec<String> {
    let mut lines = Vec::new();
    if submitted > 0 {
        lines.push(wording.assist_filed(submitted));
    }
    if not_sent > 0 {
        lines.push(wording.assist_not_sent(not_sent));
    }
    if unfinished > 0 {
        lines.push(wording.assist_unfinished(unfinished));
    }
    lines
}

/// One day of the volunteer's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssistDay {
    /// The day in Vietnam (`YYYY-MM-DD`).
    pub day: String,
    /// Sessions in which a citizen logged in.
    pub people_helped: u32,
    /// Sessions that ended without an orderly end (the app was killed).
    pub interrupted_sessions: u32,
    /// Per procedure: how many were filed, not sent, left as drafts.
    pub procedures: Vec<ProcedureCount>,
}

/// One procedure's counts on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcedureCount {
    /// National procedure code.
    pub procedure_code: String,
    /// Dossiers filed.
    pub submitted: u32,
    /// Submissions given up.
    pub not_sent: u32,
    /// Drafts left unfinished.
    pub abandoned_drafts: u32,
}

impl AssistDay {
    /// "Đã hỗ trợ 2 người", in `lang`.
    pub fn people_helped_label(&self, lang: Lang) -> String {
        crate::wording::Wording::new(lang).people_helped(self.people_helped)
    }

    /// "1 phiên bị gián đoạn" when a session of the day was cut short, in `lang`.
    pub fn interrupted_label(&self, lang: Lang) -> Option<String> {
        (self.interrupted_sessions > 0).then(|| {
            crate::wording::Wording::new(lang).interrupted_sessions(self.interrupted_sessions)
        })
    }
}

impl ProcedureCount {
    /// The day's counts of the procedure that are not zero, line by line, in `lang`.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        count_lines(
            &crate::wording::Wording::new(lang),
            self.submitted,
            self.not_sent,
            self.abandoned_drafts,
        )
    }
}

/// The assist area of the volunteer's core.
pub struct AssistArea {
    config: Arc<CoreConfig>,
    secure: Arc<dyn SecureStore>,
    database: Arc<Database>,
    identity: Arc<Identity>,
}

use motcua_protocol::time::unix_now;

/// The day in Vietnam of the instant `unix`, `YYYY-MM-DD` (the day an assisted session is
/// counted on).
fn vietnam_day(unix: i64) -> String {
    motcua_protocol::time::vietnam_date_of(unix).to_string()
}

fn random_session_id() -> Result<String, AssistError> {
    let bytes = crate::random::bytes::<12>()
        .map_err(|_| AssistError::SecureStore(SecureStoreError("no randomness".into())))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A session id is what [`random_session_id`] makes: anything else found on disk is not
/// ours to delete.
fn is_session_id(name: &str) -> bool {
    name.len() == 24 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

impl AssistArea {
    pub(crate) fn new(
        config: Arc<CoreConfig>,
        secure: Arc<dyn SecureStore>,
        database: Arc<Database>,
        identity: Arc<Identity>,
    ) -> AssistArea {
        AssistArea {
            config,
            secure,
            database,
            identity,
        }
    }

    fn session_dir(&self, id: &str) -> PathBuf {
        self.config.data_dir.join(ASSISTED_DIR).join(id)
    }

    fn open_profile(&self, id: &str) -> Result<MotCua, AssistError> {
        let mut config = (*self.config).clone();
        config.data_dir = self.session_dir(id);
        // An assisted profile never holds a session of its own.
        config.resume_assisted_session = false;
        let store: Arc<dyn SecureStore> = Arc::new(ScopedSecureStore::new(self.secure.clone(), id));
        Ok(MotCua::open_isolated(config, store)?)
    }

    /// Opens a session for the citizen being helped, after they accepted the consent
    /// statement of version `consent_version` ([`CONSENT_STATEMENT_VERSION`]). The
    /// volunteer's profile is not touched; the catalog is copied so that search works
    /// offline at once.
    pub fn begin_assisted_session(
        &self,
        consent_version: &str,
    ) -> Result<AssistedSession, AssistError> {
        if consent_version != CONSENT_STATEMENT_VERSION {
            return Err(AssistError::ConsentRequired {
                expected: CONSENT_STATEMENT_VERSION,
            });
        }
        if self.open_session_id()?.is_some() {
            return Err(AssistError::SessionOpen);
        }
        let id = random_session_id()?;
        let now = unix_now();
        let assisted_by = self.identity.profile().ok().flatten().map(|p| p.subject);
        // Recorded before anything of the citizen exists, so that a kill at any later
        // point leaves a row that says what to erase.
        store::record_start(
            &self.database,
            &id,
            now,
            &vietnam_day(now),
            consent_version,
            assisted_by.as_deref(),
        )?;
        let core = self.open_profile(&id)?;
        self.copy_catalog(&id)?;
        tracing::info!("assisted session started");
        Ok(AssistedSession::new(id, now, core))
    }

    /// Copies the volunteer's catalog (public data) into the new profile.
    fn copy_catalog(&self, id: &str) -> Result<(), AssistError> {
        let target = self.session_dir(id).join(DATABASE_FILE);
        Ok(store::copy_catalog_into(&self.database, &target)?)
    }

    fn open_session_id(&self) -> Result<Option<String>, AssistError> {
        Ok(store::open_session(&self.database)?.map(|(id, _)| id))
    }

    /// The open session, reopened (for a tool whose session spans several processes, such
    /// as the command line; the apps keep the session object).
    pub fn resume_assisted_session(&self) -> Result<AssistedSession, AssistError> {
        let (id, started_at) =
            store::open_session(&self.database)?.ok_or(AssistError::NoSession)?;
        if !self.session_dir(&id).exists() {
            return Err(AssistError::NoSession);
        }
        let core = self.open_profile(&id)?;
        Ok(AssistedSession::new(id, started_at, core))
    }

    /// Ends the session: tries once more to send what is waiting, records the outcome
    /// (procedures and how they ended, nothing personal), logs the citizen out, and
    /// erases the profile. Refuses while submissions are still waiting for the network,
    /// unless `force` (they are then given up, and counted as not sent); a refused end
    /// leaves the session open and usable. Objects holding `session.core()` should be
    /// released first: the erased files stay open until they are.
    pub async fn end_assisted_session(
        &self,
        session: &AssistedSession,
        force: bool,
    ) -> Result<SessionOutcome, AssistError> {
        if session.closed.swap(true, Ordering::SeqCst) {
            return Err(AssistError::NoSession);
        }
        let ended = self.close(session, force).await;
        if ended.is_err() {
            session.closed.store(false, Ordering::SeqCst);
        }
        ended
    }

    async fn close(
        &self,
        session: &AssistedSession,
        force: bool,
    ) -> Result<SessionOutcome, AssistError> {
        let dossier = session.core.dossier();
        if dossier.pending_submissions()? > 0 {
            // Best effort: a failure here is only "still pending".
            let _ = dossier.run_outbox(true, None).await;
        }
        let pending = dossier.pending_submissions()?;
        if pending > 0 && !force {
            return Err(AssistError::SubmissionsPending { count: pending });
        }
        let mut outcome = SessionOutcome {
            helped: session.core.identity().profile().ok().flatten().is_some(),
            submitted: Vec::new(),
            not_sent: Vec::new(),
            abandoned_drafts: Vec::new(),
        };
        for draft in dossier.drafts()? {
            if draft.answers_dossier.is_some() {
                continue;
            }
            match draft.state {
                DraftState::Submitted => outcome.submitted.push(draft.procedure_code),
                DraftState::Submitting => outcome.not_sent.push(draft.procedure_code),
                DraftState::Editing => outcome.abandoned_drafts.push(draft.procedure_code),
            }
        }
        if outcome.helped {
            let _ = session.core.identity().logout().await;
        }
        self.record_outcome(&session.id, &outcome, EndKind::Ended)?;
        self.erase(&session.id)?;
        tracing::info!("assisted session ended and erased");
        Ok(outcome)
    }

    fn record_outcome(
        &self,
        id: &str,
        outcome: &SessionOutcome,
        end: EndKind,
    ) -> Result<(), AssistError> {
        let outcomes: Vec<(&str, OutcomeKind)> = [
            (&outcome.submitted, OutcomeKind::Submitted),
            (&outcome.not_sent, OutcomeKind::NotSent),
            (&outcome.abandoned_drafts, OutcomeKind::DraftAbandoned),
        ]
        .into_iter()
        .flat_map(|(codes, kind)| codes.iter().map(move |code| (code.as_str(), kind)))
        .collect();
        store::record_end(
            &self.database,
            id,
            &outcomes,
            end,
            outcome.helped,
            unix_now(),
        )?;
        Ok(())
    }

    /// Destroys the session's data key, then its files, then its other secrets.
    fn erase(&self, id: &str) -> Result<(), AssistError> {
        ScopedSecureStore::new(self.secure.clone(), id).erase_all(KEY_DATA_KEY)?;
        remove_dir(&self.session_dir(id))?;
        Ok(())
    }

    /// Erases every session that outlived its process (the app was killed mid-session),
    /// and any leftover directory. Called when the core opens.
    pub(crate) fn erase_abandoned(&self) -> Result<usize, AssistError> {
        let open = store::open_session_ids(&self.database)?;
        let mut erased = 0;
        for id in &open {
            self.record_outcome(
                id,
                &SessionOutcome {
                    helped: false,
                    submitted: Vec::new(),
                    not_sent: Vec::new(),
                    abandoned_drafts: Vec::new(),
                },
                EndKind::Abandoned,
            )?;
            self.erase(id)?;
            erased += 1;
        }
        // Directories without a row: a kill between creating the profile and... or an
        // older build. Same treatment.
        let root = self.config.data_dir.join(ASSISTED_DIR);
        if let Ok(entries) = std::fs::read_dir(&root) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if is_session_id(&name) {
                    self.erase(&name)?;
                    erased += 1;
                }
            }
        }
        if erased > 0 {
            tracing::warn!(erased, "abandoned assisted sessions erased");
        }
        Ok(erased)
    }

    /// The volunteer's summary by day, newest first: people helped, procedures and how
    /// they ended. No personal data.
    pub fn assist_summary(&self) -> Result<Vec<AssistDay>, AssistError> {
        let mut days: Vec<AssistDay> = store::summary_days(&self.database)?
            .into_iter()
            .map(|row| AssistDay {
                day: row.day,
                people_helped: row.helped,
                interrupted_sessions: row.interrupted,
                procedures: Vec::new(),
            })
            .collect();
        for row in store::summary_procedures(&self.database)? {
            if let Some(entry) = days.iter_mut().find(|d| d.day == row.day) {
                entry.procedures.push(ProcedureCount {
                    procedure_code: row.procedure_code,
                    submitted: row.submitted,
                    not_sent: row.not_sent,
                    abandoned_drafts: row.abandoned_drafts,
                });
            }
        }
        Ok(days)
    }

    /// The summary as CSV for the community digital team's report: one line per day and
    /// procedure (`day,people_helped,interrupted_sessions,procedure_code,submitted,
    /// not_sent,abandoned_drafts`; a day without dossiers has one line with an empty
    /// procedure).
    pub fn assist_summary_csv(&self) -> Result<String, AssistError> {
        let mut csv = String::from(
            "day,people_helped,interrupted_sessions,procedure_code,submitted,not_sent,abandoned_drafts\n",
        );
        for day in self.assist_summary()? {
            if day.procedures.is_empty() {
                csv.push_str(&format!(
                    "{},{},{},,0,0,0\n",
                    day.day, day.people_helped, day.interrupted_sessions
                ));
            }
            for p in &day.procedures {
                csv.push_str(&format!(
                    "{},{},{},{},{},{},{}\n",
                    day.day,
                    day.people_helped,
                    day.interrupted_sessions,
                    p.procedure_code,
                    p.submitted,
                    p.not_sent,
                    p.abandoned_drafts
                ));
            }
        }
        Ok(csv)
    }
}

fn remove_dir(dir: &Path) -> Result<(), AssistError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AssistError::File(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_session_says_only_what_happened() {
        let outcome = SessionOutcome {
            helped: true,
            submitted: vec!["1.004873".into(), "1.001193".into()],
            not_sent: Vec::new(),
            abandoned_drafts: vec!["1.001193".into()],
        };
        assert_eq!(
            outcome.lines(Lang::Vi),
            ["Đã nộp: 2 hồ sơ", "Bỏ dở: 1 hồ sơ"]
        );
        assert_eq!(
            outcome.lines(Lang::En),
            ["Filed: 2 dossiers", "Left unfinished: 1 dossier"]
        );
        let nobody = SessionOutcome {
            helped: false,
            submitted: Vec::new(),
            not_sent: Vec::new(),
            abandoned_drafts: Vec::new(),
        };
        assert_eq!(
            nobody.lines(Lang::Vi),
            [crate::wording::Wording::new(Lang::Vi).assist_nobody_logged_in()]
        );
    }

    #[test]
    fn a_day_of_the_summary_in_words() {
        let day = AssistDay {
            day: "2026-03-02".into(),
            people_helped: 1,
            interrupted_sessions: 0,
            procedures: vec![ProcedureCount {
                procedure_code: "1.004873".into(),
                submitted: 0,
                not_sent: 3,
                abandoned_drafts: 0,
            }],
        };
        assert_eq!(day.people_helped_label(Lang::En), "1 person helped");
        assert_eq!(day.people_helped_label(Lang::Vi), "Đã hỗ trợ 1 người");
        assert_eq!(day.interrupted_label(Lang::Vi), None);
        assert_eq!(
            day.procedures[0].lines(Lang::Vi),
            ["Không gửi được: 3 hồ sơ"]
        );
    }
}
