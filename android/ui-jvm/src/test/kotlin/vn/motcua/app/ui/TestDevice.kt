package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import java.time.LocalDate
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/**
 * The test double of the screens' [Device]: records what the screens asked of the phone
 * and answers as the person would (the date, photo, file and QR code the test chose).
 * Nothing of our own code is replaced: the screens, the state holders and the core run.
 */
class TestDevice : Device {
    /** A login page the screens opened: its URL and whether it was to be ephemeral. */
    data class LoginPage(val url: String, val ephemeral: Boolean)

    /** Something shared: its subject, text, MIME type and image (a receipt's PNG) if any. */
    data class Shared(val subject: String, val text: String, val mimeType: String, val png: ByteArray? = null)

    val loginPages = CopyOnWriteArrayList<LoginPage>()
    val shared = CopyOnWriteArrayList<Shared>()
    val printed = CopyOnWriteArrayList<String>()
    /** What the screens put on the clipboard: label to text. */
    val copied = CopyOnWriteArrayList<Pair<String, String>>()
    /** The images the screens saved to the gallery: file name to bytes. */
    val savedImages = CopyOnWriteArrayList<Pair<String, ByteArray>>()
    val scanPrompts = CopyOnWriteArrayList<String>()
    val datePickerStarts = CopyOnWriteArrayList<LocalDate?>()
    private val notificationAsks = AtomicInteger()
    private val brightScreens = AtomicInteger()

    /** What the person picks in the date picker, takes with the camera, picks as a file, scans. */
    @Volatile var dateToPick: LocalDate = LocalDate.of(1990, 1, 1)
    @Volatile var photoToTake: PickedFile? = null
    @Volatile var fileToPick: PickedFile? = null
    @Volatile var qrToScan: String? = null

    /** How often the screens asked for the notification permission. */
    val notificationPermissionAsks: Int get() = notificationAsks.get()

    /** Whether a screen holds the screen at full brightness now. */
    val screenBright: Boolean get() = brightScreens.get() > 0

    override fun openLoginPage(url: String, ephemeral: Boolean) {
        loginPages += LoginPage(url, ephemeral)
    }

    @Composable
    override fun AskNotificationPermission() {
        DisposableEffect(Unit) {
            notificationAsks.incrementAndGet()
            onDispose { }
        }
    }

    override fun pickDate(current: LocalDate?, onPicked: (LocalDate) -> Unit) {
        datePickerStarts += current
        onPicked(dateToPick)
    }

    @Composable
    override fun rememberCamera(onTaken: (PickedFile) -> Unit): () -> Unit = {
        onTaken(checkNotNull(photoToTake) { "the test took no photo (photoToTake)" })
    }

    @Composable
    override fun rememberFilePicker(onPicked: (PickedFile) -> Unit): () -> Unit = {
        onPicked(checkNotNull(fileToPick) { "the test picked no file (fileToPick)" })
    }

    @Composable
    override fun rememberQrScanner(prompt: String, onScanned: (String) -> Unit): () -> Unit = {
        scanPrompts += prompt
        qrToScan?.let(onScanned)
    }

    override fun shareReceipt(dossierCode: String, png: ByteArray, text: String) {
        shared += Shared(dossierCode, text, "image/png", png)
    }

    override fun printReceipt(dossierCode: String, png: ByteArray, qrModules: List<List<Boolean>>) {
        printed += dossierCode
    }

    override fun copyText(label: String, text: String) {
        copied += label to text
    }

    override fun saveImage(fileName: String, png: ByteArray): Boolean {
        savedImages += fileName to png
        return true
    }

    override fun shareText(subject: String, text: String, mimeType: String) {
        shared += Shared(subject, text, mimeType)
    }

    @Composable
    override fun FullBrightness() {
        DisposableEffect(Unit) {
            brightScreens.incrementAndGet()
            onDispose { brightScreens.decrementAndGet() }
        }
    }
}
