package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** The receipt shown full screen at the desk. */
sealed interface ReceiptState {
    data object Loading : ReceiptState
    /** The app link is built without the receipt area: said plainly, nothing invented. */
    data class NotAvailable(val message: String) : ReceiptState
    data class Shown(val receipt: ReceiptView) : ReceiptState
    data class Failed(val problem: Problem) : ReceiptState
}

/**
 * The receipt slip of a dossier: its QR code (from the core, drawn module by module) and
 * its lines. The app shows it at maximum brightness and offers share and print.
 */
class ReceiptViewModel(
    private val receipts: ReceiptPort?,
    private val dossierCode: String,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<ReceiptState>(ReceiptState.Loading, scope, io) {
    init {
        scope.launch {
            val next = if (receipts == null) {
                ReceiptState.NotAvailable(texts.notYetAvailable)
            } else try {
                ReceiptState.Shown(receipts.receipt(dossierCode))
            } catch (e: Exception) {
                ReceiptState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }
}

/** The desk's scan screen. */
sealed interface DeskScanState {
    /** The camera is on, waiting for a code. */
    data object Scanning : DeskScanState
    data class NotAvailable(val message: String) : DeskScanState
    /** The verdict, in words, with the receipt's lines when valid. */
    data class Verdict(val valid: Boolean, val headline: String, val fields: List<ReceiptField>) : DeskScanState
}

/**
 * Desk mode: a receipt's QR code scanned with the camera and verified offline by the core
 * against the province's trust list; one of six verdicts, never a bare yes/no.
 */
class DeskScanViewModel(
    private val receipts: ReceiptPort?,
    private val lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<DeskScanState>(
    if (receipts == null) DeskScanState.NotAvailable(texts.notYetAvailable) else DeskScanState.Scanning, scope, io,
) {
    /** The camera read [text]. */
    fun onScanned(text: String) {
        val port = receipts ?: return
        scope.launch {
            val verdict = withContext(io) { port.verifyReceipt(text) }
            update { describe(verdict) }
        }
    }

    /** Scan the next receipt. */
    fun scanAgain() {
        if (receipts != null) update { DeskScanState.Scanning }
    }

    private fun describe(v: Verification): DeskScanState.Verdict {
        val vi = lang == Lang.VI
        fun say(viText: String, en: String) = if (vi) viText else en
        return when (v) {
            is Verification.Valid -> DeskScanState.Verdict(true, say("Giấy tiếp nhận hợp lệ", "Valid receipt"), v.fields)
            Verification.Tampered -> DeskScanState.Verdict(false, say("Giấy tiếp nhận đã bị sửa: không hợp lệ", "The receipt was altered: not valid"), emptyList())
            Verification.UnknownKey -> DeskScanState.Verdict(false, say("Không nhận ra cơ quan ký: hãy cập nhật danh sách tin cậy", "Unknown signing key: update the trust list"), emptyList())
            Verification.KeyRevoked -> DeskScanState.Verdict(false, say("Khóa ký đã bị thu hồi: không hợp lệ", "The signing key was revoked: not valid"), emptyList())
            Verification.Expired -> DeskScanState.Verdict(false, say("Giấy tiếp nhận đã hết hạn", "The receipt has expired"), emptyList())
            Verification.Malformed -> DeskScanState.Verdict(false, say("Mã QR này không phải giấy tiếp nhận", "This QR code is not a receipt"), emptyList())
        }
    }
}
