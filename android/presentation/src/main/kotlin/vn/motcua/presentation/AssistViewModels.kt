package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/**
 * Where the volunteer's assisted session is.
 *
 * The banner shown on every screen while a session is open ([banner]) names nobody: it is
 * on every screen, so on every screenshot a volunteer takes to ask the team for help, and
 * on screen shares. It says a session is open, since when, and that what is on screen
 * belongs to the person being helped. The person's own name appears once, inside the
 * session's home screen, so that they can check it is their account; the app also marks
 * the window secure while a session is open (no screenshots, no recent-apps thumbnail).
 */
sealed interface AssistState {
    /** The banner of every screen, or null when no session is open. */
    val banner: String? get() = null

    /** No session: the entry point ("Hỗ trợ người dân") and the summary. */
    data class NoSession(val problem: Problem? = null) : AssistState

    /** Reading the consent statement from the core. */
    data object Preparing : AssistState

    /**
     * The consent statement in large text and one button, "Người được hỗ trợ đồng ý";
     * [starting] while the session opens.
     */
    data class Consent(
        val statement: String,
        val version: String,
        val starting: Boolean = false,
        val problem: Problem? = null,
    ) : AssistState

    /** A session is open: the ordinary screens run on its core. */
    data class Open(override val banner: String, val problem: Problem? = null) : AssistState

    /**
     * Ending was refused: [pending] submissions still wait for the network. [warning] says
     * what ending anyway loses; the two choices are "keep the session" and "end anyway".
     */
    data class ConfirmEnd(override val banner: String, val pending: Int, val warning: String) : AssistState

    /** Sending what waits, logging the person out, erasing. */
    data class Ending(override val banner: String) : AssistState

    /**
     * Ended: the person's profile is erased from the phone and the session's core is gone;
     * [lines] count what was filed (no personal data).
     */
    data class Ended(val message: String, val lines: List<String>) : AssistState
}

/**
 * The volunteer's assisted session: consent, begin, end (with the warning when submissions
 * still wait), on the volunteer's core through [assist]. While a session is open, [session]
 * holds it and the app runs the ordinary screens on `session.areas` instead of the
 * volunteer's own; the volunteer's login is never touched.
 */
class AssistViewModel(
    private val assist: AssistPort,
    lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<AssistState>(AssistState.NoSession(), scope, io) {
    private val format = Format(lang)
    private val current = MutableStateFlow<AssistedSessionPort?>(null)
    private val currentAreas = MutableStateFlow<CoreAreas?>(null)

    /** One transition at a time: a double tap never opens two sessions or ends one twice. */
    private val busy = Mutex()

    /** The open session, or null. */
    val session: StateFlow<AssistedSessionPort?> = current.asStateFlow()

    /**
     * The core the ordinary screens run on while a session is open (null: the phone
     * owner's). Kept while the session ends, so that no screen switches to the volunteer's
     * profile half-way; replaced after a refused end (the session's handles are fresh).
     */
    val areas: StateFlow<CoreAreas?> = currentAreas.asStateFlow()

    /** "Hỗ trợ người dân": shows the consent statement. */
    fun start() {
        if (state.value !is AssistState.NoSession && state.value !is AssistState.Ended) return
        update { AssistState.Preparing }
        scope.launch {
            val next = try {
                val consent = withContext(io) { assist.consentStatement() }
                AssistState.Consent(consent.text, consent.version)
            } catch (e: Exception) {
                AssistState.NoSession(e.toProblem(texts))
            }
            update { next }
        }
    }

    /** Back from the consent screen without a session. */
    fun cancel() {
        update { if (it is AssistState.Consent && !it.starting) AssistState.NoSession() else it }
    }

    /**
     * "Người được hỗ trợ đồng ý": opens the session for the statement of [version], the one
     * the screen showed (the core refuses any other).
     */
    fun accept(version: String) {
        // A tap acts on what the screen shows at that moment: nothing without the statement.
        val shown = state.value as? AssistState.Consent ?: return
        if (shown.starting) return
        scope.launch {
            busy.withLock {
                if (state.value != shown) return@withLock
                update { shown.copy(starting = true, problem = null) }
                try {
                    val opened = withContext(io) { assist.begin(version) }
                    current.value = opened
                    currentAreas.value = opened.areas
                    update { AssistState.Open(banner(opened)) }
                } catch (e: Exception) {
                    update { shown.copy(starting = false, problem = e.toProblem(texts)) }
                }
            }
        }
    }

    /** "Kết thúc hỗ trợ": ends the session unless submissions still wait for the network. */
    fun end() = finish(force = false)

    /** "Vẫn kết thúc": ends even though submissions wait; they are given up, counted as not sent. */
    fun endAnyway() = finish(force = true)

    /** Back to the open session from the warning. */
    fun keepOpen() {
        update { if (it is AssistState.ConfirmEnd) AssistState.Open(it.banner) else it }
    }

    /** Leaves the "ended" screen. */
    fun dismiss() {
        update { if (it is AssistState.Ended) AssistState.NoSession() else it }
    }

    private fun finish(force: Boolean) {
        val from = state.value
        val allowed = if (force) from is AssistState.ConfirmEnd else from is AssistState.Open
        val open = current.value
        if (!allowed || open == null) return
        scope.launch {
            busy.withLock {
                if (state.value != from) return@withLock
                val banner = banner(open)
                update { AssistState.Ending(banner) }
                try {
                    when (val end = assist.end(open, force)) {
                        is SessionEnd.StillPending -> {
                            currentAreas.value = open.areas
                            update { AssistState.ConfirmEnd(banner, end.count, end.message) }
                        }
                        is SessionEnd.Ended -> {
                            current.value = null
                            currentAreas.value = null
                            update { AssistState.Ended(texts.assistErased, lines(end.outcome)) }
                        }
                    }
                } catch (e: Exception) {
                    currentAreas.value = open.areas
                    update { AssistState.Open(banner, e.toProblem(texts)) }
                }
            }
        }
    }

    private fun banner(session: AssistedSessionPort) = texts.assistBanner(format.time(session.startedAt))

    private fun lines(outcome: SessionOutcome) = outcome.lines
}

/** The hand-off screen. */
sealed interface HandoffState {
    data object Loading : HandoffState

    data class Shown(
        val slip: HandoffSlip,
        /** The instructions, line by line, large. */
        val lines: List<String>,
        /** "Thứ Ba, 03/03/2026", once the desk accepted the dossier. */
        val appointment: String?,
        /** The receipt QR code (full screen, share, print), once issued and exported. */
        val receipt: ReceiptView?,
        /** Why there is no QR code yet, in plain words. */
        val receiptNote: String?,
        /** What "share" sends (no personal data: code, date, how to follow). */
        val shareText: String,
    ) : HandoffState

    data class Failed(val problem: Problem) : HandoffState
}

/**
 * What the assisted person leaves with for dossier [code]: the core's `handoff(code)` (the
 * code, the appointment, how to follow the dossier in plain words) after a sync, and the
 * receipt's QR code once the desk has issued it.
 */
class HandoffViewModel(
    private val session: AssistedSessionPort,
    private val code: String,
    lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<HandoffState>(HandoffState.Loading, scope, io) {
    private val format = Format(lang)

    init {
        refresh()
    }

    /** Syncs (the desk may have accepted meanwhile) and shows the slip again. */
    fun refresh() {
        scope.launch {
            try {
                session.areas.tracking.sync()
            } catch (_: Exception) {
                // Offline: the slip says what the phone knows; the date comes with the next sync.
            }
            val next = try {
                val slip = withContext(io) { session.handoff(code) }
                val receipts = session.areas.receipts
                var receipt: ReceiptView? = null
                val note = when {
                    slip.appointmentDate == null -> texts.receiptAfterIntake
                    receipts == null -> texts.notYetAvailable
                    else -> try {
                        receipt = receipts.receipt(code)
                        null
                    } catch (e: Exception) {
                        e.toProblem(texts).message
                    }
                }
                HandoffState.Shown(
                    slip = slip,
                    lines = slip.instructions.lines().filter { it.isNotBlank() },
                    appointment = slip.appointmentDate?.let { format.date(it) },
                    receipt = receipt,
                    receiptNote = note,
                    shareText = slip.instructions,
                )
            } catch (e: Exception) {
                HandoffState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }
}

/** One procedure's line of a summary day. */
data class SummaryLine(val procedureCode: String, val procedureName: String?, val counts: List<String>)

/** One day of the summary, in words. */
data class SummaryDay(
    /** "Thứ Hai, 23/11/2026". */
    val day: String,
    val people: String,
    val interrupted: String?,
    val procedures: List<SummaryLine>,
)

/** The volunteer's summary screen. */
sealed interface SummaryState {
    data object Loading : SummaryState

    /** Newest day first; [csv] is what "share" sends (the team's report). */
    data class Shown(val days: List<SummaryDay>, val empty: String?, val csv: String) : SummaryState

    data class Failed(val problem: Problem) : SummaryState
}

/**
 * Whom the volunteer helped, by day, without personal data: people helped, procedures and
 * how they ended, with the CSV the community digital team's report takes. Procedure names
 * come from the volunteer's own catalog.
 */
class AssistSummaryViewModel(
    private val assist: AssistPort,
    private val catalog: vn.motcua.CatalogInterface?,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<SummaryState>(SummaryState.Loading, scope, io) {
    private val format = Format(lang)

    init {
        refresh()
    }

    /** Reads the summary again (after a session ended). */
    fun refresh() {
        scope.launch {
            val next = try {
                withContext(io) {
                    val days = assist.summary().map { day(it) }
                    SummaryState.Shown(days, if (days.isEmpty()) texts.noAssistYet else null, assist.summaryCsv())
                }
            } catch (e: Exception) {
                SummaryState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }

    private fun day(d: AssistDay) = SummaryDay(
        day = format.date(d.day),
        people = d.peopleHelpedLabel,
        interrupted = d.interruptedLabel,
        procedures = d.procedures.map { p ->
            SummaryLine(
                procedureCode = p.procedureCode,
                procedureName = name(p.procedureCode),
                counts = p.lines,
            )
        },
    )

    private fun name(code: String): String? = try {
        catalog?.procedure(code)?.let { if (lang == Lang.VI) it.nameVi else it.nameEn }
    } catch (_: Exception) {
        null
    }
}
