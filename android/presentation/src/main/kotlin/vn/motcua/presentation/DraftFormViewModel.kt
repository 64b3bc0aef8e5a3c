package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import vn.motcua.CatalogInterface
import vn.motcua.FieldKind
import vn.motcua.Procedure
import vn.motcua.RepresentationBasis

/** A choice of a select field. */
data class Choice(val value: String, val label: String)

/** One field of the form, ready to render: its widget follows [kind]. */
data class FieldUi(
    val id: String,
    val kind: FieldKind,
    val label: String,
    val help: String?,
    val required: Boolean,
    val choices: List<Choice>,
    val value: String,
    /** Filled in by the app from the electronic identity or an earlier dossier. */
    val prefilled: Boolean,
    /** Shown under the field, in red and read by TalkBack. */
    val error: String?,
    /**
     * Filled from the verified electronic identity (or the person filed for) and locked to
     * it: render it read-only (the core refuses a change; [DraftFormViewModel.onValueChange]
     * ignores one).
     */
    val readOnly: Boolean = false,
)

/** A required (or optional) document with what is attached to it. */
data class DocumentUi(
    val requirement: String,
    val name: String,
    val required: Boolean,
    val files: List<AttachedFile>,
    /** "Thiếu giấy tờ này" after a submission attempt. */
    val error: String?,
)

/**
 * Filing on behalf of someone else ("Nộp thay"): the switch and the person as typed. What
 * the form then locks, and to which values, is the core's ([FieldUi.readOnly] and the
 * values of the draft it returns); nothing here decides it.
 */
data class OnBehalfUi(
    /** The switch: the person files for someone else. */
    val on: Boolean = false,
    /** The filer's relation to the person; chosen, never assumed. */
    val basis: RepresentationBasis? = null,
    val fullName: String = "",
    val personalId: String = "",
    /** The document behind it (the core requires one for [RepresentationBasis.AUTHORISED]). */
    val detail: String = "",
    /** The core's problems with what is typed, by member: `full_name`, `personal_id`, `basis`, `detail`. */
    val errors: Map<String, String> = emptyMap(),
    /**
     * The core holds what the switch and the typing say (the person, or nobody when off):
     * the form's name and ID fields are then the person's. False while typing ahead of it.
     */
    val recorded: Boolean = true,
    /** The person the core has on the draft now (the form's name and ID are theirs), if any. */
    val held: OnBehalfPerson? = null,
) {
    /** The record the switch and the typing ask for: null when off, or when no relation is chosen yet. */
    fun person(): OnBehalfPerson? =
        if (!on) null else basis?.let { OnBehalfPerson(fullName.trim(), personalId.trim(), it, detail.trim().ifEmpty { null }) }
}

/** The submission under way or done. */
sealed interface SubmitUi {
    data object Idle : SubmitUi
    /** [percent] of the attachments' bytes sent. */
    data class Sending(val percent: Int, val message: String) : SubmitUi
    /** Done: the dossier code to keep. */
    data class Submitted(val dossierCode: String, val message: String) : SubmitUi
    /** Saved on the phone; the outbox sends it by itself. */
    data class Queued(val message: String) : SubmitUi
}

/** The draft form screen. */
sealed interface DraftFormState {
    data object Loading : DraftFormState

    data class Editing(
        val draftId: String,
        val procedureCode: String,
        val procedureName: String,
        val fields: List<FieldUi>,
        val documents: List<DocumentUi>,
        val submit: SubmitUi = SubmitUi.Idle,
        /** For a supplement answer: the dossier it answers, and what the desk asked for. */
        val answering: String? = null,
        val requested: List<String> = emptyList(),
        /** "Còn 2 chỗ cần sửa trước khi nộp", or the portal's refusal. */
        val message: String? = null,
        val attaching: Boolean = false,
        /** Filing on behalf of someone else; null when the draft does not offer it (a supplement answer, no field bound to an identity). */
        val onBehalf: OnBehalfUi? = null,
    ) : DraftFormState

    data class Failed(val problem: Problem) : DraftFormState
}

/**
 * A draft rendered from the procedure's form schema. Every change is saved by the core at
 * once (so killing the app loses nothing, and a re-created screen is restored from the
 * core by [draftId]); validation is the core's, shown inline. Submitting freezes the draft
 * in the outbox: without a network it is kept and sent later, and the screen says so.
 *
 * Start with a [procedureCode] for a new draft, or a [draftId] to continue one.
 */
class DraftFormViewModel(
    private val dossiers: DossierPort,
    private val catalog: CatalogInterface,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    draftId: String? = null,
    procedureCode: String? = null,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<DraftFormState>(DraftFormState.Loading, scope, io) {
    private var procedure: Procedure? = null
    /** Field saves run one at a time, in typing order. */
    private val saving = Mutex()

    init {
        require((draftId == null) != (procedureCode == null)) { "a draft id or a procedure code" }
        scope.launch {
            val next = try {
                withContext(io) {
                    val draft = draftId?.let { dossiers.draft(it) } ?: dossiers.createDraft(procedureCode!!)
                    val p = catalog.procedure(draft.procedureCode)
                        ?: throw ProblemException(Problem("unknown_procedure", texts.unexpected))
                    procedure = p
                    render(p, draft, issues = emptyList())
                }
            } catch (e: Exception) {
                DraftFormState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }

    /** The draft's id, once loaded: what the app keeps to re-create this screen. */
    val draftId: String? get() = (state.value as? DraftFormState.Editing)?.draftId

    /** Each keystroke or choice: shown at once, saved by the core, error from the core. */
    fun onValueChange(fieldId: String, value: String) {
        val editing = state.value as? DraftFormState.Editing ?: return
        // A field locked to the identity keeps its value: nothing to show, nothing to save.
        if (editing.fields.any { it.id == fieldId && it.readOnly }) return
        update { s -> (s as? DraftFormState.Editing)?.withField(fieldId) { it.copy(value = value, prefilled = false) } ?: s }
        scope.launch {
            val saved = saving.withLock {
                runCatching { withContext(io) { dossiers.setField(editing.draftId, fieldId, value) } }
            }
            update { s ->
                val e = s as? DraftFormState.Editing ?: return@update s
                saved.fold(
                    { v -> e.withField(fieldId) { f -> if (f.value == value) f.copy(error = v.error) else f } },
                    { err -> e.copy(message = err.toProblem(texts).message) },
                )
            }
        }
    }

    /**
     * Turns filing on behalf of someone else on or off. Off, the core is told at once (the
     * name and ID fields go back to the citizen's identity); on, it is told as soon as a
     * relation is chosen and the person typed ([onBehalfChange]).
     */
    fun fileOnBehalf(on: Boolean) {
        val editing = state.value as? DraftFormState.Editing ?: return
        val current = editing.onBehalf ?: return
        if (editing.submit !is SubmitUi.Idle || current.on == on) return
        update { s -> (s as? DraftFormState.Editing)?.let { e -> e.copy(onBehalf = e.onBehalf?.copy(on = on, errors = emptyMap(), recorded = false)) } ?: s }
        scope.launch { recordOnBehalf(showAll = false) }
    }

    /**
     * The person filed for, as typed: each change is offered to the core, which records a
     * valid person (and locks the form's name and ID to them) or says what is wrong. Only
     * problems with something typed are shown before a submission attempt.
     */
    fun onBehalfChange(
        fullName: String? = null,
        personalId: String? = null,
        basis: RepresentationBasis? = null,
        detail: String? = null,
    ) {
        val editing = state.value as? DraftFormState.Editing ?: return
        if (editing.onBehalf?.on != true || editing.submit !is SubmitUi.Idle) return
        update { s ->
            (s as? DraftFormState.Editing)?.let { e ->
                e.copy(
                    onBehalf = e.onBehalf?.copy(
                        fullName = fullName ?: e.onBehalf.fullName,
                        personalId = personalId ?: e.onBehalf.personalId,
                        basis = basis ?: e.onBehalf.basis,
                        detail = detail ?: e.onBehalf.detail,
                        recorded = false,
                    ),
                )
            } ?: s
        }
        scope.launch { recordOnBehalf(showAll = false) }
    }

    /**
     * Tells the core what the switch and the typing ask for. Returns whether the core now
     * holds it. [showAll]: show every problem (a submission attempt), not only those with
     * something typed.
     */
    private suspend fun recordOnBehalf(showAll: Boolean): Boolean {
        val asked = (state.value as? DraftFormState.Editing)?.onBehalf ?: return true
        val p = procedure ?: return false
        val id = draftId ?: return false
        val person = asked.person()
        if (asked.on && person == null) {
            // No relation chosen yet: nothing the core could record.
            if (showAll) update { s -> s.withOnBehalf(asked) { it.copy(errors = mapOf("basis" to texts.onBehalfChooseBasis)) } }
            return false
        }
        val outcome = saving.withLock { runCatching { withContext(io) { dossiers.setOnBehalf(id, person) } } }
        val change = outcome.getOrElse { err ->
            update { s -> (s as? DraftFormState.Editing)?.copy(message = err.toProblem(texts).message) ?: s }
            return false
        }
        return when (change) {
            is OnBehalfChange.Recorded -> {
                update { s ->
                    val e = s as? DraftFormState.Editing ?: return@update s
                    val fresh = render(p, change.draft, issues = emptyList(), typed = e.onBehalf)
                    // The fields bound to an identity (locked before or after) are the core's
                    // now; the others keep what is on screen, saves of theirs may be pending.
                    val wasLocked = e.fields.filter { it.readOnly }.map { it.id }.toSet()
                    val byId = fresh.fields.associateBy { it.id }
                    e.copy(
                        fields = e.fields.map { f -> byId[f.id]?.takeIf { it.readOnly || f.id in wasLocked } ?: f },
                        // Recorded is what was asked; typed on since, a newer save follows.
                        onBehalf = e.onBehalf?.let { ob ->
                            if (ob.same(asked)) ob.copy(errors = emptyMap(), recorded = true, held = change.draft.onBehalf) else ob.copy(held = change.draft.onBehalf)
                        },
                    )
                }
                true
            }
            is OnBehalfChange.Invalid -> {
                update { s ->
                    s.withOnBehalf(asked) { ob ->
                        val typed = mapOf("full_name" to ob.fullName, "personal_id" to ob.personalId, "detail" to ob.detail)
                        ob.copy(errors = change.issues.filter { showAll || typed[it.fieldId].orEmpty().isNotBlank() }.associate { it.fieldId to it.message })
                    }
                }
                false
            }
        }
    }

    /** Changes the on-behalf part, unless the person typed on meanwhile (a newer save follows). */
    private fun DraftFormState.withOnBehalf(asked: OnBehalfUi, change: (OnBehalfUi) -> OnBehalfUi): DraftFormState {
        val e = this as? DraftFormState.Editing ?: return this
        val current = e.onBehalf ?: return this
        if (!current.same(asked)) return this
        return e.copy(onBehalf = change(current))
    }

    /** The same switch and typing (whatever the problems shown and the core's state). */
    private fun OnBehalfUi.same(other: OnBehalfUi) = copy(errors = emptyMap(), recorded = false, held = null) == other.copy(errors = emptyMap(), recorded = false, held = null)

    /** A photo from the camera or a file chosen (bytes read by the app). */
    fun attach(requirement: String, fileName: String, bytes: ByteArray) {
        val editing = state.value as? DraftFormState.Editing ?: return
        update { s -> (s as? DraftFormState.Editing)?.copy(attaching = true) ?: s }
        scope.launch {
            val outcome = runCatching { dossiers.addAttachment(editing.draftId, requirement, fileName, bytes) }
            reload(message = outcome.exceptionOrNull()?.toProblem(texts)?.message)
        }
    }

    /** Removes an attached file. */
    fun removeAttachment(attachmentId: Long) {
        val editing = state.value as? DraftFormState.Editing ?: return
        scope.launch {
            val outcome = runCatching { withContext(io) { dossiers.removeAttachment(editing.draftId, attachmentId) } }
            reload(message = outcome.exceptionOrNull()?.toProblem(texts)?.message)
        }
    }

    /**
     * The one primary action: checks the draft (problems shown inline), then submits with
     * upload progress.
     */
    fun submit() {
        val editing = state.value as? DraftFormState.Editing ?: return
        if (editing.submit is SubmitUi.Sending) return
        scope.launch {
            // What the switch says is what is filed: recorded first, or its problems shown.
            if (editing.onBehalf?.recorded == false && !recordOnBehalf(showAll = true)) {
                val count = (state.value as? DraftFormState.Editing)?.onBehalf?.errors?.size ?: 0
                update { s -> (s as? DraftFormState.Editing)?.copy(message = texts.problemsToFix(count.coerceAtLeast(1))) ?: s }
                return@launch
            }
            val issues = try {
                withContext(io) { saving.withLock { dossiers.validate(editing.draftId) } }
            } catch (e: Exception) {
                update { s -> (s as? DraftFormState.Editing)?.copy(message = e.toProblem(texts).message) ?: s }
                return@launch
            }
            if (issues.isNotEmpty()) {
                reload(issues = issues, message = texts.problemsToFix(issues.size))
                return@launch
            }
            update { s -> (s as? DraftFormState.Editing)?.copy(submit = SubmitUi.Sending(0, texts.uploading(0)), message = null) ?: s }
            val total = editing.documents.sumOf { d -> d.files.sumOf { it.size } }.coerceAtLeast(1)
            val sentBy = HashMap<String, Long>()
            val watch = dossiers.watchUploads { step ->
                if (step.draftId != editing.draftId) return@watchUploads
                val percent = synchronized(sentBy) {
                    sentBy[step.requirement] = step.sent
                    (sentBy.values.sum() * 100 / total).toInt().coerceIn(0, 100)
                }
                update { s ->
                    val e = s as? DraftFormState.Editing ?: return@update s
                    val shown = (e.submit as? SubmitUi.Sending)?.percent ?: return@update s
                    if (percent <= shown) s else e.copy(submit = SubmitUi.Sending(percent, texts.uploading(percent)))
                }
            }
            val delivery = try {
                dossiers.submit(editing.draftId)
            } catch (e: Exception) {
                watch.close()
                reload(message = e.toProblem(texts).message)
                return@launch
            }
            watch.close()
            when (delivery) {
                is Delivery.Delivered -> update { s ->
                    val e = s as? DraftFormState.Editing ?: return@update s
                    val message = if (e.answering != null) texts.supplementSent(e.answering) else texts.submitted(delivery.dossierCode)
                    e.copy(submit = SubmitUi.Submitted(e.answering ?: delivery.dossierCode, message))
                }
                is Delivery.Queued -> update { s ->
                    (s as? DraftFormState.Editing)?.copy(submit = SubmitUi.Queued(texts.offlineDraftQueued)) ?: s
                }
                is Delivery.Refused -> reload(message = texts.refused(delivery.reason))
            }
        }
    }

    /** Reads the draft back from the core (after attachments, refusals, checks). */
    private suspend fun reload(issues: List<FieldIssue> = emptyList(), message: String? = null) {
        val p = procedure ?: return
        val id = draftId ?: return
        val next = try {
            val typed = (state.value as? DraftFormState.Editing)?.onBehalf
            withContext(io) { render(p, dossiers.draft(id), issues, typed) }.copy(message = message)
        } catch (e: Exception) {
            DraftFormState.Failed(e.toProblem(texts))
        }
        update { next }
    }

    /**
     * The form from the core's draft. [typed]: the on-behalf part as on screen, kept (the
     * person may be typing ahead of the core); without it, the core's record is shown.
     */
    private fun render(p: Procedure, draft: DraftSnapshot, issues: List<FieldIssue>, typed: OnBehalfUi? = null): DraftFormState.Editing {
        if (draft.answersDossier != null) return renderAnswer(p, draft, issues)
        val vi = lang == Lang.VI
        val values = draft.fields.associateBy { it.fieldId }
        val issueOf = issues.associate { it.fieldId to it.message }
        val fields = p.form.map { f ->
            val v = values[f.id]
            FieldUi(
                id = f.id,
                kind = f.kind,
                label = if (vi) f.labelVi else f.labelEn,
                help = if (vi) f.helpVi else f.helpEn,
                required = f.required,
                choices = f.options.map { Choice(it.value, if (vi) it.labelVi else it.labelEn) },
                value = v?.value ?: "",
                prefilled = v?.prefilled == true,
                readOnly = v?.locked == true,
                // Before a submission attempt only wrong values are shown, not empty ones.
                error = issueOf[f.id] ?: v?.error?.takeIf { v.value != null },
            )
        }
        val documents = p.documents.map { d ->
            DocumentUi(
                requirement = d.id,
                name = if (vi) d.nameVi else d.nameEn,
                required = d.required,
                files = draft.attachments.filter { it.requirement == d.id },
                error = issueOf[d.id],
            )
        }
        val submit = when (draft.phase) {
            DraftPhase.SUBMITTED -> draft.dossierCode?.let { SubmitUi.Submitted(it, texts.submitted(it)) } ?: SubmitUi.Idle
            DraftPhase.SUBMITTING -> SubmitUi.Queued(texts.offlineDraftQueued)
            DraftPhase.EDITING -> SubmitUi.Idle
        }
        return DraftFormState.Editing(
            draftId = draft.id,
            procedureCode = draft.procedureCode,
            procedureName = if (vi) p.nameVi else p.nameEn,
            fields = fields,
            documents = documents,
            submit = submit,
            message = draft.failure?.let { texts.refused(it) },
            onBehalf = onBehalfOf(draft, typed),
        )
    }

    /**
     * The on-behalf part, when the core offers it ([DraftSnapshot.onBehalfOffered]);
     * [typed] kept when the person is ahead.
     */
    private fun onBehalfOf(draft: DraftSnapshot, typed: OnBehalfUi?): OnBehalfUi? {
        if (!draft.onBehalfOffered) return null
        if (typed != null) return typed.copy(held = draft.onBehalf)
        val person = draft.onBehalf ?: return OnBehalfUi()
        return OnBehalfUi(on = true, basis = person.basis, fullName = person.fullName, personalId = person.personalId, detail = person.detail.orEmpty(), held = person)
    }

    /**
     * A supplement answer: its one field is the note; any document of the procedure may
     * be attached (the desk's request says which).
     */
    private fun renderAnswer(p: Procedure, draft: DraftSnapshot, issues: List<FieldIssue>): DraftFormState.Editing {
        val vi = lang == Lang.VI
        val issueOf = issues.associate { it.fieldId to it.message }
        val known = draft.fields.map { it.fieldId }.toSet() + p.documents.map { it.id }
        val other = issues.filter { it.fieldId !in known }.map { it.message }
        val code = draft.answersDossier!!
        return DraftFormState.Editing(
            draftId = draft.id,
            procedureCode = draft.procedureCode,
            procedureName = if (vi) p.nameVi else p.nameEn,
            fields = draft.fields.map { v ->
                FieldUi(
                    id = v.fieldId, kind = FieldKind.LONG_TEXT, label = texts.supplementNote, help = null,
                    required = false, choices = emptyList(), value = v.value ?: "", prefilled = false,
                    error = issueOf[v.fieldId] ?: v.error?.takeIf { v.value != null },
                )
            },
            documents = p.documents.map { d ->
                DocumentUi(d.id, if (vi) d.nameVi else d.nameEn, false, draft.attachments.filter { it.requirement == d.id }, issueOf[d.id])
            },
            submit = when (draft.phase) {
                DraftPhase.SUBMITTED -> SubmitUi.Submitted(code, texts.supplementSent(code))
                DraftPhase.SUBMITTING -> SubmitUi.Queued(texts.offlineDraftQueued)
                DraftPhase.EDITING -> SubmitUi.Idle
            },
            message = (other + listOfNotNull(draft.failure?.let { texts.refused(it) })).joinToString(" ").ifBlank { null },
            answering = code,
            requested = draft.requested,
        )
    }

    private fun DraftFormState.Editing.withField(id: String, change: (FieldUi) -> FieldUi) =
        copy(fields = fields.map { if (it.id == id) change(it) else it })
}
