package vn.motcua.presentation

import vn.motcua.IdentityInterface
import vn.motcua.jvmtests.samplePng

/*
 * Filling a form as the person does, shared by the tests of the dossier and assist screens.
 */

/** Waits for the form to be editable (and [p]); fails with the form's problem otherwise. */
suspend fun DraftFormViewModel.editingState(what: String = "form", p: (DraftFormState.Editing) -> Boolean = { true }) =
    state.await(what) { it is DraftFormState.Editing && p(it) || it is DraftFormState.Failed }
        .let { it as? DraftFormState.Editing ?: throw AssertionError("form failed: $it") }

/**
 * Fills every required field of the marital-status form (1.004873) and attaches the
 * declaration; the birth date is the logged-in person's, from [identity].
 */
suspend fun fillMaritalStatus(vm: DraftFormViewModel, identity: IdentityInterface) {
    val birth = identity.profile()!!.birthDate!!
    val values = mapOf(
        "applicant_birth_date" to birth,
        "current_status" to "never_married",
        "purpose" to "marriage_vn",
        "registration_unit" to "00004",
        "phone" to "0912345678",
    )
    values.forEach { (id, v) -> vm.onValueChange(id, v) }
    vm.editingState("values saved") { s -> values.all { (id, v) -> s.fields.first { it.id == id }.let { f -> f.value == v && f.error == null } } }
    vm.attach("declaration_form", "to-khai.png", samplePng())
    vm.editingState("attached") { s -> s.documents.first { it.requirement == "declaration_form" }.files.isNotEmpty() }
}
