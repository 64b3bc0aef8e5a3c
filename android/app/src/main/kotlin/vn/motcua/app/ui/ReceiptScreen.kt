package vn.motcua.app.ui

import android.app.Activity
import android.content.Context
import android.content.ContextWrapper
import android.content.Intent
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.view.WindowManager
import androidx.core.content.FileProvider
import java.io.File
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.print.PrintHelper
import vn.motcua.app.R
import vn.motcua.presentation.ReceiptState
import vn.motcua.presentation.ReceiptView
import vn.motcua.presentation.ReceiptViewModel

/**
 * The receipt slip, full screen, to show at the desk: the QR code as large as the screen
 * allows on white, the screen at full brightness while it is shown, the slip's lines
 * below, and share and print.
 */
@Composable
fun ReceiptScreen(receipt: ReceiptViewModel, dossierCode: String, onBack: () -> Unit) {
    val state by receipt.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    FullBrightness()
    val shown = (state as? ReceiptState.Shown)?.receipt
    Screen(
        title = stringResource(R.string.receipt_title),
        onBack = onBack,
        primary = shown?.let { r -> primaryAction(stringResource(R.string.receipt_share)) { share(context, dossierCode, r) } },
    ) {
        Text(stringResource(R.string.dossier_code_label, dossierCode), style = MaterialTheme.typography.titleMedium)
        when (val s = state) {
            ReceiptState.Loading -> Waiting(stringResource(R.string.loading))
            is ReceiptState.NotAvailable -> Banner(s.message, offline = false)
            is ReceiptState.Failed -> ErrorText(s.problem.message)
            is ReceiptState.Shown -> {
                QrCode(s.receipt.qrModules, stringResource(R.string.receipt_qr_description, dossierCode))
                for (field in s.receipt.fields) {
                    Text("${field.label}: ${field.value}", style = MaterialTheme.typography.bodyLarge)
                }
                SecondaryButton(stringResource(R.string.receipt_print), {
                    // The core's PNG (the image the receipt tests read back with ZXing,
                    // zbar and rqrr); drawn from the modules only if it does not decode.
                    val image = BitmapFactory.decodeByteArray(s.receipt.qrPng, 0, s.receipt.qrPng.size)
                        ?: bitmap(s.receipt.qrModules)
                    PrintHelper(context).apply { scaleMode = PrintHelper.SCALE_MODE_FIT }
                        .printBitmap("receipt-$dossierCode", image)
                })
            }
        }
    }
}

/** The QR modules drawn square, with the four-module quiet zone the standard asks for. */
@Composable
private fun QrCode(modules: List<List<Boolean>>, description: String) {
    Canvas(
        Modifier
            .fillMaxWidth()
            .aspectRatio(1f)
            .background(Color.White)
            .padding(8.dp)
            .semantics { contentDescription = description },
    ) {
        val count = modules.size + 8
        val cell = size.minDimension / count
        modules.forEachIndexed { y, row ->
            row.forEachIndexed { x, dark ->
                if (dark) drawRect(Color.Black, Offset((x + 4) * cell, (y + 4) * cell), Size(cell, cell))
            }
        }
    }
}

/** A bitmap of the QR code for printing: 8 pixels a module, quiet zone included. */
private fun bitmap(modules: List<List<Boolean>>): Bitmap {
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

/**
 * Shares the QR code as an image (the core's PNG, through the FileProvider) with the slip's
 * lines and the QR text (a desk can verify the text as well).
 */
private fun share(context: Context, code: String, receipt: ReceiptView) {
    val text = (receipt.fields.map { "${it.label}: ${it.value}" } + receipt.qrText).joinToString("\n")
    val dir = File(context.cacheDir, "receipts").apply { mkdirs() }
    val file = File(dir, "giay-tiep-nhan.png").apply { writeBytes(receipt.qrPng) }
    val uri = FileProvider.getUriForFile(context, context.packageName + ".files", file)
    val send = Intent(Intent.ACTION_SEND).setType("image/png")
        .putExtra(Intent.EXTRA_STREAM, uri)
        .putExtra(Intent.EXTRA_SUBJECT, code)
        .putExtra(Intent.EXTRA_TEXT, text)
        .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
    context.startActivity(Intent.createChooser(send, null))
}

/** Full screen brightness while this screen is shown; the person's setting after. */
@Composable
private fun FullBrightness() {
    val activity = LocalContext.current.findActivity()
    DisposableEffect(activity) {
        val window = activity?.window ?: return@DisposableEffect onDispose { }
        val previous = window.attributes.screenBrightness
        window.attributes = window.attributes.apply { screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL }
        window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        onDispose {
            window.attributes = window.attributes.apply { screenBrightness = previous }
            window.clearFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        }
    }
}

private tailrec fun Context.findActivity(): Activity? = when (this) {
    is Activity -> this
    is ContextWrapper -> baseContext.findActivity()
    else -> null
}
