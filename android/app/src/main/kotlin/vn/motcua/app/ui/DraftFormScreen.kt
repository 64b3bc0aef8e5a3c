package vn.motcua.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Checkbox
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.error
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.time.LocalDate
import vn.motcua.FieldKind
import vn.motcua.RepresentationBasis
import vn.motcua.app.R
import vn.motcua.presentation.DocumentUi
import vn.motcua.presentation.DraftFormState
import vn.motcua.presentation.DraftFormViewModel
import vn.motcua.presentation.FieldUi
import vn.motcua.presentation.Format
import vn.motcua.presentation.Lang
import vn.motcua.presentation.OnBehalfUi
import vn.motcua.presentation.SubmitUi

/**
 * The draft form, rendered from the procedure's schema: one widget per field kind, values
 * filled from the electronic identity marked as such, errors under their field, documents
 * from the camera or files, and one primary action that changes with the submission.
 */
@Composable
fun DraftFormScreen(form: DraftFormViewModel, lang: Lang, onBack: () -> Unit, onDone: () -> Unit) {
    val state by form.state.collectAsStateWithLifecycle()
    val editing = state as? DraftFormState.Editing
    val submit = editing?.submit
    Screen(
        // A short title: procedure names run to a dozen words, which at 200 % text filled
        // the pinned bar. The name heads the content instead.
        title = stringResource(R.string.draft_title),
        onBack = onBack,
        primary = when (submit) {
            null -> null
            SubmitUi.Idle -> primaryAction(stringResource(R.string.draft_submit), onClick = form::submit)
            is SubmitUi.Sending -> primaryAction(stringResource(R.string.draft_sending), enabled = false) {}
            is SubmitUi.Submitted, is SubmitUi.Queued -> primaryAction(stringResource(R.string.action_home), onClick = onDone)
        },
    ) {
        when (val s = state) {
            DraftFormState.Loading -> Waiting(stringResource(R.string.loading))
            is DraftFormState.Failed -> ErrorText(s.problem.message)
            is DraftFormState.Editing -> {
                Text(s.title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
                s.message?.let { ErrorText(it) }
                when (val sub = s.submit) {
                    is SubmitUi.Sending -> {
                        Text(sub.message, style = MaterialTheme.typography.bodyLarge)
                        LinearProgressIndicator(
                            progress = { sub.percent / 100f },
                            modifier = Modifier.fillMaxWidth().semantics { contentDescription = sub.message },
                        )
                    }
                    is SubmitUi.Submitted -> Banner(sub.message, offline = false)
                    is SubmitUi.Queued -> Banner(sub.message)
                    SubmitUi.Idle -> Unit
                }
                if (s.answering != null) {
                    SectionTitle(stringResource(R.string.dossier_missing))
                    for (item in s.requested) Text("• $item", style = MaterialTheme.typography.bodyLarge)
                    Text(stringResource(R.string.draft_supplement_hint), style = MaterialTheme.typography.bodyLarge)
                }
                val readOnly = s.submit !is SubmitUi.Idle
                Text(stringResource(R.string.draft_autosave), style = MaterialTheme.typography.bodyMedium)
                // Who the dossier is for comes before the fields it decides.
                s.onBehalf?.let { OnBehalfInput(it, readOnly, form) }
                val filedFor = s.onBehalf?.held != null
                for (field in s.fields) FieldInput(field, lang, readOnly, filedFor) { form.onValueChange(field.id, it) }
                SectionTitle(stringResource(R.string.draft_documents))
                if (s.attaching) Waiting(stringResource(R.string.file_preparing))
                for (doc in s.documents) DocumentInput(doc, readOnly, form)
            }
        }
    }
}

/** One field, its widget chosen by kind; label, hint, prefill mark and error around it. */
@Composable
private fun FieldInput(field: FieldUi, lang: Lang, formReadOnly: Boolean, filedFor: Boolean, onChange: (String) -> Unit) {
    // A field the core locks to the verified identity cannot be edited, whatever the form.
    val readOnly = formReadOnly || field.readOnly
    val label = field.label + if (field.required) " *" else ""
    val prefilled = when {
        // Filing for someone else, the core locks these to that person: say where they are changed.
        field.readOnly && filedFor -> stringResource(R.string.field_locked_on_behalf)
        field.readOnly -> stringResource(R.string.field_locked)
        field.prefilled -> stringResource(R.string.field_prefilled)
        else -> null
    }
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        when (field.kind) {
            FieldKind.SELECT -> {
                Text(label, style = MaterialTheme.typography.bodyLarge)
                Column(Modifier.selectableGroup()) {
                    for (choice in field.choices) {
                        Row(
                            Modifier
                                .fillMaxWidth()
                                .heightIn(min = TouchHeight)
                                .selectable(
                                    selected = field.value == choice.value,
                                    enabled = !readOnly,
                                    role = Role.RadioButton,
                                    onClick = { onChange(choice.value) },
                                ),
                            verticalAlignment = Alignment.CenterVertically,
                        ) {
                            RadioButton(selected = field.value == choice.value, onClick = null)
                            Text(choice.label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
                        }
                    }
                }
            }
            FieldKind.CHECKBOX -> {
                val checked = field.value == "true"
                Row(
                    Modifier
                        .fillMaxWidth()
                        .heightIn(min = TouchHeight)
                        .toggleable(value = checked, enabled = !readOnly, role = Role.Checkbox) { onChange(if (it) "true" else "false") },
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    Checkbox(checked = checked, onCheckedChange = null)
                    Text(label, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
                }
            }
            FieldKind.DATE -> {
                val device = LocalDevice.current
                val shown = field.value.takeIf { it.isNotBlank() }?.let { Format(lang).date(it) }
                Text(label, style = MaterialTheme.typography.bodyLarge)
                SecondaryButton(
                    text = shown ?: stringResource(R.string.field_pick_date),
                    onClick = {
                        if (!readOnly) {
                            // The value is kept as `YYYY-MM-DD`, shown the Vietnamese way.
                            val current = runCatching { LocalDate.parse(field.value) }.getOrNull()
                            device.pickDate(current) { picked -> onChange(picked.toString()) }
                        }
                    },
                )
            }
            else -> {
                LabelledField(
                    value = field.value,
                    onValueChange = onChange,
                    label = label,
                    readOnly = readOnly,
                    singleLine = field.kind != FieldKind.LONG_TEXT,
                    minLines = if (field.kind == FieldKind.LONG_TEXT) 3 else 1,
                    isError = field.error != null,
                    keyboardOptions = KeyboardOptions(keyboardType = keyboardFor(field.kind)),
                    semantics = {
                        prefilled?.let { stateDescription = it }
                        field.error?.let { error(it) }
                    },
                )
            }
        }
        field.help?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        prefilled?.let { Text("✓ $it", style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.secondary) }
        field.error?.let { ErrorText(it) }
    }
}

private fun keyboardFor(kind: FieldKind) = when (kind) {
    FieldKind.NUMBER, FieldKind.PERSONAL_ID, FieldKind.ADMIN_UNIT -> KeyboardType.Number
    FieldKind.PHONE -> KeyboardType.Phone
    FieldKind.EMAIL -> KeyboardType.Email
    else -> KeyboardType.Text
}

/** A document requirement: what is attached, and the camera or a file to add one. */
@Composable
private fun DocumentInput(doc: DocumentUi, readOnly: Boolean, form: DraftFormViewModel) {
    val device = LocalDevice.current
    var tooLarge by remember { mutableStateOf(false) }
    val attach = { picked: PickedFile ->
        tooLarge = picked.bytes == null
        picked.bytes?.let { form.attach(doc.requirement, picked.name, it) }
        Unit
    }
    val takePhoto = device.rememberCamera(attach)
    val chooseFile = device.rememberFilePicker(attach)
    val mark = stringResource(if (doc.required) R.string.document_required else R.string.document_optional)
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text("${doc.name} ($mark)", style = MaterialTheme.typography.bodyLarge)
        for (file in doc.files) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                val status = stringResource(if (file.uploaded) R.string.file_sent else R.string.file_on_phone)
                Text("📄 ${file.fileName} · ${file.size / 1024} KB · $status", style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
                if (!readOnly) {
                    TextButton(onClick = { form.removeAttachment(file.id) }, modifier = Modifier.heightIn(min = TouchHeight)) {
                        Text(stringResource(R.string.file_remove))
                    }
                }
            }
        }
        if (!readOnly) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                SecondaryButton(stringResource(R.string.file_camera), takePhoto, Modifier.weight(1f))
                SecondaryButton(stringResource(R.string.file_choose), chooseFile, Modifier.weight(1f))
            }
        }
        if (tooLarge) ErrorText(stringResource(R.string.file_too_large))
        doc.error?.let { ErrorText(it) }
    }
}

/** The words for each relation the core knows, in the order it offers them. */
private fun basisLabel(basis: RepresentationBasis) = when (basis) {
    RepresentationBasis.PARENT -> R.string.on_behalf_basis_parent
    RepresentationBasis.CHILD -> R.string.on_behalf_basis_child
    RepresentationBasis.SPOUSE -> R.string.on_behalf_basis_spouse
    RepresentationBasis.SIBLING -> R.string.on_behalf_basis_sibling
    RepresentationBasis.GUARDIAN -> R.string.on_behalf_basis_guardian
    RepresentationBasis.AUTHORISED -> R.string.on_behalf_basis_authorised
}

/**
 * "Nộp thay": a switch, and once on, the relation and the person. What the form then
 * locks or frees is the core's answer (the fields below follow it); this only asks.
 */
@Composable
private fun OnBehalfInput(onBehalf: OnBehalfUi, readOnly: Boolean, form: DraftFormViewModel) {
    val title = stringResource(R.string.on_behalf_switch)
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(
            Modifier
                .fillMaxWidth()
                .heightIn(min = TouchHeight)
                .toggleable(value = onBehalf.on, enabled = !readOnly, role = Role.Switch) { form.fileOnBehalf(it) },
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f).padding(end = 12.dp))
            Switch(checked = onBehalf.on, onCheckedChange = null)
        }
        Text(stringResource(R.string.on_behalf_explanation), style = MaterialTheme.typography.bodyMedium)
        if (!onBehalf.on) return@Column
        if (onBehalf.held == null) Text(stringResource(R.string.on_behalf_pending), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.secondary)
        Text(stringResource(R.string.on_behalf_basis) + " *", style = MaterialTheme.typography.bodyLarge)
        Column(Modifier.selectableGroup()) {
            for (basis in RepresentationBasis.entries) {
                Row(
                    Modifier
                        .fillMaxWidth()
                        .heightIn(min = TouchHeight)
                        .selectable(
                            selected = onBehalf.basis == basis,
                            enabled = !readOnly,
                            role = Role.RadioButton,
                            onClick = { form.onBehalfChange(basis = basis) },
                        ),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    RadioButton(selected = onBehalf.basis == basis, onClick = null)
                    Text(stringResource(basisLabel(basis)), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
                }
            }
        }
        onBehalf.errors["basis"]?.let { ErrorText(it) }
        OnBehalfField(onBehalf.fullName, stringResource(R.string.on_behalf_name) + " *", onBehalf.errors["full_name"], readOnly, KeyboardType.Text) {
            form.onBehalfChange(fullName = it)
        }
        OnBehalfField(onBehalf.personalId, stringResource(R.string.on_behalf_id) + " *", onBehalf.errors["personal_id"], readOnly, KeyboardType.Number) {
            form.onBehalfChange(personalId = it)
        }
        OnBehalfField(onBehalf.detail, stringResource(R.string.on_behalf_detail), onBehalf.errors["detail"], readOnly, KeyboardType.Text, stringResource(R.string.on_behalf_detail_help)) {
            form.onBehalfChange(detail = it)
        }
    }
}

/** One typed part of the person filed for: label above, help and the core's problem below. */
@Composable
private fun OnBehalfField(value: String, label: String, error: String?, readOnly: Boolean, keyboard: KeyboardType, help: String? = null, onChange: (String) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        LabelledField(
            value = value,
            onValueChange = onChange,
            label = label,
            readOnly = readOnly,
            isError = error != null,
            keyboardOptions = KeyboardOptions(keyboardType = keyboard),
            semantics = { error?.let { error(it) } },
        )
        help?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
        error?.let { ErrorText(it) }
    }
}
