package vn.motcua.app.ui

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.DeskScanState
import vn.motcua.presentation.DeskScanViewModel

/**
 * Desk mode: the officer scans the citizen's receipt with the camera; the core verifies
 * it offline against the trust list (how current it is, said on screen) and the verdict
 * fills the screen, green or red, in words; then, if needed, the applicant check.
 */
@Composable
fun DeskScanScreen(scan: DeskScanViewModel, onBack: () -> Unit) {
    val state by scan.state.collectAsStateWithLifecycle()
    val prompt = stringResource(R.string.desk_scan_prompt)
    val launch = LocalDevice.current.rememberQrScanner(prompt, scan::onScanned)
    Screen(
        title = stringResource(R.string.desk_title),
        onBack = onBack,
        primary = when (state) {
            is DeskScanState.NotAvailable -> null
            is DeskScanState.Scanning -> primaryAction(stringResource(R.string.desk_scan)) { launch() }
            is DeskScanState.Verdict -> primaryAction(stringResource(R.string.desk_scan_next)) {
                scan.scanAgain()
                launch()
            }
        },
    ) {
        when (val s = state) {
            is DeskScanState.NotAvailable -> Banner(s.message, offline = false)
            is DeskScanState.Scanning -> {
                Text(stringResource(R.string.desk_explanation), style = MaterialTheme.typography.bodyLarge)
                Text(s.trustList, style = MaterialTheme.typography.bodyMedium)
                s.problem?.let { ErrorText(it.message) }
                if (s.refreshing) {
                    Waiting(stringResource(R.string.desk_trust_list_refreshing))
                } else {
                    SecondaryButton(stringResource(R.string.desk_trust_list_refresh), scan::refreshTrustList)
                }
            }
            is DeskScanState.Verdict -> {
                Column(
                    Modifier
                        .fillMaxWidth()
                        .background(if (s.valid) Color(0xFFDFF5E1) else Color(0xFFFDE0E0), RoundedCornerShape(12.dp))
                        .padding(16.dp)
                        .semantics(mergeDescendants = true) { liveRegion = LiveRegionMode.Assertive },
                ) {
                    Text(
                        (if (s.valid) "✓ " else "✗ ") + s.headline,
                        style = MaterialTheme.typography.titleLarge,
                        color = if (s.valid) Color(0xFF1B5E20) else Color(0xFF8E0000),
                    )
                    for (field in s.fields) Text("${field.label}: ${field.value}", style = MaterialTheme.typography.bodyLarge)
                }
                Text(s.trustList, style = MaterialTheme.typography.bodyMedium)
                if (s.valid) ApplicantCheck(s, scan)
            }
        }
    }
}

/** The officer types the 12-digit ID number from the person's card; the core compares it with the receipt. */
@Composable
private fun ApplicantCheck(verdict: DeskScanState.Verdict, scan: DeskScanViewModel) {
    var id by rememberSaveable { mutableStateOf("") }
    SectionTitle(stringResource(R.string.desk_applicant_title))
    LabelledField(
        value = id,
        onValueChange = { typed -> id = typed.filter(Char::isDigit).take(12) },
        label = stringResource(R.string.desk_applicant_id),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
    )
    if (verdict.checking) {
        Waiting(stringResource(R.string.desk_applicant_checking))
    } else {
        SecondaryButton(stringResource(R.string.desk_applicant_check), { scan.checkApplicant(id) })
    }
    verdict.applicant?.let { Text(it, style = MaterialTheme.typography.titleMedium) }
    verdict.problem?.let { ErrorText(it.message) }
}
