package vn.motcua.app

import android.Manifest
import android.app.DatePickerDialog
import android.app.KeyguardManager
import android.content.ClipData
import android.content.ClipboardManager
import android.content.ContentValues
import android.content.Context
import android.content.Intent
import android.content.res.Configuration
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.os.Environment
import android.provider.MediaStore
import android.provider.OpenableColumns
import android.view.WindowManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.compose.setContent
import androidx.activity.result.contract.ActivityResultContracts
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_WEAK
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.browser.customtabs.CustomTabsClient
import androidx.browser.customtabs.CustomTabsIntent
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import androidx.core.content.ContextCompat
import androidx.core.content.FileProvider
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.lifecycleScope
import androidx.print.PrintHelper
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import java.io.ByteArrayOutputStream
import java.io.File
import java.time.LocalDate
import java.util.Locale
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import vn.motcua.app.ui.AppGraph
import vn.motcua.app.ui.AppNavigation
import vn.motcua.app.ui.Device
import vn.motcua.app.ui.ErrorText
import vn.motcua.app.ui.LocalDevice
import vn.motcua.app.ui.MotCuaTheme
import vn.motcua.app.ui.PickedFile
import vn.motcua.app.ui.PrimaryButton
import vn.motcua.app.ui.Screen
import vn.motcua.app.ui.Waiting
import vn.motcua.presentation.Lang
import vn.motcua.presentation.SettingsViewModel

/**
 * The single activity. It receives the login redirect (custom scheme or app link) and
 * notification taps, applies the chosen language and text size, and asks for the phone's
 * screen lock when the app lock is on. It is the screens' [Device]: every Android API the
 * screens need (Custom Tabs, intents, pickers, the camera, the scanner, printing, the
 * window) is called here, so that `ui/` compiles for the JVM too (android/ui-jvm).
 */
class MainActivity : FragmentActivity(), Device {
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
            CompositionLocalProvider(LocalDevice provides this) { MotCuaTheme(app.branding, prefs.textScale) {
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
            } }
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

    /**
     * The provider's login page in a Custom Tab. [ephemeral] (an assisted session): an
     * Ephemeral Custom Tab when the default browser supports one (Chrome 136+ through
     * androidx.browser 1.9): its cookies, history and saved passwords exist only for that
     * tab, so the person's login leaves nothing in the volunteer's browser and nothing of the
     * volunteer's browser (a provider's login cookie, a saved password) offers itself to the
     * person. Elsewhere it is an ordinary tab that shares the browser's state; the core's
     * login is still the person's own (PKCE, its own tokens in the session's scoped keys),
     * and the session's home shows whose account it is.
     */
    override fun openLoginPage(url: String, ephemeral: Boolean) {
        val builder = CustomTabsIntent.Builder().setShowTitle(true)
        val browser = if (ephemeral) CustomTabsClient.getPackageName(this, null) else null
        val isolated = browser != null && CustomTabsClient.isEphemeralBrowsingSupported(this, browser)
        if (isolated) builder.setEphemeralBrowsingEnabled(true)
        val tab = builder.build()
        if (isolated) tab.intent.setPackage(browser)
        tab.launchUrl(this, Uri.parse(url))
    }

    /** Status-change notifications need the person's permission on Android 13+. */
    @Composable
    override fun AskNotificationPermission() {
        val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { }
        LaunchedEffect(Unit) {
            if (Build.VERSION.SDK_INT >= 33) ask.launch(Manifest.permission.POST_NOTIFICATIONS)
        }
    }

    override fun pickDate(current: LocalDate?, onPicked: (LocalDate) -> Unit) {
        val start = current ?: LocalDate.now()
        DatePickerDialog(
            this,
            { _, year, month, day -> onPicked(LocalDate.of(year, month + 1, day)) },
            start.year,
            start.monthValue - 1,
            start.dayOfMonth,
        ).show()
    }

    /** The camera writes into a scratch file of ours (through the FileProvider), read once and deleted. */
    @Composable
    override fun rememberCamera(onTaken: (PickedFile) -> Unit): () -> Unit {
        val scope = rememberCoroutineScope()
        var photo by rememberSaveable { mutableStateOf<String?>(null) }
        val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicture()) { taken ->
            val path = photo
            if (taken && path != null) {
                scope.launch { onTaken(withContext(Dispatchers.IO) { readScratchPhoto(File(path)) }) }
            }
        }
        return {
            val dir = File(cacheDir, "camera").apply { mkdirs() }
            val file = File.createTempFile("photo-", ".jpg", dir)
            photo = file.path
            camera.launch(FileProvider.getUriForFile(this@MainActivity, "$packageName.files", file))
        }
    }

    @Composable
    override fun rememberFilePicker(onPicked: (PickedFile) -> Unit): () -> Unit {
        val scope = rememberCoroutineScope()
        val files = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
            if (uri != null) scope.launch { onPicked(withContext(Dispatchers.IO) { readPicked(uri) }) }
        }
        return { files.launch(arrayOf("image/jpeg", "image/png", "application/pdf")) }
    }

    @Composable
    override fun rememberQrScanner(prompt: String, onScanned: (String) -> Unit): () -> Unit {
        val scanner = rememberLauncherForActivityResult(ScanContract()) { result -> result.contents?.let(onScanned) }
        return {
            scanner.launch(
                ScanOptions()
                    .setDesiredBarcodeFormats(ScanOptions.QR_CODE)
                    .setPrompt(prompt)
                    .setBeepEnabled(true)
                    .setOrientationLocked(false),
            )
        }
    }

    /** The QR code as an image (the core's PNG, through the FileProvider) with the slip's lines as text. */
    override fun shareReceipt(dossierCode: String, png: ByteArray, text: String) {
        val dir = File(cacheDir, "receipts").apply { mkdirs() }
        val file = File(dir, "giay-tiep-nhan.png").apply { writeBytes(png) }
        val uri = FileProvider.getUriForFile(this, "$packageName.files", file)
        val send = Intent(Intent.ACTION_SEND).setType("image/png")
            .putExtra(Intent.EXTRA_STREAM, uri)
            .putExtra(Intent.EXTRA_SUBJECT, dossierCode)
            .putExtra(Intent.EXTRA_TEXT, text)
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        startActivity(Intent.createChooser(send, null))
    }

    override fun printReceipt(dossierCode: String, png: ByteArray, qrModules: List<List<Boolean>>) {
        val image = BitmapFactory.decodeByteArray(png, 0, png.size) ?: qrBitmap(qrModules)
        PrintHelper(this).apply { scaleMode = PrintHelper.SCALE_MODE_FIT }.printBitmap("receipt-$dossierCode", image)
    }

    override fun copyText(label: String, text: String) {
        val clipboard = getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
        clipboard.setPrimaryClip(ClipData.newPlainText(label, text))
    }

    /**
     * Android 10 and later: into Pictures/ through the media store, no permission needed, where
     * a banking app's "scan from image" finds it. Before that, saving would need the storage
     * permission: the share sheet is offered instead (the person can save or open it there).
     */
    override fun saveImage(fileName: String, png: ByteArray): Boolean {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) {
            val dir = File(cacheDir, "receipts").apply { mkdirs() }
            val file = File(dir, fileName).apply { writeBytes(png) }
            val uri = FileProvider.getUriForFile(this, "$packageName.files", file)
            val send = Intent(Intent.ACTION_SEND).setType("image/png")
                .putExtra(Intent.EXTRA_STREAM, uri)
                .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
            startActivity(Intent.createChooser(send, null))
            return false
        }
        val values = ContentValues().apply {
            put(MediaStore.Images.Media.DISPLAY_NAME, fileName)
            put(MediaStore.Images.Media.MIME_TYPE, "image/png")
            put(MediaStore.Images.Media.RELATIVE_PATH, Environment.DIRECTORY_PICTURES)
        }
        val uri = contentResolver.insert(MediaStore.Images.Media.EXTERNAL_CONTENT_URI, values) ?: return false
        contentResolver.openOutputStream(uri)?.use { it.write(png) } ?: return false
        return true
    }

    override fun shareText(subject: String, text: String, mimeType: String) {
        val send = Intent(Intent.ACTION_SEND).setType(mimeType)
            .putExtra(Intent.EXTRA_SUBJECT, subject)
            .putExtra(Intent.EXTRA_TEXT, text)
        startActivity(Intent.createChooser(send, null))
    }

    /** Full brightness and the screen kept on while composed; the person's setting after. */
    @Composable
    override fun FullBrightness() {
        DisposableEffect(Unit) {
            val previous = window.attributes.screenBrightness
            window.attributes = window.attributes.apply { screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL }
            window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
            onDispose {
                window.attributes = window.attributes.apply { screenBrightness = previous }
                window.clearFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
            }
        }
    }

    /** The camera's scratch copy, deleted once read (the core keeps its own sealed one). */
    private fun readScratchPhoto(file: File): PickedFile {
        val bytes = file.takeIf { it.length() <= Device.MAX_ATTACHMENT_BYTES }?.readBytes()
        file.delete()
        return PickedFile(file.name, bytes)
    }

    /** A picked document's display name and bytes, read at most one byte past the limit. */
    private fun readPicked(uri: Uri): PickedFile {
        val name = contentResolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
            if (c.moveToFirst()) c.getString(0) else null
        } ?: "tep-dinh-kem"
        val bytes = contentResolver.openInputStream(uri)?.use { input ->
            // readNBytes needs API 33.
            val out = ByteArrayOutputStream()
            val buffer = ByteArray(64 * 1024)
            while (out.size() <= Device.MAX_ATTACHMENT_BYTES) {
                val n = input.read(buffer)
                if (n < 0) break
                out.write(buffer, 0, n)
            }
            out.toByteArray().takeIf { it.size <= Device.MAX_ATTACHMENT_BYTES }
        }
        return PickedFile(name, bytes)
    }

    /** A bitmap of the QR code for printing: 8 pixels a module, the four-module quiet zone included. */
    private fun qrBitmap(modules: List<List<Boolean>>): Bitmap {
        val scale = 8
        val side = (modules.size + 8) * scale
        val bitmap = Bitmap.createBitmap(side, side, Bitmap.Config.RGB_565)
        bitmap.eraseColor(android.graphics.Color.WHITE)
        modules.forEachIndexed { y, row ->
            row.forEachIndexed { x, dark ->
                if (dark) for (dy in 0 until scale) for (dx in 0 until scale) {
                    bitmap.setPixel((x + 4) * scale + dx, (y + 4) * scale + dy, android.graphics.Color.BLACK)
                }
            }
        }
        return bitmap
    }

    private fun logoResource(name: String): Int =
        resources.getIdentifier(name, "drawable", packageName).takeIf { it != 0 } ?: R.drawable.logo_province

    companion object {
        const val ACTION_OPEN_DOSSIER = "vn.motcua.app.OPEN_DOSSIER"
        const val EXTRA_DOSSIER_CODE = "dossier_code"
    }
}
