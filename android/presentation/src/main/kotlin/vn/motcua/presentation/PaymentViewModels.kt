package vn.motcua.presentation

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch

/** A dossier's payment screen. */
sealed interface PaymentState {
    data object Loading : PaymentState

    /** The app is built without the payments area: said plainly, nothing invented. */
    data class NotAvailable(val message: String) : PaymentState

    /**
     * The payment as the core decided it. [refreshing]: the portal is being asked (what is
     * shown is what the phone has); [problem]: the last refresh failed (what is shown is
     * still the phone's).
     */
    data class Shown(
        val payment: PaymentView,
        val refreshing: Boolean = false,
        val problem: Problem? = null,
    ) : PaymentState

    /** Nothing on the phone and the portal could not tell. */
    data class Failed(val problem: Problem) : PaymentState
}

/**
 * The fee of a dossier: what the phone kept shows at once (offline too), then the portal is
 * asked; [refresh] asks again (after paying in a banking app: the screen goes from waiting to
 * paid as the core reports it). Nothing here looks at where the fee stands: the screen
 * shows the core's headline, detail and what it gave (QR code, account, e-receipt).
 */
class PaymentViewModel(
    private val payments: PaymentPort?,
    private val dossierCode: String,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<PaymentState>(
    if (payments == null) PaymentState.NotAvailable(texts.notYetAvailable) else PaymentState.Loading, scope, io,
) {
    init {
        if (payments != null) {
            scope.launch {
                // What the phone kept, if anything (none before the first fetch: then the
                // refresh below says what there is).
                val kept = runCatching { payments.payment(dossierCode) }.getOrNull()
                if (kept != null) update { PaymentState.Shown(kept, refreshing = true) }
                ask(payments)
            }
        }
    }

    /** Asks the portal again ("Cập nhật"). */
    fun refresh() {
        val port = payments ?: return
        update { if (it is PaymentState.Shown) it.copy(refreshing = true, problem = null) else it }
        scope.launch { ask(port) }
    }

    private suspend fun ask(port: PaymentPort) {
        val fresh = try {
            port.refresh(dossierCode)
        } catch (e: Exception) {
            val failure = e.toProblem(texts)
            update { current ->
                if (current is PaymentState.Shown) current.copy(refreshing = false, problem = failure) else PaymentState.Failed(failure)
            }
            return
        }
        update { PaymentState.Shown(fresh) }
    }
}

/** The fee's e-receipt screen. */
sealed interface FeeReceiptState {
    data object Loading : FeeReceiptState
    data class NotAvailable(val message: String) : FeeReceiptState
    data class Shown(val receipt: FeeReceiptShown) : FeeReceiptState
    data class Failed(val problem: Problem) : FeeReceiptState
}

/**
 * The fee's e-receipt of a paid dossier, from the phone (no network): its QR code, its
 * lines and the verdict of the trust list on the phone, in the core's words; shared as an
 * image with its lines.
 */
class FeeReceiptViewModel(
    private val payments: PaymentPort?,
    private val dossierCode: String,
    private val texts: Texts,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : StateHolder<FeeReceiptState>(FeeReceiptState.Loading, scope, io) {
    init {
        scope.launch {
            val next = if (payments == null) {
                FeeReceiptState.NotAvailable(texts.notYetAvailable)
            } else try {
                FeeReceiptState.Shown(payments.feeReceipt(dossierCode))
            } catch (e: Exception) {
                FeeReceiptState.Failed(e.toProblem(texts))
            }
            update { next }
        }
    }
}
