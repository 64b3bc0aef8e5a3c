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
import vn.motcua.LogLevel
import vn.motcua.LogRecord
import vn.motcua.LogSink
import vn.motcua.MotCua
import vn.motcua.setLogSink
import vn.motcua.app.sync.SyncWorker
import vn.motcua.app.ui.AppGraph
import vn.motcua.presentation.Branding
import vn.motcua.presentation.Lang
import vn.motcua.presentation.SettingsFile

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
        // The core's logs in logcat in debug builds only; release builds compile them out
        // and install no sink.
        if (BuildConfig.DEBUG) {
            setLogSink(object : LogSink {
                override fun log(record: LogRecord) {
                    android.util.Log.println(
                        when (record.level) {
                            LogLevel.WARN -> android.util.Log.WARN
                            LogLevel.INFO -> android.util.Log.INFO
                            LogLevel.DEBUG -> android.util.Log.DEBUG
                        },
                        "MotCua",
                        "${record.target}: ${record.message}",
                    )
                }
            }, LogLevel.INFO)
        }
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
