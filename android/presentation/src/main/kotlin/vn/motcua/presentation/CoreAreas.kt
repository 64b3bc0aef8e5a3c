package vn.motcua.presentation

import vn.motcua.CatalogInterface
import vn.motcua.IdentityInterface
import vn.motcua.MotCua

/**
 * The areas of one open core, as the screens use them: the phone owner's own profile, or
 * an assisted session's isolated profile while a volunteer helps someone. Every screen that
 * works on "the citizen's" data (login, home, search, procedure, form, dossier, receipt)
 * takes a [CoreAreas] instead of reaching for a global: the app passes the session's while a
 * session is open and the owner's otherwise, and the same screens serve both.
 */
class CoreAreas(
    /** Which profile: [OWN], or `assist/<session id>`; prefixes the keys of state holders. */
    val key: String,
    val identity: IdentityInterface,
    val catalog: CatalogInterface,
    val dossiers: DossierPort,
    val tracking: TrackingPort,
    val actions: CitizenActionsPort,
    /** The receipt area of this core; null: the receipt screens say the feature is not in this build. */
    val receipts: ReceiptPort?,
    /** The payments area of this core; null: the payment screens say the feature is not in this build. */
    val payments: PaymentPort? = null,
    private val release: () -> Unit = {},
) : AutoCloseable {
    /** These are an assisted session's areas, not the phone owner's. */
    val assisted: Boolean get() = key != OWN

    /** Releases the Kotlin handles on the core's objects (the core itself is closed by its owner). */
    override fun close() = release()

    companion object {
        /** The phone owner's own profile. */
        const val OWN = "own"

        /**
         * The areas of [core]; [receipts] makes its receipt port from the core and the areas'
         * own catalog (closed with the areas when it is [AutoCloseable]), [payments] its
         * payment port likewise. [ownsCore]: closing
         * the areas closes [core] too (a session's core handle, which nothing else holds).
         */
        fun of(
            core: MotCua,
            key: String = OWN,
            receipts: (MotCua, CatalogInterface) -> ReceiptPort? = { _, _ -> null },
            payments: (MotCua) -> PaymentPort? = { null },
            ownsCore: Boolean = false,
        ): CoreAreas {
            val identity = core.identity()
            val catalog = core.catalog()
            val dossier = core.dossier()
            val tracking = core.tracking()
            val dossiers = CoreDossiers(dossier)
            val receiptPort = receipts(core, catalog)
            val paymentPort = payments(core)
            return CoreAreas(
                key = key,
                identity = identity,
                catalog = catalog,
                dossiers = dossiers,
                tracking = CoreTracking(tracking),
                actions = dossiers,
                receipts = receiptPort,
                payments = paymentPort,
                release = {
                    identity.close()
                    catalog.close()
                    dossier.close()
                    tracking.close()
                    (receiptPort as? AutoCloseable)?.close()
                    (paymentPort as? AutoCloseable)?.close()
                    if (ownsCore) core.close()
                },
            )
        }
    }
}
