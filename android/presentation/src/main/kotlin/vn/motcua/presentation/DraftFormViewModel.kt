package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import vn.motcua.DraftDocument
import vn.motcua.DraftField
import vn.motcua.DraftForm
import vn.motcua.FieldKind
import vn.motcua.FormMode
import vn.motcua.FormSubmission
import vn.motcua.RepresentationBasis

/** A choice of a select field. */
data class Choice(val value: String, val label: String)

/** One field of the form, ready to render: its widget follows [kind]. The core's [DraftField], with the value as typed. */
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
    /** The core's problem to show now (a missing document, after a submission attempt). */
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
    /** [percent] of the submission's bytes sent (the core's count, and its [message]). */
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
        /** The procedure's name, or "Bổ sung hồ sơ …" for a supplement answer. */
        val title: String,
        val fields: List<FieldUi>,
        val documents: List<DocumentUi>,
        val submit: SubmitUi = SubmitUi.Idle,
        /** For a supplement answer: the dossier it answers, and what the desk asked for. */
        val answering: String? = null,
        val requested: List<String> = emptyList(),
        /** The core's words above the button: "Còn 2 chỗ cần sửa trước khi nộp", or the portal's refusal; or a failed call's problem. */
        val message: String? = null,
        val attaching: Boolean = false,
        /** Filing on behalf of someone else; null when the draft does not offer it (a supplement answer, no field bound to an identity). */
        val onBehalf: OnBehalfUi? = null,
    ) : DraftFormState

    data class Failed(val problem: Problem) : DraftFormState
}

/**
 * A draft's form as the core gives it ([DraftForm]: labels, the errors to show now, the
 * documents, the supplement-answer mode, the sentences); this class keeps only what is on
 * screen meanwhile (the value being typed, the on-behalf part being typed, the progress).
 * Every change is saved by the core at once (so killing the app loses nothing, and a
 * re-created screen is restored from the core by [draftId]). Submitting freezes the draft
 * in the outbox: without a network it is kept and sent later, and the screen says so.
 *
 * Start with a [procedureCode] for a new draft, or a [draftId] to continue one.
 */
class DraftFormViewModel(
    private val dossiers: DossierPort,
    private val texts: Texts,
    scope: CoroutineScope,
    draftId: String? = null,
    procedureCode: String? = null,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<DraftFormState>(DraftFormState.Loading, scope, io) {
    /** Field saves run one at a time, in typing order. */
    private val saving = Mutex()

    init {
        require((draftId == null) != (procedureCode == null)) { "a draft id or a procedure code" }
        scope.launch {
            val next = try {
                withContext(io) { render(draftId?.let { dossiers.form(it) } ?: dossiers.createDraft(procedureCode!!)) }
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
                    // A later keystroke wins: its own save brings its own error.
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
                    val fresh = render(change.form, typed = e.onBehalf)
                    // The fields bound to an identity (locked before or after) are the core's
                    // now; the others keep what is on screen, saves of theirs may be pending.
                    val wasLocked = e.fields.filter { it.readOnly }.map { it.id }.toSet()
                    val byId = fresh.fields.associateBy { it.id }
                    e.copy(
                        fields = e.fields.map { f -> byId[f.id]?.takeIf { it.readOnly || f.id in wasLocked } ?: f },
                        // Recorded is what was asked; typed on since, a newer save follows.
                        onBehalf = e.onBehalf?.let { ob ->
                            val held = change.form.onBehalfOf?.person()
                            if (ob.same(asked)) ob.copy(errors = emptyMap(), recorded = true, held = held) else ob.copy(held = held)
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
            // The core shows every problem from now on; it says whether anything is left.
            val checked = try {
                withContext(io) { saving.withLock { dossiers.check(editing.draftId) } }
            } catch (e: Exception) {
                update { s -> (s as? DraftFormState.Editing)?.copy(message = e.toProblem(texts).message) ?: s }
                return@launch
            }
            if (!checked.ready) {
                update { s -> render(checked, typed = (s as? DraftFormState.Editing)?.onBehalf) }
                return@launch
            }
            update { s -> (s as? DraftFormState.Editing)?.copy(submit = SubmitUi.Sending(0, texts.uploading(0)), message = null) ?: s }
            val watch = dossiers.watchUploads { step ->
                if (step.draftId != editing.draftId) return@watchUploads
                val percent = step.percent.toInt()
                update { s ->
                    val e = s as? DraftFormState.Editing ?: return@update s
                    val shown = (e.submit as? SubmitUi.Sending)?.percent ?: return@update s
                    if (percent <= shown) s else e.copy(submit = SubmitUi.Sending(percent, step.message))
                }
            }
            try {
                dossiers.submit(editing.draftId)
            } catch (e: Exception) {
                watch.close()
                reload(message = e.toProblem(texts).message)
                return@launch
            }
            watch.close()
            // Delivered, queued or refused: the core's form says which, in its words.
            reload()
        }
    }

    /** Reads the form back from the core (after attachments, refusals, deliveries). */
    private suspend fun reload(message: String? = null) {
        val id = draftId ?: return
        val next = try {
            withContext(io) { dossiers.form(id) }
        } catch (e: Exception) {
            update { DraftFormState.Failed(e.toProblem(texts)) }
            return
        }
        update { s ->
            val fresh = render(next, typed = (s as? DraftFormState.Editing)?.onBehalf)
            if (message != null) fresh.copy(message = message) else fresh
        }
    }

    /**
     * The screen's state from the core's form: a conversion, the rules are the core's.
     * [typed]: the on-behalf part as on screen, kept (the person may be typing ahead of the
     * core); without it, the core's record is shown.
     */
    private fun render(form: DraftForm, typed: OnBehalfUi? = null): DraftFormState.Editing {
        val answer = form.mode as? FormMode.SupplementAnswer
        return DraftFormState.Editing(
            draftId = form.draftId,
            procedureCode = form.procedureCode,
            title = form.title,
            fields = form.fields.map { it.ui() },
            documents = form.documents.map { it.ui() },
            submit = when (val sub = form.submission) {
                is FormSubmission.Editing -> SubmitUi.Idle
                is FormSubmission.Queued -> SubmitUi.Queued(sub.message)
                is FormSubmission.Submitted -> SubmitUi.Submitted(sub.dossierCode, sub.message)
            },
            answering = answer?.dossierCode,
            requested = answer?.requested.orEmpty(),
            message = form.message,
            onBehalf = onBehalfOf(form, typed),
        )
    }

    /**
     * The on-behalf part, when the core offers it ([DraftForm.onBehalfOffered]); [typed]
     * kept when the person is ahead.
     */
    private fun onBehalfOf(form: DraftForm, typed: OnBehalfUi?): OnBehalfUi? {
        if (!form.onBehalfOffered) return null
        val held = form.onBehalfOf?.person()
        if (typed != null) return typed.copy(held = held)
        val person = held ?: return OnBehalfUi()
        return OnBehalfUi(on = true, basis = person.basis, fullName = person.fullName, personalId = person.personalId, detail = person.detail.orEmpty(), held = person)
    }

    private fun DraftFormState.Editing.withField(id: String, change: (FieldUi) -> FieldUi) =
        copy(fields = fields.map { if (it.id == id) change(it) else it })
}

private fun DraftField.ui() = FieldUi(
    id = id,
    kind = kind,
    label = label,
    help = help,
    required = required,
    choices = choices.map { Choice(it.value, it.label) },
    value = value,
    prefilled = prefilled,
    error = error,
    readOnly = locked,
)

private fun DraftDocument.ui() = DocumentUi(requirement, name, required, attachments.map { it.file() }, error)

private fun vn.motcua.OnBehalf.person() = OnBehalfPerson(fullName, personalId, basis, detail)
