package vn.motcua.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.FeeReceiptState
import vn.motcua.presentation.FeeReceiptViewModel
import vn.motcua.presentation.PaymentState
import vn.motcua.presentation.PaymentViewModel

/**
 * A dossier's fee: where it stands in the core's words (headline, detail), the amount, the
 * account and the transfer's description, each with a copy button, and, while the fee
 * awaits its payment, the VietQR code to scan (saved as an image for a banking app on this
 * same phone). "Cập nhật" asks the portal again after paying; once paid, the e-receipt opens.
 * Nothing here looks at where the fee stands: what the core gives is shown.
 */
@Composable
fun PaymentScreen(payment: PaymentViewModel, dossierCode: String, onBack: () -> Unit, onFeeReceipt: (String) -> Unit) {
    val state by payment.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    // What the person just did, said back: the label copied, or the image saved.
    var copiedLabel by rememberSaveable { mutableStateOf<String?>(null) }
    var imageSaved by rememberSaveable { mutableStateOf(false) }
    val shown = (state as? PaymentState.Shown)?.payment
    Screen(
        title = stringResource(R.string.payment_title),
        onBack = onBack,
        primary = shown?.takeIf { it.hasFeeReceipt }?.let {
            primaryAction(stringResource(R.string.payment_open_fee_receipt)) { onFeeReceipt(dossierCode) }
        },
    ) {
        Text(stringResource(R.string.dossier_code_label, dossierCode), style = MaterialTheme.typography.bodyLarge)
        when (val s = state) {
            PaymentState.Loading -> Waiting(stringResource(R.string.loading))
            is PaymentState.NotAvailable -> Banner(s.message, offline = false)
            is PaymentState.Failed -> {
                ErrorText(s.problem.message)
                SecondaryButton(stringResource(R.string.action_refresh), payment::refresh)
            }
            is PaymentState.Shown -> {
                val p = s.payment
                p.offlineNote?.let { Banner(it) }
                s.problem?.let { ErrorText(it.message) }
                Text(p.headline, style = MaterialTheme.typography.titleLarge)
                p.detail?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
                copiedLabel?.let { Banner(stringResource(R.string.payment_copied, it), offline = false) }
                if (imageSaved) Banner(stringResource(R.string.payment_saved), offline = false)
                fun copy(label: String, value: String) {
                    device.copyText(label, value)
                    copiedLabel = label
                    imageSaved = false
                }
                p.amountLabel?.let { amount ->
                    CopyLine(stringResource(R.string.payment_amount), amount) { label -> copy(label, p.amountVnd?.toString() ?: amount) }
                }
                p.account?.let { a ->
                    CopyLine(stringResource(R.string.payment_bank), a.bankName) { copy(it, a.bankName) }
                    CopyLine(stringResource(R.string.payment_account), a.account) { copy(it, a.account) }
                    CopyLine(stringResource(R.string.payment_holder), a.holder) { copy(it, a.holder) }
                }
                p.reference?.let { reference ->
                    CopyLine(stringResource(R.string.payment_reference), reference) { copy(it, reference) }
                }
                p.qrModules?.let { modules ->
                    QrCode(modules, stringResource(R.string.payment_qr_description, p.amountLabel.orEmpty(), dossierCode))
                    Text(stringResource(R.string.payment_qr_hint), style = MaterialTheme.typography.bodyLarge)
                    p.qrPng?.let { png ->
                        SecondaryButton(stringResource(R.string.payment_save_qr), {
                            imageSaved = device.saveImage("vietqr-$dossierCode.png", png)
                            copiedLabel = null
                        })
                    }
                }
                if (s.refreshing) {
                    Waiting(stringResource(R.string.payment_refreshing))
                } else {
                    SecondaryButton(stringResource(R.string.action_refresh), { copiedLabel = null; imageSaved = false; payment.refresh() })
                }
            }
        }
    }
}

/**
 * One thing to type into a banking app: its name and value read together, and a copy
 * button that says what it copies ("Chép số tài khoản"). The button sits under the value,
 * so that at large text sizes neither squeezes the other.
 */
@Composable
private fun CopyLine(label: String, value: String, onCopy: (String) -> Unit) {
    val description = stringResource(R.string.payment_copy_description, label.replaceFirstChar { it.lowercase() })
    Column(Modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Column(Modifier.fillMaxWidth().semantics(mergeDescendants = true) { contentDescription = "$label: $value" }) {
            Text(label, style = MaterialTheme.typography.bodyMedium)
            Text(value, style = MaterialTheme.typography.titleMedium)
        }
        OutlinedButton(
            onClick = { onCopy(label) },
            modifier = Modifier.heightIn(min = TouchHeight).semantics { contentDescription = description },
        ) { Text(stringResource(R.string.payment_copy), style = MaterialTheme.typography.bodyLarge) }
    }
}

/**
 * The fee's e-receipt, from the phone: its QR code on white at full brightness (to show at
 * the desk), the verdict of the trust list on the phone in the core's words, its lines, and
 * share (the image with its lines and the signed text, which a desk can verify).
 */
@Composable
fun FeeReceiptScreen(receipt: FeeReceiptViewModel, dossierCode: String, onBack: () -> Unit) {
    val state by receipt.state.collectAsStateWithLifecycle()
    val device = LocalDevice.current
    device.FullBrightness()
    val shown = (state as? FeeReceiptState.Shown)?.receipt
    Screen(
        title = stringResource(R.string.fee_receipt_title),
        onBack = onBack,
        primary = shown?.let { r ->
            primaryAction(stringResource(R.string.fee_receipt_share)) {
                val text = (r.fields.map { "${it.label}: ${it.value}" } + r.qrText).joinToString("\n")
                device.shareReceipt(dossierCode, r.qrPng, text)
            }
        },
    ) {
        Text(stringResource(R.string.dossier_code_label, dossierCode), style = MaterialTheme.typography.titleMedium)
        when (val s = state) {
            FeeReceiptState.Loading -> Waiting(stringResource(R.string.loading))
            is FeeReceiptState.NotAvailable -> Banner(s.message, offline = false)
            is FeeReceiptState.Failed -> ErrorText(s.problem.message)
            is FeeReceiptState.Shown -> {
                QrCode(s.receipt.qrModules, stringResource(R.string.fee_receipt_qr_description, dossierCode))
                Banner(s.receipt.verdictLine, offline = false)
                for (field in s.receipt.fields) {
                    Text("${field.label}: ${field.value}", style = MaterialTheme.typography.bodyLarge)
                }
            }
        }
    }
}
