package vn.motcua.app.ui

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import com.journeyapps.barcodescanner.ScanContract
import com.journeyapps.barcodescanner.ScanOptions
import androidx.activity.compose.rememberLauncherForActivityResult
import vn.motcua.app.R
import vn.motcua.presentation.DeskScanState
import vn.motcua.presentation.DeskScanViewModel

/**
 * Desk mode: the officer scans the citizen's receipt with the camera; the core verifies
 * it offline and the verdict fills the screen, green or red, in words.
 */
@Composable
fun DeskScanScreen(scan: DeskScanViewModel, onBack: () -> Unit) {
    val state by scan.state.collectAsStateWithLifecycle()
    val prompt = stringResource(R.string.desk_scan_prompt)
    val camera = rememberLauncherForActivityResult(ScanContract()) { result ->
        result.contents?.let(scan::onScanned)
    }
    val launch = {
        camera.launch(
            ScanOptions()
                .setDesiredBarcodeFormats(ScanOptions.QR_CODE)
                .setPrompt(prompt)
                .setBeepEnabled(true)
                .setOrientationLocked(false),
        )
    }
    Screen(
        title = stringResource(R.string.desk_title),
        onBack = onBack,
        primary = when (state) {
            is DeskScanState.NotAvailable -> null
            DeskScanState.Scanning -> primaryAction(stringResource(R.string.desk_scan)) { launch() }
            is DeskScanState.Verdict -> primaryAction(stringResource(R.string.desk_scan_next)) {
                scan.scanAgain()
                launch()
            }
        },
    ) {
        when (val s = state) {
            is DeskScanState.NotAvailable -> Banner(s.message, offline = false)
            DeskScanState.Scanning -> Text(stringResource(R.string.desk_explanation), style = MaterialTheme.typography.bodyLarge)
            is DeskScanState.Verdict -> Column(
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
        }
    }
}
