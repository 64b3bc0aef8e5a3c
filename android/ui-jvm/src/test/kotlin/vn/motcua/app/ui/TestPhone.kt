package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.unit.Density
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.LifecycleRegistry
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import java.nio.file.Files
import java.nio.file.Path
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.emptyFlow
import kotlinx.coroutines.flow.receiveAsFlow
import vn.motcua.MotCua
import vn.motcua.Profile
import vn.motcua.app.R
import vn.motcua.app.jvm.LocalResourceLocale
import vn.motcua.jvmtests.Browser
import vn.motcua.jvmtests.MemoryPlatform
import vn.motcua.jvmtests.Portal
import vn.motcua.jvmtests.appConfig
import vn.motcua.presentation.Branding
import vn.motcua.presentation.Lang
import vn.motcua.presentation.SettingsFile
import vn.motcua.presentation.SettingsViewModel

/**
 * A phone running the app: the real core (host library through JNA, its own data
 * directory, an in-memory keystore that outlives a reopen as the Android Keystore does)
 * against a real portal, the app's [AppGraph] and settings, and the [TestDevice]. [App] is
 * what MainActivity's `setContent` shows once the core is open.
 */
class TestPhone(private val portal: Portal, lang: Lang) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("motcua-ui-phone-")
    private val keystore = MemoryPlatform()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val device = TestDevice()
    /** The person's settings, in [lang] from the start (as after choosing it once: the app opens the core in the saved language). */
    val settings = SettingsFile(dir.resolve("settings.properties").toFile()).let { file ->
        file.save(file.load().copy(lang = lang))
        SettingsViewModel(file, scope)
    }
    val branding: Branding = checkNotNull(TestPhone::class.java.getResourceAsStream("/branding.properties")) {
        "the app's assets/branding.properties is not on the class path"
    }.reader(Charsets.UTF_8).use { Branding.read(it) }

    /** The login callbacks the activity would receive (custom scheme redirect). */
    val redirects = Channel<String>(Channel.BUFFERED)

    /** The open core and what the screens run on; replaced when the language changes. */
    var graph: AppGraph by mutableStateOf(open(lang))
        private set

    /** Whether the window would be secure now (an assisted session is open). */
    @Volatile var windowSecure = false
        private set

    private val lifecycle = object : LifecycleOwner {
        override val lifecycle = LifecycleRegistry.createUnsafe(this).apply { currentState = Lifecycle.State.RESUMED }
    }

    /** The activity's view-model store; a new activity (after a language change) gets a new one here. */
    private var viewModels by mutableStateOf(newStore())

    private fun newStore() = object : ViewModelStoreOwner {
        override val viewModelStore = ViewModelStore()
    }

    private fun open(lang: Lang) = AppGraph(MotCua.open(appConfig(portal, dir.resolve("profile"), lang.tag), keystore), lang, scope)

    /** What MotCuaApplication.reopen and the activity's recreate do when the language changes. */
    private fun reopen(lang: Lang) {
        val old = graph
        val oldStore = viewModels
        graph = open(lang)
        viewModels = newStore()
        oldStore.viewModelStore.clear()
        old.own.close()
        old.core.close()
    }

    /** The system font scale (Android's font size setting); the tests change it on a screen to check it at each size. */
    var fontScale by mutableStateOf(1f)

    /**
     * The app as MainActivity shows it: the device, the language's resources, the system
     * font scale [fontScale] (Android's font size setting), the app's own text size
     * on top (MotCuaTheme), and the navigation.
     */
    @Composable
    fun App() {
        val systemFontScale = fontScale
        val prefs by settings.state.collectAsState()
        val current = graph
        val density = LocalDensity.current
        CompositionLocalProvider(
            LocalDensity provides Density(density.density, systemFontScale),
            LocalResourceLocale provides Locale.forLanguageTag(current.lang.tag),
            LocalDevice provides device,
            LocalLifecycleOwner provides lifecycle,
            LocalViewModelStoreOwner provides viewModels,
        ) {
            key(current) {
                MotCuaTheme(branding, prefs.textScale) {
                    AppNavigation(
                        graph = current,
                        branding = branding,
                        logo = R.drawable.logo_province,
                        deviceHasLock = false,
                        redirects = redirects.receiveAsFlow(),
                        openDossier = emptyFlow(),
                        onLanguageChanged = ::reopen,
                        settingsHolder = settings,
                        onAssisting = { windowSecure = it },
                    )
                }
            }
        }
    }

    /**
     * The person at the provider's login page the app opened: picks the demo citizen at
     * [level] (the [skip]th of them) and submits; the provider redirects back to the app.
     */
    fun logInAtProvider(page: TestDevice.LoginPage, level: Int = 2, skip: Int = 0): String {
        val citizen = Browser.citizens(page.url).filter { it.level == level }[skip]
        val callback = Browser.submit(citizen)
        check(redirects.trySend(callback).isSuccess)
        return citizen.fullName
    }

    /** The logged-in person's profile, from the core. */
    fun profile(): Profile? = graph.core.identity().use { it.profile() }

    override fun close() {
        scope.cancel()
        runCatching { graph.own.close() }
        runCatching { graph.core.close() }
        dir.toFile().deleteRecursively()
    }
}
