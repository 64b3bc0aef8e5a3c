package vn.motcua.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.motcua.app.R
import vn.motcua.presentation.HomeViewModel

/**
 * Home: my dossiers with their status and appointment date, then my drafts; what is on
 * the phone shows offline too. One primary action: file a new dossier.
 */
@Composable
fun HomeScreen(
    home: HomeViewModel,
    userName: String,
    onNewDossier: () -> Unit,
    onDossier: (String) -> Unit,
    onDraft: (String) -> Unit,
    onSettings: () -> Unit,
    onLoggedOut: (vn.motcua.presentation.Problem) -> Unit,
) {
    val state by home.state.collectAsStateWithLifecycle()
    // Status-change notifications need the person's permission on Android 13+.
    LocalDevice.current.AskNotificationPermission()
    LaunchedEffect(state.loggedOut) { state.loggedOut?.let(onLoggedOut) }
    Screen(
        title = stringResource(R.string.home_title),
        onBack = null,
        primary = { PrimaryButton(stringResource(R.string.home_new_dossier), onNewDossier) },
        actions = { SettingsAction(onSettings) },
    ) {
        Text(stringResource(R.string.home_greeting, userName), style = MaterialTheme.typography.bodyLarge)
        state.banner?.let { Banner(it) }
        if (state.loading) Waiting(stringResource(R.string.home_loading))
        SectionTitle(stringResource(R.string.home_my_dossiers))
        if (!state.loading && state.dossiers.isEmpty()) {
            Text(stringResource(R.string.home_no_dossiers), style = MaterialTheme.typography.bodyLarge)
        }
        for (d in state.dossiers) {
            val overdue = if (d.overdue) stringResource(R.string.dossier_overdue) else null
            val spoken = listOfNotNull(d.procedureName, d.status, d.appointment, overdue, d.code).joinToString(". ")
            ItemCard(onClick = { onDossier(d.code) }, description = spoken) {
                Text(d.procedureName, style = MaterialTheme.typography.titleMedium)
                Text(d.status, style = MaterialTheme.typography.bodyLarge)
                d.appointment?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
                overdue?.let { ErrorText(it) }
                Text(stringResource(R.string.dossier_code_label, d.code), style = MaterialTheme.typography.bodyMedium)
            }
        }
        if (state.drafts.isNotEmpty()) {
            SectionTitle(stringResource(R.string.home_my_drafts))
            for (draft in state.drafts) {
                val note = stringResource(if (draft.waitingToSend) R.string.draft_waiting_to_send else R.string.draft_not_sent)
                ItemCard(onClick = { onDraft(draft.id) }, description = "${draft.procedureName}. $note") {
                    Text(draft.procedureName, style = MaterialTheme.typography.titleMedium)
                    Text(note, style = MaterialTheme.typography.bodyLarge)
                }
            }
        }
        SecondaryButton(stringResource(R.string.action_refresh), home::refresh)
    }
}
