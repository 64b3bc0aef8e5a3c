package vn.motcua.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.ReceiptState
import vn.motcua.presentation.ReceiptViewModel

/**
 * The receipt slip, full screen, to show at the desk: the QR code as large as the screen
 * allows on white, the screen at full brightness while it is shown, the slip's lines
 * below, and share and print.
 */
@Composable
fun ReceiptScreen(receipt: ReceiptViewModel, dossierCode: String, onBack: () -> Unit) {
    val state by receipt.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    device.FullBrightness()
    val shown = (state as? ReceiptState.Shown)?.receipt
    Screen(
        title = stringResource(R.string.receipt_title),
        onBack = onBack,
        primary = shown?.let { r -> primaryAction(stringResource(R.string.receipt_share)) {
            // The slip's lines and the QR text (a desk can verify the text as well).
            val text = (r.fields.map { "${it.label}: ${it.value}" } + r.qrText).joinToString("\n")
            device.shareReceipt(dossierCode, r.qrPng, text)
        } },
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
                // The core's PNG: the image the receipt tests read back with ZXing, zbar and rqrr.
                SecondaryButton(stringResource(R.string.receipt_print), { device.printReceipt(dossierCode, s.receipt.qrPng, s.receipt.qrModules) })
            }
        }
    }
}

/** The QR modules drawn square, with the four-module quiet zone the standard asks for (receipts, VietQR). */
@Composable
fun QrCode(modules: List<List<Boolean>>, description: String) {
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
