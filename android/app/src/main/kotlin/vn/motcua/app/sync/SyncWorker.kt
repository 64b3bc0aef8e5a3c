package vn.motcua.app.sync

import android.Manifest
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import androidx.core.content.ContextCompat
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import java.util.concurrent.TimeUnit
import vn.motcua.app.MainActivity
import vn.motcua.app.MotCuaApplication
import vn.motcua.app.R
import vn.motcua.presentation.ProblemException
import vn.motcua.Notice
import vn.motcua.presentation.Delivery
import vn.motcua.presentation.toProblem

/**
 * Background sync, when there is a network: sends what waits in the outbox (dossiers
 * submitted offline), then fetches status changes and posts one notification per dossier
 * that changed. The portal's sync cursor makes a repeated run cheap and never notifies the
 * same change twice.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as MotCuaApplication
        val graph = app.graph.await()
        return try {
            val delivered = graph.dossiers.runOutbox(force = false)
                .mapNotNull { (_, outcome) -> (outcome as? Delivery.Delivered)?.dossierCode }
            notify(graph.tracking.syncNotices(delivered))
            Result.success()
        } catch (e: Exception) {
            val problem = e.toProblem(graph.texts)
            when {
                // Logged out: nothing to sync until the person logs in again.
                problem.loggedOut -> Result.success()
                problem.offline -> Result.retry()
                e is ProblemException -> Result.failure()
                else -> Result.retry()
            }
        }
    }

    /** Posts the core's notices as they are: one per dossier, replacing the previous one. */
    private fun notify(notices: List<Notice>) {
        if (Build.VERSION.SDK_INT >= 33 &&
            ContextCompat.checkSelfPermission(applicationContext, Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) return
        val manager = NotificationManagerCompat.from(applicationContext)
        for (notice in notices) {
            val open = PendingIntent.getActivity(
                applicationContext,
                notice.dossierCode.hashCode(),
                Intent(applicationContext, MainActivity::class.java)
                    .setAction(MainActivity.ACTION_OPEN_DOSSIER)
                    .putExtra(MainActivity.EXTRA_DOSSIER_CODE, notice.dossierCode),
                PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
            )
            val notification = NotificationCompat.Builder(applicationContext, CHANNEL_ID)
                .setSmallIcon(R.drawable.logo_province)
                .setContentTitle(notice.title)
                .setContentText(notice.body)
                .setStyle(NotificationCompat.BigTextStyle().bigText(notice.body))
                .setContentIntent(open)
                .setAutoCancel(true)
                .build()
            try {
                manager.notify(notice.dossierCode.hashCode(), notification)
            } catch (_: SecurityException) {
                // Permission withdrawn meanwhile: the home screen shows the change anyway.
            }
        }
    }

    companion object {
        const val CHANNEL_ID = "dossier-status"
        private const val WORK_NAME = "motcua-sync"

        /** Every 30 minutes with a network (WorkManager's floor is 15). */
        fun schedule(context: Context) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(30, TimeUnit.MINUTES)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 1, TimeUnit.MINUTES)
                .build()
            WorkManager.getInstance(context)
                .enqueueUniquePeriodicWork(WORK_NAME, ExistingPeriodicWorkPolicy.KEEP, request)
        }
    }
}
