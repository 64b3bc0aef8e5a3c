package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import java.time.LocalDate
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import vn.motcua.app.R
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.jsonString

/**
 * Filing on behalf of someone else ("Nộp thay"), by clicks and typing: the citizen turns
 * the switch on, says how they are related, types their father's name and ID number; the
 * core locks the form's name and ID to him and frees the address, which is typed; the
 * dossier is submitted and the desk accepts it, seeing who filed for whom. Over the real
 * core and a real portal; the form with the switch on checked at every font scale.
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OnBehalfJourneyTest {
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
    fun `file for a parent - the switch, the person, the freed address, submitted and accepted`(look: Look) = TestPhone(portal, look.lang).use { phone ->
        onScreen(phone, look) {
            val shots = Screenshots("file-on-behalf", look)
            logIn(phone, look, skip = look.citizen)
            click(look.text(R.string.home_new_dossier))
            type(look.text(R.string.search_label), "giay doc than")
            val catalog = phone.graph.own.catalog
            waitUntilTrue("the catalog on the phone") { catalog.procedure(MARITAL_STATUS) != null }
            click(catalog.procedure(MARITAL_STATUS)!!.nameVi)
            click(look.text(R.string.procedure_file))
            waitFor("the identity's fields, locked", hasText("✓ " + look.text(R.string.field_locked)))

            click(look.text(R.string.on_behalf_switch))
            waitFor("the dossier still in the citizen's name", hasText(look.text(R.string.on_behalf_pending)))
            click(look.text(R.string.on_behalf_basis_child))
            // Not one of the demo citizens (a look may log in as any of them): born 1950, as his
            // ID number says (digits 4 to 6) and the birth date typed below.
            val father = "Lê Văn Hùng"
            type(look.text(R.string.on_behalf_name), father)
            type(look.text(R.string.on_behalf_id), "001050012345")
            // The core recorded him: the form's name and ID are his, locked and marked so.
            waitFor("the fields locked to the person filed for", hasText("✓ " + look.text(R.string.field_locked_on_behalf)))
            assertTrue(!shows(hasText(look.text(R.string.on_behalf_pending))), "no longer in the citizen's name")
            val form = catalog.procedure(MARITAL_STATUS)!!.form.associateBy { it.id }
            fun label(id: String) = form.getValue(id).let { if (look.lang == vn.motcua.presentation.Lang.VI) it.labelVi else it.labelEn }
            // Locked, so not editable: found by its label and text.
            waitFor("the name field with his name", hasLabel(label("applicant_name")) and hasText(father))
            checkScreen(phone, shots, look, "form-on-behalf")

            // The core freed the address (the citizen's is not his): typed.
            type(label("applicant_address"), "12 Lê Lợi, phường Thuận Hóa, Huế")
            fillMaritalStatusForm(phone, look, birthDate = LocalDate.of(1950, 5, 17))
            click(look.text(R.string.draft_submit))
            waitFor("submitted", hasClickAction() and hasLabel(look.text(R.string.action_home)))
            val codeText = Regex(Regex.escape(phone.graph.texts.submitted("\u0000")).replace("\u0000", "\\E(\\S+)\\Q"))
            val code = onAllNodesWithRegex(codeText).first()
            checkScreen(phone, shots, look, "form-on-behalf-submitted")

            val desk = Desk.login(portal, "tiepnhan")
            val (status, body) = desk.dossier(code)
            assertEquals(200, status, body)
            assertTrue(body.contains("\"personal_id\":\"001050012345\""), body)
            assertTrue(jsonString(body, "filing_notice_vi").contains("thay cho $father"), body)
            val (accepted, answer) = desk.act(code, "accept")
            assertEquals(200, accepted, answer)
        }
    }
}
