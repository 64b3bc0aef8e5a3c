package vn.motcua.app.ui

import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import java.time.LocalDate
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import vn.motcua.app.R
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.samplePng
import vn.motcua.presentation.Lang

/**
 * The citizen's main journey by clicks and typing, over the real presentation layer, the
 * real core and a real portal, in both languages, driven at font scale 2.0; every screen on
 * the way is checked and photographed at font scale 1.0, 1.5 and 2.0 ([checkScreen]).
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CitizenJourneyTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    fun looks() = Look.JOURNEYS

    @ParameterizedTest(name = "{0}")
    @MethodSource("looks")
    fun `search in everyday words, file with a photo, follow the dossier, show the receipt`(look: Look) = TestPhone(portal, look.lang).use { phone ->
        onScreen(phone, look) {
            val shots = Screenshots("citizen-files-a-dossier", look)
            waitFor("the login screen", hasClickAction() and hasLabel(look.text(R.string.login_button)))
            checkScreen(phone, shots, look, "login")
            logIn(phone, look, skip = look.citizen)
            waitFor("no dossiers yet", hasText(look.text(R.string.home_no_dossiers)))
            // The quotes around the button's name survive the resource compiler.
            assertTrue(look.text(R.string.home_no_dossiers).contains("“${look.text(R.string.home_new_dossier)}”"))
            assertTrue(phone.device.notificationPermissionAsks > 0, "home asks for the notification permission")
            checkScreen(phone, shots, look, "home-empty")

            click(look.text(R.string.home_new_dossier))
            waitFor("the search field", hasSetTextAction() and hasLabel(look.text(R.string.search_label)))
            checkScreen(phone, shots, look, "search")
            type(look.text(R.string.search_label), "giay doc than")
            val procedure = phone.graph.core.catalog().use { it.procedure(MARITAL_STATUS) }!!
            val procedureName = if (look.lang == Lang.VI) procedure.nameVi else procedure.nameEn
            // The search matches and highlights the official (Vietnamese) name, in English too.
            waitFor("the marital-status certificate found", hasClickAction() and hasLabel(procedure.nameVi))
            checkScreen(phone, shots, look, "search-results")

            click(procedure.nameVi)
            waitFor("the procedure's file button", hasClickAction() and hasLabel(look.text(R.string.procedure_file)))
            checkScreen(phone, shots, look, "procedure")

            click(look.text(R.string.procedure_file))
            waitFor("the form", hasClickAction() and hasLabel(look.text(R.string.draft_submit)))
            // The identity's fields are the core's locked ones: marked as such, not as merely prefilled.
            waitFor("a value from the electronic identity, marked locked", hasText("✓ " + look.text(R.string.field_locked)))
            checkScreen(phone, shots, look, "form")
            fillMaritalStatusForm(phone, look)
            checkScreen(phone, shots, look, "form-filled")

            click(look.text(R.string.draft_submit))
            waitFor("submitted", hasClickAction() and hasLabel(look.text(R.string.action_home)))
            checkScreen(phone, shots, look, "form-submitted")

            click(look.text(R.string.action_home))
            val codeLabel = Regex(Regex.escape(look.text(R.string.dossier_code_label, "\u0000")).replace("\u0000", "\\E(\\S+)\\Q"))
            waitFor("the dossier on home", hasClickAction() and hasLabel(procedureName))
            val code = onAllNodesWithRegex(codeLabel).first()
            checkScreen(phone, shots, look, "home-dossier")

            val (status, body) = Desk.login(portal, "tiepnhan").act(code, "accept")
            assertEquals(200, status, body)
            click(code)
            waitFor("the receipt offered once the desk accepted", hasClickAction() and hasLabel(look.text(R.string.dossier_show_receipt)))
            waitFor("the withdrawal offered", hasClickAction() and hasLabel(look.text(R.string.dossier_withdraw)))
            checkScreen(phone, shots, look, "dossier")

            click(look.text(R.string.dossier_show_receipt))
            waitFor("the QR code, described", hasLabel(look.text(R.string.receipt_qr_description, code)))
            assertTrue(phone.device.screenBright, "the receipt holds the screen at full brightness")
            checkScreen(phone, shots, look, "receipt")
            click(look.text(R.string.receipt_share))
            val shared = phone.device.shared.last()
            assertEquals(code, shared.subject)
            assertTrue(shared.text.contains(code) && shared.text.lines().last().startsWith("MC1:"), shared.text)
            assertTrue(shared.png!!.take(4) == listOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()))
            click(look.text(R.string.receipt_print))
            assertEquals(listOf(code), phone.device.printed.toList())
            click(look.text(R.string.action_back))
            waitFor("back on the dossier", hasClickAction() and hasLabel(look.text(R.string.dossier_show_receipt)))
            assertFalse(phone.device.screenBright, "brightness is given back when the receipt closes")
        }
    }
}

/** The marital-status certificate, the procedure of the journeys. */
const val MARITAL_STATUS = "1.004873"

/** The texts on screen now whose whole text matches [regex]: the first group of each. */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.onAllNodesWithRegex(regex: Regex): List<String> =
    onAllNodes(androidx.compose.ui.test.isRoot(), useUnmergedTree = true).fetchSemanticsNodes()
        .flatMap { root -> generateSequence(listOf(root)) { level: List<SemanticsNode> -> level.flatMap { it.children }.takeIf { it.isNotEmpty() } }.flatten().toList() }
        .flatMap { node: SemanticsNode -> node.config.getOrNull(SemanticsProperties.Text).orEmpty().map { it.text } }
        .mapNotNull { regex.matchEntire(it)?.groupValues?.get(1) }

/**
 * Fills the marital-status form as the person does: the birth date with the date picker
 * (when not already filled; [birthDate], or the logged-in person's), the two choices by their labels, the
 * commune code and the phone typed, the declaration photographed.
 */
@OptIn(ExperimentalTestApi::class)
fun SkikoComposeUiTest.fillMaritalStatusForm(phone: TestPhone, look: Look, birthDate: LocalDate? = null) {
    // The core the screens run on: an assisted session's own while one is open.
    val areas = phone.graph.assistHolder?.areas?.value ?: phone.graph.own
    val form = areas.catalog.procedure(MARITAL_STATUS)!!.form.associateBy { it.id }
    fun label(id: String) = form.getValue(id).let { if (look.lang == Lang.VI) it.labelVi else it.labelEn }
    fun option(id: String, value: String) = form.getValue(id).options.first { it.value == value }.let { if (look.lang == Lang.VI) it.labelVi else it.labelEn }
    if (shows(hasClickAction() and hasLabel(look.text(R.string.field_pick_date)))) {
        phone.device.dateToPick = birthDate ?: LocalDate.parse(areas.identity.profile()!!.birthDate!!)
        click(look.text(R.string.field_pick_date))
    }
    click(option("current_status", "never_married"))
    click(option("purpose", "marriage_vn"))
    type(label("registration_unit"), "00004")
    type(label("phone"), "0912345678")
    phone.device.photoToTake = PickedFile("to-khai.png", samplePng())
    click(look.text(R.string.file_camera))
    waitFor("the photo attached", hasLabel("to-khai.png"))
}
