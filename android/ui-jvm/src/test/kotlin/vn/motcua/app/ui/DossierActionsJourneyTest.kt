package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasText
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import vn.motcua.DossierStatus
import vn.motcua.app.R
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal
import vn.motcua.presentation.Lang

/**
 * After filing: the desk asks for a paper, the person answers it from the dossier's screen
 * (a note typed, a photo), processing resumes; then the person withdraws the dossier
 * behind its confirmation. By clicks and typing over the real core and a real portal (the
 * officers act through its desk API); every screen on the way checked at every font scale.
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DossierActionsJourneyTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    fun looks() = Look.JOURNEYS

    private var receiptText = ""
    private var personalId = ""

    @ParameterizedTest(name = "{0}")
    @MethodSource("looks")
    fun `answer the desk's request for a paper, then withdraw`(look: Look) = TestPhone(portal, look.lang).use { phone ->
        onScreen(phone, look) {
            val shots = Screenshots("supplement-and-withdrawal", look)
            logIn(phone, look, skip = look.citizen)
            val code = fileMaritalStatus(phone, look)
            assertEquals(200, Desk.login(portal, "tiepnhan").act(code, "accept").first)
            // The receipt the person will show at the desk (below): the core's QR text.
            receiptText = phone.graph.core.tracking().use { kotlinx.coroutines.runBlocking { it.sync() } }.let {
                phone.graph.core.receipts().use { it.receipt(code).qrText }
            }
            personalId = phone.profile()!!.personalId!!
            assertEquals(200, Desk.login(portal, "chuyenvien").act(code, "start_processing").first)
            val asked = "Bản sao giấy chứng nhận ly hôn"
            assertEquals(200, Desk.login(portal, "chuyenvien").act(code, "request_supplement", missing = listOf(asked)).first)

            click(code)
            waitFor("what the desk asked for", hasText("• $asked"))
            click(look.text(R.string.dossier_send_answer))
            waitFor("the answer's form with the request", hasText(look.text(R.string.draft_supplement_hint)))
            checkScreen(phone, shots, look, "supplement-form")
            typeInOnlyField(if (look.lang == Lang.VI) "Gửi bổ sung bản sao giấy ly hôn" else "Sending the divorce certificate copy")
            phone.device.photoToTake = PickedFile("ly-hon.png", vn.motcua.jvmtests.samplePng())
            click(look.text(R.string.file_camera))
            waitFor("the photo attached", hasLabel("ly-hon.png"))
            click(look.text(R.string.draft_submit))
            waitFor("the answer sent", hasLabel(if (look.lang == Lang.VI) "Đã gửi bổ sung hồ sơ $code" else "Documents sent for dossier $code"))
            checkScreen(phone, shots, look, "supplement-sent")
            waitUntilTrue("processing again on the portal") {
                phone.graph.core.tracking().use { kotlinx.coroutines.runBlocking { it.sync() }; it.dossier(code)?.status } == DossierStatus.PROCESSING
            }

            click(look.text(R.string.action_home))
            click(code)
            click(look.text(R.string.dossier_withdraw))
            waitFor("the confirmation", hasText(look.text(R.string.dossier_withdraw_confirm_text)))
            checkScreen(phone, shots, look, "withdraw-confirm")
            // The dialog's button, not the screen's under it (same words).
            clickIn(look.text(R.string.dossier_withdraw), within = look.text(R.string.dossier_withdraw_confirm_text))
            waitUntilTrue("the withdrawal asked of the portal") {
                phone.graph.core.tracking().use { it.dossier(code)?.status } == DossierStatus.WITHDRAWAL_REQUESTED
            }
            waitUntilTrue("no second withdrawal offered") { !shows(hasClickAction() and hasLabel(look.text(R.string.dossier_withdraw))) }
            checkScreen(phone, shots, look, "withdrawal-requested")
            assertFalse(shows(hasClickAction() and hasLabel(look.text(R.string.dossier_send_answer))))
        }
        deskChecksReceipt(look)
    }

    /**
     * A second phone, nobody logged in: settings (text size, the language both ways), then
     * desk mode checks the person's receipt: trust list fetched, QR scanned, valid, the
     * applicant's ID number typed and matched; a tampered text refused.
     */
    private fun deskChecksReceipt(look: Look) = TestPhone(portal, look.lang).use { desk ->
        onScreen(desk, look) {
            val shots = Screenshots("settings-and-desk", look)
            click(look.text(R.string.settings_title))
            waitFor("the text sizes", hasClickAction() and hasLabel("200%"))
            checkScreen(desk, shots, look, "settings")
            click("200%")
            waitUntilTrue("text at 200% kept") { desk.settings.state.value.textScale == 2.0f }
            click("100%")
            waitUntilTrue("text at 100% kept") { desk.settings.state.value.textScale == 1.0f }
            val other = if (look.lang == Lang.VI) Look(Lang.EN, look.fontScale) else Look(Lang.VI, look.fontScale)
            click(if (other.lang == Lang.EN) "English" else "Tiếng Việt")
            waitFor("the app in the other language", hasClickAction() and hasLabel(other.text(R.string.login_button)))
            assertEquals(other.lang, desk.graph.lang)
            click(other.text(R.string.settings_title))
            click(if (look.lang == Lang.EN) "English" else "Tiếng Việt")
            waitFor("the app back in its language", hasClickAction() and hasLabel(look.text(R.string.login_button)))
            assertEquals(look.lang, desk.settings.state.value.lang)

            click(look.text(R.string.settings_title))
            click(look.text(R.string.settings_desk_open))
            waitFor("desk mode", hasClickAction() and hasLabel(look.text(R.string.desk_trust_list_refresh)))
            checkScreen(desk, shots, look, "desk")
            click(look.text(R.string.desk_trust_list_refresh))
            waitUntilTrue("the trust list fetched") { desk.graph.core.receipts().use { it.trustList() } != null }
            desk.device.qrToScan = receiptText
            click(look.text(R.string.desk_scan))
            waitFor("the receipt valid", androidx.compose.ui.test.SemanticsMatcher("a valid verdict") { it.label().startsWith("✓ ") })
            checkScreen(desk, shots, look, "desk-valid")
            type(look.text(R.string.desk_applicant_id), personalId)
            click(look.text(R.string.desk_applicant_check))
            waitFor("the applicant matched", hasText(if (look.lang == Lang.VI) "Đúng người đứng tên hồ sơ." else "This is the applicant."))
            checkScreen(desk, shots, look, "desk-applicant")

            // One signed character changed: refused, in words.
            val i = receiptText.length - 3
            desk.device.qrToScan = receiptText.substring(0, i) + (if (receiptText[i] == 'A') 'B' else 'A') + receiptText.substring(i + 1)
            click(look.text(R.string.desk_scan_next))
            waitFor("the tampered receipt refused", androidx.compose.ui.test.SemanticsMatcher("a refusal") { it.label().startsWith("✗ ") })
            checkScreen(desk, shots, look, "desk-refused")
        }
    }
}
