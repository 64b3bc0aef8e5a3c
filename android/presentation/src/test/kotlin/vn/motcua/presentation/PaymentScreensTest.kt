package vn.motcua.presentation

import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.CitizenAction
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.fileTemporaryResidence
import vn.motcua.jvmtests.notifyPayment
import vn.motcua.jvmtests.requestFee

/**
 * The payment screen and the fee's e-receipt over the real payments area and a real
 * portal: a temporary-residence dossier (7.000 đ online) whose fee the desk requested,
 * shown from the phone then refreshed; the intermediary's signed notification pays it, a
 * refresh shows it paid, and the e-receipt opens from the phone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PaymentScreensTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    @Test
    fun `a requested fee - amount, account, reference and VietQR, paid after the notification, the e-receipt opens`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            phone.login()
            phone.catalog.refreshCatalog()
            val code = fileTemporaryResidence(phone.core.dossier())
            requestFee(portal, code)
            val tracking = CoreTracking(phone.core.tracking())
            tracking.sync()
            assertEquals(CitizenAction.PAY_FEE, tracking.dossier(code)!!.primary, "the dossier offers paying")

            val payments = CorePayments(phone.core.payments())
            val vm = PaymentViewModel(payments, code, phone.texts, phone.scope)
            val waiting = vm.state.await("the payment") { it is PaymentState.Shown && !it.refreshing || it is PaymentState.Failed }
                .let { it as? PaymentState.Shown ?: throw AssertionError("no payment: $it") }.payment
            assertEquals("7.000 đ", waiting.amountLabel)
            assertTrue(waiting.headline.startsWith("Cần nộp 7.000 đ"), waiting.headline)
            val reference = waiting.reference ?: throw AssertionError("no reference")
            assertTrue(waiting.qrText!!.isNotEmpty())
            assertTrue(waiting.qrModules!!.let { m -> m.size >= 21 && m.all { it.size == m.size } })
            assertEquals(listOf(0x89, 0x50, 0x4E, 0x47), waiting.qrPng!!.take(4).map { it.toInt() and 0xff }, "a PNG")
            val account = waiting.account!!
            assertEquals("MOTCUADEMO0001", account.account)
            assertTrue(account.bankName.isNotBlank() && account.holder.isNotBlank())
            assertFalse(waiting.hasFeeReceipt)
            assertFalse(waiting.offline)
            assertNull(waiting.offlineNote)

            // Before the bank pays, the e-receipt is not there, said in words.
            val early = FeeReceiptViewModel(payments, code, phone.texts, phone.scope)
            val none = early.state.await("no e-receipt yet") { it !is FeeReceiptState.Loading }
            assertTrue(none is FeeReceiptState.Failed && none.problem.message.isNotBlank(), "$none")

            assertTrue(notifyPayment(portal, "FT-ANDROID-VM-1", 7_000, reference).contains("\"paid\""))
            vm.refresh()
            val paid = vm.state.await("paid") { it is PaymentState.Shown && !it.refreshing && it.payment.hasFeeReceipt }
                .let { (it as PaymentState.Shown).payment }
            assertNull(paid.qrText, "nothing left to scan")
            assertNull(paid.qrModules)
            assertTrue(paid.headline != waiting.headline, paid.headline)

            // A second screen opened afterwards shows what the phone kept at once.
            val kept = PaymentViewModel(payments, code, phone.texts, phone.scope)
            kept.state.await("kept paid") { it is PaymentState.Shown && it.payment.hasFeeReceipt }

            // The dossier screen, once synced, leads to the e-receipt (the core's action).
            val detail = DossierDetailViewModel(tracking, null, code, Lang.VI, phone.texts, phone.scope)
            detail.state.await("the dossier offers its fee e-receipt") {
                it is DossierDetailState.Shown && !it.refreshing && it.hasFeeReceipt && !it.payable
            }

            val receipt = FeeReceiptViewModel(payments, code, phone.texts, phone.scope)
            val shown = receipt.state.await("e-receipt") { it !is FeeReceiptState.Loading }
                .let { it as? FeeReceiptState.Shown ?: throw AssertionError("no e-receipt: $it") }.receipt
            val lines = shown.fields.associate { it.label to it.value }
            assertEquals(code, lines["Mã hồ sơ"])
            assertEquals("7.000 đ", lines["Số tiền"])
            assertEquals(reference, lines["Nội dung chuyển khoản"])
            assertEquals("FT-ANDROID-VM-1", lines["Mã giao dịch"])
            assertTrue(shown.qrText.isNotEmpty() && shown.qrModules.isNotEmpty())
            assertTrue(shown.verdictLine.isNotBlank())
            payments.close()
        }
    }

    @Test
    fun `the offline phone shows what it kept, with the core's note`() = runBlocking<Unit> {
        val own = Portal.start()
        try {
            Phone(own).use { phone ->
                phone.login()
                phone.catalog.refreshCatalog()
                val code = fileTemporaryResidence(phone.core.dossier(), seed = 2)
                requestFee(own, code)
                CoreTracking(phone.core.tracking()).sync()
                own.close()
                val vm = PaymentViewModel(CorePayments(phone.core.payments()), code, phone.texts, phone.scope)
                val shown = vm.state.await("offline payment") { it is PaymentState.Shown && !it.refreshing || it is PaymentState.Failed }
                    .let { it as? PaymentState.Shown ?: throw AssertionError("nothing shown offline: $it") }
                assertTrue(shown.payment.offline)
                assertTrue(shown.payment.offlineNote!!.isNotBlank())
                assertEquals("7.000 đ", shown.payment.amountLabel)
                assertNotNull(shown.payment.qrModules, "the code still scans offline")
            }
        } finally {
            own.close()
        }
    }

    @Test
    fun `without the payments area the screens say the feature is not in this version`() = runBlocking<Unit> {
        Phone(portal).use { phone ->
            val vm = PaymentViewModel(null, "X", phone.texts, phone.scope)
            assertEquals(PaymentState.NotAvailable(phone.texts.notYetAvailable), vm.state.value)
            val receipt = FeeReceiptViewModel(null, "X", phone.texts, phone.scope)
            assertEquals(FeeReceiptState.NotAvailable(phone.texts.notYetAvailable), receipt.state.await { it !is FeeReceiptState.Loading })
        }
    }
}
