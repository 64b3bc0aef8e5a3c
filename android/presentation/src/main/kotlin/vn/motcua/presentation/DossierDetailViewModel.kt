package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.CitizenAction

/** One line of the timeline. */
data class TimelineItem(
    val label: String,
    /** "09:30, Thứ Hai, 02/03/2026". */
    val at: String,
    /** Note, reason or the missing papers, in the officer's words. */
    val details: List<String>,
)

/** The dossier detail screen. */
sealed interface DossierDetailState {
    data object Loading : DossierDetailState
    data class NotFound(val code: String) : DossierDetailState
    data class Failed(val problem: Problem) : DossierDetailState
    data class Shown(
        val code: String,
        val status: String,
        /** "Hẹn trả kết quả: Thứ Ba, 03/03/2026". */
        val deadline: String?,
        val overdue: Boolean,
        /** Newest first. */
        val timeline: List<TimelineItem>,
        /** What the desk asked for, when a supplement is requested. */
        val missing: List<String>,
        /** The one primary action, if any. */
        val primary: CitizenAction?,
        /** A fee is due: the payment screen can be opened (as the primary action, or besides it). */
        val payable: Boolean = false,
        /** The fee is paid: its e-receipt can be opened (a secondary action, also once closed). */
        val hasFeeReceipt: Boolean = false,
        /** The citizen may still withdraw it (a secondary action, behind a confirmation). */
        val withdrawable: Boolean,
        /** Actions this app version cannot take yet, with why. */
        val unavailable: String?,
        val banner: String?,
        /** Asking the portal for changes (what is shown is what the phone has). */
        val refreshing: Boolean = false,
    ) : DossierDetailState
}

/**
 * A dossier with its timeline and deadline, from the phone (offline) and refreshed by a
 * sync. Withdraw and supplement answer need [actions]; while the core has none, the screen
 * says the feature is not in this version.
 */
class DossierDetailViewModel(
    private val tracking: TrackingPort,
    private val actions: CitizenActionsPort?,
    private val code: String,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<DossierDetailState>(DossierDetailState.Loading, scope, io) {
    private val format = Format(lang)

    init {
        scope.launch {
            show(banner = null, refreshing = true)
            val banner = try {
                tracking.sync()
                null
            } catch (e: Exception) {
                val p = e.toProblem(texts)
                if (p.offline) texts.offlineStatus else p.message
            }
            show(banner)
        }
    }

    /**
     * Reads the dossier again from the phone (no network), keeping the banner: for the
     * screen coming back into view, when another screen may have learnt something new
     * (the payment screen, that the fee is paid). Nothing to do while the first load runs.
     */
    fun reread() {
        val current = state.value as? DossierDetailState.Shown ?: return
        scope.launch { show(current.banner, current.refreshing) }
    }

    /**
     * Withdraws the dossier (after the screen asked "are you sure"). Offline, the request
     * waits in the outbox and the banner says it will be sent.
     */
    fun withdraw(note: String?) {
        val port = actions ?: return
        scope.launch {
            val banner = try {
                when (val d = port.withdraw(code, note)) {
                    is Delivery.Delivered -> runCatching { tracking.sync() }.let { null }
                    is Delivery.Queued -> texts.withdrawalQueued
                    is Delivery.Refused -> texts.refused(d.reason)
                }
            } catch (e: Exception) {
                val p = e.toProblem(texts)
                if (p.offline) texts.offlineAction else p.message
            }
            show(banner)
        }
    }

    /**
     * Starts (or reopens) the answer to the supplement request; [open] receives the
     * answer's draft id, which the app opens in the draft form.
     */
    fun answerSupplement(open: (draftId: String) -> Unit) {
        val port = actions ?: return
        scope.launch {
            try {
                open(withContext(io) { port.startSupplementAnswer(code) }.draftId)
            } catch (e: Exception) {
                show(e.toProblem(texts).message)
            }
        }
    }

    private suspend fun show(banner: String?, refreshing: Boolean = false) {
        val next = try {
            withContext(io) { tracking.dossier(code) }?.let { describe(it, banner).copy(refreshing = refreshing) }
                ?: DossierDetailState.NotFound(code)
        } catch (e: Exception) {
            DossierDetailState.Failed(e.toProblem(texts))
        }
        update { next }
    }

    private fun describe(d: DossierRecord, banner: String?): DossierDetailState.Shown {
        // What the dossier offers is the core's (the lifecycle's) answer; the only thing
        // decided here is wiring: without the actions port, the actions that need it are
        // shown as not in this version.
        val withdrawable = CitizenAction.WITHDRAW in d.actions
        val needsActions = d.primary == CitizenAction.ANSWER_SUPPLEMENT || withdrawable
        return DossierDetailState.Shown(
            code = d.code,
            status = d.label,
            deadline = d.appointmentDate?.let { texts.resultDue(format.date(it)) },
            overdue = d.overdue,
            timeline = d.timeline.reversed().map { e ->
                TimelineItem(
                    label = e.label,
                    at = format.dateTime(e.at),
                    details = listOfNotNull(e.note, e.reason) + e.missing,
                )
            },
            missing = d.missing,
            primary = d.primary,
            payable = CitizenAction.PAY_FEE in d.actions,
            hasFeeReceipt = CitizenAction.SHOW_FEE_RECEIPT in d.actions,
            withdrawable = withdrawable && actions != null,
            unavailable = if (needsActions && actions == null) texts.notYetAvailable else null,
            banner = banner,
        )
    }
}
