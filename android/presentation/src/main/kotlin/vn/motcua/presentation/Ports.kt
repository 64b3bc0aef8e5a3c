package vn.motcua.presentation

/*
 * What the dossier, tracking, receipt, payment and assisted-session screens need from the
 * core, as small interfaces owned by the presentation layer. Each is implemented over the
 * generated bindings by an adapter in this package (CoreDossiers, CoreTracking,
 * CoreReceipts, CorePayments, CoreAssist): conversions only. Nothing here is a stand-in result; a null port (a build
 * without an area) makes the screen say the feature is not in this version.
 *
 * Failures are the bindings' typed exceptions, turned into a [Problem] (Problem.kt) with the
 * core's localised message. The status and the citizen's actions are the bindings' own enums
 * ([DossierStatus], [CitizenAction]): the core decides them, nothing here re-derives them.
 */

import vn.motcua.CitizenAction
import vn.motcua.DossierStatus
import vn.motcua.DraftField
import vn.motcua.DraftForm
import vn.motcua.Notice
import vn.motcua.UploadProgress

/** A draft's state. */
enum class DraftPhase { EDITING, SUBMITTING, SUBMITTED }

/** An attachment of a draft. */
data class AttachedFile(
    val id: Long,
    val requirement: String,
    val fileName: String,
    val size: Long,
    val uploaded: Boolean,
)

/**
 * The person a draft is filed for ("nộp thay"), as the core records it: their name and
 * 12-digit personal ID number, the filer's relation to them, and the document behind it
 * (required by the core for [RepresentationBasis.AUTHORISED]).
 */
data class OnBehalfPerson(
    val fullName: String,
    val personalId: String,
    val basis: vn.motcua.RepresentationBasis,
    val detail: String?,
)

/** What [DossierPort.setOnBehalf] did. */
sealed interface OnBehalfChange {
    /** Recorded: the draft's form as the core holds it now (the identity fields locked to the person, or back to the citizen). */
    data class Recorded(val form: DraftForm) : OnBehalfChange

    /** The core refused the record: each problem by member (`full_name`, `personal_id`, `detail`, `basis`). Nothing changed. */
    data class Invalid(val issues: List<FieldIssue>) : OnBehalfChange
}

/** A line of the drafts list. */
data class DraftLine(
    val id: String,
    val procedureCode: String,
    val phase: DraftPhase,
    /** Seconds since the epoch. */
    val updatedAt: Long,
    val dossierCode: String?,
    /** For a supplement answer: the dossier it answers. */
    val answersDossier: String? = null,
)

/** A problem with the person filed for, by member (`full_name`, `personal_id`, `basis`, `detail`). */
data class FieldIssue(val fieldId: String, val message: String)

/** What a submission achieved. */
sealed interface Delivery {
    /** The portal has it. */
    data class Delivered(val dossierCode: String) : Delivery

    /** Saved on the phone, in the outbox; sent by itself later (no network, portal down). */
    data class Queued(val retryInSeconds: Long) : Delivery

    /** Refused for good; the draft is editable again. */
    data class Refused(val reason: String) : Delivery
}

/**
 * The dossier area: drafts, attachments, the exactly-once outbox. A draft is seen as its
 * form ([DraftForm], the core's view data): labels, the errors to show now, the documents
 * with their files, the supplement-answer mode, the submission's sentence.
 */
interface DossierPort {
    /** Starts a draft of the procedure, pre-filled; its form. */
    fun createDraft(procedureCode: String): DraftForm
    /** Saves one field; the field as the form shows it now. */
    fun setField(draftId: String, fieldId: String, value: String): DraftField
    suspend fun addAttachment(draftId: String, requirement: String, fileName: String, bytes: ByteArray): AttachedFile
    fun removeAttachment(draftId: String, attachmentId: Long)

    /**
     * Files [draftId] on behalf of [person], or for the logged-in citizen again (null). The
     * core decides what follows: the fields bound to the name and ID number are locked to
     * the person's, those it filled from the citizen's identity and cannot vouch for (birth
     * date, address) are cleared for typing; back to the citizen, they are theirs again.
     *
     * Not abstract so that test doubles of this port keep compiling: a port without it
     * says the feature is not in this version.
     */
    fun setOnBehalf(draftId: String, person: OnBehalfPerson?): OnBehalfChange =
        throw UnsupportedOperationException("filing on behalf is not supported by this dossier port")

    /** The draft's form. */
    fun form(draftId: String): DraftForm
    /** The person asked to submit: the form with every problem showing; submit when [DraftForm.ready]. */
    fun check(draftId: String): DraftForm
    fun drafts(): List<DraftLine>
    fun deleteDraft(draftId: String)
    suspend fun submit(draftId: String): Delivery
    /**
     * Sends what waits in the outbox (submissions, supplement answers, withdrawals), e.g.
     * from the background job or when the network returns; each outcome by its draft id
     * (or, for a withdrawal, dossier code).
     */
    suspend fun runOutbox(force: Boolean): List<Pair<String, Delivery>>
    fun pendingSubmissions(): Int
    /** Tells [onStep] about every upload (the core adds the submission up) until the returned handle is closed. */
    fun watchUploads(onStep: (UploadProgress) -> Unit): AutoCloseable
}

/** One event of a dossier's timeline. */
data class StatusEvent(
    val code: String,
    val status: DossierStatus,
    /** In words, from the core ("Đã tiếp nhận"). */
    val label: String,
    /** RFC 3339. */
    val at: String,
    val note: String?,
    val reason: String?,
    val missing: List<String>,
    val appointmentDate: String?,
)

/** A dossier of the citizen, as last synced. */
data class DossierLine(
    val code: String,
    val procedureCode: String,
    val status: DossierStatus,
    val label: String,
    val submittedAt: String,
)

/** A dossier with its timeline, kept on the phone for offline viewing, and what the core says its screen offers. */
data class DossierRecord(
    val code: String,
    val procedureCode: String,
    val status: DossierStatus,
    val label: String,
    val appointmentDate: String?,
    val overdue: Boolean,
    val timeline: List<StatusEvent>,
    /** What the citizen may do now, in the order to list them (the core's lifecycle rule). */
    val actions: List<CitizenAction> = emptyList(),
    /** The one action to put forward, if any; never [CitizenAction.WITHDRAW]. */
    val primary: CitizenAction? = null,
    /** What the desk asks for now (empty unless a supplement request waits for its answer). */
    val missing: List<String> = emptyList(),
)

/** The tracking area: sync with the portal and what is kept on the phone. */
interface TrackingPort {
    suspend fun sync(): List<StatusEvent>

    /**
     * A background run's sync: the changes since the last sync, as the notifications worth
     * posting for them and for [delivered] (codes of dossiers the outbox just sent), with
     * their words (the core's policy: one per dossier, the own submission only as sent).
     */
    suspend fun syncNotices(delivered: List<String>): List<Notice>
    fun dossiers(): List<DossierLine>
    fun dossier(code: String): DossierRecord?
    /** Tells [onChange] about every status change synced until the handle is closed. */
    fun watchStatus(onChange: (StatusEvent) -> Unit): AutoCloseable
}

/** The citizen's own actions on a dossier, checked by the core against the lifecycle. */
interface CitizenActionsPort {
    /** Asks to withdraw [code]; queued in the outbox when offline. */
    suspend fun withdraw(code: String, note: String?): Delivery

    /**
     * Starts (or reopens) the answer to [code]'s supplement request: a draft with a note
     * and the documents, filled in and submitted like any draft.
     */
    fun startSupplementAnswer(code: String): DraftForm
}

/** One line of a receipt slip ("Mã hồ sơ", "000.00.00.H00-260302-0001"). */
data class ReceiptField(val label: String, val value: String)

/** A receipt to show full screen (the core's `receipt(code)`), from the phone, no network. */
class ReceiptView(
    /** What the QR code encodes (`MC1:...`). */
    val qrText: String,
    /** The QR code as SVG, scalable. */
    val qrSvg: String,
    /** The QR code's modules, row by row (true = dark), drawn on screen. */
    val qrModules: List<List<Boolean>>,
    /** The QR code as PNG (quiet zone included), for printing and sharing as an image. */
    val qrPng: ByteArray,
    /** What the slip says, in words, in the configured language. */
    val fields: List<ReceiptField>,
)

/** The desk's verdict on a scanned receipt (never a bare boolean). */
sealed interface Verification {
    data class Valid(val fields: List<ReceiptField>) : Verification
    data object Tampered : Verification
    data object UnknownKey : Verification
    data object KeyRevoked : Verification
    data object Expired : Verification
    data object Malformed : Verification
}

/**
 * A verdict, the core's words for it ([message], in the configured language), and the age
 * of the trust list behind it (a desk long offline may miss a revocation).
 */
data class Scan(val verification: Verification, val message: String, val trustListFetchedAt: Long)

/** Whether the person at the desk is the applicant, from the ID number typed from their card. */
enum class ApplicantMatch { MATCHES, DOES_NOT_MATCH, NO_DIGEST }

/** Receipts: the citizen's slip, and the desk's offline verification against the trust list. */
interface ReceiptPort {
    /** The receipt of one of the citizen's dossiers, as synced (no network). */
    suspend fun receipt(dossierCode: String): ReceiptView

    /** Verifies a scanned text against the cached trust list, without network. */
    fun verifyReceipt(scannedText: String): Scan

    /** Downloads and checks the province's trust list; when it was fetched (seconds). */
    suspend fun refreshTrustList(): Long

    /** When the cached trust list was fetched (seconds), or null when there is none. */
    fun trustListFetchedAt(): Long?

    /** Whether [idNumber] is the applicant's (slow on purpose: run off the main thread). */
    suspend fun checkApplicant(scannedText: String, idNumber: String): ApplicantMatch
}

/** The statement the assisted person accepts, and the version the core records. */
data class ConsentStatement(val text: String, val version: String)

/**
 * What the assisted person leaves with (the core's `handoff(code)`): no personal data, so
 * it may be printed or sent to a relative's phone.
 */
data class HandoffSlip(
    val dossierCode: String,
    val procedureName: String?,
    /** `YYYY-MM-DD`, once the desk accepted the dossier. */
    val appointmentDate: String?,
    /** The code, the date and how to follow the dossier, in plain words, line by line. */
    val instructions: String,
)

/** How a session ended, by procedure code (the core records nothing else). */
data class SessionOutcome(
    /** Someone logged in: a person was helped. */
    val helped: Boolean,
    val submitted: List<String>,
    /** Given up while waiting for the network (the session was ended anyway). */
    val notSent: List<String>,
    val abandonedDrafts: List<String>,
    /** What the end-of-session screen says, line by line (the core's words). */
    val lines: List<String>,
)

/** One procedure's counts on one day of the volunteer's summary. */
data class ProcedureCounts(
    val procedureCode: String,
    val submitted: Int,
    val notSent: Int,
    val abandonedDrafts: Int,
    /** The counts that are not zero, in the core's words ("Đã nộp: 2 hồ sơ"). */
    val lines: List<String>,
)

/** One day of the volunteer's summary (no personal data). */
data class AssistDay(
    /** `YYYY-MM-DD`, in Vietnam. */
    val day: String,
    val peopleHelped: Int,
    /** Sessions the app did not end itself (it was killed; the core erased them at the next start). */
    val interruptedSessions: Int,
    val procedures: List<ProcedureCounts>,
    /** "Đã hỗ trợ 2 người" (the core's words). */
    val peopleHelpedLabel: String,
    /** "1 phiên bị gián đoạn", when a session was cut short that day. */
    val interruptedLabel: String?,
)

/** What ending a session did. */
sealed interface SessionEnd {
    /** Ended and erased. */
    data class Ended(val outcome: SessionOutcome) : SessionEnd

    /** Refused: [count] submissions still wait for the network; [message] says what ending would lose. */
    data class StillPending(val count: Int, val message: String) : SessionEnd
}

/** An open assisted session: the assisted person's own isolated core. */
interface AssistedSessionPort {
    /** Names the session's profile (not personal data). */
    val id: String

    /** Seconds since the epoch. */
    val startedAt: Long

    /**
     * The session's core: the ordinary screens run on it while the session is open. A new
     * [CoreAreas] (another key) after an end was refused: the handles are released before
     * an end is tried, as the bindings ask.
     */
    val areas: CoreAreas

    /** What the person takes home for dossier [dossierCode]. */
    fun handoff(dossierCode: String): HandoffSlip
}

/**
 * A volunteer's assisted sessions (the core's assist area, docs/decisions/0003): consent,
 * begin, end with erasure, and the summary by day.
 */
interface AssistPort {
    /** The statement to show, in the configured language. */
    fun consentStatement(): ConsentStatement

    /** Opens a session once the person accepted statement [consentVersion]. */
    fun begin(consentVersion: String): AssistedSessionPort

    /**
     * Ends [session]: sends what waits, logs the person out, erases their profile. Without
     * [force], refuses while submissions still wait for the network; the session then stays
     * open with fresh [AssistedSessionPort.areas].
     */
    suspend fun end(session: AssistedSessionPort, force: Boolean): SessionEnd

    /** Newest day first. */
    fun summary(): List<AssistDay>

    /** The summary as CSV for the team's report. */
    fun summaryCsv(): String
}

/** The account a fee is paid into, each part shown with a copy button. */
data class PaymentAccount(
    val bankName: String,
    val account: String,
    /** The holder's name as the bank shows it. */
    val holder: String,
)

/**
 * A dossier's payment screen (the core's `Payments.payment`/`refresh`), as the core decided
 * it: what is null is not shown. The screen never looks at where the fee stands: the
 * [headline] and [detail] say it, the QR code is there only while the fee awaits its
 * payment, the e-receipt only once it is issued.
 */
class PaymentView(
    val code: String,
    /** The amount in đồng, digits only (what a banking app's amount field takes). */
    val amountVnd: Long?,
    /** "7.000 đ". */
    val amountLabel: String?,
    /** The transfer's description to type when not scanning. */
    val reference: String?,
    val account: PaymentAccount?,
    /** The VietQR text (what a banking app reads). */
    val qrText: String?,
    /** The VietQR code's modules, row by row (true = dark). */
    val qrModules: List<List<Boolean>>?,
    /** The VietQR code as PNG (quiet zone included), to save for a banking app on this phone. */
    val qrPng: ByteArray?,
    val headline: String,
    val detail: String?,
    val hasFeeReceipt: Boolean,
    /** Shown from the phone: the portal was not reached just now; [offlineNote] says how current it is. */
    val offline: Boolean,
    val offlineNote: String?,
)

/** The fee's e-receipt, to show and share. */
class FeeReceiptShown(
    /** What the QR code encodes (`MCF1:…`): what to share. */
    val qrText: String,
    val qrModules: List<List<Boolean>>,
    val qrPng: ByteArray,
    /** What it says, in words, in the configured language. */
    val fields: List<ReceiptField>,
    /** The verdict of the trust list on the phone, or that it is not checked yet (the core's sentence). */
    val verdictLine: String,
)

/** Fees: a dossier's payment screen, from the phone or refreshed, and the fee's e-receipt. */
interface PaymentPort {
    /** The payment request kept on the phone (no network); fails when none was fetched yet. */
    suspend fun payment(dossierCode: String): PaymentView

    /** Asks the portal; offline, the one kept on the phone, marked [PaymentView.offline]. */
    suspend fun refresh(dossierCode: String): PaymentView

    /** The fee's e-receipt of a paid dossier, from the phone, verified with the cached trust list. */
    suspend fun feeReceipt(dossierCode: String): FeeReceiptShown
}
