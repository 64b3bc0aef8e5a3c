package vn.motcua.app

import android.app.KeyguardManager
import android.content.Context
import android.content.Intent
import android.content.res.Configuration
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_WEAK
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.lifecycleScope
import java.util.Locale
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.receiveAsFlow
import vn.motcua.app.ui.AppNavigation
import vn.motcua.app.ui.ErrorText
import vn.motcua.app.ui.MotCuaTheme
import vn.motcua.app.ui.PrimaryButton
import vn.motcua.app.ui.Screen
import vn.motcua.app.ui.Waiting
import vn.motcua.presentation.Lang
import vn.motcua.presentation.SettingsViewModel

/**
 * The single activity. It receives the login redirect (custom scheme or app link) and
 * notification taps, applies the chosen language and text size, and asks for the phone's
 * screen lock when the app lock is on.
 */
class MainActivity : FragmentActivity() {
    private val redirects = Channel<String>(Channel.BUFFERED)
    private val dossiersToOpen = Channel<String>(Channel.BUFFERED)
    private var unlocked by mutableStateOf(false)

    override fun attachBaseContext(base: Context) {
        // Vietnamese unless the person chose English, whatever the phone's language.
        val app = base.applicationContext as? MotCuaApplication
        val lang = app?.settings?.load()?.lang ?: Lang.VI
        val config = Configuration(base.resources.configuration).apply { setLocale(Locale(lang.tag)) }
        super.attachBaseContext(base.createConfigurationContext(config))
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as MotCuaApplication
        handle(intent)
        val settings = SettingsViewModel(app.settings, lifecycleScope)
        val keyguard = getSystemService(KeyguardManager::class.java)
        setContent {
            val prefs by settings.state.collectAsStateWithLifecycle()
            MotCuaTheme(app.branding, prefs.textScale) {
                val graph by produceState<Result<AppGraph>?>(null, app.graph) {
                    value = runCatching { app.graph.await() }
                }
                val locked = prefs.appLock && !unlocked && keyguard.isDeviceSecure
                LaunchedEffect(locked) { if (locked) askToUnlock() }
                when {
                    locked -> Screen(title = app.branding.appName, onBack = null, primary = {
                        PrimaryButton(stringResource(R.string.lock_unlock), { askToUnlock() })
                    }) { Text(stringResource(R.string.lock_explanation), style = MaterialTheme.typography.bodyLarge) }
                    graph == null -> Screen(title = app.branding.appName, onBack = null) {
                        Waiting(stringResource(R.string.starting))
                    }
                    graph!!.isFailure -> Screen(title = app.branding.appName, onBack = null) {
                        ErrorText(stringResource(R.string.start_failed))
                    }
                    else -> AppNavigation(
                        graph = graph!!.getOrThrow(),
                        branding = app.branding,
                        logo = logoResource(app.branding.logo),
                        deviceHasLock = keyguard.isDeviceSecure,
                        redirects = redirects.receiveAsFlow(),
                        openDossier = dossiersToOpen.receiveAsFlow(),
                        onLanguageChanged = { lang ->
                            app.reopen(lang)
                            recreate()
                        },
                        settingsHolder = settings,
                        onAssisting = ::secureWindow,
                    )
                }
            }
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        handle(intent)
    }

    override fun onStop() {
        super.onStop()
        // Locked again whenever the app leaves the screen (unless a system dialog of ours).
        if (!isChangingConfigurations) unlocked = false
    }

    private fun handle(intent: Intent?) {
        val data = intent?.data
        when {
            intent?.action == Intent.ACTION_VIEW && data != null -> redirects.trySend(data.toString())
            intent?.action == ACTION_OPEN_DOSSIER ->
                intent.getStringExtra(EXTRA_DOSSIER_CODE)?.let { dossiersToOpen.trySend(it) }
        }
    }

    /**
     * While an assisted session is open the window is secure: no screenshot, no screen
     * recording, no thumbnail in the recent apps of the person's data.
     */
    private fun secureWindow(assisting: Boolean) {
        if (assisting) {
            window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        } else {
            window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
        }
    }

    /** The phone's own lock: fingerprint or face (weak is enough here), else PIN/pattern. */
    private fun askToUnlock() {
        val prompt = BiometricPrompt(
            this,
            ContextCompat.getMainExecutor(this),
            object : BiometricPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                    unlocked = true
                }
            },
        )
        prompt.authenticate(
            BiometricPrompt.PromptInfo.Builder()
                .setTitle(getString(R.string.lock_prompt_title))
                .setSubtitle(getString(R.string.lock_prompt_subtitle))
                .setAllowedAuthenticators(BIOMETRIC_WEAK or DEVICE_CREDENTIAL)
                .build(),
        )
    }

    private fun logoResource(name: String): Int =
        resources.getIdentifier(name, "drawable", packageName).takeIf { it != 0 } ?: R.drawable.logo_province

    companion object {
        const val ACTION_OPEN_DOSSIER = "vn.motcua.app.OPEN_DOSSIER"
        const val EXTRA_DOSSIER_CODE = "dossier_code"
    }
}
