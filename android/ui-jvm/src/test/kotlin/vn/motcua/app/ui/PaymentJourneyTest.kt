package vn.motcua.app.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasClickAction
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
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
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.fileTemporaryResidence
import vn.motcua.jvmtests.notifyPayment
import vn.motcua.jvmtests.requestFee
import vn.motcua.presentation.Lang

/**
 * Paying a fee: a temporary-residence dossier (1.004194, 7.000 đ online) whose fee the
 * desk requested; from home, the dossier, "Nộp lệ phí": the payment screen with the
 * amount, the account and the reference (copied), the VietQR code (saved as an image for a
 * banking app on the phone); the payment intermediary's signed notification pays it,
 * "Cập nhật" shows it paid, and the fee's e-receipt opens and is shared. Over the real core
 * and a real portal; every screen on the way checked at every font scale.
 */
@OptIn(ExperimentalTestApi::class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PaymentJourneyTest {
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
    fun `pay the fee the desk requested, see it paid, open its e-receipt`(look: Look) = TestPhone(portal, look.lang).use { phone ->
        onScreen(phone, look) {
            val shots = Screenshots("payment", look)
            logIn(phone, look, skip = look.citizen)
            // The dossier is filed through the core (the form's journey is CitizenJourneyTest's).
            val code = runBlocking {
                phone.graph.own.catalog.refreshCatalog()
                phone.graph.core.dossier().use { fileTemporaryResidence(it, seed = 7L + look.citizen) }
            }
            requestFee(portal, code)
            val expected = runBlocking {
                phone.graph.core.tracking().use { it.sync() }
                phone.graph.core.payments().use { it.payment(code) }
            }
            val amount = expected.amountLabel!!
            if (look.lang == Lang.VI) assertEquals("7.000 đ", amount)
            val reference = expected.reference!!
            val account = expected.beneficiary!!.account

            click(look.text(R.string.action_refresh))
            click(code)
            click(look.text(R.string.dossier_pay_fee))
            val qr = look.text(R.string.payment_qr_description, amount, code)
            waitFor("the VietQR code", hasLabel(qr))
            waitFor("the amount", hasLabel(look.text(R.string.payment_amount) + ": " + amount))
            waitFor("the reference", hasLabel(look.text(R.string.payment_reference) + ": " + reference))
            waitFor("the account", hasLabel(look.text(R.string.payment_account) + ": " + account))
            waitFor("the core's headline", hasLabel(expected.headline))
            checkScreen(phone, shots, look, "payment-due")

            // Each line to type into a banking app has its own copy button, named for TalkBack.
            for (label in listOf(R.string.payment_amount, R.string.payment_bank, R.string.payment_account, R.string.payment_holder, R.string.payment_reference)) {
                click(look.text(R.string.payment_copy_description, look.text(label).replaceFirstChar { it.lowercase() }))
            }
            assertEquals(
                listOf(expected.amountVnd.toString(), expected.beneficiary!!.bankName, account, expected.beneficiary!!.accountName, reference),
                phone.device.copied.map { it.second },
            )
            waitFor("the copy said back", hasLabel(look.text(R.string.payment_copied, look.text(R.string.payment_reference))))
            click(look.text(R.string.payment_save_qr))
            waitFor("the image saved", hasLabel(look.text(R.string.payment_saved)))
            val (name, png) = phone.device.savedImages.single()
            assertEquals("vietqr-$code.png", name)
            assertTrue(png.contentEquals(expected.qr!!.png), "the core's PNG")
            checkScreen(phone, shots, look, "payment-saved")

            // The bank's transfer, as the intermediary notifies it; the screen learns by asking.
            assertTrue(notifyPayment(portal, "FT-UI-${look.lang.tag}", 7_000, reference).contains("\"paid\""))
            click(look.text(R.string.action_refresh))
            waitFor("paid: the e-receipt offered", hasClickAction() and hasLabel(look.text(R.string.payment_open_fee_receipt)))
            assertFalse(shows(hasLabel(qr)), "nothing left to scan")
            checkScreen(phone, shots, look, "payment-paid")

            click(look.text(R.string.payment_open_fee_receipt))
            waitFor("the e-receipt's code", hasLabel(look.text(R.string.fee_receipt_qr_description, code)))
            waitFor("the e-receipt's amount", hasLabel(amount))
            assertTrue(phone.device.screenBright, "shown at full brightness")
            checkScreen(phone, shots, look, "fee-receipt")
            click(look.text(R.string.fee_receipt_share))
            val shared = phone.device.shared.last()
            assertEquals(code, shared.subject)
            assertTrue(shared.text.contains(reference) && shared.png != null, shared.text)

            // Back on the dossier, synced: nothing left to pay, its e-receipt one tap away.
            click(look.text(R.string.action_back))
            click(look.text(R.string.action_back))
            waitFor("the dossier leads to the e-receipt", hasClickAction() and hasLabel(look.text(R.string.dossier_show_fee_receipt)))
            assertFalse(shows(hasLabel(look.text(R.string.dossier_pay_fee))), "the fee is paid")
            click(look.text(R.string.dossier_show_fee_receipt))
            waitFor("the e-receipt again", hasLabel(look.text(R.string.fee_receipt_qr_description, code)))
        }
    }
}
