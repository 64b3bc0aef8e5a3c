package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.semantics.SemanticsNode
import vn.motcua.app.R
import vn.motcua.presentation.Lang

/**
 * Files the marital-status certificate by clicks and typing, from home to home, without
 * the checks of [CitizenJourneyTest] (which checks every screen of this way): the start
 * of the other journeys. Returns the new dossier's code, read from home.
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.fileMaritalStatus(phone: TestPhone, look: Look): String {
    fillAndSubmitMaritalStatus(phone, look)
    click(look.text(R.string.action_home))
    val procedure = phone.graph.core.catalog().use { it.procedure(MARITAL_STATUS) }!!
    val procedureName = if (look.lang == Lang.VI) procedure.nameVi else procedure.nameEn
    waitFor("the dossier on home", hasClickAction() and hasLabel(procedureName))
    val codeLabel = Regex(Regex.escape(look.text(R.string.dossier_code_label, "\u0000")).replace("\u0000", "\\E(\\S+)\\Q"))
    return onAllNodesWithRegex(codeLabel).first()
}

/** From home: search, the procedure, the form filled, submitted; ends on the submitted form. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.fillAndSubmitMaritalStatus(phone: TestPhone, look: Look) {
    click(look.text(R.string.home_new_dossier))
    type(look.text(R.string.search_label), "giay doc than")
    // The search downloads the catalog the first time, into the core the screens run on
    // (an assisted session's own, while one is open).
    val catalog = (phone.graph.assistHolder?.areas?.value ?: phone.graph.own).catalog
    waitUntilTrue("the catalog on the phone") { catalog.procedure(MARITAL_STATUS) != null }
    val procedure = catalog.procedure(MARITAL_STATUS)!!
    click(procedure.nameVi)
    click(look.text(R.string.procedure_file))
    waitFor("a value from the electronic identity, marked locked", hasText("✓ " + look.text(R.string.field_locked)))
    fillMaritalStatusForm(phone, look)
    click(look.text(R.string.draft_submit))
    waitFor("submitted", hasClickAction() and hasLabel(look.text(R.string.action_home)))
}

/** Types [text] into the only text field on screen (a form of one field). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.typeInOnlyField(text: String) {
    waitFor("a text field", hasSetTextAction())
    val fields = onAllNodes(hasSetTextAction()).fetchSemanticsNodes()
    check(fields.size == 1) { "${fields.size} text fields on screen, expected one" }
    onAllNodes(hasSetTextAction())[0].scrollIntoView().performTextInput(text)
    waitForIdle()
}

/** Clicks the element labelled [label] that shares a container with the text [within] (a dialog's button, not the screen's under it). */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.clickIn(label: String, within: String) {
    val matcher = hasClickAction() and hasLabel(label)
    waitFor("a button \"$label\" beside \"$within\"", matcher)
    val nodes = onAllNodes(matcher).fetchSemanticsNodes()
    fun SemanticsNode.shows(text: String): Boolean = label().contains(text) || children.any { it.shows(text) }
    val index = nodes.indexOfFirst { node -> generateSequence(node.parent) { it.parent }.any { it.shows(within) } }
    check(index >= 0) { "no \"$label\" beside \"$within\"" }
    onAllNodes(matcher)[index].performClick()
    waitForIdle()
}
