package vn.motcua.presentation

import java.util.UUID
import vn.motcua.Assist
import vn.motcua.AssistedSession
import vn.motcua.CatalogInterface
import vn.motcua.CoreException
import vn.motcua.ErrorReason
import vn.motcua.MotCua

/*
 * The assist port over the generated bindings: conversions and the handles' lifetimes, no
 * decisions (consent, erasure and counting are the core's).
 */

/** [AssistPort] over the volunteer's core's assist area. */
class CoreAssist(
    private val assist: Assist,
    private val lang: Lang,
    /** The payment port of a session's core (the assisted person's fees are theirs). */
    private val payments: (MotCua) -> PaymentPort? = { null },
    /** The receipt port of a session's core, when the bindings export receipts. */
    private val receipts: (MotCua, CatalogInterface) -> ReceiptPort? = { _, _ -> null },
) : AssistPort {
    override fun consentStatement() =
        ConsentStatement(vn.motcua.consentStatement(lang.tag), vn.motcua.consentStatementVersion())

    override fun begin(consentVersion: String): AssistedSessionPort =
        CoreAssistedSession(assist.beginAssistedSession(consentVersion), receipts, payments)

    override suspend fun end(session: AssistedSessionPort, force: Boolean): SessionEnd {
        val open = session as? CoreAssistedSession
            ?: throw IllegalArgumentException("not a session of this assist area")
        // The bindings ask that every object of the session's core be closed first: an
        // object still open would keep the erased profile's files open.
        open.release()
        return try {
            // The bindings' session object is left to the cleaner: once ended it holds
            // nothing of the person, and a late call on it (a hand-off screen still open)
            // is the core's typed NoSession rather than a use-after-close.
            val outcome = assist.endAssistedSession(open.session, force)
            SessionEnd.Ended(
                SessionOutcome(outcome.helped, outcome.submitted, outcome.notSent, outcome.abandonedDrafts, outcome.lines),
            )
        } catch (e: CoreException.NotAllowed) {
            val pending = e.reason as? ErrorReason.SubmissionsPending ?: run {
                if (open.session.isOpen()) open.reopen()
                throw e
            }
            open.reopen()
            SessionEnd.StillPending(pending.count.toInt(), e.userMessage)
        } catch (e: CoreException) {
            if (open.session.isOpen()) open.reopen()
            throw e
        }
    }

    override fun summary() = assist.assistSummary().map { day ->
        AssistDay(
            day = day.day,
            peopleHelped = day.peopleHelped.toInt(),
            interruptedSessions = day.interruptedSessions.toInt(),
            procedures = day.procedures.map {
                ProcedureCounts(it.procedureCode, it.submitted.toInt(), it.notSent.toInt(), it.abandonedDrafts.toInt(), it.lines)
            },
            peopleHelpedLabel = day.peopleHelpedLabel,
            interruptedLabel = day.interruptedLabel,
        )
    }

    override fun summaryCsv() = assist.assistSummaryCsv()
}

/** An open session: the bindings' object and the areas of its core, reopened after a refused end. */
private class CoreAssistedSession(
    val session: AssistedSession,
    private val receipts: (MotCua, CatalogInterface) -> ReceiptPort?,
    private val payments: (MotCua) -> PaymentPort?,
) : AssistedSessionPort {
    /** The bindings give the session no name; this one is the app's, random, not personal. */
    override val id: String = UUID.randomUUID().toString()
    override val startedAt: Long = session.startedAt()
    private var generation = 0

    @Volatile
    override var areas: CoreAreas = open()
        private set

    private fun open(): CoreAreas {
        generation += 1
        val core = session.core()
        return CoreAreas.of(core, key = "assist/$id/$generation", receipts = receipts, payments = payments, ownsCore = true)
    }

    /** Closes the handles on the session's core (its screens are gone or going). */
    fun release() = areas.close()

    /** New handles after a refused end: the session stays open. */
    fun reopen() {
        areas = open()
    }

    override fun handoff(dossierCode: String): HandoffSlip {
        val h = session.handoff(dossierCode)
        return HandoffSlip(h.dossierCode, h.procedureName, h.appointmentDate, h.instructions)
    }
}
