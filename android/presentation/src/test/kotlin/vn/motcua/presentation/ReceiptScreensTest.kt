package vn.motcua.presentation

import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.Timeout
import vn.motcua.jvmtests.Base45
import vn.motcua.jvmtests.Desk
import vn.motcua.jvmtests.Portal

/**
 * The receipt screen and desk mode over the real receipt area: a receipt issued by a real
 * portal when its desk accepts, synced to the citizen's phone, drawn; verified on another
 * phone (the desk's) offline, with the portal stopped after the trust list was downloaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReceiptScreensTest {
    private lateinit var portal: Portal

    @BeforeAll
    fun start() {
        portal = Portal.start()
    }

    @AfterAll
    fun stop() = portal.close()

    private suspend fun citizen(own: Portal): Phone = Phone(own).also {
        it.login()
        it.catalog.refreshCatalog()
    }

    private fun Phone.receipts() = CoreReceipts(core.receipts(), lang, catalog)

    /** A marital-status dossier submitted through the form, accepted at the desk, synced: its code. */
    private suspend fun accepted(phone: Phone, own: Portal): String {
        val form = DraftFormViewModel(CoreDossiers(phone.core.dossier()), phone.texts, phone.scope, procedureCode = "1.004873")
        form.editingState()
        fillMaritalStatus(form, phone.identity)
        form.submit()
        val done = form.editingState("submitted") { it.submit is SubmitUi.Submitted || it.message != null }
        val code = (done.submit as? SubmitUi.Submitted ?: throw AssertionError("not submitted: ${done.message}")).dossierCode
        val (status, body) = Desk.login(own, "tiepnhan").act(code, "accept")
        assertEquals(200, status, body)
        CoreTracking(phone.core.tracking()).sync()
        return code
    }

    /** [text] with one signed byte changed (the payload's last byte, before the 64-byte signature). */
    private fun tampered(text: String): String {
        val bytes = Base45.decode(text.removePrefix("MC1:"))
        val payloadEnd = bytes.size - 66
        bytes[payloadEnd - 1] = (bytes[payloadEnd - 1].toInt() xor 0x01).toByte()
        return "MC1:" + Base45.encode(bytes)
    }

    @Test
    fun `after the desk accepts and a sync, the receipt screen has the QR text, its modules, a PNG and the slip's lines`() = runBlocking<Unit> {
        citizen(portal).use { phone ->
            val form = DraftFormViewModel(CoreDossiers(phone.core.dossier()), phone.texts, phone.scope, procedureCode = "1.004873")
            form.editingState()
            fillMaritalStatus(form, phone.identity)
            form.submit()
            val code = (form.editingState("submitted") { it.submit is SubmitUi.Submitted }.submit as SubmitUi.Submitted).dossierCode

            // Before the desk accepts there is no receipt, and the screen says so plainly.
            val early = ReceiptViewModel(phone.receipts(), code, phone.texts, phone.scope)
            val none = early.state.await("no receipt yet") { it !is ReceiptState.Loading } as ReceiptState.Failed
            assertEquals("receipt_not_issued", none.problem.code)
            assertEquals("Hồ sơ chưa có giấy tiếp nhận (chưa được tiếp nhận, hoặc chưa cập nhật).", none.problem.message)

            val (status, body) = Desk.login(portal, "tiepnhan").act(code, "accept")
            assertEquals(200, status, body)
            CoreTracking(phone.core.tracking()).sync()

            val vm = ReceiptViewModel(phone.receipts(), code, phone.texts, phone.scope)
            val shown = vm.state.await("receipt") { it !is ReceiptState.Loading } as? ReceiptState.Shown
                ?: throw AssertionError("no receipt: ${vm.state.value}")
            val r = shown.receipt
            assertTrue(r.qrText.startsWith("MC1:"), r.qrText)
            // A square matrix of a QR version from 1 to 8 (the design's limit at level M).
            val side = r.qrModules.size
            assertTrue(side in 21..49 && (side - 17) % 4 == 0, "side $side")
            assertTrue(r.qrModules.all { it.size == side })
            assertTrue(r.qrModules.flatten().count { it } > side, "a matrix with dark modules")
            // Finder pattern: the top-left 7x7 corner's first row is dark.
            assertTrue(r.qrModules[0].take(7).all { it })
            assertEquals(listOf(0x89, 0x50, 0x4E, 0x47), r.qrPng.take(4).map { it.toInt() and 0xff }, "a PNG")
            assertTrue(r.qrSvg.contains("<svg"))
            val lines = r.fields.associate { it.label to it.value }
            assertEquals(code, lines["Mã hồ sơ"])
            assertEquals("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân (1.004873)", lines["Thủ tục"])
            assertTrue(lines["Hẹn trả kết quả"]!!.let { it.startsWith("Thứ ") || it.startsWith("Chủ Nhật") }, "$lines")
            assertTrue(lines.getValue("Tiếp nhận lúc").matches(Regex("""\d\d:\d\d, .*""")), "$lines")
        }
    }

    @Test
    fun `the desk verifies offline - valid with the slip's lines, tampered and foreign texts refused in Vietnamese`() = runBlocking<Unit> {
        val own = Portal.start()
        try {
            citizen(own).use { phone ->
                val code = accepted(phone, own)
                val text = phone.receipts().receipt(code).qrText
                val applicant = phone.identity.profile()!!.personalId!!

                Phone(own).use { desk ->
                    // Nobody logs in on the desk's phone: desk mode needs only the trust list.
                    val scan = DeskScanViewModel(desk.receipts(), Lang.VI, desk.texts, desk.scope)
                    val ready = scan.state.await("trust list") { it is DeskScanState.Scanning && !it.refreshing && it.trustList.isNotEmpty() } as DeskScanState.Scanning
                    assertTrue(ready.trustList.startsWith("Danh sách khóa ký số cập nhật lúc "), ready.trustList)
                    own.close()

                    scan.onScanned(text)
                    val valid = scan.state.await("verdict") { it is DeskScanState.Verdict } as DeskScanState.Verdict
                    assertTrue(valid.valid)
                    assertEquals("Giấy tiếp nhận hợp lệ, do cổng dịch vụ công của tỉnh cấp.", valid.headline)
                    assertEquals(code, valid.fields.first { it.label == "Mã hồ sơ" }.value)
                    assertEquals(ready.trustList, valid.trustList)

                    // The applicant check, offline too: the right ID number, then another one.
                    scan.checkApplicant(applicant)
                    val same = scan.state.await("applicant") { it is DeskScanState.Verdict && it.applicant != null } as DeskScanState.Verdict
                    assertEquals("Đúng người đứng tên hồ sơ.", same.applicant)
                    val other = applicant.dropLast(1) + ((applicant.last() - '0' + 1) % 10)
                    scan.checkApplicant(other)
                    val differs = scan.state.await("not the applicant") { it is DeskScanState.Verdict && it.applicant == "Số định danh không khớp với người đứng tên hồ sơ." }
                    assertTrue((differs as DeskScanState.Verdict).valid)

                    scan.scanAgain()
                    val altered = tampered(text)
                    assertNotEquals(text, altered)
                    scan.onScanned(altered)
                    val refused = scan.state.await("tampered") { it is DeskScanState.Verdict } as DeskScanState.Verdict
                    assertFalse(refused.valid)
                    assertEquals("Giấy tiếp nhận đã bị sửa đổi: nội dung không khớp chữ ký. Không chấp nhận.", refused.headline)
                    assertTrue(refused.fields.isEmpty(), "nothing of an altered receipt is shown as fact")

                    scan.scanAgain()
                    scan.onScanned("https://example.com/not-a-receipt")
                    val other2 = scan.state.await("not a receipt") { it is DeskScanState.Verdict } as DeskScanState.Verdict
                    assertEquals("Mã QR này không phải giấy tiếp nhận hồ sơ.", other2.headline)
                }

                // A desk phone that never downloaded the list says so, and what to do.
                Phone(own).use { fresh ->
                    val scan = DeskScanViewModel(fresh.receipts(), Lang.VI, fresh.texts, fresh.scope)
                    val waiting = scan.state.await("no list") { it is DeskScanState.Scanning && !it.refreshing && it.trustList.isNotEmpty() } as DeskScanState.Scanning
                    assertEquals(fresh.texts.noTrustList, waiting.trustList)
                    scan.onScanned(text)
                    val problem = scan.state.await("problem") { it is DeskScanState.Scanning && it.problem != null } as DeskScanState.Scanning
                    assertEquals("receipt_no_trust_list", problem.problem!!.code)
                }
            }
        } finally {
            own.close()
        }
    }
}
