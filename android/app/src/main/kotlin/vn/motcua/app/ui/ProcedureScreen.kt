package vn.motcua.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.ProcedureState
import vn.motcua.presentation.ProcedureViewModel

/**
 * A procedure before filing: fee and its online discount up front, processing time,
 * fully or partly online (what that means for the person), the documents to prepare.
 */
@Composable
fun ProcedureScreen(procedure: ProcedureViewModel, onBack: () -> Unit, onFile: (String) -> Unit) {
    val state by procedure.state.collectAsStateWithLifecycle()
    val loaded = state as? ProcedureState.Loaded
    Screen(
        title = loaded?.detail?.name ?: stringResource(R.string.procedure_title),
        onBack = onBack,
        primary = loaded?.let { l -> primaryAction(stringResource(R.string.procedure_file)) { onFile(l.detail.code) } },
    ) {
        when (val s = state) {
            ProcedureState.Loading -> Waiting(stringResource(R.string.loading))
            is ProcedureState.NotFound -> ErrorText(stringResource(R.string.procedure_not_found, s.code))
            is ProcedureState.Failed -> ErrorText(s.problem.message)
            is ProcedureState.Loaded -> {
                val d = s.detail
                Text(stringResource(R.string.procedure_code, d.code), style = MaterialTheme.typography.bodyMedium)
                SectionTitle(stringResource(R.string.procedure_fee))
                Text(d.fee ?: stringResource(R.string.procedure_fee_unknown), style = MaterialTheme.typography.bodyLarge)
                d.onlineFee?.let { Text(stringResource(R.string.procedure_online_fee, it), style = MaterialTheme.typography.bodyLarge) }
                d.onlineSaving?.let { Banner(it, offline = false) }
                d.feeNote?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                SectionTitle(stringResource(R.string.procedure_time))
                Text(d.processingTime ?: stringResource(R.string.procedure_time_unknown), style = MaterialTheme.typography.bodyLarge)
                SectionTitle(stringResource(R.string.procedure_how))
                Text(d.serviceLevel, style = MaterialTheme.typography.bodyLarge)
                if (d.needsLevel2) Text(stringResource(R.string.procedure_level2), style = MaterialTheme.typography.bodyLarge)
                SectionTitle(stringResource(R.string.procedure_documents))
                for (doc in d.documents) {
                    val mark = stringResource(if (doc.required) R.string.document_required else R.string.document_optional)
                    Text("• ${doc.name} ($mark)", style = MaterialTheme.typography.bodyLarge)
                }
                SectionTitle(stringResource(R.string.procedure_agency))
                Text(d.agency, style = MaterialTheme.typography.bodyLarge)
            }
        }
    }
}
