package vn.motcua.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.staticCompositionLocalOf
import java.time.LocalDate

/**
 * A file the person photographed or picked, read by the device: its display name and its
 * bytes, or `null` bytes when it is larger than [Device.MAX_ATTACHMENT_BYTES] (the
 * portal's limit), which the form says in words.
 */
class PickedFile(val name: String, val bytes: ByteArray?)

/**
 * Everything the screens ask of the phone itself, in one small interface, so that no file
 * of `ui/` touches an Android API: `MainActivity` implements it with Custom Tabs, intents,
 * activity-result launchers, the content resolver, the window and the QR scanner; the JVM
 * build of the screens (`android/ui-jvm`) with a test double that records what was asked.
 *
 * The `remember…` members are composable because Android's activity-result launchers must
 * be registered during composition to survive a configuration change; each returns the
 * action to run on a click.
 */
interface Device {
    /**
     * Opens the identity provider's login page at [url]. [ephemeral]: for an assisted
     * person, a browser tab that keeps no cookie, history or password where one exists.
     */
    fun openLoginPage(url: String, ephemeral: Boolean)

    /** Asks once, where the system requires it, for permission to post status notifications. */
    @Composable
    fun AskNotificationPermission()

    /** The system's date picker, starting at [current] (today when null); [onPicked] gets the choice. */
    fun pickDate(current: LocalDate?, onPicked: (LocalDate) -> Unit)

    /** The camera: the returned action takes a photo, [onTaken] gets it (never called when cancelled). */
    @Composable
    fun rememberCamera(onTaken: (PickedFile) -> Unit): () -> Unit

    /** The file picker for JPEG, PNG and PDF: the returned action opens it, [onPicked] gets the file. */
    @Composable
    fun rememberFilePicker(onPicked: (PickedFile) -> Unit): () -> Unit

    /** The QR scanner showing [prompt]: the returned action opens it, [onScanned] gets the text read. */
    @Composable
    fun rememberQrScanner(prompt: String, onScanned: (String) -> Unit): () -> Unit

    /** Shares the receipt: the core's QR image [png] and its lines as [text], under [dossierCode]. */
    fun shareReceipt(dossierCode: String, png: ByteArray, text: String)

    /**
     * Prints the receipt's QR image [png] (the core's), named after [dossierCode]; drawn
     * from [qrModules] should the image not decode.
     */
    fun printReceipt(dossierCode: String, png: ByteArray, qrModules: List<List<Boolean>>)

    /**
     * Puts [text] on the clipboard, to paste into a banking app; [label] names it (the
     * account number, the transfer's description).
     */
    fun copyText(label: String, text: String)

    /**
     * Saves the image [png] (a VietQR code) as [fileName] where a banking app on this phone
     * finds it (the photo gallery). True when saved; false when the system offered to share it
     * instead (where saving needs a permission the app does not ask for).
     */
    fun saveImage(fileName: String, png: ByteArray): Boolean

    /** Shares [text] (of type [mimeType], e.g. a hand-off or a CSV) with another app, titled [subject]. */
    fun shareText(subject: String, text: String, mimeType: String)

    /** While in composition: the screen at full brightness and kept on (a QR code to be scanned). */
    @Composable
    fun FullBrightness()

    companion object {
        /** The largest attachment the portal takes: 10 MiB. */
        const val MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    }
}

/** The device the screens run on (provided by MainActivity, or by the JVM tests' double). */
val LocalDevice = staticCompositionLocalOf<Device> { error("no Device provided: MainActivity provides LocalDevice") }
