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
    data class NotAvailable(val message: String) : DeskScanState

    /**
     * The camera is ready. [trustList] says how current the province's list of signing keys
     * on this phone is (or that there is none yet); [problem] what went wrong last.
     */
    data class Scanning(
        val trustList: String,
        val refreshing: Boolean = false,
        val problem: Problem? = null,
    ) : DeskScanState

    /** The verdict, in words, with the receipt's lines when valid. */
    data class Verdict(
        val valid: Boolean,
        val headline: String,
        val fields: List<ReceiptField>,
        val trustList: String,
        /** The answer of the applicant check, once asked. */
        val applicant: String? = null,
        val checking: Boolean = false,
        val problem: Problem? = null,
    ) : DeskScanState
}

/**
 * Desk mode: a receipt's QR code scanned with the camera and verified offline by the core
 * against the province's trust list (refreshed when the screen opens, if there is a
 * network); one of six verdicts, never a bare yes/no; then, if asked, whether the ID number
 * typed from the person's card is the applicant's.
 */
class DeskScanViewModel(
    private val receipts: ReceiptPort?,
    lang: Lang,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<DeskScanState>(
    if (receipts == null) DeskScanState.NotAvailable(texts.notYetAvailable) else DeskScanState.Scanning(""), scope, io,
) {
    private val format = Format(lang)

    /** The text of the receipt last scanned (for the applicant check). */
    @Volatile
    private var scanned: String? = null

    init {
        if (receipts != null) refreshTrustList()
    }

    /** Downloads the trust list; offline, the one on the phone is used and the screen says how old it is. */
    fun refreshTrustList() {
        val port = receipts ?: return
        update { if (it is DeskScanState.Scanning) it.copy(refreshing = true, trustList = trustListNote(port)) else it }
        scope.launch {
            val problem = try {
                port.refreshTrustList()
                null
            } catch (e: Exception) {
                e.toProblem(texts)
            }
            val note = withContext(io) { trustListNote(port) }
            update {
                when (it) {
                    is DeskScanState.Scanning -> it.copy(refreshing = false, trustList = note, problem = problem?.takeUnless { p -> p.offline })
                    is DeskScanState.Verdict -> it.copy(trustList = note)
                    else -> it
                }
            }
        }
    }

    /** The camera read [text]. */
    fun onScanned(text: String) {
        val port = receipts ?: return
        scanned = text
        scope.launch {
            val next = try {
                withContext(io) {
                    val scan = port.verifyReceipt(text)
                    describe(scan, texts.trustListFetched(format.dateTime(scan.trustListFetchedAt)))
                }
            } catch (e: Exception) {
                DeskScanState.Scanning(withContext(io) { trustListNote(port) }, problem = e.toProblem(texts))
            }
            update { next }
        }
    }

    /** "Kiểm tra người nộp": [idNumber] typed from the person's ID card. */
    fun checkApplicant(idNumber: String) {
        val port = receipts ?: return
        val text = scanned ?: return
        val shown = state.value as? DeskScanState.Verdict ?: return
        if (!shown.valid || shown.checking) return
        update { shown.copy(checking = true, applicant = null, problem = null) }
        scope.launch {
            val next = try {
                val answer = when (port.checkApplicant(text, idNumber.trim())) {
                    ApplicantMatch.MATCHES -> texts.applicantMatches
                    ApplicantMatch.DOES_NOT_MATCH -> texts.applicantDiffers
                    ApplicantMatch.NO_DIGEST -> texts.applicantUnknown
                }
                shown.copy(checking = false, applicant = answer)
            } catch (e: Exception) {
                shown.copy(checking = false, problem = e.toProblem(texts))
            }
            update { next }
        }
    }

    /** Scan the next receipt. */
    fun scanAgain() {
        val port = receipts ?: return
        scanned = null
        update { DeskScanState.Scanning(trustListNote(port)) }
    }

    private fun trustListNote(port: ReceiptPort): String = try {
        port.trustListFetchedAt()?.let { texts.trustListFetched(format.dateTime(it)) } ?: texts.noTrustList
    } catch (e: Exception) {
        e.toProblem(texts).message
    }

    /** The verdict in the core's words; only a valid one carries the receipt's lines. */
    private fun describe(scan: Scan, trustList: String): DeskScanState.Verdict {
        val v = scan.verification
        return DeskScanState.Verdict(v is Verification.Valid, scan.message, (v as? Verification.Valid)?.fields.orEmpty(), trustList)
    }
}
