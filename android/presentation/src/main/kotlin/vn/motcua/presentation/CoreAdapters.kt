package vn.motcua.presentation

import vn.motcua.Attachment
import vn.motcua.CoreException
import vn.motcua.DraftState
import vn.motcua.DossiersInterface
import vn.motcua.ListenerHandle
import vn.motcua.OnBehalf
import vn.motcua.StatusChange
import vn.motcua.StatusListener
import vn.motcua.SubmitOutcome
import vn.motcua.TrackedDossier
import vn.motcua.TrackingInterface
import vn.motcua.UploadListener
import vn.motcua.UploadProgress

/*
 * The ports of Ports.kt over the generated bindings: conversions only, no decisions.
 */

/** [DossierPort] and [CitizenActionsPort] over the core's dossier area. */
class CoreDossiers(private val core: DossiersInterface) : DossierPort, CitizenActionsPort {
    override fun createDraft(procedureCode: String) = core.form(core.createDraft(procedureCode).id)

    override fun setField(draftId: String, fieldId: String, value: String) = core.setField(draftId, fieldId, value)

    override suspend fun addAttachment(draftId: String, requirement: String, fileName: String, bytes: ByteArray) =
        core.addAttachmentBytes(draftId, requirement, fileName, bytes).file()

    override fun removeAttachment(draftId: String, attachmentId: Long) = core.removeAttachment(draftId, attachmentId)

    override fun setOnBehalf(draftId: String, person: OnBehalfPerson?): OnBehalfChange = try {
        val record = person?.let { OnBehalf(it.fullName, it.personalId, it.basis, it.detail, basisLabel = "") }
        core.setOnBehalf(draftId, record)
        OnBehalfChange.Recorded(core.form(draftId))
    } catch (e: CoreException.InvalidInput) {
        // Problems are named `on_behalf_of.<member>`.
        OnBehalfChange.Invalid(e.problems.map { FieldIssue(it.field.substringAfter("on_behalf_of."), it.userMessage) })
    }

    override fun form(draftId: String) = core.form(draftId)

    override fun check(draftId: String) = core.check(draftId)

    override fun drafts() = core.drafts().map {
        DraftLine(it.id, it.procedureCode, it.state.phase(), it.updatedAt, it.dossierCode, it.answersDossier)
    }

    override fun deleteDraft(draftId: String) = core.deleteDraft(draftId)

    override suspend fun submit(draftId: String) = core.submit(draftId).delivery()

    override suspend fun runOutbox(force: Boolean) =
        core.runOutbox(force).map { it.key to it.outcome.delivery() }

    override fun pendingSubmissions() = core.pendingSubmissions().toInt()

    override suspend fun withdraw(code: String, note: String?) = core.withdraw(code, note).delivery()

    override fun startSupplementAnswer(code: String) = core.form(core.answerSupplement(code).id)

    override fun watchUploads(onStep: (UploadProgress) -> Unit): AutoCloseable {
        val handle: ListenerHandle = core.addUploadListener(object : UploadListener {
            override fun onUploadProgress(progress: UploadProgress) = onStep(progress)
        })
        return AutoCloseable {
            handle.cancel()
            handle.close()
        }
    }
}

private fun DraftState.phase() = when (this) {
    DraftState.EDITING -> DraftPhase.EDITING
    DraftState.SUBMITTING -> DraftPhase.SUBMITTING
    DraftState.SUBMITTED -> DraftPhase.SUBMITTED
}

/** An attachment as the screens list it. */
internal fun Attachment.file() = AttachedFile(id, requirement, fileName, size.toLong(), uploaded)

private fun SubmitOutcome.delivery(): Delivery = when (this) {
    is SubmitOutcome.Delivered -> Delivery.Delivered(dossierCode)
    is SubmitOutcome.Pending -> Delivery.Queued(retryInSecs)
    is SubmitOutcome.Refused -> Delivery.Refused(reason)
}

/** [TrackingPort] over the core's tracking area. */
class CoreTracking(private val core: TrackingInterface) : TrackingPort {
    override suspend fun sync() = core.sync().map { it.event() }

    override suspend fun syncNotices(delivered: List<String>) = core.notices(core.sync(), delivered)

    override fun dossiers() = core.dossiers().map {
        DossierLine(it.code, it.procedureCode, it.status, it.statusLabel, it.submittedAt)
    }

    override fun dossier(code: String) = core.dossier(code)?.record()

    override fun watchStatus(onChange: (StatusEvent) -> Unit): AutoCloseable {
        val handle: ListenerHandle = core.addStatusListener(object : StatusListener {
            override fun onStatusChange(change: StatusChange) = onChange(change.event())
        })
        return AutoCloseable {
            handle.cancel()
            handle.close()
        }
    }

    private fun StatusChange.event() = StatusEvent(
        code = code,
        status = status,
        label = label,
        at = at,
        note = note,
        reason = reason,
        missing = missing,
        appointmentDate = appointmentDate,
    )

    private fun TrackedDossier.record() = DossierRecord(
        code = code,
        procedureCode = procedureCode,
        status = status,
        label = statusLabel,
        appointmentDate = appointmentDate,
        overdue = overdue,
        timeline = timeline.map { it.event() },
        actions = actions.available,
        primary = actions.primary,
        missing = missing,
    )
}
