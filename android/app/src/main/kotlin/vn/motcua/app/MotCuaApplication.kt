package vn.motcua.app

import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import androidx.work.Configuration
import java.io.File
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import vn.motcua.AppConfig
import vn.motcua.CatalogInterface
import vn.motcua.MotCua
import vn.motcua.app.sync.SyncWorker
import vn.motcua.presentation.Branding
import vn.motcua.presentation.AssistPort
import vn.motcua.presentation.AssistViewModel
import vn.motcua.presentation.CoreAreas
import vn.motcua.presentation.CoreAssist
import vn.motcua.presentation.CoreReceipts
import vn.motcua.presentation.ReceiptPort
import vn.motcua.presentation.DossierPort
import vn.motcua.presentation.Lang
import vn.motcua.presentation.TrackingPort
import vn.motcua.presentation.SettingsFile
import vn.motcua.presentation.Texts

/**
 * Everything the screens need, over one open core: the phone owner's own areas, and the
 * assisted session, which lives as long as the process (not a screen), since a session
 * belongs to its process (docs/decisions/0003: the core erases it at the next start).
 */
class AppGraph(val core: MotCua, val lang: Lang, scope: CoroutineScope) {
    val texts = Texts(lang)

    /** The owner's profile, receipts included (the desk verifies with its trust list). */
    val own: CoreAreas = CoreAreas.of(core, receipts = ::receiptsOf)

    /** The volunteer's assisted sessions (the core's assist area); a session's receipts are its own. */
    val assist: AssistPort? = CoreAssist(core.assist(), lang, ::receiptsOf)

    private fun receiptsOf(core: MotCua, catalog: CatalogInterface): ReceiptPort = CoreReceipts(core.receipts(), lang, catalog)

    /** The assisted session's state, held for the whole process. */
    val assistHolder: AssistViewModel? = assist?.let { AssistViewModel(it, lang, texts, scope) }

    /** For the background job: always the owner's own dossiers, never an assisted person's. */
    val dossiers: DossierPort get() = own.dossiers
    val tracking: TrackingPort get() = own.tracking
}

/**
 * Opens the core once, off the main thread (loading the native library through JNA costs
 * hundreds of milliseconds on a cheap phone), and schedules the background sync.
 */
class MotCuaApplication : Application(), Configuration.Provider {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)

    lateinit var branding: Branding
        private set
    lateinit var settings: SettingsFile
        private set

    /** The core, being opened or open. */
    @Volatile
    var graph: Deferred<AppGraph> = CompletableDeferred()
        private set

    override val workManagerConfiguration: Configuration
        get() = Configuration.Builder().setMinimumLoggingLevel(android.util.Log.WARN).build()

    override fun onCreate() {
        super.onCreate()
        branding = assets.open("branding.properties").reader(Charsets.UTF_8).use { Branding.read(it) }
        settings = SettingsFile(File(filesDir, "settings.properties"))
        graph = open(settings.load().lang)
        createNotificationChannel()
        SyncWorker.schedule(this)
    }

    /** Reopens the core in another language (its error messages are localised by it). */
    fun reopen(lang: Lang) {
        val previous = graph
        graph = scope.async {
            if (previous.isCompleted) runCatching {
                val old = previous.await()
                old.own.close()
                old.core.close()
            }
            openNow(lang)
        }
    }

    private fun open(lang: Lang): Deferred<AppGraph> = scope.async { openNow(lang) }

    private fun openNow(lang: Lang): AppGraph {
        val config = AppConfig(
            dataDir = File(filesDir, "motcua").path,
            portalUrl = branding.portalUrl,
            issuer = branding.issuer,
            clientId = branding.clientId,
            redirectUri = branding.redirectUri,
            language = lang.tag,
            receiptRootKey = branding.receiptRootKey,
        )
        return AppGraph(MotCua.open(config, KeystorePlatform(this)), lang, scope)
    }

    private fun createNotificationChannel() {
        val manager = getSystemService(NotificationManager::class.java)
        manager.createNotificationChannel(
            NotificationChannel(
                SyncWorker.CHANNEL_ID,
                getString(R.string.notification_channel_status),
                NotificationManager.IMPORTANCE_DEFAULT,
            ).apply { description = getString(R.string.notification_channel_status_description) },
        )
    }
}
