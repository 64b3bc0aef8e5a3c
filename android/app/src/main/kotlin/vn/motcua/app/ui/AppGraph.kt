package vn.motcua.app.ui

import kotlinx.coroutines.CoroutineScope
import vn.motcua.CatalogInterface
import vn.motcua.MotCua
import vn.motcua.presentation.AssistPort
import vn.motcua.presentation.AssistViewModel
import vn.motcua.presentation.CoreAreas
import vn.motcua.presentation.CoreAssist
import vn.motcua.presentation.CorePayments
import vn.motcua.presentation.CoreReceipts
import vn.motcua.presentation.DossierPort
import vn.motcua.presentation.Lang
import vn.motcua.presentation.PaymentPort
import vn.motcua.presentation.ReceiptPort
import vn.motcua.presentation.Texts
import vn.motcua.presentation.TrackingPort

/**
 * Everything the screens need, over one open core: the phone owner's own areas, and the
 * assisted session, which lives as long as the process (not a screen), since a session
 * belongs to its process (docs/decisions/0003: the core erases it at the next start).
 */
class AppGraph(val core: MotCua, val lang: Lang, scope: CoroutineScope) {
    val texts = Texts(lang)

    /** The owner's profile, receipts and payments included (the desk verifies with its trust list). */
    val own: CoreAreas = CoreAreas.of(core, receipts = ::receiptsOf, payments = ::paymentsOf)

    /** The volunteer's assisted sessions (the core's assist area); a session's receipts are its own. */
    val assist: AssistPort? = CoreAssist(core.assist(), lang, payments = ::paymentsOf, receipts = ::receiptsOf)

    private fun receiptsOf(core: MotCua, catalog: CatalogInterface): ReceiptPort = CoreReceipts(core.receipts(), lang, catalog)

    private fun paymentsOf(core: MotCua): PaymentPort = CorePayments(core.payments())

    /** The assisted session's state, held for the whole process. */
    val assistHolder: AssistViewModel? = assist?.let { AssistViewModel(it, lang, texts, scope) }

    /** For the background job: always the owner's own dossiers, never an assisted person's. */
    val dossiers: DossierPort get() = own.dossiers
    val tracking: TrackingPort get() = own.tracking
}
